#include "gate/gate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "analyze/stats.h"
#include "util/xml.h"

namespace flowbench {

const char* verdict_name(VerdictState state) {
  switch (state) {
    case VerdictState::kMet: return "met";
    case VerdictState::kNotMet: return "not met";
    case VerdictState::kNotMeasured: return "not measured";
  }
  return "?";
}

namespace {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

// Seconds shown at a readable unit; rates and counts as plain numbers.
std::string shown(double value, bool time) {
  if (!time) return format("%.4g", value);
  const double magnitude = std::abs(value);
  if (magnitude >= 120) return format("%.2f min", value / 60);
  if (magnitude >= 1) return format("%.2f s", value);
  return format("%.2f ms", value * 1000);
}

// Appends a clause to a "; "-separated field.
void add_part(std::string& field, const std::string& part) {
  if (!field.empty()) field += "; ";
  field += part;
}

double statistic(const std::vector<double>& samples, const std::string& stat) {
  if (stat == "min") return *std::min_element(samples.begin(), samples.end());
  if (stat == "max") return *std::max_element(samples.begin(), samples.end());
  return median(samples);
}

struct Checker {
  const Budgets& budgets;
  const Measurements& data;
  const Baselines& baselines;
  double scale = 1.0;  // display value = measured value / scale, for times

  std::vector<double> samples(const std::string& variant, const std::string& metric, bool time) const {
    auto it = data.samples.find({variant, metric});
    if (it == data.samples.end()) return {};
    std::vector<double> out = it->second;
    if (time) {
      for (double& v : out) v /= scale;
    }
    return out;
  }

  void bound_max(Verdict& v, double bound, bool time, const char* label) const {
    std::string text = label;
    text += "<= ";
    text += shown(bound, time);
    add_part(v.bound, text);
    if (v.value > bound) fail(v, shown(v.value, time) + " > " + shown(bound, time));
  }

  static void fail(Verdict& v, const std::string& why) {
    v.state = VerdictState::kNotMet;
    add_part(v.detail, why);
  }
  static void missing(Verdict& v, const std::string& why) {
    if (v.state == VerdictState::kMet) v.state = VerdictState::kNotMeasured;
    add_part(v.detail, why);
  }

  void ratio(Verdict& v, const Target& t, const std::vector<double>& own) const {
    std::string bound = format("ratio <= %.3g", *t.max_ratio);
    bound += " of ";
    bound += t.ratio_to;
    add_part(v.bound, bound);
    const auto base = samples(t.ratio_to, t.metric, t.is_time());
    if (base.empty()) return missing(v, "no samples of " + t.metric + " for variant " + t.ratio_to);
    const double base_median = median(base);
    if (base_median <= 0) return missing(v, "the " + t.ratio_to + " median is 0");
    const double r = median(own) / base_median;
    std::string detail = format("ratio %.3f", r);
    detail += " (" + t.ratio_to + " " + shown(base_median, t.is_time()) + ")";
    add_part(v.detail, detail);
    if (r > *t.max_ratio) {
      std::string why = format("ratio %.3f", r);
      why += format(" > %.3g", *t.max_ratio);
      fail(v, why);
    }
  }

