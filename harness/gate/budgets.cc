#include "gate/budgets.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "gate/verdict_text.h"
#include "platform/atomic_file.h"
#include "util/json_reader.h"
#include "util/name_glob.h"
#include "util/time_format.h"

namespace flowbench {
using nlohmann::json;

namespace {

const std::set<std::string> kTargetKeys = {"name",     "variant",   "metric",   "benchmark",  "stat",
                                           "max_s",    "min",       "max",      "max_ratio",  "ratio_to",
                                           "regression", "description", "measure", "exclude"};
const std::set<std::string> kRegressionKeys = {"baseline",   "alpha",   "min_reps", "min_effect",
                                               "min_effect_s", "correction", "history"};
const char* kMetricFix = "use makespan, total, cpu, peak_rss_mib, task:<id>, task_cpu:<id>, op:<id>/<op>, quality, "
                         "success or instances_ok (task:*, task_cpu:* and op:<id>/* expand)";

bool valid_metric(const std::string& metric) {
  static const std::set<std::string> plain = {"makespan", "total", "cpu", "peak_rss_mib", "quality", "success", "instances_ok"};
  if (plain.count(metric)) return true;
  if (metric.rfind("task:", 0) == 0) return metric.size() > 5;
  if (metric.rfind("task_cpu:", 0) == 0) return metric.size() > 9;
  if (metric.rfind("op:", 0) == 0) {
    const auto slash = metric.find('/', 3);
    return slash != std::string::npos && slash > 3 && slash + 1 < metric.size();
  }
  return false;
}

class BudgetReader {
 public:
  explicit BudgetReader(const std::filesystem::path& file)
      : file_(file), json_(file.string(), "compare it with fixtures/k1n/budgets.json") {}

  // Parses the file's text (a malformed one is a problem).
  std::optional<json> parse(const std::string& text) { return json_.parse(text); }
  void problem(const std::string& where, const std::string& what, const std::string& fix) {
    json_.problem(where, what, fix);
  }
  bool failed() const { return json_.failed(); }
  Error error() const { return json_.error(); }

  std::optional<double> number(const json& object, const char* key, const std::string& where, double lowest) {
    if (!object.contains(key)) return std::nullopt;
    const json& value = object[key];
    if (!value.is_number() || value.get<double>() < lowest) {
      problem(where + "/" + key, "must be a number of at least " + format_number("%g", lowest), "write e.g. \"" +
              std::string(key) + "\": 1");
      return std::nullopt;
    }
    return value.get<double>();
  }

  // A whole number in [lowest, highest] (repetitions, commits).
  std::optional<std::size_t> count(const json& object, const char* key, const std::string& where, std::size_t lowest,
                                   std::size_t highest) {
    if (!object.contains(key)) return std::nullopt;
    const json& value = object[key];
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() < lowest || value.get<std::uint64_t>() > highest) {
      problem(where + "/" + key, "must be a whole number from " + std::to_string(lowest) + " to " +
                  std::to_string(highest) + ", got " + json_excerpt(value),
              "write e.g. \"" + std::string(key) + "\": " + std::to_string(std::max<std::size_t>(lowest, 5)));
      return std::nullopt;
    }
    return value.get<std::size_t>();
  }

  std::string text(const json& object, const char* key, const std::string& where, bool required) {
    if (!object.contains(key)) {
      if (required) problem(where, std::string("no \"") + key + "\"", std::string("add \"") + key + "\"");
      return {};
    }
    if (!object[key].is_string() || object[key].get<std::string>().empty()) {
      problem(where + "/" + key, "must be a non-empty string", "write a name");
      return {};
    }
    return object[key].get<std::string>();
  }

  void unknown_keys(const json& object, const std::set<std::string>& allowed, const std::string& where) {
    for (const auto& [key, value] : object.items()) {
      if (!allowed.count(key)) problem(where + "/" + key, "unknown key", "remove it or check its spelling");
    }
  }

  void metric_name(const std::string& metric, const std::string& where) {
    if (!is_name_glob(metric)) {
      if (!valid_metric(metric)) problem(where + "/metric", "unknown metric " + metric, kMetricFix);
      return;
    }
    if (auto wrong = name_glob_problem(metric); !wrong.empty()) {
      problem(where + "/metric", "\"" + metric + "\" is not a glob: " + wrong, "close the class, e.g. task:[0-9]*");
    } else if (metric.rfind("task:", 0) != 0 && metric.rfind("task_cpu:", 0) != 0 && metric.rfind("op:", 0) != 0) {
      problem(where + "/metric", "the glob " + metric + " expands over nothing a gate measures",
              "expand task:<id>, task_cpu:<id> or op:<id>/<op>, e.g. \"task:*\" or \"op:8/*\"");
    }
  }

