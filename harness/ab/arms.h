// Same-job A/B measurement: two arms (a baseline and a candidate) measured in rounds, each
// arm once per round, so that drift of the machine hits both alike and the gate can compare
// them round by round. In turn (in alternating or random order within a round), or as a duet:
// both at the same moment, each pinned to its own half of the CPUs, the halves swapped from
// round to round, so that what disturbs the machine during a round disturbs both. An arm is a
// workflow spec run through the harness (with its own handler folders) or a Google Benchmark
// binary (with its own environment); a benchmark arm can also have its instructions counted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "app/local_run.h"
#include "gate/measurements.h"
#include "platform/instruction_count.h"
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
  bool duet = false;                      // both arms at once, each on its own CPUs
  std::vector<int> cpus;                  // duet: the CPUs to split (default: all flowbench may use)
  // Benchmark arms: the benchmarks whose instructions per iteration are counted each round
  // (names as --benchmark_list_tests prints them), and the counter.
  std::vector<std::string> count_benchmarks;
  platform::InstructionCounter counter = platform::InstructionCounter::kValgrind;
};

// Every sample the rounds gave, tagged with its round.
struct ArmData {
  Measurements a, b;
  std::vector<std::string> order;  // per round: "ab" or "ba" in turn, "duet a:0 b:1" in a duet
  std::vector<std::string> left_out;  // per failed arm and round: what failed and where its log is
  int interrupted_signal = 0;      // set when a signal stopped the measurement (data so far kept)
  double seconds = 0;              // wall time the rounds took
  std::map<std::string, std::pair<std::size_t, std::size_t>> outcomes;  // per arm: rounds run, rounds failed
};

// Checks the plan before anything runs: each arm's spec loads (programs resolved with the
// arm's handler folders) or its benchmark binary is executable, two specs have the same task
// ids, and a duet has the CPUs it needs. Errors name the file and the fix.
Status check_plan(const AbPlan& plan);

// The CPUs each arm of a duet gets in `round`: two halves of plan.cpus (all available ones
// when empty), swapped every round.
std::pair<std::vector<int>, std::vector<int>> duet_cpus(const AbPlan& plan, std::size_t round);

// Measures rounds [first_round, first_round + count) of the plan; progress lines go to
// `progress`. An arm that fails in a round is left out of that round (and said so in
// `left_out`); an arm failing in its very first round, or again in more than a fifth of the
// rounds, is an error naming its log. Each round's output stays on disk under plan.out.
// `before`: the rounds measured so far (their failures count).
Expected<ArmData> measure_arms(const AbPlan& plan, std::size_t first_round, std::size_t count, std::ostream& progress,
                               const ArmData* before = nullptr);

// Adds `more` (later rounds) to `into`.
Status append_rounds(ArmData& into, const ArmData& more);

}  // namespace flowbench
