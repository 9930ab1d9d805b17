#include "analyze/paired.h"

#include <gtest/gtest.h>

#include <cmath>

namespace flowbench {
namespace {

// Reference values: the regularized incomplete beta function (mpmath.betainc), and the
// textbook t-test on the log ratios computed by hand.
TEST(PairedTest, StudentTDistribution) {
  EXPECT_NEAR(student_t_sf(2.262157, 9), 0.025, 1e-8);
  EXPECT_NEAR(student_t_sf(5.0, 9), 0.000369483954901621, 1e-12);
  EXPECT_NEAR(student_t_sf(1.0, 4), 0.186950483150029, 1e-12);
  EXPECT_NEAR(student_t_sf(-1.0, 4), 1 - 0.186950483150029, 1e-12);
  EXPECT_NEAR(student_t_quantile(0.975, 5), 2.57058183563631, 1e-9);
}

TEST(PairedTest, TTestOnTheLogRatiosWithItsInterval) {
  auto r = paired_ratio({1.00, 1.02, 0.98, 1.01, 0.99, 1.00}, {1.05, 1.06, 1.04, 1.07, 1.03, 1.05});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->n, 6u);
  EXPECT_TRUE(r->log_scale);
  EXPECT_NEAR(r->mean, 0.04879791422552562, 1e-12);
  EXPECT_NEAR(r->se, 0.003575253124838673, 1e-12);
  EXPECT_NEAR(r->p_greater, 1.89296434571691e-5, 1e-9);
  EXPECT_NEAR(r->ratio, 1.0500081375904315, 1e-12);
  EXPECT_NEAR(r->lower_bound(0.025), 1.040402266922387, 1e-9);
  EXPECT_NEAR(r->upper_bound(0.025), 1.0597026977531314, 1e-9);
  EXPECT_NEAR(r->p_less, 1 - r->p_greater, 1e-12);
}

// The drift between rounds cancels: each round is 10% slower on both sides, then 10% faster.
TEST(PairedTest, DriftBetweenRoundsCancels) {
  auto r = paired_ratio({1.0, 1.1, 0.9, 1.2, 0.8}, {1.02, 1.122, 0.918, 1.224, 0.816});
  ASSERT_TRUE(r);
  EXPECT_NEAR(r->ratio, 1.02, 1e-12);
  EXPECT_EQ(r->se, 0);  // every round the same 2%: known exactly
  EXPECT_EQ(r->p_greater, 0);
  EXPECT_NEAR(r->upper_bound(0.001), 1.02, 1e-12);
}

TEST(PairedTest, IdenticalSidesShowNoChange) {
  auto r = paired_ratio({5, 6, 7}, {5, 6, 7});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->ratio, 1);
  EXPECT_EQ(r->p_greater, 1);
  EXPECT_EQ(r->upper_bound(0.01), 1);
}

TEST(PairedTest, ZeroValuesUseRelativeDifferences) {
  auto r = paired_ratio({0, 2, 2}, {0, 2.2, 2.2});
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->log_scale);
  EXPECT_NEAR(r->ratio, 1 + 0.4 / 3 / 2, 1e-12);  // mean difference 0.133 over the median 2
  EXPECT_FALSE(paired_ratio({0, 0, 1}, {1, 1, 1}).has_value());  // the baseline's median is 0
  EXPECT_FALSE(paired_ratio({1}, {2}).has_value());
  EXPECT_FALSE(paired_ratio({1, 2}, {2}).has_value());
}

TEST(PairedTest, PairsByRoundLeaveOutRoundsOfOneSide) {
  const Pairs p = pair_by_round({10, 11, 12, 13}, {0, 1, 2, 3}, {20, 22, 23}, {0, 2, 3});
  EXPECT_EQ(p.base, (std::vector<double>{10, 12, 13}));
  EXPECT_EQ(p.now, (std::vector<double>{20, 22, 23}));
  EXPECT_EQ(p.rounds, (std::vector<std::size_t>{0, 2, 3}));
  EXPECT_EQ(p.unpaired, 1u);
}

}  // namespace
}  // namespace flowbench
