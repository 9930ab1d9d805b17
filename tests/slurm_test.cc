// `flowbench run --executor slurm` against a real Slurm cluster (tools/slurm-local up):
// real sbatch, real slurmctld and slurmd, real jobs running `flowbench exec`.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/command.h"
#include "util/time_format.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using testing::bin_path;
using testing::read_json;
using testing::run_command;
using namespace std::chrono_literals;

std::map<std::string, json> profiles_by_id(const fs::path& run) {
  std::map<std::string, json> profiles;
  for (const auto& entry : fs::directory_iterator(run / "profiles")) {
    json p = read_json(entry.path());
    const json& id = p["task_id"];
    profiles[id.is_string() ? id.get<std::string>() : id.dump()] = p;
  }
  return profiles;
}

SystemTime time_of(const json& text) { return *parse_iso8601(text.get<std::string>()); }

// "state" of every job whose name starts with `prefix`, from squeue (finished jobs
// included, as long as the controller keeps them).
std::map<std::string, std::string> job_states(const std::string& prefix) {
  testing::TempDir scratch;
  auto result = run_command({"/usr/bin/squeue", "-h", "-t", "all", "-o", "%j|%T"}, scratch.path());
  std::map<std::string, std::string> states;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto bar = line.find('|');
    if (bar != std::string::npos && line.rfind(prefix, 0) == 0) states[line.substr(0, bar)] = line.substr(bar + 1);
  }
  return states;
}

bool is_final(const std::string& state) {
  return state == "COMPLETED" || state == "CANCELLED" || state == "FAILED" || state == "TIMEOUT" ||
         state == "NODE_FAIL" || state == "OUT_OF_MEMORY";
}

class SlurmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto probe = run_command({"/usr/bin/sinfo", "-h", "-o", "%T"}, dir_.path());
    ASSERT_EQ(probe.exit_code, 0) << "no Slurm cluster answers; start one with tools/slurm-local up\n" << probe.err;
  }

  testing::CommandResult flowbench(const std::vector<std::string>& args,
                                   const std::function<void(const testing::SignalSender&)>& while_running = {}) {
    std::vector<std::string> argv{bin_path("flowbench").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, dir_.path(), while_running);
  }

  fs::path run_dir(const std::string& id) { return dir_.path() / "runs" / id; }

  // Waits (up to a minute) for a file a job writes; the test fails if it never comes.
  void await(const fs::path& file) {
    for (int i = 0; i < 6000 && !fs::exists(file); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(fs::exists(file)) << file;
  }

  testing::TempDir dir_;
};

