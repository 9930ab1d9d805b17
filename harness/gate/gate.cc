#include "gate/gate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "analyze/paired.h"
#include "analyze/stats.h"
#include "gate/power.h"
#include "gate/verdict_text.h"

namespace flowbench {

const char* verdict_name(VerdictState state) {
  switch (state) {
    case VerdictState::kMet: return "met";
    case VerdictState::kNotMet: return "not met";
    case VerdictState::kNotMeasured: return "not measured";
    case VerdictState::kNotComparable: return "not comparable";
    case VerdictState::kUndecided: return "undecided";
  }
  return "?";
}

namespace {

double statistic(const std::vector<double>& samples, const std::string& stat) {
  if (stat == "min") return *std::min_element(samples.begin(), samples.end());
  if (stat == "max") return *std::max_element(samples.begin(), samples.end());
  return median(samples);
}

void fail(Verdict& v, const std::string& why) {
  v.state = VerdictState::kNotMet;
  add_part(v.detail, why);
}

// An absolute bound failed: it stays failed whatever a regression check decides.
void fail_bound(Verdict& v, const std::string& why) {
  v.bound_failed = true;
  fail(v, why);
}

void missing(Verdict& v, const std::string& why) {
  if (v.state == VerdictState::kMet) v.state = VerdictState::kNotMeasured;
  add_part(v.detail, why);
}

struct Checker {
  const Budgets& budgets;
  const Measurements& data;
  const Baselines& baselines;
  const NoiseFile* noise = nullptr;
  Look look{};
  double scale = 1.0;  // display value = measured value / scale, for times

  // A target's samples in display units (model seconds for scaled times).
  std::vector<double> samples(const Measurements& from, const Target& t) const {
    const auto* found = find_samples(from, t);
    if (!found) return {};
    std::vector<double> out = *found;
    if (t.is_time() && t.benchmark.empty()) {
      for (double& v : out) v = v / from.time_scale * data.time_scale / scale;
    }
    return out;
  }

  void bound_max(Verdict& v, double bound, bool time) const {
    add_part(v.bound, "<= " + shown(bound, time));
    if (v.value > bound) fail_bound(v, shown(v.value, time) + " > " + shown(bound, time));
  }

  void ratio(Verdict& v, const Target& t, const std::vector<double>& own) const {
    add_part(v.bound, format_number("ratio <= %.3g", *t.max_ratio) + " of " + t.ratio_to);
    Target other = t;
    other.variant = t.ratio_to;
    const auto base = samples(data, other);
    if (base.empty()) return missing(v, "no samples of " + t.metric + " for variant " + t.ratio_to);
    const double base_median = median(base);
    if (base_median <= 0) return missing(v, "the " + t.ratio_to + " median is 0");
    const double r = median(own) / base_median;
    add_part(v.detail, format_number("ratio %.3f", r) + " (" + t.ratio_to + " " + shown(base_median, t.is_time()) + ")");
    if (r > *t.max_ratio) fail_bound(v, format_number("ratio %.3f", r) + format_number(" > %.3g", *t.max_ratio));
  }

  // The min effect a regression check uses: its own, or the noise floor for "auto".
  std::optional<double> min_effect(Verdict& v, const Target& t, std::size_t n, bool paired) const {
    const RegressionCheck& check = *t.regression;
    if (!check.min_effect_auto) return check.min_effect;
    if (!noise) {
      missing(v, "min_effect \"auto\" needs a noise file (budgets \"noise\" or --noise), written by flowbench calibrate");
      return std::nullopt;
    }
    const NoiseMetric* calibrated = noise->find(noise_variant(t.variant, t.benchmark, t.measure_text().c_str()), t.metric,
                                                paired ? std::optional<Design>(data.duet ? Design::kDuet : Design::kTurn)
                                                       : std::optional<Design>(Design::kTurn));
    if (!calibrated) {
      missing(v, "min_effect \"auto\": " + noise->file.string() + " has no samples of " + t.variant + " " + t.metric +
                     "; fix: run flowbench calibrate with this metric measured");
      return std::nullopt;
    }
    // Named as the calibration names it: the noise floor's seed follows the name. Judged as
    // the data will be: round by round where the calibration's rounds pair up too.
    SimulatedMetric simulated{t.variant + " " + t.metric, v.family,   calibrated->a,    calibrated->b,
                              paired && calibrated->paired,          !lower_is_better(t.metric), check.alpha,
                              check.correction,                      std::nullopt};
    return effective_min_effect(simulated, n);
  }

