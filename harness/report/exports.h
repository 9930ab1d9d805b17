// A run in formats other tools open. Every writer takes a stream.
#pragma once

#include <ostream>
#include <string>

#include "analyze/run_data.h"

namespace flowbench {

// JUnit XML: one testsuite for the run, one testcase per task (time in seconds); failed,
// timed out and interrupted tasks carry a <failure>, skipped ones a <skipped>.
void write_junit(std::ostream& out, const RunRecord& run);

// Chrome trace (chrome://tracing, Perfetto): a track per concurrent slot, sub-operations
// nested under their task.
void write_chrome_trace(std::ostream& out, const RunRecord& run);

// Google Benchmark JSON: each task that ran as a benchmark "BM_Task/<id>-<name>" with
// its wall time as real_time and CPU user+sys as cpu_time (ms), one iteration, and the
// run's makespan as "BM_Workflow/<mode>", so compare.py and continuous-benchmarking
// services read it.
void write_gbench_json(std::ostream& out, const RunRecord& run);

}  // namespace flowbench