TEST_F(SlurmTest, ReferenceWorkflowRunsAsJobsInDependencyOrder) {
  const auto spec = testing::copy_reference_workflow(dir_.path() / "k1n");
  auto result = flowbench({"run", spec.string(), "--executor", "slurm", "--time-scale", "0.001", "--no-cache",
                           "--out", "runs", "--run-id", "ref", "--progress", "lines"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json run = read_json(run_dir("ref") / "run.json");
  EXPECT_EQ(run["status"], "complete");
  EXPECT_EQ(run["context"]["executor"]["name"], "slurm");
  const auto profiles = profiles_by_id(run_dir("ref"));
  ASSERT_EQ(profiles.size(), 22u);
  std::set<std::string> job_ids;
  for (const auto& [id, p] : profiles) {
    EXPECT_EQ(p["status"], "ok") << id;
    EXPECT_EQ(p["executor"]["name"], "slurm") << id;
    job_ids.insert(p["executor"]["job_id"].get<std::string>());
    EXPECT_GE(p["queue_wait_ms"].get<double>(), 0.0) << id;
    EXPECT_GE(p["executor"]["ready_to_start_ms"].get<double>(), 0.0) << id;
    EXPECT_GT(p["duration_ms"].get<double>(), 0.0) << id;
    EXPECT_GT(p["cpu_user_ms"].get<double>() + p["cpu_sys_ms"].get<double>(), 0.0) << id;
    EXPECT_GT(p["max_rss_kb"].get<long>(), 0) << id;
    EXPECT_TRUE(fs::exists(run_dir("ref") / p["log_file"].get<std::string>())) << id;
  }
  EXPECT_EQ(job_ids.size(), 22u) << "one job per task";
  EXPECT_FALSE(profiles.at("8")["ops"].empty()) << "Task 8's sub-operations come through the job";
  EXPECT_EQ(profiles.at("8")["quality"]["passed"], 401);

  // Slurm ordered the graph: every task started after each of its dependencies ended,
  // by the jobs' own clocks.
  for (const json& node : run["graph"]) {
    const std::string id = node["id"].dump();
    for (const json& dep : node["after"]) {
      EXPECT_GE(time_of(profiles.at(id)["start_time"]), time_of(profiles.at(dep.dump())["end_time"]))
          << "task " << id << " started before its dependency " << dep << " ended";
    }
  }
  // Tasks 3, 4 and 5 wait only for task 2: on two CPUs at least two of them overlap.
  int overlapping = 0;
  for (const char* a : {"3", "4", "5"}) {
    for (const char* b : {"3", "4", "5"}) {
      if (std::string(a) < b && time_of(profiles.at(a)["start_time"]) < time_of(profiles.at(b)["end_time"]) &&
          time_of(profiles.at(b)["start_time"]) < time_of(profiles.at(a)["end_time"])) {
        ++overlapping;
      }
    }
  }
  EXPECT_GE(overlapping, 1);

  // Slurm's own whole-second record agrees with the jobs' clocks: to the second, plus what a
  // loaded machine (the sanitizer stage) puts between Slurm starting a job and the job's first
  // instruction. A unit or time-zone error is off by hours or a factor of 1000.
  const json table = read_json(run_dir("ref") / "jobs" / "slurm-jobs.json");
  ASSERT_EQ(table["jobs"].size(), 22u);
  for (const json& row : table["jobs"]) {
    ASSERT_TRUE(row["slurm"].is_object()) << row.dump();
    EXPECT_EQ(row["slurm"]["state"], "COMPLETED") << row.dump();
    EXPECT_GT(row["start_gap_s"].get<double>(), -10) << row.dump();
    EXPECT_LT(row["start_gap_s"].get<double>(), 10) << row.dump();
  }
}

TEST_F(SlurmTest, SameAnalysisAndGateVerdictsAsALocalRun) {
  const auto spec = testing::copy_reference_workflow(dir_.path() / "k1n");
  for (const char* executor : {"local", "slurm"}) {
    auto result = flowbench({"run", spec.string(), "--executor", executor, "--time-scale", "0.001", "--no-cache",
                             "-j", "2", "--out", "runs", "--run-id", executor, "-q"});
    ASSERT_EQ(result.exit_code, 0) << executor << ": " << result.err;
  }
  // Bounds no machine's speed can tip: Task 8 under 1,000 model-hours (it takes 0.6-3 s,
  // 10-60 model-minutes, here and under the sanitizers; a fixed 60-minute bound once failed
  // under AddressSanitizer), quality >= 95% (a count of checks), and a makespan under one
  // model-second (1 ms), which no run of 22 tasks meets: the same three verdicts either way.
  testing::write_text(dir_.path() / "budgets.json", R"({
    "schema": "flowbench.budgets/1", "name": "slurm-vs-local", "time_scale": 0.001,
    "targets": [
      {"name": "task8", "variant": "parallel", "metric": "task:8", "max_s": 3600000},
      {"name": "quality", "variant": "parallel", "metric": "quality", "min": 0.95},
      {"name": "makespan-1-s", "variant": "parallel", "metric": "makespan", "max_s": 1}]})");
  std::map<std::string, json> verdicts, summaries;
  for (const char* executor : {"local", "slurm"}) {
    const std::string out = std::string(executor) + "-verdicts.json";
    auto gate = flowbench({"gate", "--budgets", "budgets.json", run_dir(executor).string(), "--json", out});
    EXPECT_EQ(gate.exit_code, 1) << executor << ": one target fails\n" << gate.out << gate.err;
    json list = json::array();
    for (const json& v : read_json(dir_.path() / out)) list.push_back({v["target"], v["verdict"]});
    verdicts[executor] = list;
    auto analyze = flowbench({"analyze", run_dir(executor).string()});
    ASSERT_EQ(analyze.exit_code, 0) << analyze.err;
    summaries[executor] = read_json(run_dir(executor) / "summary.json");
  }
  EXPECT_EQ(verdicts["local"], verdicts["slurm"]);
  EXPECT_EQ(verdicts["slurm"], json::parse(R"([["task8", "met"], ["quality", "met"], ["makespan-1-s", "not met"]])"));
  // The same analysis: every task, the same graph. The slowest task is Task 8 or Task 7:
  // Task 8's real compiles take 0.65-0.85 s here, Task 7 is modelled at 0.72 s, so which
  // one is slowest in one run is the machine's noise, not the executor's doing.
  for (const char* key : {"task_count", "status"}) {
    ASSERT_TRUE(summaries["slurm"].contains(key)) << key;
    EXPECT_EQ(summaries["local"][key], summaries["slurm"][key]) << key;
  }
  EXPECT_EQ(summaries["slurm"]["task_count"], 22);
  for (const char* executor : {"local", "slurm"}) {
    const int slowest = summaries[executor]["slowest_task_id"].get<int>();
    EXPECT_TRUE(slowest == 7 || slowest == 8) << executor << ": " << slowest;
  }
}

TEST_F(SlurmTest, FailingTaskCascadesToSkippedDependents) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "cascade", "tasks": [
      {"id": "a", "command": ["sh", "-c", "sleep 0.2; exit 3"]},
      {"id": "b", "command": ["true"], "after": ["a"]},
      {"id": "c", "command": ["true"], "after": ["b"]},
      {"id": "d", "command": ["sleep", "1"]},
      {"id": "e", "command": ["true"], "after": ["d"]}]})");
  auto result = flowbench({"run", "spec.json", "--executor", "slurm", "--keep-going", "--out", "runs", "--run-id",
                           "cascade", "--progress", "lines"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto profiles = profiles_by_id(run_dir("cascade"));
  ASSERT_EQ(profiles.size(), 5u);
  EXPECT_EQ(profiles.at("a")["status"], "failed");
  EXPECT_EQ(profiles.at("a")["exit_code"], 3);
  for (const char* id : {"b", "c"}) {
    EXPECT_EQ(profiles.at(id)["status"], "skipped") << id;
    EXPECT_EQ(profiles.at(id)["reason"], "dependency a failed") << id;
    EXPECT_EQ(profiles.at(id)["start_time"], nullptr) << id;
  }
  EXPECT_EQ(profiles.at("d")["status"], "ok");
  EXPECT_EQ(profiles.at("e")["status"], "ok") << "--keep-going runs what does not depend on the failure";
  EXPECT_EQ(read_json(run_dir("cascade") / "run.json")["status"], "failed");
  // The dependents' jobs never ran and none is left waiting in the queue.
  const auto states = job_states("flowbench-cascade-");
  EXPECT_EQ(states.at("flowbench-cascade-b"), "CANCELLED");
  EXPECT_EQ(states.at("flowbench-cascade-c"), "CANCELLED");
  for (const auto& [name, state] : states) EXPECT_TRUE(is_final(state)) << name << " " << state;
  EXPECT_FALSE(fs::exists(run_dir("cascade") / "jobs" / "task-b.started"));
}

TEST_F(SlurmTest, FailFastCancelsQueuedJobsAndLetsRunningOnesFinish) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "failfast", "tasks": [
      {"id": "a", "command": ["sh", "-c", "sleep 0.3; exit 1"]},
      {"id": "d", "command": ["sleep", "1.5"]},
      {"id": "e", "command": ["true"], "after": ["d"]}]})");
  auto result = flowbench({"run", "spec.json", "--executor", "slurm", "--out", "runs", "--run-id", "ff", "-q"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto profiles = profiles_by_id(run_dir("ff"));
  EXPECT_EQ(profiles.at("a")["status"], "failed");
  EXPECT_EQ(profiles.at("d")["status"], "ok") << "fail-fast lets a running task finish";
  EXPECT_EQ(profiles.at("e")["status"], "skipped");
  EXPECT_NE(profiles.at("e")["reason"].get<std::string>().find("the run stopped after task a failed"),
            std::string::npos)
      << profiles.at("e")["reason"];
  EXPECT_EQ(job_states("flowbench-ff-").at("flowbench-ff-e"), "CANCELLED");
}

TEST_F(SlurmTest, CtrlCCancelsEveryJobAndLeavesAnInterruptedRun) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "stop", "tasks": [
      {"id": "x", "command": ["sleep", "60"]},
      {"id": "y", "command": ["true"], "after": ["x"]},
      {"id": "z", "command": ["sleep", "60"]}]})");
  auto result = flowbench(
      {"run", "spec.json", "--executor", "slurm", "--out", "runs", "--run-id", "stop", "--kill-grace", "1", "-q"},
      [this](const testing::SignalSender& send) {
        await(run_dir("stop") / "jobs" / "task-x.started");
        await(run_dir("stop") / "jobs" / "task-z.started");
        send(SIGINT);
      });
  EXPECT_EQ(result.exit_code, 130) << result.err;
  const json run = read_json(run_dir("stop") / "run.json");
  EXPECT_EQ(run["status"], "interrupted");
  const auto profiles = profiles_by_id(run_dir("stop"));
  ASSERT_EQ(profiles.size(), 3u);
  for (const char* id : {"x", "z"}) {
    EXPECT_EQ(profiles.at(id)["status"], "interrupted") << id;
    EXPECT_LT(profiles.at(id)["duration_ms"].get<double>(), 60000.0) << id;
  }
  EXPECT_EQ(profiles.at("y")["status"], "skipped");
  // The jobs are gone from the cluster, not left running or queued.
  const auto states = job_states("flowbench-stop-");
  ASSERT_EQ(states.size(), 3u);
  for (const auto& [name, state] : states) EXPECT_EQ(state, "CANCELLED") << name;
}

