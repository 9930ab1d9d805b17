// `flowbench analyze` and `flowbench compare`.
#include <iostream>
#include <memory>
#include <optional>

#include "analyze/series.h"
#include "analyze/summary.h"
#include "cli/cli_common.h"
#include "report/analysis_report.h"
#include "record/run_logs.h"
#include "report/series_report.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct AnalyzeCommand {
  std::vector<fs::path> runs;
  std::vector<std::string> what_ifs;
  double time_scale = 0;  // 0: the run's own
  fs::path json;
  double unstable = 0.05;
  std::optional<long long> workers;  // P of the bounds, ceilings, slack and what-ifs
};

void add_analyze_options(CLI::App& analyze, AnalyzeCommand& command) {
  analyze.add_option("runs", command.runs, "Run folders, or series folders holding run folders")->required();
  analyze.add_option("--what-if", command.what_ifs,
                     "TASK=FACTOR or TASK=SECONDSs, comma-separated: replay the schedule with those tasks scaled "
                     "(8=0.5,3=0) or set (8=600s); prints the makespan, the critical path and the bound")
      ->delimiter(',');
  analyze.add_option("--workers", command.workers,
                     "P for the bounds, the ceilings, the slack and the what-ifs (default: the run's own jobs; 1 for "
                     "a sequential run)");
  analyze.add_option("--time-scale", command.time_scale, "Show figures in model units (default: the run's scale)");
  analyze.add_option("--json", command.json, "Also write the result as JSON here");
  analyze.add_option("--unstable-mad", command.unstable, "Flag tasks whose MAD exceeds this share of the median")
      ->capture_default_str();
}

int do_analyze(const AnalyzeCommand& command) {
  auto runs = load_runs(command.runs);
  if (!runs) {
    std::cerr << "flowbench analyze: " << runs.error().message << "\n";
    return kExitBadInput;
  }
  const double scale = command.time_scale > 0 ? command.time_scale : runs->front().time_scale;
  if (command.workers && *command.workers < 1) {
    std::cerr << "flowbench analyze: --workers " << *command.workers << ": at least 1 worker runs the tasks; fix: e.g. "
              << "--workers 4\n";
    return kExitBadInput;
  }
  if (runs->size() == 1) {
    std::vector<WhatIf> what_ifs;
    for (const auto& text : command.what_ifs) {
      auto parsed = parse_what_if(text);
      if (!parsed) {
        std::cerr << "flowbench analyze: " << parsed.error().message << "\n";
        return kExitBadInput;
      }
      what_ifs.push_back(*parsed);
    }
    auto analysis = analyze_run(runs->front(), what_ifs, scale,
                                command.workers ? static_cast<std::size_t>(*command.workers) : 0);
    if (!analysis) {
      std::cerr << "flowbench analyze: " << analysis.error().message << "\n";
      return kExitBadInput;
    }
    print_analysis(std::cout, *analysis, scale);
    const auto summary = summary_json(*analysis, scale);
    const fs::path summary_file = runs->front().dir / "summary.json";
    if (int status = write_json_file(summary_file, summary, "analyze")) return status;
    std::cout << "\nSummary saved: " << summary_file.string() << "\n";
    return write_json_file(command.json, summary, "analyze");
  }
  if (!command.what_ifs.empty()) {
    std::cerr << "flowbench analyze: --what-if needs a single run\n";
    return kExitBadInput;
  }
  const auto stats = series_stats(*runs, command.unstable);
  print_stats(std::cout, stats, runs->size(), scale);
  return write_json_file(command.json, stats_json(stats, scale), "analyze");
}

struct CompareCommand {
  fs::path before, after;
  CompareOptions options;
  double time_scale = 0;
  fs::path json;
};

void add_compare_options(CLI::App& compare, CompareCommand& command) {
  compare.add_option("before", command.before, "A run folder or a series folder")->required();
  compare.add_option("after", command.after, "A run folder or a series folder")->required();
  compare.add_option("--noise", command.options.noise, "Relative changes below this are unchanged")
      ->capture_default_str();
  compare.add_option("--alpha", command.options.alpha, "Significance level of the Mann-Whitney U test")
      ->capture_default_str();
  compare.add_option("--time-scale", command.time_scale, "Show figures in model units (default: the run's scale)");
  compare.add_option("--json", command.json, "Also write the comparison as JSON here");
}

int do_compare(const CompareCommand& command) {
  auto before = load_runs({command.before});
  auto after = before ? load_runs({command.after}) : before;
  if (!before || !after) {
    std::cerr << "flowbench compare: " << (!before ? before : after).error().message << "\n";
    return kExitBadInput;
  }
  const double scale = command.time_scale > 0 ? command.time_scale : before->front().time_scale;
  const auto changes = compare_runs(*before, *after, command.options);
  std::cout << before->size() << " runs before, " << after->size() << " after; ";
  print_changes(std::cout, changes, command.options, scale);
  return write_json_file(command.json, changes_json(changes, command.options, scale), "compare");
}

}  // namespace

void add_analysis_commands(CLI::App& app, int& exit_status) {
  auto analyze_command = std::make_shared<AnalyzeCommand>();
  auto* analyze = app.add_subcommand(
      "analyze", "Analyse a run (writes RUN/summary.json) or the statistics of several runs or series folders");
  add_analyze_options(*analyze, *analyze_command);
  analyze->callback([analyze_command, &exit_status] { exit_status = do_analyze(*analyze_command); });

  auto compare_command = std::make_shared<CompareCommand>();
  auto* compare = app.add_subcommand("compare", "Compare runs before and after a change, per task and in total");
  add_compare_options(*compare, *compare_command);
  compare->callback([compare_command, &exit_status] { exit_status = do_compare(*compare_command); });

  auto log_args = std::make_shared<std::pair<fs::path, std::string>>();
  auto* log = app.add_subcommand("log", "Print a task's output, byte for byte, from either log layout of a run");
  log->add_option("run", log_args->first, "The run folder")->required();
  log->add_option("task", log_args->second, "The task's id")->required();
  log->callback([log_args, &exit_status] {
    auto text = task_log(log_args->first, log_args->second);
    if (!text) {
      std::cerr << "flowbench log: " << text.error().message << "\n";
      exit_status = kExitBadInput;
      return;
    }
    std::cout.write(text->data(), std::streamsize(text->size()));
    exit_status = std::cout.flush() ? 0 : kExitBadInput;
  });
}

}  // namespace flowbench::cli
