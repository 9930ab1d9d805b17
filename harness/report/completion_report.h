// The before/after completion report (Markdown), every number from measured runs.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "analyze/run_data.h"
#include "analyze/series.h"
#include "gate/gate.h"
#include "util/expected.h"

namespace flowbench {

struct ReportInput {
  std::string title = "Completion report";
  // The success criteria: verdicts of a budgets file over these runs (empty: not judged).
  std::vector<Verdict> verdicts;
  std::string budgets_name;
  std::vector<RunRecord> before, after;
  // Further measured variants (e.g. "parallel only", "cached"), each compared with before.
  std::vector<std::pair<std::string, std::vector<RunRecord>>> variants;
  std::string focus_task;          // a task reported on its own (default: the baseline's slowest)
  std::vector<std::string> phase;  // tasks reported as one phase (default: the first set of
                                   // tasks that wait for the same tasks, e.g. 3, 4, 5)
  double display_scale = 1.0;
  std::vector<std::pair<std::string, std::string>> plots;  // caption, path relative to the report
  // From analysis (app/report_preparation.h): the critical path of the first baseline and
  // optimized run, and each task's medians before and after.
  struct CriticalPath {
    std::string side;  // "Baseline" | "Optimized"
    std::string run_id;
    std::vector<std::string> tasks;
    double length_ms = 0, makespan_ms = 0;
  };
  std::vector<CriticalPath> critical_paths;
  std::vector<Change> per_task;
};

// Writes the report: results table (total, focus task, phase, quality pass rate:
// baseline, optimized, change, with a 95% CI of the median at 6 runs or more, else the
// range), each variant's saving, the critical path before and after, per-task changes, the
// machine and commit measured on, and the plots.
void write_completion_report(std::ostream& out, const ReportInput& input);

}  // namespace flowbench
