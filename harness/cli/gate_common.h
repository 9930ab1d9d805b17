// What `gate`, `ab` and `calibrate` share: budgets with their noise file, and the verdicts'
// outputs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "report/verdicts.h"

namespace flowbench::cli {

struct GateInputs {
  Budgets budgets;
  std::optional<NoiseFile> noise;  // loaded when a target asks for min_effect "auto"
};

// Loads the budgets, keeps the targets `targets_globs` select (all when empty) and, when
// a target needs it, the noise file (`noise_path`, else the budgets' own). Errors are
// printed with the command's name; nullopt then (exit 2).
std::optional<GateInputs> load_gate_inputs(const std::filesystem::path& budgets_path, const std::vector<std::string>& targets_globs,
                                           const std::filesystem::path& noise_path, const std::string& command);

// Checks that the noise file fits the machine and the data; prints the error and returns
// false when it does not.
bool noise_fits(const GateInputs& inputs, const Measurements& data, const std::string& command);

// Where verdicts go besides the table on stdout.
struct VerdictFiles {
  std::filesystem::path junit, json, markdown;
  std::string html;  // an HTML report's path or URL, linked from the Markdown
};

// --junit, --json, --markdown, --html-link.
void add_verdict_file_options(CLI::App& command, VerdictFiles& files);

// An error (printed, false) when an output's folder does not exist: found before measuring.
bool outputs_writable(const VerdictFiles& files, const std::string& command);

// The Markdown summary: to --markdown, and appended to $GITHUB_STEP_SUMMARY when it is set.
// 0, or kExitBadInput when a file cannot be written.
int write_markdown_summary(const std::string& markdown, const std::filesystem::path& file, const std::string& command);

// Prints the verdict table under a heading, writes JUnit, JSON and Markdown when asked;
// returns the exit status (0 all met, 1 a target failed, 3 undecided, 2 an output could not
// be written).
int report_verdicts(const GateInputs& inputs, const std::string& heading, const std::vector<Verdict>& verdicts,
                    const VerdictFiles& files, const std::string& command);

// --targets: which of the budgets' targets to check, by globs over their names.
void add_targets_option(CLI::App& command, std::vector<std::string>& globs);

}  // namespace flowbench::cli
