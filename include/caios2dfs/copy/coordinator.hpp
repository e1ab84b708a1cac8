// Rank 0's coordinator: takes the objects the source lists (its requests
// spread over the other ranks, source_requests.hpp), maps keys to
// paths and applies the filter, decides once per large object whether DEST
// already has it, plans work items by bytes and deals them to the ranks while
// the listing goes on, counts what every rank reports done, publishes chunked
// files when their last chunk is in, prints progress, and writes the summary
// and report at the end.
//
// Thread contract: rank 0's one thread; every method is called from
// run_copy's event loop (on_item_done also from inside the local worker's
// step(), which runs on the same thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "caios2dfs/copy/chunk_checks.hpp"
#include "caios2dfs/copy/copy_job.hpp"
#include "caios2dfs/copy/destination.hpp"
#include "caios2dfs/copy/object_source.hpp"
#include "caios2dfs/copy/progress.hpp"
#include "caios2dfs/copy/source_requests.hpp"
#include "caios2dfs/copy/stats.hpp"
#include "caios2dfs/copy/live_progress.hpp"
#include "caios2dfs/copy/work_plan.hpp"
#include "caios2dfs/mpi/comm.hpp"

namespace caios {

class Coordinator {
 public:
  /// Hands rank 0's own share of the work to its worker.
  using KeepLocal = std::function<void(WorkItem&&)>;

  /// `destination` null: --bench read. `stats` are rank 0's counters (the
  /// coordinator counts failures it finds itself there).
  Coordinator(Comm& comm, S3Client& client, Destination* destination, const CopyJob& job, RankStats& stats,
              KeepLocal keep_local);

  /// Reads the first page (or proves the bucket is reachable for
  /// --files-from) and prints the start line. Returns an error text when the
  /// source is unusable; nothing has been dealt then.
  std::string start();

  /// One turn: more listing (while not too far ahead of the transfers), send
  /// dealt work, a progress line when due. Returns true when work was dealt.
  bool step();

  /// The listing is over and every item created has been reported done.
  bool finished() const;

  /// An item is done, on rank 0 (from its worker) or reported by a rank.
  void on_item_done(ItemDone&& done);

  /// Take a message addressed to the coordinator (item done, progress).
  /// False for other tags.
  bool handle(Message& message);

  /// Rank 0's own figures, as the others send theirs (kProgress).
  void set_local_progress(const RankProgress& progress) { live_.set_rank(0, progress); }

  /// The job is stopping (`reason`: "SIGTERM", ..., kMaxDurationStop): no
  /// more listing, no more dealing (items created from now on are given up
  /// at once), and every other rank is told (kStop; `soft`: transfers in
  /// flight finish). The job then ends as usual once every item has
  /// reported done, its objects copied or given up. A hard stop after a
  /// soft one ends the transfers in flight too. `dest_failed`: `reason` is
  /// a failure of DEST that every object would share (disk full...): said
  /// once, with DEST's free space, and the objects not copied then count
  /// as failed (exit 1, in the failed list).
  void stop(const std::string& reason, bool soft = false, bool dest_failed = false);

  /// After the collective gather: the summary, the report files and the
  /// exit status (0 or 1). `wall_seconds` is the whole run at rank 0.
  int finish(std::vector<RankStats> ranks, double wall_seconds);

