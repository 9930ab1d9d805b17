// The loop that drives a Runner through a Plan and tells observers what happened.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <vector>

#include "exec/runner.h"
#include "model/workflow.h"
#include "record/observer.h"
#include "schedule/plan.h"
#include "cache/task_cache.h"

namespace flowbench {

struct SchedulerOptions {
  bool keep_going = false;       // run everything that does not depend on a failure
  bool kill_on_failure = false;  // fail-fast also kills the tasks still running
  std::chrono::milliseconds tick{250};  // how often observers get on_tick
  double time_scale = 1.0;       // recorded in every profile
  TaskCache* cache = nullptr;    // restores and stores cacheable tasks, if given
};

// Builds the Launch for a task (argv, environment, log path).
using LaunchFactory = std::function<Launch(std::size_t task)>;

class Scheduler {
 public:
  Scheduler(const Workflow& workflow, Runner& runner, Plan& plan, LaunchFactory make_launch,
            std::vector<RunObserver*> observers, SchedulerOptions options);

  // Runs to the end (or to a stop). Every task gets exactly one on_task_finish.
  RunEnd run();

 private:
  void start_ready();
  // Stops the run when an observer reports a failure (a run folder that cannot be written).
  void halt_on_failure();
  int take_slot(std::size_t task);
  void on_started(const TaskStarted& event);
  // Queued tasks that have not started are cancelled; they come back as NotStarted.
  void cancel_queued(const std::vector<std::size_t>& tasks, const std::string& reason);
  void finish(const TaskOutcome& outcome);
  void skip(std::size_t task, const std::string& reason);
  void stop_running(const std::string& reason);
  void notify_finish(std::size_t task, const Profile& profile);

  const Workflow& workflow_;
  Runner& runner_;
  Plan& plan_;
  LaunchFactory make_launch_;
  std::vector<RunObserver*> observers_;
  SchedulerOptions options_;

  std::vector<int> slot_of_;         // per task, while running
  std::vector<bool> slot_busy_;
  std::vector<std::filesystem::path> log_of_;
  std::vector<std::string> cancel_reason_;  // why a queued task was cancelled
  bool queued_ = false;              // the runner orders dependencies (Slurm)
  bool stopping_ = false;
  bool halted_ = false;     // stopped by an observer's failure (halt_on_failure)
  std::string stop_reason_;          // why tasks not started were skipped
  std::string kill_reason_;          // why running tasks were killed
  int interrupt_signal_ = 0;
  bool any_failed_ = false;
};

// The profile of a task that ran (or could not start), from its outcome; `log` is the
// task's log file, scanned for sub-operation lines.
Profile profile_from_outcome(const Task& task, const TaskOutcome& outcome,
                             const std::filesystem::path& log, int slot, double time_scale);

}  // namespace flowbench
