// Signals sent to flowbench, owned in one place for every runner: a stop request (SIGINT,
// SIGTERM, SIGHUP from a closed terminal or a dropped SSH session, SIGQUIT) is caught and kept instead of ending the process, so the runner can stop its
// tasks and leave a consistent run; SIGCHLD, when asked for, wakes a wait so that an ended
// child is reaped at once.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

namespace flowbench::platform {

class SignalWaiter {
 public:
  explicit SignalWaiter(bool wake_on_child_exit);
  ~SignalWaiter();
  SignalWaiter(const SignalWaiter&) = delete;
  SignalWaiter& operator=(const SignalWaiter&) = delete;

  // Blocks until a caught signal arrives or `until` passes. A signal that arrived since
  // the last wait is not missed (it is queued until then).
  void wait_until(std::chrono::steady_clock::time_point until);

  // The stop signal caught, if any; reading it clears it.
  std::optional<int> take_stop();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace flowbench::platform
