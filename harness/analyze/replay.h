// A run's schedule replayed from its measured durations: what its makespan becomes when some
// tasks or sub-operations take less (or more) time, with the same scheduler at the same
// number of workers, and how much each task can grow before the makespan does.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/graph.h"
#include "schedule/dry_run.h"

namespace flowbench {

// The schedule flowbench's scheduler makes with these durations at `workers`: ready tasks
// longest-remaining-path first, the path weighted by the durations themselves (as a run
// given the measured one as --history orders them).
DryRun replay_schedule(const Dependencies& deps, const std::vector<double>& durations, std::size_t workers);

// Each task's slack in a replayed schedule: how much longer it can take before the makespan
// grows, the order of tasks on each worker kept (total float over the graph's edges and
// each worker's next task).
std::vector<double> schedule_slack(const Dependencies& deps, const std::vector<double>& durations, const DryRun& schedule);

// What the makespan becomes with task `task` (or `part` of its time) scaled by `factor`.
struct Ceiling {
  std::size_t task = 0;
  std::string op;            // a sub-operation of the task; empty: the whole task
  double ms = 0;             // its measured time
  double share_of_task = 1;  // op / task (1 for a whole task)
  double share_of_work = 0;  // of the sum of every task's time
  double makespan_zero_ms = 0, makespan_half_ms = 0;  // replayed, with it at zero and at half
};

// Where time can be won: for every task, and every sub-operation a task reports, the
// replayed makespan with it at zero and at half its time, ranked by what zero would save.
// `ops[i]`: task i's sub-operations (name, ms). Above `max_tasks` tasks only the longest
// `max_tasks` are tried (each try is a replay of the whole graph).
struct TimeWon {
  std::size_t workers = 1;
  double replayed_ms = 0;          // the measured durations replayed at `workers`
  std::vector<Ceiling> ceilings;   // most saved at zero first
  std::vector<double> slack_ms;    // per task, in the replayed schedule
  bool every_task = true;          // false: only the longest max_tasks were tried
};
TimeWon where_time_can_be_won(const Dependencies& deps, const std::vector<double>& durations_ms,
                              const std::vector<std::vector<std::pair<std::string, double>>>& ops,
                              std::size_t workers, std::size_t max_tasks = 500);

}  // namespace flowbench
