// What is wanted and what is ready: the scheduling logic, with no processes and no clock.
#pragma once

#include <cstddef>
#include <optional>
#include <queue>
#include <vector>

#include "model/graph.h"

namespace flowbench {

class Plan {
 public:
  enum class State { kWaiting, kReady, kRunning, kSucceeded, kFailed, kSkipped };

  // `priority[i]`: higher starts first among ready tasks; ties go to the lower index, so
  // equal priorities give the stable topological order of the spec.
  Plan(Dependencies deps, std::vector<double> priority);

  // For a runner that orders dependencies itself (Slurm): a task becomes ready as soon as
  // every task it waits for has *started* (been handed over), not finished. Call before
  // the first start_next().
  void release_on_start() { release_on_start_ = true; }

  bool has_ready() const { return !ready_.empty(); }

  // Takes the ready task with the highest priority and marks it running.
  // Precondition: has_ready().
  std::size_t start_next();

  // Its dependents whose other dependencies are done become ready.
  void succeeded(std::size_t task);

  // Marks the task failed and every task depending on it, directly or not, that has not
  // started as skipped because of it. Returns the newly skipped tasks in index order.
  std::vector<std::size_t> failed(std::size_t task);

  // With release_on_start: the tasks depending on `task`, directly or not, that were
  // handed over and have not ended (they can no longer run), in index order.
  std::vector<std::size_t> started_dependents(std::size_t task) const;

  // A started task that never ran (cancelled before it began) is marked skipped.
  void cancelled(std::size_t task);

  // Tasks started and not yet ended, in index order.
  std::vector<std::size_t> started() const;

  // Tasks neither started nor skipped yet, in index order (waiting or ready).
  std::vector<std::size_t> not_started() const;

  // Marks them skipped (the run stopped before starting them).
  void skip(const std::vector<std::size_t>& tasks);

  State state(std::size_t task) const { return state_[task]; }

  // For a skipped task, the failed task that caused it, if any.
  std::optional<std::size_t> skipped_because(std::size_t task) const { return blocker_[task]; }

  std::size_t size() const { return deps_.size(); }

 private:
  struct Later {
    const std::vector<double>* priority;
    bool operator()(std::size_t a, std::size_t b) const {
      if ((*priority)[a] != (*priority)[b]) return (*priority)[a] < (*priority)[b];
      return a > b;
    }
  };

  void release_dependents(std::size_t task);
  // Visits every task downstream of `task` once; `visit(next)` says whether to go on
  // through `next` to what depends on it.
  template <typename Visit>
  void walk_dependents(std::size_t task, Visit visit) const;
  void drop_skipped_from_ready();

  bool release_on_start_ = false;
  Dependencies deps_;
  Dependencies dependents_;
  std::vector<double> priority_;
  std::vector<State> state_;
  std::vector<std::size_t> waiting_on_;
  std::vector<std::optional<std::size_t>> blocker_;
  std::priority_queue<std::size_t, std::vector<std::size_t>, Later> ready_;
};

// Priorities for `--mode parallel`: the longest remaining path through the graph, each
// task weighted by its expected duration (the critical path goes first).
std::vector<double> critical_path_priorities(const Dependencies& deps,
                                             const std::vector<double>& expected_s);

}  // namespace flowbench
