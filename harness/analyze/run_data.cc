#include "analyze/run_data.h"

#include <algorithm>
#include <deque>
#include <fstream>
#include <thread>
#include <tuple>

#include "platform/atomic_file.h"
#include "platform/posix.h"
#include "analyze/task_index.h"
#include "record/profile_text.h"
#include "util/fast_json.h"
#include "util/json_lines.h"
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

// One task of run.json's graph, as read.
struct GraphNode {
  std::size_t at;  // its place in the graph array
  std::string id;
  std::string name;
  std::vector<std::string> command;
  std::optional<double> expected_s;
  std::vector<std::string> after;
};

// A task of run.json's graph read by simdjson; nothing when the checked reader would have
// anything to say about it (it then reads the whole file and names the problem).
std::optional<TaskRecord> fast_task(fast_json::element node) {
  simdjson::dom::object object;
  if (node.get_object().get(object)) return std::nullopt;
  std::optional<fast_json::element> id, name, command, expected, after;
  for (auto member : object) {  // a repeated key keeps the last value, as nlohmann's parser does
    if (member.key == "id") id = member.value;
    else if (member.key == "name") name = member.value;
    else if (member.key == "command") command = member.value;
    else if (member.key == "expected_s") expected = member.value;
    else if (member.key == "after") after = member.value;
  }
  TaskRecord out;
  auto node_id = id ? fast_json::id(*id) : std::nullopt;
  if (!node_id) return std::nullopt;
  out.id = std::move(*node_id);
  if (name && !fast_json::is_null(*name)) {
    auto text = fast_json::text(*name);
    if (!text) return std::nullopt;
    out.name = std::move(*text);
  } else {
    out.name = out.id;
  }
  if (expected && !fast_json::is_null(*expected)) {
    out.expected_s = fast_json::number(*expected, 0, 1e9);
    if (!out.expected_s) return std::nullopt;
  }
  simdjson::dom::array items;
  if (command && !fast_json::is_null(*command)) {
    if (command->get_array().get(items)) return std::nullopt;
    for (fast_json::element item : items) {
      auto text = fast_json::text(item);
      if (!text) return std::nullopt;
      out.command.push_back(std::move(*text));
    }
  }
  if (after && !fast_json::is_null(*after) && !after->is_array()) return std::nullopt;
  return out;
}

// The edges of one task, its "after" ids found among the tasks read; false for an id that is
// no task's or not an id.
bool fast_edges(fast_json::element node, const RunRecord& record, const TaskIndex& by_id, std::vector<std::size_t>& deps) {
  std::optional<fast_json::element> after;
  simdjson::dom::object object;
  if (node.get_object().get(object)) return false;
  for (auto member : object) {  // the last "after", as the checked reader reads it
    if (member.key == "after") after = member.value;
  }
  if (!after || fast_json::is_null(*after)) return true;
  simdjson::dom::array items;
  if (after->get_array().get(items)) return false;
  for (fast_json::element item : items) {
    const auto id = fast_json::id(item);  // a short id stays in the string: no allocation
    const auto dep = id ? by_id.find(record.tasks, *id) : std::nullopt;
    if (!dep) return false;
    deps.push_back(*dep);
  }
  return true;
}

// run.json read by simdjson: its graph straight into the record's tasks and edges (indexed in
// `by_id`), everything else returned as nlohmann::json for the checked reader. Nothing when the
// graph holds anything the checked reader would refuse (it then reads the whole file and names
// the problem).
std::optional<nlohmann::json> fast_run_json(const fs::path& file, RunRecord& record, TaskIndex& by_id) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(file.string()).get(text)) return std::nullopt;
  simdjson::dom::parser parser;
  simdjson::dom::object root;
  if (parser.parse(text).get_object().get(root)) return std::nullopt;
  nlohmann::json rest = nlohmann::json::object();
  std::optional<fast_json::element> graph;
  for (auto member : root) {
    if (member.key == "graph") graph = member.value;
    else rest[std::string(member.key)] = fast_json::to_nlohmann(member.value);
  }
  if (!graph || fast_json::is_null(*graph)) return rest;
  simdjson::dom::array nodes;
  if (graph->get_array().get(nodes)) return std::nullopt;
  record.tasks.reserve(nodes.size());  // exactly: growing by doubling would hold two copies at once
  by_id.reserve(nodes.size());
  for (fast_json::element node : nodes) {  // first every task, so an edge may name a later one
    auto task = fast_task(node);
    if (!task) return std::nullopt;
    record.tasks.push_back(std::move(*task));
    if (by_id.add(record.tasks, record.tasks.size() - 1)) return std::nullopt;  // a repeated id
  }
  record.deps.assign(record.tasks.size(), {});
  std::size_t i = 0;
  for (fast_json::element node : nodes) {
    if (!fast_edges(node, record, by_id, record.deps[i++])) return std::nullopt;
  }
  return rest;
}

