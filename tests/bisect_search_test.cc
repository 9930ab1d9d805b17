// The bisect's search on levels given by hand: one step, two steps, a drift, commits that
// do not build, a range no probe can split. The probes a search asks for are counted.
#include "bisect/search.h"

#include <gtest/gtest.h>

#include <functional>

namespace flowbench::bisect {
namespace {

// A level measured with a +-0.5% interval.
Level measured(double change) { return {change, change - 0.005, change + 0.005}; }

// Runs the search on `truth` (each commit's true level), skipping `broken` commits.
struct Searched {
  Outcome outcome;
  std::size_t probes = 0;
};
Searched search(std::size_t n, const std::function<double(std::size_t)>& truth, double min_effect = 0.05,
           const std::vector<std::size_t>& broken = {}) {
  Search s(n, measured(truth(n)), min_effect);
  Searched run;
  while (auto next = s.next()) {
    ++run.probes;
    if (std::find(broken.begin(), broken.end(), *next) != broken.end()) {
      s.skipped(*next);
    } else {
      s.measured(*next, measured(truth(*next)));
    }
  }
  run.outcome = s.outcome();
  return run;
}

TEST(BisectSearchTest, OneStepIsFoundInLogTwoProbes) {
  for (std::size_t step : {1u, 2u, 17u, 32u, 63u, 64u}) {
    const Searched run = search(64, [&](std::size_t i) { return i >= step ? 0.12 : 0.0; });
    ASSERT_EQ(run.outcome.steps.size(), 1u) << step;
    EXPECT_EQ(run.outcome.steps[0].first_bad, step);
    EXPECT_EQ(run.outcome.steps[0].last_good, step - 1);
    EXPECT_NEAR(run.outcome.steps[0].change(), 0.12, 1e-12);
    EXPECT_LE(run.probes, 7u) << step;  // 64 commits: log2(64) = 6 probes, one more at most
    EXPECT_FALSE(run.outcome.drift);
  }
}

TEST(BisectSearchTest, TwoStepsAreBothNamed) {
  const Searched run = search(64, [](std::size_t i) { return (i >= 20 ? 0.08 : 0.0) + (i >= 45 ? 0.08 : 0.0); });
  ASSERT_EQ(run.outcome.steps.size(), 2u);
  EXPECT_EQ(run.outcome.steps[0].first_bad, 20u);
  EXPECT_EQ(run.outcome.steps[1].first_bad, 45u);
  EXPECT_NEAR(run.outcome.steps[0].change(), 0.08, 1e-12);
  EXPECT_NEAR(run.outcome.steps[1].change(), 0.08, 1e-12);
  EXPECT_LE(run.probes, 14u);
}

TEST(BisectSearchTest, ADriftIsSaidNotBlamedOnOneCommit) {
  const Searched run = search(64, [](std::size_t i) { return 0.12 * static_cast<double>(i) / 64; });
  EXPECT_TRUE(run.outcome.steps.empty());
  EXPECT_TRUE(run.outcome.drift);
  EXPECT_FALSE(run.outcome.between.empty());
}

TEST(BisectSearchTest, ACommitThatDoesNotBuildIsSkippedAndTheAnswerStaysRight) {
  // The probes the search asks for first are broken: it goes around them.
  const Searched run = search(64, [](std::size_t i) { return i >= 37 ? 0.12 : 0.0; }, 0.05, {32, 48, 40});
  ASSERT_EQ(run.outcome.steps.size(), 1u);
  EXPECT_EQ(run.outcome.steps[0].first_bad, 37u);
  EXPECT_TRUE(run.outcome.unsplit.empty());
}

TEST(BisectSearchTest, ARangeEveryCommitOfWhichIsSkippedIsUnsplit) {
  // The step is at 37; 36 does not build, so 35 (good) and 37 (bad) cannot be told apart by a
  // probe between them.
  const Searched run = search(64, [](std::size_t i) { return i >= 36 ? 0.12 : 0.0; }, 0.05, {36});
  EXPECT_TRUE(run.outcome.steps.empty());
  ASSERT_EQ(run.outcome.unsplit.size(), 1u);
  EXPECT_EQ(run.outcome.unsplit[0], (std::pair<std::size_t, std::size_t>{35, 37}));
}

TEST(BisectSearchTest, ALevelNeitherEndCanBeToldFromIsSkipped) {
  // A probe whose interval covers both ends (too noisy): cannot tell, skipped.
  Search s(8, measured(0.12), 0.05);
  const auto first = s.next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(s.classify(*first, {0.06, -0.1, 0.2}), Placement::kCannotTell);
  s.measured(*first, {0.06, -0.1, 0.2});
  EXPECT_NE(s.next(), first);
  // Nothing to look for below the min effect: no search at all.
  Search none(8, measured(0.01), 0.05);
  EXPECT_FALSE(none.next().has_value());
}

}  // namespace
}  // namespace flowbench::bisect
