#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "interchange/conductor.h"
#include "interchange/wfformat.h"

namespace flowbench {
namespace {
using nlohmann::json;

// a (1.5 s) -> b (0.25 s) and a -> c (skipped): b failed, c never ran.
RunRecord three_tasks() {
  RunRecord run;
  run.run_id = "r1";
  run.workflow = "demo";
  run.status = "failed";
  run.started = "2023-11-14T22:13:20.000+00:00";
  run.makespan_ms = 1750.4;
  run.context = {{"mode", "parallel"}, {"host", "h"}, {"cpus", 2}, {"machine", "x86_64"}, {"kernel", "Linux 6"}};
  const SystemTime t0(std::chrono::seconds(1'700'000'000));
  auto task = [&](std::string id, TaskStatus status, double ms, int slot, double start_ms) {
    Profile p;
    p.id = id;
    p.task_id = id;
    p.name = "task-" + id;
    p.status = status;
    p.duration_ms = ms;
    p.slot = slot;
    p.cpu_user_ms = ms / 2;
    p.max_rss_kb = 100;
    if (slot >= 0) p.start_time = t0 + std::chrono::milliseconds(static_cast<long>(start_ms));
    return TaskRecord{id, p.name, {"synth", "--duration-s", "1"}, 1.0, p};
  };
  run.tasks = {task("a", TaskStatus::kOk, 1500, 0, 0), task("b", TaskStatus::kFailed, 250, 0, 1500),
               task("c", TaskStatus::kSkipped, 0, -1, 0)};
  run.deps = {{}, {0}, {0}};
  return run;
}

TEST(WfFormatTest, WritesSpecificationAndExecutionOfTasksThatRan) {
  std::ostringstream out;
  write_wfformat(out, three_tasks(), "9.9");
  const json machine = {{"nodeName", "h"}, {"system", "linux"}, {"architecture", "x86_64"}, {"release", "Linux 6"},
                        {"cpu", {{"coreCount", 2}}}};
  auto spec_task = [](std::string id, json parents, json children) {
    return json{{"name", "task-" + id}, {"id", id}, {"parents", parents}, {"children", children},
                {"inputFiles", json::array()}, {"outputFiles", json::array()}};
  };
  auto exec_task = [](std::string id, double seconds, std::string at, double cpu, json machines) {
    return json{{"id", id}, {"runtimeInSeconds", seconds}, {"executedAt", at},
                {"command", {{"program", "synth"}, {"arguments", {"synth", "--duration-s", "1"}}}},
                {"coreCount", 1}, {"avgCPU", cpu}, {"memoryInBytes", 102400.0}, {"machines", machines}};
  };
  const json expected = {
      {"name", "demo"},
      {"description", "flowbench run r1 (parallel, status failed)"},
      {"createdAt", "2023-11-14T22:13:20.000+00:00"},
      {"schemaVersion", "1.5"},
      {"runtimeSystem", {{"name", "flowbench"}, {"version", "9.9"}}},
      {"workflow",
       {{"specification",
         {{"tasks", {spec_task("a", json::array(), {"b", "c"}), spec_task("b", {"a"}, json::array()),
                     spec_task("c", {"a"}, json::array())}},
          {"files", json::array()}}},
        {"execution",
         {{"makespanInSeconds", 1.75},
          {"executedAt", "2023-11-14T22:13:20.000+00:00"},
          {"tasks", {exec_task("a", 1.5, "2023-11-14T22:13:20.000+00:00", 50.0, {"h"}),
                     exec_task("b", 0.25, "2023-11-14T22:13:21.500+00:00", 50.0, {"h"})}},
          {"machines", {machine}}}}}}};
  EXPECT_EQ(json::parse(out.str()), expected);
}

TEST(WfFormatTest, ImportReplaysRuntimesAndCpuShares) {
  const json instance = json::parse(R"({"name": "w", "schemaVersion": "1.5", "workflow": {
    "specification": {"tasks": [{"id": "a#1", "name": "split", "parents": [], "children": ["b"]},
                                {"id": "b", "name": "b", "parents": ["a#1"], "children": []}]},
    "execution": {"makespanInSeconds": 3, "executedAt": "x", "tasks": [
      {"id": "a#1", "runtimeInSeconds": 1.25, "avgCPU": 250.0}, {"id": "b", "runtimeInSeconds": 2}]}}})");
  auto spec = spec_from_wfformat(instance, "t.json");
  ASSERT_TRUE(spec) << spec.error().message;
  const json expected = {
      {"schema", "flowbench.workflow/1"},
      {"name", "w"},
      {"description", "Replay of the WfFormat instance t.json: each task is `synth` busy for its recorded runtime "
                      "(model seconds) at its recorded CPU share. Run with --time-scale to shrink it."},
      {"tasks",
       {{{"id", "a_1"}, {"name", "split"}, {"command", {"synth", "--duration-s", "1.25", "--cpu-fraction", "1"}},
         {"after", json::array()}, {"expected_s", 1.25}},
        {{"id", "b"}, {"name", "b"}, {"command", {"synth", "--duration-s", "2", "--cpu-fraction", "0"}},
         {"after", {"a_1"}}, {"expected_s", 2.0}}}}};
  EXPECT_EQ(json(*spec), expected);
}

std::string wf_error(const std::string& text) {
  auto spec = spec_from_wfformat(json::parse(text), "trace.json");
  return spec ? std::string("(no error)") : spec.error().message;
}

TEST(WfFormatTest, ImportErrorsNameThePlaceAndTheFix) {
  const std::string exec = R"("execution": {"tasks": [{"id": "a", "runtimeInSeconds": 1}, {"id": "b", "runtimeInSeconds": 1}]})";
  EXPECT_EQ(wf_error(R"({"workflow": {}})"),
            "trace.json: /workflow/specification/tasks: missing or empty; fix: give a WfFormat 1.5 instance "
            "(schemaVersion 1.5, workflow.specification.tasks)");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a", "parents": []}]}}})"),
            "trace.json: /workflow/execution/tasks: missing; fix: import needs an execution trace (recorded "
            "runtimes), not a specification only");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a", "parents": ["zz"]}, {"id": "b"}]}, )" + exec + "}}"),
            "trace.json: /workflow/specification/tasks/0/parents/0: unknown task zz; fix: list only ids of tasks in "
            "the specification");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a", "parents": ["b"]}, {"id": "b", "parents": ["a"]}]}, )" + exec + "}}"),
            "trace.json: /workflow/specification/tasks: the parents form a cycle: a -> b -> a; fix: remove one of "
            "those edges");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a"}, {"id": "a"}]}, )" + exec + "}}"),
            "trace.json: /workflow/specification/tasks/1/id: duplicate id a; fix: give every task a unique id");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a"}, {"id": "c"}]}, )" + exec + "}}"),
            "trace.json: /workflow/specification/tasks/1: task c has no record in /workflow/execution/tasks; fix: "
            "import a complete execution trace");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a"}]}, "execution": {"tasks": [{"id": "a"}]}}})"),
            "trace.json: /workflow/execution/tasks/0/runtimeInSeconds: missing; fix: give the recorded "
            "runtime in seconds");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a"}]}, "execution": {"tasks": [
              {"id": "a", "runtimeInSeconds": 1e308}]}}})"),
            "trace.json: /workflow/execution/tasks/0/runtimeInSeconds: is 1e+308, not a runtime between 0 and a year in "
            "seconds; fix: give the recorded runtime in seconds");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a", "parents": "b"}]}, "execution": {"tasks": [
              {"id": "a", "runtimeInSeconds": 1}]}}})"),
            "trace.json: /workflow/specification/tasks/0/parents: must be an array of task ids, got \"b\"; fix: list the "
            "ids of the tasks this one waits for, e.g. [\"split_fasta_00000001\"]");
  EXPECT_EQ(wf_error(R"({"workflow": {"specification": {"tasks": [{"id": "a#"}, {"id": "a/"}]}, "execution": {"tasks": [
              {"id": "a#", "runtimeInSeconds": 1}, {"id": "a/", "runtimeInSeconds": 1}]}}})"),
            "trace.json: /workflow/specification/tasks/1/id: ids a# and a/ both become a_; fix: rename one of them "
            "(flowbench ids use letters, digits, '.', '_', '-')");
}

