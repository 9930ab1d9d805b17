#include "analyze/stats.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numeric>
#include <utility>

#include <boost/math/distributions/normal.hpp>

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
// P(X <= k) for X ~ Binomial(n, 1/2), summed in log space: 2^-n underflows to 0 from n = 1075,
// and a sum of zeros never passes 2.5%.
double binomial_cdf_half(int n, int k) {
  const double log_half_n = n * std::log(0.5);
  double total = 0;
  for (int i = 0; i <= k; ++i) {
    total += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) + log_half_n);
  }
  return total;
}
}  // namespace

std::optional<Interval> median_ci95(std::vector<double> samples) {
  const int n = static_cast<int>(samples.size());
  if (n < 6) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  // The largest k with P(X < k) <= 2.5%: [x_(k), x_(n-k+1)] (1-based) covers >= 95%. Above
  // a few thousand samples the normal approximation gives k to within one order statistic.
  int k = 0;
  if (n > 2000) {
    k = static_cast<int>(std::floor(n / 2.0 - 1.959963984540054 * std::sqrt(n) / 2.0));
  } else {
    while (k <= n / 2 && binomial_cdf_half(n, k) <= 0.025) ++k;
  }
  if (k == 0) return std::nullopt;
  return Interval{samples[k - 1], samples[n - k]};
}

namespace {

// Number of ways to get U = u with sizes m, n (no ties), by the standard recurrence.
std::vector<double> u_distribution(int m, int n) {
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

constexpr std::size_t kExactLimit = 20;

// The null distribution of U as cumulative probabilities P(U <= u), computed once per
// (m, n): the gate's simulations ask for the same sizes thousands of times.
const std::vector<double>& u_cdf(int m, int n) {
  static std::mutex mutex;
  static std::map<std::pair<int, int>, std::vector<double>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = cache.try_emplace({m, n});
  if (inserted) {
    const auto counts = u_distribution(m, n);
    const double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    double running = 0;
    for (double c : counts) {
      running += c;
      it->second.push_back(running / total);
    }
  }
  return it->second;
}

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double normal_quantile(double q) { return boost::math::quantile(boost::math::normal(), q); }

struct RankSum {
  double u = 0;         // U of the first sample: pairs (x in a, y in b) with x > y, ties half
  double tie_term = 0;  // sum of t^3 - t over tied groups
  bool ties = false;
};

RankSum rank_sum(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<std::pair<double, int>> pooled;
  pooled.reserve(a.size() + b.size());
  for (double x : a) pooled.push_back({x, 0});
  for (double x : b) pooled.push_back({x, 1});
  std::sort(pooled.begin(), pooled.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
  RankSum out;
  double rank_sum_a = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double rank = (i + 1 + j) / 2.0;  // average of ranks i+1 .. j
    const double t = static_cast<double>(j - i);
    if (t > 1) {
      out.ties = true;
      out.tie_term += t * t * t - t;
    }
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second == 0) rank_sum_a += rank;
    }
    i = j;
  }
  const double m = static_cast<double>(a.size());
  out.u = rank_sum_a - m * (m + 1) / 2.0;
  return out;
}

double u_sd(double m, double n, double tie_term) {
  const double N = m + n;
  const double variance = m * n / 12.0 * ((N + 1) - tie_term / (N * (N - 1)));
  return variance > 0 ? std::sqrt(variance) : 0;
}

bool exact_sizes(std::size_t m, std::size_t n) { return m <= kExactLimit && n <= kExactLimit; }

}  // namespace

MannWhitney mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t m = a.size(), n = b.size();
  if (m == 0 || n == 0) return {0, 1, false};
  const RankSum r = rank_sum(a, b);
  const double mean = m * n / 2.0;
  if (!r.ties && exact_sizes(m, n)) {
    const auto& cdf = u_cdf(static_cast<int>(m), static_cast<int>(n));
    // Two-sided: twice the smaller tail, capped at 1.
    const int lower = static_cast<int>(std::min(r.u, m * n - r.u));
    return {r.u, std::min(1.0, 2 * cdf[lower]), true};
  }
  const double sd = u_sd(m, n, r.tie_term);
  if (sd <= 0) return {r.u, 1, false};
  const double z = (std::fabs(r.u - mean) - 0.5) / sd;
  return {r.u, std::min(1.0, 2 * normal_sf(std::max(z, 0.0))), false};
}

