// Every stop consistent, with real processes: SIGHUP (a closed terminal) and SIGQUIT stop a
// run like SIGTERM; SIGKILL of flowbench itself leaves no task process behind for more than
// a couple of seconds and a run folder that analysis calls crashed.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// True while the process exists and is not a zombie (PID 1 of a container may never reap).
bool alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z';
}

class CliStopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two tasks that each start a grandchild (sleep) and record both pids.
    testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "stops", "tasks": [
      {"id": "quick", "command": ["synth", "--duration-s", "0"]},
      {"id": "a", "shell": true, "command": "echo $$ > a.pid; sleep 60 & echo $! > a-child.pid; wait", "after": ["quick"]},
      {"id": "b", "shell": true, "command": "echo $$ > b.pid; sleep 60 & echo $! > b-child.pid; wait", "after": ["quick"]}]})");
  }

  // Runs the spec, sends `signal` once both tasks run, and returns the result.
  testing::CommandResult run_and_send(int signal) {
    return testing::run_command(
        {testing::bin_path("flowbench").string(), "run", "spec.json", "-j", "2", "--out", "runs", "--run-id", "r",
         "--kill-grace", "1", "--no-cache"},
        dir_.path(), [this, signal](const testing::SignalSender& send) {
          for (int i = 0; i < 1000 && !(fs::exists(dir_.path() / "a-child.pid") && fs::exists(dir_.path() / "b-child.pid"));
               ++i) {
            std::this_thread::sleep_for(10ms);
          }
          std::this_thread::sleep_for(50ms);
          send(signal);
        });
  }

  std::vector<int> task_pids() {
    std::vector<int> pids;
    for (const char* name : {"a.pid", "a-child.pid", "b.pid", "b-child.pid"}) {
      pids.push_back(std::stoi(testing::read_text(dir_.path() / name)));
    }
    return pids;
  }

  // Waits up to `limit` for every task process to be gone; the ones left.
  std::vector<int> survivors(std::chrono::milliseconds limit) {
    std::vector<int> left;
    for (auto deadline = std::chrono::steady_clock::now() + limit;;) {
      left.clear();
      for (int pid : task_pids()) {
        if (alive(pid)) left.push_back(pid);
      }
      if (left.empty() || std::chrono::steady_clock::now() > deadline) return left;
      std::this_thread::sleep_for(20ms);
    }
  }

  void TearDown() override {
    for (const char* name : {"a.pid", "a-child.pid", "b.pid", "b-child.pid"}) {
      if (!fs::exists(dir_.path() / name)) continue;
      const int pid = std::stoi(testing::read_text(dir_.path() / name));
      if (alive(pid)) ::kill(pid, SIGKILL);
    }
  }
  testing::TempDir dir_;
};

TEST_F(CliStopTest, SighupAndSigquitStopTheRunLikeSigterm) {
  for (int signal : {SIGHUP, SIGQUIT}) {
    fs::remove_all(dir_.path() / "runs");
    for (const char* name : {"a.pid", "a-child.pid", "b.pid", "b-child.pid"}) fs::remove(dir_.path() / name);
    auto result = run_and_send(signal);
    EXPECT_EQ(result.exit_code, 128 + signal) << result.err;
    const auto run = testing::read_json(dir_.path() / "runs" / "r" / "run.json");
    EXPECT_EQ(run["status"], "interrupted") << signal;
    EXPECT_EQ(run["signal"], signal);
    EXPECT_EQ(run["totals"]["counts"]["interrupted"], 2);
    EXPECT_TRUE(survivors(10s).empty()) << "signal " << signal;
  }
}

TEST_F(CliStopTest, SigkillOfFlowbenchLeavesNoTaskRunningAndACrashedRun) {
  auto result = run_and_send(SIGKILL);
  EXPECT_EQ(result.exit_code, SIGKILL);  // Boost.Process reports a killed process by its signal
  // The watchdog kills the group at once; 10 s is room for a loaded machine, not a bound.
  const auto left = survivors(10s);
  EXPECT_TRUE(left.empty()) << left.size() << " task processes outlived flowbench";
  auto analysis = testing::run_command({testing::bin_path("flowbench").string(), "analyze", "runs/r"}, dir_.path());
  EXPECT_EQ(analysis.exit_code, 0) << analysis.err;
  EXPECT_NE(analysis.out.find("RUN ANALYSIS: r (stops, crashed)"), std::string::npos) << analysis.out;
  EXPECT_NE(analysis.out.find("quick"), std::string::npos) << analysis.out;
}