TEST(ConductorTest, ExportsStagesAsSimpleTasksAndForkJoins) {
  std::ostringstream out;
  write_conductor_workflow(out, three_tasks());
  auto simple = [](std::string id) {
    return json{{"name", "demo_task-" + id}, {"taskReferenceName", "task_" + id}, {"type", "SIMPLE"},
                {"inputParameters", {{"task_id", id}, {"command", {"synth", "--duration-s", "1"}}}},
                {"taskDefinition", {{"name", "demo_task-" + id}, {"description", "flowbench task " + id},
                                    {"retryCount", 0}, {"timeoutPolicy", "TIME_OUT_WF"}}}};
  };
  const json expected = {
      {"name", "demo"},
      {"description", "flowbench workflow demo: 3 tasks in 2 stages. With run r1's durations the staged makespan "
                      "is 1.750 s against a critical path of 1.750 s."},
      {"version", 1}, {"schemaVersion", 2}, {"restartable", true}, {"timeoutPolicy", "ALERT_ONLY"},
      {"timeoutSeconds", 0},
      {"tasks",
       {simple("a"),
        {{"name", "fork_stage_2"}, {"taskReferenceName", "fork_stage_2"}, {"type", "FORK_JOIN"},
         {"forkTasks", {{simple("b")}, {simple("c")}}}},
        {{"name", "join_stage_2"}, {"taskReferenceName", "join_stage_2"}, {"type", "JOIN"},
         {"joinOn", {"task_b", "task_c"}}}}}};
  EXPECT_EQ(json::parse(out.str()), expected);
}

