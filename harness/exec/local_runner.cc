#include "exec/local_runner.h"

#include <algorithm>
#include <csignal>

#include "platform/group_watchdog.h"
#include "platform/posix.h"

namespace flowbench {

LocalRunner::LocalRunner(LocalRunnerOptions options) : options_(options) {
  if (options_.jobs == 0) options_.jobs = 1;
}

LocalRunner::~LocalRunner() {
  // Never leave orphans behind, whatever path led here.
  if (!children_.empty()) stop_all();
}

bool LocalRunner::can_run_more() const { return children_.size() < options_.jobs; }

std::size_t LocalRunner::running() const { return children_.size() + finished_.size(); }

void LocalRunner::start(const Launch& launch) {
  const SteadyTime started = std::chrono::steady_clock::now();
  const SystemTime started_at = std::chrono::system_clock::now();
  platform::SpawnRequest request{launch.executable, launch.argv, launch.env, launch.cwd, launch.log, launch.cpus};
  auto pid = platform::spawn_in_own_group(request);
  if (!pid) {
    TaskOutcome outcome{launch.task, LaunchFailed{pid.error().message}, {}};
    outcome.measurement.start_time = outcome.measurement.end_time = started_at;
    finished_.push_back(std::move(outcome));
    return;
  }
  platform::watch_group(*pid);
  Child child{launch.task, *pid, started, started_at, std::nullopt, std::nullopt};
  if (launch.timeout) child.deadline = started + *launch.timeout;
  children_.push_back(child);
}

void LocalRunner::reap_finished() {
  for (auto it = children_.begin(); it != children_.end();) {
    auto reaped = platform::try_reap(it->pid);
    if (!reaped) {
      ++it;
      continue;
    }
    const SteadyTime now = std::chrono::steady_clock::now();
    // The leader is gone; make sure nothing it started outlives a kill.
    if (it->timed_out || it->interrupted) platform::signal_group(it->pid, SIGKILL);
    platform::forget_group(it->pid);
    TaskOutcome outcome;
    outcome.task = it->task;
    const int signal = reaped->signal;
    if (it->interrupted) {
      outcome.ending = Interrupted{signal ? signal : it->sent_signal};
    } else if (it->timed_out) {
      outcome.ending = TimedOut{signal ? signal : it->sent_signal};
    } else {
      outcome.ending = Completed{reaped->exit_code, signal};
    }
    Measurement& m = outcome.measurement;
    m.start_time = it->started_at;
    m.wall = now - it->started;
    m.end_time = it->started_at + std::chrono::duration_cast<SystemTime::duration>(m.wall);
    m.cpu_user_ms = reaped->usage.cpu_user_ms;
    m.cpu_sys_ms = reaped->usage.cpu_sys_ms;
    m.max_rss_kb = reaped->usage.max_rss_kb;
    finished_.push_back(std::move(outcome));
    it = children_.erase(it);
  }
}

void LocalRunner::enforce_deadlines(SteadyTime now) {
  for (auto& child : children_) {
    if (child.deadline && now >= *child.deadline && !child.timed_out && !child.interrupted) {
      child.timed_out = true;
      child.sent_signal = SIGTERM;
      platform::signal_group(child.pid, SIGTERM);
      child.kill_at = now + options_.kill_grace;
    }
    if (child.kill_at && now >= *child.kill_at) {
      child.sent_signal = SIGKILL;
      platform::signal_group(child.pid, SIGKILL);
      child.kill_at.reset();
    }
  }
}

SteadyTime LocalRunner::next_wake(SteadyTime until) const {
  SteadyTime wake = until;
  for (const auto& child : children_) {
    if (child.deadline && !child.timed_out && !child.interrupted) wake = std::min(wake, *child.deadline);
    if (child.kill_at) wake = std::min(wake, *child.kill_at);
  }
  return wake;
}

WaitEvent LocalRunner::wait(SteadyTime until) {
  for (;;) {
    reap_finished();
    if (!finished_.empty()) {
      TaskOutcome outcome = std::move(finished_.front());
      finished_.pop_front();
      return outcome;
    }
    if (auto signal = signals_.take_stop()) return StopRequested{*signal};
    const SteadyTime now = std::chrono::steady_clock::now();
    enforce_deadlines(now);
    if (now >= until) return Tick{};
    signals_.wait_until(next_wake(until));
  }
}

std::vector<TaskOutcome> LocalRunner::stop_all() {
  const SteadyTime now = std::chrono::steady_clock::now();
  for (auto& child : children_) {
    if (child.interrupted) continue;
    child.interrupted = true;
    child.sent_signal = SIGTERM;
    platform::signal_group(child.pid, SIGTERM);
    child.kill_at = now + options_.kill_grace;
  }
  for (;;) {
    reap_finished();
    if (children_.empty()) break;
    if (signals_.take_stop()) {
      // Asked again while stopping: no more grace.
      for (auto& child : children_) child.kill_at = std::chrono::steady_clock::now();
    }
    enforce_deadlines(std::chrono::steady_clock::now());
    signals_.wait_until(next_wake(std::chrono::steady_clock::now() + std::chrono::seconds(1)));
  }
  std::vector<TaskOutcome> outcomes(std::make_move_iterator(finished_.begin()),
                                    std::make_move_iterator(finished_.end()));
  finished_.clear();
  return outcomes;
}

}  // namespace flowbench
