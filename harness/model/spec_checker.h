// Checking a workflow spec's parts (flowbench.workflow/1): the checker that collects every
// problem with its JSON path and fix, and the reading of one task. model/spec_loader.h reads
// whole specs with them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "model/spec_loader.h"
#include "model/workflow.h"
#include "util/json_reader.h"
#include "util/shared_path.h"

namespace flowbench {

// Collects problems while walking a spec's JSON; the walk goes on after a problem so that one
// run of `flowbench validate` lists them all.
class SpecChecker {
 public:
  SpecChecker(std::filesystem::path spec_path, const LoadOptions& options);

  // Records a problem at a JSON path ("/tasks/3/after/0"): what is wrong and the fix.
  void problem(const std::string& path, std::string what, const std::string& fix);
  bool failed() const { return reader_.failed(); }
  // Every problem so far, a line each, naming the file.
  Error error() const { return reader_.error(); }
  // Parses the spec's text; malformed JSON is a problem (with its line and column).
  std::optional<nlohmann::json> parse(std::string_view text);

  // A problem for each field of `object` not in `allowed`.
  void check_keys(const nlohmann::json& object, const std::set<std::string>& allowed, const std::string& path);
  // The holder's "timeout_s", checked; empty when absent or not a number.
  std::optional<double> timeout(const nlohmann::json& holder, const std::string& path);
  // The holder's "env", its valid entries.
  std::map<std::string, std::string> env(const nlohmann::json& holder, const std::string& path);
  // The holder's "cwd" as an absolute folder (shared by every task naming it), or `fallback`.
  SharedPath cwd(const nlohmann::json& holder, const std::string& path, const SharedPath& fallback);

  const std::filesystem::path& spec_path() const { return spec_path_; }
  const LoadOptions& options() const { return options_; }

 private:
  std::filesystem::path spec_path_;
  const LoadOptions& options_;
  JsonReader reader_;
  // Each "cwd" text once: its folder (shared by every task that names it) and whether it exists.
  std::unordered_map<std::string, std::pair<SharedPath, bool>> folders_;
};

// Programs found for a spec's tasks, by program, folder and the task's own PATH: a spec of
// 100,000 tasks names a handful of programs, and each search stats every folder on PATH.
using ProgramCache = std::unordered_map<std::string, SharedPath>;

// A name is shown in tables, logs and file names: a problem unless printable, not empty, not huge.
void check_name(SpecChecker& check, const std::string& name, const std::string& path);

// The task at /tasks/<index>, every field checked (problems go to `check`); `defaults` is the
// spec's "defaults" object. Its `after` holds the ids it waits for, as written.
Task read_task(SpecChecker& check, const nlohmann::json& raw, std::size_t index, const nlohmann::json& defaults,
               const SharedPath& default_cwd, ProgramCache& programs);

}  // namespace flowbench
