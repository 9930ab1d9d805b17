// How a task of a spec is launched: its argv, environment, folder and log. One place, so
// that a local run and a Slurm job's `flowbench exec` start the task the same way.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "exec/runner.h"
#include "model/workflow.h"

namespace flowbench {

// What every task of a run is launched with. flowbench's own environment is read once, when
// the settings are made: a run of 100,000 tasks would otherwise rebuild it 100,000 times.
class LaunchSettings {
 public:
  LaunchSettings() : LaunchSettings(1.0, {}, {}) {}
  // `handler_dirs` go first on every task's PATH; `run_dir` is FLOWBENCH_RUN_DIR.
  LaunchSettings(double time_scale, std::vector<std::filesystem::path> handler_dirs,
                 const std::filesystem::path& run_dir);

  // The environment a task sees: flowbench's own, the spec's env on top, the handler
  // folders first on PATH, and FLOWBENCH_* facts about the run; sorted by name.
  std::vector<std::string> environment(const Task& task) const;

 private:
  // The environment built from flowbench's own, entry by entry.
  std::vector<std::string> full_environment(const Task& task) const;

  double time_scale_;
  std::vector<std::filesystem::path> handler_dirs_;
  std::filesystem::path run_dir_;  // absolute
  std::map<std::string, std::string> own_;  // flowbench's environment
  // A task without an env of its own: every entry but FLOWBENCH_TASK_ID, and where that goes.
  std::vector<std::string> common_;
  std::size_t task_id_at_ = 0;
};

// Everything but Launch::after; `log` is where its output goes.
Launch task_launch(std::size_t index, const Task& task, const LaunchSettings& settings,
                   const std::filesystem::path& log);


}  // namespace flowbench
