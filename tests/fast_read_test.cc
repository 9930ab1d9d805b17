// The fast readers (simdjson) against the checked reader: the same records from the same
// files, the same messages for bad ones; JSON lines read in chunks and in parts; the task index.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "analyze/run_data.h"
#include "analyze/task_index.h"
#include "record/profile_text.h"
#include "util/boxed.h"
#include "util/json_lines.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;

class FastReadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flowbench-fast-read-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  fs::path dir_;
};

// Both ways, the same answer: the same profile (as written back) or the same message.
void expect_same_profile_answer(const std::string& text) {
  ProfileParser fast, checked(true);
  auto one = fast.parse(text, "records.jsonl", 7, "delete the line", false);
  auto other = checked.parse(text, "records.jsonl", 7, "delete the line", false);
  ASSERT_EQ(one.ok(), other.ok()) << text << "\n" << (one.ok() ? other.error().message : one.error().message);
  if (one.ok()) EXPECT_EQ(to_json(*one).dump(), to_json(*other).dump()) << text;
  else EXPECT_EQ(one.error().message, other.error().message) << text;
}

const char* kProfile =
    R"({"task_id": 8, "start_time": "2026-11-24T09:30:00.123+00:00", "end_time": "2026-11-24T09:30:02.623+00:00",
        "duration_ms": 2500.25, "duration_sec": 2.5, "exit_code": 0, "log_file": "logs/task-8.log",
        "schema": "flowbench.profile/1", "name": "generate", "status": "ok", "reason": null, "signal": 0,
        "cpu_user_ms": 1200, "cpu_sys_ms": 30.5, "max_rss_kb": 20480, "cache": "miss", "cache_key": "ab12",
        "original_duration_ms": null, "ops": [{"name": "parse", "duration_ms": 300}, {"name": "render", "duration_ms": 1.5}],
        "quality": {"passed": 9, "failed": 1}, "slot": 1, "time_scale": 0.001})";

TEST_F(FastReadTest, AProfileReadsTheSameBothWays) {
  expect_same_profile_answer(kProfile);
  ProfileParser fast;
  auto profile = fast.parse(kProfile, "p.json", 0, "rerun", false);
  ASSERT_TRUE(profile.ok()) << profile.error().message;
  EXPECT_EQ(profile->id, "8");
  EXPECT_EQ(profile->extra().cache_key, "ab12");
  ASSERT_EQ(profile->ops.size(), 2u);
  EXPECT_EQ(profile->ops[1].name, "render");
  EXPECT_EQ(profile->quality_failed, 1);
  EXPECT_EQ(iso8601(*profile->start_time), "2026-11-24T09:30:00.123+00:00");
}

TEST_F(FastReadTest, EveryFieldVariantGivesTheSameAnswerBothWays) {
  const std::vector<std::string> variants = {
      R"({"task_id": "gen", "duration_ms": 1})",
      R"({"task_id": 18446744073709551615, "duration_ms": 1})",
      R"({"task_id": 1, "duration_ms": 1, "task_id": "later"})",
      R"({"task_id": 1, "duration_ms": 1, "unknown": [1, {"x": null}], "resumed_from": "runs/r1"})",
      R"({"task_id": 1, "duration_ms": 1, "executor": {"name": "slurm", "node": "n1", "job": 12}, "queue_wait_ms": 30})",
      R"({"task_id": 1, "duration_ms": 1, "executor": "local"})",
      R"({"task_id": 1, "duration_ms": 1, "queue_wait_ms": null})",
      R"({"task_id": 1, "duration_ms": 1, "original_duration_ms": 2, "cache": "hit", "cache_key": "k"})",
      R"({"task_id": 1, "duration_ms": 1, "quality": {"passed": null, "failed": 2, "failed": 3}})",
      R"({"task_id": 1, "duration_ms": 1, "quality": [1]})",
      R"({"task_id": 1, "duration_ms": 1, "ops": [{"name": "x"}]})",
      R"({"task_id": 1, "duration_ms": 1, "ops": {"name": "x"}})",
      R"({"task_id": 1, "duration_ms": -0})",
      R"({"task_id": -0, "duration_ms": 1})",
      R"({"task_id": 1, "duration_ms": 1, "exit_code": -0})",
      R"({"task_id": 1, "duration_ms": 1, "exit_code": 1.0})",
      R"({"task_id": 1, "duration_ms": 1, "exit_code": 256})",
      R"({"task_id": 1, "duration_ms": 1e400})",
      R"({"task_id": 1, "duration_ms": 1, "max_rss_kb": 99999999999999999999})",
      R"({"task_id": 1, "duration_ms": 1, "start_time": "2026-1-5T09:30:00Z"})",
      R"({"task_id": 1, "duration_ms": 1, "start_time": "1013-01-01T00:00:00Z"})",
      R"({"task_id": 1, "duration_ms": 1, "end_time": "2026-02-31T23:59:60+05:30"})",
      R"({"task_id": 1, "duration_ms": 1, "status": "done"})",
      R"({"task_id": 1, "duration_ms": 1, "name": "a\u0000b"})",
      R"({"task_id": 1, "duration_ms": 1, "name": "\ud800"})",
      R"({"task_id": 1, "duration_ms": 1} trailing)",
      R"({"task_id": 1, "duration_ms": 1)",
      R"([{"task_id": 1}])",
      "",
      "\r",
      R"({"task_id": "", "duration_ms": 1})",
      R"({"task_id": true, "duration_ms": 1})",
      R"({"duration_ms": 1})",
      R"({"task_id": 1})",
      R"({"task_id": 1, "duration_ms": "1"})",
      R"({"task_id": 1, "duration_ms": 1, "slot": 1048577})",
      R"({"task_id": 1, "duration_ms": 1, "time_scale": 0})",
  };
  for (const auto& text : variants) expect_same_profile_answer(text);
}

