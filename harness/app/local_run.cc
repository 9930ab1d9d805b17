#include "app/local_run.h"

#include "app/resume.h"

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "analyze/run_data.h"
#include "app/resume.h"
#include "cache/run_cache.h"
#include "exec/local_runner.h"
#include "model/spec_loader.h"
#include "platform/posix.h"
#include "record/progress.h"
#include "record/trace.h"
#include "schedule/plan.h"
#include "schedule/scheduler.h"
#include "schedule/task_launch.h"
#include "slurm/slurm_runner.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

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

const char* mode_name(RunMode mode) { return mode == RunMode::kSequential ? "sequential" : "parallel"; }

const char* executor_name(Executor executor) { return executor == Executor::kSlurm ? "slurm" : "local"; }

Expected<std::map<std::string, double>> load_history(const fs::path& run_folder) {
  // Read as analysis reads a run (records.jsonl, else profiles/), so both agree on it.
  auto run = load_run(run_folder);
  if (!run) return Error{"--history " + run_folder.string() + ": " + run.error().message};
  std::map<std::string, double> history;
  for (const auto& task : run->tasks) {
    if (!task.profile || task.profile->status != TaskStatus::kOk) continue;
    const double scale = task.profile->time_scale > 0 ? task.profile->time_scale : 1.0;
    history[task.profile->id] = task.profile->duration_ms / 1000.0 / scale;
  }
  return history;
}

namespace {

// What a run and a dry run both start from: the workflow (programs resolved, --only
// applied), each task's expected duration and how many tasks run at once.
struct Prepared {
  Workflow workflow;
  std::vector<double> expected_s;
  std::size_t jobs = 1;
  bool sequential = true;
};

Expected<Prepared> prepare(const RunRequest& request) {
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
  Prepared prepared;
  prepared.sequential = request.mode == RunMode::kSequential;
  prepared.jobs = prepared.sequential ? 1
                  : request.jobs      ? request.jobs
                                      : static_cast<std::size_t>(platform::host_info().cpus);
  prepared.expected_s = expected_durations(*workflow, history);
  prepared.workflow = std::move(*workflow);
  return prepared;
}

}  // namespace

Expected<DryRunReport> dry_run(const RunRequest& request) {
  auto prepared = prepare(request);
  if (!prepared) return prepared.error();
  DryRun dry = simulate_run(prepared->workflow, prepared->expected_s, prepared->jobs, !prepared->sequential);
  return DryRunReport{std::move(prepared->workflow), std::move(dry)};
}

namespace {

// What the executor and the options allow together.
Status check_request(const RunRequest& request) {
  const bool slurm = request.executor == Executor::kSlurm;
  if (slurm && request.mode == RunMode::kSequential) {
    return Error{"--executor slurm runs tasks as the graph allows (Slurm orders them); fix: drop "
                 "--mode sequential, or use --executor local for a sequential baseline"};
  }
  if (slurm && (request.cache_read_only || !request.cache_dir.empty())) {
    // Slurm gets the whole graph at once (afterok), before any dependency has written the
    // inputs a cache key is computed from.
    return Error{"--executor slurm runs every task without the action cache; fix: drop --cache and "
                 "--cache-read-only, or use --executor local"};
  }
  if (!(request.time_scale > 0)) {
    return Error{"--time-scale must be positive (e.g. 0.001 runs a model minute in 60 ms)"};
  }
  if (slurm && request.logs == LogLayout::kCombined) {
    // A job's log is written on its node; it is not combined from there.
    return Error{"--logs combined is for local runs; fix: drop it with --executor slurm (each job keeps its own log)"};
  }
  return ok_status();
}

// The context run.json records.
RunSettings run_settings(const RunRequest& request, std::size_t jobs, bool use_cache, const fs::path& cache_dir) {
  RunSettings settings;
  settings.cache = !use_cache ? "off" : request.cache_read_only ? "read-only" : "read-write";
  if (use_cache) settings.cache_dir = cache_dir.string();
  if (request.executor == Executor::kSlurm) {
    settings.executor = {{"name", "slurm"},
                         {"partition", request.cluster.partition},
                         {"account", request.cluster.account},
                         {"qos", request.cluster.qos},
                         {"sbatch_args", request.cluster.sbatch_args}};
  }
  settings.mode = mode_name(request.mode);
  settings.variant = request.variant;
  settings.jobs = jobs;
  settings.time_scale = request.time_scale;
  settings.keep_going = request.keep_going;
  settings.history = request.history.string();
  settings.profiles = request.profiles == ProfileLayout::kRecords ? "records" : "per-task";
  settings.logs = request.logs == LogLayout::kCombined ? "combined" : "per-task";
  return settings;
}

// The runner the request asks for: local processes, or Slurm jobs (then also `*slurm`).
Expected<std::unique_ptr<Runner>> make_runner(const RunRequest& request, const Workflow& wf, const RunPaths& paths,
                                              std::size_t jobs, SlurmRunner** slurm) {
  if (request.executor != Executor::kSlurm) {
    return std::unique_ptr<Runner>(std::make_unique<LocalRunner>(LocalRunnerOptions{jobs, request.kill_grace}));
  }
  SlurmRunnerOptions slurm_options;
  slurm_options.cluster = request.cluster;
  slurm_options.flowbench = request.flowbench.empty() ? platform::self_executable() : request.flowbench;
  slurm_options.spec = wf.spec_path;
  slurm_options.time_scale = request.time_scale;
  slurm_options.handler_dirs = request.handler_dirs;
  slurm_options.kill_grace = request.kill_grace;
  auto created = SlurmRunner::create(wf, paths, slurm_options);
  if (!created) return created.error();
  *slurm = created->get();
  return std::unique_ptr<Runner>(std::move(*created));
}

// The progress printer the request asks for (none for --progress none).
std::unique_ptr<ProgressPrinter> make_printer(const RunRequest& request, std::ostream& out) {
  ProgressStyle style = request.progress;
  if (style == ProgressStyle::kAuto) {
    style = platform::is_terminal(2) ? ProgressStyle::kStatusLine : ProgressStyle::kLines;
  }
  if (style == ProgressStyle::kNone) return nullptr;
  return std::make_unique<ProgressPrinter>(
      out, style == ProgressStyle::kStatusLine ? ProgressPrinter::Style::kStatusLine : ProgressPrinter::Style::kLines,
      platform::terminal_width(2));
}

// Every run records the digests of what it runs; with --resume, the earlier run it continues.
Expected<std::optional<ResumePoint>> resume_of(const RunRequest& request, const Workflow& workflow,
                                               RunSettings& settings) {
  if (auto digests = add_run_digests(workflow, settings); !digests) return digests.error();
  if (request.resume.empty()) return std::optional<ResumePoint>();
  auto point = resume_point(request.resume, workflow, settings);
  if (!point) return point.error();
  settings.resumed_from = point->from.string();
  return std::optional<ResumePoint>(std::move(*point));
}

}  // namespace

