// What `flowbench history` prints and writes: groups, one metric's timeline, the changes,
// and the whole database as CSV or JSON.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "history/changes.h"

namespace flowbench {

// `history list`: each group (branch and fingerprint) with its commits, results, metrics,
// newest commit and the fingerprint's fields.
void print_history_groups(std::ostream& out, const std::vector<history::Group>& groups);

// One metric of one group over its commits: what `history show` prints and plot.py draws.
struct MetricHistory {
  std::string group;
  history::MetricTimeline metric;
  std::vector<std::int64_t> times;      // each commit's time
  std::vector<history::Change> changes;
  std::size_t baseline_commits = 5;     // the newest commits a gate against history uses
  std::string time_scale = "1";         // of the fingerprint: times are measured seconds
};

// A row per commit: commit, date, samples, median, min, max, and where a change starts.
void print_metric_history(std::ostream& out, const MetricHistory& history);
nlohmann::ordered_json metric_history_json(const MetricHistory& history);

// `history regressions`: a row per change (metric, group, last good, first bad, medians,
// change with its interval, p), regressions apart from improvements, then the rule.
void print_changes(std::ostream& out, const std::vector<history::Change>& changes, const history::ChangeOptions& options);
nlohmann::ordered_json changes_json(const std::vector<history::Change>& changes, const history::ChangeOptions& options);

// `history export`: every sample, one per line (CSV) or by result (JSON).
void write_history_csv(std::ostream& out, const history::Snapshot& snapshot);
nlohmann::ordered_json history_json(const history::Snapshot& snapshot);

}  // namespace flowbench
