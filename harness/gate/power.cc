#include "gate/power.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>

#include "gate/regression.h"

namespace flowbench {

std::vector<double> SimulatedMetric::pool() const {
  std::vector<double> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

namespace {

// Indexes of k of `size` items: without replacement while there are enough, else with.
void draw_indexes(std::size_t size, std::size_t k, std::mt19937_64& rng, std::vector<std::size_t>& out) {
  out.clear();
  if (k <= size) {
    std::vector<std::size_t> order(size);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = 0; i < k; ++i) {
      std::uniform_int_distribution<std::size_t> pick(i, size - 1);
      std::swap(order[i], order[pick(rng)]);
      out.push_back(order[i]);
    }
    return;
  }
  std::uniform_int_distribution<std::size_t> pick(0, size - 1);
  for (std::size_t i = 0; i < k; ++i) out.push_back(pick(rng));
}

// Two sides of n as the design draws them: unpaired, a permutation split of the pool while
// it holds 2n samples (real A/A pairs, no artificial ties), else with replacement; paired, n
// rounds with each round's sides swapped at random.
void draw_sides(const SimulatedMetric& m, std::size_t n, std::mt19937_64& rng, std::vector<double>& a,
                std::vector<double>& b) {
  a.clear();
  b.clear();
  std::vector<std::size_t> picked;
  if (m.paired) {
    draw_indexes(m.a.size(), n, rng, picked);
    std::bernoulli_distribution flip(0.5);
    for (std::size_t i : picked) {
      const bool swap = flip(rng);
      a.push_back(swap ? m.b[i] : m.a[i]);
      b.push_back(swap ? m.a[i] : m.b[i]);
    }
    return;
  }
  const auto pool = m.pool();
  if (2 * n <= pool.size()) {
    draw_indexes(pool.size(), 2 * n, rng, picked);
    for (std::size_t i = 0; i < n; ++i) a.push_back(pool[picked[i]]);
    for (std::size_t i = n; i < 2 * n; ++i) b.push_back(pool[picked[i]]);
    return;
  }
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
  for (std::size_t i = 0; i < n; ++i) a.push_back(pool[pick(rng)]);
  for (std::size_t i = 0; i < n; ++i) b.push_back(pool[pick(rng)]);
}

std::optional<Comparison> compare(const SimulatedMetric& m, const std::vector<double>& a, const std::vector<double>& b,
                                  double tail = 0.025) {
  return m.paired ? compare_pairs(a, b, m.higher_is_better, tail) : compare_samples(a, b, m.higher_is_better, tail);
}

void make_worse(std::vector<double>& b, double effect, bool higher_is_better) {
  for (double& v : b) v = higher_is_better ? v / (1 + effect) : v * (1 + effect);
}

std::uint64_t mix(std::uint64_t seed, const std::string& text) {
  std::uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::map<std::string, std::vector<std::size_t>> families_of(const std::vector<SimulatedMetric>& metrics) {
  std::map<std::string, std::vector<std::size_t>> families;
  for (std::size_t i = 0; i < metrics.size(); ++i) families[metrics[i].family].push_back(i);
  return families;
}

}  // namespace

double noise_floor(const SimulatedMetric& metric, std::size_t n, std::uint64_t seed, int trials) {
  if (metric.pool().size() < 2 || n == 0 || trials <= 0) return 0;
  std::mt19937_64 rng(seed);
  std::vector<double> a, b, changes;
  changes.reserve(static_cast<std::size_t>(trials));
  for (int t = 0; t < trials; ++t) {
    draw_sides(metric, n, rng, a, b);
    if (auto c = compare(metric, a, b)) changes.push_back(std::fabs(c->estimate.ratio - 1));
  }
  if (changes.empty()) return 0;
  std::sort(changes.begin(), changes.end());
  return changes[static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(changes.size()))) - 1];
}

double effective_min_effect(const SimulatedMetric& metric, std::size_t n) {
  const double relative = metric.min_effect ? *metric.min_effect : noise_floor(metric, n, mix(1, metric.name));
  return std::max(relative, metric.min_effect_floor);
}

