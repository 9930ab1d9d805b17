// Sub-operations a handler reports in its output, by the plan's convention
// "<op> ... [<N>ms]": the first word names the operation, N is its duration.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "model/workflow.h"
#include "record/profile.h"

namespace flowbench {

// The op on one line, if the line follows the convention. A trailing ':' on the first word
// is dropped; N may have a fraction ("[12.5ms]", "[12.5 ms]").
std::optional<Op> parse_op_line(std::string_view line);

// Quality counts from a JUnit XML file: testcases that passed, and those with a <failure>
// or <error>. nullopt when the file cannot be read or holds no testcase.
struct QualityCounts {
  int passed = 0;
  int failed = 0;
};
std::optional<QualityCounts> read_junit_counts(const std::filesystem::path& junit);

// Every op in a log file, in order. Reads in fixed-size chunks, so a log of any size
// costs constant memory; lines longer than `max_line` bytes are passed over.
std::vector<Op> scan_ops(const std::filesystem::path& log, std::size_t max_line = 4096);

// Sets the profile's quality counts from the JUnit file the task's "quality" block names
// (relative to its working folder), when the task has one and the file reads.
void read_task_quality(const Task& task, Profile& profile);

}  // namespace flowbench
