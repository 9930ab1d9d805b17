#include "analyze/stats.h"

#include <gtest/gtest.h>

#include <cmath>

namespace flowbench {
namespace {

TEST(StatsTest, Median) {
  EXPECT_EQ(median({3, 1, 2}), 2);
  EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(median({5}), 5);
}

TEST(StatsTest, MedianAbsoluteDeviation) { EXPECT_EQ(mad({1, 2, 3, 4, 100}), 1); }

TEST(StatsTest, MedianConfidenceIntervalFromOrderStatistics) {
  EXPECT_FALSE(median_ci95({1, 2, 3, 4, 5}).has_value());
  auto six = median_ci95({6, 5, 4, 3, 2, 1});  // n=6: [x(1), x(6)], coverage 96.9%
  ASSERT_TRUE(six.has_value());
  EXPECT_EQ(six->low, 1);
  EXPECT_EQ(six->high, 6);
  auto ten = median_ci95({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});  // n=10: [x(2), x(9)], coverage 97.9%
  ASSERT_TRUE(ten.has_value());
  EXPECT_EQ(ten->low, 2);
  EXPECT_EQ(ten->high, 9);
}

// Expected p-values: exact ones by enumerating all splits of the pooled sample (Python,
// itertools.combinations), the tied ones from the textbook normal approximation.
TEST(StatsTest, MannWhitneyExactSeparated) {
  auto r = mann_whitney_u({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10});
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.u, 0);
  EXPECT_NEAR(r.p_value, 0.007936507936507936, 1e-12);
}

TEST(StatsTest, MannWhitneyExactInterleaved) {
  auto r = mann_whitney_u({1, 3, 5, 7, 9}, {2, 4, 6, 8, 10});
  EXPECT_EQ(r.u, 10);
  EXPECT_NEAR(r.p_value, 0.6904761904761905, 1e-12);
}

TEST(StatsTest, MannWhitneyExactSixAndSix) {
  auto r = mann_whitney_u({1.1, 2.5, 3.3, 4.8, 5.2, 6.9}, {2.2, 6.1, 7.4, 8.8, 9.5, 10.1});
  EXPECT_EQ(r.u, 6);
  EXPECT_NEAR(r.p_value, 0.06493506493506493, 1e-12);
}

TEST(StatsTest, MannWhitneyNormalApproximationWithTies) {
  auto r = mann_whitney_u({1, 1, 2, 2, 3, 5, 6}, {2, 3, 3, 4, 4, 7, 8});
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.u, 13);
  EXPECT_NEAR(r.p_value, 0.15524898789660244, 1e-9);
}

TEST(StatsTest, MannWhitneyLargeSamples) {
  std::vector<double> a, b;
  for (int i = 1; i <= 25; ++i) a.push_back(i);
  for (int i = 11; i <= 35; ++i) b.push_back(i);
  auto r = mann_whitney_u(a, b);
  EXPECT_EQ(r.u, 112.5);
  EXPECT_NEAR(r.p_value, 0.0001078293307480265, 1e-12);
}

TEST(StatsTest, MannWhitneyIsSymmetric) {
  auto ab = mann_whitney_u({1, 4, 6, 9, 12}, {2, 3, 5, 7, 8});
  auto ba = mann_whitney_u({2, 3, 5, 7, 8}, {1, 4, 6, 9, 12});
  EXPECT_EQ(ab.u + ba.u, 25);
  EXPECT_DOUBLE_EQ(ab.p_value, ba.p_value);
}

// One-sided p-values by enumeration: 1 of C(10,5) = 252 splits puts all of a above b.
TEST(StatsTest, MannWhitneyOneSided) {
  EXPECT_NEAR(mann_whitney_greater({6, 7, 8, 9, 10}, {1, 2, 3, 4, 5}), 1.0 / 252, 1e-12);
  EXPECT_NEAR(mann_whitney_greater({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}), 1.0, 1e-12);
  EXPECT_NEAR(mann_whitney_greater({1, 3, 5, 7, 10}, {2, 4, 6, 8, 9}), 165.0 / 252, 1e-12);  // U = 11: P(U >= 11)
  EXPECT_NEAR(mann_whitney_min_p(5, 5), 1.0 / 252, 1e-15);
  EXPECT_NEAR(mann_whitney_min_p(6, 6), 1.0 / 924, 1e-15);
  EXPECT_EQ(mann_whitney_greater({}, {1}), 1);
}

