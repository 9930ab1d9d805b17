// The regression rule, shared by the gate and the calibration's simulations:
//   regressed = the one-sided Mann-Whitney U p-value (candidate worse than baseline),
//               corrected over the target's family, is below alpha
//               AND the Hodges-Lehmann change is worse than min_effect.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analyze/stats.h"
#include "gate/budgets.h"

namespace flowbench {

// One candidate-against-baseline comparison, before the family's correction.
struct Comparison {
  std::size_t n_base = 0, n_now = 0;
  double p = 1;              // one-sided: the candidate is worse
  RatioEstimate estimate{};  // candidate / baseline with its 95% interval
  double worse = 0;          // the change in the bad direction (+0.10: 10% slower, or a rate 10% lower)
  double worse_low = 0, worse_high = 0;  // its 95% interval
};

// Compares samples; `higher_is_better` for rates and counts (a drop is the regression).
// nullopt when either side is empty or the baseline's median is 0 with values <= 0.
std::optional<Comparison> compare_samples(const std::vector<double>& base, const std::vector<double>& now,
                                          bool higher_is_better);

// The family's p-values, corrected.
std::vector<double> adjust_p_values(const std::vector<double>& p, Correction correction);

// The rule itself, on a corrected p-value.
inline bool is_regression(double p_adjusted, double worse, double alpha, double min_effect) {
  return p_adjusted < alpha && worse > min_effect;
}

// The fewest repetitions a side with which a family of `family_size` can reach
// significance at all (the smallest one-sided p below alpha / family_size).
std::size_t repetitions_needed(double alpha, std::size_t family_size);

// The rule in one line, as printed under the verdict table.
std::string regression_rule_text();

}  // namespace flowbench
