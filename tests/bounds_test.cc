// The tight makespan bound against optimal schedules found by brute force, the replay and
// its slack, and where time can be won.
#include "analyze/bounds.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include "analyze/replay.h"

namespace flowbench {
namespace {

// The optimal makespan of a non-preemptive schedule on `workers` identical workers: every
// semi-active schedule (each task as early as its worker and its dependencies allow) comes
// from some order of starts and choice of worker, and one of them is optimal.
class BruteForce {
 public:
  BruteForce(const Dependencies& deps, const std::vector<double>& durations, std::size_t workers)
      : deps_(deps), durations_(durations), free_(workers, 0.0), end_(deps.size(), -1) {}

  double optimum() {
    search(0, 0);
    return best_;
  }

 private:
  void search(std::size_t placed, double makespan) {
    if (makespan >= best_) return;
    if (placed == deps_.size()) {
      best_ = makespan;
      return;
    }
    for (std::size_t task = 0; task < deps_.size(); ++task) {
      if (end_[task] >= 0) continue;
      double ready = 0;
      bool can = true;
      for (std::size_t d : deps_[task]) {
        if (end_[d] < 0) can = false;
        else ready = std::max(ready, end_[d]);
      }
      if (!can) continue;
      for (std::size_t w = 0; w < free_.size(); ++w) {
        // Identical idle workers are interchangeable: try the first of them only.
        if (free_[w] == 0 && std::find(free_.begin(), free_.begin() + static_cast<std::ptrdiff_t>(w), 0.0) !=
                                 free_.begin() + static_cast<std::ptrdiff_t>(w)) {
          continue;
        }
        const double start = std::max(ready, free_[w]);
        const double was = free_[w];
        end_[task] = free_[w] = start + durations_[task];
        search(placed + 1, std::max(makespan, end_[task]));
        free_[w] = was;
        end_[task] = -1;
      }
    }
  }

  const Dependencies& deps_;
  const std::vector<double>& durations_;
  std::vector<double> free_;
  std::vector<double> end_;
  double best_ = std::numeric_limits<double>::infinity();
};

Dependencies random_dag(std::size_t n, double density, std::mt19937_64& rng) {
  Dependencies deps(n);
  std::bernoulli_distribution edge(density);
  for (std::size_t i = 1; i < n; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (edge(rng)) deps[i].push_back(j);
    }
  }
  return deps;
}

TEST(BoundsTest, NeverAboveAnOptimalScheduleAndNeverBelowTheSimpleBound) {
  std::mt19937_64 rng(20261203);
  std::uniform_int_distribution<int> size(3, 7), workers(2, 3), length(1, 9);
  std::uniform_real_distribution<double> density(0.0, 0.6);
  std::size_t stronger = 0;
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = static_cast<std::size_t>(size(rng));
    const Dependencies deps = random_dag(n, density(rng), rng);
    std::vector<double> durations;
    for (std::size_t i = 0; i < n; ++i) durations.push_back(length(rng));
    const std::size_t p = static_cast<std::size_t>(workers(rng));
    const double optimum = BruteForce(deps, durations, p).optimum();
    const double tight = tight_lower_bound(deps, durations, p);
    const double simple = simple_lower_bound(deps, durations, p);
    EXPECT_LE(tight, optimum + 1e-9) << "trial " << trial;
    EXPECT_GE(tight, simple - 1e-9) << "trial " << trial;
    // No schedule beats the optimum, the replay included.
    EXPECT_GE(replay_schedule(deps, durations, p).makespan_s, optimum - 1e-9) << "trial " << trial;
    stronger += tight > simple + 1e-9;
  }
  EXPECT_GT(stronger, 0u);  // the cuts add to the simple bound on some of them (a fork below shows how)
}

TEST(BoundsTest, ChainsAndParallelTasksMeetTheirKnownOptimum) {
  const Dependencies chain = {{}, {0}, {1}, {2}};
  const std::vector<double> d = {3, 1, 4, 1};
  for (std::size_t p : {1u, 2u, 8u}) EXPECT_DOUBLE_EQ(tight_lower_bound(chain, d, p), 9);
  const Dependencies independent(6);
  EXPECT_DOUBLE_EQ(tight_lower_bound(independent, {2, 2, 2, 2, 2, 2}, 3), 4);   // 2 rounds of 3
  EXPECT_DOUBLE_EQ(tight_lower_bound(independent, {5, 1, 2, 3, 1, 1}, 6), 5);   // all at once: the longest
  EXPECT_DOUBLE_EQ(tight_lower_bound(independent, {1, 1, 1, 1, 1, 1}, 1), 6);   // one worker: the sum
}

