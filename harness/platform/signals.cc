#include "platform/signals.h"

#include <signal.h>

#include <csignal>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace flowbench::platform {

struct SignalWaiter::State {
  explicit State(bool child) : signals(io, SIGINT, SIGTERM) {
    // A signal the user chose to ignore (`nohup flowbench run ...`) stays ignored.
    for (int hangup : {SIGHUP, SIGQUIT}) {
      struct sigaction current {};
      if (::sigaction(hangup, nullptr, &current) == 0 && current.sa_handler != SIG_IGN) signals.add(hangup);
    }
    if (child) signals.add(SIGCHLD);
  }
  boost::asio::io_context io;
  boost::asio::signal_set signals;
  bool armed = false;
  std::optional<int> stop;
};

SignalWaiter::SignalWaiter(bool wake_on_child_exit) : state_(std::make_unique<State>(wake_on_child_exit)) {}

SignalWaiter::~SignalWaiter() = default;

void SignalWaiter::wait_until(std::chrono::steady_clock::time_point until) {
  State& s = *state_;
  if (!s.armed) {
    s.armed = true;
    s.signals.async_wait([&s](const boost::system::error_code& ec, int signal) {
      s.armed = false;
      if (!ec && signal != SIGCHLD) s.stop = signal;
    });
  }
  s.io.run_one_until(until);
  s.io.restart();
}

std::optional<int> SignalWaiter::take_stop() {
  std::optional<int> stop = state_->stop;
  state_->stop.reset();
  return stop;
}

}  // namespace flowbench::platform
