// JUnit XML, the one writer: a run's tasks, a gate's verdicts and codegen's checks are all
// written through it, so every JUnit file flowbench makes reads the same.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace flowbench {

struct JunitCase {
  enum class Outcome { kPassed, kFailed, kSkipped };
  std::string classname, name;
  std::optional<double> time_ms;
  Outcome outcome = Outcome::kPassed;
  std::string failure_type;  // the failure's type attribute ("" = none)
  std::string message;       // the failure's or skip's message attribute
  std::string text;          // the failure's body
};

struct JunitSuite {
  std::string name;
  std::optional<double> time_ms;
  std::vector<JunitCase> cases;
};

// One <testsuites> named `name` holding one <testsuite>: counts of tests, failures and
// skips on both, times (seconds, three decimals) where known, every text escaped.
void write_junit(std::ostream& out, const std::string& name, const JunitSuite& suite);

}  // namespace flowbench
