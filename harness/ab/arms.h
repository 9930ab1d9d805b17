// Same-job A/B measurement: two arms (a baseline and a candidate) measured in rounds, each
// arm once per round in alternating or random order, so that drift of the machine hits
// both alike. An arm is a workflow spec run through the harness (with its own handler
// folders) or a Google Benchmark binary (with its own environment).
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "app/local_run.h"
#include "gate/measurements.h"
#include "util/expected.h"

namespace flowbench {

struct Arm {
  std::string name;                                 // "a" or "b": its folder under the output
  std::filesystem::path spec;                       // a workflow run (empty for a benchmark binary)
  std::vector<std::filesystem::path> handler_dirs;  // searched first for the spec's programs
  std::filesystem::path bench;                      // a Google Benchmark binary
  std::vector<std::string> env;                     // KEY=VALUE set for the binary
};

enum class RoundOrder { kAlternate, kRandom };

struct AbPlan {
  Arm a, b;
  std::size_t rounds = 10;
  RoundOrder order = RoundOrder::kRandom;
  std::uint64_t seed = 1;                 // of the random order
  std::filesystem::path out;              // <out>/a and <out>/b hold each arm's runs or JSON
  std::string filter;                     // benchmark binaries: --benchmark_filter
  RunMode mode = RunMode::kSequential;    // spec arms: how the workflow runs
  std::size_t jobs = 0;
  double time_scale = 1.0;
  std::string variant;                    // spec arms: the variant name of the runs ("" = mode)
};

struct ArmData {
  Measurements a, b;
  std::vector<std::string> order;  // "ab" or "ba" per round, as measured
  int interrupted_signal = 0;      // set when a signal stopped the measurement (data so far kept)
};

// Checks the plan before anything runs: each arm's spec loads (programs resolved with the
// arm's handler folders) or its benchmark binary is executable, and two specs have the
// same task ids. Errors name the file and the fix.
Status check_plan(const AbPlan& plan);

// Measures rounds [first_round, first_round + count) of the plan; progress lines go to
// `progress`. A round whose run or benchmark fails is an error naming its log. Each
// round's output stays on disk under plan.out.
Expected<ArmData> measure_arms(const AbPlan& plan, std::size_t first_round, std::size_t count, std::ostream& progress);

}  // namespace flowbench
