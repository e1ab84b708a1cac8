// A writer thread that performs file writes for the event-loop thread, so
// the network keeps flowing while the device works. Used with --direct-io,
// where every write waits for the storage.
//
// Thread contract: submit(), take_completed() and wait_one() are called by
// the owner (event-loop) thread only; the writer thread calls `wake` after
// each finished job (HttpEngine::wakeup) so the owner notices promptly.
// Each WritableFile is used by the writer thread for writes only while it has
// jobs in flight; the owner closes it after the last completion.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "caios2dfs/error.hpp"
#include "caios2dfs/file_sink.hpp"
#include "caios2dfs/io_buffer.hpp"

namespace caios {

class AsyncWriter {
 public:
  struct Job {
    WritableFile* file = nullptr;
    std::uint64_t offset = 0;
    IoBuffer buffer;
    std::size_t size = 0;
    std::uint64_t tag = 0;  ///< the owner's handle for the transfer
  };
  struct Done {
    std::uint64_t tag = 0;
    IoBuffer buffer;  ///< handed back for reuse
    Status status = ok_status();
  };

  explicit AsyncWriter(std::function<void()> wake);
  ~AsyncWriter();  ///< finishes queued jobs, then joins
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  void submit(Job job);
  /// Finished jobs, without waiting.
  std::vector<Done> take_completed();
  /// Block until at least one job has finished (there must be one in flight).
  std::vector<Done> wait_completed();
  std::size_t in_flight() const { return in_flight_; }

 private:
  void run();

  std::function<void()> wake_;
  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable done_ready_;
  std::deque<Job> jobs_;
  std::vector<Done> done_;
  bool stopping_ = false;
  std::size_t in_flight_ = 0;  ///< owner thread only
  std::thread thread_;
};

}  // namespace caios
