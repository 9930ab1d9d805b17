#include "interchange/wfformat.h"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <map>

#include "interchange/imported_run.h"
#include "model/graph.h"
#include "util/json_reader.h"
#include "util/time_format.h"

namespace flowbench {
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

double seconds(double ms) { return std::round(ms) / 1000.0; }

ordered_json machine_of(const RunRecord& run) {
  const json& context = run.context;
  ordered_json machine = {{"nodeName", context.value("host", std::string("localhost"))}, {"system", "linux"}};
  if (context.contains("machine")) machine["architecture"] = context["machine"];
  if (context.contains("kernel")) machine["release"] = context["kernel"];
  if (context.contains("cpus")) machine["cpu"] = {{"coreCount", context["cpus"]}};
  return machine;
}

ordered_json execution_of(const TaskRecord& task, const std::string& node) {
  const Profile& p = *task.profile;
  ordered_json entry = {{"id", task.id}, {"runtimeInSeconds", seconds(p.duration_ms)}};
  if (p.start_time) entry["executedAt"] = iso8601(*p.start_time);
  if (!task.command.empty()) {
    ordered_json arguments = json::array();
    for (const auto& word : task.command) {
      if (!word.empty()) arguments.push_back(word);  // the schema wants non-empty arguments
    }
    entry["command"] = {{"program", task.command.front()}, {"arguments", arguments}};
  }
  entry["coreCount"] = 1;
  if (p.duration_ms > 0) {
    entry["avgCPU"] = std::round((p.cpu_user_ms + p.cpu_sys_ms) / p.duration_ms * 10000) / 100;
  }
  entry["memoryInBytes"] = static_cast<double>(p.max_rss_kb) * 1024;
  entry["machines"] = json::array({node});
  return entry;
}

}  // namespace

void write_wfformat(std::ostream& out, const RunRecord& run, const std::string& flowbench_version) {
  const Dependencies children = reverse_edges(run.deps);
  ordered_json spec_tasks = json::array();
  ordered_json exec_tasks = json::array();
  const ordered_json machine = machine_of(run);
  for (std::size_t i = 0; i < run.tasks.size(); ++i) {
    const TaskRecord& task = run.tasks[i];
    ordered_json parents = json::array(), kids = json::array();
    for (std::size_t dep : run.deps[i]) parents.push_back(run.tasks[dep].id);
    for (std::size_t child : children[i]) kids.push_back(run.tasks[child].id);
    spec_tasks.push_back({{"name", task.name},
                          {"id", task.id},
                          {"parents", parents},
                          {"children", kids},
                          {"inputFiles", json::array()},
                          {"outputFiles", json::array()}});
    const bool ran = task.profile && task.profile->start_time && task.profile->status != TaskStatus::kSkipped;
    if (ran) exec_tasks.push_back(execution_of(task, machine["nodeName"]));
  }
  ordered_json execution = {{"makespanInSeconds", seconds(run.makespan_ms)},
                            {"executedAt", run.started.empty() ? std::string("unknown") : run.started},
                            {"tasks", exec_tasks},
                            {"machines", json::array({machine})}};
  std::string description = "flowbench run ";
  description += run.run_id;
  description += " (";
  description += run.context.value("mode", std::string("unknown mode"));
  description += ", status ";
  description += run.status;
  description += ")";
  ordered_json instance = {
      {"name", run.workflow.empty() ? std::string("flowbench-run") : run.workflow},
      {"description", description},
      {"createdAt", run.started.empty() ? iso8601(std::chrono::system_clock::now()) : run.started},
      {"schemaVersion", "1.5"},
      {"runtimeSystem", {{"name", "flowbench"}, {"version", flowbench_version}}},
      {"workflow", {{"specification", {{"tasks", spec_tasks}, {"files", json::array()}}}, {"execution", execution}}},
  };
  if (exec_tasks.empty()) instance["workflow"].erase("execution");  // the schema wants at least one task there
  out << instance.dump(2) << "\n";
}

