// `flowbench ab` and `flowbench calibrate` through the real binary, real processes.
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

class CliAbTest : public ::testing::Test {
 protected:
  // A 50% min effect: these 60 ms tasks may stretch by a third on a loaded machine (seen
  // under a sanitizer build beside other tests); a 3x slowdown stands far above that.
  void SetUp() override {
    write_spec("a.json", "");
    testing::write_text(dir_.path() / "budgets.json", R"({"name": "small", "targets": [
      {"name": "task-*-no-regression", "variant": "sequential", "metric": "task:*",
       "regression": {"alpha": 0.05, "min_reps": 5, "min_effect": 0.5}},
      {"name": "all-succeed", "variant": "sequential", "metric": "success", "min": 1, "stat": "min"}]})");
  }
  // Two 60 ms synth tasks; `slow_second` adds arguments to the second one's command.
  void write_spec(const std::string& name, const std::string& slow_second, const std::string& ids = "1\", \"2") {
    const auto comma = ids.find("\", \"");
    const std::string first = ids.substr(0, comma), second = ids.substr(comma + 4);
    testing::write_text(dir_.path() / name, R"({"schema": "flowbench.workflow/1", "name": "two", "tasks": [
      {"id": ")" + first + R"(", "command": ["synth", "--duration-s", "0.06", "--cpu-fraction", "0.1"]},
      {"id": ")" + second + R"(", "command": ["synth", "--duration-s", "0.06", "--cpu-fraction", "0.1")" +
                                            slow_second + R"(], "after": [")" + first + R"("]}]})");
  }
  testing::CommandResult flowbench(std::vector<std::string> args,
                                   const std::function<void(const testing::SignalSender&)>& while_running = {}) {
    args.insert(args.begin(), testing::bin_path("flowbench").string());
    return testing::run_command(args, dir_.path(), while_running);
  }
  testing::TempDir dir_;
};

TEST_F(CliAbTest, OneSpecWithTwoHandlerFoldersIsAnAAndPasses) {
  const std::string bin = testing::bin_path("flowbench").parent_path().string();
  auto result = flowbench({"ab", "--budgets", "budgets.json", "a.json", "--a-handlers", bin, "--b-handlers", bin,
                           "--reps", "6", "--out", "ab", "--json", "ab.json", "--junit", "ab.xml"});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("3 of 3 targets met"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("family task-*-no-regression: 2 verdicts, Holm at alpha 0.05, min effect 50%"),
            std::string::npos)
      << result.out;
  EXPECT_NE(result.err.find("round-006 (6/6):"), std::string::npos) << result.err;
  const json verdicts = testing::read_json(dir_.path() / "ab.json");
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_EQ(verdicts[0]["target"], "task-1-no-regression");
  EXPECT_EQ(verdicts[0]["regression"]["n_baseline"], 6);
  EXPECT_EQ(verdicts[0]["regression"]["family_size"], 2);
  // Both arms' runs are kept, one per round.
  for (const char* arm : {"a", "b"}) {
    for (int round = 1; round <= 6; ++round) {
      EXPECT_TRUE(fs::exists(dir_.path() / "ab" / arm / "sequential" / ("round-00" + std::to_string(round)) / "run.json"));
    }
  }
}

