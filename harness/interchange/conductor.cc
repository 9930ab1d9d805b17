#include "interchange/conductor.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <map>
#include <set>

#include "model/graph.h"
#include "util/json_reader.h"
#include "util/time_format.h"

namespace flowbench {
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

// A field check_types() let through: a string, or missing or null (the fallback).
std::string text_field(const json& object, const char* key, std::string fallback = {}) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A whole-number field check_types() let through (missing or null: 0).
long long whole_field(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<long long>() : 0;
}

std::string ref_of(const TaskRecord& task) { return "task_" + task.id; }

ordered_json simple_task(const RunRecord& run, const TaskRecord& task) {
  std::string def_name = run.workflow;
  def_name += "_";
  def_name += task.name;
  ordered_json definition = {{"name", def_name},
                             {"description", "flowbench task " + task.id},
                             {"retryCount", 0},
                             {"timeoutPolicy", "TIME_OUT_WF"}};
  return {{"name", def_name},
          {"taskReferenceName", ref_of(task)},
          {"type", "SIMPLE"},
          {"inputParameters", {{"task_id", task.id}, {"command", task.command}}},
          {"taskDefinition", definition}};
}

double duration_ms(const TaskRecord& task) { return task.profile ? task.profile->duration_ms : 0; }

}  // namespace

void write_conductor_workflow(std::ostream& out, const RunRecord& run) {
  const auto order = stable_topological_order(run.deps);
  std::vector<std::size_t> level(run.tasks.size(), 0);
  std::vector<double> finish(run.tasks.size(), 0);  // longest path ending at each task
  std::size_t levels = 0;
  for (std::size_t i : order) {
    double ready = 0;
    for (std::size_t dep : run.deps[i]) {
      level[i] = std::max(level[i], level[dep] + 1);
      ready = std::max(ready, finish[dep]);
    }
    finish[i] = ready + duration_ms(run.tasks[i]);
    levels = std::max(levels, level[i] + 1);
  }
  std::vector<std::vector<std::size_t>> stages(levels);
  for (std::size_t i = 0; i < run.tasks.size(); ++i) stages[level[i]].push_back(i);

  ordered_json tasks = json::array();
  double staged_ms = 0;
  for (std::size_t s = 0; s < stages.size(); ++s) {
    const auto& stage = stages[s];
    double longest = 0;
    for (std::size_t i : stage) longest = std::max(longest, duration_ms(run.tasks[i]));
    staged_ms += longest;
    if (stage.size() == 1) {
      tasks.push_back(simple_task(run, run.tasks[stage.front()]));
      continue;
    }
    const std::string n = std::to_string(s + 1);
    ordered_json branches = json::array(), join_on = json::array();
    for (std::size_t i : stage) {
      branches.push_back(ordered_json::array({simple_task(run, run.tasks[i])}));
      join_on.push_back(ref_of(run.tasks[i]));
    }
    tasks.push_back({{"name", "fork_stage_" + n}, {"taskReferenceName", "fork_stage_" + n}, {"type", "FORK_JOIN"},
                     {"forkTasks", branches}});
    tasks.push_back({{"name", "join_stage_" + n}, {"taskReferenceName", "join_stage_" + n}, {"type", "JOIN"},
                     {"joinOn", join_on}});
  }
  const double critical_ms = finish.empty() ? 0 : *std::max_element(finish.begin(), finish.end());
  std::string description = "flowbench workflow ";
  description += run.workflow;
  description += ": ";
  description += std::to_string(run.tasks.size());
  description += " tasks in ";
  description += std::to_string(levels);
  description += " stages. With run ";
  description += run.run_id;
  description += "'s durations the staged makespan is ";
  description += seconds_text(staged_ms);
  description += " s against a critical path of ";
  description += seconds_text(critical_ms);
  description += " s.";
  const ordered_json definition = {{"name", run.workflow.empty() ? std::string("flowbench") : run.workflow},
                                   {"description", description},
                                   {"version", 1},
                                   {"schemaVersion", 2},
                                   {"restartable", true},
                                   {"timeoutPolicy", "ALERT_ONLY"},
                                   {"timeoutSeconds", 0},
                                   {"tasks", tasks}};
  out << definition.dump(2) << "\n";
}

