// `flowbench run` end to end: real handlers, real run folders.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "exec/local_runner.h"
#include "platform/posix.h"
#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using testing::bin_path;
using testing::run_command;
using testing::source_path;
using namespace std::chrono_literals;

json read_json(const fs::path& path) { return json::parse(testing::read_text(path)); }

std::map<int, json> profiles_by_id(const fs::path& run) {
  std::map<int, json> profiles;
  for (const auto& entry : fs::directory_iterator(run / "profiles")) {
    json p = read_json(entry.path());
    profiles[p["task_id"].get<int>()] = p;
  }
  return profiles;
}

// Temporary files are named ".<name>.tmp.<pid>.<n>".
std::vector<std::string> temporaries(const fs::path& root) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) found.push_back(entry.path());
  }
  return found;
}

class CliRunTest : public ::testing::Test {
 protected:
  testing::CommandResult flowbench(std::vector<std::string> args,
                                   const std::function<void(const testing::SignalSender&)>& during = {}) {
    args.insert(args.begin(), bin_path("flowbench").string());
    return run_command(args, dir_.path(), during);
  }
  fs::path run_dir(const std::string& id) const { return dir_.path() / "runs" / id; }
  testing::TempDir dir_;
};

TEST_F(CliRunTest, SequentialReferenceWorkflowWritesTheModelledProfiles) {
  const auto spec_path = testing::copy_reference_workflow(dir_.path() / "k1n");
  auto result = flowbench({"run", spec_path.string(), "--mode", "sequential", "--time-scale", "0.001",
                           "--no-cache", "--out", "runs", "--run-id", "seq"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json spec = read_json(source_path("fixtures/k1n/workflow.json"));
  const auto profiles = profiles_by_id(run_dir("seq"));
  ASSERT_EQ(profiles.size(), 22u);
  double modelled_ms = 0, synth_ms = 0;
  for (const json& task : spec["tasks"]) {
    const json& p = profiles.at(task["id"].get<int>());
    EXPECT_EQ(p["status"], "ok");
    EXPECT_EQ(p["exit_code"], 0);
    // synth waits out its modelled time: never shorter than the model at this scale. (Task 8
    // is the real codegen handler: its time is what the work takes, on a loaded machine or
    // under the sanitizers many times its model, so it is left out of the bounds.)
    if (task["id"] != 8) {
      EXPECT_GE(p["duration_ms"].get<double>(), task["expected_s"].get<double>()) << p.dump();
      modelled_ms += task["expected_s"].get<double>();
      synth_ms += p["duration_ms"].get<double>();
    }
  }
  // A scaling bug (seconds taken for milliseconds, a scale applied twice) is a factor of 1000
  // or at least 2; a busy machine stretches only the tasks' CPU parts (5-20% of each).
  EXPECT_LT(synth_ms, 3 * modelled_ms) << "durations far above the model: a scaling bug";
  // Sequential: no two tasks overlap, and the spec's order is kept.
  for (int id = 2; id <= 22; ++id) {
    EXPECT_GE(profiles.at(id)["start_time"].get<std::string>(),
              profiles.at(id - 1)["end_time"].get<std::string>());
  }
  // Task 8 is the real code generator: its five stages and its quality checks.
  std::vector<std::string> stages;
  for (const auto& op : profiles.at(8)["ops"]) stages.push_back(op["name"]);
  EXPECT_EQ(stages, (std::vector<std::string>{"parse", "template", "compile", "checks", "write"}));
  EXPECT_EQ(profiles.at(8)["quality"]["passed"], 401);
  EXPECT_EQ(profiles.at(8)["quality"]["failed"], 1) << "the fixture's one unreachable state";
  EXPECT_EQ(profiles.at(8)["cache"], "off");
  const json run = read_json(run_dir("seq") / "run.json");
  EXPECT_EQ(run["status"], "complete");
  EXPECT_EQ(run["context"]["mode"], "sequential");
  EXPECT_EQ(run["context"]["time_scale"], 0.001);
  EXPECT_EQ(run["totals"]["counts"]["ok"], 22);
  // records.jsonl: one line per task.
  std::ifstream records(run_dir("seq") / "records.jsonl");
  int lines = 0;
  for (std::string line; std::getline(records, line); ++lines) EXPECT_NO_THROW(json::parse(line));
  EXPECT_EQ(lines, 22);
  EXPECT_TRUE(read_json(run_dir("seq") / "trace.json").contains("traceEvents"));
  EXPECT_TRUE(temporaries(run_dir("seq")).empty());
}

TEST_F(CliRunTest, ParallelOverlapsTasksThreeToFiveAndRespectsEveryDependency) {
  const auto spec_path = testing::copy_reference_workflow(dir_.path() / "k1n");
  auto result = flowbench({"run", spec_path.string(), "--mode", "parallel", "-j", "4", "--time-scale", "0.001",
                           "--no-cache", "--out", "runs", "--run-id", "par"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json spec = read_json(source_path("fixtures/k1n/workflow.json"));
  const auto profiles = profiles_by_id(run_dir("par"));
  for (const json& task : spec["tasks"]) {
    for (const json& dep : task.value("after", json::array())) {
      EXPECT_GE(profiles.at(task["id"].get<int>())["start_time"].get<std::string>(),
                profiles.at(dep.get<int>())["end_time"].get<std::string>())
          << "task " << task["id"] << " started before " << dep << " ended";
    }
  }
  for (int a : {3, 4, 5}) {
    for (int b : {3, 4, 5}) {
      if (a == b) continue;
      EXPECT_LT(profiles.at(a)["start_time"].get<std::string>(), profiles.at(b)["end_time"].get<std::string>())
          << a << " and " << b << " did not overlap";
    }
  }
  const json run = read_json(run_dir("par") / "run.json");
  // Tasks that overlap make the makespan shorter than their sum, however slow the machine.
  EXPECT_LT(run["totals"]["makespan_ms"].get<double>(), run["totals"]["sum_duration_ms"].get<double>());
  EXPECT_EQ(run["context"]["jobs"], 4);
}

TEST_F(CliRunTest, FailedTaskMakesDependentsSkippedAndExitsOne) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "tasks": [
      {"id": 1, "command": ["synth", "--duration-s", "0", "--exit-code", "3"]},
      {"id": 2, "command": ["synth", "--duration-s", "0"], "after": [1]},
      {"id": 3, "command": ["synth", "--duration-s", "0"]}]})");
  auto result = flowbench({"run", "spec.json", "--out", "runs", "--run-id", "r", "--keep-going", "-j", "1"});
  EXPECT_EQ(result.exit_code, 1);
  const auto profiles = profiles_by_id(run_dir("r"));
  EXPECT_EQ(profiles.at(1)["status"], "failed");
  EXPECT_EQ(profiles.at(1)["exit_code"], 3);
  EXPECT_EQ(profiles.at(2)["status"], "skipped");
  EXPECT_EQ(profiles.at(2)["reason"], "dependency 1 failed");
  EXPECT_EQ(profiles.at(3)["status"], "ok");
  EXPECT_EQ(read_json(run_dir("r") / "run.json")["status"], "failed");
}

TEST_F(CliRunTest, SigintMidRunLeavesAConsistentInterruptedRun) {
  const auto spec_path = testing::copy_reference_workflow(dir_.path() / "k1n");
  auto result = flowbench(
      {"run", spec_path.string(), "--mode", "sequential", "--time-scale", "0.001", "--no-cache", "--out", "runs",
       "--run-id", "int", "--kill-grace", "1"},
      [this](const testing::SignalSender& send) {
        const fs::path third = run_dir("int") / "profiles" / "task-3-profile.json";
        for (int i = 0; i < 600 && !fs::exists(third); ++i) std::this_thread::sleep_for(10ms);
        send(SIGINT);
      });
  EXPECT_EQ(result.exit_code, 130) << result.err;
  const json run = read_json(run_dir("int") / "run.json");
  EXPECT_EQ(run["status"], "interrupted");
  EXPECT_EQ(run["signal"], SIGINT);
  const auto profiles = profiles_by_id(run_dir("int"));
  ASSERT_EQ(profiles.size(), 22u) << "every task keeps a profile";
  EXPECT_EQ(profiles.at(1)["status"], "ok");
  EXPECT_EQ(profiles.at(3)["status"], "ok");
  int interrupted = 0, skipped = 0;
  for (const auto& [id, p] : profiles) {
    interrupted += p["status"] == "interrupted";
    skipped += p["status"] == "skipped";
  }
  EXPECT_EQ(interrupted, 1);
  EXPECT_EQ(interrupted + skipped + run["totals"]["counts"]["ok"].get<int>(), 22);
  EXPECT_TRUE(temporaries(run_dir("int")).empty());
}

TEST_F(CliRunTest, OneGibOfOutputGoesToTheLogWhileFlowbenchStaysSmall) {
  // flowbench's own peak RSS (from wait4, running it under the harness's runner) with a task
  // printing 1 KiB, then one printing 1 GiB: the output must not reach flowbench's memory.
  // Relative, so sanitizer builds (larger baseline) are judged the same way.
  auto peak_rss_kb = [this](const std::string& id, const std::string& bytes) {
    testing::write_text(dir_.path() / (id + ".json"),
                        R"({"schema": "flowbench.workflow/1", "tasks": [
                          {"id": "loud", "command": ["head", "-c", ")" + bytes + R"(", "/dev/zero"]}]})");
    LocalRunner runner({1, 1s});
    Launch launch;
    launch.executable = bin_path("flowbench");
    launch.argv = {launch.executable.string(), "run", id + ".json", "--out", "runs", "--run-id", id, "-q"};
    launch.env = platform::environment();
    launch.cwd = dir_.path();
    launch.log = dir_.path() / (id + ".log");
    runner.start(launch);
    WaitEvent event = runner.wait(std::chrono::steady_clock::now() + 120s);
    EXPECT_TRUE(std::holds_alternative<TaskOutcome>(event));
    if (!std::holds_alternative<TaskOutcome>(event)) return 0L;
    const auto& outcome = std::get<TaskOutcome>(event);
    const auto* done = std::get_if<Completed>(&outcome.ending);
    EXPECT_TRUE(done && done->exit_code == 0) << testing::read_text(launch.log);
    return outcome.measurement.max_rss_kb;
  };
  const long quiet = peak_rss_kb("quiet", "1024");
  const long loud = peak_rss_kb("loud", "1073741824");
  EXPECT_EQ(fs::file_size(run_dir("loud") / "logs" / "task-loud.log"), 1073741824u);
  EXPECT_LT(loud, quiet + 16 * 1024) << "flowbench's memory grew with the output: " << quiet << " KiB with 1 KiB, "
                                     << loud << " KiB with 1 GiB";
  fs::remove(run_dir("loud") / "logs" / "task-loud.log");
}

