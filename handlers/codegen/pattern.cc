#include "pattern.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "platform/atomic_file.h"
#include "util/json_reader.h"

namespace flowbench::codegen {
namespace fs = std::filesystem;
using nlohmann::json;

const char* kind_folder(PatternKind kind) {
  switch (kind) {
    case PatternKind::kMessage: return "message";
    case PatternKind::kStateMachine: return "state_machine";
    case PatternKind::kService: return "service";
  }
  return "unknown";
}

std::string to_snake(const std::string& camel) {
  std::string snake;
  for (std::size_t i = 0; i < camel.size(); ++i) {
    const char c = camel[i];
    if (std::isupper(static_cast<unsigned char>(c))) {
      if (i > 0) snake.push_back('_');
      snake.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    } else {
      snake.push_back(c);
    }
  }
  return snake;
}

std::string to_camel(const std::string& snake) {
  std::string camel;
  bool upper = true;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      camel.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    }
  }
  return camel;
}

namespace {

const std::set<std::string> kFieldTypes = {"u8", "u16", "u32", "u64", "i32", "i64", "f64", "bool", "text"};

bool is_identifier(const std::string& text) {
  return !text.empty() && (std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_') &&
         std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

constexpr std::size_t kMaxIdentifier = 100;

class Problems {
 public:
  explicit Problems(std::vector<std::string>& lines, const fs::path& file) : lines_(lines), file_(file) {}
  void add(const std::string& path, const std::string& what, const std::string& fix) {
    lines_.push_back(file_.string() + ": " + path + ": " + what + "; fix: " + fix);
  }
  // A required array of objects at `key`; false (with a problem) when it is not one.
  bool object_list(const json& doc, const std::string& key) {
    if (!doc.contains(key) || !doc[key].is_array() || doc[key].empty()) {
      add("/" + key, "missing or not a non-empty array", "list the " + key + " as an array");
      return false;
    }
    return true;
  }
  // A string member; empty (with a problem) when missing.
  std::string identifier(const json& object, const std::string& key, const std::string& path) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_string()) {
      add(path + "/" + key, "missing or not a string", "give \"" + key + "\" as a string");
      return {};
    }
    const std::string value = object[key];
    if (value.size() > kMaxIdentifier) {  // it names files: keep within a file name's 255 bytes
      add(path + "/" + key, "is " + std::to_string(value.size()) + " characters long",
          "give a name of at most " + std::to_string(kMaxIdentifier));
      return {};
    }
    if (!is_identifier(value)) {
      add(path + "/" + key, "\"" + value + "\" is not a C++ identifier", "use letters, digits and '_'");
      return {};
    }
    return value;
  }

 private:
  std::vector<std::string>& lines_;
  fs::path file_;
};

void check_message(Problems& problems, const json& doc) {
  if (!problems.object_list(doc, "fields")) return;
  for (std::size_t i = 0; i < doc["fields"].size(); ++i) {
    const std::string path = "/fields/" + std::to_string(i);
    problems.identifier(doc["fields"][i], "name", path);
    const json& field = doc["fields"][i];
    if (!field.is_object() || !field.contains("type") || !field["type"].is_string() ||
        !kFieldTypes.count(field["type"].get<std::string>())) {
      problems.add(path + "/type", "missing or unknown field type",
                   "use one of u8, u16, u32, u64, i32, i64, f64, bool, text");
    }
  }
}

void check_state_machine(Problems& problems, const json& doc) {
  if (!problems.object_list(doc, "states")) return;
  std::set<std::string> states;
  for (std::size_t i = 0; i < doc["states"].size(); ++i) {
    const json& state = doc["states"][i];
    if (!state.is_string() || !is_identifier(state.get<std::string>())) {
      problems.add("/states/" + std::to_string(i), "a state must be an identifier string", "e.g. \"pending\"");
    } else if (!states.insert(state.get<std::string>()).second) {
      problems.add("/states/" + std::to_string(i), "duplicate state " + state.dump(), "name each state once");
    }
  }
  const std::string initial = problems.identifier(doc, "initial", "");
  if (!initial.empty() && !states.count(initial)) {
    problems.add("/initial", "initial state \"" + initial + "\" is not in /states", "add it or correct the name");
  }
  if (!problems.object_list(doc, "transitions")) return;
  for (std::size_t i = 0; i < doc["transitions"].size(); ++i) {
    const std::string path = "/transitions/" + std::to_string(i);
    for (const char* end : {"from", "to"}) {
      const std::string state = problems.identifier(doc["transitions"][i], end, path);
      if (!state.empty() && !states.count(state)) {
        problems.add(path + "/" + end, "unknown state \"" + state + "\"", "use a state listed in /states");
      }
    }
    problems.identifier(doc["transitions"][i], "event", path);
  }
}

void check_service(Problems& problems, const json& doc) {
  if (!problems.object_list(doc, "methods")) return;
  for (std::size_t i = 0; i < doc["methods"].size(); ++i) {
    const std::string path = "/methods/" + std::to_string(i);
    for (const char* key : {"name", "request", "response"}) problems.identifier(doc["methods"][i], key, path);
  }
}

}  // namespace

Expected<std::vector<Pattern>> parse_patterns(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    return Error{folder.string() + ": not a folder; fix: give --patterns the pattern library's folder"};
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) return Error{folder.string() + ": no *.json patterns; fix: add at least one pattern"};
  std::vector<std::string> lines;
  std::vector<Pattern> patterns;
  std::set<std::string> names;
  for (const auto& file : files) {
    Problems problems(lines, file);
    auto bytes = read_file(file);
    if (!bytes) {
      lines.push_back(bytes.error().message);
      continue;
    }
    JsonReader reader(file.string(), "correct the JSON syntax");
    auto parsed = reader.parse(*bytes);
    if (!parsed || !parsed->is_object()) {
      lines.push_back(parsed ? file.string() + ": /: not a JSON object; fix: write the pattern as an object"
                             : reader.error().message);
      continue;
    }
    json doc = std::move(*parsed);
    Pattern pattern;
    pattern.file = file;
    pattern.file_name = file.filename().string();
    pattern.spec = doc;
    pattern.bytes = std::move(*bytes);
    const std::string kind = !doc.contains("kind") ? "" : doc["kind"].is_string() ? doc["kind"].get<std::string>()
                                                                                 : json_excerpt(doc["kind"]);
    if (kind == "message") {
      pattern.kind = PatternKind::kMessage;
      check_message(problems, doc);
    } else if (kind == "state_machine") {
      pattern.kind = PatternKind::kStateMachine;
      check_state_machine(problems, doc);
    } else if (kind == "service") {
      pattern.kind = PatternKind::kService;
      check_service(problems, doc);
    } else {
      problems.add("/kind", "unknown kind \"" + kind + "\"", "use message, state_machine or service");
      continue;
    }
    pattern.name = problems.identifier(doc, "name", "");
    if (pattern.name.empty()) continue;
    pattern.snake = to_snake(pattern.name);
    if (!names.insert(pattern.snake).second) {
      problems.add("/name", "another pattern is already named " + pattern.name, "give each pattern its own name");
    }
    patterns.push_back(std::move(pattern));
  }
  if (!lines.empty()) {
    std::string message;
    for (const auto& line : lines) message += (message.empty() ? "" : "\n") + line;
    return Error{message};
  }
  return patterns;
}

}  // namespace flowbench::codegen
