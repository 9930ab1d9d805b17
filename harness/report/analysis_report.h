// The plan's analysis report of one run, printed: what `flowbench analyze RUN` shows.
#pragma once

#include <ostream>

#include "analyze/summary.h"

namespace flowbench {

// The plan's report, computed: totals, top 10 with share and class, the critical path,
// lower bounds, sibling sets, what-ifs, and every task's sub-operation breakdown.
void print_analysis(std::ostream& out, const RunAnalysis& analysis, double display_scale);

}  // namespace flowbench