json execution(const std::string& definition_tasks, const std::string& tasks, const std::string& status = "COMPLETED") {
  return json::parse(R"({"workflowId": "w1", "status": ")" + status + R"(", "workflowDefinition": {"name": "p", "tasks": )" +
                     definition_tasks + R"(}, "tasks": )" + tasks + "}");
}

std::string conductor_error(const json& document) {
  auto run = run_from_conductor(document, "exec.json");
  return run ? std::string("(no error)") : run.error().message;
}

TEST(ConductorTest, ImportFollowsForkJoinAndTakesTheLastAttempt) {
  const auto run = run_from_conductor(
      execution(R"([{"name": "a", "taskReferenceName": "a"},
                    {"name": "f", "taskReferenceName": "f", "type": "FORK_JOIN", "forkTasks": [
                       [{"name": "b", "taskReferenceName": "b"}, {"name": "c", "taskReferenceName": "c"}],
                       [{"name": "d", "taskReferenceName": "d"}]]},
                    {"name": "j", "taskReferenceName": "j", "type": "JOIN", "joinOn": ["c", "d"]},
                    {"name": "e", "taskReferenceName": "e"}])",
                R"([{"taskType": "SIMPLE", "referenceTaskName": "a", "status": "COMPLETED", "startTime": 1000, "endTime": 2000},
                    {"taskType": "FORK_JOIN", "referenceTaskName": "f", "status": "COMPLETED", "startTime": 2000, "endTime": 2000},
                    {"taskType": "SIMPLE", "referenceTaskName": "b", "status": "COMPLETED", "startTime": 2000, "endTime": 2500},
                    {"taskType": "SIMPLE", "referenceTaskName": "d", "status": "FAILED", "seq": 4, "startTime": 2000, "endTime": 2100},
                    {"taskType": "SIMPLE", "referenceTaskName": "c", "status": "COMPLETED", "startTime": 2500, "endTime": 3000},
                    {"taskType": "SIMPLE", "referenceTaskName": "d", "status": "COMPLETED", "seq": 6, "startTime": 2200, "endTime": 2900},
                    {"taskType": "JOIN", "referenceTaskName": "j", "status": "COMPLETED", "startTime": 3000, "endTime": 3000}])",
                "FAILED"),
      "exec.json");
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_EQ(run->workflow.tasks.size(), 5u);
  const Dependencies expected_deps = {{}, {0}, {1}, {0}, {2, 3}};  // a, b, c, d, e
  EXPECT_EQ(run->workflow.deps, expected_deps);
  EXPECT_EQ(run->profiles[3].status, TaskStatus::kOk);
  EXPECT_EQ(run->profiles[3].duration_ms, 700);
  EXPECT_EQ(run->profiles[3].reason, "2 attempts");
  EXPECT_EQ(run->profiles[4].status, TaskStatus::kSkipped);  // e never ran
  EXPECT_EQ(run->profiles[0].slot, 0);
  EXPECT_EQ(run->profiles[1].slot, 0);
  EXPECT_EQ(run->profiles[3].slot, 1);
  EXPECT_EQ(run->end.status, RunStatus::kFailed);
  EXPECT_EQ(run->end.makespan, std::chrono::milliseconds(2000));
}

TEST(ConductorTest, ImportErrorsNameThePlaceAndTheFix) {
  EXPECT_EQ(conductor_error(json::parse(R"({"workflowId": "w"})")),
            "exec.json: /workflowDefinition: missing; fix: fetch the execution with GET "
            "/api/workflow/{id}?includeTasks=true (it embeds the definition)");
  EXPECT_EQ(conductor_error(execution(R"([{"taskReferenceName": "a"}])", "[]", "RUNNING")),
            "exec.json: /status: the workflow is still RUNNING; fix: import it once it has finished");
  EXPECT_EQ(conductor_error(execution(R"([{"taskReferenceName": "a"}, {"taskReferenceName": "s", "type": "SWITCH"}])", "[]")),
            "exec.json: /workflowDefinition/tasks/1: task s is a SWITCH, whose dependencies depend on data; fix: "
            "import executions of workflows made of tasks in sequence, FORK_JOIN and JOIN");
  EXPECT_EQ(conductor_error(execution(R"([{"taskReferenceName": "a"}])",
                                      R"([{"taskType": "SIMPLE", "referenceTaskName": "zz", "status": "COMPLETED"}])")),
            "exec.json: /tasks/0/referenceTaskName: zz is not in the workflow definition; fix: import executions "
            "whose tasks all come from their definition");
  EXPECT_EQ(conductor_error(execution(R"([{"taskReferenceName": "a"}])",
                                      R"([{"taskType": "SIMPLE", "referenceTaskName": "a", "status": "IN_PROGRESS"}])")),
            "exec.json: /tasks (a)/status: task status IN_PROGRESS; fix: import a finished execution");
  EXPECT_EQ(conductor_error(execution(R"([{"taskReferenceName": "a"}, {"taskReferenceName": "a"}])", "[]")),
            "exec.json: /workflowDefinition/tasks/1: task reference a appears twice; fix: use unique references");
}

}  // namespace
}  // namespace flowbench
