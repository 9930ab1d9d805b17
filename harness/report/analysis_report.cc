#include "report/analysis_report.h"

#include <algorithm>
#include <cstdio>

#include "util/text.h"
#include "util/time_format.h"

namespace flowbench {

namespace {

// A duration in display units: ms measured / scale.
std::string shown(double ms, double scale) { return duration_text(ms / 1000.0 / scale); }


constexpr std::size_t kPrintedSets = 10;
constexpr std::size_t kPrintedBreakdowns = 10;
constexpr std::size_t kListedIds = 8;

// "a, b, c, ... and 97 more" for long lists.
std::string short_list(const std::vector<std::string>& ids) {
  if (ids.size() <= kListedIds) return join(ids, ", ");
  std::vector<std::string> head(ids.begin(), ids.begin() + kListedIds);
  std::string text = join(head, ", ");
  text += " ... and ";
  text += std::to_string(ids.size() - kListedIds);
  text += " more";
  return text;
}

// The ten slowest tasks with their share of the total and the plan's class.
void print_slowest(std::ostream& out, const RunAnalysis& a, double scale) {
  const RunRecord& run = *a.run;
  char line[256];
  std::snprintf(line, sizeof line, "%-5s %-6s %-26s %12s %10s  %s\n", "Rank", "Task", "Name", "Duration", "% Total", "Class");
  out << line << std::string(70, '-') << "\n";
  for (std::size_t rank = 0; rank < a.by_duration.size() && rank < 10; ++rank) {
    const TaskRecord& task = run.tasks[a.by_duration[rank]];
    const double pct = a.total_ms > 0 ? task.profile->duration_ms / a.total_ms * 100 : 0;
    std::snprintf(line, sizeof line, "%-5zu %-6s %-26.26s %12s %9.1f%%  %s\n", rank + 1, task.id.c_str(),
                  task.name.c_str(), shown(task.profile->duration_ms, scale).c_str(), pct,
                  pct > 10 ? "CRITICAL" : pct > 5 ? "Major" : "Normal");
    out << line;
  }
}

// Sub-operations of the slowest tasks that report them (every task's are in its profile).
void print_breakdowns(std::ostream& out, const RunAnalysis& a) {
  const RunRecord& run = *a.run;
  char line[256];
  std::size_t shown_ops = 0;
  for (std::size_t index : a.by_duration) {
    const TaskRecord& task = run.tasks[index];
    if (!task.profile || task.profile->ops.empty()) continue;
    if (++shown_ops > kPrintedBreakdowns) break;
    double ops_total = 0;
    for (const auto& op : task.profile->ops) ops_total += op.duration_ms;
    out << "\nTask " << task.id << " (" << task.name << ") breakdown:\n";
    for (const auto& op : task.profile->ops) {
      std::snprintf(line, sizeof line, "  %-24s %10.1f ms %6.1f%%\n", op.name.c_str(), op.duration_ms,
                    ops_total > 0 ? op.duration_ms / ops_total * 100 : 0);
      out << line;
    }
    std::snprintf(line, sizeof line, "  %-24s %10.1f ms\n", "TOTAL", ops_total);
    out << line;
  }
}

// Where a cluster ran the work: per node, its tasks, their time and share, and its longest task.
// A node whose tasks took much longer than the others' is a slow node, not a slow task.
void print_nodes(std::ostream& out, const RunAnalysis& a, double scale) {
  if (a.nodes.empty()) return;
  char line[256];
  out << "\nTIME PER NODE (" << a.nodes.size() << " node(s)):\n" << std::string(70, '-') << "\n";
  std::snprintf(line, sizeof line, "%-20s %6s %14s %8s  %s\n", "Node", "Tasks", "Busy", "% Work", "Longest task");
  out << line;
  for (const auto& n : a.nodes) {
    std::snprintf(line, sizeof line, "%-20.20s %6zu %14s %7.1f%%  %s (%s)\n", n.node.c_str(), n.tasks,
                  shown(n.busy_ms, scale).c_str(), a.total_ms > 0 ? n.busy_ms / a.total_ms * 100 : 0,
                  n.slowest_task.c_str(), shown(n.slowest_ms, scale).c_str());
    out << line;
  }
}

constexpr std::size_t kPrintedCeilings = 10;  // task rows
constexpr std::size_t kPrintedOps = 30;       // sub-operation rows

}  // namespace

std::string ceiling_text(const RunRecord& run, const Ceiling& c, double replayed_ms) {
  char line[320];
  const TaskRecord& task = run.tasks[c.task];
  const double zero = replayed_ms > 0 ? (1 - c.makespan_zero_ms / replayed_ms) * 100 : 0;
  const double half = replayed_ms > 0 ? (1 - c.makespan_half_ms / replayed_ms) * 100 : 0;
  if (!c.op.empty()) {
    std::snprintf(line, sizeof line,
                  "%s: %.1f%% of Task %s (at most %.1f%% of Task %s to win); at zero the workflow %.1f%% shorter, at "
                  "half %.1f%%",
                  c.op.c_str(), c.share_of_task * 100, task.id.c_str(), c.share_of_task * 100, task.id.c_str(), zero, half);
  } else {
    std::snprintf(line, sizeof line, "Task %s (%s): %.1f%% of the work; at zero the workflow %.1f%% shorter, at half %.1f%%",
                  task.id.c_str(), task.name.c_str(), c.share_of_work * 100, zero, half);
  }
  return line;
}

void print_time_won(std::ostream& out, const RunAnalysis& a, double scale) {
  const TimeWon& won = a.time_won;
  out << "WHERE TIME CAN BE WON (each task and sub-operation at zero and at half its time, the schedule replayed at "
      << won.workers << " worker(s): " << duration_text(won.replayed_ms / 1000.0 / scale) << " as measured):\n"
      << std::string(70, '-') << "\n";
  // Every sub-operation's row (the Amdahl ceiling of a change inside a task: said before
  // anyone builds it), then the tasks that would save most.
  std::size_t printed = 0, tasks = 0;
  for (const auto& c : won.ceilings) {
    if (!c.op.empty() ? printed >= kPrintedOps : tasks >= kPrintedCeilings) continue;
    ++printed;
    tasks += c.op.empty();
    out << "  " << ceiling_text(*a.run, c, won.replayed_ms) << "\n";
  }
  if (won.ceilings.size() > printed) out << "  ... " << won.ceilings.size() - printed << " more in summary.json\n";
  if (!won.every_task) out << "  (the " << won.ceilings.size() << " longest tasks' rows: the graph is large)\n";
  char line[200];
  const double save = a.makespan_ms > 0 ? std::max(0.0, 1 - a.tight_bound_at_workers_ms / a.makespan_ms) * 100 : 0;
  std::snprintf(line, sizeof line, "%.1f%%", save);
  out << "Scheduling could save at most " << line << ": the tight bound at " << a.workers << " worker(s) is "
      << duration_text(a.tight_bound_at_workers_ms / 1000.0 / scale) << " against the measured "
      << duration_text(a.makespan_ms / 1000.0 / scale) << "\n\n";
}

void print_analysis(std::ostream& out, const RunAnalysis& a, double scale) {
  const RunRecord& run = *a.run;
  const std::string rule(70, '=');
  const std::string thin(70, '-');
  char line[256];
  out << rule << "\nRUN ANALYSIS: " << run.run_id << " (" << run.workflow << ", " << run.status << ")\n" << rule << "\n";
  if (scale != 1.0) out << "Model units: measured time / " << scale << "\n";
  print_time_won(out, a, scale);
  out << "Total Duration: " << shown(a.total_ms, scale) << " (sum of " << a.task_count << " tasks)\n";
  std::snprintf(line, sizeof line, "%.2f", a.parallelism);
  out << "Makespan:       " << shown(a.makespan_ms, scale) << " (parallelism " << line << ")\n\nTOP 10 SLOWEST TASKS:\n"
      << thin << "\n";
  print_slowest(out, a, scale);
  print_nodes(out, a, scale);
  out << "\nRECOMMENDATIONS (from the graph):\n" << thin << "\n";
  out << "Critical path: " << join(a.path.tasks, " -> ") << " = " << shown(a.path.length_ms, scale) << "\n";
  out << "Makespan lower bound max(critical path, work / workers):";
  for (const auto& [workers, ms] : a.lower_bounds) out << "  " << workers << ": " << shown(ms, scale);
  out << "\nMeasured makespan: " << shown(a.makespan_ms, scale);
  if (!a.lower_bounds.empty()) {
    const double bound = a.lower_bounds.back().second;
    if (bound > 0) {
      std::snprintf(line, sizeof line, " (%.1f%% above the unlimited-workers bound)\n", (a.makespan_ms / bound - 1) * 100);
      out << line;
    } else {
      out << "\n";
    }
  }
  std::snprintf(line, sizeof line, "%+.1f%%", a.bound_at_workers_ms > 0 ? (a.makespan_ms / a.bound_at_workers_ms - 1) * 100 : 0.0);
  out << "With " << a.workers << " worker(s) the bound is " << shown(a.bound_at_workers_ms, scale)
      << ": measured " << line;
  std::snprintf(line, sizeof line, "%+.1f%%",
                a.tight_bound_at_workers_ms > 0 ? (a.makespan_ms / a.tight_bound_at_workers_ms - 1) * 100 : 0.0);
  out << "; the tight bound (work that cannot start before, or must end after, a point in time counted too) is "
      << shown(a.tight_bound_at_workers_ms, scale) << ": measured " << line << "\n";
  if (a.expected_path) {
    out << "From the spec's expected durations: critical path " << join(a.expected_path->tasks, " -> ") << " = "
        << shown(a.expected_path->length_ms, scale) << "; work " << shown(a.expected_total_ms, scale) << "; bound at "
        << a.workers << " worker(s) " << shown(a.expected_bound_at_workers_ms, scale) << "\n";
  }
  // Large graphs have thousands of sets: the ten that save most are printed, all are in summary.json.
  std::vector<const SiblingSet*> sets;
  for (const auto& s : a.siblings) sets.push_back(&s);
  std::stable_sort(sets.begin(), sets.end(), [](const SiblingSet* l, const SiblingSet* r) {
    return l->sequential_ms - l->parallel_ms > r->sequential_ms - r->parallel_ms;
  });
  if (sets.size() > kPrintedSets) {
    out << sets.size() << " sets of tasks wait for the same tasks; the " << kPrintedSets
        << " that save most (all in summary.json):\n";
    sets.resize(kPrintedSets);
  }
  for (const SiblingSet* set : sets) {
    const SiblingSet& s = *set;
    out << "Tasks " << short_list(s.tasks) << " wait only for " << (s.after.empty() ? "nothing" : short_list(s.after))
        << ": in parallel they take " << shown(s.parallel_ms, scale) << " instead of " << shown(s.sequential_ms, scale)
        << " (saves " << shown(s.sequential_ms - s.parallel_ms, scale) << ")\n";
  }
  if (a.what_if_path) {
    out << "What if";
    for (const auto& w : a.what_ifs) {
      out << " task " << w.id << (w.factor ? " took " + exact_number(w.value) + "x its time" : " took " + exact_number(w.value) + " s");
    }
    out << ": replayed at " << a.workers << " worker(s) the makespan is " << shown(a.what_if_replayed_ms, scale)
        << " (as measured: " << shown(a.time_won.replayed_ms, scale) << "); critical path "
        << join(a.what_if_path->tasks, " -> ") << " = " << shown(a.what_if_path->length_ms, scale) << "; tight bound "
        << shown(a.what_if_bound_ms, scale) << "; sequential total " << shown(a.what_if_total_ms, scale) << "\n";
  }
  print_breakdowns(out, a);
}

}  // namespace flowbench
