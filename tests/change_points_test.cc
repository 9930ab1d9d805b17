// E-divisive means checked against the published examples of MongoDB's
// signal-processing-algorithms (tests/test_detection.py, tests/data/profiling/small.json).
#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "history/change_points.h"

namespace flowbench::history {
namespace {

std::vector<std::size_t> points(const std::vector<double>& x, EDivisiveOptions options = {}) {
  std::vector<std::size_t> out;
  for (const auto& c : e_divisive(x, options)) out.push_back(c.index);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<double> steps(std::initializer_list<std::pair<std::size_t, double>> runs) {
  std::vector<double> x;
  for (const auto& [count, value] : runs) x.insert(x.end(), count, value);
  return x;
}

TEST(SplitStatisticsTest, EqualsTheDirectFormula) {
  const std::vector<double> x = {3, 1, 4, 1, 5, 9, 2, 6};
  const auto stats = split_statistics(x);
  for (std::size_t t = 1; t < x.size(); ++t) {
    double between = 0, left = 0, right = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      for (std::size_t j = 0; j < x.size(); ++j) {
        const double d = std::abs(x[i] - x[j]);
        if (i < t && j >= t) between += d;
        if (i < t && j < t) left += d;
        if (i >= t && j >= t) right += d;
      }
    }
    const double n = t, m = x.size() - t;
    const double energy = 2 * between / (n * m) - left / (n * n) - right / (m * m);
    EXPECT_NEAR(stats[t], n * m / (n + m) * energy, 1e-9) << t;
  }
}

TEST(EDivisiveTest, FindsTheStepOfAbsoluteCertainty) {
  EXPECT_EQ(points(steps({{1000, 0}, {1000, 1}})), (std::vector<std::size_t>{1000}));
}

TEST(EDivisiveTest, FindsASimpleRegression) {
  EXPECT_EQ(points(steps({{15, 50}, {15, 100}})), (std::vector<std::size_t>{15}));
}

TEST(EDivisiveTest, PlacesAnIntermediatePointLikeThePublishedExamples) {
  EXPECT_EQ(points(steps({{14, 50}, {1, 74}, {15, 100}})), (std::vector<std::size_t>{15}));  // "ahead"
  EXPECT_EQ(points(steps({{14, 50}, {1, 76}, {15, 100}})), (std::vector<std::size_t>{14}));  // "behind"
}

TEST(EDivisiveTest, IgnoresASingleOutlier) {
  auto x = steps({{15, 50}, {15, 100}});
  x[2] = 100;
  EXPECT_EQ(points(x), (std::vector<std::size_t>{15}));
}

TEST(EDivisiveTest, FindsTwoRegressions) {
  auto x = steps({{15, 50}, {15, 100}, {15, 150}});
  x[2] = 100;
  EXPECT_EQ(points(x), (std::vector<std::size_t>{15, 30}));
}

TEST(EDivisiveTest, FindsNothingInAFlatSeries) {
  EXPECT_TRUE(points(steps({{30, 50}})).empty());
  EXPECT_TRUE(e_divisive({}).empty());
  EXPECT_TRUE(e_divisive({7}).empty());
}

TEST(EDivisiveTest, FindsTheStepsOfRandomIshData) {
  const std::vector<double> x = {41,  18,  23,  3,   32,  11,  40,  13,  29,  48,  47,  35,  18,  21,  6,
                                 2,   23,  3,   4,   7,   120, 103, 102, 81,  71,  62,  115, 61,  108, 63,
                                 70,  98,  65,  96,  64,  74,  70,  113, 90,  114, 208, 196, 153, 150, 225,
                                 179, 206, 165, 177, 151, 218, 217, 244, 245, 229, 195, 225, 229, 176, 250};
  EXPECT_EQ(points(x), (std::vector<std::size_t>{20, 40}));
}

TEST(EDivisiveTest, FindsAsManyChangePointsAsThePublishedProfile) {
  std::ifstream in(FLOWBENCH_SOURCE_DIR "/fixtures/change_points/mongodb-small.json");
  const auto profile = nlohmann::json::parse(in);
  const auto x = profile["series"].get<std::vector<double>>();
  EXPECT_EQ(points(x).size(), profile["expected"].get<std::size_t>());
}

TEST(EDivisiveTest, GivesTheSameAnswerForTheSameSeed) {
  auto x = steps({{20, 10}, {20, 11}});
  for (std::size_t i = 0; i < x.size(); ++i) x[i] += 0.9 * ((i * 7919) % 13) / 13.0;
  const auto a = e_divisive(x, {0.05, 99, 42});
  const auto b = e_divisive(x, {0.05, 99, 42});
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].index, b[i].index);
    EXPECT_EQ(a[i].p, b[i].p);
  }
}

}  // namespace
}  // namespace flowbench::history
