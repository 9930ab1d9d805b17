// Statistics over samples: pure functions, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace flowbench {

// Precondition for all: non-empty samples (empty input returns 0).
double median(std::vector<double> samples);
// Median absolute deviation from the median (unscaled).
double mad(const std::vector<double>& samples);

// A distribution-free 95% confidence interval of the median from order statistics
// (the binomial(n, 1/2) interval); nullopt below 6 samples, where no such interval
// reaches 95%.
struct Interval {
  double low, high;
};
std::optional<Interval> median_ci95(std::vector<double> samples);

// Two-sided Mann-Whitney U test. Exact distribution when both samples have at most 20
// values and there are no ties; otherwise the normal approximation with tie correction
// and continuity correction.
struct MannWhitney {
  double u;        // U of the first sample
  double p_value;  // two-sided
  bool exact;
};
MannWhitney mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);

// One-sided Mann-Whitney U test: the p-value of "values of `a` tend to be larger than those
// of `b`" (exact without ties up to 20 a side, else normal with tie and continuity
// correction). 1 when either sample is empty.
double mann_whitney_greater(const std::vector<double>& a, const std::vector<double>& b);

// The smallest one-sided p-value mann_whitney_greater can give for m against n samples
// (complete separation, no ties): 1 / C(m+n, m) where the test is exact (both sides at most
// 20), else what the normal approximation gives at complete separation.
double mann_whitney_min_p(std::size_t m, std::size_t n);

// The Hodges-Lehmann estimate of how `now` relates to `base` as a ratio (the median of the
// m*n pairwise log-ratios, exponentiated) with its distribution-free interval: the order
// statistics of those pairwise ratios that the Mann-Whitney null distribution puts at
// 2.5% and 97.5% (Bauer 1972). When a sample holds a value <= 0 the shift is taken on the
// values themselves and divided by the baseline's median. nullopt when a side is empty or
// the baseline's median is 0.
struct RatioEstimate {
  double ratio;      // now / base
  double low, high;  // the interval of the ratio
  double coverage;   // what the interval reaches (>= 1 - 2 tail when attainable; less with tiny samples)
};
std::optional<RatioEstimate> hodges_lehmann_ratio(const std::vector<double>& base, const std::vector<double>& now,
                                                 double tail = 0.025);

// Multiple-comparison adjustments of a family of p-values, returned in input order.
// Holm (1979) step-down: controls the family-wise error rate (any false alarm).
std::vector<double> holm_adjust(const std::vector<double>& p);
// Benjamini-Hochberg (1995) step-up: controls the false discovery rate.
std::vector<double> benjamini_hochberg_adjust(const std::vector<double>& p);

}  // namespace flowbench
