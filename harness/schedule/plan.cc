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
  if (release_on_start_) release_dependents(task);
  return task;
}

void Plan::succeeded(std::size_t task) {
  check(state_[task] == State::kRunning, "succeeded() on a task that is not running");
  state_[task] = State::kSucceeded;
  if (!release_on_start_) release_dependents(task);
}

void Plan::release_dependents(std::size_t task) {
  for (std::size_t next : dependents_[task]) {
    if (--waiting_on_[next] == 0 && state_[next] == State::kWaiting) {
      state_[next] = State::kReady;
      ready_.push(next);
    }
  }
}

template <typename Visit>
void Plan::walk_dependents(std::size_t task, Visit visit) const {
  std::vector<bool> seen(state_.size(), false);
  std::vector<std::size_t> stack(dependents_[task].begin(), dependents_[task].end());
  while (!stack.empty()) {
    const std::size_t next = stack.back();
    stack.pop_back();
    if (seen[next]) continue;
    seen[next] = true;
    if (visit(next)) stack.insert(stack.end(), dependents_[next].begin(), dependents_[next].end());
  }
}

std::vector<std::size_t> Plan::failed(std::size_t task) {
  check(state_[task] == State::kRunning, "failed() on a task that is not running");
  state_[task] = State::kFailed;
  std::vector<std::size_t> skipped;
  // Without release_on_start a dependent cannot have started (it waits for `task`); with
  // it, a started dependent is the runner's to cancel (started_dependents), and what
  // waits for it is still skipped here. A dependent already skipped because of an
  // earlier failure keeps that cause.
  walk_dependents(task, [&](std::size_t next) {
    if (state_[next] == State::kWaiting || state_[next] == State::kReady) {
      state_[next] = State::kSkipped;
      blocker_[next] = task;
      skipped.push_back(next);
      return true;
    }
    return state_[next] == State::kRunning;
  });
  std::sort(skipped.begin(), skipped.end());
  drop_skipped_from_ready();
  return skipped;
}

std::vector<std::size_t> Plan::started_dependents(std::size_t task) const {
  std::vector<std::size_t> found;
  walk_dependents(task, [&](std::size_t next) {
    if (state_[next] == State::kRunning) found.push_back(next);
    return true;
  });
  std::sort(found.begin(), found.end());
  return found;
}

void Plan::cancelled(std::size_t task) {
  check(state_[task] == State::kRunning, "cancelled() on a task that is not running");
  state_[task] = State::kSkipped;
}

std::vector<std::size_t> Plan::started() const {
  std::vector<std::size_t> tasks;
  for (std::size_t task = 0; task < state_.size(); ++task) {
    if (state_[task] == State::kRunning) tasks.push_back(task);
  }
  return tasks;
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
  drop_skipped_from_ready();
}

void Plan::drop_skipped_from_ready() {
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
