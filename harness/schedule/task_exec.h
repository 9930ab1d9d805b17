// `flowbench exec`: runs one task under flowbench's own measurement and writes its profile
// atomically. Inside a Slurm job it is the job's whole content (the task of the spec, into
// the shared run folder); on its own it is the plan's profile-task.sh as a proper command.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "record/profile.h"
#include "util/expected.h"

namespace flowbench {

struct ExecRequest {
  // Spec mode: task `task_id` of `spec`, written into the run folder `run_dir`
  // (log in logs/, start marker and profile in jobs/).
  std::filesystem::path spec;
  std::filesystem::path run_dir;
  // Command mode (no spec): `command` runs as task `task_id`; profile and log go to `out`.
  std::vector<std::string> command;
  std::filesystem::path out;
  std::string name;
  std::optional<double> timeout_s;  // command mode; the spec's timeout otherwise

  std::string task_id;
  double time_scale = 1.0;
  std::vector<std::filesystem::path> handler_dirs;
  std::chrono::milliseconds kill_grace{5000};
};

struct ExecResult {
  Profile profile;
  std::filesystem::path profile_file;
  int exit_status = 0;  // what `flowbench exec` exits with (see exec_exit_status)
};

// Runs the task to its end (or until SIGINT/SIGTERM, which stop it and still write the
// profile). Errors (bad spec, unknown task, missing program, unwritable folder) come back
// before anything runs.
Expected<ExecResult> exec_task(const ExecRequest& request);

// 0 when the task succeeded; else its exit code, 128 + signal when a signal ended it,
// 124 on timeout, 127 when it could not start. Non-zero is what keeps Slurm's afterok
// dependents from starting.
int exec_exit_status(const Profile& profile);

}  // namespace flowbench
