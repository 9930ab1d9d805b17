#include "history/timeline.h"

#include <algorithm>
#include <queue>
#include <set>
#include <tuple>

namespace flowbench::history {

std::string Group::name() const { return branch + " @ " + fingerprint.digest(); }

std::vector<Group> groups_of(const Snapshot& snapshot, bool include_dirty) {
  std::map<std::pair<std::string, std::string>, Group> groups;
  for (const auto& result : snapshot.results) {
    if (result.commit.dirty && !include_dirty) continue;
    Group& group = groups[{result.fingerprint.digest(), result.commit.branch}];
    group.fingerprint = result.fingerprint;
    group.branch = result.commit.branch;
    group.results.push_back(&result);
  }
  std::vector<Group> out;
  for (auto& [key, group] : groups) out.push_back(std::move(group));
  return out;
}

std::vector<CommitSamples> timeline_of(const Group& group) {
  struct Node {
    CommitSamples commit;
    std::vector<std::string> parents;
    std::int64_t first_result = 0;
    int waiting = 0;  // recorded parents not placed yet
    std::vector<std::string> children;
  };
  std::map<std::string, Node> nodes;
  for (const Result* result : group.results) {
    auto [it, fresh] = nodes.try_emplace(result->commit.hash);
    Node& node = it->second;
    if (fresh) {
      node.commit.hash = result->commit.hash;
      node.commit.time = result->commit.time;
      node.parents = result->commit.parents;
      node.first_result = result->id;
    }
    for (const auto& [key, values] : result->samples) {
      auto& pooled = node.commit.samples[key];
      pooled.insert(pooled.end(), values.begin(), values.end());
    }
  }
  for (auto& [hash, node] : nodes) {
    for (const auto& parent : node.parents) {
      auto found = nodes.find(parent);
      if (found == nodes.end() || parent == hash) continue;
      found->second.children.push_back(hash);
      ++node.waiting;
    }
  }
  // Kahn's order; among commits ready together, the older first.
  using Ready = std::tuple<std::int64_t, std::int64_t, std::string>;
  std::priority_queue<Ready, std::vector<Ready>, std::greater<>> ready;
  for (const auto& [hash, node] : nodes) {
    if (node.waiting == 0) ready.emplace(node.commit.time, node.first_result, hash);
  }
  std::vector<CommitSamples> out;
  while (!ready.empty()) {
    const std::string hash = std::get<2>(ready.top());
    ready.pop();
    Node& node = nodes[hash];
    for (const auto& child : node.children) {
      Node& c = nodes[child];
      if (--c.waiting == 0) ready.emplace(c.commit.time, c.first_result, child);
    }
    node.waiting = -1;  // placed
    out.push_back(std::move(node.commit));
  }
  // Parents given by hand (--parents) could form a cycle: its commits go last, by time.
  std::vector<Ready> left;
  for (const auto& [hash, node] : nodes) {
    if (node.waiting > 0) left.emplace_back(node.commit.time, node.first_result, hash);
  }
  std::sort(left.begin(), left.end());
  for (const auto& [time, first, hash] : left) out.push_back(std::move(nodes[hash].commit));
  return out;
}

Expected<std::size_t> find_commit(const std::vector<CommitSamples>& timeline, const std::string& prefix,
                                  const std::string& where) {
  std::vector<std::size_t> matches;
  for (std::size_t i = 0; i < timeline.size() && !prefix.empty(); ++i) {
    if (timeline[i].hash.rfind(prefix, 0) == 0) matches.push_back(i);
  }
  if (matches.size() == 1) return matches.front();
  if (matches.empty()) {
    return Error{where + ": no recorded commit starts with " + prefix + "; fix: name a commit `flowbench history "
                 "list` shows"};
  }
  return Error{where + ": " + prefix + " names " + std::to_string(matches.size()) +
               " recorded commits; fix: give more of the hash"};
}

std::vector<SampleKey> metrics_of(const std::vector<CommitSamples>& timeline) {
  std::set<SampleKey> keys;
  for (const auto& commit : timeline) {
    for (const auto& [key, values] : commit.samples) keys.insert(key);
  }
  return {keys.begin(), keys.end()};
}

std::string metric_label(const SampleKey& key) {
  if (key.variant == "run") return key.metric;
  return key.variant + " " + key.metric;
}

}  // namespace flowbench::history
