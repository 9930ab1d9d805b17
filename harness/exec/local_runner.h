// Runs tasks as local processes, each in its own process group.
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "exec/runner.h"
#include "platform/signals.h"

namespace flowbench {

struct LocalRunnerOptions {
  std::size_t jobs = 1;                                   // tasks at once
  std::chrono::nanoseconds kill_grace = std::chrono::seconds(5);  // SIGTERM -> SIGKILL
};

// Starts processes with Boost.Process (stdin /dev/null, output to the task's log), reaps
// them with wait4 for the kernel's CPU and peak-RSS accounting, enforces timeouts on the
// whole process group, and reports SIGINT/SIGTERM sent to flowbench as StopRequested.
class LocalRunner : public Runner {
 public:
  explicit LocalRunner(LocalRunnerOptions options);
  ~LocalRunner() override;

  bool can_run_more() const override;
  void start(const Launch& launch) override;
  WaitEvent wait(SteadyTime until) override;
  std::vector<TaskOutcome> stop_all() override;
  std::size_t running() const override;

 private:
  struct Child {
    std::size_t task;
    int pid;
    SteadyTime started;
    SystemTime started_at;
    std::optional<SteadyTime> deadline;   // timeout
    std::optional<SteadyTime> kill_at;    // SIGKILL after the grace period
    int sent_signal = 0;                  // last signal we sent, 0 if none
    bool timed_out = false;
    bool interrupted = false;
  };

  void reap_finished();
  void enforce_deadlines(SteadyTime now);
  SteadyTime next_wake(SteadyTime until) const;

  LocalRunnerOptions options_;
  platform::SignalWaiter signals_{true};  // a child's end wakes the wait too
  std::vector<Child> children_;
  std::deque<TaskOutcome> finished_;
};

}  // namespace flowbench