// A fork with a head and a tail: the simple bound is max(work/P = 12/2 = 6, the path 1 +
// 2.5 + 1 = 4.5); the tasks 1-4 (2.5 each) can only run after task 0 and before task 5, so
// the makespan is at least 1 + 1 + 10/2 = 7, which the optimum reaches.
TEST(BoundsTest, HeadsAndTailsTightenTheSimpleBound) {
  const Dependencies fork = {{}, {0}, {0}, {0}, {0}, {1, 2, 3, 4}};
  const std::vector<double> d = {1, 2.5, 2.5, 2.5, 2.5, 1};
  EXPECT_DOUBLE_EQ(simple_lower_bound(fork, d, 2), 6);
  EXPECT_DOUBLE_EQ(tight_lower_bound(fork, d, 2), 7);
  EXPECT_DOUBLE_EQ(BruteForce(fork, d, 2).optimum(), 7);
}

TEST(ReplayTest, SlackIsWhatATaskCanGrowBeforeTheMakespanDoes) {
  // 0 -> {1 (long), 2 (short)} -> 3, two workers: task 2 has 4 units of slack.
  const Dependencies deps = {{}, {0}, {0}, {1, 2}};
  const std::vector<double> d = {1, 5, 1, 1};
  const DryRun r = replay_schedule(deps, d, 2);
  EXPECT_DOUBLE_EQ(r.makespan_s, 7);
  const auto slack = schedule_slack(deps, d, r);
  EXPECT_DOUBLE_EQ(slack[0], 0);
  EXPECT_DOUBLE_EQ(slack[1], 0);
  EXPECT_DOUBLE_EQ(slack[2], 4);
  EXPECT_DOUBLE_EQ(slack[3], 0);
  // Growing task 2 by its slack leaves the makespan; a bit more lengthens it.
  EXPECT_DOUBLE_EQ(replay_schedule(deps, {1, 5, 5, 1}, 2).makespan_s, 7);
  EXPECT_GT(replay_schedule(deps, {1, 5, 5.5, 1}, 2).makespan_s, 7);
}

TEST(ReplayTest, WhereTimeCanBeWonRanksWhatZeroWouldSave) {
  // The same graph; task 1 reports two sub-operations, "compile" (4) and "write" (0.5).
  const Dependencies deps = {{}, {0}, {0}, {1, 2}};
  const TimeWon won = where_time_can_be_won(deps, {1, 5, 1, 1}, {{}, {{"compile", 4}, {"write", 0.5}}, {}, {}}, 2);
  EXPECT_DOUBLE_EQ(won.replayed_ms, 7);
  ASSERT_EQ(won.ceilings.size(), 6u);  // 4 tasks, 2 sub-operations
  EXPECT_EQ(won.ceilings[0].task, 1u);  // task 1 at zero: 0 -> 2 -> 3 = 3
  EXPECT_TRUE(won.ceilings[0].op.empty());
  EXPECT_DOUBLE_EQ(won.ceilings[0].makespan_zero_ms, 3);
  EXPECT_EQ(won.ceilings[1].op, "compile");  // task 1 down to 1: 0 -> 1 -> 3 = 1 + 1 + 1
  EXPECT_DOUBLE_EQ(won.ceilings[1].makespan_zero_ms, 3);
  EXPECT_NEAR(won.ceilings[1].share_of_task, 0.8, 1e-12);
  EXPECT_DOUBLE_EQ(won.ceilings[1].makespan_half_ms, 5);
  // Task 2 is off the critical path: at zero it saves nothing.
  const auto task2 = std::find_if(won.ceilings.begin(), won.ceilings.end(),
                                  [](const Ceiling& c) { return c.task == 2 && c.op.empty(); });
  ASSERT_NE(task2, won.ceilings.end());
  EXPECT_DOUBLE_EQ(task2->makespan_zero_ms, 7);
}

}  // namespace
}  // namespace flowbench