Expected<RunReport> run_workflow(const RunRequest& request, std::ostream& progress_out,
                                 std::ostream& events_out) {
  if (auto checked = check_request(request); !checked) return checked.error();
  const bool slurm = request.executor == Executor::kSlurm;
  auto prepared = prepare(request);
  if (!prepared) return prepared.error();
  Workflow* workflow = &prepared->workflow;
  const bool sequential = prepared->sequential;
  const std::size_t jobs = prepared->jobs;
  std::vector<double> priority(workflow->tasks.size(), 0.0);
  if (!sequential) {
    priority = critical_path_priorities(workflow->deps, prepared->expected_s);
  }

  const fs::path cache_dir = request.cache_dir.empty() ? workflow->spec_dir / ".flowbench" / "cache"
                                                      : fs::absolute(request.cache_dir);
  const bool use_cache = !request.no_cache && !slurm;
  RunSettings settings = run_settings(request, jobs, use_cache, cache_dir);
  auto resume = resume_of(request, *workflow, settings);
  if (!resume) return resume.error();
  const std::string run_id = request.run_id.empty()
                                 ? compact_stamp(std::chrono::system_clock::now()) + "-" + mode_name(request.mode)
                                 : request.run_id;
  auto paths = create_run_folder(request.out, run_id, request.profiles == ProfileLayout::kPerTask);
  if (!paths) return paths.error();
  RunFolderWriter folder_writer(*paths, settings);
  TraceCollector trace(paths->trace());
  std::vector<RunObserver*> observers{&folder_writer, &trace};
  auto printer = make_printer(request, progress_out);
  if (printer) observers.push_back(printer.get());
  std::optional<JsonEventWriter> events;
  if (request.json_events) {
    events.emplace(events_out);
    observers.push_back(&*events);
  }

  const Workflow& wf = *workflow;
  const RunPaths& run_paths = *paths;
  SlurmRunner* slurm_runner = nullptr;
  auto runner = make_runner(request, wf, run_paths, jobs, &slurm_runner);
  if (!runner) {
    std::error_code ec;
    fs::remove_all(run_paths.root, ec);  // nothing ran: leave no empty run behind
    return runner.error();
  }
  Plan plan(workflow->deps, priority);
  const LaunchSettings launch_settings(request.time_scale, request.handler_dirs, run_paths.root);
  auto make_launch = [&](std::size_t index) {
    return task_launch(index, wf.tasks[index], launch_settings, run_paths.log_of(wf.tasks[index]));
  };
  ActionCache action_cache(cache_dir, request.cache_read_only);
  RunCache run_cache(wf, action_cache, run_paths, request.time_scale,
                     [&](const Task& task) { return launch_settings.environment(task); },
                     progress_out);
  std::optional<ResumeCache> resumed;
  if (*resume) resumed.emplace(wf, **resume, run_paths.root, use_cache ? &run_cache : nullptr);
  SchedulerOptions options;
  options.cache = resumed ? static_cast<TaskCache*>(&*resumed) : use_cache ? &run_cache : nullptr;
  options.keep_going = request.keep_going;
  options.kill_on_failure = request.kill_on_failure;
  options.time_scale = request.time_scale;
  Scheduler scheduler(wf, **runner, plan, make_launch, observers, options);
  RunReport report{*paths, scheduler.run()};
  if (slurm_runner) {
    if (auto table = slurm_runner->write_job_table(); !table) {
      progress_out << "flowbench run: warning: " << table.error().message << "\n";
    }
  }
  if (folder_writer.write_error()) return *folder_writer.write_error();
  if (trace.write_error()) return *trace.write_error();
  return report;
}

}  // namespace flowbench
