// The compact run-folder layouts (`run --profiles records --logs combined`), with real runs:
// `flowbench log` returns each task's output byte for byte; a compact folder is read by
// analyze, compare, report, gate and export exactly as the per-task folder of the same run;
// a malformed index line is named by file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "record/run_logs.h"
#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;

class CliLayoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Outputs a log must keep exactly: no final newline, bytes that are not text, nothing.
    testing::write_text(dir_.path() / "spec.json", R"({"schema": "flowbench.workflow/1", "name": "layouts", "tasks": [
      {"id": 1, "name": "generate", "command": ["synth", "--duration-s", "0.02", "--ops", "parse=0.4,render=0.6"]},
      {"id": "two", "command": "printf 'no newline at the end'", "shell": true, "after": [1]},
      {"id": 3, "command": "printf 'bytes: \\001\\377\\000\\n\\nend\\n'", "shell": true, "after": [1]},
      {"id": 4, "command": "true", "shell": true, "after": ["two", 3]},
      {"id": 5, "command": ["synth", "--duration-s", "0.01"], "after": [4]}]})");
  }
  testing::CommandResult flowbench(std::vector<std::string> args) {
    args.insert(args.begin(), testing::bin_path("flowbench").string());
    return testing::run_command(args, dir_.path());
  }
  std::vector<std::string> files_in(const fs::path& run) const {
    std::vector<std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path() / run)) {
      if (entry.is_regular_file()) out.push_back(fs::relative(entry.path(), dir_.path() / run).string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  testing::TempDir dir_;
};

TEST_F(CliLayoutTest, CombinedLogsGiveEachTasksOutputByteForByte) {
  auto compact = flowbench({"run", "spec.json", "--profiles", "records", "--logs", "combined", "--out", "runs",
                            "--run-id", "compact", "--no-cache", "-j", "2", "-q"});
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  EXPECT_EQ(files_in("runs/compact"), (std::vector<std::string>{"logs/combined.index.jsonl", "logs/combined.log",
                                                                "records.jsonl", "run.json", "trace.json"}));
  EXPECT_FALSE(fs::exists(dir_.path() / "runs/compact/profiles"));  // no empty folder either
  EXPECT_NE(compact.out.find("profiles in runs/compact/records.jsonl)"), std::string::npos) << compact.out;
  const std::map<std::string, std::string> printed = {
      {"two", "no newline at the end"}, {"3", std::string("bytes: \x01\xff\0\n\nend\n", 16)}, {"4", ""}};
  for (const auto& [id, text] : printed) {
    auto log = flowbench({"log", "runs/compact", id});
    ASSERT_EQ(log.exit_code, 0) << id << ": " << log.err;
    EXPECT_EQ(log.out, text) << "task " << id;
  }
  // The synth tasks' logs hold their sub-operation lines, as the per-task layout's files do.
  auto per_task = flowbench({"run", "spec.json", "--out", "runs", "--run-id", "per-task", "--no-cache", "-j", "2", "-q"});
  ASSERT_EQ(per_task.exit_code, 0) << per_task.err;
  for (const char* id : {"1", "two", "3", "4", "5"}) {
    auto from_file = flowbench({"log", "runs/per-task", id});
    ASSERT_EQ(from_file.exit_code, 0) << from_file.err;
    EXPECT_EQ(from_file.out, testing::read_text(dir_.path() / "runs/per-task/logs" / ("task-" + std::string(id) + ".log")));
    auto combined = flowbench({"log", "runs/compact", id});
    if (std::string(id) == "1") {
      EXPECT_NE(combined.out.find("parse ["), std::string::npos) << combined.out;
    }
  }
  const auto record = testing::read_json(dir_.path() / "runs/compact/run.json");
  EXPECT_EQ(record["context"]["layout"], (nlohmann::json{{"profiles", "records"}, {"logs", "combined"}}));

  auto unknown = flowbench({"log", "runs/compact", "9"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("no log for task 9 in runs/compact; fix:"), std::string::npos) << unknown.err;
}

TEST_F(CliLayoutTest, ACompactFolderReadsAsThePerTaskFolderOfTheSameRun) {
  for (const char* id : {"a", "b"}) {
    auto run = flowbench({"run", "spec.json", "--out", "per-task", "--run-id", id, "--no-cache", "-q"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  // The same runs in the compact layout: profiles/ emptied, the logs moved into one.
  fs::copy(dir_.path() / "per-task", dir_.path() / "compact", fs::copy_options::recursive);
  for (const char* id : {"a", "b"}) {
    const fs::path run = dir_.path() / "compact" / id;
    fs::remove_all(run / "profiles");
    std::uint64_t offset = 0;
    for (const char* task : {"1", "two", "3", "4", "5"}) {
      ASSERT_TRUE(move_into_combined_log(run, run / "logs" / ("task-" + std::string(task) + ".log"), task, offset).ok());
    }
  }
  EXPECT_EQ(files_in("compact/a").size(), 5u);
  // Every reader gives the same answer from both (folder names aside).
  auto same = [&](std::vector<std::string> args, const std::string& output = "") {
    std::vector<std::string> compact = args;
    for (auto& arg : compact) arg = std::regex_replace(arg, std::regex("^per-task"), "compact");
    for (auto& arg : compact) arg = std::regex_replace(arg, std::regex("^out-"), "out-compact-");
    auto one = flowbench(args), other = flowbench(compact);
    EXPECT_EQ(one.exit_code, other.exit_code) << args[0] << "\n" << one.err << other.err;
    EXPECT_EQ(std::regex_replace(one.out, std::regex("per-task"), "X"), std::regex_replace(other.out, std::regex("compact"), "X"))
        << args[0];
    if (!output.empty()) {
      EXPECT_EQ(testing::read_text(dir_.path() / output), testing::read_text(dir_.path() / ("out-compact-" + output.substr(4))))
          << output;
    }
  };
  same({"analyze", "per-task/a", "--json", "out-summary.json"}, "out-summary.json");
  same({"analyze", "per-task", "--json", "out-stats.json"}, "out-stats.json");
  same({"compare", "per-task/a", "per-task/b", "--json", "out-compare.json"}, "out-compare.json");
  same({"export", "per-task/a", "--format", "junit", "-o", "out-junit.xml"}, "out-junit.xml");
  same({"export", "per-task/a", "--format", "wfformat", "-o", "out-wf.json"}, "out-wf.json");
  testing::write_text(dir_.path() / "budgets.json", R"({"schema": "flowbench.budgets/1", "name": "layouts", "targets": [
      {"name": "task-1-budget", "metric": "task:1", "budget_s": 60},
      {"name": "makespan-budget", "metric": "makespan", "budget_s": 60}]})");
  same({"gate", "--budgets", "budgets.json", "per-task", "--json", "out-verdicts.json"}, "out-verdicts.json");
  auto report = flowbench({"report", "--before", "per-task/a", "--after", "per-task/b", "-o", "per-task.md"});
  auto compact_report = flowbench({"report", "--before", "compact/a", "--after", "compact/b", "-o", "compact.md"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  ASSERT_EQ(compact_report.exit_code, 0) << compact_report.err;
  auto normalized = [&](const char* file, const char* folder) {
    const std::string text = std::regex_replace(testing::read_text(dir_.path() / file), std::regex(folder), "X");
    return std::regex_replace(text, std::regex("report written [0-9T:.+-]+"), "report written T");
  };
  EXPECT_EQ(normalized("per-task.md", "per-task"), normalized("compact.md", "compact"));
}

TEST_F(CliLayoutTest, AMalformedIndexLineIsNamedByFileAndLine) {
  auto run = flowbench({"run", "spec.json", "--logs", "combined", "--out", "runs", "--run-id", "r", "--no-cache", "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const fs::path index = dir_.path() / "runs/r/logs/combined.index.jsonl";
  std::string text = testing::read_text(index);
  text.insert(text.find('\n') + 1, "{\"id\": \"two\", \"offset\": \"ten\", \"bytes\": 3}\n");
  testing::write_text(index, text);
  auto log = flowbench({"log", "runs/r", "3"});
  EXPECT_EQ(log.exit_code, 2);
  EXPECT_NE(log.err.find("combined.index.jsonl:2: /offset: must be a whole number, got \"ten\"; fix:"), std::string::npos)
      << log.err;
  // An index that points past the log's end: the log was cut off.
  testing::write_text(index, "{\"id\": \"3\", \"offset\": 0, \"bytes\": 999999}\n");
  auto cut = flowbench({"log", "runs/r", "3"});
  EXPECT_EQ(cut.exit_code, 2);
  EXPECT_NE(cut.err.find("the index puts task 3's log at bytes 0-999999; fix:"), std::string::npos) << cut.err;
  auto slurm = flowbench({"run", "spec.json", "--logs", "combined", "--executor", "slurm", "--out", "runs"});
  EXPECT_EQ(slurm.exit_code, 2);
  EXPECT_NE(slurm.err.find("--logs combined is for local runs"), std::string::npos) << slurm.err;
}

}  // namespace
}  // namespace flowbench
