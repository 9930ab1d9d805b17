#include "checks.h"

#include <cctype>
#include <map>
#include <queue>
#include <set>
#include <sstream>

#include "report/junit.h"

namespace flowbench::codegen {

namespace {

bool upper_camel(const std::string& name) {
  if (name.empty() || !std::isupper(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool snake_case(const std::string& name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return false;
    }
  }
  return true;
}

CheckCase line_length(const GeneratedFile& file) {
  std::istringstream lines(file.content);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (line.size() > kMaxLineLength) {
      return {file.path, "line_length", false,
              "line " + std::to_string(number) + " has " + std::to_string(line.size()) + " characters (at most " +
                  std::to_string(kMaxLineLength) + ")"};
    }
  }
  return {file.path, "line_length", true, ""};
}

CheckCase header_guard(const GeneratedFile& file) {
  const bool guarded = file.content.find("#pragma once") != std::string::npos ||
                       file.content.find("#ifndef ") != std::string::npos;
  return {file.path, "include_guard", guarded, guarded ? "" : "no #pragma once and no #ifndef guard"};
}

CheckCase naming(const Pattern& pattern) {
  std::vector<std::string> members;
  const auto& spec = pattern.spec;
  if (pattern.kind == PatternKind::kMessage) {
    for (const auto& f : spec["fields"]) members.push_back(f["name"]);
  } else if (pattern.kind == PatternKind::kStateMachine) {
    for (const auto& s : spec["states"]) members.push_back(s);
    for (const auto& t : spec["transitions"]) members.push_back(t["event"]);
  } else {
    for (const auto& m : spec["methods"]) members.push_back(m["name"]);
  }
  if (!upper_camel(pattern.name)) {
    return {pattern.file_name, "naming_conventions", false, "type name " + pattern.name + " is not UpperCamelCase"};
  }
  for (const auto& member : members) {
    if (!snake_case(member)) {
      return {pattern.file_name, "naming_conventions", false, "member " + member + " is not snake_case"};
    }
  }
  return {pattern.file_name, "naming_conventions", true, ""};
}

CheckCase semantic(const Pattern& pattern, const std::vector<Pattern>& patterns) {
  const auto& spec = pattern.spec;
  if (pattern.kind == PatternKind::kMessage) {
    std::set<std::string> seen;
    for (const auto& f : spec["fields"]) {
      if (!seen.insert(f["name"].get<std::string>()).second) {
        return {pattern.file_name, "fields_unique", false, "field " + f["name"].get<std::string>() + " twice"};
      }
    }
    return {pattern.file_name, "fields_unique", true, ""};
  }
  if (pattern.kind == PatternKind::kStateMachine) {
    std::multimap<std::string, std::string> edges;
    for (const auto& t : spec["transitions"]) edges.emplace(t["from"], t["to"]);
    std::set<std::string> reached{spec["initial"].get<std::string>()};
    std::queue<std::string> frontier;
    frontier.push(spec["initial"]);
    while (!frontier.empty()) {
      auto [from, to] = edges.equal_range(frontier.front());
      frontier.pop();
      for (auto it = from; it != to; ++it) {
        if (reached.insert(it->second).second) frontier.push(it->second);
      }
    }
    std::string unreachable;
    for (const auto& s : spec["states"]) {
      if (!reached.count(s)) unreachable += (unreachable.empty() ? "" : ", ") + s.get<std::string>();
    }
    return {pattern.file_name, "states_reachable", unreachable.empty(),
            unreachable.empty() ? "" : "unreachable from " + spec["initial"].get<std::string>() + ": " + unreachable};
  }
  std::set<std::string> messages;
  for (const auto& p : patterns) {
    if (p.kind == PatternKind::kMessage) messages.insert(p.name);
  }
  for (const auto& m : spec["methods"]) {
    for (const char* key : {"request", "response"}) {
      if (!messages.count(m[key])) {
        return {pattern.file_name, "types_defined", false,
                "method " + m["name"].get<std::string>() + ": " + m[key].get<std::string>() + " is not a message"};
      }
    }
  }
  return {pattern.file_name, "types_defined", true, ""};
}

}  // namespace

std::vector<CheckCase> unit_checks(const Unit& unit, const std::vector<GeneratedFile>& files,
                                   const std::vector<Pattern>& patterns) {
  const GeneratedFile& source = files[unit.file];
  const GeneratedFile& header = files[unit.file - 1];  // rendered as header, source pairs
  const Pattern& pattern = patterns[source.pattern];
  const bool clean = unit.record.compiled && unit.record.diagnostics.empty();
  std::vector<CheckCase> cases;
  cases.push_back({source.path, "compiles_without_warnings", clean,
                   clean ? "" : (unit.record.compiled ? "warnings:\n" : "errors:\n") + unit.record.diagnostics});
  cases.push_back(line_length(source));
  cases.push_back(header_guard(header));
  cases.push_back(line_length(header));
  cases.push_back(naming(pattern));
  cases.push_back(semantic(pattern, patterns));
  return cases;
}

std::string junit_xml(const std::vector<CheckCase>& cases) {
  JunitSuite suite{"codegen.checks", std::nullopt, {}};
  for (const auto& c : cases) {
    JunitCase one{c.subject, c.name, std::nullopt, JunitCase::Outcome::kPassed, "", "", ""};
    if (!c.passed) {
      one.outcome = JunitCase::Outcome::kFailed;
      one.message = c.message.substr(0, c.message.find('\n'));
      one.text = c.message;
    }
    suite.cases.push_back(std::move(one));
  }
  std::ostringstream xml;
  write_junit(xml, "codegen", suite);
  return xml.str();
}

}  // namespace flowbench::codegen
