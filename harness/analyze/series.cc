#include "analyze/series.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace flowbench {
using nlohmann::ordered_json;

namespace {

// Samples per task id (ok or cached runs only), and the makespans, in first-seen order.
struct Samples {
  std::vector<std::pair<std::string, std::string>> order;  // id, name
  std::map<std::string, std::vector<double>> by_id;
};

Samples collect(const std::vector<RunRecord>& runs) {
  Samples s;
  for (const auto& run : runs) {
    for (const auto& task : run.tasks) {
      if (!s.by_id.count(task.id)) s.order.push_back({task.id, task.name});
      auto& samples = s.by_id[task.id];
      if (task.profile && (task.profile->status == TaskStatus::kOk || task.profile->status == TaskStatus::kCached)) {
        samples.push_back(task.profile->duration_ms);
      }
    }
    if (!s.by_id.count(kTotalId)) s.order.push_back({kTotalId, "makespan"});
    if (run.status == "complete") s.by_id[kTotalId].push_back(run.makespan_ms);
  }
  return s;
}

}  // namespace

std::vector<TaskStats> series_stats(const std::vector<RunRecord>& runs, double unstable_mad_share) {
  const Samples s = collect(runs);
  std::vector<TaskStats> stats;
  for (const auto& [id, name] : s.order) {
    TaskStats t;
    t.id = id;
    t.name = name;
    t.samples_ms = s.by_id.at(id);
    if (!t.samples_ms.empty()) {
      t.median = median(t.samples_ms);
      t.mad = mad(t.samples_ms);
      t.min = *std::min_element(t.samples_ms.begin(), t.samples_ms.end());
      t.max = *std::max_element(t.samples_ms.begin(), t.samples_ms.end());
      t.ci95 = median_ci95(t.samples_ms);
      t.unstable = t.median > 0 && t.mad > unstable_mad_share * t.median;
    }
    stats.push_back(std::move(t));
  }
  return stats;
}

std::vector<Change> compare_runs(const std::vector<RunRecord>& before, const std::vector<RunRecord>& after,
                                 const CompareOptions& options) {
  const Samples b = collect(before), a = collect(after);
  std::vector<Change> changes;
  for (const auto& [id, name] : b.order) {
    Change c;
    c.id = id;
    c.name = name;
    const auto& xs = b.by_id.at(id);
    const std::vector<double> ys = a.by_id.count(id) ? a.by_id.at(id) : std::vector<double>{};
    c.n_before = xs.size();
    c.n_after = ys.size();
    if (xs.empty() || ys.empty()) {
      c.verdict = ys.empty() ? "not measured after" : "not measured before";
      changes.push_back(std::move(c));
      continue;
    }
    c.before_ms = median(xs);
    c.after_ms = median(ys);
    c.change_ms = c.after_ms - c.before_ms;
    c.change = c.before_ms > 0 ? c.after_ms / c.before_ms - 1 : 0;
    if (xs.size() >= 5 && ys.size() >= 5) c.p_value = mann_whitney_u(xs, ys).p_value;
    const char* direction = c.change < 0 ? "faster" : "slower";
    if (std::fabs(c.change) < options.noise) {
      c.verdict = "unchanged";
    } else if (!c.p_value) {
      c.verdict = std::string(direction) + " (too few samples for a test)";
    } else if (*c.p_value < options.alpha) {
      c.verdict = direction;
    } else {
      c.verdict = "unchanged (not significant)";
    }
    changes.push_back(std::move(c));
  }
  return changes;
}

ordered_json stats_json(const std::vector<TaskStats>& stats, double scale) {
  ordered_json out = {{"schema", "flowbench.series-stats/1"}, {"display_scale", scale}, {"tasks", ordered_json::array()}};
  for (const auto& t : stats) {
    ordered_json row = {{"id", t.id}, {"name", t.name}, {"n", t.samples_ms.size()}, {"median_ms", t.median},
                        {"mad_ms", t.mad}, {"min_ms", t.min}, {"max_ms", t.max}, {"unstable", t.unstable}};
    row["ci95_ms"] = t.ci95 ? ordered_json{t.ci95->low, t.ci95->high} : ordered_json(nullptr);
    out["tasks"].push_back(std::move(row));
  }
  return out;
}

ordered_json changes_json(const std::vector<Change>& changes, const CompareOptions& options, double scale) {
  ordered_json out = {{"schema", "flowbench.compare/1"}, {"noise", options.noise}, {"alpha", options.alpha},
                      {"display_scale", scale}, {"tasks", ordered_json::array()}};
  for (const auto& c : changes) {
    out["tasks"].push_back({{"id", c.id}, {"name", c.name}, {"n_before", c.n_before}, {"n_after", c.n_after},
                            {"before_median_ms", c.before_ms}, {"after_median_ms", c.after_ms},
                            {"change_ms", c.change_ms}, {"change", c.change},
                            {"p_value", c.p_value ? ordered_json(*c.p_value) : ordered_json(nullptr)},
                            {"verdict", c.verdict}});
  }
  return out;
}

}  // namespace flowbench
