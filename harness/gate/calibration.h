// What a noise file says about a gate: per metric and design (unpaired, paired rounds in
// turn, duet rounds), its noise, the min effect "auto" gives, the smallest slowdown
// detected with 95% power at 5, 10 and 20 repetitions, the power at chosen slowdowns, the
// repetitions a chosen min effect needs; and over a whole budgets file, the share of
// simulated A/A gates with any false alarm, for a fixed number of rounds and for the
// sequential design (every look included).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gate/budgets.h"
#include "gate/noise.h"
#include "gate/sequential.h"

namespace flowbench {

struct CalibrationOptions {
  std::size_t repetitions = 10;               // a side, for the false alarms, the powers and "auto"
  std::vector<std::size_t> detect_at = {5, 10, 20};
  std::vector<double> effects = {0.10};       // slowdowns whose power is reported
  std::optional<double> min_effect;           // report the repetitions that catch this slowdown (min effect "auto")
  double power = 0.95;
  int trials = 1000;                          // simulated A/A gates
  int power_trials = 400;                     // per point of a power curve
  std::uint64_t seed = 20261129;
  StoppingRule sequential;                    // the rule whose false alarms are simulated
};

// The three ways a gate can compare: unpaired samples, rounds in turn paired, duet rounds.
enum class Comparing { kUnpaired, kPaired, kDuet };
const char* comparing_name(Comparing how);  // "unpaired", "paired", "duet"

struct CalibrationRow {
  std::string name;               // the verdict's name (or "variant metric" without budgets)
  std::string variant, metric;
  Comparing how = Comparing::kUnpaired;
  std::string family;
  std::size_t family_size = 1;
  double alpha = 0.05;
  double median = 0;
  double noise = 0;               // unpaired: MAD/median; paired and duet: sd of the per-round log ratios
  double min_effect = 0;          // at options.repetitions (the noise floor when "auto")
  bool min_effect_auto = true;
  std::map<std::size_t, std::optional<double>> min_detectable;  // by repetitions a side
  std::map<double, double> power;                               // by slowdown
  std::optional<std::size_t> repetitions_for_min_effect;
};

struct FalseAlarms {
  double fixed = 0;       // at options.repetitions a side
  double sequential = 0;  // the sequential design, every look
};

struct Calibration {
  std::vector<CalibrationRow> rows;
  std::map<Comparing, FalseAlarms> false_alarms;  // with budgets: any false alarm in a simulated A/A gate
  CalibrationOptions options;
};

// Without budgets every metric of the noise file is a family of its own (alpha 0.05,
// min_effect "auto"); with budgets, their regression targets expanded over the noise
// file's metrics, each judged as the gate judges it. Each metric gets a row per way its
// samples can be compared (unpaired always; paired when its rounds pair up; duet for duet rounds).
Calibration calibrate(const NoiseFile& noise, const Budgets* budgets, const CalibrationOptions& options);

// The rounds until decided that `flowbench ab` runs these budgets with, for the simulation of
// its false alarms: their "ab" block's most rounds and rounds between looks (else `rule`'s), the
// first look after the largest min_reps of a regression target.
StoppingRule ab_stopping_rule(const Budgets& budgets, StoppingRule rule = {});

}  // namespace flowbench