namespace {

std::string fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace

namespace {

// A recorded runtime above a year is not a measurement.
constexpr double kMaxRuntimeS = 365 * 24 * 3600.0;

// A non-empty string member of `object`, else `fallback` (a name is optional in WfFormat).
std::string text_or(const json& object, const char* key, const std::string& fallback) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() && !it->get_ref<const std::string&>().empty() ? it->get<std::string>()
                                                                                             : fallback;
}

Error wf_error(const std::string& source, const std::string& where, const std::string& what, const std::string& fix) {
  return Error{source + ": " + where + ": " + what + "; fix: " + fix};
}

// The execution record of each task, by its WfFormat id.
Expected<std::map<std::string, const json*>> execution_runs(const json& exec, const std::string& source) {
  std::map<std::string, const json*> runs;
  for (std::size_t i = 0; i < exec.size(); ++i) {
    const json& entry = exec[i];
    const std::string where = "/workflow/execution/tasks/" + std::to_string(i);
    if (!entry.is_object() || !entry.contains("id") || !entry["id"].is_string()) {
      return wf_error(source, where, "an execution task without a string id", "give each execution task its task's id");
    }
    if (!entry.contains("runtimeInSeconds") || !entry["runtimeInSeconds"].is_number() ||
        !(entry["runtimeInSeconds"].get<double>() >= 0 && entry["runtimeInSeconds"].get<double>() <= kMaxRuntimeS)) {
      return wf_error(source, where + "/runtimeInSeconds",
                      entry.contains("runtimeInSeconds") ? "is " + json_excerpt(entry["runtimeInSeconds"]) +
                                                               ", not a runtime between 0 and a year in seconds"
                                                         : "missing",
                      "give the recorded runtime in seconds");
    }
    runs[entry["id"].get<std::string>()] = &entry;
  }
  return runs;
}

// Each task's position by its WfFormat id; ids checked unique, also once made flowbench ids.
Expected<std::map<std::string, std::size_t>> task_positions(const json& tasks, const std::map<std::string, const json*>& runs,
                                                            const std::string& source) {
  std::map<std::string, std::size_t> index;
  std::map<std::string, std::string> taken;  // flowbench id -> WfFormat id
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const json& task = tasks[i];
    const std::string where = "/workflow/specification/tasks/" + std::to_string(i);
    if (!task.is_object() || !task.contains("id") || !task["id"].is_string() || task["id"].get<std::string>().empty()) {
      return wf_error(source, where + "/id", "missing or not a string", "give every task a unique id");
    }
    const std::string id = task["id"];
    if (index.count(id)) return wf_error(source, where + "/id", "duplicate id " + id, "give every task a unique id");
    const std::string mapped = flowbench_task_id(id);
    if (taken.count(mapped)) {
      return wf_error(source, where + "/id", "ids " + taken[mapped] + " and " + id + " both become " + mapped,
                      "rename one of them (flowbench ids use letters, digits, '.', '_', '-')");
    }
    if (!runs.count(id)) {
      return wf_error(source, where, "task " + id + " has no record in /workflow/execution/tasks",
                      "import a complete execution trace");
    }
    index[id] = i;
    taken[mapped] = id;
  }
  return index;
}

