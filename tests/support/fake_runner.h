// A Runner that runs nothing: outcomes are scripted per task id, time is simulated.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "exec/runner.h"
#include "model/workflow.h"

namespace flowbench::testing {

class FakeRunner : public Runner {
 public:
  struct Script {
    double duration_s = 1.0;
    Ending ending = Completed{0, 0};
  };

  // Tasks not in `scripts` succeed after 1 simulated second.
  FakeRunner(const Workflow& workflow, std::size_t jobs, std::map<std::string, Script> scripts = {});

  // After this many tasks have finished, the next wait() reports a stop request.
  void request_stop_after(std::size_t finished, int signal) {
    stop_after_ = finished;
    stop_signal_ = signal;
  }

  bool can_run_more() const override { return running_.size() < jobs_; }
  void start(const Launch& launch) override;
  WaitEvent wait(SteadyTime until) override;
  std::vector<TaskOutcome> stop_all() override;
  std::size_t running() const override { return running_.size(); }

  // What happened, for assertions: task ids in start order, and (id, start, end) in
  // simulated seconds.
  const std::vector<std::string>& started() const { return started_; }
  struct Span {
    std::string id;
    double start, end;
  };
  const std::vector<Span>& spans() const { return spans_; }
  std::size_t max_concurrency() const { return max_concurrency_; }

 private:
  struct Running {
    std::size_t task;
    double start, end;
  };
  const Workflow& workflow_;
  std::size_t jobs_;
  std::map<std::string, Script> scripts_;
  std::vector<Running> running_;
  std::vector<std::string> started_;
  std::vector<Span> spans_;
  double now_ = 0;
  std::size_t finished_ = 0;
  std::size_t max_concurrency_ = 0;
  std::optional<std::size_t> stop_after_;
  int stop_signal_ = 0;
};

}  // namespace flowbench::testing
