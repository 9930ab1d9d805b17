// Targets that expand: a budgets target whose metric ("task:*", "op:8/*") or benchmark
// ("BM_Task8/*") is a glob stands for one verdict per measured match.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gate/budgets.h"
#include "gate/measurements.h"

namespace flowbench {

// Baseline measurements for regression checks, by the path the budgets (or --baseline) give.
using Baselines = std::map<std::string, Measurements>;

// One verdict's worth of a target. `family` is the name of the budgets target it came from
// (the p-values of one family are corrected together); `unmatched` marks a glob that
// matched nothing, which is judged "not measured".
struct ExpandedTarget {
  Target target;
  std::string family;
  bool unmatched = false;
};

// Expands every target over the metrics (or benchmark names) of `data` and, for regression
// checks, of the target's baseline too (a metric that vanished from the candidate is then
// judged "not measured", never dropped). Matches come in natural order (task:2 before
// task:10). A target without a glob passes through as it is.
std::vector<ExpandedTarget> expand_targets(const std::vector<Target>& targets, const Measurements& data,
                                           const Baselines& baselines);

// The name of one expansion: each '*' of the target's name takes what the glob's wildcards
// matched ("task-*-no-regression" + task:8 -> "task-8-no-regression"); a name without '*'
// gets the match appended ("no-regression/task:8").
std::string expanded_name(const std::string& name, const std::vector<std::string>& captures,
                          const std::string& match);

// Samples of a target's metric (or benchmark, in the target's measure) in `data`; nullptr
// when there are none.
const std::vector<double>* find_samples(const Measurements& data, const Target& target);

// The round of each of those samples; nullptr when they were not all measured in rounds.
const std::vector<std::size_t>* find_rounds(const Measurements& data, const Target& target);

// The commit of each of those samples (a baseline drawn from history); nullptr otherwise.
const std::vector<std::size_t>* find_commits(const Measurements& data, const Target& target);

// The benchmark samples of one measure, by benchmark name.
const std::map<std::string, std::vector<double>>& benchmark_samples(const Measurements& data, Measure measure);

}  // namespace flowbench
