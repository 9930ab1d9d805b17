#include "ab/until_decided.h"

#include <algorithm>

#include "gate/verdict_text.h"

namespace flowbench {

namespace {

std::string look_summary(const std::vector<Verdict>& verdicts, const Decisions& decisions) {
  std::size_t regressions = 0, regressed = 0, open = 0;
  std::string open_names;
  for (const auto& v : verdicts) {
    if (!v.regression) continue;
    ++regressions;
    if (v.regressed) ++regressed;
    if (!is_decided(v)) {
      if (++open <= 3) open_names += (open_names.empty() ? "" : ", ") + v.target;
    }
  }
  return std::to_string(decisions.decided()) + " of " + std::to_string(regressions) + " decided (" +
         std::to_string(regressed) + " regressed)" + (open ? "; open: " + open_names + (open > 3 ? ", ..." : "") : "");
}

}  // namespace

Baselines arm_a_baseline(Budgets& budgets, const ArmData& data, const std::filesystem::path& key) {
  for (auto& target : budgets.targets) {
    if (target.regression) target.regression->baseline = key;
  }
  return {{key.string(), data.a}};
}

Expected<Decided> measure_until_decided(const AbPlan& plan, const UntilDecided& how, Budgets& budgets,
                                        const NoiseFile* noise, std::ostream& progress) {
  Decided d;
  Decisions decisions;
  double spent = 0;
  std::size_t rounds = 0;
  while (true) {
    const std::size_t target = rounds == 0 ? how.rule.first_look : rounds + how.rule.look_every;
    const std::size_t block = std::min(target, how.rule.max_rounds) - rounds;
    auto more = measure_arms(plan, rounds, block, progress, rounds == 0 ? nullptr : &d.data);
    if (!more) return more.error();
    if (rounds == 0) {
      d.data = std::move(*more);
    } else if (auto appended = append_rounds(d.data, *more); !appended) {
      return appended.error();
    }
    const std::size_t before = rounds;
    rounds += block;
    d.rounds = rounds;
    if (d.data.interrupted_signal) return d;
    // Would another block fit the budget? If not, this look is the last and spends all.
    const double per_round = d.data.seconds / static_cast<double>(rounds);
    const std::size_t next = std::min(rounds + how.rule.look_every, how.rule.max_rounds);
    const bool out_of_time = how.max_seconds > 0 && d.data.seconds + per_round * static_cast<double>(next - rounds) >
                                                         how.max_seconds;
    bool last = rounds >= how.rule.max_rounds || out_of_time;
    const Look look = look_spending(before, rounds, how.rule.max_rounds, last, spent);
    spent += look.alpha_share;
    auto verdicts = evaluate_budgets(budgets, d.data.b, arm_a_baseline(budgets, d.data, plan.out / "a"), noise, look);
    if (!verdicts) return verdicts.error();
    decisions.take(*verdicts, rounds);
    last = last || decisions.all_decided(*verdicts);
    progress << "look after " << rounds << " rounds (alpha share " << format_number("%.3g", look.alpha_share)
             << "): " << look_summary(*verdicts, decisions) << "\n";
    if (last) {
      d.verdicts = decisions.final_verdicts(std::move(*verdicts));
      return d;
    }
  }
}

}  // namespace flowbench