TEST_F(CliAbTest, ConfirmRejudgesAFlaggedTaskOnFreshRounds) {
  write_spec("b.json", R"(, "--slowdown", "3")");
  auto result = flowbench({"ab", "--budgets", "budgets.json", "a.json", "b.json", "--reps", "5", "--confirm", "5",
                           "--order", "alternate", "--out", "ab", "--json", "ab.json"});
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.err.find("confirming flagged targets with 5 more rounds"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("FAILED task-2-no-regression (not met):"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("confirmed: "), std::string::npos) << result.out;
  EXPECT_EQ(result.out.find("FAILED task-1"), std::string::npos) << result.out;
  EXPECT_TRUE(fs::exists(dir_.path() / "ab/confirm/b/sequential/round-010/run.json"));
}

TEST_F(CliAbTest, SpecsWithOtherTaskIdsAreRefused) {
  write_spec("other.json", "", "1\", \"3");
  auto result = flowbench({"ab", "--budgets", "budgets.json", "a.json", "other.json", "--out", "ab"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("other.json: /tasks: its task ids differ from"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("(only in a: 2; only in b: 3); fix: compare two versions of one workflow"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "ab/a/sequential"));
  auto nothing = flowbench({"ab", "--budgets", "budgets.json"});
  EXPECT_EQ(nothing.exit_code, 2);
  EXPECT_NE(nothing.err.find("nothing to measure; fix:"), std::string::npos) << nothing.err;
  auto env = flowbench({"ab", "--budgets", "budgets.json", "--bench", testing::bin_path("flowbench").string(),
                        "--b-env", "NOEQUALS"});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("--b-env NOEQUALS: not KEY=VALUE; fix:"), std::string::npos) << env.err;
  auto missing = flowbench({"ab", "--budgets", "budgets.json", "--bench", "no-such-binary"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no-such-binary: not an executable benchmark binary (arm a)"), std::string::npos)
      << missing.err;
}

TEST_F(CliAbTest, CtrlCStopsTheRoundsAndKeepsWhatWasMeasured) {
  testing::write_text(dir_.path() / "long.json", R"({"schema": "flowbench.workflow/1", "name": "two", "tasks": [
    {"id": "1", "command": ["synth", "--duration-s", "5"]}, {"id": "2", "command": ["synth", "--duration-s", "5"]}]})");
  auto result = flowbench({"ab", "--budgets", "budgets.json", "long.json", "long.json", "--reps", "3", "--out", "ab"},
                          [this](const testing::SignalSender& send) {
                            const fs::path first = dir_.path() / "ab";
                            for (int i = 0; i < 500 && !fs::exists(first / "a") && !fs::exists(first / "b"); ++i) {
                              std::this_thread::sleep_for(10ms);
                            }
                            std::this_thread::sleep_for(300ms);
                            send(SIGINT);
                          });
  EXPECT_EQ(result.exit_code, 130) << result.out << result.err;
  EXPECT_NE(result.err.find("stopped by signal 2; what was measured is in ab"), std::string::npos) << result.err;
}

TEST_F(CliAbTest, CalibrateWritesANoiseFileThatAutoReads) {
  auto calibrated = flowbench({"calibrate", "a.json", "--reps", "6", "-o", "noise.json", "--out", "cal",
                               "--budgets", "budgets.json", "--trials", "200", "--json", "cal.json"});
  ASSERT_EQ(calibrated.exit_code, 0) << calibrated.out << calibrated.err;
  EXPECT_NE(calibrated.out.find("sequential task:1"), std::string::npos) << calibrated.out;
  EXPECT_NE(calibrated.out.find("simulated A/A gates with every regression target, paired: 200 at 10 rounds"),
            std::string::npos)
      << calibrated.out;
  EXPECT_NE(calibrated.out.find("rounds until decided (looks at 5, then every 5, up to 30)"), std::string::npos)
      << calibrated.out;
  const json noise = testing::read_json(dir_.path() / "noise.json");
  EXPECT_EQ(noise["schema"], "flowbench.noise/1");
  EXPECT_EQ(noise["repetitions"], 6);
  const json figures = testing::read_json(dir_.path() / "cal.json");
  // The two tasks the regression target expands to, each compared unpaired and paired by round.
  ASSERT_EQ(figures["metrics"].size(), 4u);
  EXPECT_EQ(figures["metrics"][0]["compared"], "unpaired");
  EXPECT_EQ(figures["metrics"][1]["compared"], "paired");
  EXPECT_TRUE(noise["metrics"][0]["paired"].get<bool>());
  EXPECT_EQ(noise["metrics"][0]["design"], "turn");

  testing::write_text(dir_.path() / "auto.json", R"({"name": "auto", "noise": "noise.json", "targets": [
    {"name": "task-*", "variant": "sequential", "metric": "task:*", "regression": {"min_effect": "auto"}}]})");
  auto gate = flowbench({"gate", "--budgets", "auto.json", "cal/turn/b", "--baseline", "cal/turn/a"});
  // The noise file is read (a refused one exits 2). The verdict itself is an A/A gate on a
  // machine busy with the rest of the suite: it may flag (calibrate's own simulation states
  // how often) or stay undecided, so only "judged" is required here.
  EXPECT_TRUE(gate.exit_code == 0 || gate.exit_code == 1 || gate.exit_code == 3) << gate.out << gate.err;
  EXPECT_NE(gate.out.find("family task-*: 2 verdicts, Holm at alpha 0.05, min effect"), std::string::npos) << gate.out;

  json other = noise;
  other["machine"]["cpus"] = 1024;
  testing::write_text(dir_.path() / "noise.json", other.dump());
  auto refused = flowbench({"gate", "--budgets", "auto.json", "cal/turn/b", "--baseline", "cal/turn/a"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("noise.json: /machine: recorded on"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("fix: run `flowbench calibrate` on this machine"), std::string::npos) << refused.err;

  json edited = noise;  // this machine, but a.json has changed since it was calibrated
  edited["spec_sha256"] = std::string(64, '0');
  testing::write_text(dir_.path() / "noise.json", edited.dump());
  auto changed = flowbench({"gate", "--budgets", "auto.json", "cal/turn/b", "--baseline", "cal/turn/a"});
  EXPECT_EQ(changed.exit_code, 2);
  EXPECT_NE(changed.err.find("noise.json: /spec_sha256: recorded for"), std::string::npos) << changed.err;
  EXPECT_NE(changed.err.find("a.json (the spec of the data) differs"), std::string::npos) << changed.err;
}

TEST_F(CliAbTest, BadGlobsAndTargetSelectionsExitTwo) {
  testing::write_text(dir_.path() / "glob.json",
                      R"({"targets": [{"name": "t", "variant": "v", "metric": "task:[1", "max_s": 1}]})");
  auto glob = flowbench({"gate", "--budgets", "glob.json", "a.json"});
  EXPECT_EQ(glob.exit_code, 2);
  EXPECT_NE(glob.err.find("glob.json: /targets/0/metric: \"task:[1\" is not a glob"), std::string::npos) << glob.err;
  auto none = flowbench({"gate", "--budgets", "budgets.json", "--targets", "nothing-*", "a.json"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("budgets.json: no target is left by --targets"), std::string::npos) << none.err;
}

// Both arms at once, each pinned to its own CPU, the CPUs swapped each round: the tasks' own
// affinity (read by a task from /proc) shows it; with one CPU the duet is refused.
TEST_F(CliAbTest, DuetPinsEachArmToItsOwnCpusAndIsRefusedOnOne) {
  testing::write_text(dir_.path() / "where.json", R"({"schema": "flowbench.workflow/1", "name": "where", "tasks": [
    {"id": "1", "shell": true, "command": "grep Cpus_allowed_list /proc/self/status; sleep 0.05"}]})");
  testing::write_text(dir_.path() / "ok.json", R"({"name": "ok", "targets": [
    {"name": "all-succeed", "variant": "sequential", "metric": "success", "min": 1, "stat": "min"}]})");
  auto duet = flowbench({"ab", "--budgets", "ok.json", "where.json", "where.json", "--duet", "--reps", "2", "--out", "duet"});
  if (std::thread::hardware_concurrency() >= 2) {
    ASSERT_EQ(duet.exit_code, 0) << duet.out << duet.err;
    EXPECT_NE(duet.err.find("round-001 (1/2): together (a on CPU"), std::string::npos) << duet.err;
    const std::string a1 = testing::read_text(dir_.path() / "duet/a/sequential/round-001/logs/task-1.log");
    const std::string b1 = testing::read_text(dir_.path() / "duet/b/sequential/round-001/logs/task-1.log");
    const std::string a2 = testing::read_text(dir_.path() / "duet/a/sequential/round-002/logs/task-1.log");
    EXPECT_NE(a1, b1) << "both arms ran on the same CPUs: " << a1;
    EXPECT_EQ(a2, b1) << "the CPUs were not swapped in round 2";
  }
  auto one = testing::run_command({"/usr/bin/taskset", "-c", "0", testing::bin_path("flowbench").string(), "ab",
                                   "--budgets", "ok.json", "where.json", "where.json", "--duet", "--reps", "2"},
                                  dir_.path());
  EXPECT_EQ(one.exit_code, 2) << one.out << one.err;
  EXPECT_NE(one.err.find("--duet runs both arms at once, each on its own CPUs, and needs 2"), std::string::npos) << one.err;
  EXPECT_NE(one.err.find("fix: drop --duet"), std::string::npos) << one.err;
}

