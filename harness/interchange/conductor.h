// Netflix/Orkes Conductor: a run's graph as a workflow definition, and a Conductor
// workflow execution read back as a run.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "analyze/run_data.h"
#include "interchange/imported_run.h"
#include "util/expected.h"

namespace flowbench {

// A WorkflowDef (schemaVersion 2): the graph cut into stages of mutually independent
// tasks (each task one stage after the latest of its dependencies); a stage of one task
// is a SIMPLE task, a larger one a FORK_JOIN with a branch per task and a JOIN on all of
// them. Every SIMPLE task carries its command as input and a task definition. A stage is a
// barrier, so for graphs that are not series-parallel the description states the staged
// makespan next to the critical path, both from this run's durations.
void write_conductor_workflow(std::ostream& out, const RunRecord& run);

// A finished workflow execution (GET /api/workflow/{id}?includeTasks=true): the
// dependencies come from its workflowDefinition (SIMPLE and other worker or system tasks
// in sequence, FORK_JOIN branches, JOIN), the times from each task's startTime/endTime
// (epoch ms; the last attempt of a retried task). Errors name `source`, the JSON path and
// the fix (a running execution, SWITCH or DO_WHILE, tasks missing from the definition).
Expected<ImportedRun> run_from_conductor(const nlohmann::json& execution, const std::string& source);

}  // namespace flowbench
