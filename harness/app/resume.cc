#include "app/resume.h"

#include <nlohmann/json.hpp>

#include "analyze/run_data.h"
#include "platform/atomic_file.h"
#include "record/run_logs.h"
#include "util/digest.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

Status add_run_digests(const Workflow& workflow, RunSettings& settings) {
  auto spec = file_digest(workflow.spec_path);
  if (!spec) return spec.error();
  settings.spec_sha256 = *spec;
  for (const auto& task : workflow.tasks) {
    const std::string program = task.executable.string();
    if (program.empty() || settings.handlers.contains(program)) continue;
    auto digest = file_digest(task.executable);
    if (!digest) return digest.error();
    settings.handlers[program] = *digest;
  }
  return ok_status();
}

namespace {

// What changed between the digests recorded then and now; "" when nothing did.
std::string changes_since(const json& then, const RunSettings& now) {
  if (!then.contains("spec_sha256") || !then["spec_sha256"].is_string() || !then.contains("handlers") ||
      !then["handlers"].is_object()) {
    return "its run.json records no digests (an older flowbench wrote it)";
  }
  if (then["spec_sha256"] != now.spec_sha256) return "the spec changed since";
  for (const auto& [program, digest] : now.handlers.items()) {
    if (!then["handlers"].contains(program)) return "the handler " + program + " was not part of it";
    if (then["handlers"][program] != digest) return "the handler " + program + " changed since";
  }
  return "";
}

}  // namespace

Expected<ResumePoint> resume_point(const fs::path& run_dir, const Workflow& workflow, const RunSettings& now) {
  auto run = load_run(run_dir);
  if (!run) return Error{"--resume: " + run.error().message};
  const std::string where = "--resume " + run_dir.string() + ": ";
  if (run->status == "complete") {
    return Error{where + "the run completed; nothing to resume; fix: start a new run without --resume"};
  }
  if (run->status == "running") {
    return Error{where + "the run is still running (its flowbench is alive); fix: wait for it, or stop it first"};
  }
  auto text = read_file(run_dir / "run.json");
  const json then = text ? json::parse(*text, nullptr, false) : json();
  if (const std::string changed = changes_since(then, now); !changed.empty()) {
    return Error{where + changed + "; its finished tasks may not match what would run now; fix: run the workflow "
                 "again from the start (without --resume)"};
  }
  ResumePoint point{fs::absolute(run_dir), {}};
  for (const auto& task : run->tasks) {
    if (!task.profile || !workflow.index_of(task.id)) continue;
    const TaskStatus status = task.profile->status;
    if (status == TaskStatus::kOk || status == TaskStatus::kCached) point.kept.emplace(task.id, *task.profile);
  }
  return point;
}

std::optional<Profile> ResumeCache::try_restore(std::size_t task) {
  auto kept = point_.kept.find(workflow_.tasks[task].id);
  if (kept == point_.kept.end()) return inner_ ? inner_->try_restore(task) : std::nullopt;
  Profile profile = kept->second;
  profile.edit_extra().resumed_from = point_.from.string();
  if (!profile.log_file.empty()) {
    // Copied as a log of its own (the earlier run's may be in its combined log); this run's
    // writer moves it into this run's combined log when it has one.
    profile.log_file = "logs/" + workflow_.tasks[task].file_stem() + ".log";
    auto text = task_log(point_.from, workflow_.tasks[task].id);
    std::error_code ec;
    fs::create_directories((run_root_ / profile.log_file).parent_path(), ec);
    if (!text || !write_file_atomically(run_root_ / profile.log_file, *text)) {
      profile.log_file.clear();  // the earlier log is gone: the profile says so by having none
    }
  }
  return profile;
}

void ResumeCache::after_run(std::size_t task, Profile& profile) {
  if (inner_) inner_->after_run(task, profile);
}

}  // namespace flowbench