double false_alarm_rate(const std::vector<SimulatedMetric>& metrics, std::size_t n, int trials, std::uint64_t seed) {
  if (trials <= 0) return 0;
  const auto families = families_of(metrics);
  std::vector<double> floors;
  for (const auto& m : metrics) floors.push_back(effective_min_effect(m, n));
  std::mt19937_64 rng(seed);
  std::vector<double> a, b;
  int alarms = 0;
  for (int t = 0; t < trials; ++t) {
    bool any = false;
    for (const auto& [family, members] : families) {
      std::vector<double> p, worse;
      for (std::size_t i : members) {
        draw_sides(metrics[i], n, rng, a, b);
        auto c = compare(metrics[i], a, b);
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

double sequential_false_alarm_rate(const std::vector<SimulatedMetric>& metrics, const StoppingRule& rule, int trials,
                                   std::uint64_t seed) {
  if (trials <= 0 || metrics.empty()) return 0;
  const auto families = families_of(metrics);
  const auto looks = planned_looks(rule);
  std::vector<std::vector<double>> floors(metrics.size());
  for (std::size_t i = 0; i < metrics.size(); ++i) {
    for (std::size_t n : looks) floors[i].push_back(effective_min_effect(metrics[i], n));
  }
  std::mt19937_64 rng(seed);
  std::vector<std::vector<double>> all_a(metrics.size()), all_b(metrics.size());
  int alarms = 0;
  for (int t = 0; t < trials; ++t) {
    for (std::size_t i = 0; i < metrics.size(); ++i) draw_sides(metrics[i], rule.max_rounds, rng, all_a[i], all_b[i]);
    std::vector<bool> decided(metrics.size(), false);
    bool alarm = false;
    double spent = 0;
    for (std::size_t k = 0; k < looks.size() && !alarm; ++k) {
      const bool last = k + 1 == looks.size();
      const Look look = look_spending(k == 0 ? 0 : looks[k - 1], looks[k], rule.max_rounds, last, spent);
      spent += look.alpha_share;
      for (const auto& [family, members] : families) {
        std::vector<double> p;
        std::vector<std::optional<Comparison>> compared;
        for (std::size_t i : members) {
          const std::vector<double> a(all_a[i].begin(), all_a[i].begin() + static_cast<std::ptrdiff_t>(looks[k]));
          const std::vector<double> b(all_b[i].begin(), all_b[i].begin() + static_cast<std::ptrdiff_t>(looks[k]));
          compared.push_back(compare(metrics[i], a, b, look.tail));
          p.push_back(compared.back() ? compared.back()->p : 1);
        }
        const auto adjusted = adjust_p_values(p, metrics[members.front()].correction);
        for (std::size_t j = 0; j < members.size(); ++j) {
          const std::size_t i = members[j];
          if (decided[i] || !compared[j]) continue;
          const double alpha = metrics[i].alpha * look.alpha_share;
          if (is_regression(adjusted[j], compared[j]->worse, alpha, floors[i][k])) alarm = true;
          else if (is_clear(*compared[j], floors[i][k])) decided[i] = true;
        }
      }
      if (std::all_of(decided.begin(), decided.end(), [](bool d) { return d; })) break;
    }
    alarms += alarm;
  }
  return static_cast<double>(alarms) / trials;
}

namespace {

// detection_rate with the metric's min effect at n already known: a min-detectable-effect
// search asks at a dozen effects for one n, and the auto min effect (a 2,000-draw noise floor)
// costs five times the 400 draws of one rate. The callers check trials and the pool's size.
double detection_rate_at(const SimulatedMetric& metric, std::size_t family_size, double effect, std::size_t n,
                         int trials, std::uint64_t seed, double floor) {
  const double threshold = metric.alpha / static_cast<double>(std::max<std::size_t>(family_size, 1));
  std::mt19937_64 rng(seed);
  std::vector<double> a, b;
  int detected = 0;
  for (int t = 0; t < trials; ++t) {
    draw_sides(metric, n, rng, a, b);
    make_worse(b, effect, metric.higher_is_better);
    auto c = compare(metric, a, b);
    // p < alpha/m is the first Holm (and Benjamini-Hochberg) step: is_regression with the
    // p-value scaled by the family size.
    detected += c && is_regression(c->p / threshold * metric.alpha, c->worse, metric.alpha, floor);
  }
  return static_cast<double>(detected) / trials;
}

}  // namespace

double detection_rate(const SimulatedMetric& metric, std::size_t family_size, double effect, std::size_t n,
                      int trials, std::uint64_t seed) {
  if (trials <= 0 || metric.pool().size() < 2) return 0;
  return detection_rate_at(metric, family_size, effect, n, trials, seed, effective_min_effect(metric, n));
}

std::optional<double> min_detectable_effect(const SimulatedMetric& metric, std::size_t family_size, std::size_t n,
                                            double power, int trials, std::uint64_t seed) {
  const double top = 3.0;
  if (trials <= 0 || metric.pool().size() < 2) return std::nullopt;
  const double floor = effective_min_effect(metric, n);
  if (detection_rate_at(metric, family_size, top, n, trials, seed, floor) < power) return std::nullopt;
  double low = 0, high = top;
  while (high - low > 0.001) {
    const double mid = (low + high) / 2;
    if (detection_rate_at(metric, family_size, mid, n, trials, seed, floor) >= power) high = mid;
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