TEST_F(CliAbTest, DesignMistakesAreNamedWithTheFix) {
  auto unlimited = flowbench({"ab", "--budgets", "budgets.json", "a.json", "a.json", "--reps", "auto"});
  EXPECT_EQ(unlimited.exit_code, 2);
  EXPECT_NE(unlimited.err.find("--reps auto measures until every target is decided and needs a limit; fix: add "
                               "--max-reps N"),
            std::string::npos)
      << unlimited.err;
  auto both = flowbench({"ab", "--budgets", "budgets.json", "a.json", "a.json", "--reps", "auto", "--max-reps", "5",
                         "--confirm", "3"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("fix: drop --confirm"), std::string::npos) << both.err;
  auto words = flowbench({"ab", "--budgets", "budgets.json", "a.json", "a.json", "--reps", "ten"});
  EXPECT_EQ(words.exit_code, 2);
  EXPECT_NE(words.err.find("--reps ten: give a number of rounds (1-1000) or auto"), std::string::npos) << words.err;
  // Instructions are counted for benchmark binaries only, by a counter the machine has.
  testing::write_text(dir_.path() / "instr.json", R"({"targets": [
    {"name": "i", "benchmark": "BM_Task8/*", "measure": "instructions", "regression": {"min_reps": 2}}]})");
  auto specs = flowbench({"ab", "--budgets", "instr.json", "a.json", "a.json", "--reps", "2"});
  EXPECT_EQ(specs.exit_code, 2);
  EXPECT_NE(specs.err.find("which ab counts for benchmark binaries only"), std::string::npos) << specs.err;
  const std::string bench = testing::bin_path("task8_bench").string();
  auto perf = flowbench({"ab", "--budgets", "instr.json", "--bench", bench, "--filter", "^BM_Task8/parse/", "--reps",
                         "2", "--counter", "perf", "--out", "perf"});
  if (perf.exit_code == 2) {  // no hardware counter here (this VM has none): said, with the fix
    EXPECT_NE(perf.err.find("--counter perf: "), std::string::npos) << perf.err;
    EXPECT_NE(perf.err.find("fix: --counter valgrind"), std::string::npos) << perf.err;
  }
}

