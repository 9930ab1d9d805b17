// Several runs of one workflow: per-task statistics, and before/after comparisons.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analyze/run_data.h"
#include "analyze/stats.h"

namespace flowbench {

inline constexpr const char* kTotalId = "total";  // the row for the run's makespan

struct TaskStats {
  std::string id, name;
  std::vector<double> samples_ms;   // from runs where the task succeeded (ok or cached)
  double median = 0, mad = 0, min = 0, max = 0;
  std::optional<Interval> ci95;     // of the median
  bool unstable = false;            // MAD over the threshold share of the median
};

// Per task (in the first run's order) and the makespan as the row "total".
std::vector<TaskStats> series_stats(const std::vector<RunRecord>& runs, double unstable_mad_share = 0.05);

struct Change {
  std::string id, name;
  std::size_t n_before = 0, n_after = 0;
  double before_ms = 0, after_ms = 0;  // medians
  double change_ms = 0, change = 0;    // absolute, relative (after / before - 1)
  std::optional<double> p_value;       // Mann-Whitney U, when both sides have >= 5 samples
  std::string verdict;                 // faster | slower | unchanged | ...
};

struct CompareOptions {
  double noise = 0.05;   // relative changes smaller than this are "unchanged"
  double alpha = 0.05;   // significance for the U test
};

std::vector<Change> compare_runs(const std::vector<RunRecord>& before, const std::vector<RunRecord>& after,
                                 const CompareOptions& options);

nlohmann::ordered_json stats_json(const std::vector<TaskStats>& stats, double display_scale);
nlohmann::ordered_json changes_json(const std::vector<Change>& changes, const CompareOptions& options,
                                    double display_scale);

}  // namespace flowbench
