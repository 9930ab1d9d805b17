// How a task of a spec is launched: its argv, environment, folder and log. One place, so
// that a local run and a Slurm job's `flowbench exec` start the task the same way.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "exec/runner.h"
#include "model/workflow.h"

namespace flowbench {

struct LaunchSettings {
  double time_scale = 1.0;
  std::vector<std::filesystem::path> handler_dirs;  // first on the task's PATH
  std::filesystem::path run_dir;                    // FLOWBENCH_RUN_DIR
};

// The environment a task sees: flowbench's own, the spec's env on top, the handler
// folders first on PATH, and FLOWBENCH_* facts about the run.
std::vector<std::string> task_environment(const Task& task, const LaunchSettings& settings);

// Everything but Launch::after; `log` is where its output goes.
Launch task_launch(std::size_t index, const Task& task, const LaunchSettings& settings,
                   const std::filesystem::path& log);


}  // namespace flowbench
