// A run recorded by another system, converted to flowbench's model and written as a run
// folder that analyze, compare, report and gate read like any other.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/workflow.h"
#include "record/observer.h"
#include "record/profile.h"
#include "record/run_folder.h"
#include "util/expected.h"

namespace flowbench {

struct ImportedRun {
  Workflow workflow;              // ids, names and dependencies (no commands are run)
  std::vector<Profile> profiles;  // one per task, in the workflow's order
  RunEnd end;
  nlohmann::json origin;          // recorded in run.json's context as "imported_from"
};

// A flowbench task id for a foreign one: letters, digits, '.', '_' and '-' kept, anything
// else (a '/' included, so ids stay file names) replaced by '_'.
std::string flowbench_task_id(const std::string& foreign_id);

// Gives every task that ran the lowest concurrent slot free at its start (for timelines).
void assign_slots(std::vector<Profile>& profiles);

// Writes <out>/<run_id>/ (run.json with the graph, profiles/, records.jsonl).
Expected<RunPaths> write_imported_run(const ImportedRun& run, const std::filesystem::path& out,
                                      const std::string& run_id);

}  // namespace flowbench
