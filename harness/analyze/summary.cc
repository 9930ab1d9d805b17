#include "analyze/summary.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "analyze/bounds.h"
#include "util/text.h"
#include "util/time_format.h"

namespace flowbench {
using nlohmann::ordered_json;

namespace {

double duration_of(const TaskRecord& task) { return task.profile ? task.profile->duration_ms : 0.0; }

// Tasks that wait for exactly the same tasks (two or more) can all run at once: the sets in
// the order of their sorted dependency lists, members in the spec's order.
std::vector<SiblingSet> sibling_sets(const RunRecord& run, const std::vector<double>& durations) {
  // Each task's dependencies sorted, in one flat array (a map keyed by vectors costs an
  // allocation a task: 100,000 of them in a big run).
  const std::size_t n = run.tasks.size();
  std::vector<std::size_t> begin(n + 1, 0), flat;
  for (std::size_t i = 0; i < n; ++i) {
    flat.insert(flat.end(), run.deps[i].begin(), run.deps[i].end());
    std::sort(flat.begin() + std::ptrdiff_t(begin[i]), flat.end());
    begin[i + 1] = flat.size();
  }
  auto deps_of = [&](std::size_t i) {
    return std::pair{flat.begin() + std::ptrdiff_t(begin[i]), flat.begin() + std::ptrdiff_t(begin[i + 1])};
  };
  auto less = [&](std::size_t l, std::size_t r) {
    auto [lb, le] = deps_of(l);
    auto [rb, re] = deps_of(r);
    return std::lexicographical_compare(lb, le, rb, re);
  };
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), less);
  std::vector<SiblingSet> sets;
  for (std::size_t first = 0, last = 0; first < n; first = last) {
    for (last = first + 1; last < n && !less(order[first], order[last]); ++last) {
    }
    if (last - first < 2) continue;
    SiblingSet set;
    auto [db, de] = deps_of(order[first]);
    for (auto dep = db; dep != de; ++dep) set.after.push_back(run.tasks[*dep].id);
    for (std::size_t k = first; k < last; ++k) {
      const std::size_t m = order[k];
      set.tasks.push_back(run.tasks[m].id);
      set.sequential_ms += durations[m];
      set.parallel_ms = std::max(set.parallel_ms, durations[m]);
    }
    sets.push_back(std::move(set));
  }
  return sets;
}

ordered_json time_won_json(const RunAnalysis& a) {
  const RunRecord& run = *a.run;
  const TimeWon& won = a.time_won;
  ordered_json rows = ordered_json::array();
  for (const auto& c : won.ceilings) {
    ordered_json row = {{"task", run.tasks[c.task].id}, {"name", run.tasks[c.task].name}};
    if (!c.op.empty()) row["op"] = c.op;
    row["ms"] = c.ms;
    row["share_of_task"] = c.share_of_task;
    row["share_of_work"] = c.share_of_work;
    row["makespan_at_zero_ms"] = c.makespan_zero_ms;
    row["makespan_at_half_ms"] = c.makespan_half_ms;
    row["saving_at_zero"] = won.replayed_ms > 0 ? 1 - c.makespan_zero_ms / won.replayed_ms : 0.0;
    row["saving_at_half"] = won.replayed_ms > 0 ? 1 - c.makespan_half_ms / won.replayed_ms : 0.0;
    rows.push_back(std::move(row));
  }
  return {{"workers", won.workers}, {"replayed_makespan_ms", won.replayed_ms}, {"every_task", won.every_task},
          {"rows", std::move(rows)}};
}