TEST_F(FastReadTest, LinesAcrossChunksLongLinesAndNoFinalNewline) {
  const std::string long_line(3 << 20, 'x');  // longer than the reader's 1 MiB chunk
  const fs::path file = write("lines.jsonl", "a\n\nbb\n" + long_line + "\nlast");
  std::vector<std::pair<std::size_t, std::string>> seen;
  auto status = for_each_json_line(file, [&](std::size_t number, std::string_view text) -> Status {
    seen.emplace_back(number, std::string(text));
    return ok_status();
  });
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], (std::pair<std::size_t, std::string>{1, "a"}));
  EXPECT_EQ(seen[1], (std::pair<std::size_t, std::string>{3, "bb"})) << "the empty line 2 is skipped, still counted";
  EXPECT_EQ(seen[2].first, 4u);
  EXPECT_EQ(seen[2].second.size(), long_line.size());
  EXPECT_EQ(seen[3], (std::pair<std::size_t, std::string>{5, "last"}));

  auto middle = next_line_start(file, 4);  // inside "bb"
  ASSERT_TRUE(middle.ok());
  EXPECT_EQ(*middle, 6u);
  EXPECT_EQ(next_line_start(file, 3).value(), 3u) << "a line starts right there";
  EXPECT_EQ(lines_before(file, *middle).value(), 3u);
  std::vector<std::string> part;
  ASSERT_TRUE(for_each_json_line(file, 0, *middle, [&](std::size_t, std::string_view text) -> Status {
                part.emplace_back(text);
                return ok_status();
              }).ok());
  EXPECT_EQ(part, (std::vector<std::string>{"a", "bb"}));
  auto missing = for_each_json_line(dir_ / "none.jsonl", [](std::size_t, std::string_view) { return ok_status(); });
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("none.jsonl: cannot read"), std::string::npos);
}

// A run folder of `tasks` tasks in a chain, its records.jsonl written in reverse order.
fs::path big_run(const fs::path& dir, int tasks, int bad_line = 0) {
  std::string graph, records;
  for (int i = 1; i <= tasks; ++i) {
    graph += std::string(i > 1 ? "," : "") + R"({"id": )" + std::to_string(i) + R"(, "name": "task-)" +
             std::to_string(i) + R"(", "command": ["synth", "--x"], "after": [)" + (i > 1 ? std::to_string(i - 1) : "") + "]}";
  }
  for (int i = tasks, line = 1; i >= 1; --i, ++line) {
    std::string profile = std::string(kProfile);
    profile.replace(profile.find("\"task_id\": 8"), 12, "\"task_id\": " + std::to_string(i));
    profile.erase(std::remove(profile.begin(), profile.end(), '\n'), profile.end());
    if (line == bad_line) profile.replace(profile.find("\"slot\": 1"), 9, "\"slot\": \"one\"");
    records += profile + "\n";
  }
  std::ofstream(dir / "run.json") << R"({"run_id": "big", "status": "complete", "context": {"jobs": 2, "time_scale": 0.001}, "graph": [)"
                                  << graph << "]}";
  std::ofstream(dir / "records.jsonl") << records;
  return dir;
}

TEST_F(FastReadTest, ABigRunReadsTheSameBothWaysAndNamesABadLineInItsSecondHalf) {
  fs::create_directories(dir_ / "run");
  const fs::path run = big_run(dir_ / "run", 12000);  // records.jsonl over 4 MB: read in two halves
  ASSERT_GT(fs::file_size(run / "records.jsonl"), std::uintmax_t(4) << 20);
  auto fast = load_run(run);
  auto checked = load_run(run, true);
  ASSERT_TRUE(fast.ok()) << fast.error().message;
  ASSERT_TRUE(checked.ok()) << checked.error().message;
  EXPECT_EQ(record_json(*fast).dump(), record_json(*checked).dump());
  ASSERT_EQ(fast->tasks.size(), 12000u);
  EXPECT_EQ(fast->tasks[41].profile->id, "42");
  EXPECT_EQ(fast->deps[41], (std::vector<std::size_t>{40}));

  big_run(run, 12000, 11000);  // line 11,000: in the second half
  auto bad = load_run(run);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("records.jsonl:11000: /slot: must be a whole number, got \"one\""), std::string::npos)
      << bad.error().message;
  auto bad_checked = load_run(run, true);
  ASSERT_FALSE(bad_checked.ok());
  EXPECT_EQ(bad.error().message, bad_checked.error().message);
}

