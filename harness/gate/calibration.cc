#include "gate/calibration.h"

#include <algorithm>

#include "gate/expand.h"
#include "gate/power.h"

namespace flowbench {

namespace {

Measurements pooled_measurements(const NoiseFile& noise) {
  Measurements m;
  m.source = noise.file.string();
  m.time_scale = noise.time_scale;
  m.time_scale_known = noise.time_scale_known;
  for (const auto& metric : noise.metrics) {
    if (metric.variant == "benchmark") m.benchmarks[metric.metric] = metric.pooled();
    else m.samples[{metric.variant, metric.metric}] = metric.pooled();
  }
  return m;
}

std::vector<std::pair<SimulatedMetric, const NoiseMetric*>> simulated_metrics(const NoiseFile& noise,
                                                                                const Budgets* budgets) {
  std::vector<std::pair<SimulatedMetric, const NoiseMetric*>> out;
  if (!budgets) {
    for (const auto& m : noise.metrics) {
      const bool rate = m.metric == "quality" || m.metric == "success" || m.metric == "instances_ok";
      const std::string name = m.variant + " " + m.metric;
      out.push_back({{name, name, m.pooled(), rate, 0.05, Correction::kHolm, std::nullopt}, &m});
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
    const NoiseMetric* metric = noise.find(t.variant, t.metric);
    if (!metric) continue;
    const RegressionCheck& check = *t.regression;
    std::optional<double> effect;
    if (!check.min_effect_auto) effect = check.min_effect;
    SimulatedMetric simulated{t.variant + " " + t.metric, expanded.family, metric->pooled(), !lower_is_better(t.metric), check.alpha,
                              check.correction, effect};
    out.push_back({simulated, metric});
    out.back().first.name = t.variant + " " + t.metric;  // the seed of "auto", as the gate uses it
  }
  return out;
}

}  // namespace

Calibration calibrate(const NoiseFile& noise, const Budgets* budgets, const CalibrationOptions& options) {
  Calibration result;
  result.options = options;
  const auto metrics = simulated_metrics(noise, budgets);
  std::map<std::string, std::size_t> family_sizes;
  for (const auto& [simulated, metric] : metrics) ++family_sizes[simulated.family];
  std::vector<SimulatedMetric> all;
  for (const auto& [simulated, metric] : metrics) {
    all.push_back(simulated);
    CalibrationRow row;
    row.name = simulated.name;
    row.variant = metric->variant;
    row.metric = metric->metric;
    row.family = simulated.family;
    row.family_size = family_sizes[simulated.family];
    row.alpha = simulated.alpha;
    row.median = metric->median;
    row.mad_rel = metric->mad_rel;
    row.min_effect_auto = !simulated.min_effect;
    row.min_effect = effective_min_effect(simulated, options.repetitions);
    for (std::size_t n : options.detect_at) {
      row.min_detectable[n] =
          min_detectable_effect(simulated, row.family_size, n, options.power, options.power_trials, options.seed);
    }
    for (double effect : options.effects) {
      row.power[effect] =
          detection_rate(simulated, row.family_size, effect, options.repetitions, options.power_trials, options.seed);
    }
    if (options.min_effect) {
      // Judged with the noise floor as min effect: a slowdown of exactly the min effect
      // would otherwise be flagged about half the time, whatever the repetitions.
      SimulatedMetric floor_only = simulated;
      floor_only.min_effect.reset();
      row.repetitions_for_min_effect = repetitions_for(floor_only, row.family_size, *options.min_effect,
                                                       options.power, 50, options.power_trials, options.seed);
    }
    result.rows.push_back(std::move(row));
  }
  if (budgets) result.false_alarm_rate = false_alarm_rate(all, options.repetitions, options.trials, options.seed);
  return result;
}

}  // namespace flowbench
