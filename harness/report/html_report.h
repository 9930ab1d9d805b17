// The completion report as one self-contained HTML page: what the Markdown report holds,
// plus each side's run timeline (hover a task for its details; the critical path outlined),
// the per-task table sortable by any column, the verdicts with failing targets first, and
// the before/after distribution of every metric. Scripts, styles, charts and plots inline.
#pragma once

#include <ostream>

#include "report/completion_report.h"

namespace flowbench {

// `plots` of the input are read from `report_dir` and embedded as data: URIs.
void write_html_report(std::ostream& out, const ReportInput& input, const std::filesystem::path& report_dir);

}  // namespace flowbench
