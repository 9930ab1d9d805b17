// The gate: budgets checked against measurements, a verdict per target.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/budgets.h"
#include "gate/measurements.h"

namespace flowbench {

enum class VerdictState { kMet, kNotMet, kNotMeasured };
const char* verdict_name(VerdictState state);  // "met", "not met", "not measured"

struct Verdict {
  std::string target;
  std::string variant, metric;
  VerdictState state = VerdictState::kNotMeasured;
  std::size_t n = 0;
  double value = 0;               // the bounded statistic, in display units
  double low = 0, high = 0;       // 95% CI of the median (6+ samples), else the samples' range
  std::string unit;               // "s" (model seconds when scaled), "" for rates and counts
  std::string measured;           // e.g. "4.2 min [4.1, 4.3] n=5"
  std::string bound;              // e.g. "<= 10.0 min", "ratio <= 0.67 of sequential"
  std::string detail;             // why: the ratio, the p-value, what was missing
};

// Baseline measurements for regression checks, by the path the budgets (or --baseline) give.
using Baselines = std::map<std::string, Measurements>;

// Loads the baseline of every regression check (`override_path`, when given, replaces each
// target's own). A baseline that does not load is reported on `warnings`; its targets then
// come out "not measured".
Baselines load_baselines(Budgets& budgets, const std::filesystem::path& override_path, std::ostream& warnings);

// Checks every target. Time metrics are shown and bounded in model seconds when the
// budgets set a time scale (measured seconds / time_scale). Errors (not verdicts) when the
// budgets' time scale differs from the data's.
Expected<std::vector<Verdict>> evaluate_budgets(const Budgets& budgets, const Measurements& data,
                                                const Baselines& baselines);

// True when every verdict is met.
bool all_met(const std::vector<Verdict>& verdicts);

// The verdict table, then one line per failed target saying which and why.
void print_verdicts(std::ostream& out, const std::vector<Verdict>& verdicts);

// JUnit XML: one testcase per target; not met and not measured are failures.
void write_verdicts_junit(std::ostream& out, const std::string& suite, const std::vector<Verdict>& verdicts);

nlohmann::ordered_json verdicts_json(const std::vector<Verdict>& verdicts);

}  // namespace flowbench
