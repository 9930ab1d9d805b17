// Live progress for people: a status line on a terminal, one line per task elsewhere.
#pragma once

#include <map>
#include <ostream>
#include <string>

#include "record/observer.h"

namespace flowbench {

class ProgressPrinter : public RunObserver {
 public:
  enum class Style { kStatusLine, kLines };

  // `width` bounds the status line (0: no bound).
  ProgressPrinter(std::ostream& out, Style style, int width = 0);

  void on_run_start(const Workflow& workflow, SystemTime at) override;
  void on_task_start(const Task& task, int slot, SystemTime at) override;
  void on_task_finish(const Task& task, const Profile& profile) override;
  void on_tick(SteadyTime now) override;
  void on_run_finish(const RunEnd& end) override;

 private:
  void draw_status(SteadyTime now);
  void clear_status();

  std::ostream& out_;
  Style style_;
  int width_;
  std::size_t total_ = 0, done_ = 0, failed_ = 0;
  std::map<int, std::pair<std::string, SteadyTime>> running_;  // by slot
  std::map<std::string, int> slot_of_;
  bool status_shown_ = false;
};

// One JSON object per line on `out` for every start and finish (for other tools).
class JsonEventWriter : public RunObserver {
 public:
  explicit JsonEventWriter(std::ostream& out) : out_(out) {}
  void on_run_start(const Workflow& workflow, SystemTime at) override;
  void on_task_start(const Task& task, int slot, SystemTime at) override;
  void on_task_finish(const Task& task, const Profile& profile) override;
  void on_run_finish(const RunEnd& end) override;

 private:
  std::ostream& out_;
};

}  // namespace flowbench
