// `flowbench run` and `flowbench validate`.
#include <cstdio>
#include <iostream>
#include <memory>

#include "analyze/run_data.h"
#include "app/instances.h"
#include "app/local_run.h"
#include "cli/cli_common.h"
#include "model/spec_loader.h"
#include "report/dry_run_report.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct RunCommand {
  RunRequest request;
  std::string progress = "auto";
  std::size_t instances = 0;
  bool dry_run = false;
  bool json = false;
  std::string mode = "parallel";   // as typed; checked by the parser, then typed
  std::string executor = "local";
  std::string profiles = "per-task";
  std::string logs = "per-task";
  std::vector<fs::path> handlers;  // --handlers, searched before flowbench's own folder
};

// How the run folder holds profiles and logs (the compact layout of big runs).
void add_layout_options(CLI::App& run, RunCommand& command) {
  run.add_option("--profiles", command.profiles,
                 "per-task: profiles/task-<id>-profile.json and a line in records.jsonl (what the plan's scripts read); "
                 "records: records.jsonl only (flowbench reads either)")
      ->check(CLI::IsMember({"per-task", "records"}))
      ->capture_default_str();
  run.add_option("--logs", command.logs,
                 "per-task: logs/task-<id>.log; combined: logs/combined.log and its index, filled as tasks end "
                 "(`flowbench log RUN TASK` prints a task's output)")
      ->check(CLI::IsMember({"per-task", "combined"}))
      ->capture_default_str();
}

// Where the tasks run: this machine, or Slurm and its settings.
void add_executor_options(CLI::App& run, RunCommand& command) {
  RunRequest& request = command.request;
  auto* slurm = "Slurm (with --executor slurm)";
  run.add_option("--executor", command.executor,
                 "local: processes on this machine; slurm: one batch job per task, dependencies as "
                 "afterok, so Slurm orders the graph (the run folder must be on a file system the nodes see)")
      ->check(CLI::IsMember({"local", "slurm"}))
      ->capture_default_str();
  run.add_option("--partition", request.cluster.partition, "Slurm partition for every job")->group(slurm);
  run.add_option("--account", request.cluster.account, "Slurm account charged for the jobs")->group(slurm);
  run.add_option("--qos", request.cluster.qos, "Slurm quality of service for the jobs")->group(slurm);
  run.add_option("--sbatch-arg", request.cluster.sbatch_args,
                 "Extra sbatch argument, repeatable (write --sbatch-arg=--exclusive); CPUs and memory "
                 "per task come from the spec's cpus and mem_mb, the time limit from its timeout_s")
      ->group(slurm)
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run.add_option("--shared-dir", request.out,
                 "A folder every node sees, where the run folder is made (the same as --out)")
      ->group(slurm);
  run.add_option("--flowbench-binary", request.flowbench,
                 "The flowbench the jobs run as `flowbench exec` (default: this one; it must be visible "
                 "to the nodes)")
      ->group(slurm);
}

