// Looking after a cache folder: statistics, listing, least-recently-used eviction, clearing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/expected.h"

namespace flowbench {

struct CacheEntryInfo {
  std::string key;
  std::string task_id;
  std::string created;
  std::uintmax_t bytes = 0;
  std::filesystem::file_time_type last_used{};
};

// Every complete entry, least recently used first.
std::vector<CacheEntryInfo> list_cache_entries(const std::filesystem::path& dir);

struct CacheStats {
  long hits = 0, misses = 0, stores = 0, corrupt = 0;
  std::size_t entries = 0;
  std::uintmax_t bytes = 0;
};
CacheStats cache_stats(const std::filesystem::path& dir);

struct GcResult {
  std::size_t removed = 0;
  std::uintmax_t bytes_before = 0, bytes_after = 0;
};
// Deletes least recently used entries until the entries take at most `max_bytes`.
GcResult collect_garbage(const std::filesystem::path& dir, std::uintmax_t max_bytes);

// Deletes every entry and the statistics.
Status clear_cache(const std::filesystem::path& dir);

// "512", "64K", "10M", "2G" (powers of 1024; an optional trailing "B" or "iB").
Expected<std::uintmax_t> parse_size(const std::string& text);

}  // namespace flowbench