// An arm that fails in one round (its task fails on its third run) leaves that round out of
// the pairs and says so; the verdicts stand on the other rounds.
TEST_F(CliAbTest, ARoundWithAFailedArmIsLeftOutOfThePairs) {
  testing::write_text(dir_.path() / "flaky.json", R"({"schema": "flowbench.workflow/1", "name": "two", "tasks": [
    {"id": "1", "command": ["synth", "--duration-s", "0.06", "--cpu-fraction", "0.1"]},
    {"id": "2", "shell": true, "after": ["1"],
     "command": "n=$(cat count 2>/dev/null || echo 0); echo $((n + 1)) > count; test $n -ne 2 && sleep 0.06"}]})");
  testing::write_text(dir_.path() / "steady.json", R"({"schema": "flowbench.workflow/1", "name": "two", "tasks": [
    {"id": "1", "command": ["synth", "--duration-s", "0.06", "--cpu-fraction", "0.1"]},
    {"id": "2", "shell": true, "after": ["1"], "command": "sleep 0.06"}]})");
  auto result = flowbench({"ab", "--budgets", "budgets.json", "steady.json", "flaky.json", "--reps", "6", "--order",
                           "alternate", "--out", "flaky", "--json", "flaky-verdicts.json"});
  EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 3) << result.out << result.err;
  EXPECT_NE(result.err.find("b failed (left out of this round's pair)"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("flowbench ab: left out: arm b, round-003"), std::string::npos) << result.err;
  const json verdicts = testing::read_json(dir_.path() / "flaky-verdicts.json");
  EXPECT_EQ(verdicts[0]["regression"]["pairs"], 5);
  EXPECT_EQ(verdicts[0]["regression"]["rounds_left_out"], 1);
}

}  // namespace
}  // namespace flowbench