// The tight bound, where time can be won and each task's slack.
void add_time_won(ordered_json& out, const RunAnalysis& a) {
  const RunRecord& run = *a.run;
  out["makespan_vs_tight_bound"] = {
      {"workers", a.workers},
      {"bound_ms", a.tight_bound_at_workers_ms},
      {"excess", a.tight_bound_at_workers_ms > 0 ? a.makespan_ms / a.tight_bound_at_workers_ms - 1 : 0.0},
      {"scheduling_could_save", a.makespan_ms > 0 ? std::max(0.0, 1 - a.tight_bound_at_workers_ms / a.makespan_ms) : 0.0}};
  out["where_time_can_be_won"] = time_won_json(a);
  ordered_json slack = ordered_json::object();
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    if (run.tasks[i].profile) slack[run.tasks[i].id] = a.time_won.slack_ms[i];
  }
  out["slack_ms"] = std::move(slack);
}

}  // namespace

Expected<WhatIf> parse_what_if(const std::string& text) {
  const auto eq = text.find('=');
  std::string value = eq == std::string::npos ? "" : text.substr(eq + 1);
  WhatIf w;
  if (!value.empty() && value.back() == 's') {
    w.factor = false;
    value.pop_back();
  } else if (!value.empty() && value.back() == 'x') {
    value.pop_back();
  }
  char* end = nullptr;
  w.value = value.empty() ? -1 : std::strtod(value.c_str(), &end);
  if (eq == 0 || eq == std::string::npos || !end || *end != '\0' || !(w.value >= 0)) {
    return Error{"--what-if " + text + ": write TASK=FACTOR (0 or more: 8=0.5 halves task 8, 3=0 removes task 3) or "
                 "TASK=SECONDS (8=600s)"};
  }
  w.id = text.substr(0, eq);
  return w;
}

PathResult critical_path(const RunRecord& run, const std::vector<double>& durations_ms) {
  const std::size_t n = run.tasks.size();
  const std::vector<std::size_t> order = topological_order(run.deps);
  std::vector<double> finish(n, 0);
  std::vector<std::optional<std::size_t>> via(n);
  for (std::size_t task : order) {
    double start = 0;
    for (std::size_t dep : run.deps[task]) {
      if (finish[dep] > start) {
        start = finish[dep];
        via[task] = dep;
      }
    }
    finish[task] = start + durations_ms[task];
  }
  PathResult result;
  if (n == 0) return result;
  std::size_t last = static_cast<std::size_t>(std::max_element(finish.begin(), finish.end()) - finish.begin());
  result.length_ms = finish[last];
  for (std::optional<std::size_t> at = last; at; at = via[*at]) result.tasks.push_back(run.tasks[*at].id);
  std::reverse(result.tasks.begin(), result.tasks.end());
  return result;
}

namespace {

// Each node's tasks and time, from the profiles that name a node.
std::vector<NodeTime> node_times(const RunRecord& run, const std::vector<double>& durations) {
  std::map<std::string, NodeTime> by_node;
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    if (!run.tasks[i].profile) continue;
    const auto& facts = run.tasks[i].profile->extra().executor;
    if (!facts.is_object() || !facts.contains("node") || !facts["node"].is_string()) continue;
    const std::string name = facts["node"].get<std::string>();
    NodeTime& node = by_node[name];
    node.node = name;
    ++node.tasks;
    node.busy_ms += durations[i];
    if (durations[i] > node.slowest_ms || node.slowest_task.empty()) {
      node.slowest_ms = durations[i];
      node.slowest_task = run.tasks[i].id;
    }
  }
  std::vector<NodeTime> nodes;
  for (auto& [name, node] : by_node) nodes.push_back(std::move(node));
  return nodes;
}

}  // namespace

