// Budgets (DESIGN.md "Budgets"): targets a gate checks, read from a JSON file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"

namespace flowbench {

// A regression check: the target's samples against the same variant and metric in a
// stored baseline. It fails only when both hold: Mann-Whitney U p < alpha, and the median
// grew by more than min_effect (relative), so noise alone never fails a build.
struct RegressionCheck {
  std::filesystem::path baseline;  // measurements (benchmark JSON or runs); "" = --baseline
  double alpha = 0.05;
  std::size_t min_reps = 5;        // fewer samples on either side: not measured
  double min_effect = 0.05;
};

struct Target {
  std::string name;
  std::string variant;             // which variant's samples
  std::string metric;              // makespan | total | task:<id> | op:<id>:<op> | quality | success | instances_ok
  std::string stat = "median";     // the statistic bounded: median | min | max (of the samples)
  std::optional<double> max_s;     // seconds (model seconds when a time scale is set)
  std::optional<double> min;       // for rates and counts: at least this
  std::optional<double> max;       // for rates and counts: at most this
  std::optional<double> max_ratio; // median / median of `ratio_to`'s same metric
  std::string ratio_to;            // the baseline variant for max_ratio
  std::optional<RegressionCheck> regression;
  std::string description;

  bool is_time() const { return metric != "quality" && metric != "success" && metric != "instances_ok"; }
};

struct Budgets {
  std::filesystem::path file;
  std::string name;
  std::optional<double> time_scale;  // measured seconds / time_scale = model seconds
  std::vector<Target> targets;
};

// Reads and checks a budgets file (schema flowbench.budgets/1). Every problem is reported
// with the file, the JSON path and the fix; regression baselines are resolved relative to
// the file's folder.
Expected<Budgets> load_budgets(const std::filesystem::path& file);

}  // namespace flowbench