// The same nodes through the checked reader, every problem recorded in it.
std::vector<GraphNode> checked_graph_nodes(const JsonAt& graph) {
  std::vector<GraphNode> out;
  const std::vector<JsonAt> nodes = graph.elements();
  for (std::size_t at = 0; at < nodes.size(); ++at) {
    const JsonAt& node = nodes[at];
    const auto id = node["id"].id();
    if (!id) continue;
    GraphNode read{at, *id, node["name"].text_or(*id), {}, std::nullopt, {}};
    for (const JsonAt& word : node["command"].elements()) read.command.push_back(word.text().value_or(""));
    if (node.has("expected_s") && !node["expected_s"].raw().is_null()) read.expected_s = node["expected_s"].number(0, 1e9);
    for (const JsonAt& dep : node["after"].elements()) {
      if (auto dep_id = dep.id()) read.after.push_back(*dep_id);
    }
    out.push_back(std::move(read));
  }
  return out;
}

// A repeated id (dep == npos) or an unknown dependency (dep: its place in "after") in the graph.
struct GraphProblem {
  std::size_t at;
  std::size_t dep;
  std::string what;
};

// The tasks and edges of the graph, and what is wrong with them.
std::vector<GraphProblem> add_graph(std::vector<GraphNode>& nodes, RunRecord& record,
                                    TaskIndex& by_id) {
  std::vector<GraphProblem> problems;
  record.tasks.reserve(nodes.size());  // exactly: growing by doubling would hold two copies at once
  by_id.reserve(nodes.size());
  for (auto& node : nodes) {
    record.tasks.push_back({node.id, std::move(node.name), std::move(node.command), node.expected_s, std::nullopt});
    if (by_id.add(record.tasks, record.tasks.size() - 1)) {
      problems.push_back({node.at, std::string::npos, "duplicate task id " + node.id});
    }
  }
  record.deps.assign(record.tasks.size(), {});
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (std::size_t d = 0; d < nodes[i].after.size(); ++d) {
      if (auto dep = by_id.find(record.tasks, nodes[i].after[d])) record.deps[i].push_back(*dep);
      else problems.push_back({nodes[i].at, d, "unknown task " + nodes[i].after[d]});
    }
  }
  return problems;
}

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

