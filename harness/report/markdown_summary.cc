#include "report/markdown_summary.h"

#include <algorithm>
#include <map>

#include "gate/verdict_text.h"

namespace flowbench {

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

namespace {

int rank(const Verdict& v) {
  if (v.state == VerdictState::kMet) return 2;
  return v.state == VerdictState::kUndecided ? 1 : 0;
}

std::string verdict_cell(const Verdict& v) {
  if (v.regressed) return "**regressed**";
  if (v.state == VerdictState::kMet) return "met";
  if (v.state == VerdictState::kUndecided) return "undecided";
  return "**" + std::string(verdict_name(v.state)) + "**";
}

void write_links(std::ostream& out, const SummaryContext& context) {
  if (context.links.empty()) return;
  out << "\nFiles:";
  for (const auto& [label, where] : context.links) out << " [" << label << "](" << where << ")";
  out << "\n";
}

}  // namespace

void write_verdicts_markdown(std::ostream& out, const SummaryContext& context, const std::vector<Verdict>& verdicts) {
  std::vector<const Verdict*> order;
  for (const auto& v : verdicts) order.push_back(&v);
  std::stable_sort(order.begin(), order.end(), [](const Verdict* a, const Verdict* b) { return rank(*a) < rank(*b); });
  const auto failed = static_cast<std::size_t>(std::count_if(order.begin(), order.end(), [](const Verdict* v) { return rank(*v) == 0; }));
  const auto undecided = static_cast<std::size_t>(std::count_if(order.begin(), order.end(), [](const Verdict* v) { return rank(*v) == 1; }));
  out << "### " << markdown_cell(context.heading) << "\n\n";
  out << (failed ? "**" + std::to_string(failed) + " of " + std::to_string(verdicts.size()) + " targets failed**"
                 : undecided ? "No target failed; " + std::to_string(undecided) + " undecided (no pass was earned: measure more)"
                             : "Every target met (" + std::to_string(verdicts.size()) + ")")
      << (context.machine.empty() ? "" : ", measured on " + markdown_cell(context.machine)) << ".\n\n";
  std::vector<std::string> passed;
  bool header = false;
  for (const Verdict* v : order) {
    if (rank(*v) == 2) {
      passed.push_back(v->target);
      continue;
    }
    if (!header) {
      out << "| verdict | target | measured | change [95% CI] | test | why |\n|---|---|---|---|---|---|\n";
      header = true;
    }
    out << "| " << verdict_cell(*v) << " | " << markdown_cell(v->target) << " | " << markdown_cell(v->measured)
        << " | " << (v->regression ? markdown_cell(change_text(*v->regression)) : "-") << " | "
        << (v->regression ? std::string(test_name(v->regression->test)) + ", " + v->measure : markdown_cell(v->measure))
        << " | " << markdown_cell(v->detail) << " |\n";
  }
  if (!passed.empty()) {
    out << (header ? "\n" : "") << "Met (" << passed.size() << "): ";
    for (std::size_t i = 0; i < passed.size(); ++i) out << (i ? ", " : "") << "`" << passed[i] << "`";
    out << "\n";
  }
  std::map<std::string, const Verdict*> families;
  for (const auto& v : verdicts) {
    if (v.regression && !families.count(v.family)) families[v.family] = &v;
  }
  if (!families.empty()) {
    out << "\n<details><summary>Families and the rule</summary>\n\n";
    for (const auto& [name, v] : families) {
      out << "- `" << markdown_cell(name) << "`: " << v->family_size << (v->family_size == 1 ? " verdict, " : " verdicts, ")
          << v->correction << " at alpha " << format_number("%.3g", v->alpha) << ", min effect "
          << format_number("%.3g%%", v->min_effect * 100) << "\n";
    }
    out << "\n" << markdown_cell(regression_rule_text()) << "\n\n</details>\n";
  }
  write_links(out, context);
  out << "\n";
}

void write_changes_markdown(std::ostream& out, const SummaryContext& context,
                            const std::vector<history::Change>& changes) {
  out << "### " << markdown_cell(context.heading) << "\n\n";
  if (changes.empty()) {
    out << "No change point in the history.\n";
  } else {
    const auto open = std::count_if(changes.begin(), changes.end(), [](const history::Change& c) { return c.open; });
    out << changes.size() << (changes.size() == 1 ? " change" : " changes") << ", " << open << " open regression"
        << (open == 1 ? "" : "s") << ".\n\n| change | metric | variant | last good | first bad | change [95% CI] | p |\n"
        << "|---|---|---|---|---|---|---|\n";
    for (const auto& c : changes) {
      out << "| " << (c.regression ? (c.open ? "**open regression**" : "regression") : "improvement") << " | `"
          << markdown_cell(c.key.metric) << "` | " << markdown_cell(c.key.variant) << " | `" << c.last_good.substr(0, 12)
          << "` | `" << c.first_bad.substr(0, 12) << "` | " << markdown_cell(change_text(c.effect)) << " | "
          << format_number("%.2g", c.p) << " |\n";
    }
  }
  write_links(out, context);
  out << "\n";
}

}  // namespace flowbench
