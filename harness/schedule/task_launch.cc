#include "schedule/task_launch.h"

#include <cstdio>
#include <map>

#include "platform/posix.h"
#include "util/text.h"

namespace flowbench {
namespace fs = std::filesystem;

std::vector<std::string> task_environment(const Task& task, const LaunchSettings& settings) {
  std::map<std::string, std::string> env = platform::environment_map();
  for (const auto& [key, value] : task.env) env[key] = value;
  std::string path;
  for (const auto& dir : settings.handler_dirs) path += dir.string() + ":";
  env["PATH"] = path + env["PATH"];
  env["FLOWBENCH_TIME_SCALE"] = exact_number(settings.time_scale);
  env["FLOWBENCH_TASK_ID"] = task.id;
  env["FLOWBENCH_RUN_DIR"] = fs::absolute(settings.run_dir).string();
  return platform::environment_entries(env);
}

Launch task_launch(std::size_t index, const Task& task, const LaunchSettings& settings,
                   const fs::path& log) {
  Launch launch;
  launch.task = index;
  launch.executable = task.executable;
  launch.argv = task.shell ? std::vector<std::string>{"/bin/sh", "-c", task.command.front()}
                           : task.command;
  launch.env = task_environment(task, settings);
  launch.cwd = task.cwd;
  launch.log = log;
  if (task.timeout_s) {
    launch.timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(*task.timeout_s));
  }
  return launch;
}

}  // namespace flowbench
