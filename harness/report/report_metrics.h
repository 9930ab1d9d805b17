// The report's figures from measured runs, shared by its Markdown and HTML forms: each metric's
// samples over runs, and their text (median with a 95% CI or the range, change with a p-value).
#pragma once

#include <string>
#include <vector>

#include "analyze/run_data.h"

namespace flowbench {

// One metric's samples over runs.
struct Metric {
  std::vector<double> samples;
  bool empty() const { return samples.empty(); }
  double med() const;
};

// A duration in display units (model time when scaled), as analyze and gate show it.
std::string minutes(double ms, double scale);

Metric makespans(const std::vector<RunRecord>& runs);
Metric task_durations(const std::vector<RunRecord>& runs, const std::string& id);
// From the first start to the last end of the phase's tasks.
Metric phase_spans(const std::vector<RunRecord>& runs, const std::vector<std::string>& phase);
// Quality pass rate per run (passed / all checks of every task reporting quality), in percent.
Metric quality_rates(const std::vector<RunRecord>& runs);

// "median (95% CI low – high, n=N)", the range below 6 runs; percent: as a pass rate.
std::string describe(const Metric& m, double scale, bool percent = false);
// after against before: "+x.y%" (with the Mann-Whitney p at 5+ runs a side), or in points.
std::string change(const Metric& before, const Metric& after, bool percent_points = false);
// The task's name in the first run, else its id.
std::string task_name(const std::vector<RunRecord>& runs, const std::string& id);

}  // namespace flowbench
