#include "gate/calibration.h"

#include <algorithm>

#include "gate/expand.h"
#include "gate/power.h"

namespace flowbench {

const char* comparing_name(Comparing how) {
  switch (how) {
    case Comparing::kPaired: return "paired";
    case Comparing::kDuet: return "duet";
    case Comparing::kUnpaired: break;
  }
  return "unpaired";
}

namespace {

Measurements pooled_measurements(const NoiseFile& noise) {
  Measurements m;
  m.source = noise.file.string();
  m.time_scale = noise.time_scale;
  m.time_scale_known = noise.time_scale_known;
  for (const auto& metric : noise.metrics) {
    if (metric.variant == "benchmark") m.benchmarks[metric.metric] = metric.pooled();
    else if (metric.variant == "benchmark cpu") m.benchmark_cpu[metric.metric] = metric.pooled();
    else if (metric.variant == "benchmark instructions") m.benchmark_instructions[metric.metric] = metric.pooled();
    else m.samples[{metric.variant, metric.metric}] = metric.pooled();
  }
  return m;
}

// A metric as the simulations judge it, compared `how`.
SimulatedMetric simulated(const std::string& name, const std::string& family, const NoiseMetric& m, Comparing how,
                          bool higher_is_better, double alpha, Correction correction, std::optional<double> effect) {
  SimulatedMetric s{name, family, m.a, m.b, how != Comparing::kUnpaired, higher_is_better, alpha, correction, effect};
  return s;
}

// Every way a noise metric can be compared.
std::vector<Comparing> ways(const NoiseMetric& m) {
  if (m.design == Design::kDuet) return {Comparing::kDuet};
  if (m.paired) return {Comparing::kUnpaired, Comparing::kPaired};
  return {Comparing::kUnpaired};
}

struct Entry {
  SimulatedMetric metric;
  const NoiseMetric* noise;
  Comparing how;
};

std::vector<Entry> simulated_metrics(const NoiseFile& noise, const Budgets* budgets) {
  std::vector<Entry> out;
  if (!budgets) {
    for (const auto& m : noise.metrics) {
      const bool rate = m.metric == "quality" || m.metric == "success" || m.metric == "instances_ok";
      const std::string name = m.variant + " " + m.metric;
      for (Comparing how : ways(m)) {
        out.push_back({simulated(name, name, m, how, rate, 0.05, Correction::kHolm, std::nullopt), &m, how});
      }
    }
    return out;
  }
  const Measurements pooled = pooled_measurements(noise);
  std::vector<Target> regression_targets;
  for (const auto& t : budgets->targets) {
    if (!t.regression) continue;
    regression_targets.push_back(t);
    regression_targets.back().regression->baseline = "noise";
  }
  const Baselines baselines = {{"noise", pooled}};
  for (const auto& expanded : expand_targets(regression_targets, pooled, baselines)) {
    if (expanded.unmatched) continue;
    const Target& t = expanded.target;
    const std::string variant = noise_variant(t.variant, t.benchmark, t.measure_text().c_str());
    const RegressionCheck& check = *t.regression;
    std::optional<double> effect;
    if (!check.min_effect_auto) effect = check.min_effect;
    // The seed of "auto" follows the name, as the gate uses it.
    const std::string name = t.variant + " " + t.metric;
    for (const auto& m : noise.metrics) {
      if (m.variant != variant || m.metric != t.metric) continue;
      for (Comparing how : ways(m)) {
        SimulatedMetric s = simulated(name, expanded.family, m, how, !lower_is_better(t.metric), check.alpha,
                                      check.correction, effect);
        // min_effect_s is in model seconds; the noise file's times are measured ones.
        const double model_median = m.median / (t.is_time() && t.benchmark.empty() ? noise.time_scale : 1.0);
        if (check.min_effect_s > 0 && model_median > 0) s.min_effect_floor = check.min_effect_s / model_median;
        out.push_back({s, &m, how});
      }
    }
  }
  return out;
}

CalibrationRow row_for(const Entry& entry, std::size_t family_size, const CalibrationOptions& options) {
  const SimulatedMetric& s = entry.metric;
  CalibrationRow row;
  row.name = s.name;
  row.variant = entry.noise->variant;
  row.metric = entry.noise->metric;
  row.how = entry.how;
  row.family = s.family;
  row.family_size = family_size;
  row.alpha = s.alpha;
  row.median = entry.noise->median;
  row.noise = entry.how == Comparing::kUnpaired ? entry.noise->mad_rel : entry.noise->ratio_sd;
  row.min_effect_auto = !s.min_effect;
  row.min_effect = effective_min_effect(s, options.repetitions);
  for (std::size_t n : options.detect_at) {
    row.min_detectable[n] = min_detectable_effect(s, family_size, n, options.power, options.power_trials, options.seed);
  }
  for (double effect : options.effects) {
    row.power[effect] = detection_rate(s, family_size, effect, options.repetitions, options.power_trials, options.seed);
  }
  if (options.min_effect) {
    // Judged with the noise floor as min effect: a slowdown of exactly the min effect
    // would otherwise be flagged about half the time, whatever the repetitions.
    SimulatedMetric floor_only = s;
    floor_only.min_effect.reset();
    row.repetitions_for_min_effect =
        repetitions_for(floor_only, family_size, *options.min_effect, options.power, 50, options.power_trials, options.seed);
  }
  return row;
}

}  // namespace

StoppingRule ab_stopping_rule(const Budgets& budgets, StoppingRule rule) {
  if (budgets.ab.max_reps > 0) rule.max_rounds = budgets.ab.max_reps;
  if (budgets.ab.look_every > 0) rule.look_every = budgets.ab.look_every;
  for (const auto& t : budgets.targets) {
    if (t.regression) rule.first_look = std::max(rule.first_look, t.regression->min_reps);
  }
  return rule;
}

Calibration calibrate(const NoiseFile& noise, const Budgets* budgets, const CalibrationOptions& options) {
  Calibration result;
  result.options = options;
  const auto entries = simulated_metrics(noise, budgets);
  std::map<std::pair<Comparing, std::string>, std::size_t> family_sizes;
  for (const auto& e : entries) ++family_sizes[{e.how, e.metric.family}];
  std::map<Comparing, std::vector<SimulatedMetric>> by_way;
  for (const auto& e : entries) {
    by_way[e.how].push_back(e.metric);
    result.rows.push_back(row_for(e, family_sizes[{e.how, e.metric.family}], options));
  }
  if (budgets) {
    for (const auto& [how, metrics] : by_way) {
      FalseAlarms alarms;
      alarms.fixed = false_alarm_rate(metrics, options.repetitions, options.trials, options.seed);
      alarms.sequential = sequential_false_alarm_rate(metrics, options.sequential, options.trials, options.seed);
      result.false_alarms[how] = alarms;
    }
  }
  return result;
}

}  // namespace flowbench
