// What a gate can and cannot see, simulated from A/A samples of one build (a noise file):
// the noise floor behind min_effect "auto", the chance of a false alarm over a whole
// budgets file (over every look of the sequential design too), and the smallest slowdown
// detected with a given power. Every simulation is seeded: the same samples give the same
// figures.
//
// Unpaired, a simulated gate draws two samples of n from the metric's pool and compares
// them with the Mann-Whitney test. Paired, it draws n of the measured rounds (each round a
// pair a_i, b_i of one build measured twice in that round, in turn or as a duet) and swaps
// each pair's sides at random (under the null the two sides of a round are exchangeable), and
// compares them with the paired t-test: the round-to-round drift that pairing cancels stays
// cancelled, and the noise within a round stays in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gate/budgets.h"
#include "gate/sequential.h"

namespace flowbench {

// One verdict as the simulations see it: its A/A samples and the rule it is judged by.
struct SimulatedMetric {
  std::string name;          // the verdict's name
  std::string family;        // the budgets target it expanded from
  std::vector<double> a, b;  // A/A samples of one build: the two sides (round by round when paired)
  bool paired = false;       // judged round by round (a[i] and b[i] share a round)
  bool higher_is_better = false;
  double alpha = 0.05;
  Correction correction = Correction::kHolm;
  std::optional<double> min_effect;  // nullopt: "auto", the noise floor at the simulated repetitions
  double min_effect_floor = 0;  // the absolute min effect (min_effect_s) as a share of the median

  std::vector<double> pool() const;  // both sides together
};

// The noise floor at n repetitions a side: the 99th percentile of the absolute change
// between two sides of n drawn as the design draws them (A/A).
double noise_floor(const SimulatedMetric& metric, std::size_t n, std::uint64_t seed, int trials = 2000);

// The min effect a metric is judged with at n repetitions.
double effective_min_effect(const SimulatedMetric& metric, std::size_t n);

// The share of simulated A/A gates (every metric drawn twice from its own samples, n a
// side, each family corrected as the gate does) in which any verdict regressed.
double false_alarm_rate(const std::vector<SimulatedMetric>& metrics, std::size_t n, int trials, std::uint64_t seed);

// The same for the sequential design (ab --reps auto): every trial looks as the rule does,
// each look spending its share, until every verdict is decided or the rounds run out; a
// trial counts when any verdict is flagged at any look.
double sequential_false_alarm_rate(const std::vector<SimulatedMetric>& metrics, const StoppingRule& rule, int trials,
                                   std::uint64_t seed);

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
