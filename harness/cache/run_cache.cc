#include "cache/run_cache.h"

#include "record/ops.h"

#include <chrono>

namespace flowbench {
namespace fs = std::filesystem;

std::vector<std::string> cache_list(const Task& task, const char* field) {
  std::vector<std::string> values;
  if (task.cache.is_object() && task.cache.contains(field) && task.cache[field].is_array()) {
    for (const auto& value : task.cache[field]) {
      if (value.is_string()) values.push_back(value.get<std::string>());
    }
  }
  return values;
}

RunCache::RunCache(const Workflow& workflow, ActionCache& cache, RunPaths paths, double time_scale,
                   std::function<std::vector<std::string>(const Task&)> environment_of, std::ostream& warnings)
    : workflow_(workflow),
      cache_(cache),
      paths_(std::move(paths)),
      time_scale_(time_scale),
      environment_of_(std::move(environment_of)),
      warnings_(warnings),
      keys_(workflow.tasks.size()) {}

std::optional<ActionDescription> RunCache::describe(const Task& task) const {
  if (!task.cache.is_object() || task.cache.empty()) return std::nullopt;
  ActionDescription action;
  action.argv = task.command;
  action.shell = task.shell;
  action.folder = task.cwd.get().lexically_relative(workflow_.spec_dir).generic_string();
  action.env = relevant_environment(task.env, cache_list(task, "env"), environment_of_(task));
  action.handler = task.executable;
  action.workspace = task.cwd;
  action.inputs = cache_list(task, "inputs");
  action.time_scale = time_scale_;
  return action;
}

void RunCache::warn(const Task& task, const std::string& message) {
  warnings_ << "flowbench: cache: task " << task.id << ": " << message << "\n" << std::flush;
}

std::optional<Profile> RunCache::try_restore(std::size_t index) {
  const Task& task = workflow_.tasks[index];
  auto action = describe(task);
  if (!action) return std::nullopt;
  auto key = action_key(*action);
  if (!key) {
    warn(task, key.error().message + "; running it uncached");
    return std::nullopt;
  }
  keys_[index] = *key;
  const auto started = std::chrono::steady_clock::now();
  const SystemTime started_at = std::chrono::system_clock::now();
  auto result = cache_.restore(*key, task.cwd, paths_.log_of(task));
  if (auto* miss = std::get_if<CacheMiss>(&result)) {
    if (!miss->corruption.empty()) {
      warn(task, miss->corruption);
      cache_.count("corrupt", *key);
    }
    cache_.count("miss", *key);
    return std::nullopt;
  }
  const auto& hit = std::get<CacheHit>(result);
  cache_.count("hit", *key);
  Profile p;
  p.task_id = task.id_json;
  p.id = task.id;
  p.name = task.name;
  p.status = TaskStatus::kCached;
  p.cache = "hit";
  p.edit_extra().cache_key = *key;
  p.exit_code = 0;
  p.start_time = started_at;
  const auto wall = std::chrono::steady_clock::now() - started;
  p.end_time = started_at + std::chrono::duration_cast<SystemTime::duration>(wall);
  p.duration_ms = std::chrono::duration<double, std::milli>(wall).count();
  p.edit_extra().original_duration_ms = hit.profile["duration_ms"].get<double>();  // checked by restore()
  p.log_file = "logs/" + task.file_stem() + ".log";
  p.time_scale = time_scale_;
  read_task_quality(task, p);  // from the restored outputs
  return p;
}

void RunCache::after_run(std::size_t index, Profile& profile) {
  const Task& task = workflow_.tasks[index];
  if (!keys_[index]) {
    profile.cache = describe(task) ? "miss" : "off";
    return;
  }
  profile.cache = "miss";
  profile.edit_extra().cache_key = *keys_[index];
  if (profile.status != TaskStatus::kOk || cache_.read_only()) return;  // failures are never stored
  auto stored = cache_.store(*keys_[index], task.id, cache_list(task, "outputs"), task.cwd,
                             paths_.log_of(task), to_json(profile));
  if (!stored) {
    warn(task, stored.error().message);
    return;
  }
  cache_.count("store", *keys_[index]);
}

}  // namespace flowbench
