// The plan's analysis report of one run, printed: what `flowbench analyze RUN` shows.
#pragma once

#include <ostream>
#include <string>

#include "analyze/summary.h"

namespace flowbench {

// The plan's report, computed: totals, top 10 with share and class, the critical path,
// lower bounds, sibling sets, what-ifs, and every task's sub-operation breakdown.
void print_analysis(std::ostream& out, const RunAnalysis& analysis, double display_scale);

// One row of "where time can be won": "compile: 38.1% of Task 8 (at most 38.1% of Task 8 to
// win); at zero the workflow 12.4% shorter, at half 6.2%".
std::string ceiling_text(const RunRecord& run, const Ceiling& ceiling, double replayed_ms);

}  // namespace flowbench
