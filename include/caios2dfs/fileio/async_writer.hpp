// Writer threads that perform file writes for the event-loop thread, so the
// network keeps flowing while the device works. Used for O_DIRECT files,
// where every write waits for the storage.
//
// Several threads, because one write in flight per rank is not enough to
// keep a device (or a DFS) busy: with one thread the event loop waited
// 0.2-0.36 s per GiB for a free buffer on the test VM.
//
// Thread contract: submit(), take_completed() and wait_completed() are called
// by the owner (event-loop) thread only; a writer thread calls `wake` after
// each finished job (HttpEngine::wakeup) so the owner notices promptly. Jobs
// run in any order and concurrently, also for the same file (WritableFile
// allows disjoint concurrent writes); the owner closes a file after its last
// completion.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/fileio/io_buffer.hpp"

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

  AsyncWriter(std::function<void()> wake, int threads);
  ~AsyncWriter();  ///< finishes queued jobs, then joins the threads
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
  std::vector<std::thread> threads_;
};

}  // namespace caios