double mann_whitney_greater(const std::vector<double>& a, const std::vector<double>& b) {
  const std::size_t m = a.size(), n = b.size();
  if (m == 0 || n == 0) return 1;
  const RankSum r = rank_sum(a, b);
  if (!r.ties && exact_sizes(m, n)) {
    // P(U >= u) = P(U <= mn - u) by symmetry of the null distribution.
    const auto& cdf = u_cdf(static_cast<int>(m), static_cast<int>(n));
    return cdf[static_cast<int>(m * n - r.u)];
  }
  const double sd = u_sd(m, n, r.tie_term);
  if (sd <= 0) return 1;
  return std::min(1.0, normal_sf((r.u - m * n / 2.0 - 0.5) / sd));
}

double mann_whitney_min_p(std::size_t m, std::size_t n) {
  if (m == 0 || n == 0) return 1;
  if (exact_sizes(m, n)) {
    double ways = 1;  // C(m+n, m), built as a product to stay exact for small sizes
    for (std::size_t i = 1; i <= m; ++i) ways = ways * static_cast<double>(n + i) / static_cast<double>(i);
    return 1 / ways;
  }
  // The normal approximation at complete separation (U = m n, no ties), continuity corrected:
  // what mann_whitney_greater returns for the most extreme samples of these sizes.
  const double sd = u_sd(static_cast<double>(m), static_cast<double>(n), 0);
  return std::min(1.0, normal_sf((m * n / 2.0 - 0.5) / sd));
}

std::optional<RatioEstimate> hodges_lehmann_ratio(const std::vector<double>& base, const std::vector<double>& now,
                                                 double tail) {
  const std::size_t m = base.size(), n = now.size();
  if (m == 0 || n == 0) return std::nullopt;
  const bool positive = std::all_of(base.begin(), base.end(), [](double x) { return x > 0; }) &&
                        std::all_of(now.begin(), now.end(), [](double x) { return x > 0; });
  const double base_median = median(base);
  if (!positive && base_median == 0) return std::nullopt;
  std::vector<double> differences;
  differences.reserve(m * n);
  for (double y : now) {
    for (double x : base) differences.push_back(positive ? std::log(y) - std::log(x) : y - x);
  }
  std::sort(differences.begin(), differences.end());
  // Bauer (1972): with C the largest count such that P(U < C) <= tail under the null, the
  // interval is [d_(C), d_(N+1-C)] (1-based order statistics of the N = m*n differences)
  // and covers 1 - 2 P(U < C) >= 1 - 2 tail. With tiny samples no C reaches it: the whole
  // range of differences is the interval and its coverage is what it is (1 - 2 P(U = 0)).
  std::size_t c = 0;
  double coverage = 1 - 2 * tail;
  if (exact_sizes(m, n)) {
    const auto& cdf = u_cdf(static_cast<int>(m), static_cast<int>(n));
    while (c < cdf.size() && cdf[c] <= tail) ++c;  // now P(U <= c-1) <= tail < P(U <= c)
    coverage = 1 - 2 * cdf[c == 0 ? 0 : c - 1];
  } else {
    const double raw = m * n / 2.0 - normal_quantile(1 - tail) * std::sqrt(m * n * (m + n + 1) / 12.0);
    c = raw < 1 ? 0 : static_cast<std::size_t>(std::floor(raw));
  }
  const std::size_t lower = c == 0 ? 0 : c - 1, upper = differences.size() - 1 - lower;
  auto to_ratio = [&](double d) { return positive ? std::exp(d) : 1 + d / base_median; };
  return RatioEstimate{to_ratio(median(differences)), to_ratio(differences[lower]), to_ratio(differences[upper]),
                       coverage};
}

namespace {

// Indexes of `p` from the smallest value up (ties keep their order).
std::vector<std::size_t> ascending_order(const std::vector<double>& p) {
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t l, std::size_t r) { return p[l] < p[r]; });
  return order;
}

}  // namespace

std::vector<double> holm_adjust(const std::vector<double>& p) {
  const std::size_t m = p.size();
  const auto order = ascending_order(p);
  std::vector<double> adjusted(m);
  double running = 0;
  for (std::size_t rank = 0; rank < m; ++rank) {
    running = std::max(running, std::min(1.0, static_cast<double>(m - rank) * p[order[rank]]));
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

std::vector<double> benjamini_hochberg_adjust(const std::vector<double>& p) {
  const std::size_t m = p.size();
  const auto order = ascending_order(p);
  std::vector<double> adjusted(m);
  double running = 1;
  for (std::size_t rank = m; rank-- > 0;) {
    running = std::min(running, std::min(1.0, p[order[rank]] * static_cast<double>(m) / (rank + 1)));
    adjusted[order[rank]] = running;
  }
  return adjusted;
}

}  // namespace flowbench
