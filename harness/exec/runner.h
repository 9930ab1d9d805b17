// Execution behind an interface: the scheduler starts tasks and waits for outcomes; a
// runner decides how (local processes, a fake for tests, Slurm jobs).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/time_format.h"

namespace flowbench {

using SteadyTime = std::chrono::steady_clock::time_point;

// Everything a runner needs to start one task.
struct Launch {
  std::size_t task = 0;                   // index in the workflow
  std::filesystem::path executable;       // absolute
  std::vector<std::string> argv;
  std::vector<std::string> env;           // "KEY=value", complete
  std::filesystem::path cwd;
  std::filesystem::path log;
  std::optional<std::chrono::nanoseconds> timeout;
  // Tasks started earlier that must succeed before this one may start (only for a runner
  // that orders_dependencies(); empty otherwise).
  std::vector<std::size_t> after;
  // The CPUs the process (and what it starts) may run on; empty = flowbench's own. Only the
  // local runner applies it (a duet's arms each get their own).
  std::vector<int> cpus;
};

// What a task's process cost, from the kernel's accounting of the reaped child.
struct Measurement {
  SystemTime start_time{};
  SystemTime end_time{};
  std::chrono::nanoseconds wall{0};       // monotonic clock
  double cpu_user_ms = 0;
  double cpu_sys_ms = 0;
  long max_rss_kb = 0;
  // From a runner that queues tasks (Slurm): submit -> start, and what the cluster said
  // about the job (null for local processes).
  std::optional<std::chrono::nanoseconds> queue_wait;
  nlohmann::json executor;
};

// How a task ended. A task that ran is Completed (whatever its exit code), TimedOut
// (killed by us at its deadline) or Interrupted (killed because the run stopped).
struct Completed {
  int exit_code = 0;  // -1 when killed by a signal
  int signal = 0;     // the signal that ended it, 0 when it exited
};
struct TimedOut {
  int signal = 0;     // what finally ended it (SIGTERM, or SIGKILL after the grace period)
};
struct Interrupted {
  int signal = 0;
};
struct LaunchFailed {
  std::string error;
};
// Never started: cancelled at flowbench's request (cancel_not_started, stop_all) or because
// a task it waits for did not succeed.
struct NotStarted {};
// The executor lost it: the job ended without a word from the task (node failure, cancelled
// outside flowbench, controller gone). `what` says what is known.
struct Lost {
  std::string what;
  bool started = false;  // it had started before it was lost
};
using Ending = std::variant<Completed, TimedOut, Interrupted, LaunchFailed, NotStarted, Lost>;

// True when the task's process ran (whatever came of it).
inline bool task_ran(const Ending& ending) {
  if (const auto* lost = std::get_if<Lost>(&ending)) return lost->started;
  return !std::holds_alternative<NotStarted>(ending) && !std::holds_alternative<LaunchFailed>(ending);
}

struct TaskOutcome {
  std::size_t task = 0;
  Ending ending;
  Measurement measurement;
};

// wait() returns one of: a task ended; a queued task started (only from a runner that
// orders_dependencies(), always before its outcome); the deadline passed first (a tick, for
// progress); flowbench itself was asked to stop (SIGINT/SIGTERM).
struct TaskStarted {
  std::size_t task = 0;
  SystemTime at{};
};
struct Tick {};
struct StopRequested {
  int signal = 0;
};
using WaitEvent = std::variant<TaskOutcome, TaskStarted, Tick, StopRequested>;

class Runner {
 public:
  virtual ~Runner() = default;

  // True when another task may be started now.
  virtual bool can_run_more() const = 0;

  // Starts a task. A failure to start is reported later by wait() as LaunchFailed.
  virtual void start(const Launch& launch) = 0;

  // Blocks until a task ends, `until` passes, or a stop is requested.
  virtual WaitEvent wait(SteadyTime until) = 0;

  // Stops every running task (SIGTERM, grace period, then SIGKILL) and returns every
  // outcome not yet returned: tasks that were still running come back as Interrupted.
  virtual std::vector<TaskOutcome> stop_all() = 0;

  // Number of tasks started and not yet returned by wait() or stop_all().
  virtual std::size_t running() const = 0;

  // A runner that queues tasks with their dependencies (Slurm's afterok) returns true: the
  // scheduler then hands it a task as soon as every task it waits for has been handed over
  // (Launch::after), reports the task's start when wait() returns TaskStarted, and calls
  // cancel_not_started() for queued tasks that must not run.
  virtual bool orders_dependencies() const { return false; }

  // Cancels those tasks if they have not started; each still comes back from wait(), as
  // NotStarted, or with its real outcome if it had already started.
  virtual void cancel_not_started(const std::vector<std::size_t>& /*tasks*/) {}
};

}  // namespace flowbench
