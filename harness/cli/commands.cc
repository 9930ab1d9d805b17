#include "cli/commands.h"

#include <cstdio>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "analyze/series.h"
#include "analyze/summary.h"
#include "build_info.h"
#include "report/completion_report.h"
#include "report/exports.h"
#include "util/atomic_file.h"
#include "cache/cache_admin.h"
#include "model/spec_loader.h"
#include "platform/posix.h"
#include "schedule/local_run.h"

namespace flowbench {
namespace fs = std::filesystem;

namespace {

constexpr int kExitTasksFailed = 1;
constexpr int kExitBadInput = 2;

// flowbench's own bin folder: handlers shipped with it are found there by name.
std::vector<fs::path> handler_dirs() {
  const fs::path self = platform::self_executable();
  if (self.empty()) return {};
  return {self.parent_path()};
}

void add_run_command(CLI::App& app, RunRequest& request, std::string& progress) {
  auto* run = app.add_subcommand("run", "Run a workflow spec and record its profiles");
  run->add_option("spec", request.spec, "Workflow spec (JSON, schema flowbench.workflow/1)")
      ->required();
  run->add_option("--mode", request.mode,
                  "sequential: one task at a time in the spec's order; parallel: by dependencies")
      ->check(CLI::IsMember({"sequential", "parallel"}))
      ->capture_default_str();
  run->add_option("-j,--jobs", request.jobs, "Tasks at once in parallel mode (default: cores)")
      ->check(CLI::PositiveNumber);
  run->add_option("-o,--out", request.out, "Folder that receives the run folder")
      ->capture_default_str();
  run->add_option("--run-id", request.run_id, "Name of the run folder (default: <time>-<mode>)");
  run->add_option("--time-scale", request.time_scale,
                  "Model-time scale passed to handlers (0.001: a model minute takes 60 ms)")
      ->capture_default_str();
  run->add_option("--history", request.history,
                  "A previous run folder whose durations order the ready tasks")
      ->check(CLI::ExistingDirectory);
  run->add_flag("-k,--keep-going", request.keep_going,
                "Run every task that does not depend on a failure (default: fail fast)");
  run->add_flag("--kill-on-failure", request.kill_on_failure,
                "With fail-fast, also kill the tasks still running when one fails");
  run->add_option_function<double>(
         "--kill-grace",
         [&request](double seconds) {
           request.kill_grace = std::chrono::milliseconds(static_cast<long>(seconds * 1000));
         },
         "Seconds between SIGTERM and SIGKILL on timeout or stop (default 5)")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--progress", progress, "auto | status | lines | none")
      ->check(CLI::IsMember({"auto", "status", "lines", "none"}))
      ->capture_default_str();
  run->add_flag("-q,--quiet", [&progress](std::int64_t) { progress = "none"; },
                "No progress output (same as --progress none)");
  run->add_flag("--json-events", request.json_events,
                "Print one JSON object per task start and finish on stdout");
  run->add_option("--cache", request.cache_dir,
                  "Action cache folder for tasks that declare a cache block "
                  "(default: .flowbench/cache beside the spec)");
  run->add_flag("--no-cache", request.no_cache, "Run every task; neither restore nor store");
  run->add_flag("--cache-read-only", request.cache_read_only, "Restore hits but store nothing");
}

struct CacheCommand {
  std::string action;
  std::filesystem::path dir = ".flowbench/cache";
  std::string max_size;
};

void add_cache_command(CLI::App& app, CacheCommand& command) {
  auto* cache = app.add_subcommand("cache", "Inspect and trim an action cache");
  cache->add_option("action", command.action, "stats | list | gc | clear")
      ->required()
      ->check(CLI::IsMember({"stats", "list", "gc", "clear"}));
  cache->add_option("--cache", command.dir, "The cache folder")->capture_default_str();
  cache->add_option("--max-size", command.max_size, "With gc: the size to trim to, e.g. 500M");
}

std::string human_bytes(std::uintmax_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, unit ? "%.1f %s" : "%.0f %s", value, units[unit]);
  return buffer;
}

int do_cache(const CacheCommand& command) {
  if (command.action == "stats") {
    const CacheStats stats = cache_stats(command.dir);
    std::cout << "cache " << command.dir.string() << "\n"
              << "  entries  " << stats.entries << " (" << human_bytes(stats.bytes) << ")\n"
              << "  hits     " << stats.hits << "\n"
              << "  misses   " << stats.misses << "\n"
              << "  stores   " << stats.stores << "\n"
              << "  corrupt  " << stats.corrupt << " (deleted and rebuilt)\n";
    return 0;
  }
  if (command.action == "list") {
    for (const auto& entry : list_cache_entries(command.dir)) {
      std::cout << entry.key.substr(0, 16) << "  task " << entry.task_id << "  " << human_bytes(entry.bytes)
                << "  created " << entry.created << "\n";
    }
    return 0;
  }
  if (command.action == "gc") {
    if (command.max_size.empty()) {
      std::cerr << "flowbench cache gc: give --max-size (e.g. --max-size 500M)\n";
      return kExitBadInput;
    }
    auto max = parse_size(command.max_size);
    if (!max) {
      std::cerr << "flowbench cache gc: --max-size: " << max.error().message << "\n";
      return kExitBadInput;
    }
    const GcResult result = collect_garbage(command.dir, *max);
    std::cout << "removed " << result.removed << " entries, least recently used first: "
              << human_bytes(result.bytes_before) << " -> " << human_bytes(result.bytes_after) << "\n";
    return 0;
  }
  if (auto cleared = clear_cache(command.dir); !cleared) {
    std::cerr << "flowbench cache clear: " << cleared.error().message << "\n";
    return kExitBadInput;
  }
  std::cout << "cleared " << command.dir.string() << "\n";
  return 0;
}

int do_run(RunRequest request, const std::string& progress) {
  request.progress = progress == "status" ? ProgressStyle::kStatusLine
                     : progress == "lines" ? ProgressStyle::kLines
                     : progress == "none"  ? ProgressStyle::kNone
                                           : ProgressStyle::kAuto;
  request.handler_dirs = handler_dirs();
  auto report = run_workflow(request, std::cerr, std::cout);
  if (!report) {
    std::cerr << "flowbench run: " << report.error().message << "\n";
    return kExitBadInput;
  }
  const RunEnd& end = report->end;
  if (!request.json_events) {
    char makespan[32];
    std::snprintf(makespan, sizeof makespan, "%.3f", std::chrono::duration<double>(end.makespan).count());
    std::cout << "run " << run_status_name(end.status) << ": " << report->paths.root.string()
              << " (makespan " << makespan << " s; profiles in " << report->paths.profiles.string()
              << ")\n";
  }
  if (end.status == RunStatus::kInterrupted) return 128 + end.signal;
  return end.status == RunStatus::kComplete ? 0 : kExitTasksFailed;
}

struct AnalyzeCommand {
  std::vector<fs::path> runs;
  std::vector<std::string> what_ifs;
  double time_scale = 0;  // 0: the run's own
  fs::path json;
  double unstable = 0.05;
};

void add_analyze_command(CLI::App& app, AnalyzeCommand& command) {
  auto* analyze = app.add_subcommand(
      "analyze", "Analyse a run (writes RUN/summary.json) or the statistics of several runs or series folders");
  analyze->add_option("runs", command.runs, "Run folders, or series folders holding run folders")->required();
  analyze->add_option("--what-if", command.what_ifs, "TASK=SECONDS: recompute the critical path, e.g. 8=600s");
  analyze->add_option("--time-scale", command.time_scale, "Show figures in model units (default: the run's scale)");
  analyze->add_option("--json", command.json, "Also write the result as JSON here");
  analyze->add_option("--unstable-mad", command.unstable, "Flag tasks whose MAD exceeds this share of the median")
      ->capture_default_str();
}

int write_json(const fs::path& path, const nlohmann::ordered_json& value) {
  if (path.empty()) return 0;
  if (auto written = write_file_atomically(path, value.dump(2) + "\n"); !written) {
    std::cerr << "flowbench: " << written.error().message << "\n";
    return kExitBadInput;
  }
  return 0;
}

int do_analyze(const AnalyzeCommand& command) {
  auto runs = load_runs(command.runs);
  if (!runs) {
    std::cerr << "flowbench analyze: " << runs.error().message << "\n";
    return kExitBadInput;
  }
  const double scale = command.time_scale > 0 ? command.time_scale : runs->front().time_scale;
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
    auto analysis = analyze_run(runs->front(), what_ifs, scale);
    if (!analysis) {
      std::cerr << "flowbench analyze: " << analysis.error().message << "\n";
      return kExitBadInput;
    }
    print_analysis(std::cout, *analysis, scale);
    const auto summary = summary_json(*analysis, scale);
    const fs::path summary_file = runs->front().dir / "summary.json";
    if (int status = write_json(summary_file, summary)) return status;
    std::cout << "\nSummary saved: " << summary_file.string() << "\n";
    return write_json(command.json, summary);
  }
  if (!command.what_ifs.empty()) {
    std::cerr << "flowbench analyze: --what-if needs a single run\n";
    return kExitBadInput;
  }
  const auto stats = series_stats(*runs, command.unstable);
  print_stats(std::cout, stats, runs->size(), scale);
  return write_json(command.json, stats_json(stats, scale));
}

