// The gate: budgets checked against measurements, a verdict per target (per match, for a
// target that expands), regression verdicts corrected per family.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/budgets.h"
#include "gate/expand.h"
#include "gate/measurements.h"
#include "gate/noise.h"
#include "gate/regression.h"

namespace flowbench {

// kNotComparable: the baseline drawn from history had no data measured like the candidate
// (another machine, build or executor); it fails like kNotMeasured and says what differs.
// kUndecided: a regression check whose data neither shows a regression nor rules out one as
// large as its min effect; more rounds would decide it. Never a pass.
enum class VerdictState { kMet, kNotMet, kNotMeasured, kNotComparable, kUndecided };
// "met", "not met", "not measured", "not comparable", "undecided"
const char* verdict_name(VerdictState state);

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
  std::string family;             // the budgets target this verdict came from
  std::size_t family_size = 1;    // regression verdicts of the family corrected together
  std::optional<Comparison> regression;  // candidate against baseline, when both sides had samples
  double p_adjusted = 1;          // the regression's p-value corrected within its family
  double alpha = 0;               // of the regression check
  double min_effect = 0;          // of the regression check (resolved when "auto")
  std::string correction;         // "Holm" or "Benjamini-Hochberg"
  bool regressed = false;         // the regression rule held
  bool bound_failed = false;      // an absolute bound (max_s, min, max, max_ratio) failed
  bool cleared = false;           // the regression check ruled out a regression as large as min_effect
  std::string measure;            // what was judged: "wall time", "CPU time", "instructions", ...
  std::size_t rounds_needed = 0;  // undecided: rough rounds a side that would decide it
  std::string slack_note;         // a task that grew: against its slack in the baseline's schedule
};

// What one look at the data may spend. A fixed design looks once and spends everything; a
// sequential one (ab --reps auto) looks after each block of rounds, each look spending a
// share of every family's alpha, so that the chance of any false alarm over all looks stays
// within alpha (Bonferroni over the looks: valid whatever the looks' correlation).
struct Look {
  double alpha_share = 1;   // of each family's alpha, spent at this look
  double tail = 0.025;      // one-sided error of the bound that clears a target (a 95% interval's end)
};

// Loads the baseline of every regression check (`override_path`, when given, replaces each
// target's own). A baseline that does not load is reported on `warnings`; its targets then
// come out "not measured". Baselines "history" are left to the caller (history/baseline.h),
// under the key kHistoryBaseline.
Baselines load_baselines(Budgets& budgets, const std::filesystem::path& override_path, std::ostream& warnings);

// True when any regression check asks for min_effect "auto".
bool needs_noise(const Budgets& budgets);

// Checks every target. Time metrics are shown and bounded in model seconds when the
// budgets set a time scale (measured seconds / time_scale). Errors (not verdicts) when the
// budgets' time scale differs from the data's. `noise` serves min_effect "auto" (a target
// asking for it without one is "not measured").
Expected<std::vector<Verdict>> evaluate_budgets(const Budgets& budgets, const Measurements& data,
                                                const Baselines& baselines, const NoiseFile* noise = nullptr,
                                                const Look& look = {});

// Judges again, on fresh samples, the regression verdicts that `first` flagged (state not
// met through the regression rule): the flagged ones form one family per budgets target,
// corrected again. A flagged verdict is cleared only when the fresh samples rule out a
// regression as large as its min effect; an absolute bound it failed still fails it. The
// other verdicts are kept as they were.
Expected<std::vector<Verdict>> confirm_regressions(const std::vector<Verdict>& first, const Budgets& budgets,
                                                   const Measurements& data, const Baselines& baselines,
                                                   const NoiseFile* noise = nullptr);

// True when every verdict is met.
bool all_met(const std::vector<Verdict>& verdicts);

// The exit status of a gate: 0 every target met, 1 a target failed (not met, not measured,
// not comparable), 3 nothing failed but a target is undecided.
int gate_exit_status(const std::vector<Verdict>& verdicts);
inline constexpr int kExitUndecided = 3;

}  // namespace flowbench
