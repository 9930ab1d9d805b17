#include "exec/local_runner.h"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include "platform/posix.h"
#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LocalRunnerTest : public ::testing::Test {
 protected:
  Launch launch(std::vector<std::string> argv, std::optional<std::chrono::nanoseconds> timeout = {}) {
    Launch l;
    l.task = next_task_++;
    l.executable = argv.front();
    l.argv = std::move(argv);
    l.env = platform::environment();
    l.cwd = dir_.path();
    l.log = dir_.path() / ("task-" + std::to_string(l.task) + ".log");
    l.timeout = timeout;
    return l;
  }
  Launch shell(const std::string& script, std::optional<std::chrono::nanoseconds> timeout = {}) {
    return launch({"/bin/sh", "-c", script}, timeout);
  }

  // Waits (up to a minute) for the next outcome.
  TaskOutcome next(Runner& runner) {
    const auto give_up = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < give_up) {
      WaitEvent event = runner.wait(std::chrono::steady_clock::now() + 1s);
      if (auto* outcome = std::get_if<TaskOutcome>(&event)) return *outcome;
      if (std::holds_alternative<StopRequested>(event)) ADD_FAILURE() << "unexpected stop request";
    }
    ADD_FAILURE() << "no outcome within a minute";
    return {};
  }

  testing::TempDir dir_;
  std::size_t next_task_ = 0;
};

bool process_gone(int pid) {
  // Gone, or a zombie waiting for a reaper that is not us.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string pid_field, comm, state;
  stat >> pid_field >> comm >> state;
  return state == "Z" || state == "X";
}

TEST_F(LocalRunnerTest, RecordsExitCode) {
  LocalRunner runner({1, 1s});
  runner.start(shell("exit 7"));
  TaskOutcome outcome = next(runner);
  ASSERT_TRUE(std::holds_alternative<Completed>(outcome.ending));
  EXPECT_EQ(std::get<Completed>(outcome.ending).exit_code, 7);
  EXPECT_EQ(std::get<Completed>(outcome.ending).signal, 0);
}

TEST_F(LocalRunnerTest, RecordsACrashBySignal) {
  LocalRunner runner({1, 1s});
  runner.start(shell("kill -SEGV $$"));
  TaskOutcome outcome = next(runner);
  ASSERT_TRUE(std::holds_alternative<Completed>(outcome.ending));
  EXPECT_EQ(std::get<Completed>(outcome.ending).signal, SIGSEGV);
  EXPECT_EQ(std::get<Completed>(outcome.ending).exit_code, -1);
}

TEST_F(LocalRunnerTest, AccountsChildCpuAndPeakMemoryFromTheKernel) {
  LocalRunner runner({1, 1s});
  runner.start(launch({testing::bin_path("synth").string(), "--duration-s", "0.3", "--cpu-fraction",
                       "1", "--mem-mb", "96", "--time-scale", "1"}));
  TaskOutcome outcome = next(runner);
  ASSERT_TRUE(std::holds_alternative<Completed>(outcome.ending));
  EXPECT_EQ(std::get<Completed>(outcome.ending).exit_code, 0);
  // synth burns 0.3 s of its own thread CPU time; the kernel must account at least that.
  EXPECT_GE(outcome.measurement.cpu_user_ms + outcome.measurement.cpu_sys_ms, 295.0);
  EXPECT_GE(outcome.measurement.max_rss_kb, 96 * 1024);
  EXPECT_GE(outcome.measurement.wall, 300ms);
}

TEST_F(LocalRunnerTest, OutputGoesToTheLogAndStdinIsEmpty) {
  LocalRunner runner({1, 1s});
  Launch l = shell("echo out; echo err >&2; cat; echo \"cwd=$(pwd)\"");
  runner.start(l);
  TaskOutcome outcome = next(runner);
  ASSERT_TRUE(std::holds_alternative<Completed>(outcome.ending));
  EXPECT_EQ(testing::read_text(l.log), "out\nerr\ncwd=" + dir_.path().string() + "\n");
}

TEST_F(LocalRunnerTest, TimeoutKillsTheHandlerAndItsGrandchildren) {
  LocalRunner runner({1, 2s});
  const fs::path pid_file = dir_.path() / "grandchild.pid";
  runner.start(shell("sleep 1000 & echo $! > " + pid_file.string() + "; wait", 300ms));
  TaskOutcome outcome = next(runner);
  ASSERT_TRUE(std::holds_alternative<TimedOut>(outcome.ending));
  EXPECT_EQ(std::get<TimedOut>(outcome.ending).signal, SIGTERM);
  const int grandchild = std::stoi(testing::read_text(pid_file));
  // SIGTERM went to the whole group and SIGKILL follows the leader's end.
  for (int i = 0; i < 50 && !process_gone(grandchild); ++i) std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(process_gone(grandchild)) << "grandchild " << grandchild << " outlived the timeout";
}

TEST_F(LocalRunnerTest, TimeoutEscalatesToSigkillWhenSigtermIsIgnored) {
  LocalRunner runner({1, 200ms});
  runner.start(shell("trap '' TERM; while :; do sleep 0.05; done", 200ms));
  TaskOutcome outcome = next(runner);
  ASSERT_TRUE(std::holds_alternative<TimedOut>(outcome.ending));
  EXPECT_EQ(std::get<TimedOut>(outcome.ending).signal, SIGKILL);
}

TEST_F(LocalRunnerTest, ProgramThatCannotStartIsALaunchFailure) {
  LocalRunner runner({1, 1s});
  runner.start(launch({(dir_.path() / "nope").string()}));
  TaskOutcome outcome = next(runner);
  ASSERT_TRUE(std::holds_alternative<LaunchFailed>(outcome.ending));
  EXPECT_NE(std::get<LaunchFailed>(outcome.ending).error.find("nope"), std::string::npos);
}

TEST_F(LocalRunnerTest, RunsUpToJobsAtOnce) {
  LocalRunner runner({2, 1s});
  runner.start(shell("sleep 0.2"));
  EXPECT_TRUE(runner.can_run_more());
  runner.start(shell("sleep 0.2"));
  EXPECT_FALSE(runner.can_run_more());
  next(runner);
  EXPECT_TRUE(runner.can_run_more());
  next(runner);
  EXPECT_EQ(runner.running(), 0u);
}

TEST_F(LocalRunnerTest, WaitReturnsATickWhenNothingEnds) {
  LocalRunner runner({1, 1s});
  runner.start(shell("sleep 5"));
  WaitEvent event = runner.wait(std::chrono::steady_clock::now() + 50ms);
  EXPECT_TRUE(std::holds_alternative<Tick>(event));
  auto outcomes = runner.stop_all();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Interrupted>(outcomes[0].ending));
}

TEST_F(LocalRunnerTest, SigintToFlowbenchBecomesAStopRequest) {
  LocalRunner runner({1, 1s});
  runner.start(shell("sleep 5"));
  std::raise(SIGINT);  // the runner's signal_set catches it
  WaitEvent event = runner.wait(std::chrono::steady_clock::now() + 5s);
  ASSERT_TRUE(std::holds_alternative<StopRequested>(event));
  EXPECT_EQ(std::get<StopRequested>(event).signal, SIGINT);
  auto outcomes = runner.stop_all();
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Interrupted>(outcomes[0].ending));
}

}  // namespace
}  // namespace flowbench