TEST_F(SlurmTest, JobCancelledOutsideFlowbenchIsRecordedNotWaitedFor) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "lost", "tasks": [
      {"id": "x", "command": ["sleep", "60"]},
      {"id": "y", "command": ["true"], "after": ["x"]},
      {"id": "k", "command": ["sleep", "60"]}]})");
  auto result = flowbench(
      {"run", "spec.json", "--executor", "slurm", "--keep-going", "--out", "runs", "--run-id", "lost", "-q"},
      [this](const testing::SignalSender&) {
        await(run_dir("lost") / "jobs" / "task-x.started");
        await(run_dir("lost") / "jobs" / "task-k.started");
        // An administrator cancels x; k's processes vanish as on a failed node (SIGKILL,
        // so nothing is written).
        run_command({"/usr/bin/scancel", "--name=flowbench-lost-x"}, dir_.path());
        const json marker = read_json(run_dir("lost") / "jobs" / "task-k.started");
        const std::string pid = std::to_string(marker["pid"].get<int>());
        run_command({"/bin/sh", "-c", "pkill -KILL -P " + pid + "; kill -KILL " + pid}, dir_.path());
      });
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto profiles = profiles_by_id(run_dir("lost"));
  EXPECT_EQ(profiles.at("x")["status"], "failed");
  EXPECT_NE(profiles.at("x")["reason"].get<std::string>().find("cancelled outside flowbench"), std::string::npos)
      << profiles.at("x")["reason"];
  EXPECT_EQ(profiles.at("y")["status"], "skipped");
  EXPECT_EQ(profiles.at("k")["status"], "failed");
  EXPECT_NE(profiles.at("k")["reason"].get<std::string>().find("lost: Slurm job"), std::string::npos)
      << profiles.at("k")["reason"];
  EXPECT_EQ(read_json(run_dir("lost") / "run.json")["status"], "failed");
}

