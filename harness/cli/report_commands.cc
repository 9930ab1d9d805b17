// `flowbench report` and `flowbench export`.
#include <iostream>
#include <memory>
#include <sstream>

#include "analyze/summary.h"
#include "app/report_preparation.h"
#include "build_info.h"
#include "cli/cli_common.h"
#include "interchange/conductor.h"
#include "interchange/wfformat.h"
#include "platform/posix.h"
#include "report/exports.h"
#include "report/html_report.h"
#include "platform/atomic_file.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct ReportCommand {
  std::vector<fs::path> before, after;
  std::vector<std::string> variants;
  std::string focus_task, phase, title = "Completion report";
  double time_scale = 0;
  fs::path output;
  std::string format;  // markdown | html (default: from the output's extension)
  bool no_plots = false;
  fs::path budgets;
  std::vector<fs::path> budget_data;
  std::vector<std::string> targets;
};

void add_report_options(CLI::App& report, ReportCommand& command) {
  report.add_option("--before", command.before, "Baseline run or series folders")->required();
  report.add_option("--after", command.after, "Optimized run or series folders")->required();
  report.add_option("--variant", command.variants, "NAME=FOLDER[,FOLDER...]: another variant to compare");
  report.add_option("--focus-task", command.focus_task, "A task reported on its own (default: the slowest)");
  report.add_option("--phase", command.phase, "ID,ID,...: tasks reported as one phase (default: 3,4,5-like set)");
  report.add_option("--title", command.title, "The report's title")->capture_default_str();
  report.add_option("--time-scale", command.time_scale, "Model-time scale (default: the runs' own)");
  report.add_option("-o,--output", command.output, "The file to write, e.g. reports/phase5.md or reports/phase5.html")
      ->required();
  report.add_option("--format", command.format,
                    "markdown (with PNG plots beside it) or html (one self-contained page: timelines, sortable tables, "
                    "distributions, plots inline); default: html for an .html output, else markdown")
      ->check(CLI::IsMember({"markdown", "html"}));
  report.add_flag("--no-plots", command.no_plots, "Do not draw plots (tools/plot.py, python3-matplotlib)");
  report.add_option("--budgets", command.budgets,
                    "Judge this budgets file over the report's runs (each series folder's name is its variant)")
      ->check(CLI::ExistingFile);
  report
      .add_option("--targets", command.targets,
                  "Judge only the budgets' targets these name globs select ('!GLOB' leaves out; comma-separated)")
      ->delimiter(',')
      ->expected(1)
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  report.add_option("--budget-data", command.budget_data,
                    "More series (e.g. of `run --instances`) the budgets are judged over, not plotted");
}

// The success criteria: the budgets over every folder the report reads.
int judge_budgets(const ReportCommand& command, ReportInput& input) {
  auto budgets = load_budgets(command.budgets);
  if (!budgets) {
    std::cerr << "flowbench report: " << budgets.error().message << "\n";
    return kExitBadInput;
  }
  if (auto selected = select_targets(*budgets, command.targets); !selected) {
    std::cerr << "flowbench report: " << selected.error().message << "\n";
    return kExitBadInput;
  }
  std::vector<fs::path> folders = command.before;
  folders.insert(folders.end(), command.after.begin(), command.after.end());
  for (const auto& variant : command.variants) {
    for (const auto& part : split_commas(variant.substr(variant.find('=') + 1))) folders.emplace_back(part);
  }
  folders.insert(folders.end(), command.budget_data.begin(), command.budget_data.end());
  auto data = load_all_measurements(folders);
  if (!data) {
    std::cerr << "flowbench report: " << data.error().message << "\n";
    return kExitBadInput;
  }
  const Baselines baselines = load_baselines(*budgets, {}, std::cerr);
  auto verdicts = evaluate_budgets(*budgets, *data, baselines);
  if (!verdicts) {
    std::cerr << "flowbench report: " << verdicts.error().message << "\n";
    return kExitBadInput;
  }
  input.verdicts = std::move(*verdicts);
  input.budgets_name = budgets->name;
  return 0;
}

