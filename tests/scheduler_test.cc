#include "schedule/scheduler.h"

#include <gtest/gtest.h>

#include <csignal>

#include "model/spec_loader.h"
#include "support/fake_runner.h"

namespace flowbench {
namespace {
using testing::FakeRunner;

// Records every finished profile, by id.
class Recorder : public RunObserver {
 public:
  void on_task_start(const Task& task, int slot, SystemTime) override { slots[task.id] = slot; }
  void on_task_finish(const Task& task, const Profile& profile) override {
    finished.push_back(task.id);
    profiles[task.id] = profile;
  }
  void on_run_finish(const RunEnd& end) override { status = end.status; }
  std::vector<std::string> finished;
  std::map<std::string, Profile> profiles;
  std::map<std::string, int> slots;
  RunStatus status = RunStatus::kRunning;
};

// "a" -> {"b", "c"} -> "d", and "e" free. b is long.
Workflow diamond() {
  LoadOptions options;
  options.check_programs = false;
  auto workflow = load_workflow_text(R"({"schema": "flowbench.workflow/1", "tasks": [
      {"id": "a", "command": ["x"]},
      {"id": "b", "command": ["x"], "after": ["a"], "expected_s": 10},
      {"id": "c", "command": ["x"], "after": ["a"]},
      {"id": "d", "command": ["x"], "after": ["b", "c"]},
      {"id": "e", "command": ["x"]}]})",
                                     "diamond.json", options);
  return std::move(workflow).value();
}

struct Harness {
  explicit Harness(Workflow wf, std::size_t jobs, std::map<std::string, FakeRunner::Script> scripts,
                   SchedulerOptions options = {}, bool by_critical_path = false)
      : workflow(std::move(wf)),
        runner(workflow, jobs, std::move(scripts)),
        plan(workflow.deps, by_critical_path
                                ? critical_path_priorities(workflow.deps, expected())
                                : std::vector<double>(workflow.tasks.size(), 0.0)),
        options(options) {}

  std::vector<double> expected() const {
    std::vector<double> e;
    for (const auto& t : workflow.tasks) e.push_back(t.expected_s.value_or(1));
    return e;
  }

  RunEnd run() {
    Scheduler scheduler(workflow, runner, plan,
                        [](std::size_t task) { Launch l; l.task = task; return l; },
                        {&recorder}, options);
    return scheduler.run();
  }

  Workflow workflow;
  FakeRunner runner;
  Plan plan;
  SchedulerOptions options;
  Recorder recorder;
};

