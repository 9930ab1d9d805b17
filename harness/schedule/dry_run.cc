#include "schedule/dry_run.h"

#include <algorithm>
#include <queue>
#include <set>

#include "schedule/plan.h"

namespace flowbench {

namespace {


// The longest path through the graph by expected duration, from its first task to its last.
std::vector<std::size_t> longest_path(const Workflow& workflow, const std::vector<double>& remaining,
                                      const std::vector<double>& expected_s) {
  std::vector<std::size_t> path;
  std::optional<std::size_t> at;
  for (std::size_t i = 0; i < workflow.tasks.size(); ++i) {
    if (workflow.deps[i].empty() && (!at || remaining[i] > remaining[*at])) at = i;
  }
  while (at) {
    path.push_back(*at);
    std::optional<std::size_t> next;
    for (std::size_t d : workflow.dependents[*at]) {
      if (!next || remaining[d] > remaining[*next]) next = d;
    }
    if (next && remaining[*next] + expected_s[*at] + 1e-9 < remaining[*at]) next.reset();
    at = next;
  }
  return path;
}

}  // namespace

DryRun simulate_schedule(const Dependencies& deps, const std::vector<double>& durations, std::size_t jobs,
                         const std::vector<double>& priority) {
  DryRun dry;
  dry.jobs = std::max<std::size_t>(jobs, 1);
  Plan plan(deps, priority);
  using Ending = std::pair<double, std::size_t>;  // (end time, index into dry.starts)
  std::priority_queue<Ending, std::vector<Ending>, std::greater<>> running;
  std::set<std::size_t> free_slots;
  for (std::size_t s = 0; s < dry.jobs; ++s) free_slots.insert(s);
  double now = 0;
  for (;;) {
    while (!free_slots.empty() && plan.has_ready()) {
      const std::size_t task = plan.start_next();
      const std::size_t slot = *free_slots.begin();
      free_slots.erase(free_slots.begin());
      dry.starts.push_back({task, now, now + durations[task], slot});
      running.push({now + durations[task], dry.starts.size() - 1});
    }
    if (running.empty()) break;
    const auto [end, index] = running.top();
    running.pop();
    now = end;
    free_slots.insert(dry.starts[index].slot);
    plan.succeeded(dry.starts[index].task);
  }
  dry.makespan_s = now;
  return dry;
}

DryRun simulate_run(const Workflow& workflow, const std::vector<double>& expected_s, std::size_t jobs,
                    bool prioritize) {
  const auto remaining = critical_path_priorities(workflow.deps, expected_s);
  DryRun dry = simulate_schedule(workflow.deps, expected_s, jobs,
                                 prioritize ? remaining : std::vector<double>(workflow.tasks.size(), 0.0));
  dry.critical_path = longest_path(workflow, remaining, expected_s);
  for (std::size_t task : dry.critical_path) dry.critical_path_s += expected_s[task];
  return dry;
}

}  // namespace flowbench
