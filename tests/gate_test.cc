#include "report/verdicts.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "support/command.h"
#include "util/json_reader.h"

namespace flowbench {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

Budgets budgets_from(const std::string& text) {
  testing::TempDir dir;
  testing::write_text(dir.path() / "budgets.json", text);
  auto budgets = load_budgets(dir.path() / "budgets.json");
  EXPECT_TRUE(budgets) << budgets.error().message;
  return budgets ? *budgets : Budgets{};
}

std::string budget_error(const std::string& text) {
  testing::TempDir dir;
  testing::write_text(dir.path() / "b.json", text);
  auto budgets = load_budgets(dir.path() / "b.json");
  if (budgets) return "(no error)";
  std::string message = budgets.error().message;
  const std::string prefix = (dir.path() / "b.json").string() + ": ";
  for (auto at = message.find(prefix); at != std::string::npos; at = message.find(prefix)) message.erase(at, prefix.size());
  return message;
}

TEST(BudgetsTest, BadFilesNameThePlaceAndTheFix) {
  EXPECT_EQ(budget_error("{\"targets\": ["),
            "/: malformed JSON at column 14: syntax error while parsing value - unexpected end of input; expected '[', "
            "'{', or a literal (the text ends early: a cut-off file?); fix: compare it with fixtures/k1n/budgets.json");
  EXPECT_EQ(budget_error(R"({"targets": []})"), "/targets: missing or empty; fix: list the targets to check");
  EXPECT_EQ(budget_error(R"({"targets": [{"name": "t", "metric": "speed", "max_s": 1}]})"),
            "/targets/0/metric: unknown metric speed; fix: use makespan, total, cpu, peak_rss_mib, task:<id>, "
            "task_cpu:<id>, op:<id>/<op>, quality, success or instances_ok (task:*, task_cpu:* and op:<id>/* expand)");
  EXPECT_EQ(budget_error(R"({"targets": [{"name": "t", "metric": "makespan", "regression": {"baseline": "b.json",
            "history": {"commits": 5}}}]})"),
            "/targets/0/regression/history: only a baseline \"history\" has a history window; fix: write "
            "\"baseline\": \"history\"");
  EXPECT_EQ(budget_error(R"({"targets": [{"name": "t", "metric": "makespan", "regression": {"baseline": "history",
            "history": {"commits": 0, "branch": 3}}}]})"),
            "/targets/0/regression/history/commits: must be a whole number from 1 to 10000, got 0; fix: write e.g. "
            "\"commits\": 5\n"
            "/targets/0/regression/history/branch: must be a non-empty string; fix: write a name");
  EXPECT_EQ(budget_error(R"({"targets": [{"name": "t", "metric": "makespan"}]})"),
            "/targets/0: target t has no bound; fix: give max_s, min, max, max_ratio (with ratio_to) or a regression "
            "check");
  EXPECT_EQ(budget_error(R"({"targets": [{"name": "t", "metric": "task:8", "max_ratio": 0.5}]})"),
            "/targets/0: max_ratio without ratio_to; fix: name the baseline variant: \"ratio_to\": \"sequential\"");
  EXPECT_EQ(budget_error(R"({"targets": [{"name": "t", "metric": "task:8", "max_s": 1},
                                        {"name": "t", "metric": "task:9", "max_s": 1}]})"),
            "/targets/1/name: duplicate target name t; fix: give every target its own name");
  EXPECT_EQ(budget_error(R"({"targets": [{"name": "t", "metric": "quality", "max_s": 1, "maxs": 2}]})"),
            "/targets/0/maxs: unknown key; fix: remove it or check its spelling\n"
            "/targets/0/max_s: quality is not a time; fix: use \"min\" or \"max\"");
  EXPECT_EQ(budget_error(R"({"targets": [{"name": "t", "metric": "total", "max_s": -3}]})"),
            "/targets/0/max_s: must be a number of at least 0; fix: write e.g. \"max_s\": 1\n"
            "/targets/0: target t has no bound; fix: give max_s, min, max, max_ratio (with ratio_to) or a regression "
            "check");
}

