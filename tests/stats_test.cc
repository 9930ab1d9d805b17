#include "analyze/stats.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace flowbench
