// WfFormat 1.5 (WfCommons): a run written as an instance, and a recorded instance turned
// into a runnable spec that replays it.
#pragma once

#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "analyze/run_data.h"
#include "util/expected.h"

namespace flowbench {

// A WfFormat 1.5 instance of the run: the graph as the specification (ids, names, parents,
// children) and every task that ran as the execution (runtime, start, command, average
// CPU, peak memory, machine), with the run's makespan. Tasks that never ran are in the
// specification only.
void write_wfformat(std::ostream& out, const RunRecord& run, const std::string& flowbench_version);

struct WfImportOptions {
  std::string handler = "synth";   // the program that replays each task
};

// A flowbench.workflow/1 spec with one `synth` task per instance task: the recorded
// runtimeInSeconds as --duration-s (model seconds, so `run --time-scale` scales the
// replay), avgCPU as --cpu-fraction, parents as `after`, the runtime as expected_s.
// `source` names the file in errors (JSON path and fix included).
Expected<nlohmann::ordered_json> spec_from_wfformat(const nlohmann::json& instance, const std::string& source,
                                                    const WfImportOptions& options = {});

}  // namespace flowbench
