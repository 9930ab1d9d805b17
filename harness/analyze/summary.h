// One run analysed: the plan's figures computed, and what the graph allows.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/replay.h"
#include "analyze/run_data.h"

namespace flowbench {

// "--what-if 8=0.5": task 8 takes half its time; "8=600s": it takes 600 s (in the units
// shown: model seconds when the run has a time scale).
struct WhatIf {
  std::string id;
  double value = 0;
  bool factor = true;  // value scales the measured time; else it is the time in seconds
};
// Parses "ID=F" or "ID=Fx" (a factor, 0 or more) and "ID=Ns" (seconds); the error says what
// to write.
Expected<WhatIf> parse_what_if(const std::string& text);

struct PathResult {
  std::vector<std::string> tasks;  // ids along the heaviest path, in execution order
  double length_ms = 0;
};

// The heaviest path through the graph with these task durations (ms).
PathResult critical_path(const RunRecord& run, const std::vector<double>& durations_ms);

struct SiblingSet {
  std::vector<std::string> tasks;  // tasks waiting for exactly the same tasks
  std::vector<std::string> after;
  double sequential_ms = 0;        // their durations added up
  double parallel_ms = 0;          // the longest of them
};

// Where a cluster ran the tasks: a node's tasks and their time, from each profile's
// executor.node (Slurm's node name). Empty for a local run.
struct NodeTime {
  std::string node;
  std::size_t tasks = 0;
  double busy_ms = 0;     // its tasks' durations added up
  double slowest_ms = 0;  // its longest task
  std::string slowest_task;
};

struct RunAnalysis {
  const RunRecord* run = nullptr;
  // The plan's figures (analyze-profiles.py's meaning).
  double total_ms = 0;                       // sum of task durations
  std::size_t task_count = 0;                // tasks with a profile
  std::vector<std::size_t> by_duration;      // task indexes, slowest first
  std::vector<std::string> critical_tasks;   // over 10% of the total
  std::vector<std::string> major_tasks;      // over 5%, at most 10%
  // From the graph.
  PathResult path;
  double makespan_ms = 0;
  double parallelism = 0;                    // total / makespan
  std::vector<std::pair<std::string, double>> lower_bounds;  // workers -> ms: max(path, total/p)
  std::size_t workers = 1;                   // tasks at once in this run (its context's jobs)
  double bound_at_workers_ms = 0;            // max(path, total / workers)
  double tight_bound_at_workers_ms = 0;      // analyze/bounds.h: heads and tails counted too
  TimeWon time_won;                          // ceilings and slack, replayed at `workers`
  // From the spec's expected durations (model seconds x the run's time scale, in ms),
  // when every task has one: what the graph promised, against what was measured.
  std::optional<PathResult> expected_path;
  double expected_total_ms = 0;
  double expected_bound_at_workers_ms = 0;
  std::vector<SiblingSet> siblings;
  std::vector<NodeTime> nodes;               // by name; empty unless profiles name nodes
  std::vector<WhatIf> what_ifs;
  std::optional<PathResult> what_if_path;    // with the what-ifs applied
  double what_if_total_ms = 0;
  double what_if_replayed_ms = 0;            // the schedule replayed at `workers` with them
  double what_if_bound_ms = 0;               // the tight bound with them
};

// Analyses a run; what-ifs are in display units (seconds / display_scale measured).
// `workers`: the P of the bounds, ceilings, slack and what-ifs (0: the run's own).
Expected<RunAnalysis> analyze_run(const RunRecord& run, const std::vector<WhatIf>& what_ifs, double display_scale,
                                  std::size_t workers = 0);

// summary.json: the plan's keys first (same values as its script), then flowbench's.
nlohmann::ordered_json summary_json(const RunAnalysis& analysis, double display_scale);

}  // namespace flowbench
