// Writers of a gate's verdicts: the table people read, JUnit XML, JSON.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gate/gate.h"

namespace flowbench {

// The verdict table (with change and p columns when any target checks regressions), the
// regression rule and each corrected family under it, then one line per failed target.
void print_verdicts(std::ostream& out, const std::vector<Verdict>& verdicts);

// JUnit XML: one testcase per target; not met and not measured are failures.
void write_verdicts_junit(std::ostream& out, const std::string& suite, const std::vector<Verdict>& verdicts);

nlohmann::ordered_json verdicts_json(const std::vector<Verdict>& verdicts);

}  // namespace flowbench
