#include "record/trace.h"

#include <algorithm>

#include "platform/atomic_file.h"

namespace flowbench {
using nlohmann::json;
namespace fs = std::filesystem;

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
  // The node a cluster ran it on, so that a slow node shows as one in the trace.
  if (const json& facts = p.extra().executor; facts.is_object() && facts.contains("node")) {
    events.back()["args"]["node"] = facts["node"];
  }
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

void TraceCollector::on_run_start(const Workflow&, SystemTime at) {
  run_start_ = at;
  temporary_ = temporary_sibling(path_);
  buffer_.resize(std::size_t(1) << 16);
  out_.rdbuf()->pubsetbuf(buffer_.data(), std::streamsize(buffer_.size()));
  out_.open(temporary_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    write_error_ = Error{"cannot create " + temporary_.string() + "; fix: check that the run folder is writable"};
    return;
  }
  out_ << R"({"displayTimeUnit": "ms", "traceEvents": [)";
  write_event({{"name", "process_name"}, {"ph", "M"}, {"pid", 1}, {"args", {{"name", "flowbench run"}}}});
}

void TraceCollector::write_event(const json& event) {
  if (!out_.is_open()) return;
  out_ << (first_event_ ? "\n" : ",\n") << event.dump();
  first_event_ = false;
}

void TraceCollector::on_task_finish(const Task&, const Profile& profile) {
  for (const auto& event : trace_events(profile, run_start_)) write_event(event);
  slots_ = std::max(slots_, profile.slot + 1);
}

void TraceCollector::on_run_finish(const RunEnd&) {
  if (!out_.is_open()) return;
  // Track names last: only now is the number of slots known (a trace's metadata events may
  // come anywhere).
  for (int slot = 0; slot < slots_; ++slot) {
    write_event({{"name", "thread_name"}, {"ph", "M"}, {"pid", 1}, {"tid", slot},
                 {"args", {{"name", "slot " + std::to_string(slot)}}}});
  }
  out_ << "\n]}\n";
  out_.close();
  std::error_code ec;
  if (!out_) {
    fs::remove(temporary_, ec);
    write_error_ = Error{"cannot write " + path_.string() + "; fix: free space on that file system"};
    return;
  }
  fs::rename(temporary_, path_, ec);
  if (ec) write_error_ = Error{"cannot rename " + temporary_.string() + " to " + path_.string() + ": " + ec.message()};
}

}  // namespace flowbench
