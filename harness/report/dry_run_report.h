// Writers of a dry run: the schedule as a table, and as JSON for tools.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

#include "schedule/dry_run.h"

namespace flowbench {

// The start order as a table, the critical path and the projected makespan (model seconds,
// and measured seconds at `time_scale`).
void print_dry_run(std::ostream& out, const Workflow& workflow, const DryRun& dry, double time_scale);

nlohmann::ordered_json dry_run_json(const Workflow& workflow, const DryRun& dry, double time_scale);

}  // namespace flowbench
