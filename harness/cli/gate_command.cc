// `flowbench gate`: budgets over measured data; exits non-zero when a target fails.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/cli_common.h"
#include "cli/gate_common.h"
#include "cli/history_common.h"
#include "report/markdown_summary.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

std::optional<GateInputs> load_gate_inputs(const fs::path& budgets_path, const std::vector<std::string>& targets_globs,
                                           const fs::path& noise_path, const std::string& command) {
  auto budgets = load_budgets(budgets_path);
  if (!budgets) {
    std::cerr << "flowbench " << command << ": " << budgets.error().message << "\n";
    return std::nullopt;
  }
  if (auto selected = select_targets(*budgets, targets_globs); !selected) {
    std::cerr << "flowbench " << command << ": " << selected.error().message << "\n";
    return std::nullopt;
  }
  GateInputs inputs{std::move(*budgets), std::nullopt};
  if (!noise_path.empty()) inputs.budgets.noise = noise_path;
  if (needs_noise(inputs.budgets)) {
    if (inputs.budgets.noise.empty()) {
      std::cerr << "flowbench " << command << ": " << budgets_path.string()
                << ": min_effect \"auto\" needs a noise file; fix: add \"noise\": \"noise.json\" (written by "
                   "`flowbench calibrate`) to the budgets, or pass --noise FILE\n";
      return std::nullopt;
    }
    auto noise = load_noise(inputs.budgets.noise);
    if (!noise) {
      std::cerr << "flowbench " << command << ": " << noise.error().message << "\n";
      return std::nullopt;
    }
    inputs.noise = std::move(*noise);
  }
  return inputs;
}

bool noise_fits(const GateInputs& inputs, const Measurements& data, const std::string& command) {
  if (!inputs.noise) return true;
  if (auto fits = check_noise_fits(*inputs.noise, this_machine(), data); !fits) {
    std::cerr << "flowbench " << command << ": " << fits.error().message << "\n";
    return false;
  }
  return true;
}

void add_verdict_file_options(CLI::App& command, VerdictFiles& files) {
  command.add_option("--junit", files.junit, "Also write the verdicts as JUnit XML (a testcase per target)");
  command.add_option("--json", files.json, "Also write the verdicts as JSON");
  command.add_option("--markdown", files.markdown,
                     "Also write a Markdown summary (failures first; GitHub's dialect); appended to "
                     "$GITHUB_STEP_SUMMARY too when that is set");
  command.add_option("--html-link", files.html, "An HTML report's path or URL to link from the Markdown summary");
}

bool outputs_writable(const VerdictFiles& files, const std::string& command) {
  for (const auto& [option, path] : {std::pair{"--junit", files.junit}, {"--json", files.json}, {"--markdown", files.markdown}}) {
    if (path.empty()) continue;
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
      std::cerr << "flowbench " << command << ": " << option << " " << path.string() << ": the folder " << folder.string()
                << " does not exist; fix: create it, or write the file somewhere that exists\n";
      return false;
    }
  }
  return true;
}

int write_markdown_summary(const std::string& markdown, const fs::path& file, const std::string& command) {
  if (!file.empty()) {
    if (int status = write_output(file, markdown, command)) return status;
  }
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
    std::ofstream out(summary, std::ios::app);
    out << markdown;
    if (!out) {
      std::cerr << "flowbench " << command << ": cannot append to $GITHUB_STEP_SUMMARY (" << summary << ")\n";
      return kExitBadInput;
    }
  }
  return 0;
}

