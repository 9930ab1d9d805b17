#include "record/trace.h"

#include <algorithm>

#include "platform/atomic_file.h"

namespace flowbench {
using nlohmann::json;

json trace_events(const Profile& p, SystemTime run_start) {
  json events = json::array();
  if (!p.start_time || p.slot < 0) return events;
  const double ts = std::chrono::duration<double, std::micro>(*p.start_time - run_start).count();
  events.push_back({{"name", p.id + " " + p.name},
                    {"cat", "task"},
                    {"ph", "X"},
                    {"pid", 1},
                    {"tid", p.slot},
                    {"ts", ts},
                    {"dur", p.duration_ms * 1000.0},
                    {"args",
                     {{"task_id", p.task_id},
                      {"status", status_name(p.status)},
                      {"exit_code", p.exit_code ? json(*p.exit_code) : json(nullptr)},
                      {"cpu_user_ms", p.cpu_user_ms},
                      {"cpu_sys_ms", p.cpu_sys_ms},
                      {"max_rss_kb", p.max_rss_kb}}}});
  double op_ts = ts;
  for (const Op& op : p.ops) {
    const double dur = std::min(op.duration_ms * 1000.0, ts + p.duration_ms * 1000.0 - op_ts);
    if (dur <= 0) break;
    events.push_back({{"name", op.name}, {"cat", "op"}, {"ph", "X"}, {"pid", 1},
                      {"tid", p.slot}, {"ts", op_ts}, {"dur", dur}});
    op_ts += dur;
  }
  return events;
}

void TraceCollector::on_run_start(const Workflow&, SystemTime at) { run_start_ = at; }

void TraceCollector::on_task_finish(const Task&, const Profile& profile) {
  for (auto& event : trace_events(profile, run_start_)) events_.push_back(std::move(event));
  slots_ = std::max(slots_, profile.slot + 1);
}

void TraceCollector::on_run_finish(const RunEnd&) {
  json trace = {{"displayTimeUnit", "ms"}, {"traceEvents", json::array()}};
  trace["traceEvents"].push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", 1},
                                  {"args", {{"name", "flowbench run"}}}});
  for (int slot = 0; slot < slots_; ++slot) {
    trace["traceEvents"].push_back({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", slot},
                                    {"args", {{"name", "slot " + std::to_string(slot)}}}});
  }
  for (auto& event : events_) trace["traceEvents"].push_back(std::move(event));
  auto status = write_file_atomically(path_, trace.dump() + "\n");
  if (!status) write_error_ = status.error();
}

}  // namespace flowbench
