#include "slurm/slurm_runner.h"

#include <algorithm>
#include <csignal>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "model/spec_loader.h"
#include "platform/posix.h"
#include "record/profile.h"
#include "schedule/task_launch.h"
#include "platform/atomic_file.h"
#include "util/text.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

double ms_between(SystemTime from, SystemTime to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// Slurm prints local times without a zone, in whole seconds.
std::optional<SystemTime> parse_slurm_time(const std::string& text) {
  std::tm tm{};
  std::istringstream in(text);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return std::nullopt;
  tm.tm_isdst = -1;
  const std::time_t seconds = std::mktime(&tm);
  if (seconds == -1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(seconds);
}


}  // namespace

Expected<std::unique_ptr<SlurmRunner>> SlurmRunner::create(const Workflow& workflow, RunPaths paths,
                                                           SlurmRunnerOptions options) {
  fs::path programs[3];
  const char* names[3] = {"sbatch", "squeue", "scancel"};
  for (int i = 0; i < 3; ++i) {
    programs[i] = find_program(names[i], fs::current_path(), {});
    if (programs[i].empty()) {
      return Error{std::string("--executor slurm: ") + names[i] +
                   " is not on PATH; fix: install Slurm's client (Debian: slurm-client) or start a "
                   "local cluster with tools/slurm-local up"};
    }
  }
  // Jobs start in their task's folder: every path they are given is absolute.
  paths = run_paths_of(fs::absolute(paths.root));
  std::error_code ec;
  fs::create_directories(paths.jobs(), ec);
  if (ec) return Error{"cannot create " + paths.jobs().string() + ": " + ec.message()};
  std::unique_ptr<SlurmRunner> runner(
      new SlurmRunner(workflow, std::move(paths), std::move(options), programs[0], programs[1], programs[2]));
  auto answer = runner->run_command(runner->squeue_, {"-h", "--me", "-o", "%i"});
  if (!answer) return answer.error();
  if (answer->first != 0) {
    return Error{"--executor slurm: the Slurm controller does not answer (squeue: " + answer->second +
                 "); fix: start a cluster with tools/slurm-local up, or point SLURM_CONF at yours"};
  }
  return runner;
}

SlurmRunner::SlurmRunner(const Workflow& workflow, RunPaths paths, SlurmRunnerOptions options, fs::path sbatch,
                         fs::path squeue, fs::path scancel)
    : workflow_(workflow),
      paths_(std::move(paths)),
      options_(std::move(options)),
      sbatch_(std::move(sbatch)),
      squeue_(std::move(squeue)),
      scancel_(std::move(scancel)),
      jobs_(workflow.tasks.size()) {}

SlurmRunner::~SlurmRunner() {
  // Never leave jobs of this run queued or running, whatever path led here.
  auto left = active_jobs();
  if (!left.empty()) scancel(left, false);
}

std::size_t SlurmRunner::running() const { return outstanding_; }

std::vector<SlurmRunner::Job*> SlurmRunner::active_jobs() {
  std::vector<Job*> active;
  for (auto& job : jobs_) {
    if (job && !job->done && !job->id.empty()) active.push_back(&*job);
  }
  return active;
}

Expected<std::pair<int, std::string>> SlurmRunner::run_command(const fs::path& program,
                                                               const std::vector<std::string>& args) {
  const fs::path out = paths_.jobs() / (".command-" + std::to_string(++command_count_) + ".out");
  std::vector<std::string> argv{program.filename().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  auto status = platform::run_and_wait(program, argv, out);
  auto text = read_file(out);
  std::error_code ec;
  fs::remove(out, ec);
  if (!status) return Error{program.string() + ": " + status.error().message};
  std::string output = text ? *text : std::string();
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  return std::make_pair(*status, output);
}

Expected<std::string> SlurmRunner::submit(const Launch& launch, const std::vector<std::string>& after_jobs) {
  const Task& task = workflow_.tasks[launch.task];
  const fs::path script = paths_.jobs() / (task.file_stem() + ".sh");
  // A node that does not see a shared path says which, and where, before anything runs (a node
  // without the run folder cannot open the job's output: Slurm fails the launch, see resolve_gone).
  std::string checks;
  for (const std::string& needed : {options_.flowbench.string(), options_.spec.string(), task.cwd.string()}) {
    const std::string path = slurm::shell_quote(needed);
    checks += "[ -e " + path + " ] || { echo \"flowbench: on node ${SLURMD_NODENAME:-$(hostname)}: \"" + path +
              "\" does not exist; every node must see it at the same path: share its folder with this node, or "
              "keep the node out with --sbatch-arg=--exclude=${SLURMD_NODENAME:-$(hostname)}\" >&2; exit 97; }\n";
  }
  std::string text = "#!/bin/sh\n# flowbench: task " + task.id + " of " + options_.spec.string() + ", run " +
                     paths_.run_id + "\n" + checks + "exec " + slurm::shell_quote(options_.flowbench.string()) +
                     " exec --spec " + slurm::shell_quote(options_.spec.string()) + " --task " +
                     slurm::shell_quote(task.id) + " --run-dir " + slurm::shell_quote(paths_.root.string()) +
                     " --time-scale " + exact_number(options_.time_scale) + " --kill-grace-ms " +
                     std::to_string(options_.kill_grace.count()) + "\n";
  if (auto written = write_file_atomically(script, text); !written) return written.error();
  std::error_code ec;
  fs::permissions(script, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, ec);
  slurm::JobRequest request;
  request.name = "flowbench-" + paths_.run_id + "-" + task.id;
  request.script = script.string();
  request.output = (paths_.jobs() / (task.file_stem() + ".out")).string();
  request.workdir = task.cwd.string();
  request.cpus = task.cpus;
  request.mem_mb = task.mem_mb;
  if (task.timeout_s) {
    request.timeout_s = *task.timeout_s + std::chrono::duration<double>(options_.kill_grace).count();
  }
  request.after_jobs = after_jobs;
  auto result = run_command(sbatch_, slurm::sbatch_arguments(options_.cluster, request));
  if (!result) return result.error();
  if (result->first != 0) return Error{"sbatch failed (exit " + std::to_string(result->first) + "): " + result->second};
  return slurm::parse_job_id(result->second);
}

void SlurmRunner::start(const Launch& launch) {
  Job job;
  job.task = launch.task;
  job.after = launch.after;
  ++outstanding_;
  std::vector<std::string> after_jobs;
  bool blocked = false;
  for (std::size_t dep : launch.after) {
    const auto& parent = jobs_[dep];
    if (!parent || parent->id.empty()) {
      blocked = true;  // never submitted: it cannot succeed
    } else if (!parent->done) {
      after_jobs.push_back(parent->id);
    } else if (!parent->succeeded) {
      blocked = true;
    }
  }
  jobs_[launch.task] = std::move(job);
  Job& stored = *jobs_[launch.task];
  if (blocked) {
    finish(stored, bare_outcome(stored, NotStarted{}));
    return;
  }
  stored.submitted = std::chrono::system_clock::now();
  auto id = submit(launch, after_jobs);
  if (!id) {
    finish(stored, bare_outcome(stored, LaunchFailed{id.error().message}));
    return;
  }
  stored.id = *id;
}

TaskOutcome SlurmRunner::bare_outcome(const Job& job, Ending ending) const {
  TaskOutcome outcome{job.task, std::move(ending), {}};
  const SystemTime at = job.started_at.value_or(job.submitted);
  outcome.measurement.start_time = at;
  outcome.measurement.end_time = job.ended_at.value_or(std::max(at, std::chrono::system_clock::now()));
  if (task_ran(outcome.ending)) outcome.measurement.wall = outcome.measurement.end_time - at;
  if (!job.id.empty()) {
    outcome.measurement.executor = {{"name", "slurm"},
                                    {"job_id", job.id},
                                    {"submit_time", iso8601(job.submitted)},
                                    {"state", job.last.state},
                                    {"state_reason", job.last.reason}};
  }
  if (job.started_at) {
    outcome.measurement.queue_wait = *job.started_at - job.submitted;
    // From the moment it could start (submitted, and its last dependency ended) to its
    // start: the executor's own latency, plus any wait for a free CPU.
    SystemTime ready = job.submitted;
    bool known = true;
    for (std::size_t dep : job.after) {
      const auto& parent = jobs_[dep];
      if (parent && parent->ended_at) {
        ready = std::max(ready, *parent->ended_at);
      } else {
        known = false;
      }
    }
    if (known) outcome.measurement.executor["ready_to_start_ms"] = ms_between(ready, *job.started_at);
  }
  return outcome;
}

void SlurmRunner::report_start(Job& job, SystemTime at) {
  if (job.start_reported) return;
  job.start_reported = true;
  job.started_at = at;
  events_.push_back(TaskStarted{job.task, at});
}

void SlurmRunner::finish(Job& job, TaskOutcome outcome) {
  if (job.done) return;
  job.done = true;
  if (const auto* done = std::get_if<Completed>(&outcome.ending)) {
    job.succeeded = done->exit_code == 0 && done->signal == 0;
  }
  if (task_ran(outcome.ending) && !job.start_reported) report_start(job, outcome.measurement.start_time);
  events_.push_back(std::move(outcome));
}

std::optional<TaskOutcome> SlurmRunner::outcome_from_profile(Job& job) {
  const Task& task = workflow_.tasks[job.task];
  const fs::path file = paths_.job_profile(task);
  std::error_code ec;
  if (!fs::exists(file, ec)) return std::nullopt;
  auto text = read_file(file);
  if (!text) return std::nullopt;
  const json parsed = json::parse(*text, nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  auto profile = profile_from_json(parsed, file.string());
  if (!profile || !profile->start_time || !profile->end_time) return std::nullopt;
  job.started_at = profile->start_time;
  job.ended_at = profile->end_time;
  Ending ending;
  switch (profile->status) {
    case TaskStatus::kOk:
      ending = Completed{profile->exit_code.value_or(0), 0};
      break;
    case TaskStatus::kFailed:
      if (profile->slot < 0) {
        ending = LaunchFailed{profile->reason};
      } else {
        ending = Completed{profile->exit_code.value_or(-1), profile->signal};
      }
      break;
    case TaskStatus::kTimeout: ending = TimedOut{profile->signal}; break;
    case TaskStatus::kInterrupted:
      if (job.cancel_requested) {
        ending = Interrupted{profile->signal};
      } else {
        ending = Lost{"Slurm job " + job.id + " was cancelled outside flowbench (the task got signal " +
                          std::to_string(profile->signal) + " and was stopped)",
                      true};
      }
      break;
    default: ending = Lost{file.string() + ": the job recorded status " + status_name(profile->status), true};
  }
  TaskOutcome outcome = bare_outcome(job, std::move(ending));
  Measurement& m = outcome.measurement;
  m.start_time = *profile->start_time;
  m.end_time = *profile->end_time;
  m.wall = std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double, std::milli>(profile->duration_ms));
  m.cpu_user_ms = profile->cpu_user_ms;
  m.cpu_sys_ms = profile->cpu_sys_ms;
  m.max_rss_kb = profile->max_rss_kb;
  if (const auto& facts = profile->extra().executor; facts.is_object()) {
    for (const char* key : {"node", "node_kind"}) {
      if (facts.contains(key)) m.executor[key] = facts[key];
    }
  }
  // The last squeue line is stale by now; Slurm's final word is in jobs/slurm-jobs.json.
  m.executor.erase("state");
  m.executor.erase("state_reason");
  return outcome;
}

void SlurmRunner::poll_files() {
  for (Job* job : active_jobs()) {
    const Task& task = workflow_.tasks[job->task];
    if (!job->start_reported) {
      std::error_code ec;
      if (fs::exists(paths_.job_started(task), ec)) {
        auto text = read_file(paths_.job_started(task));
        const json marker = text ? json::parse(*text, nullptr, false) : json();
        std::optional<SystemTime> at;
        if (marker.is_object() && marker.contains("start_time") && marker["start_time"].is_string()) {
          at = parse_iso8601(marker["start_time"].get<std::string>());
        }
        if (marker.is_object() && marker.contains("node") && marker["node"].is_string()) {
          job->node = marker["node"].get<std::string>();
        }
        report_start(*job, at.value_or(std::chrono::system_clock::now()));
      }
    }
    if (auto outcome = outcome_from_profile(*job)) finish(*job, std::move(*outcome));
  }
}

bool SlurmRunner::dependency_failed(const Job& job) const {
  for (std::size_t dep : job.after) {
    const auto& parent = jobs_[dep];
    if (!parent || (parent->done && !parent->succeeded)) return true;
  }
  return false;
}

void SlurmRunner::resolve_gone(Job& job, SteadyTime now) {
  const Task& task = workflow_.tasks[job.task];
  std::error_code ec;
  const bool started = job.start_reported || fs::exists(paths_.job_started(task), ec);
  const bool expected_end = job.cancel_requested || dependency_failed(job);
  // Cancelled while pending, as asked (or by Slurm for a failed dependency): it never ran.
  if (!started && expected_end) {
    finish(job, bare_outcome(job, NotStarted{}));
    return;
  }
  if (now - *job.gone_since < options_.lost_grace) return;  // its profile may be on its way
  if (auto outcome = outcome_from_profile(job)) {
    finish(job, std::move(*outcome));
    return;
  }
  const std::string state = job.last.state.empty() ? "no longer known to the controller"
                                                   : "ended as " + job.last.state +
                                                         (job.last.reason.empty() || job.last.reason == "None"
                                                              ? ""
                                                              : " (" + job.last.reason + ")");
  // Where it ran: from its start marker, else from the queue's last word.
  const std::string node = !job.node.empty() ? job.node : job.last.node;
  const std::string on = node.empty() ? "" : " on node " + node;
  const JobOutput output = job_output_says(job, node);
  TaskOutcome outcome;
  if (started && job.cancel_requested) {
    outcome = bare_outcome(job, Interrupted{SIGKILL});
  } else if (started) {
    outcome = bare_outcome(job, Lost{"lost: Slurm job " + job.id + on + " " + state +
                                         " without a profile from flowbench exec: the node failed or the "
                                         "job was cancelled outside flowbench" + output.text,
                                     true});
  } else {
    // What the job's output says is the cause when it says anything; else the likely causes.
    outcome = bare_outcome(job, Lost{"lost: Slurm job " + job.id + on + " " + state +
                                         " before flowbench exec started in it" +
                                         (output.names_cause
                                              ? output.text
                                              : ": the cluster could not launch it, or it was cancelled outside "
                                                "flowbench" + output.text),
                                     false});
  }
  if (!node.empty()) outcome.measurement.executor["node"] = node;
  finish(job, std::move(outcome));
}

SlurmRunner::JobOutput SlurmRunner::job_output_says(const Job& job, const std::string& node) const {
  const fs::path out = paths_.jobs() / (workflow_.tasks[job.task].file_stem() + ".out");
  std::error_code ec;
  if (!fs::exists(out, ec)) {
    // Slurm fails the launch (JobLaunchFailure) when the node cannot open the job's output file:
    // the run folder is not there on that node.
    if (job.last.reason != "JobLaunchFailure") return {" (it wrote no output: " + out.string() + ")"};
    const std::string name = node.empty() ? "its node" : node;
    return {": the node could not open the job's output file " + out.string() + "; the run folder " +
                paths_.root.string() + " must exist at the same path on every node: share it with " + name +
                " (--shared-dir, a folder every node mounts), or keep " + name + " out (--sbatch-arg=--exclude=" +
                (node.empty() ? "NODE" : node) + ")",
            true};
  }
  auto text = read_file(out);
  std::string last;
  if (text) {
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
      if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    }
  }
  if (last.size() > 400) last = last.substr(0, 400) + "...";
  if (last.empty()) return {" (its output: " + out.string() + ")"};
  return {"; its output " + out.string() + " ends: " + last, true};
}

void SlurmRunner::poll_queue(SteadyTime now) {
  auto active = active_jobs();
  if (active.empty()) return;
  auto answer = run_command(squeue_, {"-h", "--me", "-t", "all", "-o", slurm::kSqueueFormat});
  if (!answer || answer->first != 0) {
    if (!controller_silent_since_) controller_silent_since_ = now;
    if (now - *controller_silent_since_ < options_.controller_timeout) return;
    const std::string why = answer ? answer->second : answer.error().message;
    for (Job* job : active) {
      finish(*job, bare_outcome(*job, Lost{"lost: the Slurm controller has not answered squeue for " +
                                               std::to_string(options_.controller_timeout.count() / 1000) +
                                               " s (" + why + "); job " + job->id + "'s fate is unknown",
                                           job->start_reported}));
    }
    return;
  }
  controller_silent_since_.reset();
  const auto states = slurm::parse_squeue(answer->second);
  for (Job* job : active) {
    auto it = states.find(job->id);
    if (it != states.end()) job->last = it->second;
    const bool gone = it == states.end() || slurm::is_final_state(it->second.state);
    if (!gone) {
      job->gone_since.reset();
      continue;
    }
    if (!job->gone_since) job->gone_since = now;
    resolve_gone(*job, now);
  }
}

void SlurmRunner::scancel(const std::vector<Job*>& jobs, bool pending_only) {
  std::vector<std::string> args;
  if (pending_only) args.push_back("--state=PENDING");
  for (Job* job : jobs) {
    job->cancel_requested = true;
    args.push_back(job->id);
  }
  if (args.size() == (pending_only ? 1u : 0u)) return;
  // scancel complains about jobs that already ended; that is not an error here.
  (void)run_command(scancel_, args);
  next_queue_poll_ = std::chrono::steady_clock::now();
}

void SlurmRunner::cancel_not_started(const std::vector<std::size_t>& tasks) {
  std::vector<Job*> cancel;
  for (std::size_t task : tasks) {
    auto& job = jobs_[task];
    if (job && !job->done && !job->id.empty() && !job->start_reported) cancel.push_back(&*job);
  }
  scancel(cancel, true);
}

WaitEvent SlurmRunner::wait(SteadyTime until) {
  for (;;) {
    if (!events_.empty()) {
      WaitEvent event = std::move(events_.front());
      events_.pop_front();
      if (std::holds_alternative<TaskOutcome>(event)) --outstanding_;
      return event;
    }
    if (auto stop = signals_.take_stop()) {
      const int signal = *stop;
      return StopRequested{signal};
    }
    const SteadyTime now = std::chrono::steady_clock::now();
    if (now >= next_file_poll_) {
      poll_files();
      next_file_poll_ = now + options_.file_poll;
    }
    if (now >= next_queue_poll_) {
      next_queue_poll_ = now + options_.queue_poll;
      poll_queue(now);
    }
    if (!events_.empty()) continue;
    if (now >= until) return Tick{};
    signals_.wait_until(std::min({until, next_file_poll_, next_queue_poll_}));
  }
}

std::vector<TaskOutcome> SlurmRunner::stop_all() {
  scancel(active_jobs(), false);
  // Jobs that run get SIGTERM from Slurm; their flowbench exec stops the task and still
  // writes its profile. Wait for that, not forever.
  const SteadyTime deadline =
      std::chrono::steady_clock::now() + options_.kill_grace + std::chrono::seconds(15);
  bool killed = false;
  while (!active_jobs().empty() && std::chrono::steady_clock::now() < deadline) {
    const SteadyTime now = std::chrono::steady_clock::now();
    poll_files();
    if (now >= next_queue_poll_) {
      next_queue_poll_ = now + std::chrono::milliseconds(200);
      poll_queue(now);
    }
    if (signals_.take_stop() && !killed) {
      // Asked again while stopping: no more grace.
      killed = true;
      std::vector<std::string> args{"--signal=KILL"};
      for (Job* job : active_jobs()) args.push_back(job->id);
      (void)run_command(scancel_, args);
    }
    signals_.wait_until(std::min(deadline, now + options_.file_poll));
  }
  for (Job* job : active_jobs()) {
    finish(*job, bare_outcome(*job, job->start_reported ? Ending{Interrupted{SIGKILL}} : Ending{NotStarted{}}));
  }
  std::vector<TaskOutcome> outcomes;
  for (auto& event : events_) {
    if (auto* outcome = std::get_if<TaskOutcome>(&event)) outcomes.push_back(std::move(*outcome));
  }
  events_.clear();
  outstanding_ = 0;
  return outcomes;
}

Status SlurmRunner::write_job_table() {
  std::map<std::string, slurm::JobState> states;
  // Slurm records a job's end once it has left COMPLETING; give that a moment.
  for (int attempt = 0; attempt < 30; ++attempt) {
    auto answer = run_command(squeue_, {"-h", "--me", "-t", "all", "-o", slurm::kSqueueFormat});
    if (!answer || answer->first != 0) break;
    states = slurm::parse_squeue(answer->second);
    bool settled = true;
    for (const auto& job : jobs_) {
      if (!job || job->id.empty()) continue;
      auto it = states.find(job->id);
      if (it != states.end() && !slurm::is_final_state(it->second.state)) settled = false;
    }
    if (settled) break;
    signals_.wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
  }
  json rows = json::array();
  for (const auto& job : jobs_) {
    if (!job || job->id.empty()) continue;
    json row{{"task_id", workflow_.tasks[job->task].id}, {"job_id", job->id}, {"submit_time", iso8601(job->submitted)}};
    row["start_time"] = job->started_at ? json(iso8601(*job->started_at)) : json(nullptr);
    row["end_time"] = job->ended_at ? json(iso8601(*job->ended_at)) : json(nullptr);
    auto it = states.find(job->id);
    if (it != states.end()) {
      const slurm::JobState& s = it->second;
      row["slurm"] = {{"state", s.state}, {"reason", s.reason}, {"submit", s.submit},
                      {"start", s.start}, {"end", s.end},       {"node", s.node}};
      // Slurm's whole seconds against flowbench's own clock: within a second when they agree.
      const auto slurm_start = parse_slurm_time(s.start);
      if (slurm_start && job->started_at) row["start_gap_s"] = ms_between(*job->started_at, *slurm_start) / 1000.0;
      const auto slurm_end = parse_slurm_time(s.end);
      if (slurm_end && job->ended_at) row["end_gap_s"] = ms_between(*job->ended_at, *slurm_end) / 1000.0;
    } else {
      row["slurm"] = nullptr;  // already purged by the controller (MinJobAge)
    }
    rows.push_back(std::move(row));
  }
  return write_file_atomically(paths_.jobs() / "slurm-jobs.json", json{{"jobs", rows}}.dump(2) + "\n");
}

}  // namespace flowbench
