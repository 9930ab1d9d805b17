#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "analyze/run_data.h"
#include "analyze/series.h"
#include "analyze/summary.h"
#include "report/analysis_report.h"
#include "report/series_report.h"
#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// Writes a run folder: graph a -> {b, c} -> d, given durations (ms) and makespan.
fs::path write_run(const fs::path& dir, const std::string& id, std::map<std::string, double> ms,
                   double makespan_ms, double time_scale = 1.0, const std::string& status = "complete") {
  const fs::path run = dir / id;
  json graph = json::array({{{"id", "a"}, {"name", "fetch"}, {"after", json::array()}},
                            {{"id", "b"}, {"name", "build"}, {"after", {"a"}}},
                            {{"id", "c"}, {"name", "lint"}, {"after", {"a"}}},
                            {{"id", "d"}, {"name", "ship"}, {"after", {"b", "c"}}}});
  testing::write_text(run / "run.json", json{{"run_id", id}, {"workflow", "w"}, {"status", status},
                                              {"context", {{"time_scale", time_scale}}},
                                              {"totals", {{"makespan_ms", makespan_ms}}}, {"graph", graph}}
                                             .dump());
  std::string records;
  for (const auto& [task, duration] : ms) {
    records += json{{"task_id", task}, {"name", task}, {"duration_ms", duration}, {"status", "ok"},
                    {"ops", json::array({{{"name", "parse"}, {"duration_ms", duration / 4}}})}}
                   .dump() +
               "\n";
  }
  testing::write_text(run / "records.jsonl", records);
  return run;
}

