// A calibrated synthetic task: CPU work, waiting, file IO and memory, in named phases.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace flowbench::synth {

struct Phase {
  std::string name;   // empty for the unnamed remainder
  double fraction;    // of the whole duration
};

struct Workload {
  double duration_s = 1.0;     // model seconds
  double cpu_fraction = 0.1;   // share of the duration spent on CPU
  double io_mb = 0;            // MiB written and fsynced
  double mem_mb = 0;           // MiB touched and held until the end
  int exit_code = 0;
  double time_scale = 1.0;     // real seconds per model second
  double slowdown = 1.0;       // an injected slowdown factor (for gate tests)
  std::vector<Phase> phases;   // named sub-operations; the rest of the time is unnamed
  std::filesystem::path io_dir = "/tmp";
};

// Parses "parse=0.2,render=0.5" into phases, adding the unnamed remainder. The error
// says what to fix; fractions must be positive and add up to at most 1.
std::optional<std::vector<Phase>> parse_phases(const std::string& text, std::string& error);

// Checks the numbers of a workload; returns an error message or empty.
std::string check(const Workload& workload);

// Does the work, printing "<phase> [<N>ms]" for each named phase on `out`.
// CPU time is measured with the thread CPU clock, so contention stretches a phase the
// way it would stretch a real task. Returns the exit code to use.
int run(const Workload& workload, std::ostream& out);

}  // namespace flowbench::synth
