// Slurm's command lines and outputs, as pure functions: what flowbench asks sbatch for,
// and what it reads back from sbatch and squeue.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/expected.h"

namespace flowbench::slurm {

// What real clusters need said for every job of a run.
struct ClusterOptions {
  std::string partition;
  std::string account;
  std::string qos;
  std::vector<std::string> sbatch_args;  // passed through, before the script
};

struct JobRequest {
  std::string name;                      // --job-name
  std::string script;                    // the batch script's path
  std::string output;                    // --output (the script's own stdout/stderr)
  std::string workdir;                   // --chdir
  std::optional<long> cpus;              // --cpus-per-task
  std::optional<long> mem_mb;            // --mem
  std::optional<double> timeout_s;       // the task's timeout, for --time
  std::vector<std::string> after_jobs;   // --dependency=afterok:...
};

// sbatch's argv (without the program itself): --parsable, the job's name, output,
// folder, resources, afterok dependencies (with --kill-on-invalid-dep=yes, so Slurm
// cancels dependents of a failed job), the cluster options, then the script.
std::vector<std::string> sbatch_arguments(const ClusterOptions& cluster, const JobRequest& job);

// Slurm's --time for a task's timeout: the timeout plus `grace_s`, rounded up to whole
// minutes, as "D-HH:MM:00". flowbench exec enforces the exact timeout itself; this is the
// cluster's backstop.
std::string time_limit(double timeout_s, double grace_s);

// The job id from `sbatch --parsable` output ("123" or "123;cluster", possibly after
// warning lines); an error quoting the output when there is none.
Expected<std::string> parse_job_id(const std::string& output);

struct JobState {
  std::string state;   // RUNNING, PENDING, COMPLETED, CANCELLED, ...
  std::string reason;  // why pending, or why it ended
  std::string submit, start, end;  // Slurm's whole-second times, as squeue prints them
  std::string node;
};

// The format string squeue_lines() reads.
inline constexpr const char* kSqueueFormat = "%i|%T|%r|%V|%S|%e|%N";

// Lines of `squeue -h -o kSqueueFormat`, by job id; malformed lines are ignored.
std::map<std::string, JobState> parse_squeue(const std::string& output);

// True for a state a job never leaves (COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL...).
bool is_final_state(const std::string& state);

// Quotes a word for /bin/sh.
std::string shell_quote(const std::string& word);

}  // namespace flowbench::slurm
