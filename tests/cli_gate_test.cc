// `flowbench gate`, `run --instances` and `run --only` through the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class CliGateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // a -> b, where b declares a cache block and writes an output.
    testing::write_text(dir_.path() / "ws" / "in.txt", "input\n");
    testing::write_text(dir_.path() / "ws" / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "small", "tasks": [
      {"id": "a", "command": ["synth", "--duration-s", "10"]},
      {"id": "b", "shell": true, "command": "mkdir -p out && cp in.txt out/copy.txt", "after": ["a"],
       "cache": {"inputs": ["in.txt"], "outputs": ["out/**"]}}]})");
  }
  testing::CommandResult flowbench(std::vector<std::string> args) {
    args.insert(args.begin(), testing::bin_path("flowbench").string());
    return testing::run_command(args, dir_.path());
  }
  void run_series(const std::string& variant, int count) {
    for (int i = 0; i < count; ++i) {
      std::string run_id = "r";
      run_id += std::to_string(i);
      auto result = flowbench({"run", "ws/spec.json", "--time-scale", "0.001", "--out", "series/" + variant,
                               "--run-id", run_id, "-q", "--no-cache", "--variant", variant});
      ASSERT_EQ(result.exit_code, 0) << result.err;
    }
  }
  testing::TempDir dir_;
};

TEST_F(CliGateTest, MetBudgetsExitZeroAndFailedOnesNameTheTarget) {
  run_series("fast", 3);
  // Task a waits 10 model-seconds: under an hour whatever the load (under a minute once failed
  // under the sanitizers, at 96), and never under one second, which it cannot beat.
  testing::write_text(dir_.path() / "ok.json", R"({"time_scale": 0.001, "targets": [
    {"name": "a-under-an-hour", "variant": "fast", "metric": "task:a", "max_s": 3600},
    {"name": "all-succeed", "variant": "fast", "metric": "success", "min": 1, "stat": "min"}]})");
  auto ok = flowbench({"gate", "--budgets", "ok.json", "series", "--junit", "gate.xml"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("2 of 2 targets met"), std::string::npos) << ok.out;
  EXPECT_NE(testing::read_text(dir_.path() / "gate.xml").find("tests=\"2\" failures=\"0\""), std::string::npos);

  testing::write_text(dir_.path() / "tight.json", R"({"time_scale": 0.001, "targets": [
    {"name": "a-under-a-second", "variant": "fast", "metric": "task:a", "max_s": 1},
    {"name": "missing-variant", "variant": "slow", "metric": "makespan", "max_s": 100}]})");
  auto failed = flowbench({"gate", "--budgets", "tight.json", "series"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.out.find("FAILED a-under-a-second (not met)"), std::string::npos) << failed.out;
  EXPECT_NE(failed.out.find("FAILED missing-variant (not measured): no samples of makespan for variant slow"),
            std::string::npos)
      << failed.out;
}

TEST_F(CliGateTest, BadBudgetsAndBadDataExitTwo) {
  run_series("fast", 1);
  testing::write_text(dir_.path() / "bad.json", R"({"targets": [{"name": "x", "metric": "speed", "max_s": 1}]})");
  auto bad = flowbench({"gate", "--budgets", "bad.json", "series"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.json: /targets/0/metric: unknown metric speed"), std::string::npos) << bad.err;
  testing::write_text(dir_.path() / "ok.json", R"({"targets": [{"name": "x", "metric": "makespan", "max_s": 1}]})");
  testing::write_text(dir_.path() / "truncated.json", R"({"benchmarks": [{"name": )");
  auto truncated = flowbench({"gate", "--budgets", "ok.json", "truncated.json"});
  EXPECT_EQ(truncated.exit_code, 2);
  EXPECT_NE(truncated.err.find("truncated.json: /: malformed JSON at column 26"), std::string::npos) << truncated.err;
}

TEST_F(CliGateTest, InstancesRunInTheirOwnWorkspacesAndShareTheCache) {
  auto result = flowbench({"run", "ws/spec.json", "--instances", "3", "--time-scale", "0.001", "--out", "runs",
                           "--run-id", "three", "--cache", "cache"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json record = json::parse(testing::read_text(dir_.path() / "runs/three/instances.json"));
  EXPECT_EQ(record["count"], 3);
  EXPECT_TRUE(record["all_complete"].get<bool>());
  ASSERT_EQ(record["instances"].size(), 3u);
  for (const auto& instance : record["instances"]) {
    EXPECT_EQ(instance["status"], "complete");
    const fs::path workspace = instance["workspace"].get<std::string>();
    EXPECT_EQ(testing::read_text(workspace / "out/copy.txt"), "input\n");
    EXPECT_TRUE(fs::exists(dir_.path() / "runs/three" / instance["run"].get<std::string>() / "run.json"));
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "ws/out")) << "an instance wrote into the original workspace";
  std::size_t entries = 0;
  for (auto it = fs::recursive_directory_iterator(dir_.path() / "cache/entries"); it != fs::recursive_directory_iterator();
       ++it) {
    entries += it.depth() == 1 && it->is_directory();  // entries/<2 hex>/<key>/
  }
  EXPECT_EQ(entries, 1u) << "the three instances share one action cache entry for b";

  testing::write_text(dir_.path() / "inst.json", R"({"targets": [
    {"name": "three-instances", "variant": "instances3", "metric": "instances_ok", "min": 3, "stat": "min"}]})");
  auto gate = flowbench({"gate", "--budgets", "inst.json", "runs"});
  EXPECT_EQ(gate.exit_code, 0) << gate.out << gate.err;
}

TEST_F(CliGateTest, OnlyRunsTheNamedTasks) {
  auto result = flowbench({"run", "ws/spec.json", "--only", "b", "--out", "runs", "--run-id", "r", "-q", "--no-cache"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json run = json::parse(testing::read_text(dir_.path() / "runs/r/run.json"));
  ASSERT_EQ(run["graph"].size(), 1u);
  EXPECT_EQ(run["graph"][0]["id"], "b");
  EXPECT_EQ(run["graph"][0]["after"], json::array());
  auto unknown = flowbench({"run", "ws/spec.json", "--only", "zz", "--out", "runs", "-q"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--only zz: no task with that id"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace flowbench
