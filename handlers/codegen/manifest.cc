#include "manifest.h"

#include <nlohmann/json.hpp>

#include "platform/atomic_file.h"
#include "util/digest.h"

namespace flowbench::codegen {
using nlohmann::json;

namespace {
json body_of(const Manifest& manifest) {
  json units = json::object();
  for (const auto& [path, unit] : manifest.units) {
    json checks = json::array();
    for (const auto& c : unit.checks) {
      checks.push_back({{"subject", c.subject}, {"name", c.name}, {"passed", c.passed}, {"message", c.message}});
    }
    units[path] = {{"key", unit.key}, {"compiled", unit.compiled}, {"diagnostics", unit.diagnostics},
                   {"checks", checks}};
  }
  return {{"schema", kManifestSchema}, {"files", manifest.files}, {"units", units}};
}
}  // namespace

std::string manifest_text(const Manifest& manifest) {
  json body = body_of(manifest);
  body["digest"] = text_digest(body.dump());
  return body.dump(1) + "\n";
}

Expected<Manifest> read_manifest(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  auto bad = [&](const std::string& why) {
    return Error{path.string() + ": " + why + "; fix: delete it (the next run compiles everything)"};
  };
  json doc = json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return bad("not JSON (truncated?)");
  if (doc.value("schema", "") != kManifestSchema) return bad("not a " + std::string(kManifestSchema));
  const std::string digest = doc.value("digest", "");
  doc.erase("digest");
  if (digest != text_digest(doc.dump())) return bad("its content does not match its digest (corrupt or edited)");
  Manifest manifest;
  try {
    manifest.files = doc.at("files").get<std::map<std::string, std::string>>();
    for (const auto& [path, unit] : doc.at("units").items()) {
      UnitRecord record{unit.at("key"), unit.at("compiled"), unit.at("diagnostics"), {}};
      for (const auto& c : unit.at("checks")) {
        record.checks.push_back({c.at("subject"), c.at("name"), c.at("passed"), c.at("message")});
      }
      manifest.units[path] = std::move(record);
    }
  } catch (const json::exception& e) {
    return bad(std::string("malformed: ") + e.what());
  }
  return manifest;
}

}  // namespace flowbench::codegen
