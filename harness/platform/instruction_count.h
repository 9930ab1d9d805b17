// Counting the instructions a command executes, all its processes included: from the
// hardware counter (perf_event_open, inherited by every child) where the machine has one,
// else from valgrind (cachegrind without cache simulation, following children). A count
// says how much work ran, whatever else the machine was doing.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "util/expected.h"

namespace flowbench::platform {

enum class InstructionCounter { kPerfEvent, kValgrind };
const char* counter_name(InstructionCounter counter);  // "perf_event", "valgrind"

// Whether the hardware counter can count user-space instructions of a child here; `why`
// says what failed (no PMU in this VM, perf_event_paranoid, ...).
bool perf_instructions_available(std::string& why);

// Whether valgrind is on PATH (or at /usr/bin/valgrind); its path, or empty.
std::filesystem::path valgrind_path();

// The counter to use: `wanted` "perf", "valgrind" or "auto" (perf where it works, else
// valgrind). An error naming what is missing and the fix when none works.
Expected<InstructionCounter> choose_counter(const std::string& wanted);

struct CountRequest {
  std::filesystem::path executable;  // absolute
  std::vector<std::string> argv;     // argv[0] included
  std::vector<std::string> env;      // the whole environment
  std::filesystem::path cwd;
  std::filesystem::path log;         // stdout and stderr
  std::filesystem::path scratch;     // a folder for the counter's own files (valgrind's)
};

struct Counted {
  int exit_code = 0;      // 128+signal when killed
  double instructions = 0;  // user-space instructions of every process of the command
};

// Runs the command to its end under the counter.
Expected<Counted> count_instructions(InstructionCounter counter, const CountRequest& request);

}  // namespace flowbench::platform
