#include "analyze/run_data.h"

#include <algorithm>
#include <fstream>
#include <unordered_map>

#include "platform/atomic_file.h"
#include "platform/posix.h"
#include "util/json_reader.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

std::optional<std::size_t> RunRecord::index_of(const std::string& id) const {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].id == id) return i;
  }
  return std::nullopt;
}

namespace {

Expected<std::vector<Profile>> read_records(const fs::path& file) {
  std::ifstream in(file);
  std::vector<Profile> profiles;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    JsonReader reader(file.string() + ":" + std::to_string(number),
                      "delete that line (a run killed while writing it leaves it cut off), or remove records.jsonl "
                      "to read profiles/ instead");
    auto parsed = reader.parse(line);
    if (!parsed) return reader.error();
    auto profile = profile_from_json(*parsed, reader.source());
    if (!profile) return profile.error();
    profiles.push_back(std::move(*profile));
  }
  return profiles;
}

Expected<std::vector<Profile>> read_profile_files(const fs::path& folder) {
  std::vector<Profile> profiles;
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name.rfind("task-", 0) == 0) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto text = read_file(file);
    if (!text) return text.error();
    JsonReader reader(file.string(), "rerun, or delete the file to analyze without it");
    auto parsed = reader.parse(*text);
    if (!parsed) return reader.error();
    auto profile = profile_from_json(*parsed, file.string());
    if (!profile) return profile.error();
    profiles.push_back(std::move(*profile));
  }
  return profiles;
}

}  // namespace

namespace {

// run.json's status; "crashed" for a run that says "running" while the flowbench that wrote
// it (on this host) is gone: it was killed (SIGKILL, a crash, a reboot) and the run ends with
// the tasks it recorded.
std::string status_of(const JsonAt& run) {
  const std::string status = run["status"].text_or("unknown");
  if (status != "running" || !run.has("pid") || !run["context"].is_object()) return status;
  const auto pid = run["pid"].integer(1, std::numeric_limits<pid_t>::max());
  const bool here = run["context"]["host"].text_or("") == platform::host_info().hostname;
  return pid && here && !platform::process_alive(pid_t(*pid)) ? "crashed" : status;
}

// run.json's context, its fields that other readers use (analysis, exports, the history read
// them without checks of their own) checked for their types.
nlohmann::json checked_context(const JsonAt& context) {
  for (const char* key : {"host", "mode", "kernel", "machine", "cpu_model", "compiler", "build_type",
                          "flowbench_version", "git_commit", "cache", "cache_dir"}) {
    (void)context[key].text_or("");
  }
  for (const char* key : {"cpus", "jobs", "memory_mib"}) (void)context[key].integer_or(1, 0, std::int64_t(1) << 40);
  if (context.has("executor")) (void)context["executor"]["name"].text();
  return context.is_object() ? context.raw() : nlohmann::json::object();
}

}  // namespace