  void regression(Verdict& v, const Target& t, const std::vector<double>& own) const {
    const RegressionCheck& check = *t.regression;
    std::string bound = format("no regression (p < %.3g", check.alpha);
    bound += format(" and > %.3g%%)", check.min_effect * 100);
    add_part(v.bound, bound);
    auto found = baselines.find(check.baseline.string());
    if (check.baseline.empty() || found == baselines.end()) {
      return missing(v, "no baseline to check regressions against (give --baseline or regression.baseline)");
    }
    const Measurements& base_data = found->second;
    auto it = base_data.samples.find({t.variant, t.metric});
    if (it == base_data.samples.end()) return missing(v, "the baseline has no " + t.metric + " for " + t.variant);
    std::vector<double> base = it->second;
    if (t.is_time()) {
      for (double& b : base) b /= base_data.time_scale;
      for (double& b : base) b *= data.time_scale / scale;  // into this gate's display units
    }
    if (own.size() < check.min_reps || base.size() < check.min_reps) {
      return missing(v, std::to_string(own.size()) + " samples against " + std::to_string(base.size()) +
                            " in the baseline; the check needs " + std::to_string(check.min_reps) + " a side");
    }
    const double base_median = median(base);
    const double own_median = median(own);
    const bool higher_is_better = !t.is_time();
    const double effect = base_median != 0 ? (own_median / base_median - 1) * (higher_is_better ? -1 : 1) : 0;
    const MannWhitney test = mann_whitney_u(own, base);
    std::string detail = format("%+.1f%%", effect * 100);
    detail += " vs baseline " + shown(base_median, t.is_time()) + format(", p = %.3g", test.p_value);
    add_part(v.detail, detail);
    if (test.p_value < check.alpha && effect > check.min_effect) {
      fail(v, format("regressed: worse by more than %.3g%% and significant", check.min_effect * 100));
    }
  }

  Verdict check(const Target& t) const {
    Verdict v;
    v.target = t.name;
    v.variant = t.variant;
    v.metric = t.metric;
    v.state = VerdictState::kMet;
    v.unit = t.is_time() ? "s" : "";
    const auto own = samples(t.variant, t.metric, t.is_time());
    v.n = own.size();
    if (own.empty()) {
      v.state = VerdictState::kNotMeasured;
      v.detail = "no samples of " + t.metric + " for variant " + t.variant + " in " + data.source;
      v.measured = "-";
      if (t.max_s) v.bound = "<= " + shown(*t.max_s, true);
      if (t.min) v.bound = ">= " + shown(*t.min, false);
      return v;
    }
    v.value = statistic(own, t.stat);
    const auto ci = t.stat == "median" ? median_ci95(own) : std::nullopt;
    if (ci) {
      v.low = ci->low;
      v.high = ci->high;
    } else {
      v.low = *std::min_element(own.begin(), own.end());
      v.high = *std::max_element(own.begin(), own.end());
    }
    const bool time = t.is_time();
    v.measured = t.stat == "median" ? std::string() : t.stat + " ";
    v.measured += shown(v.value, time);
    v.measured += ci ? " [95% CI " : " [range ";
    v.measured += shown(v.low, time) + ", " + shown(v.high, time) + "] n=" + std::to_string(v.n);
    if (t.max_s) bound_max(v, *t.max_s, true, "");
    if (t.max) bound_max(v, *t.max, time, "");
    if (t.min) {
      add_part(v.bound, ">= " + shown(*t.min, time));
      if (v.value < *t.min) fail(v, shown(v.value, time) + " < " + shown(*t.min, time));
    }
    if (t.max_ratio) ratio(v, t, own);
    if (t.regression) regression(v, t, own);
    return v;
  }
};

}  // namespace

Baselines load_baselines(Budgets& budgets, const std::filesystem::path& override_path, std::ostream& warnings) {
  Baselines baselines;
  for (auto& target : budgets.targets) {
    if (!target.regression) continue;
    if (!override_path.empty()) target.regression->baseline = override_path;
    const std::filesystem::path& path = target.regression->baseline;
    if (path.empty() || baselines.count(path.string())) continue;
    auto loaded = load_measurements(path);
    if (!loaded) {
      warnings << "baseline: " << loaded.error().message << "\n";
      continue;
    }
    baselines.emplace(path.string(), std::move(*loaded));
  }
  return baselines;
}

Expected<std::vector<Verdict>> evaluate_budgets(const Budgets& budgets, const Measurements& data,
                                                const Baselines& baselines) {
  Checker checker{budgets, data, baselines};
  if (budgets.time_scale) {
    if (data.time_scale_known && std::abs(*budgets.time_scale - data.time_scale) > 1e-9 * *budgets.time_scale) {
      return Error{budgets.file.string() + ": /time_scale: the budgets are for time scale " +
                   format("%g", *budgets.time_scale) + " but " + data.source + " was measured at " +
                   format("%g", data.time_scale) + "; fix: run at --time-scale " + format("%g", *budgets.time_scale) +
                   " or use budgets for that scale"};
    }
    checker.scale = *budgets.time_scale;
  }
  std::vector<Verdict> verdicts;
  for (const auto& target : budgets.targets) verdicts.push_back(checker.check(target));
  return verdicts;
}

bool all_met(const std::vector<Verdict>& verdicts) {
  return std::all_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.state == VerdictState::kMet; });
}