  void regression(Verdict& v, const Target& t, const std::vector<double>& own) const {
    const RegressionCheck& check = *t.regression;
    v.alpha = check.alpha;
    v.correction = correction_name(check.correction);
    add_part(v.bound, "no regression");
    auto found = baselines.find(check.baseline.string());
    if (check.baseline.empty() || found == baselines.end()) {
      return missing(v, "no baseline to check regressions against (give --baseline or regression.baseline)");
    }
    if (!found->second.not_comparable.empty()) {
      v.state = VerdictState::kNotComparable;
      return add_part(v.detail, found->second.not_comparable);
    }
    const auto base = samples(found->second, t);
    if (base.empty()) return missing(v, "the baseline has no " + t.metric + " for " + t.variant);
    if (own.size() < check.min_reps || base.size() < check.min_reps) {
      return missing(v, std::to_string(own.size()) + " samples against " + std::to_string(base.size()) +
                            " in the baseline; the check needs " + std::to_string(check.min_reps) + " a side");
    }
    // Paired by round when both sides were measured in the same rounds, else unpaired.
    const auto* own_rounds = find_rounds(data, t);
    const auto* base_rounds = find_rounds(found->second, t);
    std::optional<Pairs> pairs;
    if (own_rounds && base_rounds) {
      pairs = pair_by_round(base, *base_rounds, own, *own_rounds);
      if (pairs->base.size() < 2) pairs.reset();
    }
    auto effect = min_effect(v, t, pairs ? pairs->base.size() : std::min(own.size(), base.size()), pairs.has_value());
    if (!effect) return;
    v.min_effect = *effect;
    const bool higher_is_better = !lower_is_better(t.metric);
    if (pairs) {
      v.regression = compare_pairs(pairs->base, pairs->now, higher_is_better, look.tail);
      if (v.regression) v.regression->left_out = pairs->unpaired;
      if (pairs->unpaired > 0) {
        add_part(v.detail, std::to_string(pairs->unpaired) + (pairs->unpaired == 1 ? " round" : " rounds") +
                               " measured on one side only left out of the pairs");
      }
    } else if (const auto* commits = find_commits(found->second, t)) {
      // A history baseline: commits, not runs, are its unit.
      v.regression = compare_commit_levels(base, *commits, own, std::vector<std::size_t>(own.size(), 0),
                                           higher_is_better, look.tail);
      if (!v.regression) v.regression = compare_samples(base, own, higher_is_better, look.tail);
    } else {
      v.regression = compare_samples(base, own, higher_is_better, look.tail);
    }
    if (!v.regression) return missing(v, "the baseline's median is 0: no relative change");
    // An absolute floor: a change must also be this many (model) seconds to matter.
    const double base_median = median(base);
    if (check.min_effect_s > 0 && base_median > 0) v.min_effect = std::max(v.min_effect, check.min_effect_s / base_median);
    add_part(v.detail, change_text(*v.regression) + " vs baseline " + shown(base_median, t.is_time()));
    slack_note(v, t, found->second, base_median);
  }

  // A task that grew: did it lengthen the makespan, or fit its slack (in the baseline's
  // schedule, replayed at its workers)? Said with a regressed verdict (judge_families).
  void slack_note(Verdict& v, const Target& t, const Measurements& baseline, double base_median) const {
    if (v.regression->worse <= 0) return;
    if (t.metric.rfind("task:", 0) != 0 || !t.benchmark.empty()) return;
    auto found = baseline.slack.find({t.variant, t.metric});
    if (found == baseline.slack.end() || found->second.empty()) return;
    double slack = median(found->second);
    if (t.is_time()) slack = slack / baseline.time_scale * data.time_scale / scale;
    const double grew = v.regression->worse * base_median;
    // Under a thousandth of the task's own time is no slack: a sequential run's tasks show
    // microseconds of it, which "beyond its slack of 0.00 ms" only obscured.
    if (slack <= 1e-3 * base_median) {
      v.slack_note = "no slack (on the critical path, or a run one task at a time): the makespan grew with it";
    } else if (grew <= slack) {
      v.slack_note = "within its slack of " + shown(slack, true) + ": the +" + shown(grew, true) +
                     " did not lengthen the makespan";
    } else {
      v.slack_note = "beyond its slack of " + shown(slack, true) + ": the makespan grew by about " +
                     shown(grew - slack, true);
    }
  }

