// How long a rank's event loop sleeps when it has nothing to do.
//
// MPI gives the loop no file descriptor to wait on, so an idle rank polls:
// for its next work item, a steal reply, rank 0's stop. Polling every 200 us
// answers within a fraction of a small object's GET; kept up for seconds it
// costs a core's fraction per idle rank (an MPI_Iprobe, an epoll_wait and a
// sleep 5,000 times a second), which ranks sharing cores with each other or
// with the store take from work. So the sleep doubles after every few idle
// passes in a row, up to a cap, and drops back at the first sign of work.
#pragma once

#include <algorithm>
#include <chrono>

namespace caios {

class IdleBackoff {
 public:
  static constexpr std::chrono::microseconds kFirst{200};
  static constexpr std::chrono::microseconds kLongest{2000};
  /// Idle passes at one length before it doubles: about 10 ms at 200 us.
  static constexpr int kPassesPerStep = 50;

  /// The sleep for this idle pass (and counts it).
  std::chrono::microseconds next() {
    const int doublings = std::min(idle_passes_ / kPassesPerStep, 4);
    ++idle_passes_;
    return std::min(kLongest, kFirst * (1 << doublings));
  }
  /// Something happened (a message, a transfer, work taken): short sleeps again.
  void reset() { idle_passes_ = 0; }

 private:
  int idle_passes_ = 0;
};

}  // namespace caios
