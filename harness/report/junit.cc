#include "report/junit.h"

#include "util/time_format.h"
#include "util/xml.h"

namespace flowbench {

namespace {

std::string time_attribute(const std::optional<double>& ms) {
  return ms ? " time=\"" + seconds_text(*ms) + "\"" : "";
}

}  // namespace

void write_junit(std::ostream& out, const std::string& name, const JunitSuite& suite) {
  std::size_t failures = 0, skipped = 0;
  for (const auto& c : suite.cases) {
    failures += c.outcome == JunitCase::Outcome::kFailed;
    skipped += c.outcome == JunitCase::Outcome::kSkipped;
  }
  const std::string counts = "tests=\"" + std::to_string(suite.cases.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\"";
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"" << xml_escape(name) << "\" " << counts << " skipped=\"" << skipped << "\""
      << time_attribute(suite.time_ms) << ">\n"
      << "  <testsuite name=\"" << xml_escape(suite.name) << "\" " << counts << " errors=\"0\" skipped=\"" << skipped
      << "\"" << time_attribute(suite.time_ms) << ">\n";
  for (const auto& c : suite.cases) {
    out << "    <testcase classname=\"" << xml_escape(c.classname) << "\" name=\"" << xml_escape(c.name) << "\""
        << time_attribute(c.time_ms);
    if (c.outcome == JunitCase::Outcome::kPassed) {
      out << "/>\n";
      continue;
    }
    out << ">\n";
    if (c.outcome == JunitCase::Outcome::kSkipped) {
      out << "      <skipped message=\"" << xml_escape(c.message) << "\"/>\n";
    } else {
      out << "      <failure";
      if (!c.failure_type.empty()) out << " type=\"" << xml_escape(c.failure_type) << "\"";
      out << " message=\"" << xml_escape(c.message) << "\">" << xml_escape(c.text) << "</failure>\n";
    }
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace flowbench
