// A run's task logs: a file a task (logs/task-<id>.log), or, with `run --logs combined`, one
// appended file and its index, so a run of 100,000 tasks writes two files instead of 100,000.
//   logs/combined.log          every ended task's output, one after another
//   logs/combined.index.jsonl  a line a task: {"id": "8", "offset": 1024, "bytes": 311}
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "util/expected.h"

namespace flowbench {

inline constexpr const char* kCombinedLog = "logs/combined.log";
inline constexpr const char* kCombinedIndex = "logs/combined.index.jsonl";

// Appends a task's log file to the run's combined log, indexes it, and removes it. `offset`
// is the combined log's size so far, and grows by what was appended. A task with no log file
// gets an empty entry.
Status move_into_combined_log(const std::filesystem::path& run, const std::filesystem::path& task_log,
                              const std::string& id, std::uint64_t& offset);

// A task's output, byte for byte: from the combined log when the run has one (its last
// index entry for the task), else from logs/task-<id>.log. Errors name the file (and the
// index line) and the fix.
Expected<std::string> task_log(const std::filesystem::path& run, const std::string& id);

}  // namespace flowbench