TEST(SchedulerTest, SequentialRunsOneAtATimeInSpecOrder) {
  Harness h(diamond(), 1, {});
  EXPECT_EQ(h.run().status, RunStatus::kComplete);
  EXPECT_EQ(h.runner.started(), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(h.runner.max_concurrency(), 1u);
  EXPECT_EQ(h.recorder.profiles.size(), 5u);
}

TEST(SchedulerTest, ParallelStartsTheCriticalPathFirst) {
  Harness h(diamond(), 2, {{"b", {10.0, Completed{}}}}, {}, /*by_critical_path=*/true);
  EXPECT_EQ(h.run().status, RunStatus::kComplete);
  // a (on the 12-long path) and e start; then b before c.
  const auto& started = h.runner.started();
  EXPECT_EQ(started[0], "a");
  EXPECT_EQ(started[1], "e");
  EXPECT_EQ(started[2], "b");
  EXPECT_EQ(h.runner.max_concurrency(), 2u);
}

TEST(SchedulerTest, NoTaskStartsBeforeItsDependenciesEnd) {
  Harness h(diamond(), 3, {{"b", {3.0, Completed{}}}, {"c", {0.5, Completed{}}}});
  h.run();
  std::map<std::string, FakeRunner::Span> spans;
  for (const auto& span : h.runner.spans()) spans[span.id] = span;
  EXPECT_GE(spans["b"].start, spans["a"].end);
  EXPECT_GE(spans["d"].start, spans["b"].end);
  EXPECT_GE(spans["d"].start, spans["c"].end);
}

TEST(SchedulerTest, FailFastStopsStartingButLetsRunningTasksFinish) {
  // jobs=2: a and e run; a fails; e finishes; b, c, d are skipped.
  Harness h(diamond(), 2, {{"a", {1.0, Completed{3, 0}}}, {"e", {2.0, Completed{}}}});
  EXPECT_EQ(h.run().status, RunStatus::kFailed);
  EXPECT_EQ(h.recorder.profiles["a"].status, TaskStatus::kFailed);
  EXPECT_EQ(h.recorder.profiles["a"].exit_code, 3);
  EXPECT_EQ(h.recorder.profiles["e"].status, TaskStatus::kOk);
  for (const char* id : {"b", "c", "d"}) {
    EXPECT_EQ(h.recorder.profiles[id].status, TaskStatus::kSkipped) << id;
    EXPECT_EQ(h.recorder.profiles[id].reason, "dependency a failed") << id;
  }
}

TEST(SchedulerTest, FailFastSkipsIndependentTasksNotYetStarted) {
  Harness h(diamond(), 1, {{"b", {1.0, Completed{1, 0}}}});
  h.run();
  EXPECT_EQ(h.recorder.profiles["d"].reason, "dependency b failed");
  EXPECT_EQ(h.recorder.profiles["c"].status, TaskStatus::kSkipped);
  EXPECT_NE(h.recorder.profiles["c"].reason.find("the run stopped after task b failed"), std::string::npos);
  EXPECT_NE(h.recorder.profiles["e"].reason.find("--keep-going"), std::string::npos);
}

TEST(SchedulerTest, KeepGoingRunsEverythingNotDependingOnTheFailure) {
  SchedulerOptions options;
  options.keep_going = true;
  Harness h(diamond(), 1, {{"b", {1.0, Completed{1, 0}}}}, options);
  EXPECT_EQ(h.run().status, RunStatus::kFailed);
  EXPECT_EQ(h.runner.started(), (std::vector<std::string>{"a", "b", "c", "e"}));
  EXPECT_EQ(h.recorder.profiles["d"].status, TaskStatus::kSkipped);
  EXPECT_EQ(h.recorder.profiles["d"].reason, "dependency b failed");
}

TEST(SchedulerTest, TimeoutAndSignalAreFailuresWithReasons) {
  SchedulerOptions options;
  options.keep_going = true;
  Harness h(diamond(), 1, {{"b", {1.0, TimedOut{SIGKILL}}}, {"e", {1.0, Completed{-1, SIGSEGV}}}}, options);
  h.run();
  EXPECT_EQ(h.recorder.profiles["b"].status, TaskStatus::kTimeout);
  EXPECT_EQ(h.recorder.profiles["b"].signal, SIGKILL);
  EXPECT_EQ(h.recorder.profiles["d"].reason, "dependency b timed out");
  EXPECT_EQ(h.recorder.profiles["e"].status, TaskStatus::kFailed);
  EXPECT_EQ(h.recorder.profiles["e"].reason, "killed by SIGSEGV");
  EXPECT_FALSE(h.recorder.profiles["e"].exit_code.has_value());
}

TEST(SchedulerTest, KillOnFailureInterruptsRunningTasks) {
  SchedulerOptions options;
  options.kill_on_failure = true;
  Harness h(diamond(), 2, {{"a", {1.0, Completed{1, 0}}}, {"e", {5.0, Completed{}}}}, options);
  h.run();
  EXPECT_EQ(h.recorder.profiles["e"].status, TaskStatus::kInterrupted);
  EXPECT_NE(h.recorder.profiles["e"].reason.find("--kill-on-failure"), std::string::npos);
}

TEST(SchedulerTest, StopRequestInterruptsRunningAndSkipsTheRest) {
  Harness h(diamond(), 2, {{"e", {5.0, Completed{}}}});
  h.runner.request_stop_after(1, SIGINT);  // after a finishes
  const RunEnd end = h.run();
  EXPECT_EQ(end.status, RunStatus::kInterrupted);
  EXPECT_EQ(end.signal, SIGINT);
  EXPECT_EQ(h.recorder.profiles["a"].status, TaskStatus::kOk);
  EXPECT_EQ(h.recorder.profiles["e"].status, TaskStatus::kInterrupted);
  EXPECT_NE(h.recorder.profiles["e"].reason.find("interrupted by SIGINT"), std::string::npos);
  // a's end freed a slot for b, which the stop then interrupted; c never started; d
  // depends on the interrupted b.
  EXPECT_EQ(h.recorder.profiles["b"].status, TaskStatus::kInterrupted);
  EXPECT_EQ(h.recorder.profiles["c"].status, TaskStatus::kSkipped);
  EXPECT_EQ(h.recorder.profiles["c"].reason, "not started: the run was interrupted by SIGINT");
  EXPECT_EQ(h.recorder.profiles["d"].reason, "dependency b was interrupted");
  EXPECT_EQ(h.recorder.profiles.size(), 5u) << "every task gets exactly one profile";
  EXPECT_EQ(h.recorder.finished.size(), 5u);
}

TEST(SchedulerTest, SlotsAreReusedLowestFirst) {
  Harness h(diamond(), 2, {});
  h.run();
  for (const auto& [id, slot] : h.recorder.slots) EXPECT_LT(slot, 2) << id;
  EXPECT_EQ(h.recorder.slots["a"], 0);
}

}  // namespace
}  // namespace flowbench
