// The before/after completion report (Markdown), every number from measured runs.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
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
    std::map<std::string, double> slack_ms;  // per task: what it can grow before the makespan does
  };
  std::vector<CriticalPath> critical_paths;
  std::vector<Change> per_task;
  // Where time can be won (analyze/replay.h), from the first baseline run: its ranked rows,
  // and how close its schedule is to the tight bound.
  struct TimeWonRow {
    std::string text;       // "compile: 38.1% of Task 8 (at most ...); at zero the workflow 12.4% shorter, ..."
    std::string what;       // "Task 8 (codegen)" or "compile of Task 8"
    double share = 0;       // of its task (a sub-operation) or of the work (a task)
    double saving_zero = 0, saving_half = 0;  // of the replayed makespan
  };
  struct TimeWon {
    std::string run_id;
    std::size_t workers = 1;
    double scheduling_could_save = 0;  // 1 - tight bound / makespan
    std::vector<TimeWonRow> rows;
  };
  std::optional<TimeWon> time_won;
};

// Writes the report: results table (total, focus task, phase, quality pass rate:
// baseline, optimized, change, with a 95% CI of the median at 6 runs or more, else the
// range), each variant's saving, the critical path before and after, per-task changes, the
// machine and commit measured on, and the plots.
void write_completion_report(std::ostream& out, const ReportInput& input);

}  // namespace flowbench
