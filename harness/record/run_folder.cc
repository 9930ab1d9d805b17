#include "record/run_folder.h"

#include <algorithm>

#include "build_info.h"
#include "platform/posix.h"
#include "platform/atomic_file.h"
#include "record/run_logs.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

Expected<RunPaths> create_run_folder(const fs::path& out, const std::string& run_id, bool profile_files) {
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) {
    return Error{"cannot create the output folder " + out.string() + ": " + ec.message() +
                 " (choose another with --out)"};
  }
  RunPaths paths;
  for (int attempt = 1; attempt < 1000; ++attempt) {
    paths.run_id = attempt == 1 ? run_id : run_id + "-" + std::to_string(attempt);
    paths.root = out / paths.run_id;
    // create_directory is atomic: two runs starting at once never share a folder.
    if (fs::create_directory(paths.root, ec)) break;
    if (ec) return Error{"cannot create " + paths.root.string() + ": " + ec.message()};
  }
  paths.profiles = paths.root / "profiles";
  paths.logs = paths.root / "logs";
  if (profile_files) fs::create_directory(paths.profiles, ec);
  if (!ec) fs::create_directory(paths.logs, ec);
  if (ec) return Error{"cannot create a folder in " + paths.root.string() + ": " + ec.message()};
  return paths;
}

RunPaths run_paths_of(const fs::path& root) {
  RunPaths paths;
  paths.run_id = root.filename().string();
  paths.root = root;
  paths.profiles = root / "profiles";
  paths.logs = root / "logs";
  return paths;
}

namespace {

// A task of run.json's graph: its id, name, what it waits for and runs.
json graph_node(const Workflow& workflow, std::size_t i) {
  const Task& task = workflow.tasks[i];
  json after = json::array();
  for (std::size_t dep : workflow.deps[i]) after.push_back(workflow.tasks[dep].id_json);
  json node = {{"id", task.id_json}, {"name", task.name}, {"after", std::move(after)}, {"command", task.command}};
  if (task.shell) node["shell"] = true;
  if (task.expected_s) node["expected_s"] = *task.expected_s;
  return node;
}

}  // namespace

RunFolderWriter::RunFolderWriter(RunPaths paths, RunSettings settings)
    : paths_(std::move(paths)), settings_(std::move(settings)) {}

void RunFolderWriter::keep(Status status) {
  if (!status && !write_error_) write_error_ = status.error();
}

void RunFolderWriter::on_run_start(const Workflow& workflow, SystemTime at) {
  workflow_ = &workflow;
  started_at_ = at;
  write_run_json(nullptr);
}

void RunFolderWriter::on_task_finish(const Task& task, const Profile& profile) {
  nlohmann::ordered_json record = to_json(profile);
  if (settings_.logs == "combined" && !profile.log_file.empty()) {
    // Moved into the combined log once the scheduler is done with it (it scanned it for
    // sub-operations and the cache stored it before this call).
    record["log_file"] = kCombinedLog;
    writer_.run_later([this, log = paths_.root / profile.log_file, id = task.id] {
      return move_into_combined_log(paths_.root, log, id, combined_bytes_);
    });
  }
  if (settings_.profiles == "per-task") {
    writer_.write_atomically(paths_.profiles / (task.file_stem() + "-profile.json"), record.dump(2) + "\n");
  }
  writer_.append_line(paths_.records(), record.dump());
  ++counts_[status_name(profile.status)];
  sum_duration_ms_ += profile.duration_ms;
  cpu_user_ms_ += profile.cpu_user_ms;
  cpu_sys_ms_ += profile.cpu_sys_ms;
  peak_rss_kb_ = std::max(peak_rss_kb_, profile.max_rss_kb);
}

std::optional<std::string> RunFolderWriter::failure() {
  if (!write_error_) write_error_ = writer_.first_error();
  if (!write_error_) return std::nullopt;
  return "the run folder cannot be written (" + write_error_->message + ")";
}

