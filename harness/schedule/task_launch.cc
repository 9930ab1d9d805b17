#include "schedule/task_launch.h"

#include <cstdio>
#include <map>

#include "platform/posix.h"
#include "util/text.h"

namespace flowbench {
namespace fs = std::filesystem;

namespace {
constexpr const char* kTaskIdVariable = "FLOWBENCH_TASK_ID";
}  // namespace

LaunchSettings::LaunchSettings(double time_scale, std::vector<fs::path> handler_dirs, const fs::path& run_dir)
    : time_scale_(time_scale),
      handler_dirs_(std::move(handler_dirs)),
      run_dir_(run_dir.empty() ? run_dir : fs::absolute(run_dir)),
      own_(platform::environment_map()) {
  common_ = full_environment(Task{});  // with an empty id
  // The entries are sorted by name; the task's id goes where its name sorts.
  for (const auto& entry : common_) {
    if (entry.compare(0, entry.find('='), kTaskIdVariable) == 0) break;
    ++task_id_at_;
  }
  common_.erase(common_.begin() + static_cast<std::ptrdiff_t>(task_id_at_));
}

std::vector<std::string> LaunchSettings::environment(const Task& task) const {
  if (task.env.empty()) {
    std::vector<std::string> entries;
    entries.reserve(common_.size() + 1);
    entries.insert(entries.end(), common_.begin(), common_.begin() + static_cast<std::ptrdiff_t>(task_id_at_));
    entries.push_back(std::string(kTaskIdVariable) + "=" + task.id);
    entries.insert(entries.end(), common_.begin() + static_cast<std::ptrdiff_t>(task_id_at_), common_.end());
    return entries;
  }
  return full_environment(task);
}

std::vector<std::string> LaunchSettings::full_environment(const Task& task) const {
  std::map<std::string, std::string> env = own_;
  for (const auto& [key, value] : task.env) env[key] = value;
  std::string path;
  for (const auto& dir : handler_dirs_) path += dir.string() + ":";
  env["PATH"] = path + env["PATH"];
  env["FLOWBENCH_TIME_SCALE"] = exact_number(time_scale_);
  env[kTaskIdVariable] = task.id;
  env["FLOWBENCH_RUN_DIR"] = run_dir_.string();
  return platform::environment_entries(env);
}

Launch task_launch(std::size_t index, const Task& task, const LaunchSettings& settings,
                   const fs::path& log) {
  Launch launch;
  launch.task = index;
  launch.executable = task.executable;
  launch.argv = task.shell ? std::vector<std::string>{"/bin/sh", "-c", task.command.front()}
                           : task.command;
  launch.env = settings.environment(task);
  launch.cwd = task.cwd;
  launch.log = log;
  if (task.timeout_s) {
    launch.timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(*task.timeout_s));
  }
  return launch;
}

}  // namespace flowbench
