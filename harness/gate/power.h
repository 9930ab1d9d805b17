// What a gate can and cannot see, simulated from A/A samples of one build (a noise file):
// the noise floor behind min_effect "auto", the chance of a false alarm over a whole
// budgets file, and the smallest slowdown detected with a given power. Every simulation
// is seeded: the same samples give the same figures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate/budgets.h"

namespace flowbench {

// One verdict as the simulations see it: its A/A samples and the rule it is judged by.
struct SimulatedMetric {
  std::string name;          // the verdict's name
  std::string family;        // the budgets target it expanded from
  std::vector<double> pool;  // A/A samples of one build (both arms)
  bool higher_is_better = false;
  double alpha = 0.05;
  Correction correction = Correction::kHolm;
  std::optional<double> min_effect;  // nullopt: "auto", the noise floor at the simulated repetitions
};

// The noise floor at n repetitions a side: the 99th percentile of the absolute
// Hodges-Lehmann change between two draws of n from `pool` (A/A). Draws are without
// replacement while 2n samples exist, else with replacement.
double noise_floor(const std::vector<double>& pool, std::size_t n, std::uint64_t seed, int trials = 2000);

// The min effect a metric is judged with at n repetitions.
double effective_min_effect(const SimulatedMetric& metric, std::size_t n);

// The share of simulated A/A gates (every metric drawn twice from its own pool, n a side,
// each family corrected as the gate does) in which any verdict regressed.
double false_alarm_rate(const std::vector<SimulatedMetric>& metrics, std::size_t n, int trials, std::uint64_t seed);

// The share of simulated gates in which `metric`, its candidate made worse by `effect`
// (+0.10: 10% slower), is flagged. Judged at the first step of its family's correction
// (alpha / family size), where a lone change is judged: a lower bound of the power.
double detection_rate(const SimulatedMetric& metric, std::size_t family_size, double effect, std::size_t n,
                      int trials, std::uint64_t seed);

// The smallest effect (to 0.1%, up to +300%) detected at least `power` of the time; nullopt
// when even +300% is not.
std::optional<double> min_detectable_effect(const SimulatedMetric& metric, std::size_t family_size, std::size_t n,
                                            double power, int trials, std::uint64_t seed);

// The fewest repetitions a side (up to max_n) that detect `effect` at least `power` of
// the time; nullopt when max_n does not.
std::optional<std::size_t> repetitions_for(const SimulatedMetric& metric, std::size_t family_size, double effect,
                                           double power, std::size_t max_n, int trials, std::uint64_t seed);

}  // namespace flowbench
