// Listeners to execution events. Observers record and report; they never change what runs.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "exec/runner.h"
#include "model/workflow.h"
#include "record/profile.h"

namespace flowbench {

enum class RunStatus { kRunning, kComplete, kFailed, kInterrupted };
const char* run_status_name(RunStatus status);

struct RunEnd {
  RunStatus status = RunStatus::kComplete;
  int signal = 0;          // the signal that interrupted the run, 0 if none
  SystemTime started_at{};
  SystemTime ended_at{};
  std::chrono::nanoseconds makespan{0};
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_run_start(const Workflow&, SystemTime) {}
  virtual void on_task_start(const Task&, int /*slot*/, SystemTime) {}
  // Every task ends here exactly once: ran, failed, timed out, skipped or interrupted.
  virtual void on_task_finish(const Task&, const Profile&) {}
  // Called periodically while tasks run (for live progress).
  virtual void on_tick(SteadyTime) {}
  virtual void on_run_finish(const RunEnd&) {}
  // A problem that must stop the run (e.g. its record can no longer be written: a full
  // disk); asked after every event. nullopt while all is well.
  virtual std::optional<std::string> failure() { return std::nullopt; }
};

}  // namespace flowbench