int report_verdicts(const GateInputs& inputs, const std::string& heading, const std::vector<Verdict>& verdicts,
                    const VerdictFiles& files, const std::string& command) {
  std::cout << heading;
  if (inputs.budgets.time_scale) std::cout << " (model units: measured / " << *inputs.budgets.time_scale << ")";
  std::cout << "\n\n";
  print_verdicts(std::cout, verdicts);
  if (!files.junit.empty()) {
    std::ostringstream xml;
    write_verdicts_junit(xml, command + " " + inputs.budgets.name, verdicts);
    if (int status = write_output(files.junit, xml.str(), command)) return status;
  }
  if (int status = write_json_file(files.json, verdicts_json(verdicts), command)) return status;
  SummaryContext context{heading, this_machine().text(), {}};
  if (!files.junit.empty()) context.links.push_back({"JUnit", files.junit.generic_string()});
  if (!files.json.empty()) context.links.push_back({"JSON", files.json.generic_string()});
  if (!files.html.empty()) context.links.push_back({"HTML report", files.html});
  std::ostringstream markdown;
  write_verdicts_markdown(markdown, context, verdicts);
  if (int status = write_markdown_summary(markdown.str(), files.markdown, command)) return status;
  return gate_exit_status(verdicts);
}

void add_targets_option(CLI::App& command, std::vector<std::string>& globs) {
  command
      .add_option("--targets", globs,
                  "Check only the targets whose names match these globs; '!GLOB' leaves targets out "
                  "(e.g. '*-no-regression', '!*-no-regression'; comma-separated or repeated)")
      ->delimiter(',')
      ->expected(1)
      ->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

namespace {

struct GateCommand {
  fs::path budgets;
  std::vector<fs::path> data;
  fs::path baseline;
  fs::path noise;
  std::vector<std::string> targets;
  VerdictFiles files;
  HistoryGateOptions history;
};

int do_gate(const GateCommand& command) {
  auto inputs = load_gate_inputs(command.budgets, command.targets, command.noise, "gate");
  if (!inputs) return kExitBadInput;
  if (!outputs_writable(command.files, "gate")) return kExitBadInput;
  auto data = load_all_measurements(command.data);
  if (!data) {
    std::cerr << "flowbench gate: " << data.error().message << "\n";
    return kExitBadInput;
  }
  if (!noise_fits(*inputs, *data, "gate")) return kExitBadInput;
  std::ostringstream warnings;
  Baselines baselines = load_baselines(inputs->budgets, command.baseline, warnings);
  std::cerr << warnings.str();
  if (!add_history_baselines(inputs->budgets, *data, command.history, baselines, "gate")) return kExitBadInput;
  auto verdicts = evaluate_budgets(inputs->budgets, *data, baselines, inputs->noise ? &*inputs->noise : nullptr);
  if (!verdicts) {
    std::cerr << "flowbench gate: " << verdicts.error().message << "\n";
    return kExitBadInput;
  }
  return report_verdicts(*inputs, "gate " + inputs->budgets.name + " over " + data->source, *verdicts, command.files,
                         "gate");
}

}  // namespace

void add_gate_command(CLI::App& app, int& exit_status) {
  auto command = std::make_shared<GateCommand>();
  auto* gate = app.add_subcommand(
      "gate", "Check budgets and regressions; exit 1 when a target is not met, 3 when one is undecided");
  gate->add_option("--budgets", command->budgets, "Budgets file (schema flowbench.budgets/1)")
      ->required()
      ->check(CLI::ExistingFile);
  gate->add_option("data", command->data,
                   "Run folders, series folders (or a folder of them: one per variant) and benchmark JSON files")
      ->required();
  gate->add_option("--baseline", command->baseline,
                   "Stored measurements (benchmark JSON or runs) for every regression check");
  gate->add_option("--noise", command->noise, "Noise file from `flowbench calibrate` for min_effect \"auto\"");
  add_targets_option(*gate, command->targets);
  gate->add_option("--db", command->history.db,
                   "History for baselines \"history\": a SQLite file or postgresql://USER@HOST:PORT/DATABASE (default: "
                   ".flowbench/history.db beside the spec)");
  add_commit_options(*gate, command->history.commit);
  gate->add_option("--merge-base", command->history.merge_base,
                   "On a branch: the commit of the baseline branch it started from (default: git merge-base)");
  add_verdict_file_options(*gate, command->files);
  gate->callback([command, &exit_status] { exit_status = do_gate(*command); });
}

}  // namespace flowbench::cli
