#include "history/baseline.h"

#include <algorithm>
#include <cstdlib>

#include "util/text.h"

namespace flowbench::history {

namespace {

// The commits of the window, oldest first.
std::vector<const CommitSamples*> window_commits(const std::vector<CommitSamples>& timeline, const BaselineWindow& w) {
  std::size_t end = timeline.size();
  auto position = [&](const std::string& hash) {
    auto it = std::find_if(timeline.begin(), timeline.end(), [&](const CommitSamples& c) { return c.hash == hash; });
    return static_cast<std::size_t>(it - timeline.begin());
  };
  if (!w.up_to.empty()) {
    const std::size_t at = position(w.up_to);
    if (at < timeline.size()) {
      end = at + 1;
    } else {  // the merge-base was never recorded: what the branch had recorded by its time
      end = 0;
      while (end < timeline.size() && timeline[end].time <= w.up_to_time) ++end;
    }
  }
  if (!w.before.empty()) end = std::min(end, position(w.before));
  const std::size_t begin = end > w.commits ? end - w.commits : 0;
  std::vector<const CommitSamples*> out;
  for (std::size_t i = begin; i < end; ++i) out.push_back(&timeline[i]);
  return out;
}

std::string nearest_difference(const std::vector<Group>& groups, const Fingerprint& candidate, const std::string& branch) {
  const Group* nearest = nullptr;
  std::size_t fewest = 0;
  for (const auto& g : groups) {
    if (g.branch != branch || g.fingerprint.digest() == candidate.digest()) continue;
    const std::size_t n = fingerprint_differences(candidate, g.fingerprint).size();
    if (!nearest || n < fewest) nearest = &g, fewest = n;
  }
  if (!nearest) return "";
  return "the nearest, " + nearest->fingerprint.digest() + " (" + std::to_string(nearest->results.size()) +
         " results), differs in " + join(fingerprint_differences(candidate, nearest->fingerprint), ", ");
}

}  // namespace

Measurements history_baseline(const Snapshot& snapshot, const Fingerprint& candidate, const BaselineWindow& window,
                              const std::string& db_name) {
  Measurements m;
  const auto groups = groups_of(snapshot, false);
  const Group* ours = nullptr;
  for (const auto& g : groups) {
    if (g.branch == window.branch && g.fingerprint.digest() == candidate.digest()) ours = &g;
  }
  std::vector<const CommitSamples*> commits;
  std::vector<CommitSamples> timeline;
  if (ours) {
    timeline = timeline_of(*ours);
    commits = window_commits(timeline, window);
  }
  if (commits.empty()) {
    const std::string nearest = nearest_difference(groups, candidate, window.branch);
    m.not_comparable = db_name + " holds no " +
                       (ours ? "commit of " + window.branch + " before this one" : "result of " + window.branch) +
                       " measured like this (" + candidate.digest() + ")" + (nearest.empty() ? "" : "; " + nearest) +
                       "; fix: record " + window.branch + "'s results on this machine class and build first, or gate "
                       "against a stored --baseline";
    return m;
  }
  std::vector<std::string> names;
  for (std::size_t index = 0; index < commits.size(); ++index) {
    const auto* commit = commits[index];
    names.push_back(commit->hash.substr(0, 12));
    for (const auto& [key, values] : commit->samples) {
      const bool benchmark = key.variant == kBenchmarkVariant;
      auto& into = benchmark ? m.benchmarks[key.metric] : m.samples[key];
      into.insert(into.end(), values.begin(), values.end());
      auto& tags = benchmark ? m.benchmark_commits[key.metric] : m.sample_commits[key];
      tags.insert(tags.end(), values.size(), index);
    }
  }
  m.time_scale = std::atof(candidate.fields.count("time_scale") ? candidate.fields.at("time_scale").c_str() : "1");
  m.time_scale_known = true;
  m.source = db_name + " (" + window.branch + ": " + join(names, " ") + ")";
  return m;
}

}  // namespace flowbench::history