TEST(AnalyzeTest, CriticalPathBoundsSiblingsAndWhatIf) {
  testing::TempDir dir;
  auto run = load_run(write_run(dir.path(), "r", {{"a", 100}, {"b", 300}, {"c", 200}, {"d", 100}}, 520));
  ASSERT_TRUE(run.ok()) << run.error().message;
  auto a = analyze_run(*run, {{"b", 0.05, false}}, 1.0);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->total_ms, 700);
  EXPECT_EQ(a->path.tasks, (std::vector<std::string>{"a", "b", "d"}));
  EXPECT_EQ(a->path.length_ms, 500);
  EXPECT_EQ(a->lower_bounds, (std::vector<std::pair<std::string, double>>{
                                 {"1", 700}, {"2", 500}, {"4", 500}, {"unlimited", 500}}));
  ASSERT_EQ(a->siblings.size(), 1u);
  EXPECT_EQ(a->siblings[0].tasks, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(a->siblings[0].sequential_ms - a->siblings[0].parallel_ms, 200);
  // b at 50 ms: the path goes through c.
  EXPECT_EQ(a->what_if_path->tasks, (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(a->what_if_path->length_ms, 400);
  EXPECT_EQ(a->what_if_total_ms, 450);
  // The plan's classes: b 42.9% and c 28.6% and a, d 14.3% are all over 10%.
  EXPECT_EQ(a->critical_tasks, (std::vector<std::string>{"b", "c", "a", "d"}));
  const auto summary = summary_json(*a, 1.0);
  EXPECT_EQ(summary.begin().key(), "total_duration_ms");
  EXPECT_EQ(summary["slowest_task_id"], "b");
  EXPECT_EQ(summary["graph_critical_path"]["length_ms"], 500);
  EXPECT_NEAR(summary["parallelism"].get<double>(), 700.0 / 520, 1e-12);
}

TEST(AnalyzeTest, WhatIfUsesModelUnits) {
  testing::TempDir dir;
  auto run = load_run(write_run(dir.path(), "r", {{"a", 100}, {"b", 300}, {"c", 200}, {"d", 100}}, 520, 0.001));
  auto a = analyze_run(*run, {{"b", 60, false}}, 0.001);  // 60 model-s = 60 ms measured
  EXPECT_EQ(a->what_if_path->length_ms, 400);
  EXPECT_FALSE(analyze_run(*run, {{"zz", 1}}, 1.0).ok());
  EXPECT_FALSE(parse_what_if("8").ok());
  EXPECT_FALSE(parse_what_if("8=-0.5").ok());
  EXPECT_FALSE(parse_what_if("=0.5").ok());
  EXPECT_EQ(parse_what_if("8=600s").value().value, 600);
  EXPECT_FALSE(parse_what_if("8=600s").value().factor);
  EXPECT_EQ(parse_what_if("8=0.5").value().value, 0.5);
  EXPECT_TRUE(parse_what_if("8=0.5x").value().factor);
}

// a -> {b 300, c 200} -> d, replayed at 2 workers: 500 as measured. b at half: the path goes
// through c (400); the replay, the critical path and the tight bound say so.
TEST(AnalyzeTest, WhatIfFactorsReplayTheSchedule) {
  testing::TempDir dir;
  auto run = load_run(write_run(dir.path(), "r", {{"a", 100}, {"b", 300}, {"c", 200}, {"d", 100}}, 520));
  auto a = analyze_run(*run, {{"b", 0.5}}, 1.0, 2);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->workers, 2u);
  EXPECT_EQ(a->time_won.replayed_ms, 500);
  EXPECT_EQ(a->what_if_replayed_ms, 400);
  EXPECT_EQ(a->what_if_path->tasks, (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(a->what_if_bound_ms, 400);
  const auto summary = summary_json(*a, 1.0);
  EXPECT_EQ(summary["what_if"]["makespan_ms"], 400);
  EXPECT_EQ(summary["what_if"]["factors"]["b"], 0.5);
  EXPECT_EQ(summary["makespan_vs_tight_bound"]["workers"], 2);
  EXPECT_EQ(summary["makespan_vs_tight_bound"]["bound_ms"], 500);
  EXPECT_NEAR(summary["makespan_vs_tight_bound"]["excess"].get<double>(), 520.0 / 500 - 1, 1e-12);
  // Where time can be won: b first (at zero, a -> c -> d = 400), c off the path saves nothing.
  const auto& rows = summary["where_time_can_be_won"]["rows"];
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0]["task"], "b");
  EXPECT_EQ(rows[0]["makespan_at_zero_ms"], 400);
  EXPECT_NEAR(rows[0]["saving_at_zero"].get<double>(), 0.2, 1e-12);
  EXPECT_EQ(summary["slack_ms"]["c"], 100);
  EXPECT_EQ(summary["slack_ms"]["b"], 0);
  std::ostringstream out;
  print_analysis(out, *a, 1.0);
  // The ranked table comes first, before the plan's top 10.
  EXPECT_LT(out.str().find("WHERE TIME CAN BE WON"), out.str().find("TOP 10 SLOWEST TASKS")) << out.str();
  EXPECT_NE(out.str().find(": 42.9% of the work; at zero the workflow 20.0% shorter, at half 20.0%"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("parse: 25.0% of Task b (at most 25.0% of Task b to win)"), std::string::npos) << out.str();
}

TEST(AnalyzeTest, PrintsThePlansReportComputed) {
  testing::TempDir dir;
  auto run = load_run(write_run(dir.path(), "r", {{"a", 100}, {"b", 300}, {"c", 200}, {"d", 100}}, 520));
  auto a = analyze_run(*run, {}, 1.0);
  std::ostringstream out;
  print_analysis(out, *a, 1.0);
  const std::string text = out.str();
  EXPECT_NE(text.find("Critical path: a -> b -> d = 500.00 ms"), std::string::npos) << text;
  EXPECT_NE(text.find("Tasks b, c wait only for a: in parallel they take 300.00 ms instead of 500.00 ms (saves 200.00 ms)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Task b (build) breakdown:"), std::string::npos) << text;
}

TEST(AnalyzeTest, BadRunFoldersAreNamedWithTheFix) {
  testing::TempDir dir;
  auto missing = load_run(dir.path() / "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("give a run folder"), std::string::npos);
  const fs::path run = write_run(dir.path(), "r", {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}}, 4);
  testing::write_text(run / "records.jsonl", testing::read_text(run / "records.jsonl") + "{\"task_id\": \"e\", \"dur");
  auto torn = load_run(run);
  ASSERT_FALSE(torn.ok());
  EXPECT_NE(torn.error().message.find("records.jsonl:5: /: malformed JSON at column"), std::string::npos) << torn.error().message;
  auto empty = load_runs({dir.path() / "r" / ".."/ "r" / "missing-series"});
  EXPECT_FALSE(empty.ok());
}

TEST(AnalyzeTest, SeriesStatisticsAndUnstableTasks) {
  testing::TempDir dir;
  for (int i = 0; i < 6; ++i) {
    // b is steady, c swings by 50%.
    write_run(dir.path() / "series", std::string("run") + std::to_string(i),
              {{"a", 100}, {"b", 300.0 + i}, {"c", i % 2 ? 150.0 : 300.0}, {"d", 100}}, 600.0 + i);
  }
  auto runs = load_runs({dir.path() / "series"});
  ASSERT_TRUE(runs.ok()) << runs.error().message;
  ASSERT_EQ(runs->size(), 6u);
  auto stats = series_stats(*runs);
  ASSERT_EQ(stats.size(), 5u);  // four tasks and the total
  EXPECT_EQ(stats[1].id, "b");
  EXPECT_EQ(stats[1].median, 302.5);
  EXPECT_EQ(stats[1].min, 300);
  EXPECT_EQ(stats[1].max, 305);
  ASSERT_TRUE(stats[1].ci95.has_value());
  EXPECT_FALSE(stats[1].unstable);
  EXPECT_TRUE(stats[2].unstable);
  EXPECT_EQ(stats[4].id, kTotalId);
  EXPECT_EQ(stats[4].median, 602.5);
}

TEST(AnalyzeTest, CompareFlagsSignificantChangesOnly) {
  testing::TempDir dir;
  for (int i = 0; i < 5; ++i) {
    const std::string id = std::string(1, 'r') + std::to_string(i);
    write_run(dir.path() / "before", id, {{"a", 100.0 + i}, {"b", 300.0 + i}, {"c", 50}, {"d", 10}}, 500.0 + i);
    write_run(dir.path() / "after", id, {{"a", 101.0 + i}, {"b", 240.0 + i}, {"c", 80}, {"d", 10}}, 440.0 + i);
  }
  auto before = load_runs({dir.path() / "before"});
  auto after = load_runs({dir.path() / "after"});
  auto changes = compare_runs(*before, *after, CompareOptions{});
  std::map<std::string, Change> by_id;
  for (const auto& c : changes) by_id[c.id] = c;
  EXPECT_EQ(by_id["a"].verdict, "unchanged");  // +1%: under the 5% noise threshold
  EXPECT_EQ(by_id["b"].verdict, "faster");
  EXPECT_NEAR(*by_id["b"].p_value, 0.007936507936507936, 1e-12);
  EXPECT_NEAR(by_id["b"].change, 242.0 / 302 - 1, 1e-12);
  // c: +60% but every sample ties within each side: still significant.
  EXPECT_EQ(by_id["c"].verdict, "slower");
  EXPECT_EQ(by_id["total"].verdict, "faster");
  auto few = compare_runs({before->begin(), before->begin() + 3}, {after->begin(), after->begin() + 3}, CompareOptions{});
  EXPECT_EQ(few[1].verdict, "faster (too few samples for a test)");
  EXPECT_FALSE(few[1].p_value.has_value());
}

}  // namespace
}  // namespace flowbench
