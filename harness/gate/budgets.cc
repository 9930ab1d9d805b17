#include "gate/budgets.h"

#include <set>

#include <nlohmann/json.hpp>

#include "util/atomic_file.h"

namespace flowbench {
using nlohmann::json;

namespace {

const std::set<std::string> kTargetKeys = {"name",      "variant", "metric",   "stat",       "max_s",
                                           "min",       "max",     "max_ratio", "ratio_to",  "regression",
                                           "description"};
const std::set<std::string> kRegressionKeys = {"baseline", "alpha", "min_reps", "min_effect"};

bool valid_metric(const std::string& metric) {
  static const std::set<std::string> plain = {"makespan", "total", "quality", "success", "instances_ok"};
  if (plain.count(metric)) return true;
  if (metric.rfind("task:", 0) == 0) return metric.size() > 5;
  if (metric.rfind("op:", 0) == 0) {
    const auto colon = metric.find(':', 3);
    return colon != std::string::npos && colon > 3 && colon + 1 < metric.size();
  }
  return false;
}

class BudgetReader {
 public:
  explicit BudgetReader(std::filesystem::path file) : file_(std::move(file)) {}

  void problem(const std::string& where, const std::string& what, const std::string& fix) {
    if (!error_.empty()) error_ += "\n";
    error_ += file_.string() + ": " + where + ": " + what + "; fix: " + fix;
  }
  const std::string& error() const { return error_; }

  std::optional<double> number(const json& object, const char* key, const std::string& where, double lowest) {
    if (!object.contains(key)) return std::nullopt;
    const json& value = object[key];
    if (!value.is_number() || value.get<double>() < lowest) {
      problem(where + "/" + key, "must be a number of at least " + std::to_string(lowest), "write e.g. \"" +
              std::string(key) + "\": 1");
      return std::nullopt;
    }
    return value.get<double>();
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

  std::optional<RegressionCheck> regression(const json& raw, const std::string& where) {
    if (!raw.is_object()) {
      problem(where, "must be an object", "write {\"alpha\": 0.05, \"min_reps\": 5, \"min_effect\": 0.05}");
      return std::nullopt;
    }
    unknown_keys(raw, kRegressionKeys, where);
    RegressionCheck check;
    if (auto baseline = text(raw, "baseline", where, false); !baseline.empty()) {
      check.baseline = std::filesystem::path(baseline).is_absolute() ? std::filesystem::path(baseline)
                                                                     : file_.parent_path() / baseline;
    }
    if (auto alpha = number(raw, "alpha", where, 0)) {
      if (*alpha <= 0 || *alpha >= 1) problem(where + "/alpha", "must be between 0 and 1", "write e.g. 0.05");
      check.alpha = *alpha;
    }
    if (auto reps = number(raw, "min_reps", where, 2)) check.min_reps = static_cast<std::size_t>(*reps);
    if (auto effect = number(raw, "min_effect", where, 0)) check.min_effect = *effect;
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
    t.metric = text(raw, "metric", where, true);
    t.variant = text(raw, "variant", where, false);
    if (t.variant.empty()) t.variant = "run";
    t.description = raw.value("description", std::string());
    if (!t.metric.empty() && !valid_metric(t.metric)) {
      problem(where + "/metric", "unknown metric " + t.metric,
              "use makespan, total, task:<id>, op:<id>:<op>, quality, success or instances_ok");
    }
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
  std::string error_;
};

}  // namespace

Expected<Budgets> load_budgets(const std::filesystem::path& file) {
  auto text = read_file(file);
  if (!text) return text.error();
  const json raw = json::parse(*text, nullptr, false);
  if (raw.is_discarded()) return Error{file.string() + ": not valid JSON; fix: check the brackets and commas"};
  BudgetReader reader(file);
  Budgets budgets;
  budgets.file = file;
  if (!raw.is_object()) return Error{file.string() + ": /: must be an object; fix: write {\"targets\": [...]}"};
  reader.unknown_keys(raw, {"schema", "name", "description", "time_scale", "targets"}, "");
  if (raw.value("schema", std::string("flowbench.budgets/1")) != "flowbench.budgets/1") {
    reader.problem("/schema", "unknown schema " + raw["schema"].dump(), "write \"flowbench.budgets/1\"");
  }
  budgets.name = raw.value("name", file.stem().string());
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
  if (!reader.error().empty()) return Error{reader.error()};
  return budgets;
}

}  // namespace flowbench