void print_verdicts(std::ostream& out, const std::vector<Verdict>& verdicts) {
  std::size_t name_width = 6, variant_width = 7, measured_width = 8, bound_width = 5;
  for (const auto& v : verdicts) {
    name_width = std::max(name_width, v.target.size());
    variant_width = std::max(variant_width, v.variant.size());
    measured_width = std::max(measured_width, v.measured.size());
    bound_width = std::max(bound_width, v.bound.size());
  }
  auto row = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d,
                 const std::string& e) {
    out << a << std::string(name_width - a.size() + 2, ' ') << b << std::string(variant_width - b.size() + 2, ' ') << c
        << std::string(measured_width - c.size() + 2, ' ') << d << std::string(bound_width - d.size() + 2, ' ') << e
        << "\n";
  };
  row("target", "variant", "measured", "bound", "verdict");
  row(std::string(name_width, '-'), std::string(variant_width, '-'), std::string(measured_width, '-'),
      std::string(bound_width, '-'), "-------");
  for (const auto& v : verdicts) row(v.target, v.variant, v.measured, v.bound, verdict_name(v.state));
  std::size_t failed = 0;
  for (const auto& v : verdicts) {
    if (v.state == VerdictState::kMet) continue;
    ++failed;
    out << (failed == 1 ? "\n" : "") << "FAILED " << v.target << " (" << verdict_name(v.state) << "): " << v.detail
        << "\n";
  }
  out << "\n" << verdicts.size() - failed << " of " << verdicts.size() << " targets met\n";
}

void write_verdicts_junit(std::ostream& out, const std::string& suite, const std::vector<Verdict>& verdicts) {
  std::size_t failures = 0;
  for (const auto& v : verdicts) failures += v.state != VerdictState::kMet;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"flowbench gate\" tests=\"" << verdicts.size() << "\" failures=\"" << failures << "\">\n"
      << "  <testsuite name=\"" << xml_escape(suite) << "\" tests=\"" << verdicts.size() << "\" failures=\"" << failures
      << "\" errors=\"0\" skipped=\"0\">\n";
  for (const auto& v : verdicts) {
    out << "    <testcase classname=\"" << xml_escape(suite) << "\" name=\"" << xml_escape(v.target) << "\"";
    if (v.state == VerdictState::kMet) {
      out << "/>\n";
      continue;
    }
    std::string text = v.variant + " " + v.metric + ": measured " + v.measured + ", bound " + v.bound + "; " + v.detail;
    out << ">\n      <failure type=\"" << verdict_name(v.state) << "\" message=\"" << xml_escape(v.detail) << "\">"
        << xml_escape(text) << "</failure>\n    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

nlohmann::ordered_json verdicts_json(const std::vector<Verdict>& verdicts) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& v : verdicts) {
    out.push_back({{"target", v.target}, {"variant", v.variant}, {"metric", v.metric},
                   {"verdict", verdict_name(v.state)}, {"n", v.n}, {"value", v.value}, {"low", v.low},
                   {"high", v.high}, {"unit", v.unit}, {"measured", v.measured}, {"bound", v.bound},
                   {"detail", v.detail}});
  }
  return out;
}

}  // namespace flowbench