// run.json read into a record with its graph (no profiles yet): by simdjson when `fast` (the
// checked reader then reads all but the graph), else all by the checked reader.
Expected<RunRecord> read_run_json(const fs::path& dir, bool fast, TaskIndex& by_id) {
  const fs::path run_json = dir / "run.json";
  JsonReader reader(run_json.string(), "rerun that run (run.json was cut off or edited)");
  RunRecord record;
  std::optional<nlohmann::json> document;
  if (fast) {
    document = fast_run_json(run_json, record, by_id);
    if (!document) return Error{"not read quickly"};
  } else {
    auto text = read_file(run_json);
    if (!text) return Error{text.error().message + "; fix: give a run folder written by flowbench run"};
    document = reader.parse(*text);
    if (!document) return reader.error();
  }
  const JsonAt run = reader.root(*document);
  if (!run.is_object()) {
    run.problem("run.json must be a JSON object");
    return reader.error();
  }
  record.dir = dir;
  record.run_id = run["run_id"].text_or(dir.filename().string());
  record.workflow = run["workflow"].text_or("");
  record.spec = run["spec"].text_or("");
  record.status = status_of(run);
  record.started = run["started"].text_or("");
  record.context = checked_context(run["context"]);
  record.time_scale = run["context"]["time_scale"].number_or(1.0, 1e-9, 1e9);
  record.makespan_ms = run["totals"]["makespan_ms"].number_or(0.0, 0, 365 * 24 * 3600 * 1000.0);
  if (!fast) {
    std::vector<GraphNode> nodes = checked_graph_nodes(run["graph"]);
    const auto problems = add_graph(nodes, record, by_id);
    const std::vector<JsonAt> graph = problems.empty() ? std::vector<JsonAt>{} : run["graph"].elements();
    for (const auto& problem : problems) {
      if (problem.dep == std::string::npos) graph[problem.at]["id"].problem(problem.what);
      else graph[problem.at]["after"].elements()[problem.dep].problem(problem.what, "the run folder was edited; rerun it");
    }
  }
  if (reader.failed()) return reader.error();
  if (find_cycle(record.deps)) return Error{run_json.string() + ": /graph: has a cycle; fix: rerun that run"};
  return record;
}

constexpr const char* kRecordsFix = "delete that line (a run killed while writing it leaves it cut off), or remove "
                                    "records.jsonl to read profiles/ instead";
// Two threads read records.jsonl from this size on.
constexpr std::uint64_t kParallelRecordsBytes = std::uint64_t(4) << 20;

// Puts a profile on its task; a profile of a task the graph does not name (no graph recorded,
// or an extra task) becomes a task without edges.
void attach(Profile profile, RunRecord& record, TaskIndex& by_id) {
  auto at = by_id.find(record.tasks, profile.id);
  if (!at) {
    record.tasks.push_back({profile.id, profile.name, {}, std::nullopt, std::nullopt});
    record.deps.emplace_back();
    at = record.tasks.size() - 1;
    by_id.add(record.tasks, *at);
  }
  record.tasks[*at].profile = std::move(profile);
}

// The profiles of one part of records.jsonl, each with the task it belongs to (found while
// reading; nothing for a task the graph does not name).
struct RecordsPart {
  std::uint64_t begin = 0, end = 0;
  // No vector: doubling it would hold two copies at once.
  std::deque<std::pair<std::size_t, Boxed<Profile>>> profiles;  // task index, or npos: not in the graph
  std::optional<Error> error;
  std::size_t error_line = 0;  // within the part
};

void read_records_part(const fs::path& file, const RunRecord& record, const TaskIndex& by_id, bool checked_only,
                       RecordsPart& part) {
  ProfileParser parser(checked_only);
  const std::string name = file.string();
  auto status = for_each_json_line(file, part.begin, part.end, [&](std::size_t number, std::string_view line) -> Status {
    auto profile = parser.parse(line, name, number, kRecordsFix);
    if (!profile) {
      part.error_line = number;
      return profile.error();
    }
    const auto at = by_id.find(record.tasks, profile->id);
    part.profiles.emplace_back(at.value_or(std::string::npos), std::move(*profile));
    return ok_status();
  });
  if (!status) part.error = status.error();
}

