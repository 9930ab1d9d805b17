// Statistics over samples: pure functions, no I/O.
#pragma once

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

}  // namespace flowbench
