// A history read as timelines: results grouped by fingerprint and branch, their commits
// in history order, samples pooled per commit.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "history/store.h"

namespace flowbench::history {

// The results measured alike (one fingerprint) on one branch.
struct Group {
  Fingerprint fingerprint;
  std::string branch;
  std::vector<const Result*> results;
  std::string name() const;  // "main @ 3f2a9c1e0b4d"
};

// The groups of a snapshot, by fingerprint digest then branch. Results of a dirty work tree
// are left out unless `include_dirty` (they measured code no commit holds).
std::vector<Group> groups_of(const Snapshot& snapshot, bool include_dirty);

// One commit of a timeline: every sample its results hold, pooled per metric.
struct CommitSamples {
  std::string hash;
  std::int64_t time = 0;
  std::map<SampleKey, std::vector<double>> samples;
};

// The group's commits in history order: a parent before its children (as far as the
// recorded commits tell), else by commit time, then by when they were first recorded.
std::vector<CommitSamples> timeline_of(const Group& group);

// The index of the commit whose hash starts with `prefix`; an error when none or several do.
Expected<std::size_t> find_commit(const std::vector<CommitSamples>& timeline, const std::string& prefix,
                                  const std::string& where);

// Every (variant, metric) in the timeline, sorted.
std::vector<SampleKey> metrics_of(const std::vector<CommitSamples>& timeline);

// The display name of a metric: "makespan" for variant "run", "benchmark BM_X" for
// benchmarks, else "<variant> <metric>".
std::string metric_label(const SampleKey& key);

}  // namespace flowbench::history
