// Budgets (DESIGN.md "Budgets"): targets a gate checks, read from a JSON file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gate/measurements.h"
#include "util/expected.h"

namespace flowbench {

// How the p-values of one expanded target (a family) are corrected for testing many.
enum class Correction {
  kHolm,               // Holm's step-down: the family-wise error rate (the chance of any false alarm) <= alpha
  kBenjaminiHochberg,  // the false discovery rate (the expected share of false alarms among alarms) <= alpha
};
const char* correction_name(Correction correction);  // "Holm", "Benjamini-Hochberg"

// A regression check: the target's samples against the same variant and metric (or
// benchmark) in a baseline: a stored file, --baseline, or the other arm of `flowbench ab`.
// It fails only when both hold: the one-sided Mann-Whitney U p-value, corrected over the
// target's family, is below alpha, and the Hodges-Lehmann change is worse than min_effect.
// The baseline that means "the last commits recorded in the history database".
inline constexpr const char* kHistoryBaseline = "history";

struct RegressionCheck {
  std::filesystem::path baseline;  // measurements (benchmark JSON or runs), kHistoryBaseline; "" = --baseline
  std::size_t history_commits = 5;  // baseline "history": this many commits ...
  std::string history_branch = "main";  // ... of this branch (on another branch: up to its merge-base with it)
  double alpha = 0.05;
  std::size_t min_reps = 5;        // fewer samples on either side: not measured
  double min_effect = 0.05;        // relative; ignored when min_effect_auto
  double min_effect_s = 0;         // times: a change must also exceed this many (model) seconds
  bool min_effect_auto = false;    // taken from the noise file (flowbench calibrate)
  Correction correction = Correction::kHolm;
};

// What a benchmark target judges: wall (real) time per iteration, CPU time per iteration,
// or instructions per iteration (counted by flowbench ab and calibrate).
enum class Measure { kWall, kCpu, kInstructions };

struct Target {
  std::string name;
  std::string variant;             // which variant's samples
  std::string metric;              // makespan | total | task:<id> | op:<id>/<op> | quality | success | instances_ok,
                                   // or a glob over task:<id> and op:<id>/<op> ("task:*", "op:8/*")
  std::string benchmark;           // instead of variant and metric: a Google Benchmark name or glob
  Measure measure = Measure::kWall;  // benchmarks: what is judged
  std::vector<std::string> exclude;  // a glob target: names it leaves out (to targets of their own)
  std::string stat = "median";     // the statistic bounded: median | min | max (of the samples)
  std::optional<double> max_s;     // seconds (model seconds when a time scale is set)
  std::optional<double> min;       // for rates and counts: at least this
  std::optional<double> max;       // for rates and counts: at most this
  std::optional<double> max_ratio; // median / median of `ratio_to`'s same metric
  std::string ratio_to;            // the baseline variant for max_ratio
  std::optional<RegressionCheck> regression;
  std::string description;

  bool is_time() const;
  // "wall time", "CPU time", "instructions", "count", "memory": what the verdict judged.
  std::string measure_text() const;
  // True when the target stands for many verdicts (its metric or benchmark is a glob).
  bool expands() const;
};

// How `flowbench ab` measures these budgets when its command line does not say: the design
// that holds the false-alarm rate with the most precision, as the budgets' author calibrated it.
struct AbDefaults {
  bool duet = false;              // both arms at once, each on its own CPUs
  std::size_t max_reps = 0;       // rounds until decided: at most this many (0: ab's default)
  std::string max_time;           // ... or this long ("9m"; "" = no limit)
  std::size_t look_every = 0;     // rounds between looks (0: ab's default)
};

struct Budgets {
  std::filesystem::path file;
  AbDefaults ab;
  std::string name;
  std::optional<double> time_scale;  // measured seconds / time_scale = model seconds
  std::filesystem::path noise;       // the noise file for min_effect "auto" ("" = none given)
  std::vector<Target> targets;
};

// Reads and checks a budgets file (schema flowbench.budgets/1). Every problem is reported
// with the file, the JSON path and the fix; regression baselines are resolved relative to
// the file's folder.
Expected<Budgets> load_budgets(const std::filesystem::path& file);

// The canonical form of a metric name: "op:<id>:<op>" (round 1) becomes "op:<id>/<op>".
std::string canonical_metric(const std::string& metric);

// Keeps the targets whose name matches any of the globs and none of the "!"-prefixed ones
// (no plain glob: every target not excluded). An error naming the file when none is left.
Status select_targets(Budgets& budgets, const std::vector<std::string>& name_globs);

}  // namespace flowbench
