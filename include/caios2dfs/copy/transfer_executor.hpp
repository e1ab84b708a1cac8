// Runs work items (batches of small objects, chunks of large ones) as ranged
// GETs on the S3 client, streaming each body through write buffers into its
// file via the file backend. The worker (worker.hpp) feeds it.
//
// A verify item (a chunked object whose chunks are all in) makes no request:
// its file is read back and hashed on a file-call thread (object_file.hpp).
//
// An object moves through three stages:
//   1. open, on a file-call thread (object_file.hpp): the skip check, mkdir -p
//      and the temporary file (a chunk: the shared temporary file);
//   2. GET, on the event loop: the body fills a write buffer; each full one
//      is written on a file-call thread while the next fills;
//   3. finish, on a file-call thread once the GET and its writes are done:
//      the last write, close, mtime and rename (a chunk: close; rank 0's
//      coordinator publishes the file when every chunk is in).
// So the event loop makes no file-system call of its own: on a cluster file
// system, where each is a network round trip, the requests keep flowing
// while the threads wait (fileio/task_pool.hpp). Up to `transfers` objects
// are opened ahead of the request slots, so a GET never waits for its file.
//
// Thread contract: the executor, its client and engine belong to one thread;
// everything happens inside HttpEngine::poll() callbacks, pump() and
// poll_files(). The file-call threads only run object_file.hpp's steps and
// writes, on state no other thread touches meanwhile.
// Memory: at most 2 x `transfers` + 4 write buffers of `buffer_bytes` each
// (BufferPool): one per running GET, one per object finishing, and a few
// for writes in flight. A GET only starts while fewer than 2 x `transfers`
// objects are running or finishing.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/copy/destination.hpp"
#include "caios2dfs/copy/stats.hpp"
#include "caios2dfs/copy/work_item.hpp"
#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/fileio/io_buffer.hpp"
#include "caios2dfs/fileio/task_pool.hpp"
#include "caios2dfs/s3/etag.hpp"
#include "caios2dfs/s3/s3_client.hpp"

namespace caios {

struct ExecutorOptions {
  std::string bucket;
  std::size_t buffer_bytes = 4u << 20;
  int transfers = 16;
  /// Most file-call threads; 0 runs the file calls on the event loop (for a
  /// backend that is not thread_safe()). Negative: the default for `transfers`.
  int file_threads = -1;
  /// Items whose objects are opened in turn, one object from each. A batch
  /// holds consecutive keys, so mostly one directory; and a file system
  /// creates and links names in one directory one at a time (the kernel
  /// holds the directory's lock across each call, a network round trip on a
  /// DFS). Several items in turn keep several directories busy.
  int items_in_turn = 8;
  /// ...while their objects not yet started total less than this: what a
  /// rank holds beyond its lookahead stays small, so thieves can take the
  /// rest of its queue (one chunk of a large object fills it alone).
  std::uint64_t unstarted_bytes_limit = 64ull << 20;
  /// Check each object's bytes where the store says what they must be
  /// (copy/integrity.hpp); false: --ignore-checksum.
  bool verify = true;
  /// --retries: also bounds the fetches of an object whose bytes mismatch.
  int retries = 10;
  bool dry_run = false;
  int verbosity = 0;
};

/// The default cap on file-call threads for `transfers` requests in flight:
/// enough for every object in the pipeline to have a call outstanding at
/// once (README, "file-call threads", has the measurement).
int default_file_threads(int transfers);

struct ActiveItem;      ///< an item the executor has taken (src/copy/active_item.hpp)
struct ObjectTransfer;  ///< one object (or chunk) on its way (the same)

class TransferExecutor {
 public:
  /// `destination` null: the bytes are counted and dropped (--bench read).
  TransferExecutor(S3Client& client, FileBackend& backend, Destination* destination, ExecutorOptions options,
                   RankStats& stats, std::function<void(ItemDone&&)> on_item_done);
  ~TransferExecutor();

  /// Take an item; its objects start as capacity allows.
  void add(WorkItem item);
  /// Start GETs for opened objects and open more, as capacity allows.
  void pump();
  /// Room for another item: fewer than `items_in_turn` items have objects
  /// not yet started, and those objects total under `unstarted_bytes_limit`.
  bool wants_work() const;
  /// The directories (item_directory) of the items taken and not yet done.
  std::vector<std::string_view> active_directories() const;
  /// Requests running now.
  int running() const { return running_; }
  bool idle() const { return active_.empty(); }
  /// The job is stopping: the objects not yet started end at once with
  /// `why` (kind cancelled), as do those whose file is open but whose GET
  /// has not started; the GETs in flight end when the client is stopped
  /// (S3Client::stop) and nothing is fetched again. Their temporary files
  /// are removed as for any failure, and their items report done.
  void stop(const Error& why);
  /// The first failure that no object in DEST can escape (ENOSPC, EDQUOT,
  /// EROFS): the job should stop rather than fail every object in turn.
  const std::optional<Error>& dest_failure() const { return dest_failure_; }
  /// Run what the file-call threads finished; updates the rank's stats
  /// (threads used, time in file calls). Call from the event loop, never
  /// from inside a curl callback.
  void poll_files();

 private:
  using TransferPtr = std::shared_ptr<ObjectTransfer>;

  bool start_ready_gets();
  bool open_more_objects();
  void start_object(ActiveItem& item, const ObjectRef& object, int attempt);
  void start_verify(ActiveItem& item);
  void on_verified(ActiveItem& item, const Result<Md5Digest>& digest);
  /// Set up the hashing of a GET's body; the GET's options that go with it.
  GetOptions start_checks(ObjectTransfer& transfer);
  /// After the GET: the transfer's verdict from what was hashed.
  void judge_checks(ObjectTransfer& transfer);
  void on_opened(const TransferPtr& transfer);
  void start_get(const TransferPtr& transfer);
  void abandon_opened(const TransferPtr& transfer);  ///< the job stops: finish it failed, unfetched
  RangeSink make_sink(ObjectTransfer* transfer);
  void submit_write(const TransferPtr& transfer);
  void on_get_done(const TransferPtr& transfer, Result<GetResult> result);
  std::optional<Error> check_result(const ObjectTransfer& transfer) const;
  void submit_finish(const TransferPtr& transfer);
  void complete(ObjectTransfer& transfer);
  void fail_object(ActiveItem& item, const ObjectRef& object, const Error& error);
  void object_ended(ActiveItem& item);
  void maybe_finish_item(ActiveItem& item);
  void note_running_change(int delta);

  S3Client& client_;
  FileBackend& backend_;
  Destination* destination_;
  ExecutorOptions options_;
  RankStats& stats_;
  std::function<void(ItemDone&&)> on_item_done_;
  BufferPool buffers_;
  std::list<std::unique_ptr<ActiveItem>> active_;
  std::deque<TransferPtr> opened_;  ///< file ready, waiting for a request slot
  int opening_ = 0;                 ///< objects in stage 1
  int running_ = 0;                 ///< GETs in flight (stage 2)
  int finishing_ = 0;               ///< GET done, writes or stage 3 pending
  std::optional<Error> stop_;  ///< set once the job stops
  std::optional<Error> dest_failure_;
  std::int64_t busy_since_ns_ = 0;
  std::int64_t work_ns_counted_ = 0;  ///< files_.work_ns() already added to the stats
  /// Declared last, destroyed first: it runs the work still queued while the
  /// items, files and buffers that work refers to are still alive.
  TaskPool files_;
};

}  // namespace caios
