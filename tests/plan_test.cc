#include "schedule/plan.h"

#include <gtest/gtest.h>

namespace flowbench {
namespace {

using Idx = std::vector<std::size_t>;

std::vector<std::size_t> drain_in_order(Plan& plan) {
  std::vector<std::size_t> order;
  while (plan.has_ready()) {
    const std::size_t task = plan.start_next();
    order.push_back(task);
    plan.succeeded(task);
  }
  return order;
}

TEST(PlanTest, EqualPrioritiesGiveTheStableSpecOrder) {
  // 0 <- {1, 2} <- 3, and 4 free.
  Plan plan({{}, {0}, {0}, {1, 2}, {}}, std::vector<double>(5, 0.0));
  EXPECT_EQ(drain_in_order(plan), (Idx{0, 1, 2, 3, 4}));
}

TEST(PlanTest, CriticalPathGoesFirst) {
  // Two chains from a common root: 0 -> 1 (short) and 0 -> 2 -> 3 (long).
  Dependencies deps{{}, {0}, {0}, {2}};
  Plan plan(deps, critical_path_priorities(deps, {1, 1, 5, 5}));
  ASSERT_TRUE(plan.has_ready());
  EXPECT_EQ(plan.start_next(), 0u);
  plan.succeeded(0);
  EXPECT_EQ(plan.start_next(), 2u) << "the longer remaining path starts before the shorter";
  EXPECT_EQ(plan.start_next(), 1u);
}

TEST(PlanTest, TaskIsReadyOnlyWhenAllItsDependenciesSucceeded) {
  Plan plan({{}, {}, {0, 1}}, std::vector<double>(3, 0.0));
  EXPECT_EQ(plan.start_next(), 0u);
  EXPECT_EQ(plan.start_next(), 1u);
  plan.succeeded(0);
  EXPECT_FALSE(plan.has_ready());
  plan.succeeded(1);
  EXPECT_TRUE(plan.has_ready());
  EXPECT_EQ(plan.start_next(), 2u);
}

TEST(PlanTest, FailureSkipsEveryTransitiveDependentAndNothingElse) {
  // 0 -> 1 -> 2 -> 3, 0 -> 4; 1 fails.
  Plan plan({{}, {0}, {1}, {2}, {0}}, std::vector<double>(5, 0.0));
  plan.succeeded(plan.start_next());
  EXPECT_EQ(plan.start_next(), 1u);
  EXPECT_EQ(plan.failed(1), (Idx{2, 3}));
  EXPECT_EQ(plan.state(3), Plan::State::kSkipped);
  EXPECT_EQ(plan.skipped_because(3), 1u);
  EXPECT_EQ(plan.state(4), Plan::State::kReady);
  EXPECT_EQ(plan.start_next(), 4u);
}

TEST(PlanTest, SkippedTaskKeepsItsFirstCause) {
  // 2 waits for both 0 and 1; both fail.
  Plan plan({{}, {}, {0, 1}}, std::vector<double>(3, 0.0));
  plan.start_next();
  plan.start_next();
  EXPECT_EQ(plan.failed(1), (Idx{2}));
  EXPECT_EQ(plan.failed(0), Idx{});
  EXPECT_EQ(plan.skipped_because(2), 1u);
}

TEST(PlanTest, NotStartedListsWaitingAndReadyTasks) {
  Plan plan({{}, {0}, {}}, std::vector<double>(3, 0.0));
  plan.start_next();  // 0 runs
  EXPECT_EQ(plan.not_started(), (Idx{1, 2}));
  plan.skip(plan.not_started());
  EXPECT_FALSE(plan.has_ready());
  EXPECT_EQ(plan.state(2), Plan::State::kSkipped);
}

TEST(PlanTest, ReleaseOnStartHandsOverTheWholeGraphInDependencyOrder) {
  // 0 <- {1, 2} <- 3: with a runner that orders dependencies, a task is ready as soon as
  // the tasks it waits for have started.
  Plan plan({{}, {0}, {0}, {1, 2}}, std::vector<double>(4, 0.0));
  plan.release_on_start();
  std::vector<std::size_t> order;
  while (plan.has_ready()) order.push_back(plan.start_next());
  EXPECT_EQ(order, (Idx{0, 1, 2, 3}));
  EXPECT_EQ(plan.started(), (Idx{0, 1, 2, 3}));
}

TEST(PlanTest, ReleaseOnStartFailureNamesStartedDependentsAndSkipsWaitingOnes) {
  // 0 <- 1 <- 2, and 3 waits for 1 and for 4, which has not started.
  Plan plan({{}, {0}, {1}, {1, 4}, {}}, {5, 4, 3, 2, 0});
  plan.release_on_start();
  EXPECT_EQ(plan.start_next(), 0u);
  EXPECT_EQ(plan.start_next(), 1u);
  EXPECT_EQ(plan.start_next(), 2u);
  // 4 is ready but not started; 3 waits for it.
  EXPECT_EQ(plan.started_dependents(0), (Idx{1, 2}));
  EXPECT_EQ(plan.failed(0), (Idx{3})) << "3 waits, so it is skipped here; 1 and 2 are the runner's to cancel";
  EXPECT_EQ(plan.state(3), Plan::State::kSkipped);
  EXPECT_EQ(plan.skipped_because(3), 0u);
  plan.cancelled(1);
  plan.cancelled(2);
  EXPECT_EQ(plan.state(1), Plan::State::kSkipped);
  EXPECT_TRUE(plan.started().empty());
  EXPECT_EQ(plan.start_next(), 4u) << "an unrelated ready task still starts";
}

}  // namespace
}  // namespace flowbench
