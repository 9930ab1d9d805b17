// The action cache as one run uses it: keys from the workflow's tasks, restores into the
// tasks' folders and the run folder's logs, stores what succeeded.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cache/action_cache.h"
#include "model/workflow.h"
#include "record/run_folder.h"
#include "cache/task_cache.h"

namespace flowbench {

class RunCache : public TaskCache {
 public:
  // `environment_of` gives the whole environment a task runs with; `warnings` receives
  // one line per cache problem (a corrupt entry, an output that was not produced).
  RunCache(const Workflow& workflow, ActionCache& cache, RunPaths paths, double time_scale,
           std::function<std::vector<std::string>(const Task&)> environment_of, std::ostream& warnings);

  std::optional<Profile> try_restore(std::size_t task) override;
  void after_run(std::size_t task, Profile& profile) override;

 private:
  // The action a task describes, if it declares a cache block.
  std::optional<ActionDescription> describe(const Task& task) const;
  void warn(const Task& task, const std::string& message);

  const Workflow& workflow_;
  ActionCache& cache_;
  RunPaths paths_;
  double time_scale_;
  std::function<std::vector<std::string>(const Task&)> environment_of_;
  std::ostream& warnings_;
  std::vector<std::optional<std::string>> keys_;
};

// The cache block's string list under `field` ("inputs", "outputs", "env").
std::vector<std::string> cache_list(const Task& task, const char* field);

}  // namespace flowbench
