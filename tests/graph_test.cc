#include "model/graph.h"

#include <gtest/gtest.h>

namespace flowbench {
namespace {

using Idx = std::vector<std::size_t>;

TEST(GraphTest, FindsNoCycleInADiamond) {
  EXPECT_FALSE(find_cycle({{}, {0}, {0}, {1, 2}}).has_value());
}

TEST(GraphTest, FindsACycleInExecutionOrder) {
  // 0 waits for 2, 1 waits for 0, 2 waits for 1.
  auto cycle = find_cycle({{2}, {0}, {1}});
  ASSERT_TRUE(cycle.has_value());
  EXPECT_EQ(cycle->size(), 4u);
  EXPECT_EQ(cycle->front(), cycle->back());
}

TEST(GraphTest, FindsCycleInALongChainWithoutRecursion) {
  Dependencies deps(200000);
  for (std::size_t i = 1; i < deps.size(); ++i) deps[i] = {i - 1};
  EXPECT_FALSE(find_cycle(deps).has_value());
  deps[0] = {deps.size() - 1};
  EXPECT_TRUE(find_cycle(deps).has_value());
}

TEST(GraphTest, StableTopologicalOrderKeepsSpecOrderWhenValid) {
  EXPECT_EQ(stable_topological_order({{}, {0}, {0}, {1, 2}}), (Idx{0, 1, 2, 3}));
}

TEST(GraphTest, StableTopologicalOrderTakesLowestReadyIndex) {
  // 0 waits for 3; 1 and 2 are free.
  EXPECT_EQ(stable_topological_order({{3}, {}, {}, {}}), (Idx{1, 2, 3, 0}));
}

TEST(GraphTest, RemainingPathLengthsAreHeaviestPathToTheEnd) {
  // 0 -> 1 -> 3 and 0 -> 2 -> 3, weights 1, 5, 2, 1.
  auto lengths = remaining_path_lengths({{}, {0}, {0}, {1, 2}}, {1, 5, 2, 1});
  EXPECT_EQ(lengths, (std::vector<double>{7, 6, 3, 1}));
}

TEST(GraphTest, ReverseEdgesListDependents) {
  EXPECT_EQ(reverse_edges({{}, {0}, {0}, {1, 2}}), (Dependencies{{1, 2}, {3}, {3}, {}}));
}

}  // namespace
}  // namespace flowbench

namespace flowbench {
namespace {

TEST(GraphTest, TopologicalOrderPutsEveryTaskAfterItsDependenciesEvenOnADeepChain) {
  Dependencies deps = {{2}, {}, {1, 3}, {1}, {0, 3}};
  auto order = topological_order(deps);
  ASSERT_EQ(order.size(), deps.size());
  std::vector<std::size_t> position(deps.size());
  for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
  for (std::size_t task = 0; task < deps.size(); ++task) {
    for (std::size_t dep : deps[task]) EXPECT_LT(position[dep], position[task]) << task << " after " << dep;
  }
  Dependencies chain(200000);  // no recursion: a 200,000-deep chain is walked with a stack of its own
  for (std::size_t i = 1; i < chain.size(); ++i) chain[i] = {i - 1};
  const auto walked = topological_order(chain);
  ASSERT_EQ(walked.size(), chain.size());
  EXPECT_EQ(walked.front(), 0u);
  EXPECT_EQ(walked.back(), chain.size() - 1);
}

}  // namespace
}  // namespace flowbench
