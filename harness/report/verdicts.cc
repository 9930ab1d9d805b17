#include "report/verdicts.h"

#include <algorithm>
#include <map>

#include "gate/verdict_text.h"
#include "report/junit.h"
#include "report/text_table.h"

namespace flowbench {

namespace {

// "paired t n=10", "MW 5/5", "commit t 25/5"
std::string test_short(const Comparison& c) {
  if (c.test == TestKind::kPairedT) return "paired t n=" + std::to_string(c.n_now);
  if (c.test == TestKind::kCommitLevelT) return "commit t " + std::to_string(c.n_base) + "/" + std::to_string(c.n_now);
  return "MW " + std::to_string(c.n_base) + "/" + std::to_string(c.n_now);
}

std::string p_text(const Verdict& v) {
  if (!v.regression) return "-";
  return format_number("%.2g", v.regression->p) + format_number(" (%.2g)", v.p_adjusted);
}

// One line per corrected family: its size, correction, alpha and min effect.
void print_families(std::ostream& out, const std::vector<Verdict>& verdicts) {
  std::map<std::string, std::vector<const Verdict*>> families;
  std::vector<std::string> order;
  for (const auto& v : verdicts) {
    if (!v.regression) continue;
    if (!families.count(v.family)) order.push_back(v.family);
    families[v.family].push_back(&v);
  }
  for (const auto& name : order) {
    const auto& members = families[name];
    double low = members.front()->min_effect, high = low;
    for (const auto* v : members) {
      low = std::min(low, v->min_effect);
      high = std::max(high, v->min_effect);
    }
    std::string effect = format_number(low >= 1 ? "%.0f%%" : "%.3g%%", low * 100);
    if (high > low) effect += " to " + format_number(high >= 1 ? "%.0f%%" : "%.3g%%", high * 100);
    out << "  family " << name << ": " << members.size() << (members.size() == 1 ? " verdict, " : " verdicts, ")
        << members.front()->correction << " at alpha " << format_number("%.3g", members.front()->alpha)
        << ", min effect " << effect << "\n";
  }
}

}  // namespace

void print_verdicts(std::ostream& out, const std::vector<Verdict>& verdicts) {
  const bool regressions = std::any_of(verdicts.begin(), verdicts.end(), [](const Verdict& v) { return v.regression; });
  TextTable table;
  table.rule = true;
  table.min_width = 5;
  table.titles = {"target", "variant", "measured"};
  if (regressions) table.titles.insert(table.titles.end(), {"change [95% CI]", "p (adj.)", "test"});
  table.titles.insert(table.titles.end(), {"bound", "verdict"});
  for (const auto& v : verdicts) {
    std::vector<std::string> row = {v.target, v.variant, v.measured};
    if (regressions) {
      row.push_back(v.regression ? change_text(*v.regression) : "-");
      row.push_back(p_text(v));
      row.push_back(v.regression ? test_short(*v.regression) + ", " + v.measure : "-");
    }
    row.push_back(v.bound);
    row.push_back(v.regressed ? "regressed" : verdict_name(v.state));
    table.rows.push_back(std::move(row));
  }
  table.print(out);
  if (regressions) {
    out << "\nrule: " << regression_rule_text() << "\n";
    print_families(out, verdicts);
  }
  std::size_t failed = 0, undecided = 0;
  // Failures first, then what is undecided.
  for (const bool failures : {true, false}) {
    for (const auto& v : verdicts) {
      if (v.state == VerdictState::kMet || (v.state == VerdictState::kUndecided) == failures) continue;
      (failures ? failed : undecided) += 1;
      out << (failed + undecided == 1 ? "\n" : "") << (failures ? "FAILED " : "UNDECIDED ") << v.target << " ("
          << verdict_name(v.state) << "): " << v.detail << "\n";
    }
  }
  out << "\n" << verdicts.size() - failed - undecided << " of " << verdicts.size() << " targets met";
  if (undecided > 0) out << ", " << undecided << " undecided (measure more rounds: no pass was earned)";
  out << "\n";
}

void write_verdicts_junit(std::ostream& out, const std::string& suite, const std::vector<Verdict>& verdicts) {
  JunitSuite junit{suite, std::nullopt, {}};
  for (const auto& v : verdicts) {
    JunitCase c{suite, v.target, std::nullopt, JunitCase::Outcome::kPassed, "", "", ""};
    if (v.state != VerdictState::kMet) {
      c.outcome = JunitCase::Outcome::kFailed;  // an undecided target has not passed either
      c.failure_type = verdict_name(v.state);
      c.message = v.detail;
      c.text = v.variant + " " + v.metric + ": measured " + v.measured + ", bound " + v.bound + "; " + v.detail;
    }
    junit.cases.push_back(std::move(c));
  }
  write_junit(out, "flowbench gate", junit);
}

nlohmann::ordered_json verdicts_json(const std::vector<Verdict>& verdicts) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& v : verdicts) {
    nlohmann::ordered_json one = {{"target", v.target}, {"family", v.family}, {"variant", v.variant},
                                  {"metric", v.metric}, {"verdict", verdict_name(v.state)}, {"n", v.n},
                                  {"value", v.value}, {"low", v.low}, {"high", v.high}, {"unit", v.unit},
                                  {"measured", v.measured}, {"bound", v.bound}, {"detail", v.detail},
                                  {"measure", v.measure}};
    if (v.regression) {
      const Comparison& c = *v.regression;
      one["regression"] = {{"change", c.estimate.ratio - 1},  {"change_low", c.estimate.low - 1},
                           {"change_high", c.estimate.high - 1}, {"interval_coverage", c.estimate.coverage},
                           {"n_baseline", c.n_base},           {"p", c.p},
                           {"p_adjusted", v.p_adjusted},       {"correction", v.correction},
                           {"family_size", v.family_size},     {"alpha", v.alpha},
                           {"min_effect", v.min_effect},       {"regressed", v.regressed},
                           {"test", test_name(c.test)},        {"pairs", c.test == TestKind::kPairedT ? c.n_now : 0},
                           {"rounds_left_out", c.left_out},    {"worse_bound", c.worse_bound},
                           {"rounds_needed", v.rounds_needed}};
    }
    out.push_back(std::move(one));
  }
  return out;
}

}  // namespace flowbench
