#include "history/records.h"

#include <cstring>

#include "util/digest.h"
#include "util/text.h"

namespace flowbench::history {

std::string Fingerprint::digest() const {
  Hasher hasher;
  for (const auto& [name, value] : fields) hasher.field(name, value);
  return hasher.hex_digest().substr(0, 12);
}

std::string Fingerprint::text() const {
  std::vector<std::string> parts;
  for (const auto& [name, value] : fields) parts.push_back(name + "=" + value);
  return join(parts, "; ");
}

std::vector<std::string> fingerprint_differences(const Fingerprint& ours, const Fingerprint& theirs) {
  std::map<std::string, std::pair<std::string, std::string>> all;
  for (const auto& [name, value] : ours.fields) all[name].first = value;
  for (const auto& [name, value] : theirs.fields) all[name].second = value;
  std::vector<std::string> out;
  for (const auto& [name, values] : all) {
    if (values.first == values.second) continue;
    auto shown = [](const std::string& v) { return v.empty() ? std::string("(none)") : "\"" + v + "\""; };
    out.push_back(name + " " + shown(values.first) + " vs " + shown(values.second));
  }
  return out;
}

std::string Result::digest() const {
  Hasher hasher;
  hasher.field("commit", commit.hash);
  hasher.field("branch", commit.branch);
  hasher.field("fingerprint", fingerprint.digest());
  for (const auto& [key, values] : samples) {
    hasher.field("variant", key.variant);
    hasher.field("metric", key.metric);
    std::string bytes(values.size() * sizeof(double), '\0');
    if (!values.empty()) std::memcpy(bytes.data(), values.data(), bytes.size());
    hasher.field("values", bytes);
  }
  return hasher.hex_digest();
}

std::size_t Result::sample_count() const {
  std::size_t n = 0;
  for (const auto& [key, values] : samples) n += values.size();
  return n;
}

}  // namespace flowbench::history
