// The search of a bisect, with no git and no measurement: which commit to probe next, what a
// probe's level says, and what the range holds in the end (one step, several, a drift, or a
// range no probe could split).
//
// Commits are numbered 0..n in history order: 0 is the good end (its level is 0 by
// definition), n the bad end (its level measured against good). A level is a change against
// good in the bad direction (+0.12: 12% slower) with its interval. Two levels differ when their
// intervals are apart and their changes are at least half the min effect apart. An interval
// [L, R] is searched for a step while its ends' levels differ by at least the min effect: a
// probe that matches L's level (and not R's) moves L, one that matches R's moves R, one that
// matches neither is a level of its own and splits the interval in two; one that matches both
// (an end's interval is wide) goes to the side of the midpoint its whole interval lies on, and
// when it straddles the midpoint it cannot be told (it needs more rounds, else it is skipped). An interval whose ends are
// adjacent commits holds a step at R.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace flowbench::bisect {

struct Level {
  double change = 0;           // against good, worse direction
  double low = 0, high = 0;    // its interval
};

enum class Placement { kLikeLow, kLikeHigh, kBetween, kCannotTell };
const char* placement_name(Placement p);  // "like good side", "like bad side", "a level between", "cannot tell"

struct Step {
  std::size_t first_bad = 0;   // the commit where the level changes
  std::size_t last_good = 0;   // the commit before it
  Level before, after;
  double change() const { return after.change - before.change; }
};

struct Outcome {
  std::vector<Step> steps;                                     // in commit order
  std::vector<std::pair<std::size_t, std::size_t>> unsplit;    // (L, R]: a step somewhere, every commit between skipped
  bool drift = false;   // the change builds up across commits: levels between the ends, no step as large as the min effect
  std::vector<std::size_t> between;  // probes whose level lies between their interval's ends
};

class Search {
 public:
  // `n` >= 1: the bad end's index; `min_effect`: the smallest change a step must have.
  Search(std::size_t n, Level bad, double min_effect);

  // The next commit to probe, and the interval it splits; nullopt when the search is done.
  std::optional<std::size_t> next() const;
  // What `level` says of commit `index` against the interval it is probed in.
  Placement classify(std::size_t index, const Level& level) const;
  // The probe's result (its level); a probe that cannot be told apart is skipped.
  void measured(std::size_t index, const Level& level);
  // The commit did not build, did not run, or could not be told apart: left out.
  void skipped(std::size_t index);

  Outcome outcome() const;
  std::size_t size() const { return n_; }

 private:
  struct Interval {
    std::size_t low, high;
  };
  bool differ(const Level& a, const Level& b) const;
  const Level& level_of(std::size_t index) const;
  std::optional<std::size_t> probe_in(const Interval& interval) const;
  void settle();  // drops finished intervals from the front of the work list

  std::size_t n_;
  double min_effect_;
  std::vector<std::optional<Level>> levels_;
  std::vector<bool> skipped_;
  std::vector<Interval> work_;      // intervals still holding a step to find; the first is searched
  std::vector<Step> steps_;
  std::vector<std::pair<std::size_t, std::size_t>> unsplit_;
  std::vector<std::size_t> between_;
};

}  // namespace flowbench::bisect
