#include "report/exports.h"

#include <nlohmann/json.hpp>

#include "record/trace.h"
#include "report/junit.h"
#include "util/time_format.h"
#include "util/xml.h"

namespace flowbench {
using nlohmann::json;
using nlohmann::ordered_json;

void write_junit(std::ostream& out, const RunRecord& run) {
  JunitSuite suite{run.workflow + "/" + run.run_id, 0.0, {}};
  for (const auto& task : run.tasks) {
    if (!task.profile) continue;
    const Profile& p = *task.profile;
    *suite.time_ms += p.duration_ms;
    JunitCase c{run.workflow, p.id + " " + p.name, p.duration_ms, JunitCase::Outcome::kPassed, "", "", ""};
    if (p.status == TaskStatus::kSkipped) {
      c.outcome = JunitCase::Outcome::kSkipped;
      c.message = p.reason;
    } else if (p.status != TaskStatus::kOk && p.status != TaskStatus::kCached) {
      c.outcome = JunitCase::Outcome::kFailed;
      c.failure_type = status_name(p.status);
      c.message = p.reason;
      c.text = status_name(p.status) + std::string(": ") + p.reason + "; log: " + p.log_file;
    }
    suite.cases.push_back(std::move(c));
  }
  flowbench::write_junit(out, "flowbench", suite);
}

void write_chrome_trace(std::ostream& out, const RunRecord& run) {
  std::optional<SystemTime> start;
  int slots = 0;
  for (const auto& task : run.tasks) {
    if (!task.profile || !task.profile->start_time) continue;
    if (!start || *task.profile->start_time < *start) start = task.profile->start_time;
    slots = std::max(slots, task.profile->slot + 1);
  }
  json events = json::array();
  events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", run.workflow + " " + run.run_id}}}});
  for (int slot = 0; slot < slots; ++slot) {
    events.push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", slot},
                      {"args", {{"name", "slot " + std::to_string(slot)}}}});
  }
  for (const auto& task : run.tasks) {
    if (!task.profile || !start) continue;
    for (auto& event : trace_events(*task.profile, *start)) events.push_back(std::move(event));
  }
  out << json{{"displayTimeUnit", "ms"}, {"traceEvents", events}}.dump() << "\n";
}

void write_gbench_json(std::ostream& out, const RunRecord& run) {
  ordered_json doc;
  doc["context"] = {{"date", run.started},
                    {"host_name", run.context.value("host", "")},
                    {"executable", "flowbench run " + run.workflow},
                    {"num_cpus", run.context.value("cpus", 1)},
                    {"mhz_per_cpu", 0},
                    {"cpu_scaling_enabled", false},
                    {"caches", json::array()},
                    {"load_avg", json::array()},
                    {"library_build_type", "release"},
                    {"flowbench_run", run.run_id},
                    {"flowbench_time_scale", run.time_scale}};
  ordered_json benchmarks = ordered_json::array();
  auto entry = [&](const std::string& name, double real_ms, double cpu_ms) {
    return ordered_json{{"name", name},        {"family_index", benchmarks.size()},
                        {"per_family_instance_index", 0}, {"run_name", name},
                        {"run_type", "iteration"},        {"repetitions", 1},
                        {"repetition_index", 0},          {"threads", 1},
                        {"iterations", 1},                {"real_time", real_ms},
                        {"cpu_time", cpu_ms},             {"time_unit", "ms"}};
  };
  for (const auto& task : run.tasks) {
    if (!task.profile || (task.profile->status != TaskStatus::kOk && task.profile->status != TaskStatus::kCached)) {
      continue;
    }
    const Profile& p = *task.profile;
    ordered_json b = entry("BM_Task/" + p.id + "-" + p.name, p.duration_ms, p.cpu_user_ms + p.cpu_sys_ms);
    b["max_rss_kb"] = p.max_rss_kb;
    benchmarks.push_back(std::move(b));
  }
  if (run.status == "complete") {
    benchmarks.push_back(entry("BM_Workflow/" + run.context.value("mode", std::string("run")), run.makespan_ms, 0));
  }
  doc["benchmarks"] = std::move(benchmarks);
  out << doc.dump(2) << "\n";
}

}  // namespace flowbench
