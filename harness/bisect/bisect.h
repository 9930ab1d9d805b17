// `flowbench bisect`: from a regression between two commits to the commit that caused it.
// Each probed commit gets a git worktree (kept and reused), its build, and a same-job A/B
// measurement against the good end, in rounds until its level can be told (bisect/search.h).
// The state is a file in the bisect's folder, written after every probe, so an interrupted
// bisect continues with --resume and measures nothing twice; every probe's samples are
// recorded into the history with a bisect=<id> tag and their commit.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/local_run.h"
#include "bisect/search.h"
#include "gate/budgets.h"
#include "util/expected.h"

namespace flowbench::bisect {

struct Request {
  std::filesystem::path repo;     // a folder inside the git repository
  std::string good, bad;          // revisions as given
  std::string build;              // run with bash in each probed commit's worktree ("" = none)
  std::filesystem::path spec;     // relative to the repository: a workflow each arm runs, or
  std::filesystem::path bench;    // a Google Benchmark binary the build makes
  std::vector<std::filesystem::path> handlers;  // relative to the repository: searched first for a spec's programs
  std::vector<std::filesystem::path> own_handlers;  // absolute: searched after them (flowbench's own)
  std::string filter;             // --benchmark_filter
  RunMode mode = RunMode::kSequential;
  std::size_t jobs = 0;
  double time_scale = 1.0;
  Budgets budgets;                // the regression targets followed (others are ignored)
  std::filesystem::path out;      // the bisect's folder: bisect.json, trees/, rounds/
  bool resume = false;
  std::size_t max_rounds = 30;    // a probe's rounds before it counts as a skip
  std::size_t first_look = 5, look_every = 5;
  std::string db;                 // the history: a file or a postgresql:// string ("" = none)
  std::string branch;             // the branch the probes are recorded on ("" = the repository's)
};

struct ProbeRecord {
  std::size_t index = 0;          // in the range, 0 = good
  std::string commit, subject, author;
  std::string state;              // "measured", "skipped"
  std::string why;                // skipped: what failed
  Level level;
  std::string verdict;            // verdict_name()
  std::size_t rounds = 0;
  double seconds = 0;
};

struct Report {
  std::string id;
  std::vector<std::string> commits;     // the range, good first
  bool reproduced = false;
  std::string metric;                   // the followed target
  Level bad;                            // the bad end against good
  std::vector<ProbeRecord> probes;      // in the order measured
  Outcome outcome;
  double seconds = 0;
  int exit_status = 1;                  // 0 a culprit named; 1 not reproduced, undecided, unsplit
  nlohmann::ordered_json json;          // what --json writes
};

// Runs (or, with request.resume, continues) the bisect; progress and the probes' lines go to
// `out`. Errors (bad input: unknown or unrelated revisions, a dirty worktree, a build failing
// at both ends, a spec missing at one end) name the commit and the fix; no worktree is left
// behind by an error before the first probe.
Expected<Report> run_bisect(const Request& request, std::ostream& out);

}  // namespace flowbench::bisect
