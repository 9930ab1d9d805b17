#include "model/graph.h"

#include <algorithm>
#include <functional>
#include <queue>

namespace flowbench {

Dependencies reverse_edges(const Dependencies& deps) {
  Dependencies dependents(deps.size());
  for (std::size_t task = 0; task < deps.size(); ++task) {
    for (std::size_t dep : deps[task]) dependents[dep].push_back(task);
  }
  return dependents;  // ascending: tasks are visited in order
}

std::optional<std::vector<std::size_t>> find_cycle(const Dependencies& deps) {
  enum class Mark { kNew, kOnStack, kDone };
  std::vector<Mark> mark(deps.size(), Mark::kNew);
  std::vector<std::size_t> stack;
  // Iterative DFS (a 100,000-task chain must not overflow the call stack).
  for (std::size_t root = 0; root < deps.size(); ++root) {
    if (mark[root] != Mark::kNew) continue;
    std::vector<std::pair<std::size_t, std::size_t>> frames{{root, 0}};
    mark[root] = Mark::kOnStack;
    stack.push_back(root);
    while (!frames.empty()) {
      auto& [node, next] = frames.back();
      if (next < deps[node].size()) {
        const std::size_t child = deps[node][next++];
        if (mark[child] == Mark::kOnStack) {
          auto from = std::find(stack.begin(), stack.end(), child);
          std::vector<std::size_t> cycle(from, stack.end());
          cycle.push_back(child);
          // Edges point at dependencies; print in execution order (dependency first).
          std::reverse(cycle.begin(), cycle.end());
          return cycle;
        }
        if (mark[child] == Mark::kNew) {
          mark[child] = Mark::kOnStack;
          stack.push_back(child);
          frames.emplace_back(child, 0);
        }
      } else {
        mark[node] = Mark::kDone;
        stack.pop_back();
        frames.pop_back();
      }
    }
  }
  return std::nullopt;
}

std::vector<std::size_t> stable_topological_order(const Dependencies& deps) {
  const Dependencies dependents = reverse_edges(deps);
  std::vector<std::size_t> waiting(deps.size());
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t task = 0; task < deps.size(); ++task) {
    waiting[task] = deps[task].size();
    if (waiting[task] == 0) ready.push(task);
  }
  std::vector<std::size_t> order;
  order.reserve(deps.size());
  while (!ready.empty()) {
    const std::size_t task = ready.top();
    ready.pop();
    order.push_back(task);
    for (std::size_t next : dependents[task]) {
      if (--waiting[next] == 0) ready.push(next);
    }
  }
  return order;
}

std::vector<std::size_t> topological_order(const Dependencies& deps) {
  std::vector<std::size_t> order;
  order.reserve(deps.size());
  std::vector<char> placed(deps.size(), 0);  // 0: not seen, 1: on the stack, 2: placed
  std::vector<std::pair<std::size_t, std::size_t>> stack;  // task, next dependency to visit
  for (std::size_t root = 0; root < deps.size(); ++root) {
    if (placed[root]) continue;
    stack.push_back({root, 0});
    placed[root] = 1;
    while (!stack.empty()) {
      auto& [task, next] = stack.back();
      if (next < deps[task].size()) {
        const std::size_t dep = deps[task][next++];
        if (!placed[dep]) {
          placed[dep] = 1;
          stack.push_back({dep, 0});
        }
        continue;
      }
      placed[task] = 2;
      order.push_back(task);
      stack.pop_back();
    }
  }
  return order;
}

std::vector<double> remaining_path_lengths(const Dependencies& deps,
                                           const std::vector<double>& weights) {
  const Dependencies dependents = reverse_edges(deps);
  const std::vector<std::size_t> order = stable_topological_order(deps);
  std::vector<double> remaining(deps.size(), 0.0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    double longest_after = 0.0;
    for (std::size_t next : dependents[*it]) longest_after = std::max(longest_after, remaining[next]);
    remaining[*it] = weights[*it] + longest_after;
  }
  return remaining;
}

}  // namespace flowbench