  void benchmark_target(const json& raw, Target& t, const std::string& where) {
    if (raw.contains("metric") || raw.contains("variant")) {
      problem(where, "a target names a benchmark or a variant and metric, not both",
              "remove \"metric\" and \"variant\", or \"benchmark\"");
    }
    t.metric = t.benchmark;
    if (auto wrong = name_glob_problem(t.benchmark); !wrong.empty()) {
      problem(where + "/benchmark", "\"" + t.benchmark + "\" is not a glob: " + wrong,
              "close the class, e.g. BM_Task8/[a-z]*");
    }
  }

  // "measure": what a benchmark target judges: its wall (real) time, its CPU time, or its
  // instructions per iteration. A workflow's task CPU time is a metric of its own.
  void measure(const json& raw, Target& t, const std::string& where) {
    const std::string name = text(raw, "measure", where, false);
    if (t.benchmark.empty()) {
      return problem(where + "/measure", "only a benchmark target chooses its measure",
                     "for a task's CPU time use \"metric\": \"task_cpu:<id>\"; remove \"measure\"");
    }
    if (name == "wall") t.measure = Measure::kWall;
    else if (name == "cpu") t.measure = Measure::kCpu;
    else if (name == "instructions") t.measure = Measure::kInstructions;
    else if (!name.empty()) problem(where + "/measure", "unknown measure " + name, "write wall, cpu or instructions");
  }

  // "exclude": ["task:8"]: names (or globs) a glob target leaves to other targets.
  void exclude(const json& raw, Target& t, const std::string& where) {
    if (!t.expands()) return problem(where, "only a target whose metric or benchmark is a glob excludes", "remove it");
    if (!raw.is_array()) return problem(where, "must be a list of names or globs", "write e.g. [\"task:8\"]");
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (!raw[i].is_string() || raw[i].get<std::string>().empty()) {
        problem(where + "/" + std::to_string(i), "must be a name or a glob", "write e.g. \"task:8\"");
      } else if (auto wrong = name_glob_problem(raw[i].get<std::string>()); !wrong.empty()) {
        problem(where + "/" + std::to_string(i), "not a glob: " + wrong, "close the class, e.g. task:[0-9]");
      } else {
        t.exclude.push_back(canonical_metric(raw[i].get<std::string>()));
      }
    }
  }

  // "ab": {"duet": false, "max_reps": 30, "max_time": "9m", "look_every": 5}
  void ab_defaults(const json& raw, AbDefaults& ab) {
    if (!raw.is_object()) return problem("/ab", "must be an object", "write {\"max_reps\": 30, \"max_time\": \"9m\"}");
    unknown_keys(raw, {"duet", "max_reps", "max_time", "look_every"}, "/ab");
    if (raw.contains("duet")) {
      if (raw["duet"].is_boolean()) ab.duet = raw["duet"].get<bool>();
      else problem("/ab/duet", "must be true or false", "write \"duet\": true");
    }
    if (auto n = count(raw, "max_reps", "/ab", 2, 1000)) ab.max_reps = *n;
    if (auto n = count(raw, "look_every", "/ab", 1, 100)) ab.look_every = *n;
    ab.max_time = text(raw, "max_time", "/ab", false);
    if (!ab.max_time.empty() && !parse_duration(ab.max_time)) {
      problem("/ab/max_time", "not a duration: " + ab.max_time, "write e.g. \"600\" (seconds), \"10m\" or \"1h\"");
    }
  }

  // "history": {"commits": 5, "branch": "main"}
  void history_window(const json& raw, const std::string& where, RegressionCheck& check) {
    if (!raw.contains("history")) return;
    const json& window = raw["history"];
    const std::string at = where + "/history";
    if (!window.is_object()) return problem(at, "must be an object", "write {\"commits\": 5, \"branch\": \"main\"}");
    unknown_keys(window, {"commits", "branch"}, at);
    if (auto commits = count(window, "commits", at, 1, 10000)) check.history_commits = *commits;
    if (auto branch = text(window, "branch", at, false); !branch.empty()) check.history_branch = branch;
  }