void RunFolderWriter::on_run_finish(const RunEnd& end) {
  if (auto error = writer_.flush(); error && !write_error_) write_error_ = error;
  write_run_json(&end);
}

void RunFolderWriter::write_run_json(const RunEnd* end) {
  const platform::HostInfo host = platform::host_info();
  json context = {
      {"host", host.hostname},
      {"cpus", host.cpus},
      {"cpu_model", host.cpu_model},
      {"memory_mib", host.memory_mib},
      {"kernel", host.kernel},
      {"machine", host.machine},
      {"compiler", kCompiler},
      {"build_type", kBuildType},
      {"flowbench_version", kVersion},
      {"git_commit", kGitCommit},
      {"mode", settings_.mode},
      {"variant", settings_.variant.empty() ? settings_.mode : settings_.variant},
      {"jobs", settings_.jobs},
      {"cache", settings_.cache},
      {"cache_dir", settings_.cache_dir.empty() ? json(nullptr) : json(settings_.cache_dir)},
      {"time_scale", settings_.time_scale},
      {"keep_going", settings_.keep_going},
      {"history", settings_.history.empty() ? json(nullptr) : json(settings_.history)},
      {"executor", settings_.executor},
      {"layout", {{"profiles", settings_.profiles}, {"logs", settings_.logs}}},
  };
  if (!settings_.imported_from.is_null()) {
    context = {{"mode", settings_.mode}, {"jobs", settings_.jobs}, {"time_scale", settings_.time_scale},
               {"imported_from", settings_.imported_from}};
  }
  json run = {
      {"schema", kRunSchema},
      {"run_id", paths_.run_id},
      {"workflow", workflow_ ? workflow_->name : ""},
      {"spec", workflow_ ? workflow_->spec_path.string() : ""},
      {"task_count", workflow_ ? workflow_->tasks.size() : 0},
      {"context", context},
      {"started", iso8601(started_at_)},
  };
  if (!settings_.spec_sha256.empty()) run["spec_sha256"] = settings_.spec_sha256;
  if (!settings_.handlers.empty()) run["handlers"] = settings_.handlers;
  if (!settings_.resumed_from.empty()) run["resumed_from"] = settings_.resumed_from;
  if (!end) {
    run["status"] = run_status_name(RunStatus::kRunning);
    run["pid"] = platform::process_id();  // so that a reader can tell a run whose flowbench died
  } else {
    json counts = json::object();
    for (const char* s : {"ok", "failed", "timeout", "skipped", "cached", "interrupted"}) {
      counts[s] = counts_.count(s) ? counts_.at(s) : 0;
    }
    run["status"] = run_status_name(end->status);
    run["signal"] = end->signal;
    run["ended"] = iso8601(end->ended_at);
    run["totals"] = {
        {"counts", counts},
        {"makespan_ms", std::chrono::duration<double, std::milli>(end->makespan).count()},
        {"sum_duration_ms", sum_duration_ms_},
        {"cpu_user_ms", cpu_user_ms_},
        {"cpu_sys_ms", cpu_sys_ms_},
        {"peak_rss_kb", peak_rss_kb_},
    };
  }
  // The graph as it was run, so analysis never depends on a spec that moved or changed: last,
  // a task a line, streamed (a graph of 100,000 tasks is never whole in memory).
  std::string head = run.dump(2);
  head.resize(head.rfind('\n'));  // the closing brace comes after the graph
  keep(write_file_atomically(paths_.run_json(), [&](std::ostream& out) {
    out << head << ",\n  \"graph\": [";
    const std::size_t count = workflow_ ? workflow_->tasks.size() : 0;
    for (std::size_t i = 0; i < count; ++i) out << (i ? ",\n    " : "\n    ") << graph_node(*workflow_, i).dump();
    out << (count ? "\n  ]\n}\n" : "]\n}\n");
  }));
}

}  // namespace flowbench
