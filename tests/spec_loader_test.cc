#include "model/spec_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "platform/atomic_file.h"
#include "support/command.h"
#include "support/workflow_text.h"

namespace flowbench {
namespace {
using testing::bin_path;
using testing::source_path;

LoadOptions with_handlers() {
  LoadOptions options;
  options.handler_dirs = {bin_path("").parent_path()};
  return options;
}

Expected<Workflow> load_text(const std::string& text) {
  LoadOptions options;
  options.check_programs = false;
  return load_workflow_text(text, "inline.json", options);
}

TEST(SpecLoaderTest, LoadsTheReferenceWorkflow) {
  auto workflow = load_workflow(source_path("fixtures/k1n/workflow.json"), with_handlers());
  ASSERT_TRUE(workflow.ok()) << workflow.error().message;
  EXPECT_EQ(workflow->name, "k1n-22task");
  ASSERT_EQ(workflow->tasks.size(), 22u);
  const Task& codegen = workflow->tasks[7];
  EXPECT_EQ(codegen.id, "8");
  EXPECT_EQ(codegen.name, "codegen");
  EXPECT_EQ(codegen.executable, bin_path("codegen"));
  EXPECT_EQ(codegen.cache["outputs"][0], "out/gen/**");
  EXPECT_EQ(codegen.env.at("LC_ALL"), "C");
  EXPECT_EQ(codegen.timeout_s, 1800);
  // Tasks 3, 4, 5 wait only for task 2.
  for (std::size_t i : {2u, 3u, 4u}) EXPECT_EQ(workflow->deps[i], (std::vector<std::size_t>{1}));
  EXPECT_EQ(workflow->deps[5], (std::vector<std::size_t>{2, 3, 4}));
}

TEST(SpecLoaderTest, AcceptsStringIdsAndShellCommands) {
  auto workflow = load_text(R"({"schema": "flowbench.workflow/1", "tasks": [
      {"id": "fetch", "command": "echo hi > out.txt", "shell": true},
      {"id": "use", "command": ["cat", "out.txt"], "after": ["fetch"]}]})");
  ASSERT_TRUE(workflow.ok()) << workflow.error().message;
  EXPECT_EQ(workflow->tasks[0].command, std::vector<std::string>{"echo hi > out.txt"});
  EXPECT_EQ(workflow->tasks[0].executable, "/bin/sh");
  EXPECT_EQ(workflow->deps[1], std::vector<std::size_t>{0});
}

TEST(SpecLoaderTest, ListsEveryProblemNotJustTheFirst) {
  auto workflow = load_text(R"({"schema": "flowbench.workflow/1", "tasks": [
      {"id": 1, "command": ["true"], "timeout_s": -1},
      {"id": 1, "command": [], "after": [9]}]})");
  ASSERT_FALSE(workflow.ok());
  const std::string& message = workflow.error().message;
  EXPECT_NE(message.find("/tasks/0/timeout_s"), std::string::npos) << message;
  EXPECT_NE(message.find("/tasks/1/id: duplicate id 1"), std::string::npos) << message;
  EXPECT_NE(message.find("/tasks/1/command"), std::string::npos) << message;
  EXPECT_NE(message.find("/tasks/1/after/0: unknown task id 9"), std::string::npos) << message;
}

TEST(SpecLoaderTest, ResolvesProgramsByPathRelativeToTheSpec) {
  testing::TempDir dir;
  testing::write_text(dir.path() / "spec.json",
                      R"({"schema": "flowbench.workflow/1", "tasks": [{"id": 1, "command": ["./missing.sh"]}]})");
  auto workflow = load_workflow(dir.path() / "spec.json", with_handlers());
  ASSERT_FALSE(workflow.ok());
  EXPECT_NE(workflow.error().message.find((dir.path() / "missing.sh").string()), std::string::npos)
      << workflow.error().message;
}

// Each bad spec in fixtures/bad/ is rejected with the JSON path and the words that matter.
struct BadSpec {
  const char* file;
  const char* path;
  const char* words;
};

class BadSpecTest : public ::testing::TestWithParam<BadSpec> {};

