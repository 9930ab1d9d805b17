// Runs each task as a Slurm batch job. The scheduler hands a task over as soon as the
// tasks it waits for have been handed over; the job carries them as afterok dependencies,
// so Slurm itself orders the graph and starts a dependent within tens of milliseconds of
// its last dependency's end. Inside the job, `flowbench exec` runs the task and writes its
// start marker and profile into the shared run folder, where this runner reads them.
#pragma once

#include <chrono>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "exec/runner.h"
#include "model/workflow.h"
#include "platform/signals.h"
#include "record/run_folder.h"
#include "slurm/sbatch.h"

namespace flowbench {

struct SlurmRunnerOptions {
  slurm::ClusterOptions cluster;
  std::filesystem::path flowbench;   // the binary a job runs (`flowbench exec`); must be visible to the nodes
  std::filesystem::path spec;        // absolute
  double time_scale = 1.0;
  std::vector<std::filesystem::path> handler_dirs;
  std::chrono::milliseconds kill_grace{5000};       // inside the job: SIGTERM -> SIGKILL
  std::chrono::milliseconds file_poll{20};          // how often job files are looked at
  std::chrono::milliseconds queue_poll{1000};       // how often squeue is asked
  std::chrono::milliseconds lost_grace{3000};       // a job gone without a profile for this long is lost
  std::chrono::milliseconds controller_timeout{60000};  // squeue failing this long: every job is lost
};

class SlurmRunner : public Runner {
 public:
  // Checks that sbatch, squeue and scancel are there and that the controller answers.
  static Expected<std::unique_ptr<SlurmRunner>> create(const Workflow& workflow, RunPaths paths,
                                                       SlurmRunnerOptions options);
  ~SlurmRunner() override;

  bool can_run_more() const override { return true; }  // the cluster decides when jobs run
  void start(const Launch& launch) override;
  WaitEvent wait(SteadyTime until) override;
  std::vector<TaskOutcome> stop_all() override;
  std::size_t running() const override;
  bool orders_dependencies() const override { return true; }
  void cancel_not_started(const std::vector<std::size_t>& tasks) override;

  // Writes jobs/slurm-jobs.json: every job's id, Slurm's own (whole-second) submit, start
  // and end times and final state, beside flowbench's own times, as a cross-check.
  Status write_job_table();

 private:
  struct Job {
    std::size_t task = 0;
    std::string id;                       // Slurm job id
    SystemTime submitted{};
    std::vector<std::size_t> after;
    bool start_reported = false;
    bool cancel_requested = false;
    bool done = false;                    // its outcome has been queued
    bool succeeded = false;               // ... and it was a success
    std::optional<SystemTime> started_at; // from the start marker or the profile
    std::optional<SystemTime> ended_at;
    slurm::JobState last;                 // last squeue line
    std::string node;                     // where it started, from its start marker
    std::optional<SteadyTime> gone_since; // final state (or absent) with no profile yet
  };

  SlurmRunner(const Workflow& workflow, RunPaths paths, SlurmRunnerOptions options,
              std::filesystem::path sbatch, std::filesystem::path squeue, std::filesystem::path scancel);

  Expected<std::string> submit(const Launch& launch, const std::vector<std::string>& after_jobs);
  void poll_files();
  void poll_queue(SteadyTime now);
  void resolve_gone(Job& job, SteadyTime now);
  // What a job that ended without a profile left in its output file, or why it has none: text to
  // append to the lost reason, and whether it names the cause (the job's own words, or Slurm's
  // failed launch) rather than only where to look.
  struct JobOutput {
    std::string text;
    bool names_cause = false;
  };
  JobOutput job_output_says(const Job& job, const std::string& node) const;
  bool dependency_failed(const Job& job) const;
  void finish(Job& job, TaskOutcome outcome);
  void report_start(Job& job, SystemTime at);
  std::optional<TaskOutcome> outcome_from_profile(Job& job);
  TaskOutcome bare_outcome(const Job& job, Ending ending) const;
  // Runs a Slurm command; its exit status and output (stdout + stderr).
  Expected<std::pair<int, std::string>> run_command(const std::filesystem::path& program,
                                                    const std::vector<std::string>& args);
  void scancel(const std::vector<Job*>& jobs, bool pending_only);
  std::vector<Job*> active_jobs();

  const Workflow& workflow_;
  RunPaths paths_;
  SlurmRunnerOptions options_;
  std::filesystem::path sbatch_, squeue_, scancel_;
  std::vector<std::optional<Job>> jobs_;   // by task index
  std::deque<WaitEvent> events_;           // TaskStarted and TaskOutcome, in order
  std::size_t outstanding_ = 0;            // handed over, outcome not yet returned
  SteadyTime next_file_poll_{};
  SteadyTime next_queue_poll_{};
  std::optional<SteadyTime> controller_silent_since_;
  platform::SignalWaiter signals_{false};
  int command_count_ = 0;
};

}  // namespace flowbench
