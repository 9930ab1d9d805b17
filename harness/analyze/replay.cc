#include "analyze/replay.h"

#include <algorithm>
#include <limits>

#include "schedule/plan.h"

namespace flowbench {

DryRun replay_schedule(const Dependencies& deps, const std::vector<double>& durations, std::size_t workers) {
  return simulate_schedule(deps, durations, workers, critical_path_priorities(deps, durations));
}

std::vector<double> schedule_slack(const Dependencies& deps, const std::vector<double>& durations, const DryRun& schedule) {
  const std::size_t n = deps.size();
  std::vector<double> end(n, 0.0);
  std::vector<std::vector<std::size_t>> next(n);  // what cannot start before a task ends
  std::vector<std::size_t> last_on_slot(schedule.jobs, n);
  for (const auto& s : schedule.starts) {  // in start order
    end[s.task] = s.end_s;
    if (last_on_slot[s.slot] < n) next[last_on_slot[s.slot]].push_back(s.task);
    last_on_slot[s.slot] = s.task;
  }
  for (std::size_t task = 0; task < n; ++task) {
    for (std::size_t dep : deps[task]) next[dep].push_back(task);
  }
  // Latest finish without delaying the makespan, backwards in start order (everything a
  // task must end before starts after it).
  std::vector<double> latest_finish(n, schedule.makespan_s);
  for (auto it = schedule.starts.rbegin(); it != schedule.starts.rend(); ++it) {
    const std::size_t task = it->task;
    for (std::size_t later : next[task]) {
      latest_finish[task] = std::min(latest_finish[task], latest_finish[later] - durations[later]);
    }
  }
  std::vector<double> slack(n, 0.0);
  for (std::size_t task = 0; task < n; ++task) slack[task] = std::max(0.0, latest_finish[task] - end[task]);
  return slack;
}

TimeWon where_time_can_be_won(const Dependencies& deps, const std::vector<double>& durations_ms,
                              const std::vector<std::vector<std::pair<std::string, double>>>& ops,
                              std::size_t workers, std::size_t max_tasks) {
  TimeWon won;
  won.workers = std::max<std::size_t>(workers, 1);
  const DryRun base = replay_schedule(deps, durations_ms, won.workers);
  won.replayed_ms = base.makespan_s;
  won.slack_ms = schedule_slack(deps, durations_ms, base);
  double work = 0;
  for (double ms : durations_ms) work += ms;
  std::vector<std::size_t> tried(durations_ms.size());
  for (std::size_t i = 0; i < tried.size(); ++i) tried[i] = i;
  if (tried.size() > max_tasks) {
    won.every_task = false;
    std::partial_sort(tried.begin(), tried.begin() + static_cast<std::ptrdiff_t>(max_tasks), tried.end(),
                      [&](std::size_t a, std::size_t b) { return durations_ms[a] > durations_ms[b]; });
    tried.resize(max_tasks);
  }
  std::vector<double> changed = durations_ms;
  auto replayed_with = [&](std::size_t task, double ms) {
    changed[task] = ms;
    const double makespan = replay_schedule(deps, changed, won.workers).makespan_s;
    changed[task] = durations_ms[task];
    return makespan;
  };
  auto ceiling = [&](std::size_t task, const std::string& op, double ms) {
    Ceiling c;
    c.task = task;
    c.op = op;
    c.ms = ms;
    c.share_of_task = durations_ms[task] > 0 ? ms / durations_ms[task] : 0;
    c.share_of_work = work > 0 ? ms / work : 0;
    c.makespan_zero_ms = replayed_with(task, std::max(0.0, durations_ms[task] - ms));
    c.makespan_half_ms = replayed_with(task, std::max(0.0, durations_ms[task] - ms / 2));
    won.ceilings.push_back(c);
  };
  for (std::size_t task : tried) {
    if (durations_ms[task] <= 0) continue;
    ceiling(task, "", durations_ms[task]);
    if (task < ops.size()) {
      for (const auto& [name, ms] : ops[task]) ceiling(task, name, std::min(ms, durations_ms[task]));
    }
  }
  std::stable_sort(won.ceilings.begin(), won.ceilings.end(), [](const Ceiling& a, const Ceiling& b) {
    if (a.makespan_zero_ms != b.makespan_zero_ms) return a.makespan_zero_ms < b.makespan_zero_ms;
    return a.ms > b.ms;
  });
  return won;
}

}  // namespace flowbench
