// Changes in a metric's history: E-divisive change points over the commits' medians, each
// measured on the samples of the commits around it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gate/regression.h"
#include "history/change_points.h"
#include "history/timeline.h"

namespace flowbench::history {

// When a change point is reported: its permutation p <= alpha (E-divisive), and the
// Hodges-Lehmann change between the `window` commits before and after it is at least
// `min_change` with a 95% interval that excludes no change.
struct ChangeOptions {
  EDivisiveOptions e_divisive{};
  double min_change = 0.05;
  std::size_t window = 10;
};

struct Change {
  SampleKey key;
  std::string group;         // Group::name()
  std::size_t index = 0;     // of the first bad commit in the metric's own timeline
  std::string last_good, first_bad;  // commit hashes
  std::size_t commits_before = 0, commits_after = 0;  // in the comparison windows
  double median_before = 0, median_after = 0;
  Comparison effect;         // after against before; effect.worse > 0 is worse
  double p = 1;              // the change point's permutation p-value
  bool regression = false;   // worse (slower, more memory, lower quality); else an improvement
  bool open = false;         // a regression the latest commits still show
};

// A metric's timeline: the commits that measured it, with their samples.
struct MetricTimeline {
  SampleKey key;
  std::vector<std::string> commits;
  std::vector<std::vector<double>> samples;
};
MetricTimeline metric_timeline(const std::vector<CommitSamples>& timeline, const SampleKey& key);

// The reported changes of one metric, in commit order.
std::vector<Change> changes_of(const MetricTimeline& metric, const std::string& group, const ChangeOptions& options);

// The reported changes of every metric of every group, regressions first (open ones first),
// then improvements; `since` (a commit prefix, "" = all) keeps changes whose first bad commit
// comes after it in its group. An error when `since` is in no group.
Expected<std::vector<Change>> find_changes(const std::vector<Group>& groups, const ChangeOptions& options,
                                           const std::string& since);

}  // namespace flowbench::history
