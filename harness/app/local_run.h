// One `flowbench run`: load the spec, make the run folder, schedule the tasks on local
// processes or Slurm jobs, record everything.
#pragma once

#include <chrono>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "record/observer.h"
#include "record/run_folder.h"
#include "schedule/dry_run.h"
#include "slurm/sbatch.h"
#include "util/expected.h"

namespace flowbench {

enum class ProgressStyle { kAuto, kStatusLine, kLines, kNone };

// How a run orders its tasks.
enum class RunMode {
  kSequential,  // one at a time, in the spec's order
  kParallel,    // by dependencies, -j at once, longest remaining path first
};
// Where tasks run.
enum class Executor {
  kLocal,  // processes on this machine
  kSlurm,  // one batch job per task, dependencies as afterok
};
const char* mode_name(RunMode mode);              // "sequential", "parallel"
const char* executor_name(Executor executor);     // "local", "slurm"

// How a run folder holds its profiles and logs (a run of 100,000 tasks needs few files).
enum class ProfileLayout { kPerTask, kRecords };  // profiles/task-<id>-profile.json too, or records.jsonl only
enum class LogLayout { kPerTask, kCombined };     // logs/task-<id>.log, or logs/combined.log and its index

struct RunRequest {
  std::filesystem::path spec;
  std::filesystem::path out = ".flowbench/runs";
  std::string run_id;                 // empty: <timestamp>-<mode>
  std::string variant;                // recorded in run.json: what gates and the history call it ("" = the mode)
  RunMode mode = RunMode::kParallel;
  std::size_t jobs = 0;               // 0: number of cores (parallel), 1 (sequential)
  double time_scale = 1.0;
  std::filesystem::path history;      // a previous run folder, for expected durations
  bool keep_going = false;
  bool kill_on_failure = false;
  std::chrono::milliseconds kill_grace{5000};
  ProgressStyle progress = ProgressStyle::kAuto;
  bool json_events = false;
  std::filesystem::path cache_dir;    // empty: .flowbench/cache beside the spec
  bool no_cache = false;              // run every task, store nothing
  bool cache_read_only = false;       // restore hits, store nothing
  std::vector<std::filesystem::path> handler_dirs;  // searched first for programs
  std::vector<std::string> only;      // run just these task ids (their other dependencies count as done)
  std::filesystem::path resume;       // an earlier run that stopped: its ok tasks are kept, the rest run
  Executor executor = Executor::kLocal;
  slurm::ClusterOptions cluster;      // with slurm: partition, account, QoS, extra sbatch arguments
  std::filesystem::path flowbench;    // with slurm: the binary jobs run (default: this one)
  ProfileLayout profiles = ProfileLayout::kPerTask;
  LogLayout logs = LogLayout::kPerTask;
};

struct RunReport {
  RunPaths paths;
  RunEnd end;
};

// Runs the workflow. Input problems (spec, history, output folder) come back as an Error
// before anything runs; a run that started always returns its report, whatever the tasks did.
// Human progress goes to `progress_out`; JSON events (if asked for) to `events_out`.
Expected<RunReport> run_workflow(const RunRequest& request, std::ostream& progress_out,
                                 std::ostream& events_out);

// What `run --dry-run` shows: the request's workflow (every program resolved, --only
// applied) and the schedule it would follow at its mode and jobs, each task taking its
// expected duration (from --history, else expected_s, else 1 model second). Runs nothing,
// writes nothing.
struct DryRunReport {
  Workflow workflow;
  DryRun dry;
};
Expected<DryRunReport> dry_run(const RunRequest& request);

// Expected duration of each task in model seconds, by id, from a previous run folder's
// profiles (only tasks that succeeded). Errors name the file.
Expected<std::map<std::string, double>> load_history(const std::filesystem::path& run_folder);

}  // namespace flowbench