// slurmctld stopped while a job runs and started again (it recovers its state from
// StateSaveLocation): squeue fails for a while, the job goes on, and the run completes.
TEST_F(SlurmTest, ControllerRestartedMidRunTheRunCompletes) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "restart", "tasks": [
      {"id": "a", "command": ["sleep", "4"]},
      {"id": "b", "command": ["true"], "after": ["a"]},
      {"id": "c", "command": ["sleep", "1"]}]})");
  auto result = flowbench({"run", "spec.json", "--executor", "slurm", "--out", "runs", "--run-id", "restart", "-q"},
                          [this](const testing::SignalSender&) {
                            await(run_dir("restart") / "jobs" / "task-a.started");
                            run_command({"/usr/bin/pkill", "-TERM", "-x", "slurmctld"}, dir_.path());
                            for (int i = 0; i < 500 && run_command({"/usr/bin/pgrep", "-x", "slurmctld"}, dir_.path()).exit_code == 0; ++i) {
                              std::this_thread::sleep_for(10ms);
                            }
                            std::this_thread::sleep_for(2s);  // the controller is away; squeue fails
                            // A daemon: its output goes nowhere, so that it holds none of this test's pipes.
                            auto started = run_command({"/bin/sh", "-c", "/usr/sbin/slurmctld -i </dev/null >/dev/null 2>&1"},
                                                       dir_.path());
                            ASSERT_EQ(started.exit_code, 0) << started.err;
                          });
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const auto profiles = profiles_by_id(run_dir("restart"));
  for (const char* id : {"a", "b", "c"}) EXPECT_EQ(profiles.at(id)["status"], "ok") << id;
  EXPECT_EQ(read_json(run_dir("restart") / "run.json")["status"], "complete");
}

