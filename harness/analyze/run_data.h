// Run folders read back for analysis.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/graph.h"
#include "record/profile.h"
#include "util/expected.h"

namespace flowbench {

struct TaskRecord {
  std::string id;
  std::string name;
  std::vector<std::string> command;  // argv as run (one script string when shell); may be empty
  std::optional<double> expected_s;  // the spec's expected duration (model seconds)
  std::optional<Profile> profile;  // absent when the run ended before writing it
};

struct RunRecord {
  std::filesystem::path dir;
  std::string run_id;
  std::string workflow;
  std::filesystem::path spec;     // the spec it ran, as run.json names it ("" when unknown)
  std::string status;
  std::string started;            // ISO 8601, as run.json says
  double time_scale = 1.0;
  double makespan_ms = 0;
  nlohmann::json context;
  std::vector<TaskRecord> tasks;  // in the spec's order
  Dependencies deps;              // from the graph recorded in run.json

  std::optional<std::size_t> index_of(const std::string& id) const;
};

// Reads run.json (with its graph) and every profile, from records.jsonl when present (one
// file, however many tasks) else from profiles/. Errors name the file, the line or JSON
// path, and the fix.
Expected<RunRecord> load_run(const std::filesystem::path& dir);

// Run folders; a folder without run.json is a series and contributes every run folder
// directly inside it (sorted by name).
Expected<std::vector<RunRecord>> load_runs(const std::vector<std::filesystem::path>& paths);

}  // namespace flowbench
