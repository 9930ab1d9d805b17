// `flowbench record` and `flowbench history` through the real binary: what a CI job types,
// and the answers to bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class CliHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_text(dir_.path() / "ws" / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "small", "tasks": [
      {"id": "a", "command": ["synth", "--duration-s", "10"]},
      {"id": "b", "command": ["synth", "--duration-s", "20"], "after": ["a"]}]})");
    for (const char* run_id : {"r0", "r1"}) {
      auto run = flowbench({"run", "ws/spec.json", "--time-scale", "0.001", "--out", "data/seq", "--run-id", run_id,
                            "-q", "--no-cache", "--mode", "sequential", "--variant", "seq"});
      ASSERT_EQ(run.exit_code, 0) << run.err;
    }
  }
  testing::CommandResult flowbench(std::vector<std::string> args) {
    args.insert(args.begin(), testing::bin_path("flowbench").string());
    return testing::run_command(args, dir_.path());
  }
  testing::CommandResult record_by_hand(const std::string& db, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"record", "data", "--db", db, "--commit", "abc123", "--branch", "main",
                                     "--commit-time", "1700000000", "--clean"};
    args.insert(args.end(), more.begin(), more.end());
    return flowbench(args);
  }
  testing::TempDir dir_;
};

TEST_F(CliHistoryTest, DataWithoutCommitInformationIsRefusedBeforeTheDatabaseIsMade) {
  auto result = flowbench({"record", "data", "--db", "h.db"});
  EXPECT_EQ(result.exit_code, 2) << result.out;
  EXPECT_NE(result.err.find("no commit to record"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("--commit HASH --branch NAME"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "h.db"));
}

TEST_F(CliHistoryTest, ACommitGivenByFlagsIsRecordedOnceWithEverySample) {
  auto first = record_by_hand("h.db", {"--tag", "runner=ci-large"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("recorded data: "), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("at abc123 (main)"), std::string::npos) << first.out;
  auto again = record_by_hand("h.db", {"--tag", "runner=ci-large"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already recorded (kept once)"), std::string::npos) << again.out;

  auto exported = flowbench({"history", "export", "--db", "h.db", "--format", "json", "-o", "all.json"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const json all = testing::read_json(dir_.path() / "all.json");
  ASSERT_EQ(all["results"].size(), 1u);
  const json& r = all["results"][0];
  EXPECT_EQ(r["commit"], "abc123");
  EXPECT_EQ(r["branch"], "main");
  EXPECT_EQ(r["tags"]["runner"], "ci-large");
  bool makespan = false;
  for (const auto& s : r["samples"]) {
    if (s["variant"] == "seq" && s["metric"] == "makespan") makespan = s["values"].size() == 2;
  }
  EXPECT_TRUE(makespan) << r["samples"].dump();
  EXPECT_EQ(all["fingerprints"][r["fingerprint"].get<std::string>()]["workflow"], "small");

  auto csv = flowbench({"history", "export", "--db", "h.db"});
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.rfind("commit,parents,branch,", 0), 0u) << csv.out;
  EXPECT_NE(csv.out.find(",seq,task:b,1,"), std::string::npos) << csv.out;

  auto list = flowbench({"history", "--db", "h.db", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find("main @ "), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("workflow=small"), std::string::npos) << list.out;

  auto show = flowbench({"history", "show", "task:b", "--db", "h.db", "--json", "b.json"});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("seq task:b on main @ "), std::string::npos) << show.out;
  EXPECT_EQ(testing::read_json(dir_.path() / "b.json")["commits"][0]["samples"].size(), 2u);
}

TEST_F(CliHistoryTest, AnUnknownMetricOrABadTagIsAnsweredWithItsFix) {
  ASSERT_EQ(record_by_hand("h.db").exit_code, 0);
  auto show = flowbench({"history", "show", "task:zz", "--db", "h.db"});
  EXPECT_EQ(show.exit_code, 2);
  EXPECT_NE(show.err.find("holds no metric task:zz"), std::string::npos) << show.err;
  auto tag = record_by_hand("h.db", {"--tag", "runner"});
  EXPECT_EQ(tag.exit_code, 2);
  EXPECT_NE(tag.err.find("--tag runner: not KEY=VALUE"), std::string::npos) << tag.err;
  auto since = flowbench({"history", "regressions", "--db", "h.db", "--since", "ffff"});
  EXPECT_EQ(since.exit_code, 2);
  EXPECT_NE(since.err.find("no recorded commit starts with ffff"), std::string::npos) << since.err;
}

TEST_F(CliHistoryTest, ACorruptDatabaseIsNamedAndLeftAsItWas) {
  const std::string junk(8192, 'x');
  testing::write_text(dir_.path() / "h.db", junk);
  auto record = record_by_hand("h.db");
  EXPECT_EQ(record.exit_code, 2);
  EXPECT_NE(record.err.find("h.db: not a flowbench history database"), std::string::npos) << record.err;
  EXPECT_EQ(testing::read_text(dir_.path() / "h.db"), junk);
  auto list = flowbench({"history", "list", "--db", "h.db"});
  EXPECT_EQ(list.exit_code, 2);
  EXPECT_NE(list.err.find("fix: move it aside"), std::string::npos) << list.err;
}

TEST_F(CliHistoryTest, AGateAgainstHistoryNeedsADatabase) {
  testing::write_text(dir_.path() / "budgets.json", R"({"targets": [
    {"name": "no-regression", "variant": "seq", "metric": "makespan", "regression": {"baseline": "history"}}]})");
  auto gate = flowbench({"gate", "--budgets", "budgets.json", "--db", "none.db", "data", "--commit", "abc", "--branch", "main"});
  EXPECT_EQ(gate.exit_code, 2) << gate.out;
  EXPECT_NE(gate.err.find("none.db: no history database here"), std::string::npos) << gate.err;

  ASSERT_EQ(record_by_hand("h.db").exit_code, 0);
  auto first = flowbench({"gate", "--budgets", "budgets.json", "--db", "h.db", "data", "--commit", "abc123", "--branch", "main"});
  EXPECT_EQ(first.exit_code, 1) << first.out;  // the first commit has no history before it
  EXPECT_NE(first.out.find("(not comparable): h.db holds no commit of main before this one"), std::string::npos) << first.out;
}

TEST_F(CliHistoryTest, PruneKeepsTheNewestCommits) {
  for (const char* commit : {"c0", "c1", "c2"}) {
    const std::string time = std::to_string(1700000000 + (commit[1] - '0'));
    auto r = flowbench({"record", "data", "--db", "h.db", "--commit", commit, "--branch", "main", "--commit-time", time,
                        "--clean"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto prune = flowbench({"history", "prune", "--keep", "1", "--db", "h.db"});
  EXPECT_EQ(prune.exit_code, 0) << prune.err;
  EXPECT_NE(prune.out.find("removed 2 results of 2 commits"), std::string::npos) << prune.out;
  auto list = flowbench({"history", "list", "--db", "h.db"});
  EXPECT_NE(list.out.find("1 commits, 1 results"), std::string::npos) << list.out;
  EXPECT_NE(list.out.find("newest c2"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace flowbench
