// The regression rule, shared by the gate and the calibration's simulations. Each compared
// target ends in one of three decisions:
//   regressed  the one-sided p-value (candidate worse than baseline), corrected over the
//              target's family, is below alpha AND the change is worse than min_effect;
//   met        the change's upper confidence bound is below min_effect: no regression as
//              large as the min effect (the data earned the pass);
//   undecided  neither: measure more.
// The test follows the data: rounds that pair up (both sides measured in the same rounds)
// get a paired t-test on the per-round log ratios (analyze/paired.h); samples without rounds
// (a stored baseline, history) the Mann-Whitney U test with the Hodges-Lehmann change.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analyze/stats.h"
#include "gate/budgets.h"

namespace flowbench {

enum class TestKind { kMannWhitney, kPairedT, kCommitLevelT };
// "Mann-Whitney U", "paired t on log ratios", "commit-level t on trimmed log means"
const char* test_name(TestKind test);

// One candidate-against-baseline comparison, before the family's correction.
struct Comparison {
  TestKind test = TestKind::kMannWhitney;
  std::size_t n_base = 0, n_now = 0;  // samples compared (pairs: both the number of rounds)
  std::size_t left_out = 0;  // paired: rounds measured on one side only, not compared
  double p = 1;              // one-sided: the candidate is worse
  double p_floor = 0;        // the smallest p this test can give at these sizes
  RatioEstimate estimate{};  // candidate / baseline with its 95% interval
  double worse = 0;          // the change in the bad direction (+0.10: 10% slower, or a rate 10% lower)
  double worse_low = 0, worse_high = 0;  // its 95% interval
  double decision_tail = 0.025;  // the one-sided error of worse_bound
  double worse_bound = 0;    // the upper confidence bound of `worse` at 1 - decision_tail
  double worse_floor = 0;    // its lower confidence bound at 1 - decision_tail
  // Rough rounds (a side) at which worse_bound would fall below `min_effect` if the change
  // and the spread stayed as measured; 0 when the change itself is at or above it (or the
  // samples are too few for any bound).
  std::size_t rounds_for(double min_effect) const;
};

// Compares samples without pairing; `higher_is_better` for rates and counts (a drop is the
// regression). nullopt when either side is empty or the baseline's median is 0 with values <= 0.
std::optional<Comparison> compare_samples(const std::vector<double>& base, const std::vector<double>& now,
                                          bool higher_is_better, double decision_tail = 0.025);

// Compares pairs (base[i], now[i]) measured in the same round. nullopt below 2 pairs.
std::optional<Comparison> compare_pairs(const std::vector<double>& base, const std::vector<double>& now,
                                        bool higher_is_better, double decision_tail = 0.025);

// Samples of several commits on each side, each tagged with its commit (the gate's
// candidate is one commit; a change point has commits on both sides): a model with two
// levels, the commit and the run. A commit's mean log value varies by its runs' noise and by
// a drift from commit to commit; the two sides' means of commit means are compared, the
// variance counting both (a Welch-Satterthwaite t). No drift: as tight as pooling every run;
// drift: as wide as it is, never narrowed by counting runs of one commit as independent.
// nullopt with a single commit on each side or a value <= 0.
std::optional<Comparison> compare_commit_levels(const std::vector<double>& base, const std::vector<std::size_t>& base_commits,
                                                const std::vector<double>& now, const std::vector<std::size_t>& now_commits,
                                                bool higher_is_better, double decision_tail = 0.025);

// The family's p-values, corrected.
std::vector<double> adjust_p_values(const std::vector<double>& p, Correction correction);

// The rule itself, on a corrected p-value.
inline bool is_regression(double p_adjusted, double worse, double alpha, double min_effect) {
  return p_adjusted < alpha && worse > min_effect;
}

// The pass: no regression as large as the min effect.
inline bool is_clear(const Comparison& c, double min_effect) { return c.worse_bound < min_effect; }

// The fewest repetitions a side with which a family of `family_size` can reach
// significance at all with `test` (its smallest one-sided p below alpha / family_size).
std::size_t repetitions_needed(TestKind test, double alpha, std::size_t family_size);

// The rule in one line, as printed under the verdict table.
std::string regression_rule_text();

}  // namespace flowbench
