#include "app/instances.h"

#include <cstdio>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "model/spec_loader.h"
#include "platform/atomic_file.h"
#include "util/time_format.h"

namespace flowbench {
namespace fs = std::filesystem;

Status copy_workspace(const fs::path& from, const fs::path& to, const fs::path& skip, bool keep_flowbench) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return Error{"cannot create " + to.string() + ": " + ec.message()};
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const fs::path& source = it->path();
    if (it->is_directory() && ((!keep_flowbench && source.filename() == ".flowbench") || source == skip)) {
      it.disable_recursion_pending();
      continue;
    }
    const fs::path target = to / fs::relative(source, from);
    if (it->is_directory()) {
      fs::create_directories(target, ec);
    } else if (it->is_regular_file() || it->is_symlink()) {
      fs::copy(source, target, fs::copy_options::overwrite_existing | fs::copy_options::copy_symlinks, ec);
    }
    if (ec) break;
  }
  if (ec) return Error{"cannot copy " + from.string() + " to " + to.string() + ": " + ec.message()};
  return ok_status();
}

namespace {

Expected<fs::path> unique_folder(const fs::path& out, const std::string& id) {
  std::error_code ec;
  fs::create_directories(out, ec);
  for (int n = 1; n < 1000; ++n) {
    const fs::path candidate = out / (n == 1 ? id : id + "-" + std::to_string(n));
    if (fs::create_directory(candidate, ec)) return candidate;
    if (ec) break;
  }
  std::string message = "cannot create a folder for the instances in " + out.string();
  if (ec) message += ": " + ec.message();
  return Error{message};
}

// Runs every instance at once, one thread each, and records what came of it.
void run_all(const std::vector<RunRequest>& requests, InstancesReport& report, std::ostream& progress_out) {
  std::mutex lock;
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < requests.size(); ++k) {
    threads.emplace_back([&, k] {
      std::ostringstream quiet;
      auto run = run_workflow(requests[k], quiet, quiet);
      std::lock_guard<std::mutex> guard(lock);
      InstanceResult& result = report.instances[k];
      if (run) {
        result.report = std::move(*run);
        progress_out << "  instance " << result.run_id << ": " << run_status_name(result.report->end.status) << " in "
                     << std::chrono::duration<double>(result.report->end.makespan).count() << " s\n";
      } else {
        result.error = run.error().message;
        progress_out << "  instance " << result.run_id << ": did not start: " << result.error << "\n";
      }
    });
  }
  for (auto& thread : threads) thread.join();
}

// instances.json's list; sets the report's all_complete and signal.
nlohmann::ordered_json instance_entries(InstancesReport& report) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  report.all_complete = true;
  for (const auto& result : report.instances) {
    nlohmann::ordered_json entry = {{"run", result.run_id}, {"workspace", result.workspace.string()}};
    if (result.report) {
      const RunEnd& end = result.report->end;
      entry["status"] = run_status_name(end.status);
      entry["makespan_ms"] = std::chrono::duration<double, std::milli>(end.makespan).count();
      if (end.signal) report.signal = end.signal;
      report.all_complete = report.all_complete && end.status == RunStatus::kComplete;
    } else {
      entry["status"] = "not started";
      entry["error"] = result.error;
      report.all_complete = false;
    }
    list.push_back(std::move(entry));
  }
  return list;
}

}  // namespace

Expected<InstancesReport> run_instances(const RunRequest& request, std::size_t count, std::ostream& progress_out) {
  LoadOptions load_options;
  load_options.handler_dirs = request.handler_dirs;
  auto workflow = load_workflow(request.spec, load_options);
  if (!workflow) return workflow.error();

  std::string id = request.run_id;
  if (id.empty()) {
    id = compact_stamp(std::chrono::system_clock::now());
    id += "-instances";
    id += std::to_string(count);
  }
  auto root = unique_folder(request.out, id);
  if (!root) return root.error();
  InstancesReport report;
  report.root = fs::absolute(*root);

  const fs::path spec_name = workflow->spec_path.filename();
  // A Slurm run takes no action cache (it gets the whole graph before any input exists).
  const bool cached = !request.no_cache && request.executor != Executor::kSlurm;
  const fs::path shared_cache =
      request.cache_dir.empty() ? workflow->spec_dir / ".flowbench" / "cache" : fs::absolute(request.cache_dir);
  std::vector<RunRequest> requests;
  for (std::size_t k = 1; k <= count; ++k) {
    InstanceResult result;
    char name[32];
    std::snprintf(name, sizeof name, "i%zu", k);
    result.run_id = name;
    result.workspace = report.root / "workspaces" / result.run_id;
    if (auto copied = copy_workspace(workflow->spec_dir, result.workspace, report.root); !copied) {
      return copied.error();
    }
    RunRequest one = request;
    one.spec = result.workspace / spec_name;
    one.out = report.root;
    one.run_id = result.run_id;
    one.progress = ProgressStyle::kNone;
    one.json_events = false;
    if (cached) one.cache_dir = shared_cache;
    requests.push_back(std::move(one));
    report.instances.push_back(std::move(result));
  }

  progress_out << "running " << count << " instances of " << workflow->name << " at once in " << report.root.string()
               << "\n";
  const auto started = std::chrono::system_clock::now();
  run_all(requests, report, progress_out);
  const auto ended = std::chrono::system_clock::now();

  const nlohmann::ordered_json list = instance_entries(report);
  const nlohmann::ordered_json record = {
      {"schema", "flowbench.instances/1"},
      {"workflow", workflow->name},
      {"spec", workflow->spec_path.string()},
      {"count", count},
      {"variant", request.variant.empty() ? "instances" + std::to_string(count) : request.variant},
      {"time_scale", request.time_scale},
      {"cache", cached ? shared_cache.string() : std::string("off")},
      {"started", iso8601(started)},
      {"ended", iso8601(ended)},
      {"wall_ms", std::chrono::duration<double, std::milli>(ended - started).count()},
      {"all_complete", report.all_complete},
      {"instances", list},
  };
  if (auto written = write_file_atomically(report.root / "instances.json", record.dump(2) + "\n"); !written) {
    return written.error();
  }
  return report;
}

}  // namespace flowbench
