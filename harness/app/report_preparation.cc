#include "app/report_preparation.h"

#include "platform/posix.h"
#include "util/text.h"

namespace flowbench {
namespace fs = std::filesystem;

std::vector<RunAnalysis> prepare_report(ReportInput& input) {
  std::vector<RunAnalysis> analyses;
  for (const auto* side : {&input.before, &input.after}) {
    if (side->empty()) continue;
    auto analysis = analyze_run(side->front(), {}, input.display_scale);
    if (!analysis) continue;
    input.critical_paths.push_back({side == &input.before ? "Baseline" : "Optimized", side->front().run_id,
                                    analysis->path.tasks, analysis->path.length_ms, analysis->makespan_ms});
    if (side == &input.before) {
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