void add_run_options(CLI::App& run, RunCommand& command) {
  RunRequest& request = command.request;
  run.add_option("spec", request.spec, "Workflow spec (JSON, schema flowbench.workflow/1); with --resume, the earlier run's by default");
  run.add_option("--mode", command.mode,
                 "sequential: one task at a time in the spec's order; parallel: by dependencies")
      ->check(CLI::IsMember({"sequential", "parallel"}))
      ->capture_default_str();
  run.add_option("-j,--jobs", request.jobs, "Tasks at once in parallel mode (default: cores)")
      ->check(CLI::PositiveNumber);
  run.add_option("-o,--out", request.out, "Folder that receives the run folder")->capture_default_str();
  run.add_option("--run-id", request.run_id, "Name of the run folder (default: <time>-<mode>)");
  run.add_option("--variant", request.variant,
                 "What gates and the history call this run, recorded in run.json (default: its mode, e.g. "
                 "sequential; instances<K> with --instances K); never taken from the folder's name");
  run.add_option("--time-scale", request.time_scale,
                 "Model-time scale passed to handlers (0.001: a model minute takes 60 ms)")
      ->capture_default_str();
  run.add_option("--history", request.history, "A previous run folder whose durations order the ready tasks")
      ->check(CLI::ExistingDirectory);
  run.add_option("--handlers", command.handlers,
                 "A folder searched for the spec's programs before flowbench's own (repeatable), e.g. another "
                 "build's bin/")
      ->check(CLI::ExistingDirectory)
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  run.add_flag("--dry-run", command.dry_run,
               "Run nothing: check every program resolves, print the order tasks would start in at -j N with "
               "their expected durations (--history, else expected_s), the critical path and the projected makespan");
  run.add_flag("--json", command.json, "With --dry-run: print the schedule as JSON");
  add_layout_options(run, command);
  run.add_flag("-k,--keep-going", request.keep_going,
               "Run every task that does not depend on a failure (default: fail fast)");
  run.add_flag("--kill-on-failure", request.kill_on_failure,
               "With fail-fast, also kill the tasks still running when one fails");
  run.add_option_function<double>(
         "--kill-grace",
         [&request](double seconds) {
           request.kill_grace = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
         },
         "Seconds between SIGTERM and SIGKILL on timeout or stop (default 5)")
      ->check(CLI::NonNegativeNumber);
  run.add_option("--progress", command.progress, "auto | status | lines | none")
      ->check(CLI::IsMember({"auto", "status", "lines", "none"}))
      ->capture_default_str();
  run.add_flag("-q,--quiet", [&command](std::int64_t) { command.progress = "none"; },
               "No progress output (same as --progress none)");
  run.add_flag("--json-events", request.json_events, "Print one JSON object per task start and finish on stdout");
  run.add_option("--cache", request.cache_dir,
                 "Action cache folder for tasks that declare a cache block "
                 "(default: .flowbench/cache beside the spec)");
  run.add_flag("--no-cache", request.no_cache, "Run every task; neither restore nor store");
  run.add_option("--resume", request.resume,
                 "Continue a run that stopped (crashed, interrupted, failed) into a new run folder: its tasks that "
                 "ended ok are kept, the rest run; refused when the spec or a handler changed since")
      ->check(CLI::ExistingDirectory);
  run.add_option("--only", request.only, "Run just these task ids (dependencies outside them count as done)")
      ->delimiter(',');
  run.add_option("--instances", command.instances,
                 "Run K copies at once, each in its own workspace (a copy of the spec's folder) and run folder, "
                 "sharing the action cache; writes instances.json")
      ->check(CLI::PositiveNumber);
  run.add_flag("--cache-read-only", request.cache_read_only, "Restore hits but store nothing");

  add_executor_options(run, command);
}

