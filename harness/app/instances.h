// `flowbench run --instances K`: K copies of one workflow at once, each in its own
// workspace and run folder, sharing one action cache (whose writes are atomic).
#pragma once

#include <filesystem>
#include <ostream>
#include <vector>

#include "app/local_run.h"

namespace flowbench {

struct InstanceResult {
  std::string run_id;
  std::filesystem::path workspace;
  std::optional<RunReport> report;  // absent when the instance could not start
  std::string error;                // why it could not start
};

struct InstancesReport {
  std::filesystem::path root;       // <out>/<run-id>/: instances.json, i1..iK, workspaces/
  std::vector<InstanceResult> instances;
  bool all_complete = false;
  int signal = 0;                   // the signal that interrupted any instance, 0 if none
};

// Copies the folder `from` into `to` (created), leaving out `skip` and, unless
// `keep_flowbench`, every .flowbench/ folder (caches and runs). Errors name both folders.
Status copy_workspace(const std::filesystem::path& from, const std::filesystem::path& to,
                      const std::filesystem::path& skip = {}, bool keep_flowbench = false);

// Copies the spec's folder (without .flowbench/ and without the output folder) into
// <root>/workspaces/i<k>, runs every copy concurrently with `request`'s settings (the
// action cache defaults to the original spec's, so all instances share it), and writes
// <root>/instances.json (each instance's status and makespan) atomically at the end.
Expected<InstancesReport> run_instances(const RunRequest& request, std::size_t count, std::ostream& progress_out);

}  // namespace flowbench