namespace {

struct DefinitionWalk {
  std::string source;
  std::vector<std::string> order;                          // task references, as defined
  std::map<std::string, std::vector<std::string>> deps;    // reference -> references
  std::map<std::string, std::string> names;                // reference -> task name
  std::optional<Error> error;

  void fail(const std::string& where, const std::string& what, const std::string& fix) {
    if (!error) error = Error{source + ": " + where + ": " + what + "; fix: " + fix};
  }

  // Walks a task list in sequence; `frontier` holds what the next task waits for.
  void walk(const json& list, std::vector<std::string>& frontier, const std::string& where) {
    if (!list.is_array()) return fail(where, "not an array of tasks", "give the workflow definition as Conductor returns it");
    for (std::size_t i = 0; i < list.size() && !error; ++i) {
      const json& task = list[i];
      const std::string at = where + "/" + std::to_string(i);
      if (!task.is_object() || !task.contains("taskReferenceName") || !task["taskReferenceName"].is_string()) {
        return fail(at, "a task without taskReferenceName", "give the definition as Conductor returns it");
      }
      const std::string ref = task["taskReferenceName"];
      const std::string type = text_field(task, "type", "SIMPLE");
      if (type == "FORK_JOIN") {
        std::vector<std::string> joined;
        const json branches = task.contains("forkTasks") && task["forkTasks"].is_array() ? task["forkTasks"] : json::array();
        for (std::size_t b = 0; b < branches.size() && !error; ++b) {
          std::vector<std::string> branch_frontier = frontier;
          walk(branches[b], branch_frontier, at + "/forkTasks/" + std::to_string(b));
          joined.insert(joined.end(), branch_frontier.begin(), branch_frontier.end());
        }
        frontier = std::move(joined);
      } else if (type == "JOIN") {
        continue;  // waits for the branches' ends, which are the frontier already
      } else if (type == "SWITCH" || type == "DECISION" || type == "DO_WHILE" || type == "FORK_JOIN_DYNAMIC" ||
                 type == "DYNAMIC") {
        return fail(at, "task " + ref + " is a " + type + ", whose dependencies depend on data",
                    "import executions of workflows made of tasks in sequence, FORK_JOIN and JOIN");
      } else {
        if (deps.count(ref)) return fail(at, "task reference " + ref + " appears twice", "use unique references");
        deps[ref] = frontier;
        names[ref] = text_field(task, "name", ref);
        order.push_back(ref);
        frontier = {ref};
      }
    }
  }
};

std::optional<TaskStatus> task_status(const std::string& status) {
  if (status == "COMPLETED") return TaskStatus::kOk;
  if (status == "FAILED" || status == "FAILED_WITH_TERMINAL_ERROR" || status == "COMPLETED_WITH_ERRORS") {
    return TaskStatus::kFailed;
  }
  if (status == "TIMED_OUT") return TaskStatus::kTimeout;
  if (status == "CANCELED") return TaskStatus::kInterrupted;
  if (status == "SKIPPED") return TaskStatus::kSkipped;
  return std::nullopt;  // IN_PROGRESS, SCHEDULED: not finished
}

SystemTime from_epoch_ms(long long ms) { return SystemTime(std::chrono::milliseconds(ms)); }

// The last attempt of each task reference (Conductor retries a task as a new entry).
struct Attempts {
  std::map<std::string, const json*> last;
  std::map<std::string, int> count;
};

Expected<Attempts> last_attempts(const json& tasks, const DefinitionWalk& walk, const std::string& source) {
  Attempts attempts;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    const json& task = tasks[i];
    const std::string at = source + ": /tasks/" + std::to_string(i);
    const std::string type = text_field(task, "taskType");
    if (type == "FORK" || type == "FORK_JOIN" || type == "JOIN") continue;
    if (!task.contains("referenceTaskName") || !task["referenceTaskName"].is_string()) {
      return Error{at + ": a task without referenceTaskName; fix: give the execution as Conductor returns it"};
    }
    const std::string ref = task["referenceTaskName"];
    if (!walk.deps.count(ref)) {
      return Error{at + "/referenceTaskName: " + ref + " is not in the workflow definition; fix: import executions "
                   "whose tasks all come from their definition"};
    }
    ++attempts.count[ref];
    const json*& last = attempts.last[ref];
    if (!last || whole_field(task, "seq") >= whole_field(*last, "seq")) last = &task;
  }
  return attempts;
}