 private:
  void take_object(ObjectEntry&& entry);
  /// Chunked objects are checked against DEST once, here, and get their
  /// temporary file; true when the object is to be copied. `skip_check`
  /// false: it is to be fetched whatever DEST holds; `prepare_file` false:
  /// only the check (whether it is chunked is not decided yet).
  bool prepare_chunked(const ObjectRef& object, bool skip_check = true, bool prepare_file = true);
  // Chunked objects (coordinator_chunked.cpp): asked about with HEAD, split,
  // checked from their chunks' digests or read back, published or refetched.
  struct Probe;
  /// `chunked`: above the cutoff; else a multipart upload chunked only
  /// when the store gives its part layout, fetched whole otherwise.
  void probe_chunked(ObjectRef object, bool chunked);
  void probed(Probe& probe);
  void fetch_chunked(const ObjectRef& object, const ChunkCheckPlan& plan = {});
  bool check_streamed(std::uint64_t object_id, const ObjectRef& object, ChunkCheckPlan& guess_missed);
  void refetch_or_fail(const ObjectRef& object, ObjectFailure failure, const ChunkCheckPlan& plan);
  void on_skip_checked(ItemDone&& done, ObjectRef object);
  void deal(WorkItem&& item);
  void flush_planner();
  void send_dealt();
  void record_failure(const std::string& key, const Error& error);
  void record_failure(ObjectFailure failure);
  void chunks_in(std::uint64_t object_id, ChunkTracker::Finished finished);
  void on_chunk_done(ItemDone&& done);
  void on_verified(ItemDone&& done);
  void publish_chunked(const ObjectRef& object, const std::optional<CheckVerdict>& verdict);
  // Resume of chunked objects (coordinator_resume.cpp, resume_state.hpp).
  struct Resuming {
    ResumeFile file;
    std::vector<ByteRange> chunks;  ///< by chunk index
    RangeSet written;               ///< earlier runs' and this one's
  };
  /// The ranges of `object` still to fetch; `resuming` set when its state is open.
  std::vector<ByteRange> open_resume(const ObjectRef& object, std::unique_ptr<Resuming>& resuming);
  /// A chunk reported in: record what it wrote.
  void record_chunk(const ItemDone& done);
  /// The last chunk is in: stop recording. True when the object failed in
  /// a way worth resuming from, and its file and state are to be kept.
  bool end_resume(std::uint64_t object_id, const ObjectRef& object, bool ok, std::uint8_t failure_kind);
  /// The job stopped before a chunked object all in was checked: keep it
  /// for the rerun, which finds every byte written and checks it (true),
  /// when its state is there.
  bool keep_checked_later(const ObjectRef& object);
  /// Remove a chunked object's temporary file and its resume state.
  void discard_chunked_file(const ObjectRef& object);
  std::uint64_t outstanding_items() const { return planner_.items_created() - items_completed_; }
  void print_progress(bool final_line);

  Comm& comm_;
  S3Client& client_;
  std::optional<std::string> stop_reason_;  ///< set once the job stops
  bool stop_soft_ = false;
  bool stop_failed_ = false;  ///< stopped because DEST failed for everyone
  Destination* destination_;
  const CopyJob& job_;
  /// The source prefix as a directory ("dir/" or ""); when SOURCE names an
  /// object, its parent's, from source_.start().
  std::string prefix_;
  RankStats& stats_;
  KeepLocal keep_local_;
  std::unique_ptr<SourceRequests> requests_;  ///< where the listing's requests run
  SpreadRequests* spread_;  ///< requests_ when spread over the ranks (their answers arrive as messages), else null
  ObjectSource source_;
  WorkPlanner planner_;
  ChunkTracker tracker_;
  ByteDealer dealer_;
  std::vector<std::vector<WorkItem>> dealt_;  ///< per rank, sent at each step
  bool dealt_pending_ = false;
  /// The first error of a chunked object, reported when its last chunk is in.
  std::unordered_map<std::uint64_t, ObjectFailure> chunk_errors_;
  /// What a chunked object's chunks' responses said of its bytes.
  struct ChunkSums {
    std::string md5chksum;  ///< rclone's MD5
    bool etag_not_md5 = false;
  };
  std::unordered_map<std::uint64_t, ChunkSums> chunk_sums_;
  /// Chunked objects whose files are being read back (WorkKind::verify).
  struct Verifying {
    ObjectRef object;
    VerifiedBy method = VerifiedBy::etag_md5;
    /// A guessed part layout that did not match (the read-back decides):
    /// kept for a refetch, so that it is cut into the same chunks.
    ChunkCheckPlan refetch_plan;
  };
  std::unordered_map<std::uint64_t, Verifying> verifying_;
  /// Chunked objects checked from their chunks' digests: the plan, and the
  /// digests and lengths by chunk index as they come in.
  struct StreamChecked {
    ChunkCheckPlan plan;
    std::vector<std::string> digests;
    std::vector<std::uint64_t> lengths;
  };
  std::unordered_map<std::uint64_t, StreamChecked> stream_checked_;
  int probes_in_flight_ = 0;  ///< HEADs of chunked objects not yet answered
  /// Chunked objects whose written ranges are being recorded, by object id.
  std::unordered_map<std::uint64_t, std::unique_ptr<Resuming>> resuming_;
  /// --checksum's checks of existing files of chunked objects (item id -> object).
  std::unordered_map<std::uint64_t, ObjectRef> skip_checks_;
  /// Fetches so far of chunked objects whose check failed (key -> count).
  std::unordered_map<std::string, int> chunked_fetches_;
  RunSummary summary_;
  std::uint64_t items_completed_ = 0;
  std::uint64_t objects_done_ = 0;   ///< copied, failed or skipped by a worker
  LiveProgress live_;  ///< every rank's last word (progress messages), shown and sampled
};

}  // namespace caios
