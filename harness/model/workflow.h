// The workflow model: tasks, their commands and the dependency graph between them.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/graph.h"
#include "util/shared_path.h"
#include "util/expected.h"

namespace flowbench {

struct Task {
  std::string id;             // canonical text of the id ("8", "lint")
  nlohmann::json id_json;     // the id as the spec wrote it (number or string), for profiles
  std::string name;           // human name; the id's text when the spec gives none
  std::vector<std::string> command;    // argv as written; with shell, one script string
  bool shell = false;                  // run through /bin/sh -c
  SharedPath executable;               // command[0] resolved to an absolute path
  std::vector<std::string> after;      // ids this task waits for, as written; emptied once the loader
                                       // has linked them into Workflow::deps (the graph from then on)
  std::optional<double> timeout_s;     // wall-clock seconds, never scaled
  std::optional<double> expected_s;    // expected duration (model seconds), for priorities
  std::map<std::string, std::string> env;  // defaults.env overlaid with the task's env
  SharedPath cwd;                      // absolute working folder
  nlohmann::json cache;                // the "cache" block, used by the action cache; null when none
  nlohmann::json quality;              // the "quality" block; null when none
  std::optional<long> cpus;            // CPUs a cluster job asks for (--executor slurm)
  std::optional<long> mem_mb;          // memory a cluster job asks for, MiB

  // Log and profile files use the id in their names: "task-8.log".
  std::string file_stem() const { return "task-" + id; }
};

struct Workflow {
  std::filesystem::path spec_path;  // absolute
  std::filesystem::path spec_dir;   // absolute; relative paths in the spec start here
  std::string name;
  std::vector<Task> tasks;          // in spec order
  Dependencies deps;                // deps[i]: indexes of the tasks i waits for
  Dependencies dependents;          // reverse of deps

  // Index of the task with that id text, if any.
  std::optional<std::size_t> index_of(const std::string& id) const;
};

// The workflow cut down to the tasks with these ids (spec order kept); dependencies on
// tasks left out are dropped, as if those had already run. Error for an unknown id.
Expected<Workflow> restrict_to(const Workflow& workflow, const std::vector<std::string>& ids);

}  // namespace flowbench