// The node dies while a job runs (slurmd, the job's slurmstepd and its processes killed):
// after SlurmdTimeout the controller sets the node down and ends the job as NODE_FAIL (jobs are
// submitted with --no-requeue). The task is recorded failed with that reason, its dependent
// skipped, and the run ends. The node comes back with slurmd (tools/slurm-local up).
TEST_F(SlurmTest, NodeFailureFailsTheJobAndSkipsItsDependents) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "nodefail", "tasks": [
      {"id": "x", "command": ["sleep", "120"]},
      {"id": "y", "command": ["true"], "after": ["x"]}]})");
  struct NodeBack {  // whatever happens, the cluster is left up for the tests after this one
    ~NodeBack() {
      testing::TempDir scratch;
      const std::string log = (scratch.path() / "up.log").string();
      auto up = run_command({"/bin/sh", "-c", testing::source_path("tools/slurm-local").string() + " up </dev/null >" +
                                                  log + " 2>&1"},
                            scratch.path());
      EXPECT_EQ(up.exit_code, 0) << testing::read_text(log);
    }
  } node_back;
  auto result = flowbench({"run", "spec.json", "--executor", "slurm", "--out", "runs", "--run-id", "nodefail", "-q"},
                          [this](const testing::SignalSender&) {
                            await(run_dir("nodefail") / "jobs" / "task-x.started");
                            const json marker = read_json(run_dir("nodefail") / "jobs" / "task-x.started");
                            const std::string pid = std::to_string(marker["pid"].get<int>());
                            run_command({"/bin/sh", "-c", "pkill -KILL -x slurmd; pkill -KILL -x slurmstepd; pkill -KILL -P " +
                                                              pid + "; kill -KILL " + pid},
                                        dir_.path());
                          });
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const auto profiles = profiles_by_id(run_dir("nodefail"));
  EXPECT_EQ(profiles.at("x")["status"], "failed");
  EXPECT_NE(profiles.at("x")["reason"].get<std::string>().find("NODE_FAIL"), std::string::npos) << profiles.at("x")["reason"];
  EXPECT_EQ(profiles.at("y")["status"], "skipped");
  EXPECT_EQ(read_json(run_dir("nodefail") / "run.json")["status"], "failed");
}

TEST_F(SlurmTest, RunWithoutAControllerSaysHowToStartOne) {
  testing::write_text(dir_.path() / "spec.json",
                      R"({"schema": "flowbench.workflow/1", "name": "x", "tasks": [{"id": 1, "command": ["true"]}]})");
  // A controller address where nothing listens.
  testing::write_text(dir_.path() / "slurm.conf",
                      "ClusterName=nowhere\nSlurmctldHost=nowhere(127.0.0.1)\nSlurmctldPort=9\n");
  const std::string conf = (dir_.path() / "slurm.conf").string();
  auto result = run_command({"/usr/bin/env", "SLURM_CONF=" + conf, bin_path("flowbench").string(), "run",
                             "spec.json", "--executor", "slurm", "--out", "runs", "--run-id", "none"},
                            dir_.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("tools/slurm-local up"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(run_dir("none"))) << "no run folder for a run that could not start";
}

TEST_F(SlurmTest, SlurmRunRefusesTheActionCacheAndSequentialMode) {
  testing::write_text(dir_.path() / "spec.json",
                      R"({"schema": "flowbench.workflow/1", "name": "x", "tasks": [{"id": 1, "command": ["true"]}]})");
  auto cached = flowbench({"run", "spec.json", "--executor", "slurm", "--cache-read-only"});
  EXPECT_EQ(cached.exit_code, 2);
  EXPECT_NE(cached.err.find("without the action cache"), std::string::npos) << cached.err;
  auto sequential = flowbench({"run", "spec.json", "--executor", "slurm", "--mode", "sequential"});
  EXPECT_EQ(sequential.exit_code, 2);
  EXPECT_NE(sequential.err.find("--mode sequential"), std::string::npos) << sequential.err;
}

}  // namespace
}  // namespace flowbench
