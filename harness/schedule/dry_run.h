// A dry run: the schedule a run would follow, simulated with the planner and the expected
// durations, with no process started and nothing written.
#pragma once

#include <cstddef>
#include <vector>

#include "model/workflow.h"

namespace flowbench {

struct DryRunStart {
  std::size_t task = 0;
  double start_s = 0, end_s = 0;  // model seconds from the run's start
  std::size_t slot = 0;           // which of the `jobs` workers
};

struct DryRun {
  std::size_t jobs = 1;
  std::vector<DryRunStart> starts;          // in the order tasks would start
  std::vector<std::size_t> critical_path;   // the graph's longest path by expected duration
  double critical_path_s = 0;
  double makespan_s = 0;                    // projected
};

// Simulates the run: ready tasks go longest-remaining-path first (`prioritize`; else the
// spec's order, as a sequential run), at most `jobs` at once, each taking `expected_s[i]`
// model seconds.
DryRun simulate_run(const Workflow& workflow, const std::vector<double>& expected_s, std::size_t jobs,
                    bool prioritize);

// The same simulation on a bare graph: `durations[i]` each (any unit), ready tasks by
// `priority` (higher first; ties to the lower index), at most `jobs` at once. Fills `starts`
// and `makespan_s` (in the durations' unit); no critical path.
DryRun simulate_schedule(const Dependencies& deps, const std::vector<double>& durations, std::size_t jobs,
                         const std::vector<double>& priority);

}  // namespace flowbench
