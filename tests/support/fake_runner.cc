#include "support/fake_runner.h"

#include <algorithm>

namespace flowbench::testing {

FakeRunner::FakeRunner(const Workflow& workflow, std::size_t jobs, std::map<std::string, Script> scripts)
    : workflow_(workflow), jobs_(jobs), scripts_(std::move(scripts)) {}

void FakeRunner::start(const Launch& launch) {
  const std::string& id = workflow_.tasks[launch.task].id;
  const double duration = scripts_.count(id) ? scripts_.at(id).duration_s : 1.0;
  running_.push_back({launch.task, now_, now_ + duration});
  started_.push_back(id);
  max_concurrency_ = std::max(max_concurrency_, running_.size());
}

WaitEvent FakeRunner::wait(SteadyTime) {
  if (stop_after_ && finished_ >= *stop_after_) {
    stop_after_.reset();
    return StopRequested{stop_signal_};
  }
  // The running task that ends first (ties: the one started first).
  auto next = std::min_element(running_.begin(), running_.end(),
                               [](const Running& a, const Running& b) { return a.end < b.end; });
  now_ = next->end;
  const std::string& id = workflow_.tasks[next->task].id;
  TaskOutcome outcome{next->task, scripts_.count(id) ? scripts_.at(id).ending : Ending{Completed{}}, {}};
  outcome.measurement.wall = std::chrono::milliseconds(static_cast<long>((next->end - next->start) * 1000));
  spans_.push_back({id, next->start, next->end});
  running_.erase(next);
  ++finished_;
  return outcome;
}

std::vector<TaskOutcome> FakeRunner::stop_all() {
  std::vector<TaskOutcome> outcomes;
  for (const Running& r : running_) {
    outcomes.push_back({r.task, Interrupted{15}, {}});
    spans_.push_back({workflow_.tasks[r.task].id, r.start, now_});
  }
  running_.clear();
  return outcomes;
}

}  // namespace flowbench::testing
