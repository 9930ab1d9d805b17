// `flowbench import` through the real binary: bad files fail clearly and write nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;

class CliImportTest : public ::testing::Test {
 protected:
  testing::CommandResult flowbench(std::vector<std::string> args) {
    args.insert(args.begin(), testing::bin_path("flowbench").string());
    return testing::run_command(args, dir_.path());
  }
  testing::TempDir dir_;
};

TEST_F(CliImportTest, TruncatedTraceIsAnErrorNamingTheFileAndWritesNoSpec) {
  testing::write_text(dir_.path() / "trace.json", R"({"workflow": {"specification": {"tasks": [)");
  auto result = flowbench({"import", "wfformat", "trace.json", "-o", "spec.json"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("trace.json: /: malformed JSON at column 43"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("the text ends early"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "spec.json"));
}

TEST_F(CliImportTest, SpecificationWithoutExecutionIsRefused) {
  testing::write_text(dir_.path() / "trace.json",
                      R"({"workflow": {"specification": {"tasks": [{"id": "a", "parents": [], "children": []}]}}})");
  auto result = flowbench({"import", "wfformat", "trace.json", "-o", "spec.json"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("/workflow/execution/tasks: missing"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "spec.json"));
}

TEST_F(CliImportTest, MissingFileIsAnErrorBeforeAnythingIsWritten) {
  auto result = flowbench({"import", "conductor", "nowhere.json", "-o", "runs"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("nowhere.json"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "runs"));
}

TEST_F(CliImportTest, ImportedTraceRunsAsASpec) {
  auto imported = flowbench({"import", "wfformat",
                             testing::source_path("fixtures/wfinstances/helloworld-forkjoin-10-chameleon.json").string(),
                             "-o", "spec.json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto validated = flowbench({"validate", "spec.json"});
  EXPECT_EQ(validated.exit_code, 0) << validated.err;
  EXPECT_NE(validated.out.find("(10 tasks"), std::string::npos) << validated.out;
}

TEST_F(CliImportTest, ASpecGoesIntoANewFolderMadeForIt) {
  auto imported = flowbench({"import", "wfformat",
                             testing::source_path("fixtures/wfinstances/helloworld-forkjoin-10-chameleon.json").string(),
                             "-o", "new-folder/deeper/spec.json"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(fs::exists(dir_.path() / "new-folder" / "deeper" / "spec.json"));
}

TEST_F(CliImportTest, AWrongTypedConductorFieldIsNamedWithItsPlace) {
  auto execution = nlohmann::json::parse(
      testing::read_text(testing::source_path("fixtures/conductor/release-pipeline-execution.json")));
  execution["tasks"][1]["startTime"] = "yesterday";
  testing::write_text(dir_.path() / "execution.json", execution.dump());
  auto result = flowbench({"import", "conductor", "execution.json", "-o", "runs"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("execution.json: /tasks/1/startTime: must be a whole number, got \"yesterday\"; fix: "),
            std::string::npos)
      << result.err;
  EXPECT_EQ(result.err.find("json.exception"), std::string::npos) << result.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "runs"));
}

}  // namespace
}  // namespace flowbench
