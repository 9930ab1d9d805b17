#include "gate/sequential.h"

#include <algorithm>

#include "gate/verdict_text.h"

namespace flowbench {

Look look_spending(std::size_t rounds_before, std::size_t rounds_now, std::size_t max_rounds, bool last,
                   double spent) {
  Look look;
  const double share = max_rounds == 0 ? 1.0
                                       : static_cast<double>(rounds_now - std::min(rounds_before, rounds_now)) /
                                             static_cast<double>(max_rounds);
  look.alpha_share = last ? std::max(0.0, 1.0 - spent) : std::min(share, std::max(0.0, 1.0 - spent));
  look.tail = 0.025 * look.alpha_share;
  return look;
}

std::vector<std::size_t> planned_looks(const StoppingRule& rule) {
  std::vector<std::size_t> looks;
  std::size_t at = std::min(rule.first_look, rule.max_rounds);
  while (true) {
    looks.push_back(at);
    if (at >= rule.max_rounds) break;
    at = std::min(at + std::max<std::size_t>(rule.look_every, 1), rule.max_rounds);
  }
  return looks;
}

bool is_decided(const Verdict& v) { return v.regression && (v.regressed || v.cleared); }

void Decisions::take(const std::vector<Verdict>& look, std::size_t rounds) {
  for (const auto& v : look) {
    if (!is_decided(v) || kept_.count(v.target)) continue;
    Verdict kept = v;
    add_part(kept.detail, "decided after " + std::to_string(rounds) + " rounds");
    kept_.emplace(v.target, std::move(kept));
  }
}

bool Decisions::all_decided(const std::vector<Verdict>& look) const {
  return std::all_of(look.begin(), look.end(), [&](const Verdict& v) {
    return !v.regression || is_decided(v) || kept_.count(v.target);
  });
}

std::vector<Verdict> Decisions::final_verdicts(std::vector<Verdict> last) const {
  for (auto& v : last) {
    auto found = kept_.find(v.target);
    if (found == kept_.end()) continue;
    const bool broken = v.bound_failed;
    const std::string bound_detail = v.detail;
    v = found->second;
    if (broken && !v.bound_failed) {
      v.bound_failed = true;
      v.state = VerdictState::kNotMet;
      add_part(v.detail, "with all rounds: " + bound_detail);
    }
  }
  return last;
}

}  // namespace flowbench
