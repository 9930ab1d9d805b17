// What the completion report needs besides the runs: the defaults and analyses it shows,
// and its plots (drawn by tools/plot.py, a process of its own).
#pragma once

#include <filesystem>
#include <ostream>
#include <vector>

#include "analyze/summary.h"
#include "report/completion_report.h"

namespace flowbench {

// Fills `focus_task` and `phase` when unset (the baseline's slowest task; its first set of
// sibling tasks), the critical paths and the per-task comparison. Returns the analyses of
// the first baseline and optimized run (for their summary.json).
std::vector<RunAnalysis> prepare_report(ReportInput& input);

// Draws the report's plots with tools/plot.py (`plot_script`) into `folder`, and adds them
// to `input.plots` relative to `report_dir`. A plot that fails is reported, not fatal.
void draw_report_plots(ReportInput& input, const std::filesystem::path& plot_script,
                       const std::filesystem::path& folder, const std::filesystem::path& report_dir,
                       std::ostream& warnings);

}  // namespace flowbench
