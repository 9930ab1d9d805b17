#include "report/dry_run_report.h"

#include "util/time_format.h"

namespace flowbench {

namespace {

// Model seconds with three decimals, as the rest of flowbench prints them.
std::string seconds(double s) { return seconds_text(s * 1000); }

}  // namespace

void print_dry_run(std::ostream& out, const Workflow& workflow, const DryRun& dry, double time_scale) {
  out << "start (s)  end (s)    slot  task\n";
  for (const auto& s : dry.starts) {
    const std::string start = seconds(s.start_s), end = seconds(s.end_s);
    out << std::string(start.size() < 9 ? 9 - start.size() : 0, ' ') << start << "  "
        << std::string(end.size() < 9 ? 9 - end.size() : 0, ' ') << end << "  " << s.slot << "     "
        << workflow.tasks[s.task].id << " " << workflow.tasks[s.task].name << "\n";
  }
  out << "\ncritical path (" << seconds(dry.critical_path_s) << " s):";
  for (std::size_t i = 0; i < dry.critical_path.size(); ++i) {
    out << (i ? " -> " : " ") << workflow.tasks[dry.critical_path[i]].id;
  }
  out << "\nprojected makespan at -j " << dry.jobs << ": " << seconds(dry.makespan_s) << " model s";
  if (time_scale != 1.0) out << " (" << seconds(dry.makespan_s * time_scale) << " s at time scale " << time_scale << ")";
  out << "\n";
}

nlohmann::ordered_json dry_run_json(const Workflow& workflow, const DryRun& dry, double time_scale) {
  // The id as the spec wrote it (number or text).
  auto id = [&](std::size_t task) { return nlohmann::ordered_json::parse(workflow.tasks[task].id_json.dump()); };
  nlohmann::ordered_json out;
  out["jobs"] = dry.jobs;
  out["time_scale"] = time_scale;
  out["starts"] = nlohmann::ordered_json::array();
  for (const auto& s : dry.starts) {
    out["starts"].push_back({{"task_id", id(s.task)}, {"name", workflow.tasks[s.task].name},
                             {"start_s", s.start_s}, {"end_s", s.end_s}, {"slot", s.slot}});
  }
  out["critical_path"] = nlohmann::ordered_json::array();
  for (std::size_t task : dry.critical_path) out["critical_path"].push_back(id(task));
  out["critical_path_s"] = dry.critical_path_s;
  out["makespan_s"] = dry.makespan_s;
  out["makespan_measured_s"] = dry.makespan_s * time_scale;
  return out;
}

}  // namespace flowbench