// records.jsonl read in two halves at once (a run of 100,000 tasks has 50 MB of it): reading
// and finding each profile's task only read the graph; the profiles are put on their tasks
// afterwards, in the file's order.
Status read_records(const fs::path& file, RunRecord& record, TaskIndex& by_id, bool checked_only) {
  std::error_code ec;
  const std::uint64_t size = fs::file_size(file, ec);
  if (ec) return Error{file.string() + ": cannot read: " + ec.message()};
  std::vector<RecordsPart> parts(size >= kParallelRecordsBytes ? 2 : 1);
  if (parts.size() == 2) {
    auto middle = next_line_start(file, size / 2);
    if (!middle) return middle.error();
    parts[0] = {0, *middle, {}, std::nullopt, 0};
    parts[1] = {*middle, size, {}, std::nullopt, 0};
    std::thread second([&] { read_records_part(file, record, by_id, checked_only, parts[1]); });
    read_records_part(file, record, by_id, checked_only, parts[0]);
    second.join();
  } else {
    parts[0] = {0, size, {}, std::nullopt, 0};
    read_records_part(file, record, by_id, checked_only, parts[0]);
  }
  for (auto& part : parts) {
    if (part.error) {
      if (part.begin == 0) return *part.error;
      // Named again with its line in the whole file.
      auto before = lines_before(file, part.begin);
      if (!before) return before.error();
      std::string line;
      (void)for_each_json_line(file, part.begin, part.end, [&](std::size_t number, std::string_view text) -> Status {
        if (number < part.error_line) return ok_status();
        line = text;
        return Error{"found"};
      });
      ProfileParser parser(checked_only);
      auto again = parser.parse(line, file.string(), *before + part.error_line, kRecordsFix, false);
      return again ? *part.error : again.error();
    }
    for (auto& [at, profile] : part.profiles) {
      if (at != std::string::npos) record.tasks[at].profile = std::move(profile);
      else attach(std::move(*profile), record, by_id);
    }
    part.profiles = {};  // freed as it goes
  }
  return ok_status();
}

Status read_profile_files(const fs::path& folder, RunRecord& record, TaskIndex& by_id, bool checked_only) {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name.rfind("task-", 0) == 0) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ProfileParser parser(checked_only);
  for (const auto& file : files) {
    auto text = read_file(file);
    if (!text) return text.error();
    auto profile = parser.parse(*text, file.string(), 0, "rerun, or delete the file to analyze without it", false);
    if (!profile) return profile.error();
    attach(std::move(*profile), record, by_id);
  }
  return ok_status();
}

}  // namespace

Expected<RunRecord> load_run(const fs::path& dir, bool checked_only) {
  TaskIndex by_id;
  std::optional<RunRecord> record;
  for (bool fast : {true, false}) {  // anything unusual: the checked reader reads it all and names what is wrong
    if (fast && checked_only) continue;
    by_id = TaskIndex();
    auto read = read_run_json(dir, fast, by_id);
    if (read) {
      record = std::move(*read);
      break;
    }
    if (!fast) return read.error();
  }
  auto profiles = fs::exists(dir / "records.jsonl") ? read_records(dir / "records.jsonl", *record, by_id, checked_only)
                                                     : read_profile_files(dir / "profiles", *record, by_id, checked_only);
  if (!profiles) return profiles.error();
  if (record->makespan_ms <= 0) {
    // Killed before run.json's totals: take the span of the profiles.
    std::optional<SystemTime> first, last;
    for (const auto& task : record->tasks) {
      if (!task.profile || !task.profile->start_time) continue;
      if (!first || *task.profile->start_time < *first) first = task.profile->start_time;
      if (!last || *task.profile->end_time > *last) last = task.profile->end_time;
    }
    if (first) record->makespan_ms = std::chrono::duration<double, std::milli>(*last - *first).count();
  }
  return std::move(*record);
}

nlohmann::json record_json(const RunRecord& run) {
  nlohmann::json tasks = nlohmann::json::array();
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    const TaskRecord& task = run.tasks[i];
    tasks.push_back({{"id", task.id},
                     {"name", task.name},
                     {"command", task.command},
                     {"expected_s", task.expected_s ? nlohmann::json(*task.expected_s) : nlohmann::json(nullptr)},
                     {"after", i < run.deps.size() ? nlohmann::json(run.deps[i]) : nlohmann::json::array()},
                     {"profile", task.profile ? nlohmann::json(to_json(*task.profile)) : nlohmann::json(nullptr)}});
  }
  return {{"dir", run.dir.string()}, {"run_id", run.run_id}, {"workflow", run.workflow},
          {"spec", run.spec.string()}, {"status", run.status}, {"started", run.started},
          {"time_scale", run.time_scale}, {"makespan_ms", run.makespan_ms}, {"context", run.context},
          {"tasks", std::move(tasks)}};
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
