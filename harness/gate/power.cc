#include "gate/power.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "gate/regression.h"

namespace flowbench {

namespace {

// Two draws of n from the pool: a permutation split while the pool has 2n samples (real
// A/A pairs, no artificial ties), else with replacement.
void draw_pair(const std::vector<double>& pool, std::size_t n, std::mt19937_64& rng, std::vector<double>& a,
               std::vector<double>& b) {
  a.clear();
  b.clear();
  if (2 * n <= pool.size()) {
    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = 0; i < 2 * n; ++i) {
      std::uniform_int_distribution<std::size_t> pick(i, order.size() - 1);
      std::swap(order[i], order[pick(rng)]);
    }
    for (std::size_t i = 0; i < n; ++i) a.push_back(pool[order[i]]);
    for (std::size_t i = n; i < 2 * n; ++i) b.push_back(pool[order[i]]);
    return;
  }
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
  for (std::size_t i = 0; i < n; ++i) a.push_back(pool[pick(rng)]);
  for (std::size_t i = 0; i < n; ++i) b.push_back(pool[pick(rng)]);
}

void make_worse(std::vector<double>& b, double effect, bool higher_is_better) {
  for (double& v : b) v = higher_is_better ? v / (1 + effect) : v * (1 + effect);
}

std::uint64_t mix(std::uint64_t seed, const std::string& text) {
  std::uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

double noise_floor(const std::vector<double>& pool, std::size_t n, std::uint64_t seed, int trials) {
  if (pool.size() < 2 || n == 0 || trials <= 0) return 0;
  std::mt19937_64 rng(seed);
  std::vector<double> a, b, changes;
  changes.reserve(static_cast<std::size_t>(trials));
  for (int t = 0; t < trials; ++t) {
    draw_pair(pool, n, rng, a, b);
    auto estimate = hodges_lehmann_ratio(a, b);
    if (estimate) changes.push_back(std::fabs(estimate->ratio - 1));
  }
  if (changes.empty()) return 0;
  std::sort(changes.begin(), changes.end());
  return changes[static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(changes.size()))) - 1];
}

double effective_min_effect(const SimulatedMetric& metric, std::size_t n) {
  return metric.min_effect ? *metric.min_effect : noise_floor(metric.pool, n, mix(1, metric.name));
}

double false_alarm_rate(const std::vector<SimulatedMetric>& metrics, std::size_t n, int trials, std::uint64_t seed) {
  if (trials <= 0) return 0;
  std::map<std::string, std::vector<std::size_t>> families;
  std::vector<double> floors;
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    families[metrics[i].family].push_back(i);
    floors.push_back(effective_min_effect(metrics[i], n));
  }
  std::mt19937_64 rng(seed);
  std::vector<double> a, b;
  int alarms = 0;
  for (int t = 0; t < trials; ++t) {
    bool any = false;
    for (const auto& [family, members] : families) {
      std::vector<double> p, worse;
      for (std::size_t i : members) {
        draw_pair(metrics[i].pool, n, rng, a, b);
        auto c = compare_samples(a, b, metrics[i].higher_is_better);
        p.push_back(c ? c->p : 1);
        worse.push_back(c ? c->worse : 0);
      }
      const auto adjusted = adjust_p_values(p, metrics[members.front()].correction);
      for (std::size_t k = 0; k < members.size(); ++k) {
        const auto& m = metrics[members[k]];
        any = any || is_regression(adjusted[k], worse[k], m.alpha, floors[members[k]]);
      }
    }
    alarms += any;
  }
  return static_cast<double>(alarms) / trials;
}

double detection_rate(const SimulatedMetric& metric, std::size_t family_size, double effect, std::size_t n,
                      int trials, std::uint64_t seed) {
  if (trials <= 0 || metric.pool.size() < 2) return 0;
  const double floor = effective_min_effect(metric, n);
  const double threshold = metric.alpha / static_cast<double>(std::max<std::size_t>(family_size, 1));
  std::mt19937_64 rng(seed);
  std::vector<double> a, b;
  int detected = 0;
  for (int t = 0; t < trials; ++t) {
    draw_pair(metric.pool, n, rng, a, b);
    make_worse(b, effect, metric.higher_is_better);
    auto c = compare_samples(a, b, metric.higher_is_better);
    // p < alpha/m is the first Holm (and Benjamini-Hochberg) step: is_regression with the
    // p-value scaled by the family size.
    detected += c && is_regression(c->p / threshold * metric.alpha, c->worse, metric.alpha, floor);
  }
  return static_cast<double>(detected) / trials;
}

std::optional<double> min_detectable_effect(const SimulatedMetric& metric, std::size_t family_size, std::size_t n,
                                            double power, int trials, std::uint64_t seed) {
  const double top = 3.0;
  if (detection_rate(metric, family_size, top, n, trials, seed) < power) return std::nullopt;
  double low = 0, high = top;
  while (high - low > 0.001) {
    const double mid = (low + high) / 2;
    if (detection_rate(metric, family_size, mid, n, trials, seed) >= power) high = mid;
    else low = mid;
  }
  return high;
}

std::optional<std::size_t> repetitions_for(const SimulatedMetric& metric, std::size_t family_size, double effect,
                                           double power, std::size_t max_n, int trials, std::uint64_t seed) {
  for (std::size_t n = 3; n <= max_n; ++n) {
    if (detection_rate(metric, family_size, effect, n, trials, seed) >= power) return n;
  }
  return std::nullopt;
}

}  // namespace flowbench
