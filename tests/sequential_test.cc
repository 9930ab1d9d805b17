// Paired verdicts, three-way decisions and rounds until decided: the gate's choice of test by
// what the data carries, the spending of alpha over looks, decisions kept once taken, and the
// false-alarm rate of the whole sequential design, simulated.
#include <gtest/gtest.h>

#include <random>

#include "gate/power.h"
#include "gate/sequential.h"
#include "support/command.h"

namespace flowbench {
namespace {

Budgets budgets_from(const testing::TempDir& dir, const std::string& text) {
  testing::write_text(dir.path() / "b.json", text);
  auto budgets = load_budgets(dir.path() / "b.json");
  EXPECT_TRUE(budgets) << budgets.error().message;
  for (auto& t : budgets->targets) {
    if (t.regression) t.regression->baseline = "base";
  }
  return *budgets;
}

// One sample a round for `metric`, the rounds 0..n-1 (or `rounds`).
Measurements in_rounds(const std::string& metric, const std::vector<double>& values,
                       std::vector<std::size_t> rounds = {}) {
  Measurements m;
  m.source = "test";
  m.samples[{"v", metric}] = values;
  if (rounds.empty()) {
    for (std::size_t i = 0; i < values.size(); ++i) rounds.push_back(i);
  }
  m.sample_rounds[{"v", metric}] = rounds;
  return m;
}

// Drift between rounds of +-20%, identical on both sides, and a 3% slowdown of the candidate:
// unpaired the drift hides it; paired it is plain.
TEST(PairedGateTest, RoundsThatPairUpAreComparedPairByPair) {
  testing::TempDir dir;
  const Budgets budgets = budgets_from(dir, R"({"targets": [{"name": "t", "variant": "v", "metric": "makespan",
    "regression": {"alpha": 0.01, "min_effect": 0.02, "min_reps": 5}}]})");
  const std::vector<double> drift = {1.0, 1.2, 0.8, 1.1, 0.9, 1.15, 0.85, 1.05};
  std::vector<double> base, now;
  for (std::size_t i = 0; i < drift.size(); ++i) {
    base.push_back(drift[i] * (1 + 0.001 * static_cast<double>(i % 3)));
    now.push_back(drift[i] * 1.03 * (1 + 0.001 * static_cast<double>((i + 1) % 3)));
  }
  auto paired = evaluate_budgets(budgets, in_rounds("makespan", now), {{"base", in_rounds("makespan", base)}});
  ASSERT_TRUE(paired);
  const Verdict& v = paired->front();
  ASSERT_TRUE(v.regression);
  EXPECT_EQ(v.regression->test, TestKind::kPairedT);
  EXPECT_TRUE(v.regressed) << v.detail;
  EXPECT_NEAR(v.regression->worse, 0.03, 0.002);
  EXPECT_NE(v.detail.find("paired t on log ratios"), std::string::npos) << v.detail;
  // The same samples without rounds: the Mann-Whitney test, which the drift defeats.
  Measurements base_plain = in_rounds("makespan", base), now_plain = in_rounds("makespan", now);
  base_plain.sample_rounds.clear();
  now_plain.sample_rounds.clear();
  auto unpaired = evaluate_budgets(budgets, now_plain, {{"base", base_plain}});
  ASSERT_TRUE(unpaired);
  EXPECT_EQ(unpaired->front().regression->test, TestKind::kMannWhitney);
  EXPECT_FALSE(unpaired->front().regressed);
  EXPECT_EQ(unpaired->front().state, VerdictState::kUndecided) << unpaired->front().detail;
  EXPECT_NE(unpaired->front().detail.find("undecided"), std::string::npos) << unpaired->front().detail;
}

