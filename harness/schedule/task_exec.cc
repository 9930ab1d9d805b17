#include "schedule/task_exec.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "exec/local_runner.h"
#include "model/spec_loader.h"
#include "platform/posix.h"
#include "record/run_folder.h"
#include "schedule/scheduler.h"
#include "schedule/task_launch.h"
#include "platform/atomic_file.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct ExecPlan {
  Task task;
  fs::path log, profile_file, started_file;
  std::string log_file;  // as recorded in the profile
  LaunchSettings settings;
};

Expected<ExecPlan> plan_from_spec(const ExecRequest& request) {
  ExecPlan plan;
  LoadOptions options;
  options.handler_dirs = request.handler_dirs;
  auto workflow = load_workflow(request.spec, options);
  if (!workflow) return workflow.error();
  auto index = workflow->index_of(request.task_id);
  if (!index) {
    return Error{request.spec.string() + ": no task with id \"" + request.task_id +
                 "\"; fix: give --task one of the spec's task ids"};
  }
  plan.task = workflow->tasks[*index];
  const RunPaths paths = run_paths_of(fs::absolute(request.run_dir));
  if (!fs::is_directory(paths.logs)) {
    return Error{"--run-dir " + request.run_dir.string() +
                 ": not a run folder (no logs/ in it); fix: give the folder `flowbench run` made"};
  }
  std::error_code ec;
  fs::create_directories(paths.jobs(), ec);
  if (ec) return Error{"cannot create " + paths.jobs().string() + ": " + ec.message()};
  plan.log = paths.log_of(plan.task);
  plan.log_file = "logs/" + plan.task.file_stem() + ".log";
  plan.profile_file = paths.job_profile(plan.task);
  plan.started_file = paths.job_started(plan.task);
  plan.settings = LaunchSettings(request.time_scale, request.handler_dirs, paths.root);
  return plan;
}

Expected<ExecPlan> plan_from_command(const ExecRequest& request) {
  if (request.command.empty()) {
    return Error{"nothing to run; fix: give --spec and --run-dir, or a command after --"};
  }
  ExecPlan plan;
  Task& task = plan.task;
  task.id = request.task_id;
  const bool numeric = !task.id.empty() && task.id.size() < 10 &&
                       std::all_of(task.id.begin(), task.id.end(), [](unsigned char c) { return std::isdigit(c); });
  task.id_json = numeric ? json(std::atoi(task.id.c_str())) : json(task.id);
  task.name = request.name.empty() ? task.id : request.name;
  task.command = request.command;
  task.cwd = fs::current_path();
  task.timeout_s = request.timeout_s;
  task.executable = find_program(request.command.front(), task.cwd, request.handler_dirs);
  if (!platform::is_executable_file(task.executable)) {
    return Error{"program \"" + request.command.front() +
                 "\" not found or not executable; fix: give its path or put it on PATH"};
  }
  const fs::path out = fs::absolute(request.out);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) return Error{"cannot create --out " + out.string() + ": " + ec.message()};
  plan.log = out / (task.file_stem() + ".log");
  plan.log_file = task.file_stem() + ".log";
  plan.profile_file = out / (task.file_stem() + ".json");
  plan.settings = {request.time_scale, request.handler_dirs, out};
  return plan;
}

// What the cluster says about the job this runs in, if any.
json job_facts() {
  const char* job = std::getenv("SLURM_JOB_ID");
  if (!job) return nullptr;
  // Slurm's name for the node, which a cluster may give apart from the host's name, and its
  // kind (CPU, cores, memory): the history never compares results of different kinds.
  const char* node = std::getenv("SLURMD_NODENAME");
  const platform::HostInfo host = platform::host_info();
  const std::string kind = (host.cpu_model.empty() ? std::string("unknown CPU") : host.cpu_model) + ", " +
                           std::to_string(host.cpus) + " CPUs, " + std::to_string((host.memory_mib + 512) / 1024) + " GiB";
  return {{"name", "slurm"}, {"job_id", job}, {"node", node && *node ? node : host.hostname}, {"node_kind", kind}};
}

}  // namespace

int exec_exit_status(const Profile& profile) {
  switch (profile.status) {
    case TaskStatus::kOk:
    case TaskStatus::kCached: return 0;
    case TaskStatus::kTimeout: return 124;
    default: break;
  }
  if (profile.signal) return 128 + profile.signal;
  if (profile.exit_code && *profile.exit_code != 0) return *profile.exit_code;
  return profile.slot < 0 ? 127 : 1;
}

Expected<ExecResult> exec_task(const ExecRequest& request) {
  if (!(request.time_scale > 0)) return Error{"--time-scale must be positive"};
  auto plan = request.spec.empty() ? plan_from_command(request) : plan_from_spec(request);
  if (!plan) return plan.error();
  const Task& task = plan->task;

  // The runner takes SIGINT/SIGTERM from here on, so a cancelled job still writes its profile.
  LocalRunner runner({1, request.kill_grace});
  const Launch launch = task_launch(0, task, plan->settings, plan->log);
  if (!plan->started_file.empty()) {
    json marker{{"start_time", iso8601(std::chrono::system_clock::now())},
                {"host", platform::host_info().hostname},
                {"pid", platform::process_id()}};
    // The node, so that a job lost with its node (no profile) is still known by where it ran.
    if (const json facts = job_facts(); facts.is_object()) marker["node"] = facts["node"];
    if (auto written = write_file_atomically(plan->started_file, marker.dump()); !written) {
      return written.error();
    }
  }
  runner.start(launch);
  std::optional<TaskOutcome> outcome;
  std::string stop_reason;
  while (!outcome) {
    WaitEvent event = runner.wait(std::chrono::steady_clock::now() + std::chrono::hours(1));
    if (auto* done = std::get_if<TaskOutcome>(&event)) {
      outcome = std::move(*done);
    } else if (auto* stop = std::get_if<StopRequested>(&event)) {
      stop_reason = "stopped: flowbench exec received signal " + std::to_string(stop->signal) +
                    " (the job was cancelled)";
      outcome = runner.stop_all().front();
    }
  }
  // Slurm cancels a job by signalling every process in it at once: a handler that died of
  // that signal before our own SIGTERM was seen is still a stopped task, not a failed one.
  if (const auto* done = std::get_if<Completed>(&outcome->ending); done && done->signal && stop_reason.empty()) {
    WaitEvent late = runner.wait(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
    if (auto* stop = std::get_if<StopRequested>(&late)) {
      stop_reason = "stopped: flowbench exec received signal " + std::to_string(stop->signal) +
                    " (the job was cancelled)";
      outcome->ending = Interrupted{done->signal};
    }
  }
  ExecResult result;
  result.profile = profile_from_outcome(task, *outcome, plan->log, 0, request.time_scale);
  result.profile.log_file = plan->log_file;
  if (result.profile.status == TaskStatus::kInterrupted) result.profile.reason = stop_reason;
  if (auto facts = job_facts(); !facts.is_null()) result.profile.edit_extra().executor = std::move(facts);
  result.profile_file = plan->profile_file;
  result.exit_status = exec_exit_status(result.profile);
  if (auto written = write_file_atomically(plan->profile_file, to_json(result.profile).dump(2) + "\n");
      !written) {
    return written.error();
  }
  return result;
}

}  // namespace flowbench