TEST_P(BadSpecTest, IsRejectedWithFileJsonPathAndFix) {
  const BadSpec& bad = GetParam();
  const auto spec = source_path(std::string("fixtures/bad/") + bad.file);
  auto workflow = load_workflow(spec, with_handlers());
  ASSERT_FALSE(workflow.ok()) << bad.file << " was accepted";
  const std::string& message = workflow.error().message;
  EXPECT_NE(message.find(spec.string() + ": " + bad.path), std::string::npos) << message;
  EXPECT_NE(message.find(bad.words), std::string::npos) << message;
  EXPECT_NE(message.find("; fix: "), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, BadSpecTest,
    ::testing::Values(
        BadSpec{"malformed.json", "/: ", "malformed JSON at line 6, column"},
        BadSpec{"not-an-object.json", "/: ", "must be a JSON object"},
        BadSpec{"wrong-schema.json", "/schema", "unsupported schema"},
        BadSpec{"no-tasks.json", "/tasks", "non-empty array"},
        BadSpec{"missing-command.json", "/tasks/1", "has no \"command\""},
        BadSpec{"command-not-array.json", "/tasks/0/command", "array of strings"},
        BadSpec{"wrong-type-after.json", "/tasks/1/after", "array of task ids"},
        BadSpec{"bad-id.json", "/tasks/0/id", "not a whole number or a name"},
        BadSpec{"duplicate-id.json", "/tasks/2/id", "duplicate id 2 (also /tasks/1)"},
        BadSpec{"unknown-after.json", "/tasks/2/after/0", "unknown task id 99"},
        BadSpec{"cycle.json", "/tasks/", "dependency cycle: 2 -> 3 -> 4 -> 2"},
        BadSpec{"self-dependency.json", "/tasks/0/after/0", "waits for itself"},
        BadSpec{"missing-program.json", "/tasks/0/command/0", "not a flowbench handler and is not on PATH"},
        BadSpec{"not-executable.json", "/tasks/0/command/0", "does not exist or is not executable"},
        BadSpec{"negative-timeout.json", "/tasks/0/timeout_s", "must be positive"},
        BadSpec{"absurd-timeout.json", "/tasks/0/timeout_s", "more than a week"},
        BadSpec{"unknown-field.json", "/tasks/0/afer", "unknown field \"afer\""},
        BadSpec{"env-not-string.json", "/tasks/0/env/RETRIES", "must be a string"},
        BadSpec{"cache-escape.json", "/tasks/0/cache/outputs/0", "contains \"..\""},
        BadSpec{"shell-not-boolean.json", "/tasks/0/shell", "must be true or false, got \"yes\""},
        BadSpec{"empty-name.json", "/tasks/0/name", "is empty"},
        BadSpec{"nul-in-name.json", "/tasks/0/name", "holds a control character"},
        BadSpec{"absurd-expected.json", "/tasks/0/expected_s", "more than a week"},
        BadSpec{"huge-id.json", "/tasks/0/id", "larger than 2^53 - 1"},
        BadSpec{"negative-id.json", "/tasks/0/id", "is negative"},
        BadSpec{"truncated.json", "/: ", "(the text ends early: a cut-off file?)"}),
    [](const auto& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.find('.'));
      for (char& c : name) {
        if (c == '-') c = '_';
      }
      return name;
    });

TEST(SpecLoaderTest, MissingFileSaysWhatToGive) {
  auto workflow = load_workflow("/nonexistent/spec.json", with_handlers());
  ASSERT_FALSE(workflow.ok());
  EXPECT_NE(workflow.error().message.find("/nonexistent/spec.json"), std::string::npos);
  EXPECT_NE(workflow.error().message.find("give the path of a workflow spec"), std::string::npos);
}

}  // namespace
}  // namespace flowbench

namespace flowbench {
namespace {

// The optimized reference spec differs from the baseline only in Task 8's command, so a
// measured difference between the two is the optimizations' and nothing else's.
TEST(SpecLoaderTest, OptimizedReferenceSpecChangesOnlyTask8sCommand) {
  LoadOptions options;
  options.check_programs = false;
  auto base = load_workflow(testing::source_path("fixtures/k1n/workflow.json"), options);
  auto optimized = load_workflow(testing::source_path("fixtures/k1n/workflow-optimized.json"), options);
  ASSERT_TRUE(base && optimized);
  ASSERT_EQ(base->tasks.size(), optimized->tasks.size());
  EXPECT_EQ(base->deps, optimized->deps);
  for (std::size_t i = 0; i < base->tasks.size(); ++i) {
    const Task& a = base->tasks[i];
    const Task& b = optimized->tasks[i];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.expected_s, b.expected_s);
    EXPECT_EQ(a.cache, b.cache);
    EXPECT_EQ(a.quality, b.quality);
    if (a.id == "8") {
      const std::vector<std::string> extra(b.command.begin() + static_cast<long>(a.command.size()), b.command.end());
      EXPECT_EQ(std::vector<std::string>(b.command.begin(), b.command.begin() + static_cast<long>(a.command.size())),
                a.command);
      EXPECT_EQ(extra, (std::vector<std::string>{"--jobs", "2", "--template-cache", ".flowbench/template-cache",
                                                 "--incremental", "out/gen/manifest.json"}));
    } else {
      EXPECT_EQ(a.command, b.command) << "task " << a.id;
    }
  }
}

}  // namespace
}  // namespace flowbench