TEST(PairedGateTest, ARoundMeasuredOnOneSideIsLeftOutAndSaid) {
  testing::TempDir dir;
  const Budgets budgets = budgets_from(dir, R"({"targets": [{"name": "t", "variant": "v", "metric": "makespan",
    "regression": {"min_effect": 0.05, "min_reps": 3}}]})");
  auto verdicts = evaluate_budgets(budgets, in_rounds("makespan", {1.0, 1.001, 0.999, 1.0}, {0, 1, 3, 4}),
                                   {{"base", in_rounds("makespan", {1.0, 1.0, 1.002, 0.998, 1.0})}});
  ASSERT_TRUE(verdicts);
  const Verdict& v = verdicts->front();
  ASSERT_TRUE(v.regression);
  EXPECT_EQ(v.regression->test, TestKind::kPairedT);
  EXPECT_EQ(v.regression->n_now, 4u);
  EXPECT_EQ(v.regression->left_out, 1u);
  EXPECT_NE(v.detail.find("1 round measured on one side only left out of the pairs"), std::string::npos) << v.detail;
  EXPECT_EQ(v.state, VerdictState::kMet) << v.detail;
}

// The review's defect: a broken absolute bound was erased when the regression it also showed
// was not confirmed.
TEST(PairedGateTest, ConfirmationNeverErasesABrokenBound) {
  testing::TempDir dir;
  const Budgets budgets = budgets_from(dir, R"({"targets": [{"name": "t", "variant": "v", "metric": "makespan",
    "max_s": 1.1, "regression": {"min_effect": 0.05, "min_reps": 5}}]})");
  const std::vector<double> base = {1.0, 1.01, 0.99, 1.0, 1.005, 0.995, 1.0, 1.002};
  std::vector<double> slow;
  for (double x : base) slow.push_back(x * 1.2);
  Measurements base_m = in_rounds("makespan", base), slow_m = in_rounds("makespan", slow);
  auto first = evaluate_budgets(budgets, slow_m, {{"base", base_m}});
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->front().regressed);
  ASSERT_TRUE(first->front().bound_failed);
  // Fresh rounds show no regression: the flag is cleared, the bound (1.2 s > 1.1 s) is not.
  auto again = confirm_regressions(*first, budgets, in_rounds("makespan", base), {{"base", base_m}});
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->front().regressed);
  EXPECT_EQ(again->front().state, VerdictState::kNotMet) << again->front().detail;
  EXPECT_NE(again->front().detail.find("> 1.10 s"), std::string::npos) << again->front().detail;
  EXPECT_EQ(gate_exit_status(*again), 1);
}

// The review's defect: above 20 samples a side the exact floor said "reachable" while the
// normal approximation can never go below 2.8e-4: a family of 36 at alpha 0.01 was "met".
TEST(PairedGateTest, AFamilyThatCanNeverBeFlaggedIsNotMeasured) {
  testing::TempDir dir;
  const Budgets budgets = budgets_from(dir, R"({"targets": [{"name": "task-*", "variant": "v", "metric": "task:*",
    "regression": {"alpha": 0.01, "min_effect": 0.05, "min_reps": 5}}]})");
  Measurements base, now;
  for (int task = 1; task <= 36; ++task) {
    const std::string metric = "task:" + std::to_string(task);
    for (int i = 0; i < 25; ++i) base.samples[{"v", metric}].push_back(1.0 + 0.001 * i);  // no ties
    for (int i = 0; i < 5; ++i) now.samples[{"v", metric}].push_back((task == 7 ? 1.5 : 1.0) + 0.01 * i);
  }
  auto verdicts = evaluate_budgets(budgets, now, {{"base", base}});
  ASSERT_TRUE(verdicts);
  const Verdict& slowed = (*verdicts)[6];
  EXPECT_EQ(slowed.target, "task-7");
  EXPECT_EQ(slowed.state, VerdictState::kNotMeasured) << slowed.detail;
  EXPECT_NE(slowed.detail.find("cannot reach p < 0.01 in a family of 36 with Mann-Whitney U"), std::string::npos)
      << slowed.detail;
  EXPECT_EQ(gate_exit_status(*verdicts), 1);
}