TEST_F(CliStopTest, ResumeAfterSigkillRunsOnlyTheUnfinishedTasks) {
  // "once" counts its runs; "slow" waits until the file "go" exists; "last" waits for both.
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "resumable", "tasks": [
    {"id": "once", "shell": true, "command": "echo ran >> once.count"},
    {"id": "a", "shell": true, "command": "echo $$ > a.pid; echo $$ > a-child.pid; while [ ! -e go ]; do sleep 0.05; done", "after": ["once"]},
    {"id": "b", "shell": true, "command": "echo $$ > b.pid; echo $$ > b-child.pid; while [ ! -e go ]; do sleep 0.05; done", "after": ["once"]},
    {"id": "last", "command": ["synth", "--duration-s", "0"], "after": ["a", "b"]}]})");
  auto killed = run_and_send(SIGKILL);
  ASSERT_EQ(killed.exit_code, SIGKILL);
  ASSERT_TRUE(survivors(10s).empty());
  testing::write_text(dir_.path() / "go", "");
  auto flowbench = [this](std::vector<std::string> args) {
    args.insert(args.begin(), testing::bin_path("flowbench").string());
    return testing::run_command(args, dir_.path());
  };
  auto resumed = flowbench({"run", "--resume", "runs/r", "--out", "runs", "--run-id", "r2", "--no-cache"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("tasks: 3 ran, 0 restored from the cache, 0 failed, 0 skipped, 1 kept from the run resumed"),
            std::string::npos) << resumed.out;
  EXPECT_EQ(testing::read_text(dir_.path() / "once.count"), "ran\n");  // it did not run again
  const auto run = testing::read_json(dir_.path() / "runs" / "r2" / "run.json");
  EXPECT_EQ(run["status"], "complete");
  EXPECT_EQ(run["resumed_from"], (dir_.path() / "runs" / "r").string());
  const auto once = testing::read_json(dir_.path() / "runs" / "r2" / "profiles" / "task-once-profile.json");
  EXPECT_EQ(once["status"], "ok");
  EXPECT_EQ(once["resumed_from"], (dir_.path() / "runs" / "r").string());
  EXPECT_TRUE(fs::exists(dir_.path() / "runs" / "r2" / "logs" / "task-once.log"));
  const auto a = testing::read_json(dir_.path() / "runs" / "r2" / "profiles" / "task-a-profile.json");
  EXPECT_FALSE(a.contains("resumed_from"));
  auto analysis = flowbench({"analyze", "runs/r2"});
  EXPECT_EQ(analysis.exit_code, 0) << analysis.err;
  EXPECT_NE(analysis.out.find("RUN ANALYSIS: r2 (resumable, complete)"), std::string::npos) << analysis.out;

  auto again = flowbench({"run", "--resume", "runs/r2", "--out", "runs", "--run-id", "r3"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("the run completed; nothing to resume"), std::string::npos) << again.err;
  testing::write_text(dir_.path() / "spec.json", testing::read_text(dir_.path() / "spec.json") + "\n");
  auto changed = flowbench({"run", "--resume", "runs/r", "--out", "runs", "--run-id", "r4"});
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_NE(changed.err.find("the spec changed since"), std::string::npos) << changed.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "runs" / "r4"));
}

// A 256 KiB tmpfs mounted for one test and unmounted after it (root only; a container without
// CAP_SYS_ADMIN cannot, and the test is skipped there).
class SmallDisk {
 public:
  explicit SmallDisk(fs::path at) : path_(std::move(at)) {
    fs::create_directories(path_);
    if (::geteuid() != 0) {
      why_not_ = "mounting a tmpfs needs root";
    } else if (std::system(("mount -t tmpfs -o size=256k tmpfs " + path_.string() + " 2>/dev/null").c_str()) != 0) {
      why_not_ = "this machine does not let root mount a tmpfs (a container without CAP_SYS_ADMIN)";
    }
  }
  ~SmallDisk() {
    if (mounted()) (void)std::system(("umount " + path_.string()).c_str());
  }
  bool mounted() const { return why_not_.empty(); }
  const std::string& why_not() const { return why_not_; }
  const fs::path& path() const { return path_; }
  // Writes one file until the disk has no space left.
  void fill() const { (void)std::system(("head -c 1000000 /dev/zero > " + (path_ / "filler").string() + " 2>/dev/null").c_str()); }

 private:
  fs::path path_;
  std::string why_not_;
};