namespace flowbench {
namespace {

// A spec read fast (simdjson, a task at a time) and by the checked reader alone: the same
// workflow, or the same message.
void expect_same_spec_answer(const std::string& text, const std::string& name = "inline.json") {
  LoadOptions fast, checked;
  fast.check_programs = checked.check_programs = false;
  checked.checked_only = true;
  auto one = load_workflow_text(text, name, fast);
  auto other = load_workflow_text(text, name, checked);
  ASSERT_EQ(one.ok(), other.ok()) << text << "\n" << (one.ok() ? other.error().message : one.error().message);
  if (one.ok()) EXPECT_EQ(testing::workflow_text(*one), testing::workflow_text(*other)) << text;
  else EXPECT_EQ(one.error().message, other.error().message) << text;
}

TEST(SpecLoaderTest, TheFastAndTheCheckedReadingAgreeOnEveryFixture) {
  std::vector<std::filesystem::path> specs = {testing::source_path("fixtures/k1n/workflow.json"),
                                              testing::source_path("fixtures/k1n/workflow-optimized.json"),
                                              testing::source_path("fixtures/ab/workflow.json")};
  for (const auto& entry : std::filesystem::directory_iterator(testing::source_path("fixtures/bad"))) {
    if (entry.path().extension() == ".json") specs.push_back(entry.path());
  }
  ASSERT_GT(specs.size(), 25u);
  for (const auto& spec : specs) {
    SCOPED_TRACE(spec.string());
    auto text = read_file(spec);
    ASSERT_TRUE(text.ok());
    expect_same_spec_answer(*text, spec.string());
  }
}

TEST(SpecLoaderTest, TheFastAndTheCheckedReadingAgreeOnOddSpecs) {
  const std::string head = R"({"schema": "flowbench.workflow/1", )";
  const std::vector<std::string> variants = {
      head + R"("tasks": [{"id": -0, "command": ["true"]}]})",
      head + R"("tasks": [{"id": 0, "command": ["true"], "timeout_s": -0.0}]})",
      head + R"("tasks": [{"id": 1, "command": ["true"]}], "tasks": [{"id": 2, "command": ["false"]}]})",
      head + R"("tasks": [{"id": 1, "command": ["true"]}], "tasks": []})",
      head + R"("tasks": [{"id": 1, "command": ["true"]}], "tasks": {"id": 1}})",
      head + R"("tasks": [{"id": 1, "id": "one", "command": ["true"], "command": ["false"]}]})",
      head + R"("tasks": [{"id": 18446744073709551615, "command": ["true"]}]})",
      head + R"("tasks": [{"id": 184467440737095516150, "command": ["true"]}]})",
      head + R"("tasks": [{"id": 1, "command": ["true"], "timeout_s": 1e400}]})",
      head + R"("tasks": [{"id": 1, "command": ["t\ud800"]}]})",
      head + R"("tasks": [{"id": 1, "command": ["t\udc00"]}]})",
      head + R"("tasks": [{"id": 1, "command": ["\u00e9t\u00e9 \ud83d\ude00"], "name": "caf\u00e9"}]})",
      head + R"("tasks": [{"id": 1, "command": ["true"], "cpus": 2.0, "mem_mb": 9223372036854775808}]})",
      head + R"("tasks": [{"id": 1, "command": ["true"], "cache": {"outputs": ["out/**"], "env": ["A"]},
                 "quality": {"junit": "j.xml"}, "env": {"A": "1", "A": "2"}, "expected_s": 1.5e2}]})",
      head + R"("defaults": {"timeout_s": 5, "env": {"LC_ALL": "C"}}, "name": "n",
                 "tasks": [{"id": "a", "command": "echo hi", "shell": true}, {"id": 2, "after": ["a", "a"], "command": ["x"]}]})",
      head + R"("tasks": [{"id": 1, "command": ["true"], "after": [2]}, {"id": 2, "command": ["true"], "after": [1]}]})",
      "\xef\xbb\xbf" + head + R"("tasks": [{"id": 1, "command": ["true"]}]})",
      head + R"("tasks": [{"id": 1, "command": ["true"]}]} trailing)",
      head + R"("tasks": [{"id": 1, "command": ["true"]}])",
      head + R"("tasks": [{"id": 1, "command": ["tr)" + std::string("\xff", 1) + R"(ue"]}]})",
      head + R"("tasks": [{"id": 1, "command": ["true"]}, 7, null]})",
      std::string(2000, '[') + std::string(2000, ']'),
      "[]",
      "",
      " \n",
  };
  for (const auto& text : variants) expect_same_spec_answer(text);
}

}  // namespace
}  // namespace flowbench
