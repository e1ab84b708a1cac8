#include "caios2dfs/base/stop_signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <array>
#include <atomic>

namespace caios {

namespace {

constexpr std::array<int, 3> kStopSignals{SIGTERM, SIGINT, SIGUSR1};

// Written only by the handler; lock-free atomics are async-signal-safe.
std::atomic<int> first_signal{0};
std::array<struct sigaction, kStopSignals.size()> previous{};

void on_stop_signal(int signal) {
  int none = 0;
  if (!first_signal.compare_exchange_strong(none, signal)) {
    // The second: the user does not want to wait for an orderly stop.
    ::_exit(128 + signal);
  }
}

}  // namespace

StopSignals::StopSignals() {
  first_signal.store(0);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  // Restart file-system calls the signal interrupts; epoll_wait returns
  // early anyway, so the event loop sees the flag within a turn.
  action.sa_flags = SA_RESTART;
  for (std::size_t i = 0; i < kStopSignals.size(); ++i) ::sigaction(kStopSignals[i], &action, &previous[i]);
}

StopSignals::~StopSignals() {
  for (std::size_t i = 0; i < kStopSignals.size(); ++i) ::sigaction(kStopSignals[i], &previous[i], nullptr);
}

int StopSignals::received() const { return first_signal.load(); }

const char* StopSignals::name(int signal) {
  switch (signal) {
    case SIGTERM:
      return "SIGTERM";
    case SIGINT:
      return "SIGINT";
    case SIGUSR1:
      return "SIGUSR1";
    default:
      return "a signal";
  }
}

}  // namespace caios
