// `run --resume RUN`: a new run that continues one that stopped before its end (crashed,
// interrupted, failed). Tasks that ended ok there are kept, with their profiles and logs;
// the rest run.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "cache/task_cache.h"
#include "model/workflow.h"
#include "record/run_folder.h"

namespace flowbench {

// Records what a run runs: the spec's SHA-256 and each resolved program's.
Status add_run_digests(const Workflow& workflow, RunSettings& settings);

struct ResumePoint {
  std::filesystem::path from;           // the earlier run folder
  std::map<std::string, Profile> kept;  // by task id: the tasks that ended ok (or restored) there
};

// Reads the earlier run and checks that `workflow` may continue it: it ended before its end,
// and neither the spec nor a handler changed since (the digests `now` holds against its
// run.json's). Errors name the run folder, what changed and what to do.
Expected<ResumePoint> resume_point(const std::filesystem::path& run_dir, const Workflow& workflow,
                                   const RunSettings& now);

// Restores the tasks the resume point keeps (profile carried over, marked resumed_from, log
// copied into `run_root`); every other task goes to `inner` (the action cache, or null).
class ResumeCache : public TaskCache {
 public:
  ResumeCache(const Workflow& workflow, const ResumePoint& point, std::filesystem::path run_root, TaskCache* inner)
      : workflow_(workflow), point_(point), run_root_(std::move(run_root)), inner_(inner) {}
  std::optional<Profile> try_restore(std::size_t task) override;
  void after_run(std::size_t task, Profile& profile) override;

 private:
  const Workflow& workflow_;
  const ResumePoint& point_;
  std::filesystem::path run_root_;
  TaskCache* inner_;
};

}  // namespace flowbench
