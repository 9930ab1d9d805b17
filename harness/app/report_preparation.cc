#include "app/report_preparation.h"

#include <algorithm>

#include "platform/posix.h"
#include "report/analysis_report.h"
#include "util/text.h"

namespace flowbench {
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReportedCeilings = 8;  // task rows
constexpr std::size_t kReportedOps = 20;      // sub-operation rows

ReportInput::TimeWon time_won_of(const RunAnalysis& a) {
  ReportInput::TimeWon won;
  won.run_id = a.run->run_id;
  won.workers = a.time_won.workers;
  won.scheduling_could_save = a.makespan_ms > 0 ? std::max(0.0, 1 - a.tight_bound_at_workers_ms / a.makespan_ms) : 0;
  const double replayed = a.time_won.replayed_ms;
  std::size_t tasks = 0, ops = 0;
  for (const auto& c : a.time_won.ceilings) {
    // Every sub-operation (up to kReportedOps), and the tasks that would save most.
    if (c.op.empty() ? tasks++ >= kReportedCeilings : ops++ >= kReportedOps) continue;
    const TaskRecord& task = a.run->tasks[c.task];
    ReportInput::TimeWonRow row;
    row.text = ceiling_text(*a.run, c, replayed);
    row.what = c.op.empty() ? "Task " + task.id + " (" + task.name + ")" : c.op + " of Task " + task.id;
    row.share = c.op.empty() ? c.share_of_work : c.share_of_task;
    row.saving_zero = replayed > 0 ? 1 - c.makespan_zero_ms / replayed : 0;
    row.saving_half = replayed > 0 ? 1 - c.makespan_half_ms / replayed : 0;
    won.rows.push_back(std::move(row));
  }
  return won;
}

}  // namespace

std::vector<RunAnalysis> prepare_report(ReportInput& input) {
  std::vector<RunAnalysis> analyses;
  for (const auto* side : {&input.before, &input.after}) {
    if (side->empty()) continue;
    auto analysis = analyze_run(side->front(), {}, input.display_scale);
    if (!analysis) continue;
    std::map<std::string, double> slack;
    for (std::size_t i = 0; i < side->front().tasks.size(); ++i) {
      slack[side->front().tasks[i].id] = analysis->time_won.slack_ms[i];
    }
    input.critical_paths.push_back({side == &input.before ? "Baseline" : "Optimized", side->front().run_id,
                                    analysis->path.tasks, analysis->path.length_ms, analysis->makespan_ms,
                                    std::move(slack)});
    if (side == &input.before) {
      input.time_won = time_won_of(*analysis);
      if (input.focus_task.empty() && !analysis->by_duration.empty()) {
        input.focus_task = side->front().tasks[analysis->by_duration.front()].id;
      }
      if (input.phase.empty() && !analysis->siblings.empty()) input.phase = analysis->siblings.front().tasks;
    }
    analyses.push_back(std::move(*analysis));
  }
  input.per_task = compare_runs(input.before, input.after, CompareOptions{});
  return analyses;
}

void draw_report_plots(ReportInput& in, const fs::path& plot_script, const fs::path& folder, const fs::path& report_dir,
                       std::ostream& warnings) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  auto dirs = [](const std::vector<RunRecord>& runs) {
    std::vector<std::string> out;
    for (const auto& run : runs) out.push_back(run.dir.string());
    return out;
  };
  auto joined = [](const std::vector<std::string>& items) { return join(items, ","); };
  struct Plot {
    std::string caption, file;
    std::vector<std::string> args;
  };
  std::vector<Plot> plots;
  plots.push_back({"Timeline of a baseline run", "gantt-before.png", {"gantt", in.before.front().dir.string()}});
  if (!in.after.empty()) {
    plots.push_back({"Timeline of an optimized run", "gantt-after.png", {"gantt", in.after.front().dir.string()}});
    std::vector<std::string> bars = {"bars", "--before"};
    for (const auto& d : dirs(in.before)) bars.push_back(d);
    bars.push_back("--after");
    for (const auto& d : dirs(in.after)) bars.push_back(d);
    plots.push_back({"Task durations before and after", "bars.png", bars});
  }
  std::vector<std::string> variants = {"baseline=" + joined(dirs(in.before))};
  if (!in.after.empty()) variants.push_back("optimized=" + joined(dirs(in.after)));
  for (const auto& [name, runs] : in.variants) variants.push_back(name + "=" + joined(dirs(runs)));
  auto focus = in.before.front().index_of(in.focus_task);
  if (focus && in.before.front().tasks[*focus].profile && !in.before.front().tasks[*focus].profile->ops.empty()) {
    std::vector<std::string> breakdown = {"breakdown", "--task", in.focus_task, "--variant"};
    breakdown.insert(breakdown.end(), variants.begin(), variants.end());
    plots.push_back({"Task " + in.focus_task + " sub-operations per variant", "breakdown.png", breakdown});
  }
  std::vector<std::string> distribution = {"distribution", "--variant"};
  distribution.insert(distribution.end(), variants.begin(), variants.end());
  plots.push_back({"Makespan of every repetition per variant", "distribution.png", distribution});
  for (auto& plot : plots) {
    std::vector<std::string> argv = {plot_script.string()};
    argv.insert(argv.end(), plot.args.begin(), plot.args.end());
    argv.push_back("-o");
    argv.push_back((folder / plot.file).string());
    const fs::path log = folder / (plot.file + ".log");
    auto status = platform::run_and_wait(plot_script, argv, log);
    if (!status || *status != 0) {
      warnings << "flowbench report: plot " << plot.file << " failed (see " << log.string() << ")\n";
      continue;
    }
    fs::remove(log, ec);
    in.plots.push_back({plot.caption, (folder / plot.file).lexically_relative(report_dir).generic_string()});
  }
}

}  // namespace flowbench
