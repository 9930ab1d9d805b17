// Rounds until decided: an A/B measurement in blocks of rounds, the budgets' regression targets
// judged after each block with the share of alpha that look may spend (gate/sequential.h),
// until every regression target is decided or the rounds or the time run out.
#pragma once

#include <ostream>
#include <vector>

#include "ab/arms.h"
#include "gate/gate.h"
#include "gate/noise.h"
#include "gate/sequential.h"

namespace flowbench {

struct UntilDecided {
  StoppingRule rule;
  double max_seconds = 0;  // 0: no time limit
};

struct Decided {
  ArmData data;
  std::vector<Verdict> verdicts;  // the last look's, each decided one as it was decided
  std::size_t rounds = 0;
};

// Every regression check of `budgets` compares against arm a's data (kept under `key`).
Baselines arm_a_baseline(Budgets& budgets, const ArmData& data, const std::filesystem::path& key);

// Runs the rounds; progress and each look's summary go to `progress`. An error for a failed
// measurement or evaluation; a signal that stopped it is in data.interrupted_signal.
Expected<Decided> measure_until_decided(const AbPlan& plan, const UntilDecided& how, Budgets& budgets,
                                        const NoiseFile* noise, std::ostream& progress);

}  // namespace flowbench