// Above 20 a side the test is the normal approximation, whose floor is far above the exact
// 1/C(m+n, m): 25 against 5 reach p = 2.8e-4 at best, not 7e-6.
TEST(StatsTest, SmallestPIsTheFloorOfTheTestThatRuns) {
  std::vector<double> base, now;
  for (int i = 0; i < 25; ++i) base.push_back(i);
  for (int i = 0; i < 5; ++i) now.push_back(100 + i);
  EXPECT_NEAR(mann_whitney_min_p(25, 5), mann_whitney_greater(now, base), 1e-15);
  EXPECT_NEAR(mann_whitney_min_p(25, 5), 2.8e-4, 0.1e-4);
  EXPECT_GT(mann_whitney_min_p(25, 5), 1e-4);
}

// 2^-n underflowed to 0 from n = 1075 and the search for the interval never ended.
TEST(StatsTest, MedianIntervalOfManySamplesEnds) {
  for (int n : {1074, 1075, 1100, 2500, 100000}) {
    std::vector<double> samples;
    for (int i = 0; i < n; ++i) samples.push_back(i);
    auto ci = median_ci95(samples);
    ASSERT_TRUE(ci.has_value()) << n;
    // The order statistics n/2 -+ 0.98 sqrt(n), to within one.
    EXPECT_NEAR(ci->low, n / 2.0 - 0.98 * std::sqrt(n), 2.5) << n;
    EXPECT_NEAR(ci->high, n / 2.0 + 0.98 * std::sqrt(n), 2.5) << n;
  }
}

// Pairwise ratios of {1..5} with 1.5x{1..5}: the median ratio is 1.5; Bauer's interval for
// 5 against 5 is [d(3), d(23)] of the 25 sorted ratios (P(U <= 2) = 4/252), i.e. 1.5/3 and 1.5*3.
TEST(StatsTest, HodgesLehmannRatioWithDistributionFreeInterval) {
  auto five = hodges_lehmann_ratio({1, 2, 3, 4, 5}, {1.5, 3, 4.5, 6, 7.5});
  ASSERT_TRUE(five.has_value());
  EXPECT_NEAR(five->ratio, 1.5, 1e-12);
  EXPECT_NEAR(five->low, 0.5, 1e-12);
  EXPECT_NEAR(five->high, 4.5, 1e-12);
  EXPECT_NEAR(five->coverage, 1 - 8.0 / 252, 1e-12);
  // 3 against 3 cannot reach 95% (P(U = 0) = 1/20): the whole range, 90% coverage.
  auto three = hodges_lehmann_ratio({1, 2, 4}, {2, 4, 8});
  ASSERT_TRUE(three.has_value());
  EXPECT_NEAR(three->ratio, 2, 1e-12);
  EXPECT_NEAR(three->low, 0.5, 1e-12);
  EXPECT_NEAR(three->high, 8, 1e-12);
  EXPECT_NEAR(three->coverage, 0.9, 1e-12);
  // A zero among rates: the shift is taken on the values, relative to the baseline's median.
  auto rates = hodges_lehmann_ratio({1, 1, 1}, {0, 0, 0});
  ASSERT_TRUE(rates.has_value());
  EXPECT_NEAR(rates->ratio, 0, 1e-12);
  EXPECT_FALSE(hodges_lehmann_ratio({}, {1}).has_value());
}

TEST(StatsTest, HolmAndBenjaminiHochbergAdjustments) {
  // Sorted 0.005, 0.01, 0.03, 0.04: Holm x4, x3, x2, x1 made monotone; BH x4/1, 4/2, 4/3, 4/4 from the top.
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const auto holm = holm_adjust(p);
  const std::vector<double> holm_expected = {0.03, 0.06, 0.06, 0.02};
  const auto bh = benjamini_hochberg_adjust(p);
  const std::vector<double> bh_expected = {0.02, 0.04, 0.04, 0.02};
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_NEAR(holm[i], holm_expected[i], 1e-12) << i;
    EXPECT_NEAR(bh[i], bh_expected[i], 1e-12) << i;
  }
  EXPECT_EQ(holm_adjust({0.9, 0.8}), (std::vector<double>{1, 1}));
  EXPECT_TRUE(holm_adjust({}).empty());
}

}  // namespace
}  // namespace flowbench
