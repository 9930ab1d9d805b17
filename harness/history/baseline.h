// Baselines that follow the code: the samples of the last commits recorded on a branch,
// measured like the candidate.
#pragma once

#include <string>

#include "history/timeline.h"

namespace flowbench::history {

struct BaselineWindow {
  std::string branch = "main";
  std::size_t commits = 5;
  std::string before;  // the candidate's commit: only commits before it count ("" = none)
  std::string up_to;   // a merge-base: commits up to and including it ("" = none)
  std::int64_t up_to_time = 0;  // its commit time, used when it was never recorded
};

// The pooled samples of the window's commits of `branch` with the candidate's fingerprint,
// clean trees only, as measurements (benchmarks under their names). When there are none,
// `not_comparable` says why: no results on the branch, or what the nearest fingerprint
// recorded there differs in. `source` names the commits used.
Measurements history_baseline(const Snapshot& snapshot, const Fingerprint& candidate, const BaselineWindow& window,
                              const std::string& db_name);

}  // namespace flowbench::history