int do_report(const ReportCommand& command) {
  ReportInput input;
  input.title = command.title;
  auto before = load_runs(command.before);
  auto after = before ? load_runs(command.after) : before;
  if (!before || !after) {
    std::cerr << "flowbench report: " << (!before ? before : after).error().message << "\n";
    return kExitBadInput;
  }
  input.before = std::move(*before);
  input.after = std::move(*after);
  for (const auto& variant : command.variants) {
    const auto eq = variant.find('=');
    std::vector<fs::path> folders;
    if (eq != std::string::npos) {
      for (const auto& part : split_commas(variant.substr(eq + 1))) folders.emplace_back(part);
    }
    if (eq == std::string::npos || eq == 0 || folders.empty()) {
      std::cerr << "flowbench report: --variant " << variant << ": write NAME=FOLDER[,FOLDER...]\n";
      return kExitBadInput;
    }
    auto runs = load_runs(folders);
    if (!runs) {
      std::cerr << "flowbench report: " << runs.error().message << "\n";
      return kExitBadInput;
    }
    input.variants.push_back({variant.substr(0, eq), std::move(*runs)});
  }
  if (!command.budgets.empty()) {
    if (int status = judge_budgets(command, input)) return status;
  }
  input.display_scale = command.time_scale > 0 ? command.time_scale : input.before.front().time_scale;
  input.focus_task = command.focus_task;
  input.phase = split_commas(command.phase);
  // The timelines outline the critical path from each run's summary.json.
  for (const auto& analysis : prepare_report(input)) {
    write_json_file(analysis.run->dir / "summary.json", summary_json(analysis, input.display_scale), "report");
  }
  const fs::path report_dir = fs::absolute(command.output).parent_path();
  std::error_code ec;
  fs::create_directories(report_dir, ec);
  if (!command.no_plots) {
    const fs::path plots = report_dir / (command.output.stem().string() + "_plots");
    draw_report_plots(input, plot_script(), plots, report_dir, std::cerr);
  }
  const bool html = command.format == "html" || (command.format.empty() && command.output.extension() == ".html");
  std::ostringstream text;
  if (html) {
    write_html_report(text, input, report_dir);
  } else {
    write_completion_report(text, input);
  }
  if (auto written = write_file_atomically(command.output, text.str()); !written) {
    std::cerr << "flowbench report: " << written.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << "report: " << command.output.string() << "\n";
  return 0;
}

struct ExportCommand {
  fs::path run;
  std::string format;
  fs::path output;
};

void add_export_options(CLI::App& exporter, ExportCommand& command) {
  exporter.add_option("run", command.run, "A run folder")->required();
  exporter.add_option("--format", command.format,
                      "junit (a testcase per task) | trace (Chrome/Perfetto) | gbench (Google Benchmark JSON) | "
                      "wfformat (WfCommons 1.5 instance) | conductor (Conductor workflow definition)")
      ->required()
      ->check(CLI::IsMember({"junit", "trace", "gbench", "wfformat", "conductor"}));
  exporter.add_option("-o,--output", command.output, "File to write (default: stdout)");
}

int do_export(const ExportCommand& command) {
  auto run = load_run(command.run);
  if (!run) {
    std::cerr << "flowbench export: " << run.error().message << "\n";
    return kExitBadInput;
  }
  std::ostringstream text;
  if (command.format == "junit") {
    write_junit(text, *run);
  } else if (command.format == "trace") {
    write_chrome_trace(text, *run);
  } else if (command.format == "gbench") {
    write_gbench_json(text, *run);
  } else if (command.format == "wfformat") {
    write_wfformat(text, *run, kVersion);
  } else {
    write_conductor_workflow(text, *run);
  }
  return write_output(command.output, text.str(), "export");
}

}  // namespace

void add_report_commands(CLI::App& app, int& exit_status) {
  auto report_command = std::make_shared<ReportCommand>();
  auto* report = app.add_subcommand("report", "Write a before/after completion report (Markdown with plots, or one HTML page)");
  add_report_options(*report, *report_command);
  report->callback([report_command, &exit_status] { exit_status = do_report(*report_command); });

  auto export_command = std::make_shared<ExportCommand>();
  auto* exporter = app.add_subcommand("export", "Write a run in a format other tools open");
  add_export_options(*exporter, *export_command);
  exporter->callback([export_command, &exit_status] { exit_status = do_export(*export_command); });
}

}  // namespace flowbench::cli
