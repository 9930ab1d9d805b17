// Pieces shared by the `flowbench` subcommands. Each add_* function registers its
// subcommands on the app; when one is chosen, its callback stores the exit status.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace flowbench::cli {

constexpr int kExitTasksFailed = 1;  // the run (or a gate) ran and found failures
constexpr int kExitBadInput = 2;     // bad arguments, spec or files: nothing was measured

// flowbench's own bin folder: handlers shipped with it are found there by name.
std::vector<std::filesystem::path> handler_dirs();

// The plotting script flowbench report runs: plot.py beside flowbench (a build folder), else
// flowbench-plot (an install).
std::filesystem::path plot_script();

// Writes `value` atomically to `path` (nothing when the path is empty); returns an exit status.
int write_json_file(const std::filesystem::path& path, const nlohmann::ordered_json& value,
                    const std::string& command);

// Writes `text` atomically to `path`, or to stdout when the path is empty.
int write_output(const std::filesystem::path& path, const std::string& text, const std::string& command);

std::vector<std::string> split_commas(const std::string& text);

void add_run_commands(CLI::App& app, int& exit_status);       // run, validate
void add_cache_command(CLI::App& app, int& exit_status);      // cache
void add_analysis_commands(CLI::App& app, int& exit_status);  // analyze, compare
void add_report_commands(CLI::App& app, int& exit_status);    // report, export
void add_import_command(CLI::App& app, int& exit_status);     // import
void add_gate_command(CLI::App& app, int& exit_status);       // gate
void add_exec_command(CLI::App& app, int& exit_status);       // exec
void add_ab_command(CLI::App& app, int& exit_status);         // ab
void add_calibrate_command(CLI::App& app, int& exit_status);  // calibrate
void add_history_commands(CLI::App& app, int& exit_status);   // record, history
void add_docs_commands(CLI::App& app, int& exit_status);      // completion, man (hidden)
void add_init_command(CLI::App& app, int& exit_status);       // init
void add_bisect_command(CLI::App& app, int& exit_status);     // bisect

}  // namespace flowbench::cli
