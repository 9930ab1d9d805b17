#include "model/spec_loader.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>
#include <unordered_map>

#include "model/spec_checker.h"
#include "platform/posix.h"
#include "platform/atomic_file.h"
#include "util/fast_json.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::set<std::string> kTopKeys = {"schema", "name", "defaults", "tasks", "description"};
const std::set<std::string> kDefaultKeys = {"timeout_s", "env", "cwd"};

void link_tasks(SpecChecker& check, Workflow& workflow) {
  std::unordered_map<std::string, std::size_t> by_id;
  for (std::size_t i = 0; i < workflow.tasks.size(); ++i) {
    const std::string& id = workflow.tasks[i].id;
    if (id.empty()) continue;
    auto [it, inserted] = by_id.emplace(id, i);
    if (!inserted) {
      check.problem("/tasks/" + std::to_string(i) + "/id",
                    "duplicate id " + id + " (also /tasks/" + std::to_string(it->second) + ")",
                    "give every task its own id");
    }
  }
  workflow.deps.assign(workflow.tasks.size(), {});
  for (std::size_t i = 0; i < workflow.tasks.size(); ++i) {
    const auto& after = workflow.tasks[i].after;
    for (std::size_t k = 0; k < after.size(); ++k) {
      auto it = by_id.find(after[k]);
      auto where = [&] { return "/tasks/" + std::to_string(i) + "/after/" + std::to_string(k); };
      if (it == by_id.end()) {
        check.problem(where(), "unknown task id " + after[k],
                      "use the id of a task defined in this spec, or remove it");
      } else if (it->second == i) {
        check.problem(where(), "task " + after[k] + " waits for itself", "remove it");
      } else if (std::find(workflow.deps[i].begin(), workflow.deps[i].end(), it->second) ==
                 workflow.deps[i].end()) {
        workflow.deps[i].push_back(it->second);
      }
    }
  }
  for (Task& task : workflow.tasks) std::vector<std::string>().swap(task.after);  // deps holds them now
  if (auto cycle = find_cycle(workflow.deps)) {
    std::string text;
    for (std::size_t index : *cycle) text += (text.empty() ? "" : " -> ") + workflow.tasks[index].id;
    check.problem("/tasks/" + std::to_string(cycle->front()) + "/after",
                  "dependency cycle: " + text, "remove one of these \"after\" entries");
  }
  workflow.dependents = reverse_edges(workflow.deps);
}

}  // namespace

std::vector<fs::path> split_search_path(const std::string& path_value) {
  std::vector<fs::path> dirs;
  std::stringstream stream(path_value);
  std::string dir;
  while (std::getline(stream, dir, ':')) {
    if (!dir.empty()) dirs.emplace_back(dir);
  }
  return dirs;
}

fs::path resolve_program(const std::string& program, const fs::path& base,
                         const std::vector<fs::path>& dirs) {
  if (program.find('/') != std::string::npos) {
    fs::path candidate = fs::path(program).is_absolute() ? fs::path(program) : base / program;
    candidate = candidate.lexically_normal();
    return platform::is_executable_file(candidate) ? candidate : fs::path{};
  }
  for (const auto& dir : dirs) {
    fs::path candidate = dir / program;
    if (platform::is_executable_file(candidate)) return fs::absolute(candidate).lexically_normal();
  }
  return {};
}

fs::path find_program(const std::string& program, const fs::path& base, const std::vector<fs::path>& dirs) {
  std::vector<fs::path> all = dirs;
  if (const char* own = std::getenv("PATH")) {
    for (auto& dir : split_search_path(own)) all.push_back(dir);
  }
  return resolve_program(program, base, all);
}

