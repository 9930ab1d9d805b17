#include "interchange/imported_run.h"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace flowbench {

std::string flowbench_task_id(const std::string& foreign_id) {
  std::string id = foreign_id.empty() ? std::string("_") : foreign_id;
  for (char& c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  }
  return id;
}

void assign_slots(std::vector<Profile>& profiles) {
  std::vector<std::size_t> order(profiles.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& pa = profiles[a].start_time;
    const auto& pb = profiles[b].start_time;
    return pa && pb ? *pa < *pb : pa.has_value() && !pb.has_value();
  });
  std::vector<SystemTime> slot_free;  // when each slot's last task ended
  for (std::size_t i : order) {
    Profile& p = profiles[i];
    if (!p.start_time || !p.end_time) continue;
    std::size_t slot = 0;
    while (slot < slot_free.size() && slot_free[slot] > *p.start_time) ++slot;
    if (slot == slot_free.size()) slot_free.emplace_back();
    slot_free[slot] = *p.end_time;
    p.slot = static_cast<int>(slot);
  }
}

Expected<RunPaths> write_imported_run(const ImportedRun& run, const std::filesystem::path& out,
                                      const std::string& run_id) {
  auto paths = create_run_folder(out, run_id);
  if (!paths) return paths.error();
  RunSettings settings;
  settings.mode = "imported";
  settings.imported_from = run.origin;
  // The concurrency the record shows stands for the workers it had.
  int slots = 0;
  for (const auto& profile : run.profiles) slots = std::max(slots, profile.slot + 1);
  settings.jobs = static_cast<std::size_t>(std::max(slots, 1));
  RunFolderWriter writer(*paths, settings);
  writer.on_run_start(run.workflow, run.end.started_at);
  for (std::size_t i = 0; i < run.profiles.size(); ++i) writer.on_task_finish(run.workflow.tasks[i], run.profiles[i]);
  writer.on_run_finish(run.end);
  if (writer.write_error()) return *writer.write_error();
  return *paths;
}

}  // namespace flowbench
