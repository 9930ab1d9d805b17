// The checks stage: quality checks on the generated code, each a pass/fail JUnit case.
#pragma once

#include <string>
#include <vector>

#include "compile.h"
#include "manifest.h"
#include "pattern.h"
#include "render.h"

namespace flowbench::codegen {

inline constexpr std::size_t kMaxLineLength = 100;

// The checks of one unit: its source (compiles without warnings, line length), its header
// (#pragma once or a guard, line length), the names in its pattern (UpperCamelCase types,
// snake_case members), and its pattern kind's semantic check (message: unique fields;
// state machine: every state reachable from the initial one; service: request and
// response types are messages of the library).
std::vector<CheckCase> unit_checks(const Unit& unit, const std::vector<GeneratedFile>& files,
                                   const std::vector<Pattern>& patterns);

// JUnit XML with one testcase per check, grouped by subject.
std::string junit_xml(const std::vector<CheckCase>& cases);

}  // namespace flowbench::codegen