namespace {

// What the spec's top level sets for every task.
struct TopLevel {
  json defaults = json::object();
  SharedPath default_cwd;
};

// Checks the top level (all but "tasks") and names the workflow; empty when the root is no object.
std::optional<TopLevel> read_top_level(SpecChecker& check, const json& root, Workflow& workflow) {
  if (!root.is_object()) {
    check.problem("", "the spec must be a JSON object", "start from fixtures/k1n/workflow.json");
    return std::nullopt;
  }
  check.check_keys(root, kTopKeys, "");
  if (!root.contains("schema")) {
    check.problem("/schema", "missing", std::string("add \"schema\": \"") + kWorkflowSchema + "\"");
  } else if (root["schema"] != kWorkflowSchema) {
    check.problem("/schema", "unsupported schema " + root["schema"].dump(),
                  std::string("this flowbench reads \"") + kWorkflowSchema + "\"");
  }
  const fs::path absolute = fs::absolute(check.spec_path()).lexically_normal();
  workflow.spec_path = absolute;
  workflow.spec_dir = absolute.parent_path();
  workflow.name = absolute.stem().string();
  if (root.contains("name") && !root["name"].is_string()) {
    check.problem("/name", "must be a string", "write e.g. \"name\": \"k1n-22task\"");
  } else if (root.contains("name")) {
    workflow.name = root["name"].get<std::string>();
    check_name(check, workflow.name, "/name");
  }
  TopLevel top;
  if (root.contains("defaults")) top.defaults = root["defaults"];
  if (!top.defaults.is_object()) {
    check.problem("/defaults", "must be an object", "write e.g. {\"timeout_s\": 1800}");
    top.defaults = json::object();
  }
  check.check_keys(top.defaults, kDefaultKeys, "/defaults");
  top.default_cwd = check.cwd(top.defaults, "/defaults", workflow.spec_dir);
  return top;
}

void no_tasks(SpecChecker& check) {
  check.problem("/tasks", "must be a non-empty array of tasks",
                "add \"tasks\": [{\"id\": 1, \"command\": [\"synth\"]}]");
}

// The checked reading: the whole spec as one nlohmann document (about 375 bytes a task).
Expected<Workflow> load_checked(const std::string& text, const fs::path& spec_path, const LoadOptions& options) {
  SpecChecker check(spec_path, options);
  const auto parsed = check.parse(text);
  if (!parsed) return check.error();
  const json& root = *parsed;
  Workflow workflow;
  const auto top = read_top_level(check, root, workflow);
  if (!top) return check.error();
  if (!root.contains("tasks") || !root["tasks"].is_array() || root["tasks"].empty()) {
    no_tasks(check);
    return check.error();
  }
  const json& tasks = root["tasks"];
  workflow.tasks.reserve(tasks.size());
  ProgramCache programs;
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    workflow.tasks.push_back(read_task(check, tasks[i], i, top->defaults, top->default_cwd, programs));
  }
  link_tasks(check, workflow);
  if (check.failed()) return check.error();
  return workflow;
}

// The fast reading: simdjson's document (a tape of some 150 bytes a task), each task converted
// to nlohmann's form on its own and checked by the same code as the checked reading; the
// document is gone before the tasks are linked. False when the text is anything but a
// well-formed object with a non-empty array of tasks: the checked reading then answers, so
// every message about a bad spec is the same either way.
bool read_fast(const std::string& text, SpecChecker& check, Workflow& workflow) {
  simdjson::dom::parser parser;
  const bool padded = text.capacity() - text.size() >= simdjson::SIMDJSON_PADDING;
  simdjson::dom::element root;
  simdjson::dom::object members;
  if (parser.parse(text.data(), text.size(), !padded).get(root) || root.get_object().get(members)) return false;
  json top_fields = json::object();  // all but "tasks": a repeated key keeps its last value
  std::optional<simdjson::dom::array> tasks;
  for (auto field : members) {
    if (field.key != "tasks") {
      top_fields[std::string(field.key)] = fast_json::to_nlohmann(field.value);
    } else if (simdjson::dom::array items; !field.value.get_array().get(items) && items.size() > 0) {
      tasks = items;
    } else {
      tasks.reset();
    }
  }
  if (!tasks) return false;
  const auto top = read_top_level(check, top_fields, workflow);
  workflow.tasks.reserve(tasks->size());
  ProgramCache programs;
  for (simdjson::dom::element raw : *tasks) {
    workflow.tasks.push_back(read_task(check, fast_json::to_nlohmann(raw), workflow.tasks.size(),
                                       top->defaults, top->default_cwd, programs));
  }
  return true;
}

std::optional<Expected<Workflow>> load_fast(const std::string& text, const fs::path& spec_path,
                                            const LoadOptions& options) {
  SpecChecker check(spec_path, options);
  Workflow workflow;
  if (!read_fast(text, check, workflow)) return std::nullopt;
  link_tasks(check, workflow);
  if (check.failed()) return Expected<Workflow>(check.error());
  return Expected<Workflow>(std::move(workflow));
}

}  // namespace

Expected<Workflow> load_workflow_text(const std::string& text, const fs::path& spec_path,
                                      const LoadOptions& options) {
  if (!options.checked_only) {
    if (auto loaded = load_fast(text, spec_path, options)) return std::move(*loaded);
  }
  return load_checked(text, spec_path, options);
}

Expected<Workflow> load_workflow(const fs::path& spec_path, const LoadOptions& options) {
  auto text = read_file(spec_path);
  if (!text) {
    return Error{text.error().message + " (give the path of a workflow spec, e.g. fixtures/k1n/workflow.json)"};
  }
  text->reserve(text->size() + simdjson::SIMDJSON_PADDING);  // simdjson reads it in place
  return load_workflow_text(*text, spec_path, options);
}

}  // namespace flowbench
