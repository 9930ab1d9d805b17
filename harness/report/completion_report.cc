#include "report/completion_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "analyze/series.h"
#include "analyze/stats.h"
#include "build_info.h"
#include "util/text.h"
#include "util/time_format.h"

namespace flowbench {
namespace fs = std::filesystem;

namespace {

// A duration in display units (model time when scaled), as analyze and gate show it.
std::string minutes(double ms, double scale) { return duration_text(ms / 1000.0 / scale); }

// One metric's samples over runs.
struct Metric {
  std::vector<double> samples;
  bool empty() const { return samples.empty(); }
  double med() const { return median(samples); }
};

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

std::string describe(const Metric& m, double scale, bool percent = false) {
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

std::string change(const Metric& before, const Metric& after, bool percent_points = false) {
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

}  // namespace

namespace {

// The budgets' verdicts over the report's runs, failing targets explained under the table.
void write_success_criteria(std::ostream& out, const ReportInput& in) {
  out << "## Success criteria\n\n";
  if (in.verdicts.empty()) {
    out << "No budgets were judged in this report; `flowbench gate` checks a budgets file against the same runs.\n\n";
  } else {
    out << "Budgets `" << in.budgets_name << "` over the runs of this report (model units; 95% CI of the median "
        << "from 6 repetitions, the range below that):\n\n"
        << "| target | variant | measured | bound | verdict |\n|---|---|---|---|---|\n";
    for (const auto& v : in.verdicts) {
      out << "| " << v.target << " | " << v.variant << " | " << v.measured << " | " << v.bound << " | "
          << (v.state == VerdictState::kMet ? std::string("met") : "**" + std::string(verdict_name(v.state)) + "**")
          << " |\n";
    }
    out << "\n";
    for (const auto& v : in.verdicts) {
      if (v.state != VerdictState::kMet) out << "- " << v.target << ": " << v.detail << "\n";
    }
    out << "\n";
  }
}

}  // namespace

void write_completion_report(std::ostream& out, const ReportInput& in) {
  const double scale = in.display_scale;
  const RunRecord& measured = in.after.empty() ? in.before.front() : in.after.front();
  const auto& ctx = measured.context;
  out << "# " << in.title << "\n\n";
  out << "Generated by flowbench " << kVersion << " from " << in.before.size() << " baseline and " << in.after.size()
      << " optimized runs of `" << measured.workflow << "`. Measured on " << ctx.value("host", "?") << " ("
      << ctx.value("cpus", 0) << " CPUs, " << ctx.value("kernel", "?") << ", " << ctx.value("compiler", "?")
      << ", flowbench " << ctx.value("flowbench_version", "?") << " at commit " << ctx.value("git_commit", "?")
      << "), " << (ctx.value("mode", "") == "" ? "" : "optimized runs in mode " + ctx.value("mode", "") + ", ")
      << "report written " << iso8601(std::chrono::system_clock::now()) << ".\n\n";
  if (scale != 1.0) {
    out << "Durations are in model minutes: measured time divided by the time scale " << scale
        << " (the real Task 8 handler's time is not scaled: it is what the work took).\n\n";
  }
  const Metric quality_before = quality_rates(in.before), quality_after = quality_rates(in.after);
  const Metric total_before = makespans(in.before), total_after = makespans(in.after);
  const Metric focus_before = task_durations(in.before, in.focus_task), focus_after = task_durations(in.after, in.focus_task);
  const Metric phase_before = phase_spans(in.before, in.phase), phase_after = phase_spans(in.after, in.phase);
  out << "## Results\n\n| Metric | Baseline | Optimized | Change |\n|---|---|---|---|\n";
  out << "| Total (makespan) | " << describe(total_before, scale) << " | " << describe(total_after, scale) << " | "
      << change(total_before, total_after) << " |\n";
  if (!in.focus_task.empty()) {
    out << "| Task " << in.focus_task << " (" << task_name(in.before, in.focus_task) << ") | "
        << describe(focus_before, scale) << " | " << describe(focus_after, scale) << " | "
        << change(focus_before, focus_after) << " |\n";
  }
  if (!in.phase.empty()) {
    out << "| Tasks " << join(in.phase, ", ") << " (first start to last end) | " << describe(phase_before, scale)
        << " | " << describe(phase_after, scale) << " | " << change(phase_before, phase_after) << " |\n";
  }
  out << "| Quality pass rate | " << describe(quality_before, scale, true) << " | "
      << describe(quality_after, scale, true) << " | " << change(quality_before, quality_after, true) << " |\n\n";

  if (!in.variants.empty()) {
    out << "## Each variant against the baseline\n\n| Variant | Total | Saving | Task " << in.focus_task
        << " | Saving |\n|---|---|---|---|---|\n";
    for (const auto& [name, runs] : in.variants) {
      const Metric total = makespans(runs), focus = task_durations(runs, in.focus_task);
      out << "| " << name << " | " << describe(total, scale) << " | "
          << (total.empty() ? "–" : minutes(total_before.med() - total.med(), scale)) << " | " << describe(focus, scale)
          << " | " << (focus.empty() || focus_before.empty() ? "–" : minutes(focus_before.med() - focus.med(), scale))
          << " |\n";
    }
    out << "\n";
  }

  write_success_criteria(out, in);

  out << "## Critical path\n\n";
  for (const auto& path : in.critical_paths) {
    out << "- " << path.side << " (run " << path.run_id << "): " << join(path.tasks, " → ") << " = "
        << minutes(path.length_ms, scale) << "; measured makespan " << minutes(path.makespan_ms, scale) << "\n";
  }
  out << "\n## Per task (medians)\n\n| Task | Name | Baseline | Optimized | Change | p | Verdict |\n"
      << "|---|---|---|---|---|---|---|\n";
  for (const auto& c : in.per_task) {
    char p[16] = "–";
    if (c.p_value) std::snprintf(p, sizeof p, "%.4f", *c.p_value);
    char rel[16];
    std::snprintf(rel, sizeof rel, "%+.1f%%", c.change * 100);
    out << "| " << c.id << " | " << c.name << " | " << minutes(c.before_ms, scale) << " | " << minutes(c.after_ms, scale)
        << " | " << rel << " | " << p << " | " << c.verdict << " |\n";
  }
  if (!in.plots.empty()) {
    out << "\n## Plots\n\n";
    for (const auto& [caption, path] : in.plots) out << "### " << caption << "\n\n![" << caption << "](" << path << ")\n\n";
  }
}

}  // namespace flowbench
