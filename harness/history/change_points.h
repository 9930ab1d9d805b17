// E-divisive means (Matteson & James 2014, as in MongoDB's signal-processing-algorithms
// and Apache Otava): change points of a univariate series, each tested by permutation.
#pragma once

#include <cstdint>
#include <vector>

namespace flowbench::history {

struct EDivisiveOptions {
  double alpha = 0.01;      // a split is kept when its permutation p-value <= alpha
  int permutations = 199;   // permutations per test; the smallest p is 1 / (permutations + 1)
  std::uint64_t seed = 1;   // the permutations are drawn from this seed: the same series, the same answer
};

struct ChangePoint {
  std::size_t index = 0;  // the series changes between points index - 1 and index
  double statistic = 0;   // the divergence statistic of the split
  double p = 1;           // its permutation p-value
};

// The divergence statistic for every split of `x`: out[t] for the split into x[0, t) and
// x[t, n) (out[0] = 0): t (n - t) / n times the energy distance with exponent 1 (the
// within-sample means taken over all ordered pairs, as in MongoDB's implementation).
// O(n log n).
std::vector<double> split_statistics(const std::vector<double>& x);

// Change points in order of discovery: repeatedly the best split over all segments the
// change points found so far bound, kept while its permutation test (the points of every
// segment shuffled within it) says p <= alpha; the search stops at the first split that is
// not significant.
std::vector<ChangePoint> e_divisive(const std::vector<double>& x, const EDivisiveOptions& options = {});

}  // namespace flowbench::history
