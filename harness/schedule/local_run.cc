#include "schedule/local_run.h"

#include <cstdio>
#include <iostream>
#include <map>

#include "cache/run_cache.h"
#include "exec/local_runner.h"
#include "model/spec_loader.h"
#include "platform/posix.h"
#include "record/progress.h"
#include "record/trace.h"
#include "schedule/plan.h"
#include "schedule/scheduler.h"
#include "util/atomic_file.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string format_scale(double scale) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", scale);
  return buffer;
}

// The environment a task sees: flowbench's own, the spec's env on top, flowbench's
// handler folder first on PATH, and FLOWBENCH_* facts about the run.
std::vector<std::string> task_environment(const Task& task, const RunRequest& request,
                                          const RunPaths& paths) {
  std::map<std::string, std::string> env;
  for (const std::string& entry : platform::environment()) {
    const auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [key, value] : task.env) env[key] = value;
  std::string path;
  for (const auto& dir : request.handler_dirs) path += dir.string() + ":";
  env["PATH"] = path + env["PATH"];
  env["FLOWBENCH_TIME_SCALE"] = format_scale(request.time_scale);
  env["FLOWBENCH_TASK_ID"] = task.id;
  env["FLOWBENCH_RUN_DIR"] = fs::absolute(paths.root).string();
  std::vector<std::string> entries;
  entries.reserve(env.size());
  for (const auto& [key, value] : env) entries.push_back(key + "=" + value);
  return entries;
}

std::vector<double> expected_durations(const Workflow& workflow,
                                       const std::map<std::string, double>& history) {
  std::vector<double> expected;
  for (const Task& task : workflow.tasks) {
    if (auto it = history.find(task.id); it != history.end()) {
      expected.push_back(it->second);
    } else {
      expected.push_back(task.expected_s.value_or(1.0));
    }
  }
  return expected;
}

}  // namespace

Expected<std::map<std::string, double>> load_history(const fs::path& run_folder) {
  const fs::path profiles = run_folder / "profiles";
  if (!fs::is_directory(profiles)) {
    return Error{"--history " + run_folder.string() +
                 ": no profiles/ folder there; fix: give a run folder written by flowbench run"};
  }
  std::map<std::string, double> history;
  for (const auto& entry : fs::directory_iterator(profiles)) {
    const std::string file = entry.path().filename().string();
    if (entry.path().extension() != ".json" || file.front() == '.') continue;
    auto text = read_file(entry.path());
    if (!text) return text.error();
    json parsed = json::parse(*text, nullptr, false);
    if (parsed.is_discarded()) {
      return Error{entry.path().string() + ": not valid JSON (truncated?); fix: rerun that run or drop --history"};
    }
    auto profile = profile_from_json(parsed, entry.path().string());
    if (!profile) return profile.error();
    if (profile->status != TaskStatus::kOk) continue;
    const double scale = profile->time_scale > 0 ? profile->time_scale : 1.0;
    history[profile->id] = profile->duration_ms / 1000.0 / scale;
  }
  return history;
}

Expected<RunReport> run_workflow(const RunRequest& request, std::ostream& progress_out,
                                 std::ostream& events_out) {
  if (request.mode != "sequential" && request.mode != "parallel") {
    return Error{"--mode " + request.mode + ": unknown mode; fix: use sequential or parallel"};
  }
  if (!(request.time_scale > 0)) {
    return Error{"--time-scale must be positive (e.g. 0.001 runs a model minute in 60 ms)"};
  }
  LoadOptions load_options;
  load_options.handler_dirs = request.handler_dirs;
  auto workflow = load_workflow(request.spec, load_options);
  if (!workflow) return workflow.error();
  if (!request.only.empty()) {
    workflow = restrict_to(*workflow, request.only);
    if (!workflow) return workflow.error();
  }

  std::map<std::string, double> history;
  if (!request.history.empty()) {
    auto loaded = load_history(request.history);
    if (!loaded) return loaded.error();
    history = std::move(*loaded);
  }
  const bool sequential = request.mode == "sequential";
  const std::size_t jobs = sequential ? 1
                           : request.jobs ? request.jobs
                                          : static_cast<std::size_t>(platform::host_info().cpus);
  std::vector<double> priority(workflow->tasks.size(), 0.0);
  if (!sequential) {
    priority = critical_path_priorities(workflow->deps, expected_durations(*workflow, history));
  }

  const std::string run_id = request.run_id.empty()
                                 ? compact_stamp(std::chrono::system_clock::now()) + "-" + request.mode
                                 : request.run_id;
  auto paths = create_run_folder(request.out, run_id);
  if (!paths) return paths.error();

  const fs::path cache_dir = request.cache_dir.empty() ? workflow->spec_dir / ".flowbench" / "cache"
                                                      : fs::absolute(request.cache_dir);
  RunSettings settings;
  settings.cache = request.no_cache ? "off" : request.cache_read_only ? "read-only" : "read-write";
  if (!request.no_cache) settings.cache_dir = cache_dir.string();
  settings.mode = request.mode;
  settings.jobs = jobs;
  settings.time_scale = request.time_scale;
  settings.keep_going = request.keep_going;
  settings.history = request.history.string();

  RunFolderWriter folder_writer(*paths, settings);
  TraceCollector trace(paths->trace());
  std::vector<RunObserver*> observers{&folder_writer, &trace};

  ProgressStyle style = request.progress;
  if (style == ProgressStyle::kAuto) {
    style = platform::is_terminal(2) ? ProgressStyle::kStatusLine : ProgressStyle::kLines;
  }
  std::optional<ProgressPrinter> printer;
  if (style != ProgressStyle::kNone) {
    printer.emplace(progress_out,
                    style == ProgressStyle::kStatusLine ? ProgressPrinter::Style::kStatusLine
                                                        : ProgressPrinter::Style::kLines,
                    platform::terminal_width(2));
    observers.push_back(&*printer);
  }
  std::optional<JsonEventWriter> events;
  if (request.json_events) {
    events.emplace(events_out);
    observers.push_back(&*events);
  }

  LocalRunner runner({jobs, request.kill_grace});
  Plan plan(workflow->deps, priority);
  const Workflow& wf = *workflow;
  const RunPaths& run_paths = *paths;
  auto make_launch = [&](std::size_t index) {
    const Task& task = wf.tasks[index];
    Launch launch;
    launch.task = index;
    launch.executable = task.executable;
    launch.argv = task.shell ? std::vector<std::string>{"/bin/sh", "-c", task.command.front()}
                             : task.command;
    launch.env = task_environment(task, request, run_paths);
    launch.cwd = task.cwd;
    launch.log = run_paths.log_of(task);
    if (task.timeout_s) {
      launch.timeout = std::chrono::duration_cast<std::chrono::nanoseconds>(
          std::chrono::duration<double>(*task.timeout_s));
    }
    return launch;
  };
  ActionCache action_cache(cache_dir, request.cache_read_only);
  RunCache run_cache(wf, action_cache, run_paths, request.time_scale,
                     [&](const Task& task) { return task_environment(task, request, run_paths); },
                     progress_out);
  SchedulerOptions options;
  if (!request.no_cache) options.cache = &run_cache;
  options.keep_going = request.keep_going;
  options.kill_on_failure = request.kill_on_failure;
  options.time_scale = request.time_scale;
  Scheduler scheduler(wf, runner, plan, make_launch, observers, options);
  RunReport report{*paths, scheduler.run()};
  if (folder_writer.write_error()) return *folder_writer.write_error();
  if (trace.write_error()) return *trace.write_error();
  return report;
}

}  // namespace flowbench