// The review's defect: a history baseline pooled the runs of several commits as if
// independent, so the drift from commit to commit narrowed the interval. Five commits that
// drift by +-5%, each measured tightly; a candidate 6% above their mean, just above the highest
// of them, is within what that drift does from one commit to the next.
TEST(CommitLevelTest, DriftBetweenCommitsWidensTheIntervalInsteadOfFlagging) {
  const std::vector<double> levels = {1.00, 1.05, 0.95, 1.04, 0.96};
  std::vector<double> base;
  std::vector<std::size_t> commits;
  for (std::size_t c = 0; c < levels.size(); ++c) {
    for (int r = 0; r < 5; ++r) {
      base.push_back(levels[c] * (1 + 0.002 * (r - 2)));
      commits.push_back(c);
    }
  }
  std::vector<double> now;
  for (int r = 0; r < 5; ++r) now.push_back(1.06 * (1 + 0.002 * (r - 2)));
  auto pooled = compare_samples(base, now, false);
  ASSERT_TRUE(pooled);
  EXPECT_LT(pooled->p, 0.01);  // pooled, the drift reads as a significant change
  auto levelled = compare_commit_levels(base, commits, now, std::vector<std::size_t>(now.size(), 0), false);
  ASSERT_TRUE(levelled);
  EXPECT_EQ(levelled->test, TestKind::kCommitLevelT);
  EXPECT_GT(levelled->p, 0.05);
  EXPECT_LT(levelled->worse_low, 0);   // no change is within the interval
  EXPECT_GT(levelled->worse_high, 0.05);
  // Without drift the same model is as tight as pooling: the 6% step stands out.
  std::vector<double> steady;
  for (std::size_t i = 0; i < base.size(); ++i) steady.push_back(1.0 * (1 + 0.002 * (static_cast<int>(i % 5) - 2)));
  auto step = compare_commit_levels(steady, commits, now, std::vector<std::size_t>(now.size(), 0), false);
  ASSERT_TRUE(step);
  EXPECT_LT(step->p, 0.001);
  EXPECT_NEAR(step->worse, 0.06, 0.002);
}

// A history test's false alarm: the candidate's five runs sat at the baseline's level but one
// of them ran under a burst of load, 43% slow. On mean logs that one run read as +8.6%,
// "regressed"; the commit's trimmed mean keeps its middle runs and the same step still shows
// when every run moved.
TEST(CommitLevelTest, OneRunSlowedByABurstDoesNotMoveItsCommit) {
  std::vector<double> base;
  std::vector<std::size_t> commits;
  for (std::size_t c = 0; c < 5; ++c) {
    for (int r = 0; r < 5; ++r) {
      base.push_back(107.7 * (1 + 0.004 * (r - 2)) * (1 + 0.003 * static_cast<double>(c % 2)));
      commits.push_back(c);
    }
  }
  const std::vector<double> burst = {106.2, 107.1, 108.0, 109.3, 154.0};
  const std::vector<std::size_t> one(burst.size(), 0);
  auto burst_only = compare_commit_levels(base, commits, burst, one, false);
  ASSERT_TRUE(burst_only);
  EXPECT_GT(burst_only->p, 0.01);
  EXPECT_LT(burst_only->worse, 0.03);
  std::vector<double> slowed;
  for (double x : burst) slowed.push_back(x * 1.30);
  auto step = compare_commit_levels(base, commits, slowed, one, false);
  ASSERT_TRUE(step);
  EXPECT_LT(step->p, 0.001);
  EXPECT_NEAR(step->worse, 0.31, 0.03);
}