// The definition's tasks, in its order, with their dependencies.
Status add_graph(const DefinitionWalk& walk, Workflow& workflow, const std::string& source) {
  std::map<std::string, std::size_t> index;
  std::set<std::string> ids;
  for (const auto& ref : walk.order) {
    Task task;
    task.id = flowbench_task_id(ref);
    if (!ids.insert(task.id).second) {
      return Error{source + ": /workflowDefinition: references " + ref + " and another both become task id " +
                   task.id + "; fix: use references made of letters, digits, '.', '_' and '-'"};
    }
    task.id_json = ref == task.id ? json(ref) : json(task.id);
    if (auto name = walk.names.find(ref); name != walk.names.end()) task.name = name->second;
    index[ref] = workflow.tasks.size();
    workflow.tasks.push_back(std::move(task));
  }
  workflow.deps.resize(walk.order.size());
  for (std::size_t i = 0; i < walk.order.size(); ++i) {
    auto deps = walk.deps.find(walk.order[i]);
    if (deps == walk.deps.end()) continue;
    for (const auto& dep : deps->second) {
      workflow.deps[i].push_back(index[dep]);
      workflow.tasks[i].after.push_back(workflow.tasks[index[dep]].id);
    }
  }
  workflow.dependents = reverse_edges(workflow.deps);
  return ok_status();
}

// One task's profile from its last attempt (skipped when it never ran).
Expected<Profile> profile_of(const Task& task, const std::string& ref, const Attempts& attempts, const std::string& source) {
  Profile p;
  p.id = task.id;
  p.task_id = task.id_json;
  p.name = task.name;
  auto found = attempts.last.find(ref);
  if (found == attempts.last.end()) {
    p.status = TaskStatus::kSkipped;
    p.reason = "not executed in this workflow run";
    return p;
  }
  const json& attempt = *found->second;
  const std::string word = text_field(attempt, "status");
  auto task_state = task_status(word);
  if (!task_state) {
    return Error{source + ": /tasks (" + ref + ")/status: task status " + (word.empty() ? std::string("missing") : word) +
                 "; fix: import a finished execution"};
  }
  p.status = *task_state;
  p.reason = text_field(attempt, "reasonForIncompletion");
  if (const int tries = attempts.count.at(ref); tries > 1) {
    if (!p.reason.empty()) p.reason += "; ";
    p.reason += std::to_string(tries) + " attempts";
  }
  const long long start = whole_field(attempt, "startTime"), end = whole_field(attempt, "endTime");
  if (start > 0 && end >= start) {
    p.start_time = from_epoch_ms(start);
    p.end_time = from_epoch_ms(end);
    p.duration_ms = static_cast<double>(end - start);
  }
  if (p.status == TaskStatus::kOk) p.exit_code = 0;
  if (p.status == TaskStatus::kFailed) p.exit_code = 1;
  return p;
}

Expected<DefinitionWalk> walk_definition(const json& execution, const std::string& source) {
  auto fail = [&](const std::string& where, const std::string& what, const std::string& fix) {
    return Error{source + ": " + where + ": " + what + "; fix: " + fix};
  };
  if (!execution.is_object() || !execution.contains("workflowDefinition") ||
      !execution["workflowDefinition"].is_object()) {
    return fail("/workflowDefinition", "missing",
                "fetch the execution with GET /api/workflow/{id}?includeTasks=true (it embeds the definition)");
  }
  const std::string status = text_field(execution, "status");
  if (status == "RUNNING" || status == "PAUSED") {
    return fail("/status", "the workflow is still " + status, "import it once it has finished");
  }
  if (!execution.contains("tasks") || !execution["tasks"].is_array()) {
    return fail("/tasks", "missing", "fetch the execution with includeTasks=true");
  }
  DefinitionWalk walk;
  walk.source = source;
  std::vector<std::string> frontier;
  const json& definition = execution["workflowDefinition"];
  walk.walk(definition.contains("tasks") ? definition["tasks"] : json(), frontier, "/workflowDefinition/tasks");
  if (walk.error) return *walk.error;
  if (walk.order.empty()) return fail("/workflowDefinition/tasks", "no tasks", "give a workflow with tasks");
  return walk;
}

