// `flowbench analyze`, `compare` and `report` through the real binary on real runs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/command.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class CliReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // a -> {b, c} -> d; b reports ops and its speed-up is the "optimization" measured: 600 to 60
    // model-seconds (ms here), a change no load can blur. At 60 to 30 a loaded sanitizer run
    // once read b 18% slower: process starts cost more there than the 30 ms between the sides.
    for (const char* variant : {"before", "after"}) {
      const std::string b_seconds = std::string(variant) == "before" ? "600" : "60";
      testing::write_text(dir_.path() / variant / "spec.json", R"({"schema": "flowbench.workflow/1", "tasks": [
        {"id": "a", "command": ["synth", "--duration-s", "20"]},
        {"id": "b", "command": ["synth", "--duration-s", ")" + b_seconds + R"(", "--ops", "parse=0.5,write=0.25"],
         "after": ["a"]},
        {"id": "c", "command": ["synth", "--duration-s", "20"], "after": ["a"]},
        {"id": "d", "command": ["synth", "--duration-s", "10"], "after": ["b", "c"]}]})");
      for (int i = 0; i < 5; ++i) {
        std::string run_id(1, 'r');
        run_id += std::to_string(i);
        auto result = flowbench({"run", (dir_.path() / variant / "spec.json").string(), "--time-scale", "0.001",
                                 "--mode", std::string(variant) == "before" ? "sequential" : "parallel", "--out",
                                 (dir_.path() / "series" / variant).string(), "--run-id", run_id, "-q"});
        ASSERT_EQ(result.exit_code, 0) << result.err;
      }
    }
  }
  testing::CommandResult flowbench(std::vector<std::string> args) {
    args.insert(args.begin(), testing::bin_path("flowbench").string());
    return testing::run_command(args, dir_.path());
  }
  fs::path series(const char* variant) const { return dir_.path() / "series" / variant; }
  testing::TempDir dir_;
};

TEST_F(CliReportTest, AnalyzeWritesSummaryAndPrintsTheComputedReport) {
  auto result = flowbench({"analyze", (series("after") / "r0").string(), "--what-if", "b=10s"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("Critical path: a -> b -> d"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("What if task b took 10 s: replayed at 2 worker(s) the makespan is"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("); critical path a -> c -> d"), std::string::npos) << result.out;
  // The ranked ceilings come first.
  EXPECT_LT(result.out.find("WHERE TIME CAN BE WON"), result.out.find("TOP 10 SLOWEST TASKS")) << result.out;
  auto factors = flowbench({"analyze", (series("after") / "r0").string(), "--what-if", "b=0.5,a=0"});
  ASSERT_EQ(factors.exit_code, 0) << factors.err;
  EXPECT_NE(factors.out.find("What if task b took 0.5x its time task a took 0x its time"), std::string::npos)
      << factors.out;
  for (const auto& bad : {std::vector<std::string>{"--what-if", "zz=0.5"}, {"--what-if", "b=-1"}, {"--workers", "0"}}) {
    std::vector<std::string> args = {"analyze", (series("after") / "r0").string()};
    args.insert(args.end(), bad.begin(), bad.end());
    auto refused = flowbench(args);
    EXPECT_EQ(refused.exit_code, 2) << bad[1] << "\n" << refused.out << refused.err;
    const bool says_what = refused.err.find("fix") != std::string::npos || refused.err.find("write TASK") != std::string::npos;
    EXPECT_TRUE(says_what) << refused.err;
  }
  const json summary = json::parse(testing::read_text(series("after") / "r0" / "summary.json"));
  EXPECT_EQ(summary["task_count"], 4);
  EXPECT_EQ(summary["slowest_task_id"], "b");
  EXPECT_EQ(summary["graph_critical_path"]["tasks"], json({"a", "b", "d"}));
  auto stats = flowbench({"analyze", series("before").string()});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_NE(stats.out.find("5 runs"), std::string::npos) << stats.out;
  auto bad = flowbench({"analyze", (dir_.path() / "nowhere").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("no such folder"), std::string::npos) << bad.err;
}

TEST_F(CliReportTest, CompareFindsTheFasterTaskAndWritesJson) {
  auto result = flowbench({"compare", series("before").string(), series("after").string(), "--json",
                           (dir_.path() / "compare.json").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json compare = json::parse(testing::read_text(dir_.path() / "compare.json"));
  std::map<std::string, json> rows;
  for (const auto& row : compare["tasks"]) rows[row["id"]] = row;
  EXPECT_EQ(rows["b"]["verdict"], "faster");
  // The change is what the medians say (the medians themselves vary with machine load).
  const double before = rows["b"]["before_median_ms"], after = rows["b"]["after_median_ms"];
  EXPECT_DOUBLE_EQ(rows["b"]["change"].get<double>(), after / before - 1);
  EXPECT_LT(rows["b"]["change"].get<double>(), 0);
  EXPECT_LT(rows["b"]["p_value"].get<double>(), 0.05);  // 0.0079 when the two sides separate completely
  EXPECT_EQ(rows["total"]["verdict"], "faster");
}

TEST_F(CliReportTest, ReportHasEveryNumberFromDataAndItsPlots) {
  auto result = flowbench({"report", "--before", series("before").string(), "--after", series("after").string(),
                           "--phase", "b,c", "-o", (dir_.path() / "reports" / "demo.md").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string report = testing::read_text(dir_.path() / "reports" / "demo.md");
  EXPECT_NE(report.find("# Completion report"), std::string::npos);
  EXPECT_NE(report.find("from 5 baseline and 5 optimized runs"), std::string::npos) << report;
  EXPECT_NE(report.find("| Task b (b) | "), std::string::npos) << report;
  // The total and b come with a p-value (0.0079 when the timings separate completely; a
  // loaded machine can blur one pair, so the test asks for significance, not that value).
  const auto first = report.find("Mann-Whitney p = 0.0");
  ASSERT_NE(first, std::string::npos) << report;
  EXPECT_NE(report.find("Mann-Whitney p = 0.0", first + 1), std::string::npos) << report;
  EXPECT_NE(report.find("| Tasks b, c (first start to last end) |"), std::string::npos) << report;
  EXPECT_NE(report.find("- Baseline (run r0): a → b → d"), std::string::npos) << report;
  for (const char* plot : {"gantt-before.png", "gantt-after.png", "bars.png", "breakdown.png", "distribution.png"}) {
    EXPECT_NE(report.find(std::string("(demo_plots/") + plot + ")"), std::string::npos) << plot;
    EXPECT_TRUE(fs::exists(dir_.path() / "reports" / "demo_plots" / plot)) << plot;
  }
}

}  // namespace
}  // namespace flowbench
