// Rounds until decided: a gate that looks at its data after each block of rounds and stops
// when every regression target is decided (regressed, or clear of a regression as large as
// its min effect), or when its budget of rounds or time is spent.
//
// Repeated looks must not raise the false-alarm rate. Each look spends a share of every
// family's alpha (and of the error of the bound that clears a target): the rounds it adds as
// a share of the most rounds the budget allows, the last look spending whatever is left. By
// Bonferroni over the looks, the chance of any false alarm in a family over the whole run is
// at most the sum of what the looks spent, alpha, whatever the correlation between looks
// (an alpha-spending design with a linear spending function; Lan & DeMets 1983 compute exact
// boundaries for correlated normal statistics, which a paired t with few rounds is not).
// A decided target stays decided: later rounds neither flag a cleared target nor clear a
// flagged one.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "gate/gate.h"

namespace flowbench {

struct StoppingRule {
  std::size_t first_look = 5;  // rounds before the first look
  std::size_t look_every = 5;  // rounds between later looks
  std::size_t max_rounds = 30; // the most rounds (a side)
};

// What the look after `rounds_now` rounds (the previous one after `rounds_before`) spends;
// `last` spends everything not yet spent (`spent`: the share spent by earlier looks).
Look look_spending(std::size_t rounds_before, std::size_t rounds_now, std::size_t max_rounds, bool last,
                   double spent);

// The rounds at which the rule looks: first_look, then every look_every, up to max_rounds.
std::vector<std::size_t> planned_looks(const StoppingRule& rule);

// Regression verdicts as they were decided, look by look.
class Decisions {
 public:
  // Keeps each regression verdict of this look that is decided (regressed, or cleared) and
  // was not decided before, noting the rounds it took.
  void take(const std::vector<Verdict>& look, std::size_t rounds);
  // True when every regression verdict of `look` is decided (now or before).
  bool all_decided(const std::vector<Verdict>& look) const;
  // The verdicts to report: the last look's, each decided one replaced by its verdict as
  // decided (an absolute bound the last look found broken still fails it).
  std::vector<Verdict> final_verdicts(std::vector<Verdict> last) const;
  std::size_t decided() const { return kept_.size(); }

 private:
  std::map<std::string, Verdict> kept_;
};

// True for a regression verdict that is decided: regressed, or cleared.
bool is_decided(const Verdict& v);

}  // namespace flowbench