// Epoch milliseconds up to the year 2200: a later time is not a recorded one (and the clock's
// nanoseconds end in 2262).
constexpr std::int64_t kMaxEpochMs = 7258118400000;

void check_definition_tasks(const JsonAt& list) {
  for (const JsonAt& task : list.elements()) {
    (void)task["type"].text_or("");
    (void)task["name"].text_or("");
    for (const JsonAt& branch : task["forkTasks"].elements()) check_definition_tasks(branch);
  }
}

// The fields the import reads have the types Conductor gives them (the walk below reads them
// without checks of its own).
Status check_types(const json& execution, const std::string& source) {
  JsonReader reader(source, "give the execution as Conductor returns it (GET /api/workflow/{id}?includeTasks=true)");
  const JsonAt root = reader.root(execution);
  for (const char* key : {"status", "workflowName", "workflowId"}) (void)root[key].text_or("");
  (void)root["workflowDefinition"]["name"].text_or("");
  check_definition_tasks(root["workflowDefinition"]["tasks"]);
  for (const JsonAt& task : root["tasks"].elements()) {
    for (const char* key : {"taskType", "status", "reasonForIncompletion", "workerId"}) (void)task[key].text_or("");
    for (const char* key : {"startTime", "endTime"}) (void)task[key].integer_or(0, 0, kMaxEpochMs);
    (void)task["seq"].integer_or(0, 0, std::numeric_limits<int>::max());
  }
  if (reader.failed()) return reader.error();
  return ok_status();
}

}  // namespace

Expected<ImportedRun> run_from_conductor(const json& execution, const std::string& source) {
  if (auto checked = check_types(execution, source); !checked) return checked.error();
  auto walk = walk_definition(execution, source);
  if (!walk) return walk.error();
  auto attempts = last_attempts(execution["tasks"], *walk, source);
  if (!attempts) return attempts.error();
  ImportedRun run;
  run.workflow.name = text_field(execution["workflowDefinition"], "name", text_field(execution, "workflowName", "conductor"));
  if (auto graph = add_graph(*walk, run.workflow, source); !graph) return graph.error();
  std::optional<SystemTime> first_start, last_end;
  for (std::size_t i = 0; i < walk->order.size(); ++i) {
    auto p = profile_of(run.workflow.tasks[i], walk->order[i], *attempts, source);
    if (!p) return p.error();
    if (p->start_time && (!first_start || *p->start_time < *first_start)) first_start = p->start_time;
    if (p->end_time && (!last_end || *p->end_time > *last_end)) last_end = p->end_time;
    run.profiles.push_back(std::move(*p));
  }
  if (!first_start) {
    return Error{source + ": /tasks: no task has startTime and endTime; fix: import a finished execution"};
  }
  assign_slots(run.profiles);
  run.end.started_at = *first_start;
  run.end.ended_at = *last_end;
  run.end.makespan = *last_end - *first_start;
  const std::string status = text_field(execution, "status");
  run.end.status = status == "COMPLETED"    ? RunStatus::kComplete
                   : status == "TERMINATED" ? RunStatus::kInterrupted
                                            : RunStatus::kFailed;
  std::set<std::string> workers;
  for (const auto& [ref, attempt] : attempts->last) {
    if (attempt->contains("workerId") && (*attempt)["workerId"].is_string()) workers.insert((*attempt)["workerId"].get<std::string>());
  }
  run.origin = {{"format", "conductor"},
                {"file", source},
                {"workflow_id", text_field(execution, "workflowId")},
                {"status", status},
                {"workers", workers}};
  return run;
}

}  // namespace flowbench