Expected<RunAnalysis> analyze_run(const RunRecord& run, const std::vector<WhatIf>& what_ifs, double display_scale,
                                  std::size_t workers) {
  RunAnalysis a;
  a.run = &run;
  std::vector<double> durations;
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    durations.push_back(duration_of(run.tasks[i]));
    if (run.tasks[i].profile) {
      a.total_ms += durations.back();
      ++a.task_count;
      a.by_duration.push_back(i);
    }
  }
  std::stable_sort(a.by_duration.begin(), a.by_duration.end(),
                   [&](std::size_t l, std::size_t r) { return durations[l] > durations[r]; });
  for (std::size_t i : a.by_duration) {
    const double pct = a.total_ms > 0 ? durations[i] / a.total_ms * 100 : 0;
    if (pct > 10) a.critical_tasks.push_back(run.tasks[i].id);
    if (pct > 5 && pct <= 10) a.major_tasks.push_back(run.tasks[i].id);
  }
  a.nodes = node_times(run, durations);
  a.path = critical_path(run, durations);
  a.makespan_ms = run.makespan_ms;
  a.parallelism = a.makespan_ms > 0 ? a.total_ms / a.makespan_ms : 0;
  for (int workers : {1, 2, 4}) {
    a.lower_bounds.push_back({std::to_string(workers), std::max(a.path.length_ms, a.total_ms / workers)});
  }
  a.lower_bounds.push_back({"unlimited", a.path.length_ms});
  const bool sequential = run.context.value("mode", std::string()) == "sequential";
  const auto jobs = run.context.contains("jobs") && run.context["jobs"].is_number_unsigned()
                        ? run.context["jobs"].get<std::size_t>() : std::size_t{1};
  a.workers = workers > 0 ? workers : sequential ? 1 : std::max<std::size_t>(1, jobs);
  a.bound_at_workers_ms = std::max(a.path.length_ms, a.total_ms / static_cast<double>(a.workers));
  a.tight_bound_at_workers_ms = tight_lower_bound(run.deps, durations, a.workers);
  std::vector<std::vector<std::pair<std::string, double>>> ops(run.tasks.size());
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    if (!run.tasks[i].profile) continue;
    for (const auto& op : run.tasks[i].profile->ops) ops[i].emplace_back(op.name, op.duration_ms);
  }
  a.time_won = where_time_can_be_won(run.deps, durations, ops, a.workers);
  const bool all_expected = !run.tasks.empty() && std::all_of(run.tasks.begin(), run.tasks.end(),
                                                                [](const TaskRecord& t) { return t.expected_s.has_value(); });
  if (all_expected) {
    std::vector<double> expected;
    for (const auto& task : run.tasks) expected.push_back(*task.expected_s * 1000.0 * run.time_scale);
    a.expected_path = critical_path(run, expected);
    for (double ms : expected) a.expected_total_ms += ms;
    a.expected_bound_at_workers_ms =
        std::max(a.expected_path->length_ms, a.expected_total_ms / static_cast<double>(a.workers));
  }
  a.siblings = sibling_sets(run, durations);
  if (!what_ifs.empty()) {
    std::vector<double> changed = durations;
    for (const auto& w : what_ifs) {
      auto index = run.index_of(w.id);
      if (!index) return Error{"--what-if " + w.id + ": no task with that id in " + run.dir.string() + "; fix: name a task of this run (flowbench analyze lists them)"};
      changed[*index] = w.factor ? durations[*index] * w.value : w.value * 1000.0 * display_scale;
    }
    a.what_ifs = what_ifs;
    a.what_if_path = critical_path(run, changed);
    a.what_if_replayed_ms = replay_schedule(run.deps, changed, a.workers).makespan_s;
    a.what_if_bound_ms = tight_lower_bound(run.deps, changed, a.workers);
    for (std::size_t i = 0; i < run.tasks.size(); ++i) {
      if (run.tasks[i].profile) a.what_if_total_ms += changed[i];
    }
  }
  return a;
}