// One spec task: synth busy for the recorded runtime at the recorded CPU share.
Expected<ordered_json> spec_task(const json& task, std::size_t i, const json& run,
                                 const std::map<std::string, std::size_t>& index, std::vector<std::size_t>& deps,
                                 const WfImportOptions& options, const std::string& source) {
  const std::string id = task["id"];
  const std::string where = "/workflow/specification/tasks/" + std::to_string(i);
  ordered_json after = json::array();
  const json parents = task.contains("parents") ? task["parents"] : json::array();
  if (!parents.is_array()) {
    return wf_error(source, where + "/parents", "must be an array of task ids, got " + json_excerpt(parents),
                    "list the ids of the tasks this one waits for, e.g. [\"split_fasta_00000001\"]");
  }
  for (std::size_t p = 0; p < parents.size(); ++p) {
    const std::string parent = parents[p].is_string() ? parents[p].get<std::string>() : parents[p].dump();
    auto found = index.find(parent);
    if (found == index.end()) {
      return wf_error(source, where + "/parents/" + std::to_string(p), "unknown task " + parent,
                      "list only ids of tasks in the specification");
    }
    deps.push_back(found->second);
    after.push_back(flowbench_task_id(parent));
  }
  const double runtime = run["runtimeInSeconds"].get<double>();
  // avgCPU is a percentage of one core; a single-threaded synth busies at most one.
  const double cpu = run.contains("avgCPU") && run["avgCPU"].is_number() ? run["avgCPU"].get<double>() / 100 : 0;
  const double cpu_fraction = std::clamp(cpu, 0.0, 1.0);
  return ordered_json{{"id", flowbench_task_id(id)},
                      {"name", text_or(task, "name", id)},
                      {"command", {options.handler, "--duration-s", fixed(runtime), "--cpu-fraction", fixed(cpu_fraction)}},
                      {"after", after},
                      {"expected_s", runtime}};
}

}  // namespace

Expected<ordered_json> spec_from_wfformat(const json& instance, const std::string& source,
                                          const WfImportOptions& options) {
  if (!instance.is_object()) return wf_error(source, "/", "not a JSON object", "give a WfFormat 1.5 instance file");
  const json* tasks = nullptr;
  const json* exec = nullptr;
  if (instance.contains("workflow") && instance["workflow"].is_object()) {
    const json& workflow = instance["workflow"];
    if (workflow.contains("specification") && workflow["specification"].contains("tasks")) {
      tasks = &workflow["specification"]["tasks"];
    }
    if (workflow.contains("execution") && workflow["execution"].contains("tasks")) {
      exec = &workflow["execution"]["tasks"];
    }
  }
  if (!tasks || !tasks->is_array() || tasks->empty()) {
    return wf_error(source, "/workflow/specification/tasks", "missing or empty",
                    "give a WfFormat 1.5 instance (schemaVersion 1.5, workflow.specification.tasks)");
  }
  if (!exec || !exec->is_array()) {
    return wf_error(source, "/workflow/execution/tasks", "missing",
                    "import needs an execution trace (recorded runtimes), not a specification only");
  }
  auto runs = execution_runs(*exec, source);
  if (!runs) return runs.error();
  auto index = task_positions(*tasks, *runs, source);
  if (!index) return index.error();
  Dependencies deps(tasks->size());
  ordered_json spec_tasks = json::array();
  for (std::size_t i = 0; i < tasks->size(); ++i) {
    const json& task = (*tasks)[i];
    auto made = spec_task(task, i, *runs->at(task["id"].get<std::string>()), *index, deps[i], options, source);
    if (!made) return made.error();
    spec_tasks.push_back(std::move(*made));
  }
  if (auto cycle = find_cycle(deps)) {
    std::string path;
    for (std::size_t node : *cycle) {
      if (!path.empty()) path += " -> ";
      path += (*tasks)[node]["id"].get<std::string>();
    }
    return wf_error(source, "/workflow/specification/tasks", "the parents form a cycle: " + path,
                    "remove one of those edges");
  }
  std::string description = "Replay of the WfFormat instance ";
  description += source;
  description += ": each task is `synth` busy for its recorded runtime (model seconds) at its recorded CPU share. "
                 "Run with --time-scale to shrink it.";
  return ordered_json{{"schema", "flowbench.workflow/1"},
                      {"name", text_or(instance, "name", "imported")},
                      {"description", description},
                      {"tasks", spec_tasks}};
}

}  // namespace flowbench
