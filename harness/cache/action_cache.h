// A content-addressed action cache: a task that declares its inputs and outputs is an
// action; the same key (command, environment, handler bytes, input bytes) gives the same
// outputs, so a stored entry can stand in for running it again.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/expected.h"

namespace flowbench {

inline constexpr const char* kCacheFormat = "flowbench.cache/1";

// What an action's key is computed from.
struct ActionDescription {
  std::vector<std::string> argv;
  bool shell = false;
  std::string folder;                    // the task's folder relative to the spec's folder
  std::map<std::string, std::optional<std::string>> env;  // variables that count; nullopt: unset
  std::filesystem::path handler;         // the resolved program (its bytes count, not its path)
  std::filesystem::path workspace;       // where the input and output patterns are rooted
  std::vector<std::string> inputs;       // glob patterns
  double time_scale = 1.0;
};

// The environment variables that change an action's behaviour: those the task sets, PATH,
// LANG, every LC_*, and the names the task lists in cache.env. `effective` is the whole
// environment the task gets ("KEY=value").
std::map<std::string, std::optional<std::string>> relevant_environment(
    const std::map<std::string, std::string>& task_env, const std::vector<std::string>& extra_names,
    const std::vector<std::string>& effective);

// The action's key: SHA-256 over typed, length-framed fields. The error names an input
// that could not be read.
Expected<std::string> action_key(const ActionDescription& action);

struct CacheHit {
  nlohmann::json profile;   // the profile recorded when the action ran
  std::size_t files = 0;    // outputs restored
};

struct CacheMiss {
  std::string corruption;   // non-empty: an entry existed but was corrupt, and was deleted
};

class ActionCache {
 public:
  // `dir` is created on first store. A read-only cache restores but never stores.
  ActionCache(std::filesystem::path dir, bool read_only);

  const std::filesystem::path& dir() const { return dir_; }
  bool read_only() const { return read_only_; }

  // Looks up `key`; on a hit, verifies every blob's digest first, then restores the
  // outputs inside `workspace` and the log to `log`. An entry that fails verification or
  // names a path outside the workspace is deleted and reported in the miss.
  std::variant<CacheHit, CacheMiss> restore(const std::string& key, const std::filesystem::path& workspace,
                                            const std::filesystem::path& log);

  // Stores the outputs matching `outputs` in `workspace`, the log and the profile under
  // `key`. Atomic: readers see the whole entry or none; of two writers racing on one key,
  // one entry survives. Refuses (with a reason) when a pattern matched no file.
  Status store(const std::string& key, const std::string& task_id, const std::vector<std::string>& outputs,
               const std::filesystem::path& workspace, const std::filesystem::path& log,
               const nlohmann::json& profile);

  // Appends a hit/miss/store/corrupt event to the cache's statistics.
  void count(const std::string& event, const std::string& key);

  std::filesystem::path entry_dir(const std::string& key) const;

 private:
  Status store_entry(const std::string& key, const std::string& task_id, const std::vector<std::string>& outputs,
                     const std::filesystem::path& workspace, const std::filesystem::path& log,
                     const nlohmann::json& profile);

  std::filesystem::path dir_;
  bool read_only_;
};

// Removes an entry so that no reader ever sees it half gone (it is renamed away first).
void remove_entry(const std::filesystem::path& cache_dir, const std::filesystem::path& entry);

}  // namespace flowbench