  std::optional<RegressionCheck> regression(const json& raw, const std::string& where) {
    if (!raw.is_object()) {
      problem(where, "must be an object", "write {\"alpha\": 0.05, \"min_reps\": 5, \"min_effect\": 0.05}");
      return std::nullopt;
    }
    unknown_keys(raw, kRegressionKeys, where);
    RegressionCheck check;
    if (auto baseline = text(raw, "baseline", where, false); baseline == kHistoryBaseline) {
      check.baseline = kHistoryBaseline;
      history_window(raw, where, check);
    } else if (raw.contains("history")) {
      problem(where + "/history", "only a baseline \"history\" has a history window", "write \"baseline\": \"history\"");
    } else if (!baseline.empty()) {
      check.baseline = std::filesystem::path(baseline).is_absolute() ? std::filesystem::path(baseline)
                                                                     : file_.parent_path() / baseline;
    }
    if (auto alpha = number(raw, "alpha", where, 0)) {
      if (*alpha <= 0 || *alpha >= 1) problem(where + "/alpha", "must be between 0 and 1", "write e.g. 0.05");
      check.alpha = *alpha;
    }
    if (auto reps = count(raw, "min_reps", where, 2, 10000)) check.min_reps = *reps;
    if (raw.contains("min_effect") && raw["min_effect"].is_string()) {
      if (raw["min_effect"].get<std::string>() == "auto") {
        check.min_effect_auto = true;
      } else {
        problem(where + "/min_effect", "must be a number or \"auto\"",
                "write e.g. 0.05 (5%), or \"auto\" with a noise file from flowbench calibrate");
      }
    } else if (auto effect = number(raw, "min_effect", where, 0)) {
      check.min_effect = *effect;
    }
    if (auto floor = number(raw, "min_effect_s", where, 0)) check.min_effect_s = *floor;
    if (raw.contains("correction")) {
      const std::string name = text(raw, "correction", where, false);
      if (name == "holm") check.correction = Correction::kHolm;
      else if (name == "bh") check.correction = Correction::kBenjaminiHochberg;
      else if (!name.empty()) problem(where + "/correction", "unknown correction " + name, "write \"holm\" or \"bh\"");
    }
    return check;
  }

  std::optional<Target> target(const json& raw, const std::string& where) {
    if (!raw.is_object()) {
      problem(where, "each target must be an object", "write {\"name\": ..., \"metric\": ..., \"max_s\": ...}");
      return std::nullopt;
    }
    unknown_keys(raw, kTargetKeys, where);
    Target t;
    t.name = text(raw, "name", where, true);
    t.benchmark = text(raw, "benchmark", where, false);
    t.metric = canonical_metric(text(raw, "metric", where, t.benchmark.empty()));
    t.variant = text(raw, "variant", where, false);
    if (t.variant.empty()) t.variant = t.benchmark.empty() ? "run" : "benchmark";
    t.description = text(raw, "description", where, false);
    if (!t.benchmark.empty()) benchmark_target(raw, t, where);
    else if (!t.metric.empty()) metric_name(t.metric, where);
    if (raw.contains("measure")) measure(raw, t, where);
    if (raw.contains("exclude")) exclude(raw["exclude"], t, where + "/exclude");
    if (raw.contains("stat")) {
      t.stat = text(raw, "stat", where, false);
      if (t.stat != "median" && t.stat != "min" && t.stat != "max") {
        problem(where + "/stat", "must be median, min or max", "write \"stat\": \"median\"");
      }
    }
    t.max_s = number(raw, "max_s", where, 0);
    t.min = number(raw, "min", where, -1e300);
    t.max = number(raw, "max", where, -1e300);
    t.max_ratio = number(raw, "max_ratio", where, 0);
    t.ratio_to = text(raw, "ratio_to", where, false);
    if (t.max_ratio && t.ratio_to.empty()) {
      problem(where, "max_ratio without ratio_to", "name the baseline variant: \"ratio_to\": \"sequential\"");
    }
    if (raw.contains("regression")) t.regression = regression(raw["regression"], where + "/regression");
    if (t.max_s && !t.is_time()) problem(where + "/max_s", t.metric + " is not a time", "use \"min\" or \"max\"");
    if (t.regression && t.regression->min_effect_s > 0 && !t.is_time()) {
      problem(where + "/regression/min_effect_s", t.metric + " is not measured in seconds",
              "remove it: only times have an absolute min effect");
    }
    const int bounds = t.max_s.has_value() + t.min.has_value() + t.max.has_value() + t.max_ratio.has_value() +
                       t.regression.has_value();
    if (bounds == 0) {
      problem(where, "target " + t.name + " has no bound",
              "give max_s, min, max, max_ratio (with ratio_to) or a regression check");
    }
    return t;
  }

 private:
  std::filesystem::path file_;
  JsonReader json_;
};

}  // namespace

