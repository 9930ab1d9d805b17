// Paired statistics: samples taken in rounds, each round measuring both sides once (or at
// the same moment), compared round by round. Pure functions, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace flowbench {

// Student's t distribution with `df` degrees of freedom: P(T > t), and the x with P(T <= x) = q.
double student_t_sf(double t, double df);
double student_t_quantile(double q, double df);

// `now` against `base` pair by pair (pair i = base[i], now[i]) as a ratio now/base: a
// one-sample Student t-test on the per-pair log ratios (on the differences relative to the
// baseline's median when a value is <= 0). The mean log ratio estimates the change, and its
// t interval bounds it. Why a t-test on log ratios: it has no floor (a signed-rank or
// sign-flip test over n pairs cannot go below p = 2^-n, which a family of 22 at alpha 0.01
// cannot use below 12 pairs); when both arms are exchangeable (random order, swapped CPUs)
// the null distribution of a log ratio is symmetric about 0, where the t-test is
// conservative even with heavy tails (Efron 1969); a burst of noise that hits one arm widens
// the interval instead of faking an effect; and the test and its interval agree.
struct PairedRatio {
  std::size_t n = 0;
  double ratio = 1;           // now / base: exp(mean log ratio)
  double mean = 0, se = 0;    // of the log ratios (or relative differences)
  double df = 0;              // n - 1
  bool log_scale = true;      // false: relative differences (a value was <= 0)
  double p_greater = 1;       // one-sided p of "now tends to be larger than base"
  double p_less = 1;          // one-sided p of "now tends to be smaller"
  // The ratio's bounds at confidence 1 - tail each: below it at the low end, above at the high.
  double lower_bound(double tail) const;
  double upper_bound(double tail) const;
};

// nullopt when fewer than 2 pairs, the sides differ in length, or (relative differences)
// the baseline's median is 0.
std::optional<PairedRatio> paired_ratio(const std::vector<double>& base, const std::vector<double>& now);

// The pairs (base[i], now[i]) whose rounds match: `base_rounds[i]` names the round of
// base[i]. A round measured on one side only is left out and counted in `unpaired`.
struct Pairs {
  std::vector<double> base, now;
  std::vector<std::size_t> rounds;
  std::size_t unpaired = 0;
};
Pairs pair_by_round(const std::vector<double>& base, const std::vector<std::size_t>& base_rounds,
                    const std::vector<double>& now, const std::vector<std::size_t>& now_rounds);

}  // namespace flowbench
