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
};

// What a task's process cost, from the kernel's accounting of the reaped child.
struct Measurement {
  SystemTime start_time{};
  SystemTime end_time{};
  std::chrono::nanoseconds wall{0};       // monotonic clock
  double cpu_user_ms = 0;
  double cpu_sys_ms = 0;
  long max_rss_kb = 0;
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
using Ending = std::variant<Completed, TimedOut, Interrupted, LaunchFailed>;

struct TaskOutcome {
  std::size_t task = 0;
  Ending ending;
  Measurement measurement;
};

// wait() returns one of: a task ended; the deadline passed first (a tick, for progress);
// flowbench itself was asked to stop (SIGINT/SIGTERM).
struct Tick {};
struct StopRequested {
  int signal = 0;
};
using WaitEvent = std::variant<TaskOutcome, Tick, StopRequested>;

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
};

}  // namespace flowbench
