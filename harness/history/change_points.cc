#include "history/change_points.h"

#include <algorithm>
#include <random>
#include <set>

namespace flowbench::history {

namespace {

// A segment's values with each one's rank among them (equal values share a rank), so that
// shuffling moves value and rank together and never sorts again.
struct Ranked {
  std::vector<double> values;
  std::vector<std::uint32_t> ranks;  // 1-based
  std::size_t distinct = 0;
};

Ranked ranked(const std::vector<double>& x, std::size_t begin, std::size_t end) {
  Ranked r;
  r.values.assign(x.begin() + static_cast<long>(begin), x.begin() + static_cast<long>(end));
  std::vector<double> sorted = r.values;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  r.distinct = sorted.size();
  for (double v : r.values) {
    r.ranks.push_back(static_cast<std::uint32_t>(std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin() + 1));
  }
  return r;
}

// Counts and sums of the values inserted so far, by rank (a Fenwick tree), for sums of
// |x - y| over them in O(log n).
class RankSums {
 public:
  explicit RankSums(std::size_t distinct) : count_(distinct + 1), sum_(distinct + 1) {}

  void clear() {
    std::fill(count_.begin(), count_.end(), 0);
    std::fill(sum_.begin(), sum_.end(), 0.0);
    total_count_ = 0;
    total_sum_ = 0;
  }

  // The sum of |x - y| over every y inserted so far; `rank` is x's.
  double distance_sum(double x, std::size_t rank) const {
    long below = 0;  // values <= x
    double below_sum = 0;
    for (std::size_t i = rank; i > 0; i -= i & (~i + 1)) {
      below += count_[i];
      below_sum += sum_[i];
    }
    return (x * below - below_sum) + ((total_sum_ - below_sum) - x * (total_count_ - below));
  }

  void insert(double x, std::size_t rank) {
    for (std::size_t i = rank; i < count_.size(); i += i & (~i + 1)) {
      ++count_[i];
      sum_[i] += x;
    }
    ++total_count_;
    total_sum_ += x;
  }

 private:
  std::vector<long> count_;
  std::vector<double> sum_;
  long total_count_ = 0;
  double total_sum_ = 0;
};

std::vector<double> statistics_of(const Ranked& r) {
  const std::size_t n = r.values.size();
  std::vector<double> out(n, 0.0);
  if (n < 2) return out;
  RankSums sums(r.distinct);
  // within_left[t]: the sum of |x_i - x_j| over i < j < t; within_right[t]: over t <= i < j.
  std::vector<double> within_left(n + 1, 0.0), within_right(n + 1, 0.0);
  for (std::size_t t = 0; t < n; ++t) {
    within_left[t + 1] = within_left[t] + sums.distance_sum(r.values[t], r.ranks[t]);
    sums.insert(r.values[t], r.ranks[t]);
  }
  sums.clear();
  for (std::size_t t = n; t-- > 0;) {
    within_right[t] = within_right[t + 1] + sums.distance_sum(r.values[t], r.ranks[t]);
    sums.insert(r.values[t], r.ranks[t]);
  }
  const double all = within_left[n];
  for (std::size_t t = 1; t < n; ++t) {
    const double left = static_cast<double>(t), right = static_cast<double>(n - t);
    const double between = all - within_left[t] - within_right[t];
    const double energy =
        2 * between / (left * right) - 2 * within_left[t] / (left * left) - 2 * within_right[t] / (right * right);
    out[t] = left * right / static_cast<double>(n) * energy;
  }
  return out;
}

struct Split {
  std::size_t index = 0;  // absolute, in the whole series
  double statistic = 0;
};

Split best_split(const Ranked& r, std::size_t begin) {
  const auto stats = statistics_of(r);
  Split best{begin, 0};
  for (std::size_t t = 1; t < stats.size(); ++t) {
    if (stats[t] > best.statistic) best = {begin + t, stats[t]};
  }
  return best;
}

// The largest statistic of any split once every segment's points are shuffled within it.
double shuffled_best(std::vector<Ranked>& segments, std::mt19937_64& rng) {
  double best = 0;
  for (auto& r : segments) {
    // Fisher-Yates with our own index draw: the same seed gives the same order everywhere.
    for (std::size_t i = r.values.size(); i > 1; --i) {
      const std::size_t j = rng() % i;
      std::swap(r.values[i - 1], r.values[j]);
      std::swap(r.ranks[i - 1], r.ranks[j]);
    }
    best = std::max(best, best_split(r, 0).statistic);
  }
  return best;
}

}  // namespace

std::vector<double> split_statistics(const std::vector<double>& x) { return statistics_of(ranked(x, 0, x.size())); }

std::vector<ChangePoint> e_divisive(const std::vector<double>& x, const EDivisiveOptions& options) {
  std::vector<ChangePoint> found;
  std::set<std::size_t> cuts = {0, x.size()};
  std::mt19937_64 rng(options.seed);
  // Above this many permutations reaching the observed statistic, p cannot get <= alpha.
  const int allowed = static_cast<int>(options.alpha * (options.permutations + 1)) - 1;
  while (true) {
    const std::vector<std::size_t> bounds(cuts.begin(), cuts.end());
    std::vector<Ranked> segments;
    Split best;
    for (std::size_t s = 0; s + 1 < bounds.size(); ++s) {
      if (bounds[s + 1] - bounds[s] < 2) continue;
      segments.push_back(ranked(x, bounds[s], bounds[s + 1]));
      const Split split = best_split(segments.back(), bounds[s]);
      if (split.statistic > best.statistic) best = split;
    }
    if (best.statistic <= 0 || allowed < 0) break;
    int reached = 0;
    int drawn = 0;
    while (drawn < options.permutations && reached <= allowed) {
      ++drawn;
      if (shuffled_best(segments, rng) >= best.statistic) ++reached;
    }
    if (reached > allowed) break;
    const double p = (1.0 + reached) / (options.permutations + 1.0);
    found.push_back({best.index, best.statistic, p});
    cuts.insert(best.index);
  }
  return found;
}

}  // namespace flowbench::history