int do_instances(const RunRequest& request, std::size_t count) {
  auto report = run_instances(request, count, std::cerr);
  if (!report) {
    std::cerr << "flowbench run: " << report.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << "instances " << (report->all_complete ? "all complete" : "NOT all complete") << ": "
            << (report->root / "instances.json").string() << "\n";
  if (report->signal) return 128 + report->signal;
  return report->all_complete ? 0 : kExitTasksFailed;
}

// What became of the tasks: how many ran to success, were restored from the action cache,
// failed (failed, timed out or interrupted) or were skipped; a run that restored tasks says so,
// since their times are restore times, not the work's.
void print_task_counts(const std::filesystem::path& run_folder) {
  auto run = load_run(run_folder);
  if (!run) return;  // the run line above already names the folder
  std::size_t ran = 0, restored = 0, failed = 0, skipped = 0, resumed = 0;
  for (const auto& task : run->tasks) {
    if (!task.profile) continue;
    if (!task.profile->extra().resumed_from.empty()) {
      ++resumed;
      continue;
    }
    switch (task.profile->status) {
      case TaskStatus::kOk: ++ran; break;
      case TaskStatus::kCached: ++restored; break;
      case TaskStatus::kSkipped: ++skipped; break;
      default: ++failed; break;  // failed, timed out or interrupted
    }
  }
  std::cout << "tasks: " << ran << " ran, " << restored << " restored from the cache, " << failed << " failed, "
            << skipped << " skipped";
  if (resumed > 0) std::cout << ", " << resumed << " kept from the run resumed";
  std::cout << "\n";
  if (restored > 0) {
    std::cout << restored << (restored == 1 ? " task was" : " tasks were")
              << " restored from the action cache, not run: their times are restore times; --no-cache for a cold "
                 "run\n";
  }
}

int do_dry_run(const RunRequest& request, bool json) {
  auto report = dry_run(request);
  if (!report) {
    std::cerr << "flowbench run: " << report.error().message << "\n";
    return kExitBadInput;
  }
  if (json) {
    std::cout << dry_run_json(report->workflow, report->dry, request.time_scale).dump(2) << "\n";
    return 0;
  }
  std::cout << "dry run of " << report->workflow.name << ": " << report->workflow.tasks.size() << " tasks, "
            << mode_name(request.mode)
            << (request.mode == RunMode::kParallel ? " -j " + std::to_string(report->dry.jobs) : "")
            << ", expected durations from "
            << (request.history.empty() ? std::string("expected_s (else 1 s)") : request.history.string())
            << "; every program resolves\n\n";
  print_dry_run(std::cout, report->workflow, report->dry, request.time_scale);
  return 0;
}

int do_run(RunCommand& command) {
  RunRequest& request = command.request;
  const std::string& progress = command.progress;
  request.progress = progress == "status" ? ProgressStyle::kStatusLine
                     : progress == "lines" ? ProgressStyle::kLines
                     : progress == "none"  ? ProgressStyle::kNone
                                           : ProgressStyle::kAuto;
  request.handler_dirs.clear();
  for (const auto& dir : command.handlers) request.handler_dirs.push_back(fs::absolute(dir));
  for (const auto& dir : handler_dirs()) request.handler_dirs.push_back(dir);
  request.mode = command.mode == "sequential" ? RunMode::kSequential : RunMode::kParallel;
  request.executor = command.executor == "slurm" ? Executor::kSlurm : Executor::kLocal;
  request.profiles = command.profiles == "records" ? ProfileLayout::kRecords : ProfileLayout::kPerTask;
  request.logs = command.logs == "combined" ? LogLayout::kCombined : LogLayout::kPerTask;
  if (!request.resume.empty()) {
    if (command.instances > 0 || !request.only.empty()) {
      std::cerr << "flowbench run: --resume continues one whole run; fix: drop --instances and --only\n";
      return kExitBadInput;
    }
    if (request.spec.empty()) {
      auto earlier = load_run(request.resume);
      if (!earlier) {
        std::cerr << "flowbench run: --resume: " << earlier.error().message << "\n";
        return kExitBadInput;
      }
      request.spec = earlier->spec;
    }
  }
  if (request.spec.empty()) {
    std::cerr << "flowbench run: no spec; fix: give the workflow spec (or --resume RUN)\n";
    return kExitBadInput;
  }
  if (command.dry_run) return do_dry_run(request, command.json);
  if (command.instances > 0) return do_instances(request, command.instances);
  auto report = run_workflow(request, std::cerr, std::cout);
  if (!report) {
    std::cerr << "flowbench run: " << report.error().message << "\n";
    return kExitBadInput;
  }
  const RunEnd& end = report->end;
  if (!request.json_events) {
    char makespan[32];
    std::snprintf(makespan, sizeof makespan, "%.3f", std::chrono::duration<double>(end.makespan).count());
    std::cout << "run " << run_status_name(end.status) << ": " << report->paths.root.string() << " (makespan "
              << makespan << " s; profiles in "
              << (request.profiles == ProfileLayout::kRecords ? report->paths.records() : report->paths.profiles).string()
              << ")\n";
    print_task_counts(report->paths.root);
  }
  if (end.status == RunStatus::kInterrupted) return 128 + end.signal;
  return end.status == RunStatus::kComplete ? 0 : kExitTasksFailed;
}

int do_validate(const std::vector<fs::path>& specs) {
  LoadOptions options;
  options.handler_dirs = handler_dirs();
  int status = 0;
  for (const auto& spec : specs) {
    auto workflow = load_workflow(spec, options);
    if (workflow) {
      std::cout << "ok: " << spec.string() << " (" << workflow->tasks.size() << " tasks, workflow \""
                << workflow->name << "\")\n";
    } else {
      std::cerr << workflow.error().message << "\n";
      status = kExitBadInput;
    }
  }
  return status;
}

}  // namespace

void add_run_commands(CLI::App& app, int& exit_status) {
  auto run_command = std::make_shared<RunCommand>();
  auto* run = app.add_subcommand("run", "Run a workflow spec and record its profiles");
  add_run_options(*run, *run_command);
  run->callback([run_command, &exit_status] { exit_status = do_run(*run_command); });

  auto specs = std::make_shared<std::vector<fs::path>>();
  auto* validate = app.add_subcommand("validate", "Check workflow specs without running them");
  validate->add_option("spec", *specs, "Workflow specs")->required();
  validate->callback([specs, &exit_status] { exit_status = do_validate(*specs); });
}

}  // namespace flowbench::cli
