// Instructions per iteration of Google Benchmark entries, counted on a whole process tree
// (platform/instruction_count.h): a benchmark is run once with one repetition and once with
// two, each alone (--benchmark_filter=^name$), and the per-iteration count is the difference
// over the difference in iterations. What the process does once (start-up, the benchmark's
// own set-up, reporting) cancels; what every iteration does, in process or in the processes
// it starts (a compiler), is counted.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "platform/instruction_count.h"
#include "util/expected.h"

namespace flowbench {

// The names of the benchmarks `bench` would run with `filter` (--benchmark_list_tests).
Expected<std::vector<std::string>> list_benchmarks(const std::filesystem::path& bench, const std::string& filter,
                                                   const std::vector<std::string>& env,
                                                   const std::filesystem::path& scratch);

// Instructions per iteration of each named benchmark, by its name as the gate keys it
// (without /manual_time, /real_time, /iterations:N). Logs and the counter's files go under
// `folder`. An error names the benchmark and its log when a run fails.
Expected<std::map<std::string, double>> count_benchmark_instructions(const std::filesystem::path& bench,
                                                                      const std::vector<std::string>& names,
                                                                      const std::vector<std::string>& env,
                                                                      platform::InstructionCounter counter,
                                                                      const std::filesystem::path& folder);

}  // namespace flowbench
