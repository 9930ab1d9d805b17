#include "model/workflow.h"

namespace flowbench {

std::optional<std::size_t> Workflow::index_of(const std::string& id) const {
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (tasks[i].id == id) return i;
  }
  return std::nullopt;
}

}  // namespace flowbench