// A run folder on a file system that fills up (a 256 KiB tmpfs the test mounts; root only):
// the error names the file, the running task is stopped, and nothing written is torn.
TEST_F(CliStopTest, AFullDiskStopsTheRunAndTearsNothing) {
  SmallDisk small(dir_.path() / "small");
  if (!small.mounted()) GTEST_SKIP() << small.why_not();
  const fs::path mount = small.path();
  // Once "a" runs, "loud" fills the disk with its log; "a" and "b" would run for a minute.
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "full", "tasks": [
    {"id": "loud", "shell": true, "command": "while [ ! -e a.pid ]; do sleep 0.01; done; head -c 1000000 /dev/zero"},
    {"id": "a", "shell": true, "command": "echo $$ > a.pid; echo $$ > a-child.pid; sleep 60"},
    {"id": "b", "shell": true, "command": "echo $$ > b.pid; echo $$ > b-child.pid; sleep 60", "after": ["loud"]}]})");
  auto result = testing::run_command({testing::bin_path("flowbench").string(), "run", "spec.json", "-j", "2", "--out",
                                      mount.string(), "--run-id", "r", "--kill-grace", "1", "--no-cache", "-q"},
                                     dir_.path());
  EXPECT_EQ(result.exit_code, 2) << result.out;
  EXPECT_NE(result.err.find("No space left on device"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(mount.string()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("fix: free space"), std::string::npos) << result.err;
  // "a" was stopped (not left to sleep a minute), "b" never started.
  ASSERT_TRUE(fs::exists(dir_.path() / "a.pid"));
  EXPECT_FALSE(alive(std::stoi(testing::read_text(dir_.path() / "a.pid"))));
  EXPECT_FALSE(fs::exists(dir_.path() / "b.pid"));
  // Whatever reached the disk is whole: every profile and every records line parses.
  const fs::path run = mount / "r";
  for (const auto& entry : fs::directory_iterator(run / "profiles")) {
    EXPECT_FALSE(nlohmann::json::parse(testing::read_text(entry.path()), nullptr, false).is_discarded()) << entry.path();
  }
  if (fs::exists(run / "records.jsonl")) {
    std::istringstream lines(testing::read_text(run / "records.jsonl"));
    for (std::string line; std::getline(lines, line);) {
      EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << line;
    }
  }
  EXPECT_FALSE(nlohmann::json::parse(testing::read_text(run / "run.json"), nullptr, false).is_discarded());
}

// The action cache on a full file system: the task's outputs cannot be stored. The run goes on
// (a cache saves time, it holds nothing the run needs), the warning names the path and the fix,
// and no partial entry is left for a later run to find.
TEST_F(CliStopTest, AFullCacheWarnsAndKeepsNoPartialEntry) {
  SmallDisk small(dir_.path() / "small");
  if (!small.mounted()) GTEST_SKIP() << small.why_not();
  testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "cache-full", "tasks": [
    {"id": "big", "shell": true, "command": "mkdir -p out && head -c 1000000 /dev/zero > out/big.bin",
     "cache": {"outputs": ["out/**"]}}]})");
  const fs::path cache = small.path() / "cache";
  auto result = testing::run_command({testing::bin_path("flowbench").string(), "run", "spec.json", "--out", "runs",
                                      "--run-id", "r", "--cache", cache.string(), "-q"},
                                     dir_.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("not cached: cannot write " + cache.string()), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("No space left on device"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("fix: free space there, trim the cache"), std::string::npos) << result.err;
  std::size_t entries = 0, staged = 0;
  if (fs::exists(cache / "entries")) {
    for (const auto& entry : fs::recursive_directory_iterator(cache / "entries")) entries += entry.is_regular_file();
  }
  if (fs::exists(cache / "tmp")) staged = std::distance(fs::directory_iterator(cache / "tmp"), fs::directory_iterator());
  EXPECT_EQ(entries, 0u) << "a partial entry was left in the cache";
  EXPECT_EQ(staged, 0u) << "the staged entry was not removed";
  auto analyzed = testing::run_command({testing::bin_path("flowbench").string(), "analyze", "runs/r"}, dir_.path());
  EXPECT_EQ(analyzed.exit_code, 0) << analyzed.err;
  EXPECT_NE(analyzed.out.find("complete"), std::string::npos) << analyzed.out;
}

// The history database on a full file system: `record` fails naming the database and the fix,
// the transaction is rolled back, and the database reads as it was.
TEST_F(CliStopTest, AFullDiskUnderTheHistoryLeavesItAsItWas) {
  SmallDisk small(dir_.path() / "small");
  if (!small.mounted()) GTEST_SKIP() << small.why_not();
  const std::string fb = testing::bin_path("flowbench").string();
  testing::write_text(dir_.path() / "tiny.json", R"({"schema": "flowbench.workflow/1", "name": "tiny", "tasks": [
    {"id": 1, "command": ["synth", "--duration-s", "0"]}]})");
  for (const char* series : {"first", "second"}) {
    for (const char* run : {"r1", "r2"}) {
      auto ran = testing::run_command({fb, "run", "tiny.json", "--no-cache", "-q", "-o",
                                       std::string("data/") + series + "/sequential", "--run-id", run},
                                      dir_.path());
      ASSERT_EQ(ran.exit_code, 0) << ran.err;
    }
  }
  const std::string db = (small.path() / "history.db").string();
  auto record = [&](const std::string& data, const std::string& commit) {
    std::vector<std::string> args = {fb, "record", data, "--db", db, "--branch", "main", "--commit-time", "1700000000",
                                     "--clean", "--commit", commit};
    return testing::run_command(args, dir_.path());
  };
  auto first = record("data/first", std::string(40, '1'));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  small.fill();
  auto second = record("data/second", std::string(40, '2'));
  EXPECT_EQ(second.exit_code, 2) << second.out;
  EXPECT_NE(second.err.find(db), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("full"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("fix:"), std::string::npos) << second.err;
  fs::remove(small.path() / "filler");
  auto listed = testing::run_command({fb, "history", "--db", db, "export", "--format", "json"}, dir_.path());
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(std::string(40, '1')), std::string::npos) << "the first commit's results were lost";
  EXPECT_EQ(listed.out.find(std::string(40, '2')), std::string::npos) << "a part of the failed record was kept";
}

}  // namespace
}  // namespace flowbench