struct CompareCommand {
  fs::path before, after;
  CompareOptions options;
  double time_scale = 0;
  fs::path json;
};

void add_compare_command(CLI::App& app, CompareCommand& command) {
  auto* compare = app.add_subcommand("compare", "Compare runs before and after a change, per task and in total");
  compare->add_option("before", command.before, "A run folder or a series folder")->required();
  compare->add_option("after", command.after, "A run folder or a series folder")->required();
  compare->add_option("--noise", command.options.noise, "Relative changes below this are unchanged")
      ->capture_default_str();
  compare->add_option("--alpha", command.options.alpha, "Significance level of the Mann-Whitney U test")
      ->capture_default_str();
  compare->add_option("--time-scale", command.time_scale, "Show figures in model units (default: the run's scale)");
  compare->add_option("--json", command.json, "Also write the comparison as JSON here");
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
  return write_json(command.json, changes_json(changes, command.options, scale));
}

struct ReportCommand {
  std::vector<fs::path> before, after;
  std::vector<std::string> variants;
  std::string focus_task, phase, title = "Completion report";
  double time_scale = 0;
  fs::path output;
  bool no_plots = false;
};

void add_report_command(CLI::App& app, ReportCommand& command) {
  auto* report = app.add_subcommand("report", "Write a before/after completion report (Markdown, with plots)");
  report->add_option("--before", command.before, "Baseline run or series folders")->required();
  report->add_option("--after", command.after, "Optimized run or series folders")->required();
  report->add_option("--variant", command.variants, "NAME=FOLDER[,FOLDER...]: another variant to compare");
  report->add_option("--focus-task", command.focus_task, "A task reported on its own (default: the slowest)");
  report->add_option("--phase", command.phase, "ID,ID,...: tasks reported as one phase (default: 3,4,5-like set)");
  report->add_option("--title", command.title, "The report's title")->capture_default_str();
  report->add_option("--time-scale", command.time_scale, "Model-time scale (default: the runs' own)");
  report->add_option("-o,--output", command.output, "The Markdown file to write, e.g. reports/phase5.md")->required();
  report->add_flag("--no-plots", command.no_plots, "Do not draw plots (tools/plot.py, python3-matplotlib)");
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, ',');) {
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
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
  input.display_scale = command.time_scale > 0 ? command.time_scale : input.before.front().time_scale;
  input.focus_task = command.focus_task;
  input.phase = split_commas(command.phase);
  choose_report_defaults(input);
  // The timelines outline the critical path from each run's summary.json.
  for (const auto* side : {&input.before, &input.after}) {
    if (side->empty()) continue;
    if (auto analysis = analyze_run(side->front(), {}, input.display_scale)) {
      write_json(side->front().dir / "summary.json", summary_json(*analysis, input.display_scale));
    }
  }
  const fs::path report_dir = fs::absolute(command.output).parent_path();
  std::error_code ec;
  fs::create_directories(report_dir, ec);
  if (!command.no_plots) {
    const fs::path plots = report_dir / (command.output.stem().string() + "_plots");
    draw_report_plots(input, platform::self_executable().parent_path() / "plot.py", plots, report_dir, std::cerr);
  }
  std::ostringstream text;
  write_completion_report(text, input);
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

void add_export_command(CLI::App& app, ExportCommand& command) {
  auto* exporter = app.add_subcommand("export", "Write a run as JUnit XML, a Chrome trace or Google Benchmark JSON");
  exporter->add_option("run", command.run, "A run folder")->required();
  exporter->add_option("--format", command.format, "junit | trace | gbench")
      ->required()
      ->check(CLI::IsMember({"junit", "trace", "gbench"}));
  exporter->add_option("-o,--output", command.output, "File to write (default: stdout)");
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
  } else {
    write_gbench_json(text, *run);
  }
  if (command.output.empty()) {
    std::cout << text.str();
    return 0;
  }
  if (auto written = write_file_atomically(command.output, text.str()); !written) {
    std::cerr << "flowbench export: " << written.error().message << "\n";
    return kExitBadInput;
  }
  return 0;
}