Measurements samples(std::map<SampleKey, std::vector<double>> values, double scale = 0.001) {
  Measurements m;
  m.samples = std::move(values);
  m.time_scale = scale;
  m.time_scale_known = true;
  m.source = "data";
  return m;
}

TEST(GateTest, ChecksAbsoluteRatioAndRateBoundsInModelUnits) {
  const Budgets budgets = budgets_from(R"({"time_scale": 0.001, "targets": [
    {"name": "t8", "variant": "opt", "metric": "task:8", "max_s": 600},
    {"name": "t8-ratio", "variant": "opt", "metric": "task:8", "max_ratio": 0.67, "ratio_to": "seq"},
    {"name": "total", "variant": "opt", "metric": "makespan", "max_s": 5400},
    {"name": "quality", "variant": "opt", "metric": "quality", "min": 0.95},
    {"name": "instances", "variant": "inst", "metric": "instances_ok", "min": 3, "stat": "min"}]})");
  // Task 8: 0.5 s measured = 500 model-s (met), seq 1.0 s: ratio 0.5 (met); makespan 5.5 s = 5500 > 5400.
  const Measurements data = samples({{{"opt", "task:8"}, {0.5, 0.4, 0.6}},
                                     {{"seq", "task:8"}, {1.0, 1.0, 1.0}},
                                     {{"opt", "makespan"}, {5.5, 5.4, 5.6}},
                                     {{"opt", "quality"}, {0.9975, 0.9975, 0.9975}},
                                     {{"inst", "instances_ok"}, {3, 2, 3}}});
  auto verdicts = evaluate_budgets(budgets, data, {});
  ASSERT_TRUE(verdicts) << verdicts.error().message;
  std::vector<std::string> states;
  for (const auto& v : *verdicts) states.push_back(verdict_name(v.state));
  EXPECT_EQ(states, (std::vector<std::string>{"met", "met", "not met", "met", "not met"}));
  EXPECT_EQ((*verdicts)[0].measured, "8.33 min [range 6.67 min, 10.00 min] n=3");
  EXPECT_EQ((*verdicts)[1].detail, "ratio 0.500 (seq 16.67 min)");
  EXPECT_EQ((*verdicts)[2].detail, "91.67 min > 90.00 min");
  EXPECT_EQ((*verdicts)[4].detail, "2 < 3");
  EXPECT_FALSE(all_met(*verdicts));
}

TEST(GateTest, MissingDataIsNotMeasuredAndFails) {
  const Budgets budgets = budgets_from(R"({"targets": [
    {"name": "gone", "variant": "opt", "metric": "task:9", "max_s": 600},
    {"name": "no-base", "variant": "opt", "metric": "task:8", "max_ratio": 0.5, "ratio_to": "seq"},
    {"name": "no-baseline", "variant": "opt", "metric": "makespan", "regression": {}}]})");
  auto verdicts = evaluate_budgets(budgets, samples({{{"opt", "makespan"}, {1, 2, 3}}, {{"opt", "task:8"}, {1}}}, 1.0), {});
  ASSERT_TRUE(verdicts);
  EXPECT_EQ((*verdicts)[0].state, VerdictState::kNotMeasured);
  EXPECT_EQ((*verdicts)[0].detail, "no samples of task:9 for variant opt in data");
  EXPECT_EQ((*verdicts)[1].state, VerdictState::kNotMeasured);
  EXPECT_EQ((*verdicts)[1].detail, "no samples of task:8 for variant seq");
  EXPECT_EQ((*verdicts)[2].state, VerdictState::kNotMeasured);
  EXPECT_EQ((*verdicts)[2].detail, "no baseline to check regressions against (give --baseline or regression.baseline)");
  EXPECT_FALSE(all_met(*verdicts));
}

