#include "manifest.h"

#include <nlohmann/json.hpp>

#include "platform/atomic_file.h"
#include "util/digest.h"
#include "util/json_reader.h"

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
  JsonReader reader(path.string(), "delete it (the next run compiles everything)");
  auto doc = reader.parse(*text);
  if (!doc) return reader.error();
  const JsonAt root = reader.root(*doc);
  if (!root.is_object() || root["schema"].text_or("") != kManifestSchema) {
    root.problem("not a " + std::string(kManifestSchema));
    return reader.error();
  }
  const std::string digest = root["digest"].text_or("");
  if (reader.failed()) return reader.error();
  doc->erase("digest");
  if (digest != text_digest(doc->dump())) {
    root.problem("its content does not match its digest (corrupt or edited)");
    return reader.error();
  }
  Manifest manifest;
  for (const auto& [file, sha] : root["files"].members(true)) {
    if (auto value = sha.text()) manifest.files[file] = *value;
  }
  for (const auto& [unit_path, unit] : root["units"].members(true)) {
    UnitRecord record{unit["key"].text().value_or(""), unit["compiled"].boolean().value_or(false),
                      unit["diagnostics"].text().value_or(""), {}};
    for (const JsonAt& c : unit["checks"].elements(true)) {
      record.checks.push_back({c["subject"].text().value_or(""), c["name"].text().value_or(""),
                               c["passed"].boolean().value_or(false), c["message"].text().value_or("")});
    }
    manifest.units[unit_path] = std::move(record);
  }
  if (reader.failed()) return reader.error();
  return manifest;
}

}  // namespace flowbench::codegen