ordered_json summary_json(const RunAnalysis& a, double display_scale) {
  const RunRecord& run = *a.run;
  ordered_json out;
  const TaskRecord* slowest = a.by_duration.empty() ? nullptr : &run.tasks[a.by_duration.front()];
  auto plan_id = [&](const std::string& id) -> ordered_json {
    auto index = run.index_of(id);
    return index && run.tasks[*index].profile ? ordered_json(run.tasks[*index].profile->task_id) : ordered_json(id);
  };
  out["total_duration_ms"] = a.total_ms;
  out["total_duration_min"] = a.total_ms / 60000;
  out["task_count"] = a.task_count;
  out["slowest_task_id"] = slowest ? ordered_json(slowest->profile->task_id) : ordered_json(nullptr);
  out["slowest_task_duration_min"] = slowest ? slowest->profile->duration_ms / 60000 : 0.0;
  out["critical_path_tasks"] = ordered_json::array();
  for (const auto& id : a.critical_tasks) out["critical_path_tasks"].push_back(plan_id(id));
  out["major_path_tasks"] = ordered_json::array();
  for (const auto& id : a.major_tasks) out["major_path_tasks"].push_back(plan_id(id));
  out["schema"] = "flowbench.summary/1";
  out["run_id"] = run.run_id;
  out["status"] = run.status;
  out["time_scale"] = run.time_scale;
  out["display_scale"] = display_scale;
  out["makespan_ms"] = a.makespan_ms;
  out["parallelism"] = a.parallelism;
  ordered_json path_ids = ordered_json::array();
  for (const auto& id : a.path.tasks) path_ids.push_back(plan_id(id));
  out["graph_critical_path"] = {{"tasks", std::move(path_ids)}, {"length_ms", a.path.length_ms}};
  ordered_json bounds = ordered_json::object();
  for (const auto& [workers, ms] : a.lower_bounds) bounds[workers] = ms;
  out["makespan_lower_bound_ms"] = std::move(bounds);
  out["makespan_vs_bound"] = {{"workers", a.workers},
                              {"bound_ms", a.bound_at_workers_ms},
                              {"excess", a.bound_at_workers_ms > 0 ? a.makespan_ms / a.bound_at_workers_ms - 1 : 0.0}};
  add_time_won(out, a);
  if (!a.nodes.empty()) {
    ordered_json nodes = ordered_json::array();
    for (const auto& n : a.nodes) {
      nodes.push_back({{"node", n.node}, {"tasks", n.tasks}, {"busy_ms", n.busy_ms},
                       {"share_of_work", a.total_ms > 0 ? n.busy_ms / a.total_ms : 0.0},
                       {"slowest_task", plan_id(n.slowest_task)}, {"slowest_ms", n.slowest_ms}});
    }
    out["nodes"] = std::move(nodes);
  }
  if (a.expected_path) {
    ordered_json ids = ordered_json::array();
    for (const auto& id : a.expected_path->tasks) ids.push_back(plan_id(id));
    out["expected"] = {{"critical_path", {{"tasks", ids}, {"length_ms", a.expected_path->length_ms}}},
                       {"total_ms", a.expected_total_ms},
                       {"bound_at_workers_ms", a.expected_bound_at_workers_ms}};
  }
  ordered_json siblings = ordered_json::array();
  for (const auto& s : a.siblings) {
    siblings.push_back({{"tasks", s.tasks}, {"after", s.after}, {"sequential_ms", s.sequential_ms},
                        {"parallel_ms", s.parallel_ms}, {"saving_ms", s.sequential_ms - s.parallel_ms}});
  }
  out["parallel_sets"] = std::move(siblings);
  if (a.what_if_path) {
    ordered_json factors = ordered_json::object(), seconds = ordered_json::object();
    for (const auto& w : a.what_ifs) (w.factor ? factors : seconds)[w.id] = w.value;
    out["what_if"] = {{"factors", factors},
                      {"seconds", seconds},
                      {"workers", a.workers},
                      {"makespan_ms", a.what_if_replayed_ms},
                      {"replayed_ms", a.time_won.replayed_ms},
                      {"critical_path", a.what_if_path->tasks},
                      {"critical_path_ms", a.what_if_path->length_ms},
                      {"tight_bound_ms", a.what_if_bound_ms},
                      {"total_duration_ms", a.what_if_total_ms}};
  }
  return out;
}

}  // namespace flowbench