Expected<Budgets> load_budgets(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  BudgetReader reader(file);
  const auto parsed = reader.parse(*text);
  if (!parsed) return reader.error();
  const json& raw = *parsed;
  Budgets budgets;
  budgets.file = file;
  if (!raw.is_object()) return Error{file.string() + ": /: must be an object; fix: write {\"targets\": [...]}"};
  reader.unknown_keys(raw, {"schema", "name", "description", "time_scale", "noise", "ab", "targets"}, "");
  if (raw.contains("ab")) reader.ab_defaults(raw["ab"], budgets.ab);
  if (raw.contains("schema") && raw["schema"] != "flowbench.budgets/1") {
    reader.problem("/schema", "unknown schema " + raw["schema"].dump(), "write \"flowbench.budgets/1\"");
  }
  budgets.name = reader.text(raw, "name", "", false);
  if (budgets.name.empty()) budgets.name = file.stem().string();
  if (auto noise = reader.text(raw, "noise", "", false); !noise.empty()) {
    budgets.noise = std::filesystem::path(noise).is_absolute() ? std::filesystem::path(noise)
                                                               : file.parent_path() / noise;
  }
  if (raw.contains("time_scale")) {
    budgets.time_scale = reader.number(raw, "time_scale", "", 1e-12);
  }
  if (!raw.contains("targets") || !raw["targets"].is_array() || raw["targets"].empty()) {
    reader.problem("/targets", "missing or empty", "list the targets to check");
  } else {
    std::set<std::string> names;
    for (std::size_t i = 0; i < raw["targets"].size(); ++i) {
      const std::string where = "/targets/" + std::to_string(i);
      auto target = reader.target(raw["targets"][i], where);
      if (!target) continue;
      if (!target->name.empty() && !names.insert(target->name).second) {
        reader.problem(where + "/name", "duplicate target name " + target->name, "give every target its own name");
      }
      budgets.targets.push_back(std::move(*target));
    }
  }
  if (reader.failed()) return reader.error();
  return budgets;
}

const char* correction_name(Correction correction) {
  return correction == Correction::kHolm ? "Holm" : "Benjamini-Hochberg";
}

bool Target::is_time() const {
  if (!benchmark.empty()) return measure != Measure::kInstructions;
  return is_time_metric(metric);
}

std::string Target::measure_text() const {
  if (!benchmark.empty()) {
    if (measure == Measure::kInstructions) return "instructions";
    return measure == Measure::kCpu ? "CPU time" : "wall time";
  }
  if (metric.rfind("task_cpu:", 0) == 0 || metric == "cpu") return "CPU time";
  if (metric == "peak_rss_mib") return "memory";
  return is_time_metric(metric) ? "wall time" : "count";
}

bool Target::expands() const { return is_name_glob(benchmark.empty() ? metric : benchmark); }

std::string canonical_metric(const std::string& metric) {
  if (metric.rfind("op:", 0) != 0) return metric;
  const auto colon = metric.find(':', 3);
  if (colon == std::string::npos || metric.find('/', 3) != std::string::npos) return metric;
  std::string out = metric;
  out[colon] = '/';
  return out;
}

Status select_targets(Budgets& budgets, const std::vector<std::string>& name_globs) {
  if (name_globs.empty()) return ok_status();
  std::vector<std::string> keep, drop;
  for (const auto& glob : name_globs) {
    const bool exclude = !glob.empty() && glob[0] == '!';
    const std::string pattern = exclude ? glob.substr(1) : glob;
    if (auto wrong = name_glob_problem(pattern); !wrong.empty() || pattern.empty()) {
      return Error{"--targets " + glob + ": not a glob" + (pattern.empty() ? std::string() : ": " + wrong) +
                   "; fix: e.g. --targets '*-no-regression' or --targets '!*-no-regression'"};
    }
    (exclude ? drop : keep).push_back(pattern);
  }
  auto any = [](const std::vector<std::string>& globs, const std::string& name) {
    return std::any_of(globs.begin(), globs.end(), [&](const std::string& g) { return name_glob_match(g, name); });
  };
  std::vector<Target> kept;
  for (auto& target : budgets.targets) {
    if ((keep.empty() || any(keep, target.name)) && !any(drop, target.name)) kept.push_back(std::move(target));
  }
  if (kept.empty()) {
    return Error{budgets.file.string() + ": no target is left by --targets; fix: give globs over the targets' names"};
  }
  budgets.targets = std::move(kept);
  return ok_status();
}

}  // namespace flowbench