TEST_F(FastReadTest, GraphProblemsAreTheCheckedReadersMessages) {
  const std::vector<std::string> graphs = {
      R"([{"id": 1}, {"id": 1}])",
      R"([{"id": 1, "after": [2]}])",
      R"([{"id": 1, "after": [2]}, {"id": 2, "after": [1]}])",
      R"([{"id": 1, "command": "synth"}])",
      R"([{"id": 1, "command": ["synth", 3]}])",
      R"([{"id": 1, "expected_s": -1}])",
      R"([{"id": 1, "name": 5}])",
      R"([{"name": "no id"}])",
      R"([{"id": 1, "id": 2, "after": [1]}])",
      R"({"id": 1})",
      R"([1])",
      R"([{"id": 1, "name": null, "expected_s": null, "command": null, "after": null}])",
  };
  for (const auto& graph : graphs) {
    const fs::path run = dir_ / "g";
    fs::remove_all(run);
    write("g/run.json", R"({"run_id": "g", "status": "complete", "graph": )" + graph + "}");
    auto fast = load_run(run);
    auto checked = load_run(run, true);
    ASSERT_EQ(fast.ok(), checked.ok()) << graph;
    if (fast.ok()) EXPECT_EQ(record_json(*fast).dump(), record_json(*checked).dump()) << graph;
    else EXPECT_EQ(fast.error().message, checked.error().message) << graph;
  }
}

TEST(TaskIndexTest, FindsShortAndLongIdsAndRefusesARepeatedOne) {
  std::vector<TaskRecord> tasks;
  TaskIndex index;
  for (int i = 0; i < 1000; ++i) {
    tasks.push_back({i % 2 ? std::to_string(i) : "a-task-name-longer-than-the-slot-" + std::to_string(i), "", {}, {}, {}});
    EXPECT_FALSE(index.add(tasks, tasks.size() - 1).has_value());
  }
  EXPECT_EQ(index.find(tasks, "999"), 999u);
  EXPECT_EQ(index.find(tasks, "a-task-name-longer-than-the-slot-998"), 998u);
  EXPECT_FALSE(index.find(tasks, "1000").has_value());
  EXPECT_FALSE(index.find(tasks, "").has_value());
  tasks.push_back({"7", "", {}, {}, {}});
  EXPECT_EQ(index.add(tasks, tasks.size() - 1), 7u) << "a repeated id names the first task";
  EXPECT_EQ(index.find(tasks, "7"), 7u);
}

TEST(TaskIndexTest, NumberedIdsInTheArrayAndTheRestInTheTable) {
  std::vector<TaskRecord> tasks;
  for (const char* id : {"0", "7", "07", "19", "20", "4294967296", "12345678901", "x", "-1", "3"}) {
    tasks.push_back({id, "", {}, {}, {}});
  }
  TaskIndex index;
  index.reserve(10);  // numbers 0..19 in the array
  for (std::size_t i = 0; i < tasks.size(); ++i) EXPECT_FALSE(index.add(tasks, i).has_value()) << tasks[i].id;
  for (std::size_t i = 0; i < tasks.size(); ++i) EXPECT_EQ(index.find(tasks, tasks[i].id), i) << tasks[i].id;
  for (const char* absent : {"1", "18", "21", "007", "00", "", "4294967297"}) {
    EXPECT_FALSE(index.find(tasks, absent).has_value()) << absent;
  }
  tasks.push_back({"19", "", {}, {}, {}});
  EXPECT_EQ(index.add(tasks, tasks.size() - 1), 3u) << "a repeated numbered id names the first task";
  tasks.push_back({"20", "", {}, {}, {}});
  EXPECT_EQ(index.add(tasks, tasks.size() - 1), 4u) << "and one past the array too";
  index.reserve(1000);  // after an add: changes nothing
  EXPECT_EQ(index.find(tasks, "7"), 1u);
  EXPECT_EQ(index.find(tasks, "20"), 4u);
}

TEST(BoxedTest, CopiesAreDeepAndEmptyIsNone) {
  Boxed<std::string> empty;
  EXPECT_FALSE(empty);
  Boxed<std::string> one = std::string("text");
  Boxed<std::string> copy = one;
  *copy += "!";
  EXPECT_EQ(*one, "text");
  EXPECT_EQ(*copy, "text!");
  copy = std::nullopt;
  EXPECT_FALSE(copy.has_value());
}

}  // namespace
}  // namespace flowbench
