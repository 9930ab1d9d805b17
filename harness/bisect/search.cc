#include "bisect/search.h"

#include <algorithm>
#include <cmath>

namespace flowbench::bisect {

const char* placement_name(Placement v) {
  switch (v) {
    case Placement::kLikeLow: return "like good side";
    case Placement::kLikeHigh: return "like bad side";
    case Placement::kBetween: return "a level between";
    case Placement::kCannotTell: break;
  }
  return "cannot tell";
}

Search::Search(std::size_t n, Level bad, double min_effect)
    : n_(std::max<std::size_t>(n, 1)), min_effect_(min_effect), levels_(n_ + 1), skipped_(n_ + 1, false) {
  levels_[0] = Level{0, 0, 0};
  levels_[n_] = bad;
  if (std::fabs(bad.change) >= min_effect_) work_.push_back({0, n_});
  settle();
}

bool Search::differ(const Level& a, const Level& b) const {
  const bool apart = a.high < b.low || b.high < a.low;
  return apart && std::fabs(a.change - b.change) >= min_effect_ / 2;
}

const Level& Search::level_of(std::size_t index) const { return *levels_[index]; }

std::optional<std::size_t> Search::probe_in(const Interval& interval) const {
  // The commit nearest the middle that is neither measured nor skipped.
  const std::size_t middle = (interval.low + interval.high) / 2;
  std::optional<std::size_t> best;
  for (std::size_t i = interval.low + 1; i < interval.high; ++i) {
    if (levels_[i] || skipped_[i]) continue;
    const auto distance = [&](std::size_t k) { return k > middle ? k - middle : middle - k; };
    if (!best || distance(i) < distance(*best)) best = i;
  }
  return best;
}

std::optional<std::size_t> Search::next() const {
  if (work_.empty()) return std::nullopt;
  return probe_in(work_.front());
}

Placement Search::classify(std::size_t index, const Level& level) const {
  (void)index;
  if (work_.empty()) return Placement::kCannotTell;
  const Interval& in = work_.front();
  const Level& low = level_of(in.low);
  const Level& high = level_of(in.high);
  const bool like_low = !differ(level, low);
  const bool like_high = !differ(level, high);
  if (like_low && !like_high) return Placement::kLikeLow;
  if (like_high && !like_low) return Placement::kLikeHigh;
  if (!like_low && !like_high) return Placement::kBetween;
  // Near both ends' intervals (a wide one at an end): the side of the midpoint its whole
  // interval lies on, when it lies on one.
  const double mid = (low.change + high.change) / 2;
  const bool rising = high.change > low.change;
  if (level.high < mid) return rising ? Placement::kLikeLow : Placement::kLikeHigh;
  if (level.low > mid) return rising ? Placement::kLikeHigh : Placement::kLikeLow;
  return Placement::kCannotTell;
}

void Search::measured(std::size_t index, const Level& level) {
  const Placement verdict = classify(index, level);
  if (verdict == Placement::kCannotTell || work_.empty()) {
    skipped(index);
    return;
  }
  levels_[index] = level;
  Interval in = work_.front();
  work_.erase(work_.begin());
  std::vector<Interval> parts;
  switch (verdict) {
    case Placement::kLikeLow: parts = {{index, in.high}}; break;
    case Placement::kLikeHigh: parts = {{in.low, index}}; break;
    default:
      between_.push_back(index);
      parts = {{in.low, index}, {index, in.high}};
      break;
  }
  // A part whose ends are less than the min effect apart holds no step worth naming.
  std::vector<Interval> kept;
  for (const auto& p : parts) {
    if (std::fabs(level_of(p.high).change - level_of(p.low).change) >= min_effect_) kept.push_back(p);
  }
  work_.insert(work_.begin(), kept.begin(), kept.end());
  settle();
}

void Search::skipped(std::size_t index) {
  skipped_[index] = true;
  settle();
}

void Search::settle() {
  while (!work_.empty()) {
    const Interval in = work_.front();
    if (in.high == in.low + 1) {
      steps_.push_back({in.high, in.low, level_of(in.low), level_of(in.high)});
    } else if (!probe_in(in)) {
      unsplit_.push_back({in.low, in.high});
    } else {
      return;
    }
    work_.erase(work_.begin());
  }
}

Outcome Search::outcome() const {
  Outcome out;
  out.steps = steps_;
  std::sort(out.steps.begin(), out.steps.end(), [](const Step& a, const Step& b) { return a.first_bad < b.first_bad; });
  out.unsplit = unsplit_;
  out.between = between_;
  // Levels between the ends, and no single step (nor an unsplit range) to hold the change:
  // it builds up across commits.
  out.drift = out.steps.empty() && out.unsplit.empty() && !between_.empty();
  return out;
}

}  // namespace flowbench::bisect
