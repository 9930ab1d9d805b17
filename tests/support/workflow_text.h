// A loaded workflow as text, every field of every task and the graph: two loadings of one spec
// are the same when their texts are (the fast and the checked reading of a spec).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/workflow.h"

namespace flowbench::testing {

inline std::string workflow_text(const Workflow& workflow) {
  nlohmann::json out = {{"spec_path", workflow.spec_path.string()}, {"spec_dir", workflow.spec_dir.string()},
                        {"name", workflow.name}, {"deps", workflow.deps}, {"dependents", workflow.dependents}};
  for (const Task& task : workflow.tasks) {
    out["tasks"].push_back({{"id", task.id}, {"id_json", task.id_json}, {"name", task.name},
                            {"command", task.command}, {"shell", task.shell},
                            {"executable", task.executable.string()}, {"after", task.after},
                            {"timeout_s", task.timeout_s ? nlohmann::json(*task.timeout_s) : nullptr},
                            {"expected_s", task.expected_s ? nlohmann::json(*task.expected_s) : nullptr},
                            {"env", task.env}, {"cwd", task.cwd.string()}, {"cache", task.cache},
                            {"quality", task.quality}, {"cpus", task.cpus ? nlohmann::json(*task.cpus) : nullptr},
                            {"mem_mb", task.mem_mb ? nlohmann::json(*task.mem_mb) : nullptr}});
  }
  return out.dump();
}

}  // namespace flowbench::testing
