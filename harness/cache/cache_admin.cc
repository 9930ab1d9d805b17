#include "cache/cache_admin.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "cache/action_cache.h"
#include "platform/atomic_file.h"
#include "util/json_reader.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
std::uintmax_t folder_bytes(const fs::path& dir) {
  std::uintmax_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}
}  // namespace

std::vector<CacheEntryInfo> list_cache_entries(const fs::path& dir) {
  std::vector<CacheEntryInfo> entries;
  std::error_code ec;
  const fs::path root = dir / "entries";
  if (!fs::is_directory(root, ec)) return entries;
  for (const auto& shard : fs::directory_iterator(root, ec)) {
    if (!shard.is_directory(ec)) continue;
    for (const auto& entry : fs::directory_iterator(shard.path(), ec)) {
      CacheEntryInfo info;
      info.key = entry.path().filename().string();
      const fs::path manifest = entry.path() / "entry.json";
      info.last_used = fs::last_write_time(manifest, ec);
      if (ec) {
        ec.clear();
        continue;
      }
      if (auto text = read_file(manifest)) {
        // A malformed entry is listed without these; restoring it finds it corrupt and deletes it.
        JsonReader reader(manifest.string(), "delete the entry (flowbench cache clear)");
        if (const auto parsed = reader.parse(*text)) {
          const JsonAt root = reader.root(*parsed);
          if (root["task_id"].is_string()) info.task_id = *root["task_id"].text();
          if (root["created"].is_string()) info.created = *root["created"].text();
        }
      }
      info.bytes = folder_bytes(entry.path());
      entries.push_back(std::move(info));
    }
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.last_used < b.last_used; });
  return entries;
}

CacheStats cache_stats(const fs::path& dir) {
  CacheStats stats;
  for (const auto& entry : list_cache_entries(dir)) {
    ++stats.entries;
    stats.bytes += entry.bytes;
  }
  if (auto text = read_file(dir / "stats.jsonl")) {
    std::size_t start = 0;
    while (start < text->size()) {
      std::size_t end = text->find('\n', start);
      if (end == std::string::npos) end = text->size();
      const json event = json::parse(text->substr(start, end - start), nullptr, false);
      start = end + 1;
      // A torn last line (or any line not an event) is passed over: these are counters.
      if (!event.is_object() || !event.contains("event") || !event["event"].is_string()) continue;
      const std::string& kind = event["event"].get_ref<const std::string&>();
      stats.hits += kind == "hit";
      stats.misses += kind == "miss";
      stats.stores += kind == "store";
      stats.corrupt += kind == "corrupt";
    }
  }
  return stats;
}

GcResult collect_garbage(const fs::path& dir, std::uintmax_t max_bytes) {
  GcResult result;
  auto entries = list_cache_entries(dir);
  for (const auto& e : entries) result.bytes_before += e.bytes;
  result.bytes_after = result.bytes_before;
  for (const auto& e : entries) {
    if (result.bytes_after <= max_bytes) break;
    remove_entry(dir, dir / "entries" / e.key.substr(0, 2) / e.key);
    result.bytes_after -= e.bytes;
    ++result.removed;
  }
  return result;
}

Status clear_cache(const fs::path& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return ok_status();
  if (!fs::exists(dir / "entries", ec) && !fs::exists(dir / "stats.jsonl", ec)) {
    return Error{dir.string() + " does not look like a flowbench cache (no entries/); not deleting it"};
  }
  for (const char* part : {"entries", "tmp", "stats.jsonl"}) {
    fs::remove_all(dir / part, ec);
    if (ec) return Error{"cannot delete " + (dir / part).string() + ": " + ec.message()};
  }
  return ok_status();
}

Expected<std::uintmax_t> parse_size(const std::string& text) {
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  std::string unit = text.substr(digits);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();
  const std::string units = "KMGT";
  std::uintmax_t scale = 1;
  if (unit.size() == 1 && units.find(unit[0]) != std::string::npos) {
    for (std::size_t i = 0; i <= units.find(unit[0]); ++i) scale *= 1024;
  } else if (!unit.empty() && unit != "B") {
    digits = 0;
  }
  if (digits == 0) return Error{"size \"" + text + "\" is not a number with an optional K, M, G or T (e.g. 500M)"};
  return std::stoull(text.substr(0, digits)) * scale;
}

}  // namespace flowbench
