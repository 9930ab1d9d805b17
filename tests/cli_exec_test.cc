// `flowbench exec` end to end: real processes, real profiles.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using testing::bin_path;
using testing::read_json;
using testing::run_command;
using namespace std::chrono_literals;

class CliExecTest : public ::testing::Test {
 protected:
  testing::CommandResult flowbench(const std::vector<std::string>& args,
                                   const std::function<void(const testing::SignalSender&)>& while_running = {}) {
    std::vector<std::string> argv{bin_path("flowbench").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, dir_.path(), while_running);
  }
  testing::TempDir dir_;
};

TEST_F(CliExecTest, CommandRunsAsATaskAndItsProfileKeepsExitCodeAndOps) {
  auto result = flowbench({"exec", "--task", "8", "--name", "codegen", "--out", "prof", "--", "sh", "-c",
                           "echo 'render templates [12ms]'; echo 'compile [30ms]'; exit 3"});
  EXPECT_EQ(result.exit_code, 3) << "exec exits with the task's own status\n" << result.err;
  const json p = read_json(dir_.path() / "prof" / "task-8.json");
  EXPECT_EQ(p["task_id"], 8);
  EXPECT_EQ(p["name"], "codegen");
  EXPECT_EQ(p["status"], "failed");
  EXPECT_EQ(p["exit_code"], 3);
  EXPECT_EQ(p["log_file"], "task-8.log");
  ASSERT_EQ(p["ops"].size(), 2u);
  EXPECT_EQ(p["ops"][1]["name"], "compile");
  EXPECT_EQ(p["ops"][1]["duration_ms"], 30.0);
  EXPECT_GT(p["max_rss_kb"].get<long>(), 0);
  EXPECT_NE(testing::read_text(dir_.path() / "prof" / "task-8.log").find("render templates"), std::string::npos);
  EXPECT_NE(result.err.find("prof/task-8.json"), std::string::npos) << result.err;
}

TEST_F(CliExecTest, TimeoutStopsTheTaskAndExits124) {
  auto result = flowbench({"exec", "--task", "t", "--out", "prof", "--timeout", "0.2", "--kill-grace-ms", "100",
                           "--", "sleep", "30"});
  EXPECT_EQ(result.exit_code, 124) << result.err;
  const json p = read_json(dir_.path() / "prof" / "task-t.json");
  EXPECT_EQ(p["task_id"], "t");
  EXPECT_EQ(p["status"], "timeout");
}

TEST_F(CliExecTest, SigtermStillWritesAnInterruptedProfile) {
  auto result = flowbench({"exec", "--task", "s", "--out", "prof", "--", "sleep", "30"},
                          [this](const testing::SignalSender& send) {
                            const fs::path log = dir_.path() / "prof" / "task-s.log";
                            for (int i = 0; i < 500 && !fs::exists(log); ++i) std::this_thread::sleep_for(10ms);
                            send(SIGTERM);
                          });
  EXPECT_EQ(result.exit_code, 128 + SIGTERM) << result.err;
  const json p = read_json(dir_.path() / "prof" / "task-s.json");
  EXPECT_EQ(p["status"], "interrupted");
  EXPECT_NE(p["reason"].get<std::string>().find("signal 15"), std::string::npos) << p["reason"];
}

TEST_F(CliExecTest, SpecTaskWritesMarkerProfileAndLogIntoTheRunFolder) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "x", "tasks": [
      {"id": 1, "command": ["synth", "--duration-s", "0.5"]},
      {"id": 2, "command": ["sh", "-c", "echo \"scale=$FLOWBENCH_TIME_SCALE task=$FLOWBENCH_TASK_ID\""], "after": [1]}]})");
  fs::create_directories(dir_.path() / "run" / "logs");
  auto result = flowbench({"exec", "--spec", "spec.json", "--task", "2", "--run-dir", "run", "--time-scale", "0.5"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  const json marker = read_json(dir_.path() / "run" / "jobs" / "task-2.started");
  EXPECT_TRUE(marker["start_time"].is_string());
  const json p = read_json(dir_.path() / "run" / "jobs" / "task-2.json");
  EXPECT_EQ(p["status"], "ok");
  EXPECT_EQ(p["time_scale"], 0.5);
  EXPECT_EQ(p["log_file"], "logs/task-2.log");
  EXPECT_EQ(testing::read_text(dir_.path() / "run" / "logs" / "task-2.log"), "scale=0.5 task=2\n");
}

TEST_F(CliExecTest, BadInputSaysWhatToFixAndRunsNothing) {
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "x", "tasks": [
      {"id": 1, "command": ["true"]}]})");
  fs::create_directories(dir_.path() / "run" / "logs");
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"exec", "--spec", "spec.json", "--task", "9", "--run-dir", "run"}, "no task with id \"9\""},
      {{"exec", "--spec", "spec.json", "--task", "1"}, "--spec needs --run-dir"},
      {{"exec", "--spec", "spec.json", "--task", "1", "--run-dir", "elsewhere"}, "not a run folder"},
      {{"exec", "--task", "1", "--", "no-such-program-here"}, "not found or not executable"},
      {{"exec", "--task", "1"}, "nothing to run"},
  };
  for (const Case& c : cases) {
    auto result = flowbench(c.args);
    EXPECT_EQ(result.exit_code, 2) << c.says;
    EXPECT_NE(result.err.find(c.says), std::string::npos) << result.err;
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "run" / "jobs" / "task-1.json"));
  EXPECT_FALSE(fs::exists(dir_.path() / ".flowbench" / "profiles" / "task-1.json"));
}

}  // namespace
}  // namespace flowbench
