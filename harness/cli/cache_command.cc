// `flowbench cache`: inspect and trim an action cache.
#include <cstdio>
#include <iostream>
#include <memory>

#include "cache/cache_admin.h"
#include "cli/cli_common.h"

namespace flowbench::cli {

namespace {

struct CacheCommand {
  std::string action;
  std::filesystem::path dir = ".flowbench/cache";
  std::string max_size;
};

void add_cache_options(CLI::App& cache, CacheCommand& command) {
  cache.add_option("action", command.action, "stats | list | gc | clear")
      ->required()
      ->check(CLI::IsMember({"stats", "list", "gc", "clear"}));
  cache.add_option("--cache", command.dir, "The cache folder")->capture_default_str();
  cache.add_option("--max-size", command.max_size, "With gc: the size to trim to, e.g. 500M");
}

std::string human_bytes(std::uintmax_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit ? "%.1f %s" : "%.0f %s", value, units[unit]);
  return buffer;
}

int do_cache(const CacheCommand& command) {
  if (command.action == "stats") {
    const CacheStats stats = cache_stats(command.dir);
    std::cout << "cache " << command.dir.string() << "\n"
              << "  entries  " << stats.entries << " (" << human_bytes(stats.bytes) << ")\n"
              << "  hits     " << stats.hits << "\n"
              << "  misses   " << stats.misses << "\n"
              << "  stores   " << stats.stores << "\n"
              << "  corrupt  " << stats.corrupt << " (deleted and rebuilt)\n";
    return 0;
  }
  if (command.action == "list") {
    for (const auto& entry : list_cache_entries(command.dir)) {
      std::cout << entry.key.substr(0, 16) << "  task " << entry.task_id << "  " << human_bytes(entry.bytes)
                << "  created " << entry.created << "\n";
    }
    return 0;
  }
  if (command.action == "gc") {
    if (command.max_size.empty()) {
      std::cerr << "flowbench cache gc: give --max-size (e.g. --max-size 500M)\n";
      return kExitBadInput;
    }
    auto max = parse_size(command.max_size);
    if (!max) {
      std::cerr << "flowbench cache gc: --max-size: " << max.error().message << "\n";
      return kExitBadInput;
    }
    const GcResult result = collect_garbage(command.dir, *max);
    std::cout << "removed " << result.removed << " entries, least recently used first: "
              << human_bytes(result.bytes_before) << " -> " << human_bytes(result.bytes_after) << "\n";
    return 0;
  }
  if (auto cleared = clear_cache(command.dir); !cleared) {
    std::cerr << "flowbench cache clear: " << cleared.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << "cleared " << command.dir.string() << "\n";
  return 0;
}

}  // namespace

void add_cache_command(CLI::App& app, int& exit_status) {
  auto command = std::make_shared<CacheCommand>();
  auto* cache = app.add_subcommand("cache", "Inspect and trim an action cache");
  add_cache_options(*cache, *command);
  cache->callback([command, &exit_status] { exit_status = do_cache(*command); });
}

}  // namespace flowbench::cli
