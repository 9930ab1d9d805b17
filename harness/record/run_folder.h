// The run folder (DESIGN.md "Run folder"): run.json, profiles/, logs/, records.jsonl, trace.json.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "record/observer.h"
#include "platform/background_writer.h"
#include "util/expected.h"

namespace flowbench {

inline constexpr const char* kRunSchema = "flowbench.run/1";

// How a run was asked for, recorded in run.json's context.
struct RunSettings {
  std::string mode = "parallel";  // sequential | parallel
  std::string variant;            // what the gate and the history call the run ("" = its mode)
  std::size_t jobs = 1;
  double time_scale = 1.0;
  bool keep_going = false;
  std::string cache = "off";      // off | read-write | read-only
  std::string cache_dir;          // the action cache's folder, when on
  std::string history;            // the run folder used for expected durations, if any
  // Set for a run converted from another system's record: run.json's context then
  // describes that origin instead of this machine.
  nlohmann::json imported_from;
  // Where the tasks ran: {"name": "local"} or {"name": "slurm", "partition": ..., ...}.
  nlohmann::json executor = {{"name", "local"}};
  // What the run ran, so that `run --resume` can tell a changed spec or handler.
  std::string spec_sha256;
  nlohmann::json handlers = nlohmann::json::object();  // resolved program -> SHA-256
  std::string resumed_from;                            // the run folder this one continues
  // The run folder's layout: a profile file a task, or only records.jsonl ("records"); a log
  // file a task, or one appended log with an index ("combined", record/run_logs.h).
  std::string profiles = "per-task";
  std::string logs = "per-task";
};

struct RunPaths {
  std::string run_id;
  std::filesystem::path root, profiles, logs;
  std::filesystem::path run_json() const { return root / "run.json"; }
  std::filesystem::path records() const { return root / "records.jsonl"; }
  std::filesystem::path trace() const { return root / "trace.json"; }
  std::filesystem::path log_of(const Task& task) const { return logs / (task.file_stem() + ".log"); }
  // What a task's job writes when it runs elsewhere (flowbench exec in a Slurm job): a
  // marker when it starts, its profile when it ends.
  std::filesystem::path jobs() const { return root / "jobs"; }
  std::filesystem::path job_started(const Task& task) const { return jobs() / (task.file_stem() + ".started"); }
  std::filesystem::path job_profile(const Task& task) const { return jobs() / (task.file_stem() + ".json"); }
};

// The paths of an existing run folder (nothing is checked or created).
RunPaths run_paths_of(const std::filesystem::path& root);

// Creates <out>/<run-id>/ with logs/ and, when profiles are written a file a task, profiles/.
// An existing run id gets a numeric suffix (-2, -3, ...) rather than mixing two runs in one folder.
Expected<RunPaths> create_run_folder(const std::filesystem::path& out, const std::string& run_id,
                                     bool profile_files = true);

// Writes every profile (atomically) and its line in records.jsonl as tasks finish, and
// run.json at the start (status running) and at the end (status and totals). Profiles
// are written by a background thread; run.json's final status is written only after
// every profile is, so a run marked ended always has all its profiles.
class RunFolderWriter : public RunObserver {
 public:
  RunFolderWriter(RunPaths paths, RunSettings settings);

  void on_run_start(const Workflow& workflow, SystemTime at) override;
  void on_task_finish(const Task& task, const Profile& profile) override;
  void on_run_finish(const RunEnd& end) override;
  // A write that failed (the first): the run cannot be recorded, so it must stop.
  std::optional<std::string> failure() override;

  // The first write that failed, if any (the run goes on; the CLI reports it).
  const std::optional<Error>& write_error() const { return write_error_; }

 private:
  void write_run_json(const RunEnd* end);
  void keep(Status status);

  RunPaths paths_;
  RunSettings settings_;
  std::uint64_t combined_bytes_ = 0;  // the combined log's size (only the writer's thread appends)
  BackgroundWriter writer_;
  const Workflow* workflow_ = nullptr;
  SystemTime started_at_{};
  std::map<std::string, int> counts_;
  double sum_duration_ms_ = 0, cpu_user_ms_ = 0, cpu_sys_ms_ = 0;
  long peak_rss_kb_ = 0;
  std::optional<Error> write_error_;
};

}  // namespace flowbench
