// Statistics over runs and comparisons of two series, printed: what `flowbench analyze
// SERIES` and `flowbench compare` show.
#pragma once

#include <ostream>

#include "analyze/series.h"

namespace flowbench {

// Per task over the runs: n, median, MAD, min, max and the 95% CI of the median.
void print_stats(std::ostream& out, const std::vector<TaskStats>& stats, std::size_t runs, double display_scale);
// Per task: medians before and after, the change, the Mann-Whitney p-value, the verdict.
void print_changes(std::ostream& out, const std::vector<Change>& changes, const CompareOptions& options,
                   double display_scale);

}  // namespace flowbench
