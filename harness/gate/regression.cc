#include "gate/regression.h"

namespace flowbench {

std::optional<Comparison> compare_samples(const std::vector<double>& base, const std::vector<double>& now,
                                          bool higher_is_better) {
  auto estimate = hodges_lehmann_ratio(base, now);
  if (!estimate) return std::nullopt;
  Comparison c;
  c.n_base = base.size();
  c.n_now = now.size();
  c.estimate = *estimate;
  if (higher_is_better) {
    c.p = mann_whitney_greater(base, now);
    c.worse = 1 - estimate->ratio;
    c.worse_low = 1 - estimate->high;
    c.worse_high = 1 - estimate->low;
  } else {
    c.p = mann_whitney_greater(now, base);
    c.worse = estimate->ratio - 1;
    c.worse_low = estimate->low - 1;
    c.worse_high = estimate->high - 1;
  }
  return c;
}

std::vector<double> adjust_p_values(const std::vector<double>& p, Correction correction) {
  return correction == Correction::kHolm ? holm_adjust(p) : benjamini_hochberg_adjust(p);
}

std::size_t repetitions_needed(double alpha, std::size_t family_size) {
  const double threshold = alpha / static_cast<double>(family_size == 0 ? 1 : family_size);
  std::size_t k = 2;
  while (k < 200 && mann_whitney_min_p(k, k) >= threshold) ++k;
  return k;
}

std::string regression_rule_text() {
  return "regressed = one-sided Mann-Whitney U p, corrected within the target's family (Holm unless stated), "
         "< alpha, and the Hodges-Lehmann change worse than the min effect; change = candidate/baseline - 1 "
         "[distribution-free 95% interval]";
}

}  // namespace flowbench