TEST(GateTest, TimeScaleMismatchIsAnError) {
  const Budgets budgets = budgets_from(R"({"time_scale": 0.001, "targets": [
    {"name": "t", "metric": "makespan", "max_s": 1}]})");
  auto verdicts = evaluate_budgets(budgets, samples({{{"run", "makespan"}, {1}}}, 0.01), {});
  ASSERT_FALSE(verdicts);
  EXPECT_NE(verdicts.error().message.find("the budgets are for time scale 0.001 but data was measured at 0.01"),
            std::string::npos)
      << verdicts.error().message;
}

Budgets regression_budgets(std::size_t min_reps = 5) {
  return budgets_from(R"({"targets": [{"name": "no-regression", "variant": "v", "metric": "makespan",
    "regression": {"baseline": "base", "alpha": 0.05, "min_reps": )" + std::to_string(min_reps) +
                      R"(, "min_effect": 0.05}}]})");
}

VerdictState regression_state(const std::vector<double>& base, const std::vector<double>& now, std::size_t min_reps = 5) {
  Budgets budgets = regression_budgets(min_reps);
  Baselines baselines;
  baselines["base"] = samples({{{"v", "makespan"}, base}}, 1.0);
  budgets.targets[0].regression->baseline = "base";
  auto verdicts = evaluate_budgets(budgets, samples({{{"v", "makespan"}, now}}, 1.0), baselines);
  EXPECT_TRUE(verdicts);
  return verdicts ? (*verdicts)[0].state : VerdictState::kNotMeasured;
}

TEST(GateTest, RegressionNeedsSignificanceAndEffect) {
  const std::vector<double> base = {10.0, 10.1, 9.9, 10.05, 9.95};
  EXPECT_EQ(regression_state(base, {11.0, 11.1, 10.9, 11.05, 10.95}), VerdictState::kNotMet);   // +10%, p = 0.008
  EXPECT_EQ(regression_state(base, {10.2, 10.3, 10.25, 10.35, 10.4}), VerdictState::kMet);      // significant, +2.5%
  // +0% median but so noisy that a 5% regression is not ruled out: undecided, never a pass.
  EXPECT_EQ(regression_state(base, {9.0, 13.0, 9.5, 12.5, 10.0}), VerdictState::kUndecided);
  EXPECT_EQ(regression_state(base, {12.0, 12.0, 12.0}), VerdictState::kNotMeasured);            // 3 < 5 reps
  EXPECT_EQ(regression_state(base, {9.0, 9.1, 8.9, 9.05, 8.95}), VerdictState::kMet);           // faster
}

// A task that regressed is told against its slack in the baseline's schedule: within it the
// makespan did not grow; beyond it, by about the rest; a few microseconds (a sequential run)
// are no slack.
TEST(GateTest, ARegressedTaskIsToldAgainstItsSlack) {
  Budgets budgets = budgets_from(R"({"targets": [{"name": "t", "variant": "v", "metric": "task:2",
    "regression": {"alpha": 0.05, "min_reps": 5, "min_effect": 0.05}}]})");
  budgets.targets[0].regression->baseline = "base";
  const std::vector<double> base = {10.0, 10.1, 9.9, 10.05, 9.95}, now = {12.0, 12.1, 11.9, 12.05, 11.95};
  auto note = [&](double slack) {
    Baselines baselines;
    baselines["base"] = samples({{{"v", "task:2"}, base}}, 1.0);
    baselines["base"].slack[{"v", "task:2"}] = std::vector<double>(5, slack);
    auto verdicts = evaluate_budgets(budgets, samples({{{"v", "task:2"}, now}}, 1.0), baselines);
    EXPECT_TRUE(verdicts);
    EXPECT_EQ((*verdicts)[0].state, VerdictState::kNotMet) << (*verdicts)[0].detail;
    return (*verdicts)[0].slack_note;
  };
  EXPECT_NE(note(5.0).find("within its slack of 5"), std::string::npos) << note(5.0);
  EXPECT_NE(note(0.5).find("beyond its slack of 500"), std::string::npos) << note(0.5);
  EXPECT_NE(note(0.5).find("the makespan grew by about 1.5"), std::string::npos) << note(0.5);
  EXPECT_NE(note(2e-6).find("no slack"), std::string::npos) << note(2e-6);
}

