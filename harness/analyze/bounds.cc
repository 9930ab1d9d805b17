#include "analyze/bounds.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace flowbench {

HeadsAndTails heads_and_tails(const Dependencies& deps, const std::vector<double>& durations) {
  const std::size_t n = deps.size();
  const std::vector<std::size_t> order = topological_order(deps);
  HeadsAndTails h{std::vector<double>(n, 0.0), std::vector<double>(n, 0.0)};
  for (std::size_t task : order) {
    for (std::size_t dep : deps[task]) h.head[task] = std::max(h.head[task], h.head[dep] + durations[dep]);
  }
  // Tails backwards along the same order: every dependent comes after its dependencies.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const std::size_t task = *it;
    for (std::size_t dep : deps[task]) h.tail[dep] = std::max(h.tail[dep], h.tail[task] + durations[task]);
  }
  return h;
}

namespace {

double critical_path_length(const HeadsAndTails& h, const std::vector<double>& durations) {
  double longest = 0;
  for (std::size_t i = 0; i < durations.size(); ++i) longest = std::max(longest, h.head[i] + durations[i] + h.tail[i]);
  return longest;
}

// Range add on a prefix, maximum over a prefix: a lazy segment tree over the tail thresholds.
class PrefixAddMax {
 public:
  explicit PrefixAddMax(const std::vector<double>& initial) : size_(initial.size()), max_(4 * size_), add_(4 * size_, 0) {
    build(1, 0, size_ - 1, initial);
  }
  void add(std::size_t last, double value) { add(1, 0, size_ - 1, last, value); }
  double max(std::size_t last) const { return max(1, 0, size_ - 1, last); }

 private:
  void build(std::size_t node, std::size_t lo, std::size_t hi, const std::vector<double>& initial) {
    if (lo == hi) {
      max_[node] = initial[lo];
      return;
    }
    const std::size_t mid = (lo + hi) / 2;
    build(2 * node, lo, mid, initial);
    build(2 * node + 1, mid + 1, hi, initial);
    max_[node] = std::max(max_[2 * node], max_[2 * node + 1]);
  }
  void add(std::size_t node, std::size_t lo, std::size_t hi, std::size_t last, double value) {
    if (lo > last) return;
    if (hi <= last) {
      max_[node] += value;
      add_[node] += value;
      return;
    }
    const std::size_t mid = (lo + hi) / 2;
    add(2 * node, lo, mid, last, value);
    add(2 * node + 1, mid + 1, hi, last, value);
    max_[node] = std::max(max_[2 * node], max_[2 * node + 1]) + add_[node];
  }
  double max(std::size_t node, std::size_t lo, std::size_t hi, std::size_t last) const {
    if (lo > last) return -std::numeric_limits<double>::infinity();
    if (hi <= last) return max_[node];
    const std::size_t mid = (lo + hi) / 2;
    return std::max(max(2 * node, lo, mid, last), max(2 * node + 1, mid + 1, hi, last)) + add_[node];
  }

  std::size_t size_;
  std::vector<double> max_, add_;
};

}  // namespace

double simple_lower_bound(const Dependencies& deps, const std::vector<double>& durations, std::size_t workers) {
  const auto h = heads_and_tails(deps, durations);
  const double work = std::accumulate(durations.begin(), durations.end(), 0.0);
  return std::max(critical_path_length(h, durations), work / static_cast<double>(std::max<std::size_t>(workers, 1)));
}

double tight_lower_bound(const Dependencies& deps, const std::vector<double>& durations, std::size_t workers) {
  const std::size_t n = deps.size();
  if (n == 0) return 0;
  const double p = static_cast<double>(std::max<std::size_t>(workers, 1));
  const auto h = heads_and_tails(deps, durations);
  // The tail thresholds s, ascending; a task with tail q counts for every s <= q.
  std::vector<double> thresholds = h.tail;
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  PrefixAddMax values(thresholds);  // s + W(t, s) / P, W growing as t goes down
  std::vector<std::size_t> by_head(n);
  std::iota(by_head.begin(), by_head.end(), 0);
  std::sort(by_head.begin(), by_head.end(), [&](std::size_t a, std::size_t b) { return h.head[a] > h.head[b]; });
  double best = critical_path_length(h, durations);
  std::size_t highest = 0;  // the largest threshold some counted task reaches
  bool any = false;
  for (std::size_t k = 0; k < n;) {
    const double t = h.head[by_head[k]];
    for (; k < n && h.head[by_head[k]] == t; ++k) {
      const std::size_t task = by_head[k];
      const auto at = static_cast<std::size_t>(std::upper_bound(thresholds.begin(), thresholds.end(), h.tail[task]) -
                                               thresholds.begin()) - 1;
      values.add(at, durations[task] / p);
      highest = any ? std::max(highest, at) : at;
      any = true;
    }
    best = std::max(best, t + values.max(highest));
  }
  return best;
}

}  // namespace flowbench
