#include "model/spec_checker.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include "util/glob.h"
#include "util/text.h"

namespace flowbench {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const std::set<std::string> kTaskKeys = {"id", "name", "command", "shell", "after", "timeout_s",
                                         "expected_s", "env", "cwd", "cache", "quality",
                                         "description", "cpus", "mem_mb"};

// The words of a set, ", " between them.
std::string join(const std::set<std::string>& words) {
  return flowbench::join(std::vector<std::string>(words.begin(), words.end()), ", ");
}

std::string id_text(const json& id) {
  return id.is_string() ? id.get<std::string>() : id.dump();
}

bool valid_id_string(const std::string& id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// Ids above 2^53 - 1 do not survive a reader that holds JSON numbers as doubles.
constexpr std::uint64_t kMaxNumericId = (std::uint64_t(1) << 53) - 1;
// More CPUs or MiB than any node has: a typo.
constexpr long long kMaxResource = 1LL << 40;

}  // namespace

SpecChecker::SpecChecker(fs::path spec_path, const LoadOptions& options)
    : spec_path_(std::move(spec_path)),
      options_(options),
      reader_(spec_path_.string(), "correct the JSON syntax there (a missing comma or quote is common)") {}

void SpecChecker::problem(const std::string& path, std::string what, const std::string& fix) {
  reader_.problem(path, std::move(what), fix);
}

std::optional<json> SpecChecker::parse(std::string_view text) { return reader_.parse(text); }

void SpecChecker::check_keys(const json& object, const std::set<std::string>& allowed, const std::string& path) {
  for (const auto& [key, value] : object.items()) {
    if (!allowed.count(key)) {
      problem(path + "/" + key, "unknown field \"" + key + "\"",
              "remove it or use one of: " + join(allowed));
    }
  }
}

std::optional<double> SpecChecker::timeout(const json& holder, const std::string& path) {
  if (!holder.contains("timeout_s")) return std::nullopt;
  const json& value = holder["timeout_s"];
  if (!value.is_number()) {
    problem(path + "/timeout_s", "must be a number of seconds, got " + value.dump(),
            "write e.g. \"timeout_s\": 1800");
    return std::nullopt;
  }
  const double seconds = value.get<double>();
  if (seconds <= 0) {
    problem(path + "/timeout_s", "must be positive, got " + value.dump(),
            "give the wall-clock limit in seconds, or leave the field out for no limit");
  } else if (seconds > kMaxTimeoutS) {
    problem(path + "/timeout_s", "is " + value.dump() + " s, more than a week",
            "give seconds (not milliseconds); at most " + std::to_string(int(kMaxTimeoutS)));
  }
  return seconds;
}

std::map<std::string, std::string> SpecChecker::env(const json& holder, const std::string& path) {
  std::map<std::string, std::string> result;
  if (!holder.contains("env")) return result;
  const json& value = holder["env"];
  if (!value.is_object()) {
    problem(path + "/env", "must be an object of strings", "write e.g. {\"LC_ALL\": \"C\"}");
    return result;
  }
  for (const auto& [key, v] : value.items()) {
    if (!v.is_string()) {
      problem(path + "/env/" + key, "must be a string, got " + v.dump(),
              "quote the value: \"" + key + "\": \"" + (v.is_primitive() ? v.dump() : "") + "\"");
    } else if (key.empty() || key.find('=') != std::string::npos) {
      problem(path + "/env/" + key, "is not a valid variable name", "use a name without '='");
    } else {
      result[key] = v.get<std::string>();
    }
  }
  return result;
}

SharedPath SpecChecker::cwd(const json& holder, const std::string& path, const SharedPath& fallback) {
  if (!holder.contains("cwd")) return fallback;
  if (!holder["cwd"].is_string()) {
    problem(path + "/cwd", "must be a string (a folder relative to the spec)",
            "write e.g. \"cwd\": \"work\"");
    return fallback;
  }
  const std::string& given = holder["cwd"].get_ref<const std::string&>();
  auto [known, added] = folders_.try_emplace(given);
  if (added) {
    const fs::path folder = (fs::absolute(spec_path_).parent_path() / given).lexically_normal();
    known->second = {folder, fs::is_directory(folder)};
  }
  if (!known->second.second) {
    problem(path + "/cwd", "folder " + known->second.first.string() + " does not exist",
            "create it or correct the path (relative to the spec's folder)");
  }
  return known->second.first;
}

void check_name(SpecChecker& check, const std::string& name, const std::string& path) {
  if (name.empty()) {
    check.problem(path, "is empty", "give a short name, or leave the field out to use the id");
  } else if (name.size() > 200) {
    check.problem(path, "is " + std::to_string(name.size()) + " characters long", "give a name of at most 200");
  } else if (std::any_of(name.begin(), name.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    check.problem(path, "holds a control character (a NUL, tab or newline)", "use printable characters only");
  }
}

namespace {

void check_cache_block(SpecChecker& check, const json& cache, const std::string& path) {
  check.check_keys(cache, {"inputs", "outputs", "env"}, path);
  for (const char* field : {"inputs", "outputs", "env"}) {
    if (!cache.contains(field)) continue;
    const json& list = cache[field];
    if (!list.is_array()) {
      check.problem(path + "/" + field, "must be an array of strings",
                    std::string("write e.g. \"") + field + "\": [\"" +
                        (std::string(field) == "env" ? "MY_SETTING" : "out/**") + "\"]");
      continue;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string where = path + "/" + field + "/" + std::to_string(i);
      if (!list[i].is_string()) {
        check.problem(where, "must be a string", "quote it");
      } else if (std::string(field) != "env") {
        if (auto problem = glob_problem(list[i].get<std::string>()); !problem.empty()) {
          check.problem(where, "pattern " + list[i].dump() + " " + problem,
                        "give a pattern relative to the task's folder, without \"..\"");
        }
      }
    }
  }
}

void read_command(SpecChecker& check, const json& raw, const std::string& path, Task& task) {
  task.shell = raw.contains("shell") && raw["shell"].is_boolean() && raw["shell"].get<bool>();
  if (raw.contains("shell") && !raw["shell"].is_boolean()) {
    check.problem(path + "/shell", "must be true or false, got " + json_excerpt(raw["shell"]), "write \"shell\": true");
  }
  if (!raw.contains("command")) {
    check.problem(path, "task " + task.id + " has no \"command\"",
                  "add an argv array, e.g. \"command\": [\"synth\", \"--duration-s\", \"60\"]");
    return;
  }
  const json& command = raw["command"];
  if (task.shell && command.is_string()) {
    task.command = {command.get<std::string>()};
  } else if (command.is_array() && !command.empty() &&
             std::all_of(command.begin(), command.end(), [](const json& a) { return a.is_string(); })) {
    for (const auto& arg : command) task.command.push_back(arg.get<std::string>());
    if (task.shell) {
      std::string script;
      for (const auto& arg : task.command) script += (script.empty() ? "" : " ") + arg;
      task.command = {script};
    }
  } else {
    check.problem(path + "/command", "must be a non-empty array of strings (argv)",
                  "write e.g. [\"synth\", \"--duration-s\", \"60\"]; a shell line needs \"shell\": true");
    return;
  }
  if (task.command.front().empty()) {
    check.problem(path + "/command/0", "the program name is empty", "name the program to run");
  }
}

void resolve_executable(SpecChecker& check, const std::string& path, Task& task, ProgramCache& programs) {
  if (task.command.empty() || task.command.front().empty()) return;
  if (task.shell) {
    task.executable = "/bin/sh";
    return;
  }
  const std::string& program = task.command.front();
  const auto own_path = task.env.find("PATH");
  std::string key = program;
  key += '\0';
  key += task.cwd.string();
  key += '\0';
  if (own_path != task.env.end()) key += own_path->second;
  auto [known, added] = programs.try_emplace(std::move(key));
  if (added) {
    std::vector<fs::path> dirs = check.options().handler_dirs;
    if (own_path != task.env.end()) {
      for (auto& dir : split_search_path(own_path->second)) dirs.push_back(dir);
    }
    if (const char* own = std::getenv("PATH")) {
      for (auto& dir : split_search_path(own)) dirs.push_back(dir);
    }
    known->second = resolve_program(program, task.cwd, dirs);
  }
  task.executable = known->second;
  if (task.executable.empty() && check.options().check_programs) {
    if (program.find('/') != std::string::npos) {
      check.problem(path + "/command/0",
                    "program " + (task.cwd / program).lexically_normal().string() +
                        " does not exist or is not executable",
                    "build it, correct the path (relative to the task's folder), or chmod +x it");
    } else {
      check.problem(path + "/command/0",
                    "program \"" + program + "\" is not a flowbench handler and is not on PATH",
                    "install it, give its path, or use a handler (synth, codegen)");
    }
  }
}

// The ids a task waits for ("after"), as written.
void read_after(SpecChecker& check, const json& raw, const std::string& path, Task& task) {
  if (!raw.contains("after")) return;
  if (!raw["after"].is_array()) {
    check.problem(path + "/after", "must be an array of task ids", "write e.g. \"after\": [7]");
    return;
  }
  for (std::size_t i = 0; i < raw["after"].size(); ++i) {
    const json& dep = raw["after"][i];
    if (dep.is_string() || dep.is_number_integer()) {
      task.after.push_back(id_text(dep));
    } else {
      check.problem(path + "/after/" + std::to_string(i), "must be a task id, got " + dep.dump(),
                    "give the id of another task");
    }
  }
}

// The task's id: a whole number up to 2^53 - 1, or a name of letters, digits, '.', '_', '-'.
void read_id(SpecChecker& check, const json& raw, const std::string& path, Task& task) {
  if (!raw.contains("id")) {
    check.problem(path, "task has no \"id\"", "add a unique id (a number or a name)");
  } else {
    const json& id = raw["id"];
    if (id.is_number_integer() && !id.is_number_unsigned() && id.get<long long>() < 0) {
      check.problem(path + "/id", "id " + id.dump() + " is negative", "use a non-negative integer or a name");
    } else if (id.is_number_integer() && id.get<std::uint64_t>() > kMaxNumericId) {
      check.problem(path + "/id", "id " + id.dump() + " is larger than 2^53 - 1 (tools reading JSON numbers as "
                    "doubles would change it)", "use a smaller number, or a name");
    } else if (id.is_number_integer()) {
      task.id = id.dump();
    } else if (id.is_string() && valid_id_string(id.get<std::string>())) {
      task.id = id.get<std::string>();
    } else {
      check.problem(path + "/id", "id " + id.dump() + " is not a whole number or a name",
                    "use a non-negative integer or letters, digits, '.', '_' and '-'");
    }
    task.id_json = id;
  }
}

// What a task is expected to take (expected_s) and, for a cluster job (--executor slurm), the
// CPUs and memory it asks for; a local run does not limit them.
void read_expectations(SpecChecker& check, const json& raw, const std::string& path, Task& task) {
  if (raw.contains("expected_s")) {
    if (!raw["expected_s"].is_number() || raw["expected_s"].get<double>() < 0) {
      check.problem(path + "/expected_s", "must be a non-negative number of seconds",
                    "write e.g. \"expected_s\": 900");
    } else if (raw["expected_s"].get<double>() > kMaxTimeoutS) {
      check.problem(path + "/expected_s", "is " + raw["expected_s"].dump() + " s, more than a week",
                    "give seconds (not milliseconds); at most " + std::to_string(int(kMaxTimeoutS)));
    } else {
      task.expected_s = raw["expected_s"].get<double>();
    }
  }
  for (auto [key, field] : {std::pair{"cpus", &task.cpus}, std::pair{"mem_mb", &task.mem_mb}}) {
    if (!raw.contains(key)) continue;
    const json& value = raw[key];  // an unsigned above 2^63 reads as negative here: refused too
    if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > kMaxResource) {
      check.problem(path + "/" + key, std::string("must be a positive whole number, got ") + raw[key].dump(),
                    std::string("write e.g. \"") + key + "\": " + (field == &task.cpus ? "2" : "4096"));
    } else {
      *field = raw[key].get<long>();
    }
  }
}

}  // namespace

Task read_task(SpecChecker& check, const json& raw, std::size_t index, const json& defaults,
               const SharedPath& default_cwd, ProgramCache& programs) {
  const std::string path = "/tasks/" + std::to_string(index);
  Task task;
  if (!raw.is_object()) {
    check.problem(path, "each task must be an object", "write {\"id\": ..., \"command\": [...]}");
    return task;
  }
  check.check_keys(raw, kTaskKeys, path);
  read_id(check, raw, path, task);
  if (raw.contains("name") && !raw["name"].is_string()) {
    check.problem(path + "/name", "must be a string", "write e.g. \"name\": \"codegen\"");
  } else if (raw.contains("name")) {
    check_name(check, raw["name"].get<std::string>(), path + "/name");
  }
  task.name = raw.contains("name") && raw["name"].is_string() ? raw["name"].get<std::string>()
                                                                : task.id;
  read_after(check, raw, path, task);
  task.timeout_s = check.timeout(raw, path);
  if (!task.timeout_s) task.timeout_s = check.timeout(defaults, "/defaults");
  read_expectations(check, raw, path, task);
  task.env = check.env(defaults, "/defaults");
  for (auto& [key, value] : check.env(raw, path)) task.env[key] = value;
  task.cwd = check.cwd(raw, path, default_cwd);
  for (const char* block : {"cache", "quality"}) {
    if (raw.contains(block) && !raw[block].is_object()) {
      check.problem(path + "/" + block, "must be an object", "see DESIGN.md, \"Workflow spec\"");
    }
  }
  if (raw.contains("cache") && raw["cache"].is_object()) check_cache_block(check, raw["cache"], path + "/cache");
  if (raw.contains("quality") && raw["quality"].is_object()) {
    check.check_keys(raw["quality"], {"junit"}, path + "/quality");
    if (raw["quality"].contains("junit") && !raw["quality"]["junit"].is_string()) {
      check.problem(path + "/quality/junit", "must be a path (string)", "write e.g. \"out/gen/checks.xml\"");
    }
  }
  // Absent blocks stay null: an empty object costs an allocation a task.
  if (raw.contains("cache") && raw["cache"].is_object()) task.cache = raw["cache"];
  if (raw.contains("quality") && raw["quality"].is_object()) task.quality = raw["quality"];
  read_command(check, raw, path, task);
  resolve_executable(check, path, task, programs);
  return task;
}
}  // namespace flowbench
