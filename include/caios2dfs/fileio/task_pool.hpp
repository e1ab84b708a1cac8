// Threads that make the blocking file-system calls (stat, mkdir, open,
// write, utimens, rename, close) for one owner thread, the rank's event
// loop, so that the loop only moves bytes and requests. On a cluster file
// system every metadata call is a network round trip (0.5-2 ms): run on the
// loop, they capped a rank at about 200 small files per second whatever
// --transfers said (README, "slowfs").
//
// Work runs on a pool thread; its completion runs later on the owner thread,
// inside run_completions(), never inside submit(). The pool adapts to the
// file system's latency: it starts one thread, and adds one whenever the
// oldest queued work has waited `grow_after` (5 ms) while more work is
// queued than threads are idle, up to max_threads (a thread that cannot be
// started is done without). On a file system that answers in microseconds the queue
// drains before that and one or two threads do all the work (on ext4, 21
// threads per rank made no copy faster and cost CPU in switches); on one
// that answers in milliseconds the pool widens until the calls overlap as
// much as the owner asks for. Threads are not retired before the pool ends.
//
// max_threads 0: no threads; work runs inside submit() on the owner thread
// (for backends that may only be called there, e.g. MPI-IO under
// MPI_THREAD_FUNNELED). Completions still wait for run_completions().
//
// Thread contract: submit(), run_completions(), wait_and_run_completions()
// and the accessors are for the owner thread only. Work must not touch the
// owner's state; completions may. `wake` is called on a pool thread after
// each finished work (HttpEngine::wakeup), so a loop asleep in poll() sees it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace caios {

class TaskPool {
 public:
  using Work = std::function<void()>;
  using Completion = std::function<void()>;

  TaskPool(std::function<void()> wake, int max_threads,
           std::chrono::nanoseconds grow_after = std::chrono::milliseconds(5));
  /// Runs the work still queued (so files it was given get closed), drops
  /// the completions, joins the threads.
  ~TaskPool();
  TaskPool(const TaskPool&) = delete;
  TaskPool& operator=(const TaskPool&) = delete;

  void submit(Work work, Completion done);
  /// Run the completions of finished work, in the order the work finished;
  /// returns how many ran. Also where the pool grows when work waits (call
  /// it often: the event loop does, every iteration).
  std::size_t run_completions();
  /// Block until some work has finished, then run_completions(). Returns 0
  /// at once when nothing is in flight.
  std::size_t wait_and_run_completions();

  /// Submitted and not yet completed (completion not yet run).
  std::size_t in_flight() const { return in_flight_; }
  /// Threads started so far (the most that ever ran at once).
  int threads() const;
  /// Time spent running work, summed over threads (owner-thread work included).
  std::int64_t work_ns() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Task {
    Work work;
    Completion done;
    Clock::time_point queued;
  };
  void run();
  void grow_locked(Clock::time_point now);

  std::function<void()> wake_;
  const int max_threads_;
  const std::chrono::nanoseconds grow_after_;
  mutable std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable done_ready_;
  std::deque<Task> queue_;
  std::vector<Completion> finished_;
  int idle_ = 0;
  bool stopping_ = false;
  std::int64_t work_ns_ = 0;
  std::size_t in_flight_ = 0;  ///< owner thread only
  std::vector<std::thread> threads_;
};

}  // namespace caios
