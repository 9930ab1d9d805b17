#include "schedule/plan.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace flowbench {

namespace {
void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "flowbench: internal error in Plan: %s\n", what);
    std::abort();
  }
}
}  // namespace

Plan::Plan(Dependencies deps, std::vector<double> priority)
    : deps_(std::move(deps)),
      dependents_(reverse_edges(deps_)),
      priority_(std::move(priority)),
      state_(deps_.size(), State::kWaiting),
      waiting_on_(deps_.size()),
      blocker_(deps_.size()),
      ready_(Later{&priority_}) {
  check(priority_.size() == deps_.size(), "one priority per task");
  for (std::size_t task = 0; task < deps_.size(); ++task) {
    waiting_on_[task] = deps_[task].size();
    if (waiting_on_[task] == 0) {
      state_[task] = State::kReady;
      ready_.push(task);
    }
  }
}

std::size_t Plan::start_next() {
  check(!ready_.empty(), "start_next with nothing ready");
  const std::size_t task = ready_.top();
  ready_.pop();
  state_[task] = State::kRunning;
  return task;
}

void Plan::succeeded(std::size_t task) {
  check(state_[task] == State::kRunning, "succeeded() on a task that is not running");
  state_[task] = State::kSucceeded;
  for (std::size_t next : dependents_[task]) {
    if (--waiting_on_[next] == 0 && state_[next] == State::kWaiting) {
      state_[next] = State::kReady;
      ready_.push(next);
    }
  }
}

std::vector<std::size_t> Plan::failed(std::size_t task) {
  check(state_[task] == State::kRunning, "failed() on a task that is not running");
  state_[task] = State::kFailed;
  std::vector<std::size_t> skipped;
  std::vector<std::size_t> stack(dependents_[task].begin(), dependents_[task].end());
  while (!stack.empty()) {
    const std::size_t next = stack.back();
    stack.pop_back();
    // A dependent cannot have started (it waits for `task`); it may already be skipped
    // because of an earlier failure, which then stays its cause.
    if (state_[next] != State::kWaiting) continue;
    state_[next] = State::kSkipped;
    blocker_[next] = task;
    skipped.push_back(next);
    stack.insert(stack.end(), dependents_[next].begin(), dependents_[next].end());
  }
  std::sort(skipped.begin(), skipped.end());
  return skipped;
}

std::vector<std::size_t> Plan::not_started() const {
  std::vector<std::size_t> tasks;
  for (std::size_t task = 0; task < state_.size(); ++task) {
    if (state_[task] == State::kWaiting || state_[task] == State::kReady) tasks.push_back(task);
  }
  return tasks;
}

void Plan::skip(const std::vector<std::size_t>& tasks) {
  for (std::size_t task : tasks) {
    check(state_[task] == State::kWaiting || state_[task] == State::kReady,
          "skip() on a task that started");
    state_[task] = State::kSkipped;
  }
  // Drop them from the ready queue.
  std::priority_queue<std::size_t, std::vector<std::size_t>, Later> kept(Later{&priority_});
  while (!ready_.empty()) {
    if (state_[ready_.top()] == State::kReady) kept.push(ready_.top());
    ready_.pop();
  }
  ready_ = std::move(kept);
}

std::vector<double> critical_path_priorities(const Dependencies& deps,
                                             const std::vector<double>& expected_s) {
  return remaining_path_lengths(deps, expected_s);
}

}  // namespace flowbench
