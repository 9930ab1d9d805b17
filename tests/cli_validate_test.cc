// `flowbench validate` and argument errors, through the real binary.
#include <gtest/gtest.h>

#include "support/command.h"

namespace flowbench {
namespace {
using testing::bin_path;
using testing::run_command;
using testing::source_path;

TEST(CliValidateTest, GoodSpecExitsZero) {
  testing::TempDir dir;
  auto result = run_command({bin_path("flowbench").string(), "validate",
                             source_path("fixtures/k1n/workflow.json").string()},
                            dir.path());
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("ok: "), std::string::npos);
  EXPECT_NE(result.out.find("22 tasks"), std::string::npos);
}

TEST(CliValidateTest, BadSpecPrintsOneLinePerProblemAndExitsTwo) {
  testing::TempDir dir;
  const auto spec = source_path("fixtures/bad/cycle.json").string();
  auto result = run_command({bin_path("flowbench").string(), "validate", spec}, dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find(spec + ": /tasks/1/after: dependency cycle: 2 -> 3 -> 4 -> 2; fix:"),
            std::string::npos)
      << result.err;
}

TEST(CliValidateTest, RunRefusesABadSpecBeforeCreatingAnything) {
  testing::TempDir dir;
  auto result = run_command({bin_path("flowbench").string(), "run",
                             source_path("fixtures/bad/unknown-after.json").string(), "--out", "runs"},
                            dir.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("unknown task id 99"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "runs"));
}

TEST(CliValidateTest, HelpAndUsageErrors) {
  testing::TempDir dir;
  auto help = run_command({bin_path("flowbench").string(), "run", "--help"}, dir.path());
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--keep-going"), std::string::npos);
  auto bad = run_command({bin_path("flowbench").string(), "run", "x.json", "--mode", "fast"}, dir.path());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--mode"), std::string::npos) << bad.err;
  auto none = run_command({bin_path("flowbench").string()}, dir.path());
  EXPECT_EQ(none.exit_code, 2);
}

}  // namespace
}  // namespace flowbench
