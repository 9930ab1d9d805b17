// Writes a Chrome trace (chrome://tracing, Perfetto) of a run, one track per slot, streamed as
// tasks end: nothing per task is kept, and the file appears whole (renamed into place) when
// the run ends.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "record/observer.h"
#include "util/expected.h"

namespace flowbench {

class TraceCollector : public RunObserver {
 public:
  explicit TraceCollector(std::filesystem::path path) : path_(std::move(path)) {}

  void on_run_start(const Workflow& workflow, SystemTime at) override;
  void on_task_finish(const Task& task, const Profile& profile) override;
  void on_run_finish(const RunEnd& end) override;

  const std::optional<Error>& write_error() const { return write_error_; }

 private:
  void write_event(const nlohmann::json& event);

  std::filesystem::path path_;
  std::filesystem::path temporary_;  // where the trace grows until the run ends
  std::vector<char> buffer_;
  std::ofstream out_;
  bool first_event_ = true;
  SystemTime run_start_{};
  int slots_ = 0;
  std::optional<Error> write_error_;
};

// The trace events of one profile relative to `run_start` (microseconds). Sub-operations
// are nested under the task, laid end to end from its start (handlers report durations,
// not start times).
nlohmann::json trace_events(const Profile& profile, SystemTime run_start);

}  // namespace flowbench
