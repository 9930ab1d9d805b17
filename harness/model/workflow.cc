#include "model/workflow.h"

namespace flowbench {

std::optional<std::size_t> Workflow::index_of(const std::string& id) const {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].id == id) return i;
  }
  return std::nullopt;
}

Expected<Workflow> restrict_to(const Workflow& workflow, const std::vector<std::string>& ids) {
  std::vector<bool> keep(workflow.tasks.size(), false);
  for (const auto& id : ids) {
    auto index = workflow.index_of(id);
    if (!index) {
      return Error{"--only " + id + ": no task with that id in " + workflow.spec_path.string() +
                   "; fix: give ids from the spec (flowbench validate lists the count)"};
    }
    keep[*index] = true;
  }
  Workflow out;
  out.spec_path = workflow.spec_path;
  out.spec_dir = workflow.spec_dir;
  out.name = workflow.name;
  std::vector<std::size_t> new_index(workflow.tasks.size(), 0);
  for (std::size_t i = 0; i < workflow.tasks.size(); ++i) {
    if (!keep[i]) continue;
    new_index[i] = out.tasks.size();
    out.tasks.push_back(workflow.tasks[i]);
  }
  out.deps.resize(out.tasks.size());
  for (std::size_t i = 0; i < workflow.tasks.size(); ++i) {
    if (!keep[i]) continue;
    for (std::size_t dep : workflow.deps[i]) {
      if (!keep[dep]) continue;
      out.deps[new_index[i]].push_back(new_index[dep]);
    }
  }
  out.dependents = reverse_edges(out.deps);
  return out;
}

}  // namespace flowbench