int do_validate(const std::vector<fs::path>& specs) {
  LoadOptions options;
  options.handler_dirs = handler_dirs();
  int status = 0;
  for (const auto& spec : specs) {
    auto workflow = load_workflow(spec, options);
    if (workflow) {
      std::cout << "ok: " << spec.string() << " (" << workflow->tasks.size() << " tasks, workflow \""
                << workflow->name << "\")\n";
    } else {
      std::cerr << workflow.error().message << "\n";
      status = kExitBadInput;
    }
  }
  return status;
}

}  // namespace

int cli_main(int argc, char** argv) {
  CLI::App app{"flowbench: run, profile, benchmark and gate multi-task workflows"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("flowbench ") + kVersion + " (" + kGitCommit + ")");

  RunRequest request;
  std::string progress = "auto";
  add_run_command(app, request, progress);

  CacheCommand cache_command;
  add_cache_command(app, cache_command);

  AnalyzeCommand analyze_command;
  add_analyze_command(app, analyze_command);
  CompareCommand compare_command;
  add_compare_command(app, compare_command);

  ReportCommand report_command;
  add_report_command(app, report_command);

  ExportCommand export_command;
  add_export_command(app, export_command);

  std::vector<fs::path> specs;
  auto* validate = app.add_subcommand("validate", "Check workflow specs without running them");
  validate->add_option("spec", specs, "Workflow specs")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  try {
    if (app.got_subcommand("run")) return do_run(request, progress);
    if (app.got_subcommand("cache")) return do_cache(cache_command);
    if (app.got_subcommand("analyze")) return do_analyze(analyze_command);
    if (app.got_subcommand("compare")) return do_compare(compare_command);
    if (app.got_subcommand("report")) return do_report(report_command);
    if (app.got_subcommand("export")) return do_export(export_command);
    return do_validate(specs);
  } catch (const std::exception& e) {
    std::cerr << "flowbench: " << e.what() << "\n";
    return kExitBadInput;
  }
}

}  // namespace flowbench
