// `flowbench exec`: one task under flowbench's measurement (a Slurm job's content, or the
// plan's profile-task.sh as a proper command).
#include <iostream>
#include <memory>

#include "cli/cli_common.h"
#include "schedule/task_exec.h"

namespace flowbench::cli {
namespace fs = std::filesystem;

namespace {

struct ExecCommand {
  ExecRequest request;
  long kill_grace_ms = 5000;
  bool quiet = false;
};

int do_exec(ExecCommand& command) {
  ExecRequest& request = command.request;
  request.handler_dirs = handler_dirs();
  request.kill_grace = std::chrono::milliseconds(command.kill_grace_ms);
  if (!request.spec.empty() && request.run_dir.empty()) {
    std::cerr << "flowbench exec: --spec needs --run-dir (the run folder the job writes into)\n";
    return kExitBadInput;
  }
  if (!request.spec.empty() && !request.command.empty()) {
    std::cerr << "flowbench exec: give either --spec with --run-dir, or a command after --, not both\n";
    return kExitBadInput;
  }
  auto result = exec_task(request);
  if (!result) {
    std::cerr << "flowbench exec: " << result.error().message << "\n";
    return kExitBadInput;
  }
  if (!command.quiet) {
    const Profile& p = result->profile;
    std::cerr << "flowbench exec: task " << p.id << " " << status_name(p.status)
              << (p.reason.empty() ? "" : " (" + p.reason + ")") << "; profile: " << result->profile_file.string()
              << "\n";
  }
  return result->exit_status;
}

}  // namespace

void add_exec_command(CLI::App& app, int& exit_status) {
  auto command = std::make_shared<ExecCommand>();
  ExecRequest& request = command->request;
  auto* exec = app.add_subcommand(
      "exec",
      "Run one task, measure it (wall, CPU, peak memory, exit status, sub-operations) and write its "
      "profile atomically.\n"
      "  flowbench exec --task 8 [--out DIR] -- ./handler.sh 8   a command as task 8 (profile in DIR)\n"
      "  flowbench exec --spec SPEC --task 8 --run-dir RUN      task 8 of a spec, into a run folder "
      "(what a Slurm job runs)\n"
      "Exits with the task's status: its exit code, 128+signal, 124 on timeout, 127 when it could not start.");
  exec->add_option("--task", request.task_id, "The task's id")->required();
  exec->add_option("--spec", request.spec, "Workflow spec the task comes from")->check(CLI::ExistingFile);
  exec->add_option("--run-dir", request.run_dir, "Run folder (made by flowbench run) that receives log and profile");
  exec->add_option("--out", request.out, "Without --spec: folder for the profile and the log")
      ->capture_default_str();
  exec->add_option("--name", request.name, "Without --spec: the task's name (default: its id)");
  exec->add_option("--timeout", request.timeout_s, "Without --spec: wall-clock seconds before it is stopped")
      ->check(CLI::PositiveNumber);
  exec->add_option("--time-scale", request.time_scale, "Model-time scale passed to the task and recorded")
      ->capture_default_str();
  exec->add_option("--kill-grace-ms", command->kill_grace_ms, "Milliseconds between SIGTERM and SIGKILL")
      ->capture_default_str();
  exec->add_flag("-q,--quiet", command->quiet, "Do not print where the profile went");
  exec->add_option("command", request.command, "Without --spec: the command to run (after --)");
  request.out = ".flowbench/profiles";
  exec->callback([command, &exit_status] { exit_status = do_exec(*command); });
}

}  // namespace flowbench::cli