TEST(GateTest, VerdictTableAndJunitAreWhole) {
  Verdict met;
  met.target = "t8";
  met.variant = "opt";
  met.metric = "task:8";
  met.state = VerdictState::kMet;
  met.measured = "8.33 min [range 6.67 min, 10.00 min] n=3";
  met.bound = "<= 10.00 min";
  Verdict failed;
  failed.target = "total";
  failed.variant = "opt";
  failed.metric = "makespan";
  failed.state = VerdictState::kNotMet;
  failed.measured = "91.67 min";
  failed.bound = "<= 90.00 min";
  failed.detail = "91.67 min > 90.00 min";
  std::ostringstream table, xml;
  print_verdicts(table, {met, failed});
  EXPECT_EQ(table.str(),
            "target  variant  measured                                  bound         verdict\n"
            "------  -------  ----------------------------------------  ------------  -------\n"
            "t8      opt      8.33 min [range 6.67 min, 10.00 min] n=3  <= 10.00 min  met\n"
            "total   opt      91.67 min                                 <= 90.00 min  not met\n"
            "\n"
            "FAILED total (not met): 91.67 min > 90.00 min\n"
            "\n"
            "1 of 2 targets met\n");
  write_verdicts_junit(xml, "gate k1n", {met, failed});
  EXPECT_EQ(xml.str(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"flowbench gate\" tests=\"2\" failures=\"1\" skipped=\"0\">\n"
            "  <testsuite name=\"gate k1n\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"
            "    <testcase classname=\"gate k1n\" name=\"t8\"/>\n"
            "    <testcase classname=\"gate k1n\" name=\"total\">\n"
            "      <failure type=\"not met\" message=\"91.67 min &gt; 90.00 min\">opt makespan: measured 91.67 min, "
            "bound &lt;= 90.00 min; 91.67 min &gt; 90.00 min</failure>\n"
            "    </testcase>\n"
            "  </testsuite>\n"
            "</testsuites>\n");
}

TEST(MeasurementsTest, ReadsGoogleBenchmarkIterationsAndCounters) {
  const json doc = json::parse(R"({"context": {"flowbench_time_scale": "0.001000"}, "benchmarks": [
    {"name": "BM_Workflow/optimized/iterations:1/manual_time", "run_name": "BM_Workflow/optimized/iterations:1/manual_time",
     "run_type": "iteration", "real_time": 4600, "time_unit": "ms", "task_8_s": 0.02, "quality": 0.99},
    {"name": "BM_Workflow/optimized/iterations:1/manual_time_median", "run_type": "aggregate", "real_time": 1, "time_unit": "ms"},
    {"name": "BM_Task/7-pattern-library/iterations:1/manual_time", "run_type": "iteration", "real_time": 723, "time_unit": "ms"},
    {"name": "BM_Task8/compile", "run_type": "iteration", "real_time": 1000000000, "time_unit": "ns"},
    {"name": "BM_Task/9-x/iterations:1/manual_time", "run_type": "iteration", "error_occurred": true, "real_time": 0}]})");
  auto m = measurements_from_gbench(doc, "perf.json");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_DOUBLE_EQ(m->time_scale, 0.001);
  const std::map<SampleKey, std::vector<double>> expected = {
      {{"optimized", "makespan"}, {4.6}}, {{"optimized", "task:8"}, {0.02}}, {{"optimized", "quality"}, {0.99}},
      {{"alone", "task:7"}, {0.723}},     {{"inprocess", "op:8/compile"}, {1.0}}};
  EXPECT_EQ(m->samples, expected);
  EXPECT_FALSE(measurements_from_gbench(json::parse("{}"), "x.json"));
}