Expected<RunRecord> load_run(const fs::path& dir) {
  const fs::path run_json = dir / "run.json";
  auto text = read_file(run_json);
  if (!text) return Error{text.error().message + "; fix: give a run folder written by flowbench run"};
  JsonReader reader(run_json.string(), "rerun that run (run.json was cut off or edited)");
  const auto document = reader.parse(*text);
  if (!document) return reader.error();
  const JsonAt run = reader.root(*document);
  if (!run.is_object()) {
    run.problem("run.json must be a JSON object");
    return reader.error();
  }
  RunRecord record;
  record.dir = dir;
  record.run_id = run["run_id"].text_or(dir.filename().string());
  record.workflow = run["workflow"].text_or("");
  record.spec = run["spec"].text_or("");
  record.status = status_of(run);
  record.started = run["started"].text_or("");
  record.context = checked_context(run["context"]);
  record.time_scale = run["context"]["time_scale"].number_or(1.0, 1e-9, 1e9);
  record.makespan_ms = run["totals"]["makespan_ms"].number_or(0.0, 0, 365 * 24 * 3600 * 1000.0);

  std::unordered_map<std::string, std::size_t> by_id;
  const std::vector<JsonAt> graph = run["graph"].elements();
  for (const JsonAt& node : graph) {
    const auto id = node["id"].id();
    if (!id) continue;
    if (!by_id.emplace(*id, record.tasks.size()).second) node["id"].problem("duplicate task id " + *id);
    std::vector<std::string> command;
    for (const JsonAt& word : node["command"].elements()) command.push_back(word.text().value_or(""));
    std::optional<double> expected;
    if (node.has("expected_s") && !node["expected_s"].raw().is_null()) expected = node["expected_s"].number(0, 1e9);
    record.tasks.push_back({*id, node["name"].text_or(*id), std::move(command), expected, std::nullopt});
  }
  record.deps.assign(record.tasks.size(), {});
  for (std::size_t i = 0; i < graph.size() && i < record.tasks.size(); ++i) {
    for (const JsonAt& dep : graph[i]["after"].elements()) {
      const auto id = dep.id();
      if (!id) continue;
      auto it = by_id.find(*id);
      if (it == by_id.end()) dep.problem("unknown task " + *id, "the run folder was edited; rerun it");
      else record.deps[i].push_back(it->second);
    }
  }
  if (reader.failed()) return reader.error();
  if (find_cycle(record.deps)) return Error{run_json.string() + ": /graph: has a cycle; fix: rerun that run"};

  auto profiles = fs::exists(dir / "records.jsonl") ? read_records(dir / "records.jsonl")
                                                     : read_profile_files(dir / "profiles");
  if (!profiles) return profiles.error();
  for (auto& profile : *profiles) {
    auto it = by_id.find(profile.id);
    if (it == by_id.end()) {  // no graph recorded (or an extra task): a task without edges
      by_id[profile.id] = record.tasks.size();
      record.tasks.push_back({profile.id, profile.name, {}, std::nullopt, std::nullopt});
      it = by_id.find(profile.id);
    }
    record.tasks[it->second].profile = std::move(profile);
  }
  record.deps.resize(record.tasks.size());  // the tasks only the profiles named have no edges
  if (record.makespan_ms <= 0) {
    // Killed before run.json's totals: take the span of the profiles.
    std::optional<SystemTime> first, last;
    for (const auto& task : record.tasks) {
      if (!task.profile || !task.profile->start_time) continue;
      if (!first || *task.profile->start_time < *first) first = task.profile->start_time;
      if (!last || *task.profile->end_time > *last) last = task.profile->end_time;
    }
    if (first) record.makespan_ms = std::chrono::duration<double, std::milli>(*last - *first).count();
  }
  return record;
}

namespace {

std::vector<fs::path> sorted_subfolders(const fs::path& folder) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_directory()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The runs and instances records directly inside `folder`.
SeriesFolder series_in(const fs::path& folder) {
  SeriesFolder series{folder.filename().string(), {}, {}};
  for (const auto& sub : sorted_subfolders(folder)) {
    if (fs::exists(sub / "instances.json")) series.instances.push_back(sub / "instances.json");
    else if (fs::exists(sub / "run.json")) series.runs.push_back(sub);
  }
  return series;
}

}  // namespace

Expected<std::vector<SeriesFolder>> find_series(const fs::path& path) {
  if (fs::exists(path / "run.json")) return std::vector<SeriesFolder>{{"run", {path}, {}}};
  if (!fs::is_directory(path)) {
    return Error{path.string() + ": no such folder; fix: give a run folder, a series folder (or a folder of them) "
                 "or, where data is read, a benchmark JSON file"};
  }
  std::vector<SeriesFolder> found;
  if (auto own = series_in(path); !own.runs.empty() || !own.instances.empty()) found.push_back(std::move(own));
  for (const auto& sub : sorted_subfolders(path)) {
    if (fs::exists(sub / "run.json") || fs::exists(sub / "instances.json")) continue;
    if (auto series = series_in(sub); !series.runs.empty() || !series.instances.empty()) found.push_back(std::move(series));
  }
  if (found.empty()) {
    return Error{path.string() + ": holds no run folders (no run.json in it or one level below); fix: give the "
                 "folder `flowbench run --out` wrote to"};
  }
  return found;
}

Expected<std::vector<RunRecord>> load_runs(const std::vector<fs::path>& paths) {
  std::vector<RunRecord> runs;
  for (const auto& path : paths) {
    auto found = find_series(path);
    if (!found) return found.error();
    if (found->size() > 1) {
      std::string names;
      for (const auto& s : *found) names += (names.empty() ? "" : ", ") + s.variant;
      return Error{path.string() + ": holds several series (" + names + "); fix: give one of them"};
    }
    for (const auto& folder : found->front().runs) {
      auto run = load_run(folder);
      if (!run) return run.error();
      runs.push_back(std::move(*run));
    }
  }
  return runs;
}

}  // namespace flowbench
