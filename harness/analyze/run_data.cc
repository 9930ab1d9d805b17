#include "analyze/run_data.h"

#include <algorithm>
#include <fstream>
#include <unordered_map>

#include "platform/atomic_file.h"
#include "platform/posix.h"

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

std::string id_text(const json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

Expected<std::vector<Profile>> read_records(const fs::path& file) {
  std::ifstream in(file);
  std::vector<Profile> profiles;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    json parsed = json::parse(line, nullptr, false);
    const std::string where = file.string() + ":" + std::to_string(number);
    if (parsed.is_discarded()) {
      return Error{where + ": not a JSON object (the line is cut off: the run was killed while writing it?); "
                   "fix: delete that line, or remove records.jsonl to read profiles/ instead"};
    }
    auto profile = profile_from_json(parsed, where);
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
    json parsed = json::parse(*text, nullptr, false);
    if (parsed.is_discarded()) {
      return Error{file.string() + ": not valid JSON (truncated?); fix: rerun, or delete the file to analyze without it"};
    }
    auto profile = profile_from_json(parsed, file.string());
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
std::string status_of(const json& run) {
  const std::string status = run.value("status", "unknown");
  if (status != "running" || !run.contains("pid") || !run["pid"].is_number_integer() || !run.contains("context") ||
      !run["context"].is_object()) {
    return status;
  }
  const bool here = run["context"].value("host", "") == platform::host_info().hostname;
  return here && !platform::process_alive(run["pid"].get<int>()) ? "crashed" : status;
}

}  // namespace

Expected<RunRecord> load_run(const fs::path& dir) {
  const fs::path run_json = dir / "run.json";
  auto text = read_file(run_json);
  if (!text) return Error{text.error().message + "; fix: give a run folder written by flowbench run"};
  json run = json::parse(*text, nullptr, false);
  if (run.is_discarded() || !run.is_object()) {
    return Error{run_json.string() + ": not valid JSON (truncated?); fix: rerun that run"};
  }
  RunRecord record;
  record.dir = dir;
  record.run_id = run.value("run_id", dir.filename().string());
  record.workflow = run.value("workflow", "");
  if (run.contains("spec") && run["spec"].is_string()) record.spec = run["spec"].get<std::string>();
  record.status = status_of(run);
  record.started = run.value("started", "");
  record.context = run.value("context", json::object());
  record.time_scale = record.context.value("time_scale", 1.0);
  if (run.contains("totals") && run["totals"].is_object()) record.makespan_ms = run["totals"].value("makespan_ms", 0.0);

  auto profiles = fs::exists(dir / "records.jsonl") ? read_records(dir / "records.jsonl")
                                                     : read_profile_files(dir / "profiles");
  if (!profiles) return profiles.error();
  std::unordered_map<std::string, std::size_t> by_id;
  const json graph = run.value("graph", json::array());
  for (const auto& node : graph) {
    if (!node.is_object() || !node.contains("id")) {
      return Error{run_json.string() + ": /graph: a node without an id; fix: rerun with this flowbench"};
    }
    by_id[id_text(node["id"])] = record.tasks.size();
    std::vector<std::string> command;
    if (node.contains("command") && node["command"].is_array()) {
      for (const auto& word : node["command"]) {
        if (word.is_string()) command.push_back(word.get<std::string>());
      }
    }
    std::optional<double> expected;
    if (node.contains("expected_s") && node["expected_s"].is_number()) expected = node["expected_s"].get<double>();
    record.tasks.push_back(
        {id_text(node["id"]), node.value("name", id_text(node["id"])), std::move(command), expected, std::nullopt});
  }
  for (auto& profile : *profiles) {
    auto it = by_id.find(profile.id);
    if (it == by_id.end()) {  // no graph recorded (or an extra task): a task without edges
      by_id[profile.id] = record.tasks.size();
      record.tasks.push_back({profile.id, profile.name, {}, std::nullopt, std::nullopt});
      it = by_id.find(profile.id);
    }
    record.tasks[it->second].profile = std::move(profile);
  }
  record.deps.assign(record.tasks.size(), {});
  for (std::size_t i = 0; i < graph.size(); ++i) {
    for (const auto& dep : graph[i].value("after", json::array())) {
      auto it = by_id.find(id_text(dep));
      if (it == by_id.end()) {
        return Error{run_json.string() + ": /graph/" + std::to_string(i) + "/after: unknown task " + id_text(dep) +
                     "; fix: the run folder was edited; rerun it"};
      }
      record.deps[i].push_back(it->second);
    }
  }
  if (find_cycle(record.deps)) return Error{run_json.string() + ": /graph: has a cycle; fix: rerun that run"};
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