// Google Benchmark writes a bare NaN for the spread of a counter that is zero in every
// repetition (a task's slack in a sequential run); the file still reads, strings untouched.
TEST(GateMeasurementsTest, GoogleBenchmarkJsonWithNaNAggregatesIsRead) {
  testing::TempDir dir;
  testing::write_text(dir.path() / "bench.json", R"({"context": {"num_cpus": 2}, "benchmarks": [
    {"name": "BM_X/repeats:2", "run_name": "BM_X", "run_type": "iteration", "real_time": 2.0,
     "cpu_time": 1.0, "time_unit": "ms", "slack_s": 0, "label": "NaN inside a string"},
    {"name": "BM_X/repeats:2", "run_name": "BM_X", "run_type": "iteration", "real_time": 4.0,
     "cpu_time": 1.0, "time_unit": "ms", "slack_s": 0},
    {"name": "BM_X_cv", "run_name": "BM_X", "run_type": "aggregate", "aggregate_name": "cv",
     "real_time": 0.47, "time_unit": "ms", "slack_s": NaN, "other": -nan, "far": Infinity}]})");
  auto m = load_measurements(dir.path() / "bench.json");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->benchmarks.at("BM_X"), (std::vector<double>{0.002, 0.004}));
  EXPECT_EQ(null_non_finite_numbers(R"({"a": NaN, "b": "NaN \" -inf", "c": [-Infinity, inf], "d": nano})"),
            R"({"a": null, "b": "NaN \" -inf", "c": [null, null], "d": nano})");
  testing::write_text(dir.path() / "bad.json", R"({"benchmarks": [NaNa]})");
  auto bad = load_measurements(dir.path() / "bad.json");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad.json: /: malformed JSON"), std::string::npos) << bad.error().message;
}

// The regression check on this machine's recorded noise: the spread of every workflow
// variant's makespan around its median in fixtures/k1n/perf-baseline.json (interleaved
// repetitions of flowbench_bench), resampled into 1,000 simulated gates of 5 against 5.
TEST(GateStatisticsTest, NoFalseAlarmsOnAAAndDetectsATenPercentSlowdown) {
  auto recorded = load_measurements(testing::source_path("fixtures/k1n/perf-baseline.json"));
  ASSERT_TRUE(recorded) << recorded.error().message;
  std::vector<double> noise;  // relative deviations from the median
  for (const auto& [key, values] : recorded->samples) {
    if (key.metric != "makespan" || values.size() < 5) continue;
    std::vector<double> sorted = values;
    std::sort(sorted.begin(), sorted.end());
    const double mid = sorted[sorted.size() / 2];
    for (double v : values) noise.push_back(v / mid - 1);
  }
  ASSERT_GE(noise.size(), 20u);
  std::mt19937 rng(20261124);
  std::uniform_int_distribution<std::size_t> pick(0, noise.size() - 1);
  auto draw = [&](double level) {
    std::vector<double> out;
    for (int i = 0; i < 5; ++i) out.push_back(level * (1 + noise[pick(rng)]));
    return out;
  };
  int false_alarms = 0, detections = 0;
  const int trials = 1000;
  for (int t = 0; t < trials; ++t) {
    const auto base = draw(100);
    false_alarms += regression_state(base, draw(100)) == VerdictState::kNotMet;
    detections += regression_state(base, draw(110)) == VerdictState::kNotMet;
  }
  std::printf("noise: %zu recorded deviations; A/A false alarms %d/%d (%.1f%%), 10%% slowdown detected %d/%d (%.1f%%)\n",
              noise.size(), false_alarms, trials, 100.0 * false_alarms / trials, detections, trials,
              100.0 * detections / trials);
  EXPECT_LE(false_alarms, trials * 5 / 100);  // at most alpha
  EXPECT_GE(detections, trials * 80 / 100);
}

}  // namespace
}  // namespace flowbench