TEST(SequentialTest, LooksSpendAlphaByTheirRoundsAndTheLastSpendsTheRest) {
  const StoppingRule rule{5, 5, 20};
  EXPECT_EQ(planned_looks(rule), (std::vector<std::size_t>{5, 10, 15, 20}));
  EXPECT_EQ(planned_looks({5, 5, 12}), (std::vector<std::size_t>{5, 10, 12}));
  double spent = 0;
  const auto looks = planned_looks(rule);
  for (std::size_t k = 0; k < looks.size(); ++k) {
    const Look look = look_spending(k == 0 ? 0 : looks[k - 1], looks[k], rule.max_rounds, k + 1 == looks.size(), spent);
    EXPECT_NEAR(look.alpha_share, 0.25, 1e-12);
    EXPECT_NEAR(look.tail, 0.025 * 0.25, 1e-12);
    spent += look.alpha_share;
  }
  EXPECT_NEAR(spent, 1.0, 1e-12);
  // Stopped early by time: the last look spends everything left.
  const Look last = look_spending(5, 10, 20, true, 0.25);
  EXPECT_NEAR(last.alpha_share, 0.75, 1e-12);
}

TEST(SequentialTest, DecisionsAreKeptOnceTaken) {
  Verdict flagged, cleared, open;
  flagged.target = "a";
  cleared.target = "b";
  open.target = "c";
  for (Verdict* v : {&flagged, &cleared, &open}) v->regression = Comparison{};
  flagged.regressed = true;
  flagged.state = VerdictState::kNotMet;
  cleared.cleared = true;
  open.state = VerdictState::kUndecided;
  Decisions decisions;
  decisions.take({flagged, cleared, open}, 5);
  EXPECT_EQ(decisions.decided(), 2u);
  EXPECT_FALSE(decisions.all_decided({flagged, cleared, open}));
  // Later the cleared one wobbles to undecided and the flagged one to cleared: both stay as decided.
  Verdict wobble_b = open, wobble_a = cleared;
  wobble_b.target = "b";
  wobble_a.target = "a";
  Verdict now_c = cleared;
  now_c.target = "c";
  decisions.take({wobble_a, wobble_b, now_c}, 10);
  EXPECT_TRUE(decisions.all_decided({wobble_a, wobble_b, now_c}));
  const auto final_verdicts = decisions.final_verdicts({wobble_a, wobble_b, now_c});
  EXPECT_TRUE(final_verdicts[0].regressed);
  EXPECT_EQ(final_verdicts[0].state, VerdictState::kNotMet);
  EXPECT_TRUE(final_verdicts[1].cleared);
  EXPECT_NE(final_verdicts[1].detail.find("decided after 5 rounds"), std::string::npos);
  EXPECT_NE(final_verdicts[2].detail.find("decided after 10 rounds"), std::string::npos);
}

// A family of 22 paired metrics with heavy-tailed round noise (a burst hits one side of a
// round now and then): over every look of the sequential design, the share of A/A gates with
// any false alarm stays within the family's alpha.
TEST(SequentialTest, RepeatedLooksHoldTheFalseAlarmRate) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, 0.02);
  std::bernoulli_distribution burst(0.1);
  std::vector<SimulatedMetric> metrics;
  for (int task = 0; task < 22; ++task) {
    SimulatedMetric m;
    m.name = "task " + std::to_string(task);
    m.family = "tasks";
    m.paired = true;
    m.alpha = 0.05;
    m.min_effect = 0.0;  // the min effect cannot help: significance alone decides
    for (int round = 0; round < 30; ++round) {
      const double drift = 1 + 0.1 * std::sin(round);
      m.a.push_back(drift * (1 + noise(rng)) * (burst(rng) ? 1.3 : 1.0));
      m.b.push_back(drift * (1 + noise(rng)) * (burst(rng) ? 1.3 : 1.0));
    }
    metrics.push_back(m);
  }
  const double rate = sequential_false_alarm_rate(metrics, {5, 5, 30}, 1000, 11);
  EXPECT_LE(rate, 0.05);
  const double fixed = false_alarm_rate(metrics, 10, 1000, 11);
  EXPECT_LE(fixed, 0.05);
}

}  // namespace
}  // namespace flowbench
