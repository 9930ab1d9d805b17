#include "analyze/stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace flowbench {

double median(std::vector<double> samples) {
  if (samples.empty()) return 0;
  const std::size_t mid = samples.size() / 2;
  std::nth_element(samples.begin(), samples.begin() + mid, samples.end());
  const double upper = samples[mid];
  if (samples.size() % 2 == 1) return upper;
  const double lower = *std::max_element(samples.begin(), samples.begin() + mid);
  return (lower + upper) / 2;
}

double mad(const std::vector<double>& samples) {
  const double center = median(samples);
  std::vector<double> deviations;
  deviations.reserve(samples.size());
  for (double x : samples) deviations.push_back(std::fabs(x - center));
  return median(deviations);
}

namespace {
// P(X <= k) for X ~ Binomial(n, 1/2).
double binomial_cdf_half(int n, int k) {
  double total = 0, term = std::pow(0.5, n);  // C(n,0) / 2^n
  for (int i = 0; i <= k; ++i) {
    total += term;
    term = term * (n - i) / (i + 1);
  }
  return total;
}
}  // namespace

std::optional<Interval> median_ci95(std::vector<double> samples) {
  const int n = static_cast<int>(samples.size());
  if (n < 6) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  // The largest k with P(X < k) <= 2.5%: [x_(k), x_(n-k+1)] (1-based) covers >= 95%.
  int k = 0;
  while (binomial_cdf_half(n, k) <= 0.025) ++k;
  if (k == 0) return std::nullopt;
  return Interval{samples[k - 1], samples[n - k]};
}

namespace {

// Number of ways to get U = u with sizes m, n (no ties), by the standard recurrence.
std::vector<double> u_distribution(int m, int n) {
  // counts[m][n][u] built up iteratively.
  const int max_u = m * n;
  std::vector<std::vector<std::vector<double>>> counts(
      m + 1, std::vector<std::vector<double>>(n + 1, std::vector<double>(max_u + 1, 0)));
  for (int i = 0; i <= m; ++i) {
    for (int j = 0; j <= n; ++j) {
      if (i == 0 || j == 0) {
        counts[i][j][0] = 1;
        continue;
      }
      for (int u = 0; u <= i * j; ++u) {
        double ways = counts[i][j - 1][u];                // largest value from the second sample
        if (u >= j) ways += counts[i - 1][j][u - j];      // largest value from the first sample
        counts[i][j][u] = ways;
      }
    }
  }
  return counts[m][n];
}

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

MannWhitney mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t m = a.size(), n = b.size();
  if (m == 0 || n == 0) return {0, 1, false};
  // Ranks of the pooled sample, ties averaged.
  std::vector<std::pair<double, int>> pooled;
  for (double x : a) pooled.push_back({x, 0});
  for (double x : b) pooled.push_back({x, 1});
  std::sort(pooled.begin(), pooled.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  double rank_sum_a = 0, tie_term = 0;
  bool ties = false;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double rank = (i + 1 + j) / 2.0;  // average of ranks i+1 .. j
    const double t = static_cast<double>(j - i);
    if (t > 1) {
      ties = true;
      tie_term += t * t * t - t;
    }
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second == 0) rank_sum_a += rank;
    }
    i = j;
  }
  const double u = rank_sum_a - m * (m + 1) / 2.0;
  const double mean = m * n / 2.0;
  if (!ties && m <= 20 && n <= 20) {
    const auto dist = u_distribution(static_cast<int>(m), static_cast<int>(n));
    const double total = std::accumulate(dist.begin(), dist.end(), 0.0);
    // Two-sided: twice the smaller tail, capped at 1.
    const int lower = static_cast<int>(std::min(u, m * n - u));
    double tail = 0;
    for (int k = 0; k <= lower; ++k) tail += dist[k];
    return {u, std::min(1.0, 2 * tail / total), true};
  }
  const double N = static_cast<double>(m + n);
  const double variance = m * n / 12.0 * ((N + 1) - tie_term / (N * (N - 1)));
  if (variance <= 0) return {u, 1, false};
  const double z = (std::fabs(u - mean) - 0.5) / std::sqrt(variance);
  return {u, std::min(1.0, 2 * normal_sf(std::max(z, 0.0))), false};
}

}  // namespace flowbench