  Verdict check(const ExpandedTarget& expanded) const {
    const Target& t = expanded.target;
    Verdict v;
    v.target = t.name;
    v.variant = t.variant;
    v.metric = t.metric;
    v.family = expanded.family;
    v.state = VerdictState::kMet;
    v.unit = t.is_time() ? "s" : "";
    v.measure = t.measure_text();
    if (expanded.unmatched) {
      v.state = VerdictState::kNotMeasured;
      v.measured = "-";
      v.detail = "the pattern " + t.metric + (t.benchmark.empty() ? " for variant " + t.variant : "") +
                 " matches nothing measured in " + data.source;
      return v;
    }
    const auto own = samples(data, t);
    v.n = own.size();
    if (own.empty()) {
      v.state = VerdictState::kNotMeasured;
      v.detail = "no samples of " + t.metric + (t.benchmark.empty() ? " for variant " + t.variant : "") + " in " +
                 data.source;
      v.measured = "-";
      if (t.max_s) v.bound = "<= " + shown(*t.max_s, true);
      if (t.min) v.bound = ">= " + shown(*t.min, false);
      return v;
    }
    v.value = statistic(own, t.stat);
    const auto ci = t.stat == "median" ? median_ci95(own) : std::nullopt;
    v.low = ci ? ci->low : *std::min_element(own.begin(), own.end());
    v.high = ci ? ci->high : *std::max_element(own.begin(), own.end());
    const bool time = t.is_time();
    v.measured = t.stat == "median" ? std::string() : t.stat + " ";
    v.measured += shown(v.value, time);
    v.measured += ci ? " [95% CI " : " [range ";
    v.measured += shown(v.low, time) + ", " + shown(v.high, time) + "] n=" + std::to_string(v.n);
    if (t.max_s) bound_max(v, *t.max_s, true);
    if (t.max) bound_max(v, *t.max, time);
    if (t.min) {
      add_part(v.bound, ">= " + shown(*t.min, time));
      if (v.value < *t.min) fail_bound(v, shown(v.value, time) + " < " + shown(*t.min, time));
    }
    if (t.max_ratio) ratio(v, t, own);
    if (t.regression) regression(v, t, own);
    return v;
  }
};

// Corrects the p-values of each family (the verdicts of one budgets target that compared
// samples) and decides each: regressed, clear of a regression as large as its min effect, or
// undecided. A verdict that is neither clear nor able to reach significance with its test at
// these sizes is "not measured", with the repetitions that would do.
void judge_families(std::vector<Verdict>& verdicts, const Look& look) {
  std::map<std::string, std::vector<std::size_t>> families;
  for (std::size_t i = 0; i < verdicts.size(); ++i) {
    if (verdicts[i].regression) families[verdicts[i].family].push_back(i);
  }
  for (const auto& [family, members] : families) {
    std::vector<double> p;
    for (std::size_t i : members) p.push_back(verdicts[i].regression->p);
    const Correction correction =
        verdicts[members.front()].correction == "Holm" ? Correction::kHolm : Correction::kBenjaminiHochberg;
    const auto adjusted = adjust_p_values(p, correction);
    for (std::size_t k = 0; k < members.size(); ++k) {
      Verdict& v = verdicts[members[k]];
      v.family_size = members.size();
      v.p_adjusted = adjusted[k];
      const Comparison& c = *v.regression;
      const double alpha = v.alpha * look.alpha_share;
      add_part(v.detail, std::string(test_name(c.test)) + format_number(", p = %.2g", c.p) + ", " + v.correction +
                             format_number("-adjusted %.2g", v.p_adjusted) + " in a family of " +
                             std::to_string(members.size()) +
                             (look.alpha_share < 1 ? format_number(" (alpha %.2g at this look)", alpha) : ""));
      if (is_regression(v.p_adjusted, c.worse, alpha, v.min_effect)) {
        v.regressed = true;
        fail(v, "regressed: worse than " + format_number("%.3g%%", v.min_effect * 100) + " and significant at alpha " +
                    format_number("%.3g", v.alpha));
        if (!v.slack_note.empty()) add_part(v.detail, v.slack_note);
        continue;
      }
      if (is_clear(c, v.min_effect)) {
        v.cleared = true;
        add_part(v.detail, format_number("no regression of %.3g%% or more", v.min_effect * 100) +
                               format_number(" (upper bound %+.1f%%)", c.worse_bound * 100));
        continue;
      }
      // What the samples at hand can reach, with their real sizes (a baseline drawn from
      // history may hold more than the candidate).
      if (c.p_floor >= alpha / static_cast<double>(members.size())) {
        const std::size_t needed = repetitions_needed(c.test, alpha, members.size());
        missing(v, std::to_string(std::min(c.n_base, c.n_now)) + " a side cannot reach p < " +
                       format_number("%.3g", alpha) + " in a family of " + std::to_string(members.size()) +
                       " with " + test_name(c.test) + " (the smallest p is " + format_number("%.2g", c.p_floor) +
                       "); fix: at least " + std::to_string(needed) + " repetitions a side");
        continue;
      }
      if (v.state == VerdictState::kMet) v.state = VerdictState::kUndecided;
      v.rounds_needed = c.rounds_for(v.min_effect);
      const std::size_t had = std::min(c.n_base, c.n_now);
      std::string more = "; about " + std::to_string(v.rounds_needed) + " rounds a side would decide it";
      if (v.rounds_needed == 0 || v.rounds_needed > 10 * std::max<std::size_t>(had, 10)) {
        more = format_number("; the change measured, %+.1f%%,", c.worse * 100) +
               " is about as large as the min effect: more rounds would flag it or narrow it below, not soon";
      }
      add_part(v.detail, format_number("undecided: the change's upper bound %+.1f%%", c.worse_bound * 100) +
                             format_number(" does not rule out the min effect %.3g%%", v.min_effect * 100) + more);
    }
  }
}

}  // namespace

Baselines load_baselines(Budgets& budgets, const std::filesystem::path& override_path, std::ostream& warnings) {
  Baselines baselines;
  for (auto& target : budgets.targets) {
    if (!target.regression) continue;
    if (!override_path.empty()) target.regression->baseline = override_path;
    const std::filesystem::path& path = target.regression->baseline;
    if (path.empty() || path == kHistoryBaseline || baselines.count(path.string())) continue;
    auto loaded = load_measurements(path);
    if (!loaded) {
      warnings << "baseline: " << loaded.error().message << "\n";
      continue;
    }
    baselines.emplace(path.string(), std::move(*loaded));
  }
  return baselines;
}

bool needs_noise(const Budgets& budgets) {
  return std::any_of(budgets.targets.begin(), budgets.targets.end(),
                     [](const Target& t) { return t.regression && t.regression->min_effect_auto; });
}

Expected<std::vector<Verdict>> evaluate_budgets(const Budgets& budgets, const Measurements& data,
                                                const Baselines& baselines, const NoiseFile* noise, const Look& look) {
  Checker checker{budgets, data, baselines, noise, look};
  if (budgets.time_scale) {
    if (data.time_scale_known && std::abs(*budgets.time_scale - data.time_scale) > 1e-9 * *budgets.time_scale) {
      return Error{budgets.file.string() + ": /time_scale: the budgets are for time scale " +
                   format_number("%g", *budgets.time_scale) + " but " + data.source + " was measured at " +
                   format_number("%g", data.time_scale) + "; fix: run at --time-scale " +
                   format_number("%g", *budgets.time_scale) + " or use budgets for that scale"};
    }
    checker.scale = *budgets.time_scale;
  }
  std::vector<Verdict> verdicts;
  for (const auto& expanded : expand_targets(budgets.targets, data, baselines)) {
    verdicts.push_back(checker.check(expanded));
  }
  judge_families(verdicts, look);
  return verdicts;
}

Expected<std::vector<Verdict>> confirm_regressions(const std::vector<Verdict>& first, const Budgets& budgets,
                                                   const Measurements& data, const Baselines& baselines,
                                                   const NoiseFile* noise) {
  std::set<std::string> flagged;
  for (const auto& v : first) {
    if (v.regressed) flagged.insert(v.target);
  }
  if (flagged.empty()) return first;
  auto again = evaluate_budgets(budgets, data, baselines, noise);
  if (!again) return again.error();
  // Only the flagged verdicts are judged again, as families of their own.
  std::vector<Verdict> recheck;
  for (auto& v : *again) {
    if (!flagged.count(v.target)) continue;
    v.state = VerdictState::kMet;
    v.regressed = false;
    v.detail.clear();
    if (v.regression) add_part(v.detail, change_text(*v.regression) + " on the confirmation samples");
    else missing(v, "the confirmation measured nothing for it");
    recheck.push_back(std::move(v));
  }
  judge_families(recheck, Look{});
  std::vector<Verdict> out = first;
  for (auto& v : out) {
    if (!flagged.count(v.target)) continue;
    auto it = std::find_if(recheck.begin(), recheck.end(), [&](const Verdict& r) { return r.target == v.target; });
    if (it == recheck.end()) continue;
    if (it->regressed) {
      add_part(v.detail, "confirmed: " + it->detail);
    } else if (it->state != VerdictState::kMet) {
      // Neither confirmed nor ruled out (too few fresh samples, or undecided): the first
      // verdict stands, never a silent pass.
      add_part(v.detail, "the confirmation could not rule it out: " + it->detail);
    } else {
      // Cleared of the regression; an absolute bound it broke still fails it.
      v.regressed = false;
      v.state = v.bound_failed ? VerdictState::kNotMet : VerdictState::kMet;
      add_part(v.detail, "flagged, then ruled out by fresh samples: " + it->detail);
    }
  }
  return out;
}

bool all_met(const std::vector<Verdict>& verdicts) {
  return std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.state == VerdictState::kMet; });
}

int gate_exit_status(const std::vector<Verdict>& verdicts) {
  bool undecided = false;
  for (const auto& v : verdicts) {
    if (v.state == VerdictState::kUndecided) undecided = true;
    else if (v.state != VerdictState::kMet) return 1;
  }
  return undecided ? kExitUndecided : 0;
}

}  // namespace flowbench
