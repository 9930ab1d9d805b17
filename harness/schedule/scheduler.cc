#include "schedule/scheduler.h"

#include <csignal>
#include <cstring>

#include "record/ops.h"

namespace flowbench {

const char* run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::kRunning: return "running";
    case RunStatus::kComplete: return "complete";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kInterrupted: return "interrupted";
  }
  return "unknown";
}

namespace {

std::string signal_name(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

Profile base_profile(const Task& task, double time_scale) {
  Profile p;
  p.task_id = task.id_json;
  p.id = task.id;
  p.name = task.name;
  p.log_file = "logs/" + task.file_stem() + ".log";
  p.time_scale = time_scale;
  return p;
}

}  // namespace

Profile profile_from_outcome(const Task& task, const TaskOutcome& outcome,
                             const std::filesystem::path& log, int slot, double time_scale) {
  Profile p = base_profile(task, time_scale);
  const Measurement& m = outcome.measurement;
  p.slot = slot;
  p.start_time = m.start_time;
  p.end_time = m.end_time;
  p.duration_ms = std::chrono::duration<double, std::milli>(m.wall).count();
  p.cpu_user_ms = m.cpu_user_ms;
  p.cpu_sys_ms = m.cpu_sys_ms;
  p.max_rss_kb = m.max_rss_kb;
  bool ran = true;
  if (const auto* done = std::get_if<Completed>(&outcome.ending)) {
    p.signal = done->signal;
    if (done->signal == 0) p.exit_code = done->exit_code;
    if (done->signal != 0) {
      p.status = TaskStatus::kFailed;
      p.reason = "killed by " + signal_name(done->signal);
    } else if (done->exit_code != 0) {
      p.status = TaskStatus::kFailed;
      p.reason = "exit code " + std::to_string(done->exit_code);
    } else {
      p.status = TaskStatus::kOk;
    }
  } else if (const auto* timeout = std::get_if<TimedOut>(&outcome.ending)) {
    p.status = TaskStatus::kTimeout;
    p.signal = timeout->signal;
    p.reason = "timed out after " + std::to_string(static_cast<long>(task.timeout_s.value_or(0))) +
               " s; ended by " + signal_name(timeout->signal);
  } else if (const auto* stop = std::get_if<Interrupted>(&outcome.ending)) {
    p.status = TaskStatus::kInterrupted;
    p.signal = stop->signal;
  } else if (const auto* failed = std::get_if<LaunchFailed>(&outcome.ending)) {
    p.status = TaskStatus::kFailed;
    p.reason = failed->error;
    ran = false;
  } else if (const auto* lost = std::get_if<Lost>(&outcome.ending)) {
    p.status = TaskStatus::kFailed;
    p.reason = lost->what;
    ran = lost->started;
  } else if (std::holds_alternative<NotStarted>(outcome.ending)) {
    p.status = TaskStatus::kSkipped;
    p.log_file.clear();
    ran = false;
  }
  if (m.queue_wait) p.edit_extra().queue_wait_ms = std::chrono::duration<double, std::milli>(*m.queue_wait).count();
  if (!m.executor.is_null()) p.edit_extra().executor = m.executor;
  if (!ran) p.slot = -1;
  if (ran) p.ops = scan_ops(log);
  read_task_quality(task, p);
  return p;
}

Scheduler::Scheduler(const Workflow& workflow, Runner& runner, Plan& plan, LaunchFactory make_launch,
                     std::vector<RunObserver*> observers, SchedulerOptions options)
    : workflow_(workflow),
      runner_(runner),
      plan_(plan),
      make_launch_(std::move(make_launch)),
      observers_(std::move(observers)),
      options_(options),
      slot_of_(workflow.tasks.size(), -1),
      log_of_(workflow.tasks.size()),
      cancel_reason_(workflow.tasks.size()),
      queued_(runner.orders_dependencies()) {
  if (queued_) plan_.release_on_start();
}

int Scheduler::take_slot(std::size_t task) {
  int slot = 0;
  while (slot < static_cast<int>(slot_busy_.size()) && slot_busy_[slot]) ++slot;
  if (slot == static_cast<int>(slot_busy_.size())) slot_busy_.push_back(false);
  slot_busy_[slot] = true;
  slot_of_[task] = slot;
  return slot;
}

void Scheduler::on_started(const TaskStarted& event) {
  const int slot = take_slot(event.task);
  for (auto* observer : observers_) observer->on_task_start(workflow_.tasks[event.task], slot, event.at);
}

void Scheduler::cancel_queued(const std::vector<std::size_t>& tasks, const std::string& reason) {
  std::vector<std::size_t> cancel;
  for (std::size_t task : tasks) {
    if (slot_of_[task] >= 0) continue;  // already running: it ends on its own
    if (cancel_reason_[task].empty()) cancel_reason_[task] = reason;
    cancel.push_back(task);
  }
  if (!cancel.empty()) runner_.cancel_not_started(cancel);
}

void Scheduler::notify_finish(std::size_t task, const Profile& profile) {
  for (auto* observer : observers_) observer->on_task_finish(workflow_.tasks[task], profile);
}

void Scheduler::skip(std::size_t task, const std::string& reason) {
  Profile p = base_profile(workflow_.tasks[task], options_.time_scale);
  p.status = TaskStatus::kSkipped;
  p.reason = reason;
  p.log_file.clear();
  notify_finish(task, p);
}

void Scheduler::start_ready() {
  while (!stopping_ && plan_.has_ready() && runner_.can_run_more()) {
    const std::size_t task = plan_.start_next();
    if (options_.cache) {
      if (auto restored = options_.cache->try_restore(task)) {
        // Restored from the cache: it ends here without running, and takes no slot.
        for (auto* observer : observers_) observer->on_task_start(workflow_.tasks[task], -1, *restored->start_time);
        notify_finish(task, *restored);
        plan_.succeeded(task);
        continue;
      }
    }
    Launch launch = make_launch_(task);
    log_of_[task] = launch.log;
    if (queued_) {
      // Handed over with the tasks it still waits for; it starts when the runner says so.
      for (std::size_t dep : workflow_.deps[task]) {
        if (plan_.state(dep) == Plan::State::kRunning) launch.after.push_back(dep);
      }
    } else {
      const int slot = take_slot(task);
      const SystemTime now = std::chrono::system_clock::now();
      for (auto* observer : observers_) observer->on_task_start(workflow_.tasks[task], slot, now);
    }
    runner_.start(launch);
  }
}

void Scheduler::stop_running(const std::string& reason) {
  kill_reason_ = reason;
  for (const TaskOutcome& outcome : runner_.stop_all()) finish(outcome);
}

void Scheduler::finish(const TaskOutcome& outcome) {
  const std::size_t task = outcome.task;
  // A queued task whose start the runner had not reported yet (it ended at once, or the run
  // is stopping) still ran in a slot of its own.
  if (queued_ && slot_of_[task] < 0 && task_ran(outcome.ending)) {
    on_started({task, outcome.measurement.start_time});
  }
  const int slot = slot_of_[task];
  if (slot >= 0) slot_busy_[slot] = false;
  slot_of_[task] = -1;
  if (std::holds_alternative<NotStarted>(outcome.ending)) {
    // A queued task cancelled before it began: skipped, for the reason it was cancelled.
    plan_.cancelled(task);
    std::string reason = cancel_reason_[task];
    if (reason.empty()) reason = stopping_ ? stop_reason_ : "not started: a task it waits for did not succeed";
    skip(task, reason);
    return;
  }
  Profile p = profile_from_outcome(workflow_.tasks[task], outcome, log_of_[task], slot,
                                   options_.time_scale);
  log_of_[task] = std::filesystem::path();  // nothing kept per task once it ended
  if (p.status == TaskStatus::kInterrupted) p.reason = kill_reason_;
  if (options_.cache) options_.cache->after_run(task, p);
  notify_finish(task, p);
  if (p.status == TaskStatus::kOk) {
    plan_.succeeded(task);
    return;
  }
  any_failed_ = true;
  const std::string& id = workflow_.tasks[task].id;
  const char* how = p.status == TaskStatus::kTimeout       ? "timed out"
                    : p.status == TaskStatus::kInterrupted ? "was interrupted"
                                                           : "failed";
  const std::string dependency_reason = "dependency " + id + " " + how;
  if (queued_) cancel_queued(plan_.started_dependents(task), dependency_reason);
  for (std::size_t dependent : plan_.failed(task)) skip(dependent, dependency_reason);
  if (!options_.keep_going && !stopping_ && p.status != TaskStatus::kInterrupted) {
    stopping_ = true;
    stop_reason_ = "not started: the run stopped after task " + id + " " + how +
                   " (fail-fast; --keep-going runs every task that does not depend on it)";
    if (options_.kill_on_failure) {
      stop_running("killed: task " + id + " " + how + " (--kill-on-failure)");
    } else if (queued_) {
      cancel_queued(plan_.started(), stop_reason_);
    }
  }
}

void Scheduler::halt_on_failure() {
  if (halted_ || interrupt_signal_) return;
  for (auto* observer : observers_) {
    auto problem = observer->failure();
    if (!problem) continue;
    // Running on could only lose more: stop the tasks (even those a fail-fast stop would
    // let finish), start none, end as failed.
    halted_ = true;
    stopping_ = true;
    any_failed_ = true;
    stop_reason_ = "not started: " + *problem;
    for (std::size_t task : plan_.started()) {
      if (slot_of_[task] < 0 && cancel_reason_[task].empty()) cancel_reason_[task] = stop_reason_;
    }
    stop_running("killed: " + *problem);
    return;
  }
}

RunEnd Scheduler::run() {
  RunEnd end;
  end.started_at = std::chrono::system_clock::now();
  const SteadyTime started = std::chrono::steady_clock::now();
  for (auto* observer : observers_) observer->on_run_start(workflow_, end.started_at);
  for (;;) {
    start_ready();
    if (runner_.running() == 0) break;
    WaitEvent event = runner_.wait(std::chrono::steady_clock::now() + options_.tick);
    if (auto* outcome = std::get_if<TaskOutcome>(&event)) {
      finish(*outcome);
    } else if (auto* begun = std::get_if<TaskStarted>(&event)) {
      on_started(*begun);
    } else if (auto* stop = std::get_if<StopRequested>(&event)) {
      interrupt_signal_ = stop->signal;
      stopping_ = true;
      stop_reason_ = "not started: the run was interrupted by " + signal_name(stop->signal);
      for (std::size_t task : plan_.started()) {
        if (slot_of_[task] < 0 && cancel_reason_[task].empty()) cancel_reason_[task] = stop_reason_;
      }
      stop_running("killed: the run was interrupted by " + signal_name(stop->signal));
    } else {
      const SteadyTime now = std::chrono::steady_clock::now();
      for (auto* observer : observers_) observer->on_tick(now);
    }
    halt_on_failure();
  }
  const std::vector<std::size_t> rest = plan_.not_started();
  plan_.skip(rest);
  for (std::size_t task : rest) skip(task, stop_reason_);
  end.ended_at = std::chrono::system_clock::now();
  end.makespan = std::chrono::steady_clock::now() - started;
  end.signal = interrupt_signal_;
  end.status = interrupt_signal_ ? RunStatus::kInterrupted
               : any_failed_     ? RunStatus::kFailed
                                 : RunStatus::kComplete;
  for (auto* observer : observers_) observer->on_run_finish(end);
  return end;
}

}  // namespace flowbench
