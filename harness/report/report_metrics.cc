#include "report/report_metrics.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "analyze/stats.h"
#include "util/time_format.h"

namespace flowbench {

double Metric::med() const { return median(samples); }

// A duration in display units (model time when scaled), as analyze and gate show it.
std::string minutes(double ms, double scale) { return duration_text(ms / 1000.0 / scale); }

Metric makespans(const std::vector<RunRecord>& runs) {
  Metric m;
  for (const auto& run : runs) m.samples.push_back(run.makespan_ms);
  return m;
}

Metric task_durations(const std::vector<RunRecord>& runs, const std::string& id) {
  Metric m;
  for (const auto& run : runs) {
    auto index = run.index_of(id);
    if (index && run.tasks[*index].profile) m.samples.push_back(run.tasks[*index].profile->duration_ms);
  }
  return m;
}

// From the first start to the last end of the phase's tasks.
Metric phase_spans(const std::vector<RunRecord>& runs, const std::vector<std::string>& phase) {
  Metric m;
  for (const auto& run : runs) {
    std::optional<SystemTime> first, last;
    for (const auto& id : phase) {
      auto index = run.index_of(id);
      if (!index || !run.tasks[*index].profile || !run.tasks[*index].profile->start_time) continue;
      const Profile& p = *run.tasks[*index].profile;
      if (!first || *p.start_time < *first) first = p.start_time;
      if (!last || *p.end_time > *last) last = p.end_time;
    }
    if (first) m.samples.push_back(std::chrono::duration<double, std::milli>(*last - *first).count());
  }
  return m;
}

// Quality pass rate per run (passed / all checks of every task reporting quality).
Metric quality_rates(const std::vector<RunRecord>& runs) {
  Metric m;
  for (const auto& run : runs) {
    int passed = 0, total = 0;
    for (const auto& task : run.tasks) {
      if (task.profile && task.profile->quality_passed) {
        passed += *task.profile->quality_passed;
        total += *task.profile->quality_passed + task.profile->quality_failed.value_or(0);
      }
    }
    if (total > 0) m.samples.push_back(100.0 * passed / total);
  }
  return m;
}

std::string describe(const Metric& m, double scale, bool percent) {
  if (m.empty()) return "not measured";
  auto fmt = [&](double v) {
    char buffer[32];
    if (percent) {
      std::snprintf(buffer, sizeof buffer, "%.1f%%", v);
      return std::string(buffer);
    }
    return minutes(v, scale);
  };
  std::string text = fmt(m.med());
  if (m.samples.size() == 1) return text + " (1 run)";
  if (auto ci = median_ci95(m.samples)) {
    return text + " (95% CI " + fmt(ci->low) + " – " + fmt(ci->high) + ", n=" + std::to_string(m.samples.size()) + ")";
  }
  const auto [lo, hi] = std::minmax_element(m.samples.begin(), m.samples.end());
  return text + " (range " + fmt(*lo) + " – " + fmt(*hi) + ", n=" + std::to_string(m.samples.size()) + ")";
}

std::string change(const Metric& before, const Metric& after, bool percent_points) {
  if (before.empty() || after.empty()) return "–";
  char buffer[96];
  if (percent_points) {
    std::snprintf(buffer, sizeof buffer, "%+.1f points", after.med() - before.med());
    return buffer;
  }
  const double rel = before.med() > 0 ? after.med() / before.med() - 1 : 0;
  std::snprintf(buffer, sizeof buffer, "%+.1f%%", rel * 100);
  std::string text = buffer;
  if (before.samples.size() >= 5 && after.samples.size() >= 5) {
    std::snprintf(buffer, sizeof buffer, " (Mann-Whitney p = %.4f)", mann_whitney_u(before.samples, after.samples).p_value);
    text += buffer;
  }
  return text;
}


std::string task_name(const std::vector<RunRecord>& runs, const std::string& id) {
  auto index = runs.front().index_of(id);
  return index ? runs.front().tasks[*index].name : id;
}

}  // namespace flowbench
