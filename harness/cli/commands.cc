#include "cli/commands.h"

#include <iostream>

#include "build_info.h"
#include "cli/cli_common.h"

namespace flowbench {

int cli_main(int argc, char** argv) {
  CLI::App app{"flowbench: run, profile, benchmark and gate multi-task workflows"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("flowbench ") + kVersion + " (" + kGitCommit + ")");

  int exit_status = 0;
  cli::add_run_commands(app, exit_status);
  cli::add_cache_command(app, exit_status);
  cli::add_analysis_commands(app, exit_status);
  cli::add_report_commands(app, exit_status);
  cli::add_import_command(app, exit_status);
  cli::add_gate_command(app, exit_status);
  cli::add_exec_command(app, exit_status);
  cli::add_ab_command(app, exit_status);
  cli::add_calibrate_command(app, exit_status);
  cli::add_history_commands(app, exit_status);
  cli::add_init_command(app, exit_status);
  cli::add_bisect_command(app, exit_status);
  cli::add_docs_commands(app, exit_status);

  try {
    app.parse(argc, argv);  // the chosen subcommand's callback runs here
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : cli::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "flowbench: " << e.what() << "\n";
    return cli::kExitBadInput;
  }
  return exit_status;
}

}  // namespace flowbench