TEST_F(CliRunTest, JsonEventsGiveOneStartAndOneFinishPerTask) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "tasks": [
      {"id": 1, "command": ["synth", "--duration-s", "0"]},
      {"id": 2, "command": ["synth", "--duration-s", "0", "--ops", "parse=0.5"], "after": [1]}]})");
  auto result = flowbench({"run", "spec.json", "--out", "runs", "--json-events", "-q"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::istringstream lines(result.out);
  std::map<std::string, int> events;
  for (std::string line; std::getline(lines, line);) ++events[json::parse(line)["event"].get<std::string>()];
  EXPECT_EQ(events["task_start"], 2);
  EXPECT_EQ(events["task_finish"], 2);
  EXPECT_EQ(events["run_finish"], 1);
}

TEST_F(CliRunTest, HistoryFeedsExpectedDurationsAndIsRecorded) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "tasks": [
      {"id": 1, "command": ["synth", "--duration-s", "0.01"]}]})");
  ASSERT_EQ(flowbench({"run", "spec.json", "--out", "runs", "--run-id", "first", "-q"}).exit_code, 0);
  auto again = flowbench({"run", "spec.json", "--out", "runs", "--run-id", "second", "-q",
                          "--history", run_dir("first").string()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_json(run_dir("second") / "run.json")["context"]["history"], run_dir("first").string());
  // A truncated record in the history is refused with its name (the history is read as
  // analysis reads a run: records.jsonl, else profiles/).
  testing::write_text(run_dir("first") / "records.jsonl", "{\"task_id\": 1, \"dura");
  auto bad = flowbench({"run", "spec.json", "--out", "runs", "-q", "--history", run_dir("first").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--history " + run_dir("first").string() + ": "), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("records.jsonl"), std::string::npos) << bad.err;
}

TEST_F(CliRunTest, SameRunIdGetsANewFolderInsteadOfMixingRuns) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "tasks": [
      {"id": 1, "command": ["true"]}]})");
  ASSERT_EQ(flowbench({"run", "spec.json", "--out", "runs", "--run-id", "x", "-q"}).exit_code, 0);
  ASSERT_EQ(flowbench({"run", "spec.json", "--out", "runs", "--run-id", "x", "-q"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(run_dir("x-2") / "run.json"));
}

TEST_F(CliRunTest, DryRunPrintsTheScheduleAndRunsNothing) {
  const auto spec_path = testing::copy_reference_workflow(dir_.path() / "k1n");
  auto result = flowbench({"run", spec_path.string(), "--dry-run", "--json", "-j", "4", "--time-scale", "0.001",
                           "--out", "runs"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json dry = json::parse(result.out);
  ASSERT_EQ(dry["starts"].size(), 22u);
  EXPECT_EQ(dry["starts"][0]["task_id"], 1);
  // The modelled critical path: 1 2 (3|4|5) 6 7 8 9 12 13 17 18 20 21 22, 91 model minutes.
  EXPECT_DOUBLE_EQ(dry["critical_path_s"].get<double>(), 91 * 60);
  EXPECT_DOUBLE_EQ(dry["makespan_s"].get<double>(), 91 * 60);
  EXPECT_NEAR(dry["makespan_measured_s"].get<double>(), 5.46, 1e-9);
  EXPECT_EQ(dry["critical_path"].size(), 14u);
  EXPECT_FALSE(fs::exists(dir_.path() / "runs")) << "a dry run writes nothing";

  auto text = flowbench({"run", spec_path.string(), "--dry-run", "--mode", "sequential", "--time-scale", "0.001"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("dry run of k1n-22task: 22 tasks, sequential, expected durations from expected_s"),
            std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("projected makespan at -j 1: 7800.000 model s (7.800 s at time scale 0.001)"),
            std::string::npos)
      << text.out;

  testing::write_text(dir_.path() / "missing.json", R"({"schema": "flowbench.workflow/1", "tasks": [
    {"id": 1, "command": ["no-such-handler"]}]})");
  auto missing = flowbench({"run", "missing.json", "--dry-run"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no-such-handler"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace flowbench
