// Runs work items (batches of small objects, chunks of large ones) as ranged
// GETs on the S3 client, streaming each body through a write buffer into its
// file via the file backend. The worker (worker.hpp) feeds it.
//
// Per object of a batch: the destination's skip check, mkdir -p, write to the
// temporary name, verify the length, publish (mtime, rename). Per chunk:
// write its range into the shared temporary file; rank 0's coordinator
// publishes the file when every chunk is in.
//
// Thread contract: the executor, its client and engine belong to one thread;
// everything happens inside HttpEngine::poll() callbacks and pump().
// Memory: at most `transfers` write buffers of `buffer_bytes` each, plus 4
// while O_DIRECT writes are on the writer threads.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "caios2dfs/fileio/async_writer.hpp"
#include "caios2dfs/copy/destination.hpp"
#include "caios2dfs/copy/stats.hpp"
#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/s3/s3_client.hpp"
#include "caios2dfs/copy/work_item.hpp"

namespace caios {

struct ExecutorOptions {
  std::string bucket;
  std::size_t buffer_bytes = 4u << 20;
  int transfers = 16;
  bool dry_run = false;
  int verbosity = 0;
};

class TransferExecutor {
 public:
  /// `destination` null: the bytes are counted and dropped (--bench read).
  TransferExecutor(S3Client& client, FileBackend& backend, Destination* destination, ExecutorOptions options,
                   RankStats& stats, std::function<void(ItemDone&&)> on_item_done);
  ~TransferExecutor();

  /// Take an item; its requests start as capacity allows.
  void add(WorkItem item);
  /// Start queued objects of active items while fewer than `transfers` run.
  void pump();
  /// Room for more work: some request slot is free and no active item
  /// still has objects waiting to start.
  bool wants_work() const;
  /// Requests running now.
  int running() const { return running_; }
  bool idle() const { return active_.empty(); }
  /// Finish transfers whose last writes completed on the writer threads.
  /// Call from the event loop (never from inside a curl callback).
  void poll_writes();

 private:
  struct ActiveItem;
  struct ObjectTransfer;

  void start_object(ActiveItem& item, const ObjectRef& object);
  /// Skip check, dry run, directory and temporary file for one object;
  /// false when there is nothing to fetch (skipped, dry run or failed).
  bool open_destination(ActiveItem& item, const ObjectRef& object, const std::shared_ptr<ObjectTransfer>& transfer);
  RangeSink make_sink(ObjectTransfer* transfer);
  std::optional<Error> check_result(const ObjectTransfer& transfer) const;
  void on_get_done(const std::shared_ptr<ObjectTransfer>& transfer, Result<GetResult> result);
  void finalize(ObjectTransfer& transfer);
  bool flush(ObjectTransfer& transfer);
  void absorb(std::vector<AsyncWriter::Done> done);
  void object_done(ActiveItem& item);
  void fail_object(ActiveItem& item, const ObjectRef& object, const Error& error);
  void maybe_finish_item(ActiveItem& item);
  IoBuffer take_buffer();
  void return_buffer(IoBuffer buffer);
  void note_running_change(int delta);

  S3Client& client_;
  FileBackend& backend_;
  Destination* destination_;
  ExecutorOptions options_;
  RankStats& stats_;
  std::function<void(ItemDone&&)> on_item_done_;
  std::list<std::unique_ptr<ActiveItem>> active_;
  std::vector<IoBuffer> spare_buffers_;
  int running_ = 0;
  std::int64_t busy_since_ns_ = 0;
  std::size_t buffers_allocated_ = 0;
  std::uint64_t next_tag_ = 0;
  /// Transfers with writes on the writer threads, by tag (O_DIRECT files only).
  std::unordered_map<std::uint64_t, std::shared_ptr<ObjectTransfer>> writing_;
  std::vector<std::shared_ptr<ObjectTransfer>> ready_;  ///< all writes done: finalize in poll_writes()
  /// Started with the first O_DIRECT file. Declared last, destroyed first: it
  /// finishes its queued writes while the files they target are still open.
  std::unique_ptr<AsyncWriter> writer_;
};

}  // namespace caios
