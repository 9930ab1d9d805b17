#include "record/progress.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace flowbench {
using nlohmann::json;

ProgressPrinter::ProgressPrinter(std::ostream& out, Style style, int width)
    : out_(out), style_(style), width_(width) {}

void ProgressPrinter::on_run_start(const Workflow& workflow, SystemTime) {
  total_ = workflow.tasks.size();
}

void ProgressPrinter::on_task_start(const Task& task, int slot, SystemTime) {
  const SteadyTime now = std::chrono::steady_clock::now();
  running_[slot] = {task.id + " " + task.name, now};
  slot_of_[task.id] = slot;
  if (style_ == Style::kStatusLine) draw_status(now);
}

void ProgressPrinter::on_task_finish(const Task& task, const Profile& profile) {
  ++done_;
  if (profile.status != TaskStatus::kOk && profile.status != TaskStatus::kCached) ++failed_;
  if (auto it = slot_of_.find(task.id); it != slot_of_.end()) {
    running_.erase(it->second);
    slot_of_.erase(it);
  }
  const bool notable = profile.status != TaskStatus::kOk && profile.status != TaskStatus::kCached;
  if (style_ == Style::kLines || notable) {
    clear_status();
    char line[256];
    std::snprintf(line, sizeof line, "[%*zu/%zu] %-11s %s %s  %.3f s", static_cast<int>(std::to_string(total_).size()),
                  done_, total_, status_name(profile.status), task.id.c_str(), task.name.c_str(),
                  profile.duration_ms / 1000.0);
    out_ << line;
    if (!profile.reason.empty()) out_ << "  (" << profile.reason << ")";
    out_ << "\n";
  }
  if (style_ == Style::kStatusLine) draw_status(std::chrono::steady_clock::now());
  out_.flush();
}

void ProgressPrinter::on_tick(SteadyTime now) {
  if (style_ == Style::kStatusLine) draw_status(now);
}

void ProgressPrinter::on_run_finish(const RunEnd&) {
  clear_status();
  out_.flush();
}

void ProgressPrinter::clear_status() {
  if (status_shown_) out_ << "\r\033[K";
  status_shown_ = false;
}

void ProgressPrinter::draw_status(SteadyTime now) {
  std::string line("[");
  line += std::to_string(done_) + "/" + std::to_string(total_) + "] running: ";
  bool first = true;
  for (const auto& [slot, entry] : running_) {
    line += (first ? "" : ", ") + entry.first + " " + clock_duration(now - entry.second);
    first = false;
  }
  if (first) line += "-";
  line += " | done " + std::to_string(done_) + " | failed " + std::to_string(failed_);
  if (width_ > 4 && static_cast<int>(line.size()) >= width_) line = line.substr(0, width_ - 4) + "...";
  out_ << "\r\033[K" << line;
  out_.flush();
  status_shown_ = true;
}

void JsonEventWriter::on_run_start(const Workflow& workflow, SystemTime at) {
  out_ << json{{"event", "run_start"}, {"workflow", workflow.name},
               {"task_count", workflow.tasks.size()}, {"time", iso8601(at)}}.dump()
       << "\n" << std::flush;
}

void JsonEventWriter::on_task_start(const Task& task, int slot, SystemTime at) {
  out_ << json{{"event", "task_start"}, {"task_id", task.id_json}, {"name", task.name},
               {"slot", slot}, {"time", iso8601(at)}}.dump()
       << "\n" << std::flush;
}

void JsonEventWriter::on_task_finish(const Task&, const Profile& profile) {
  nlohmann::ordered_json event = {{"event", "task_finish"}};
  event.update(to_json(profile));
  out_ << event.dump() << "\n" << std::flush;
}

void JsonEventWriter::on_run_finish(const RunEnd& end) {
  out_ << json{{"event", "run_finish"}, {"status", run_status_name(end.status)},
               {"makespan_ms", std::chrono::duration<double, std::milli>(end.makespan).count()},
               {"time", iso8601(end.ended_at)}}.dump()
       << "\n" << std::flush;
}

}  // namespace flowbench
