// Run folders read back for analysis.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/graph.h"
#include "record/profile.h"
#include "util/boxed.h"
#include "util/expected.h"

namespace flowbench {

struct TaskRecord {
  std::string id;
  std::string name;
  std::vector<std::string> command;  // argv as run (one script string when shell); may be empty
  std::optional<double> expected_s;  // the spec's expected duration (model seconds)
  Boxed<Profile> profile;  // absent when the run ended before writing it
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
  nlohmann::json context = nlohmann::json::object();  // run.json's, its fields type-checked
  std::vector<TaskRecord> tasks;  // in the spec's order
  Dependencies deps;              // from the graph recorded in run.json

  std::optional<std::size_t> index_of(const std::string& id) const;
};

// Reads run.json (with its graph) and every profile, from records.jsonl when present (one
// file, however many tasks) else from profiles/. Errors name the file, the line or JSON
// path, and the fix.
// `checked_only`: every file through the checked reader alone, not simdjson first (tests
// compare the two ways: same records, same messages).
Expected<RunRecord> load_run(const std::filesystem::path& dir, bool checked_only = false);

// The record as JSON: its fields, and each task with its edges and its profile as to_json()
// writes it. Two readings of one run folder agree when their texts do.
nlohmann::json record_json(const RunRecord& run);

// What a folder given to a command holds, by the one rule every command uses: a run folder
// (it has run.json) is a series of one, variant "run"; else the folder is a series (the run
// folders directly inside it, and the folders of `run --instances` holding instances.json),
// its name the variant, and each subfolder holding runs or instances is a series of its own.
struct SeriesFolder {
  std::string variant;
  std::vector<std::filesystem::path> runs;       // run folders, sorted by name
  std::vector<std::filesystem::path> instances;  // instances.json files, sorted
};
// Errors when the path is no folder or holds no run at all.
Expected<std::vector<SeriesFolder>> find_series(const std::filesystem::path& path);

// The runs of run folders and series (find_series); a path holding several series is an
// error naming them (give one).
Expected<std::vector<RunRecord>> load_runs(const std::vector<std::filesystem::path>& paths);

}  // namespace flowbench
