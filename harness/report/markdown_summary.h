// What a reviewer reads on a pull request: a gate's (or ab's) verdicts and a history's
// changes as GitHub-flavoured Markdown, for a job summary ($GITHUB_STEP_SUMMARY) or a PR
// comment.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "gate/gate.h"
#include "history/changes.h"

namespace flowbench {

struct SummaryContext {
  std::string heading;                 // "ab phase5.1-targets: b against a, 10 rounds ..."
  std::string machine;                 // "AMD EPYC x2, 24 GiB"
  std::vector<std::pair<std::string, std::string>> links;  // label, path or URL (JUnit, JSON, HTML)
};

// One table, the failing verdicts first (each with its change, interval and why), then the
// undecided ones, then one line naming what passed; the families and the rule under it.
void write_verdicts_markdown(std::ostream& out, const SummaryContext& context, const std::vector<Verdict>& verdicts);

// The changes `history regressions` reports: regressions first, open ones first.
void write_changes_markdown(std::ostream& out, const SummaryContext& context,
                            const std::vector<history::Change>& changes);

// Text safe inside a Markdown table cell: pipes escaped, line breaks as spaces.
std::string markdown_cell(const std::string& text);

}  // namespace flowbench
