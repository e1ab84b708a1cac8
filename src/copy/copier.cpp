#include "caios2dfs/copy/copier.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "caios2dfs/copy/files_from.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"
#include "caios2dfs/copy/key_path.hpp"
#include "caios2dfs/copy/object_source.hpp"
#include "caios2dfs/copy/transfer_executor.hpp"
#include "caios2dfs/copy/work_plan.hpp"

namespace caios {

namespace {

enum Tag : int {
  kStealRequest = 1,
  kStealReply = 2,
  kItemDone = 3,
  kProgress = 4,
  kTerminate = 5,
  kWork = 6,  ///< items dealt by rank 0
};

using Clock = std::chrono::steady_clock;

/// Items a rank keeps queued (not yet started) before rank 0 pauses listing:
/// enough to keep every rank busy, small enough that the listing of a huge
/// bucket is never held in memory.
std::uint64_t outstanding_item_limit(int ranks, int transfers) {
  return std::max<std::uint64_t>(256, static_cast<std::uint64_t>(ranks) * static_cast<std::uint64_t>(transfers) * 4);
}

class CopyRank {
 public:
  CopyRank(Comm& comm, S3Client& client, FileBackend& backend, const CopyJob& job)
      : comm_(comm),
        client_(client),
        job_(job),
        options_(job.options),
        prefix_(normalize_source_prefix(job.source.prefix)),
        random_(0x5EED0000u + static_cast<unsigned>(comm.rank())),
        planner_(plan_limits(job.options)),
        dealer_(comm.size()),
        dealt_(static_cast<std::size_t>(comm.size())),
        executor_(client, backend, executor_options(job), stats_, [this](ItemDone&& done) { on_item_done(std::move(done)); }),
        source_(client, job.source.bucket, prefix_, job.options.files_from, job.options.iterations,
                std::max(4, job.options.transfers),
                ObjectSource::Callbacks{[this](ObjectEntry&& entry) { take_object(std::move(entry)); },
                                        [this](const std::string& key, const Error& error) {
                                          ++summary_.objects_listed;
                                          fail_at_rank0(key, error);
                                        },
                                        [this] { flush_planner(); }}) {
    stats_.rank = comm.rank();
    summary_.source = to_string(job.source);
    summary_.dest = job.options.dest;
    summary_.dry_run = job.options.dry_run;
    if (job.options.bench != BenchMode::read) summary_.io = describe_io(job.options);
    summary_.mode = job.options.bench == BenchMode::read ? "read" : "copy";
  }

  int run() {
    const auto started = Clock::now();
    // Rank 0 proves the bucket is reachable before anyone moves data, so bad
    // credentials or a wrong bucket end the job with status 2 on every rank.
    std::string startup_error;
    if (comm_.rank() == 0) startup_error = source_.start();
    startup_error = comm_.broadcast(startup_error, 0);
    if (!startup_error.empty()) {
      if (comm_.rank() == 0) fmt::print(stderr, "caios2dfs-mpi: {}\n", startup_error);
      return 2;
    }
    if (comm_.rank() == 0 && options_.verbosity >= 0) {
      const std::string target = options_.bench == BenchMode::read
                                     ? fmt::format("read benchmark, {} iteration(s)", options_.iterations)
                                     : fmt::format("-> {}, io {}", options_.dest, describe_io(options_));
      fmt::print("caios2dfs-mpi: {} {} on {} ranks, {} transfers each\n", summary_.source, target, comm_.size(),
                 options_.transfers);
      std::fflush(stdout);
    }
    last_progress_print_ = Clock::now();
    event_loop();
    comm_.finish_messages([this](Message&& message) { on_late_message(std::move(message)); });

    // Retries of every request this rank made (listing and HEADs included).
    stats_.retries = client_.stats().retries;
    for (std::size_t i = 0; i < kErrorKinds && i < client_.stats().retries_by_kind.size(); ++i) {
      stats_.retries_by_kind[i] = client_.stats().retries_by_kind[i];
    }
    std::vector<RankStats> ranks = gather_rank_stats(comm_, stats_);
    int status = 0;
    if (comm_.rank() == 0) {
      summary_.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
      summary_.iterations = static_cast<std::uint64_t>(std::max(1, options_.iterations));
      summary_.listing_complete = source_.complete();
      summary_.listing_error = source_.error();
      add_rank_stats(summary_, std::move(ranks));
      status = finish_report();
    }
    return comm_.broadcast_int(status, 0);
  }

 private:
  static PlanLimits plan_limits(const CopyOptions& options) {
    PlanLimits limits;
    // A dry run decides per object; there is nothing to split.
    limits.multi_thread_cutoff = options.dry_run ? UINT64_MAX : options.multi_thread_cutoff;
    limits.chunk_size = options.chunk_size;
    limits.batch_bytes = std::max<std::uint64_t>(options.chunk_size, 1);
    return limits;
  }

  static ExecutorOptions executor_options(const CopyJob& job) {
    ExecutorOptions options;
    options.bucket = job.source.bucket;
    options.dest_root = job.options.dest;
    options.buffer_bytes = job.options.buffer_size;
    options.transfers = job.options.transfers;
    options.skip_rule = job.options.ignore_existing ? SkipRule::exists : SkipRule::size_and_mtime;
    options.destination = job.options.bench == BenchMode::read ? Destination::discard : Destination::files;
    options.dry_run = job.options.dry_run;
    options.verbosity = job.options.verbosity;
    return options;
  }

  // ------------------------------------------------------------ rank 0: source

  void take_object(ObjectEntry&& entry) {
    ++summary_.objects_listed;
    summary_.bytes_listed += entry.size;
    Result<MappedKey> mapped = map_key_to_path(entry.key, prefix_);
    if (!mapped.ok()) return fail_at_rank0(entry.key, mapped.error());
    if (!job_.filter.empty() && !job_.filter.included(mapped->relative_path)) {
      --summary_.objects_listed;  // filtered keys are not part of this job
      summary_.bytes_listed -= entry.size;
      return;
    }
    if (mapped->kind == KeyKind::directory_marker) {
      ++summary_.directory_markers;
      if (!options_.dry_run && options_.bench == BenchMode::none) {
        if (Status made = directories_.make(join_path(options_.dest, mapped->relative_path)); !made.ok()) {
          fail_at_rank0(entry.key, made.error());
        }
      }
      return;
    }
    ObjectRef object{std::move(entry.key), std::move(mapped->relative_path), entry.size, std::move(entry.etag),
                     entry.mtime_ns};
    const bool chunked = !options_.dry_run && object.size >= options_.multi_thread_cutoff && object.size > 0;
    if (chunked && options_.bench == BenchMode::none) {
      // Decide once for the whole object, before it is split across ranks.
      const FilePaths paths = file_paths(options_.dest, object);
      Result<std::optional<FileStat>> existing = stat_path(paths.final_path);
      if (!existing.ok()) return fail_at_rank0(object.key, existing.error());
      const SkipRule rule = options_.ignore_existing ? SkipRule::exists : SkipRule::size_and_mtime;
      if (existing.value() && destination_is_current(**existing, object, rule)) {
        ++summary_.objects_skipped;
        return;
      }
      if (Status made = directories_.make(paths.directory); !made.ok()) return fail_at_rank0(object.key, made.error());
    }
    std::vector<WorkItem> items;
    const std::uint64_t chunked_before = planner_.objects_chunked();
    planner_.add(object, items);
    if (planner_.objects_chunked() != chunked_before) {
      tracker_.expect(chunked_before, object, static_cast<std::uint32_t>(items.size()));
    }
    for (WorkItem& item : items) deal(std::move(item));
  }

  void flush_planner() {
    std::vector<WorkItem> items;
    planner_.flush(items);
    for (WorkItem& item : items) deal(std::move(item));
    send_dealt();
  }

  /// Hand an item to the rank with the fewest bytes so far; rank 0's own
  /// share goes straight to its queue, the others' are sent per page.
  void deal(WorkItem&& item) {
    const int rank = job_.deal_work ? dealer_.assign(item.bytes()) : 0;
    if (rank == 0) {
      queue_.push_back(std::move(item));
    } else {
      dealt_[static_cast<std::size_t>(rank)].push_back(std::move(item));
      dealt_pending_ = true;
    }
  }

  void send_dealt() {
    if (!dealt_pending_) return;
    dealt_pending_ = false;
    for (std::size_t rank = 1; rank < dealt_.size(); ++rank) {
      if (dealt_[rank].empty()) continue;
      comm_.send(static_cast<int>(rank), kWork, encode_items(dealt_[rank]));
      dealt_[rank].clear();
    }
  }

  void fail_at_rank0(const std::string& key, const Error& error) {
    ++objects_done_;
    ++summary_.objects_failed;
    ++stats_.errors_by_kind[static_cast<std::size_t>(error.kind)];
    summary_.failed.push_back(ObjectFailure{key, error.to_string(), static_cast<std::uint8_t>(error.kind)});
    if (options_.verbosity >= 0) fmt::print(stderr, "ERROR: {}: {}\n", key, error.to_string());
  }

  std::uint64_t outstanding_items() const { return planner_.items_created() - items_completed_; }

  /// Keep the listing going while the job is not too far ahead of the transfers.
  void drive_source() {
    if (outstanding_items() >= outstanding_item_limit(comm_.size(), options_.transfers)) return;
    source_.drive();
  }

  // ------------------------------------------------------------ rank 0: completion

  void on_item_done(ItemDone&& done) {
    if (comm_.rank() == 0) {
      record_done(std::move(done));
    } else {
      comm_.send(0, kItemDone, encode_done(done));
    }
  }

  void record_done(ItemDone&& done) {
    ++items_completed_;
    objects_done_ += done.objects_copied + done.objects_skipped;
    if (done.kind == WorkKind::chunk) {
      if (!done.chunk_ok && !done.failures.empty() && !chunk_errors_.count(done.object_id)) {
        chunk_errors_.emplace(done.object_id, done.failures.front());
      }
      if (std::optional<ChunkTracker::Finished> finished = tracker_.chunk_done(done.object_id, done.chunk_ok)) {
        publish_chunked(done.object_id, std::move(*finished));
      }
      return;
    }
    objects_done_ += done.failures.size();
    for (ObjectFailure& failure : done.failures) summary_.failed.push_back(std::move(failure));
  }

  /// The last chunk of an object is in: give the file its mtime and its name.
  void publish_chunked(std::uint64_t object_id, ChunkTracker::Finished finished) {
    const FilePaths paths = file_paths(options_.dest, finished.object);
    if (finished.ok) {
      if (options_.bench == BenchMode::none) {
        Status status = set_mtime(paths.temp_path, finished.object.mtime_ns);
        if (status.ok()) status = rename_path(paths.temp_path, paths.final_path);
        if (!status.ok()) {
          (void)remove_file(paths.temp_path);
          return fail_at_rank0(finished.object.key, status.error());
        }
      }
      ++objects_done_;
      ++summary_.objects_copied;
      if (options_.verbosity > 0) fmt::print("copied: {} ({} bytes)\n", finished.object.key, finished.object.size);
      return;
    }
    if (options_.bench == BenchMode::none) (void)remove_file(paths.temp_path);
    auto it = chunk_errors_.find(object_id);
    ObjectFailure failure =
        it != chunk_errors_.end()
            ? it->second
            : ObjectFailure{finished.object.key, "a chunk failed", static_cast<std::uint8_t>(ErrorKind::io)};
    if (it != chunk_errors_.end()) chunk_errors_.erase(it);
    ++objects_done_;
    ++summary_.objects_failed;
    ++stats_.errors_by_kind[failure.kind];
    summary_.failed.push_back(std::move(failure));
  }

  // ------------------------------------------------------------ all ranks

  void event_loop() {
    while (!terminated_) {
      const bool busy = executor_.running() > 0 || client_.engine().pending() > 0 || !executor_.idle();
      client_.engine().poll(std::chrono::milliseconds(busy ? 1 : 0));
      executor_.poll_writes();
      bool progressed = handle_messages();
      while (executor_.wants_work() && !queue_.empty()) {
        WorkItem item = std::move(queue_.front());
        queue_.pop_front();
        executor_.add(std::move(item));
        progressed = true;
      }
      if (comm_.rank() == 0) {
        drive_source();
        send_dealt();
        print_progress(false);
        if (source_.done()) flush_planner();  // objects that arrived after the last page end
        if (source_.done() && items_completed_ == planner_.items_created()) {
          for (int rank = 1; rank < comm_.size(); ++rank) comm_.send(rank, kTerminate, {});
          terminated_ = true;
        }
      }
      maybe_steal();
      maybe_send_progress();
      comm_.progress();
      if (!busy && !progressed && !terminated_) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if (comm_.rank() == 0) print_progress(true);
  }

  bool handle_messages() {
    bool any = false;
    while (std::optional<Message> message = comm_.try_receive()) {
      any = true;
      dispatch(std::move(*message));
    }
    return any;
  }

  void dispatch(Message&& message) {
    switch (message.tag) {
      case kStealRequest: {
        const std::size_t count = steal_count(queue_.size(), !executor_.wants_work());
        std::vector<WorkItem> given;
        for (std::size_t i = 0; i < count; ++i) {
          given.push_back(std::move(queue_.back()));
          queue_.pop_back();
        }
        std::reverse(given.begin(), given.end());
        comm_.send(message.source, kStealReply, encode_items(given));
        break;
      }
      case kWork:
      case kStealReply: {
        if (message.tag == kStealReply) steal_outstanding_ = false;
        Result<std::vector<WorkItem>> items = decode_items(message.payload);
        if (!items.ok()) broken(items.error());
        if (message.tag == kWork) {
          for (WorkItem& item : *items) queue_.push_back(std::move(item));
        } else if (items->empty()) {
          failed_steals_ = std::min(failed_steals_ + 1, 6);
          next_steal_ = Clock::now() + std::chrono::milliseconds(1 << failed_steals_);
        } else {
          failed_steals_ = 0;
          for (WorkItem& item : *items) queue_.push_back(std::move(item));
        }
        break;
      }
      case kItemDone: {
        Result<ItemDone> done = decode_done(message.payload);
        if (!done.ok()) broken(done.error());
        record_done(std::move(done).value());
        break;
      }
      case kProgress: {
        std::uint64_t bytes = 0;
        std::memcpy(&bytes, message.payload.data(), std::min(message.payload.size(), sizeof bytes));
        rank_bytes_[message.source] = bytes;
        break;
      }
      case kTerminate:
        terminated_ = true;
        break;
      default:
        Error error;
        error.kind = ErrorKind::protocol;
        error.operation = "receive";
        error.message = fmt::format("unknown message tag {}", message.tag);
        broken(error);
    }
  }

  void on_late_message(Message&& message) {
    // After termination only empty steal replies, unanswered steal requests
    // and progress reports can still be in flight: every item was done.
    if (message.tag == kItemDone) dispatch(std::move(message));
  }

  void maybe_steal() {
    if (comm_.size() < 2 || terminated_ || steal_outstanding_ || !queue_.empty() || !executor_.wants_work()) return;
    if (Clock::now() < next_steal_) return;
    comm_.send(pick_victim(comm_.rank(), comm_.size(), random_), kStealRequest, {});
    steal_outstanding_ = true;
  }

  void maybe_send_progress() {
    if (comm_.rank() == 0 || stats_.bytes == last_reported_bytes_) return;
    const auto now = Clock::now();
    // Often enough that rank 0's progress lines are current, rarely enough
    // that thousands of ranks do not flood it.
    const auto interval = std::clamp(options_.stats_interval / 4, std::chrono::milliseconds(100),
                                     std::chrono::milliseconds(1000));
    if (now - last_progress_send_ < interval) return;
    last_progress_send_ = now;
    last_reported_bytes_ = stats_.bytes;
    comm_.send(0, kProgress, std::string(reinterpret_cast<const char*>(&stats_.bytes), sizeof stats_.bytes));
  }

  void print_progress(bool final_line) {
    if (options_.stats_interval.count() == 0 || options_.verbosity < 0) return;
    const auto now = Clock::now();
    if (!final_line && now - last_progress_print_ < options_.stats_interval) return;
    std::uint64_t bytes = stats_.bytes;
    for (const auto& [rank, rank_bytes] : rank_bytes_) bytes += rank_bytes;
    const double interval = std::chrono::duration<double>(now - last_progress_print_).count();
    ProgressSnapshot snapshot;
    snapshot.objects_listed = summary_.objects_listed;
    snapshot.bytes_listed = summary_.bytes_listed;
    snapshot.listing_done = source_.done();
    snapshot.objects_done = objects_done_ + summary_.objects_skipped;
    snapshot.bytes_done = bytes;
    snapshot.errors = summary_.failed.size();
    snapshot.elapsed_seconds = std::chrono::duration<double>(now - loop_started_).count();
    snapshot.recent_bytes_per_second = interval > 0 ? static_cast<double>(bytes - last_progress_bytes_) / interval : 0;
    last_progress_print_ = now;
    last_progress_bytes_ = bytes;
    if (final_line && snapshot.elapsed_seconds < 1) return;
    // A log file (SLURM output) gets plain lines; a terminal could redraw,
    // but plain lines read fine there too and survive `tee`.
    fmt::print("{}\n", format_progress(snapshot));
    std::fflush(stdout);
  }

  int finish_report() {
    const int status = summary_.objects_failed > 0 || !summary_.listing_complete ? 1 : 0;
    if (summary_.objects_listed == 0 && !prefix_.empty()) {
      // rclone copies a single object when SOURCE names one; we copy trees.
      fmt::print(stderr, "caios2dfs-mpi: note: no objects under '{}' (SOURCE names a directory-like prefix; "
                 "to copy a single object, give its parent as SOURCE and its name in --files-from)\n", prefix_);
    }
    if (options_.verbosity >= 0 || status != 0) fmt::print("{}", format_summary(summary_));
    std::fflush(stdout);
    if (options_.report) {
      if (Status written = write_file_atomically(*options_.report, format_report_json(summary_)); !written.ok()) {
        fmt::print(stderr, "caios2dfs-mpi: cannot write the report: {}\n", written.error().to_string());
      }
    }
    const std::optional<std::string> failed_list =
        options_.failed_list ? options_.failed_list
                             : (options_.report ? std::optional<std::string>(*options_.report + ".failed") : std::nullopt);
    if (failed_list && (!summary_.failed.empty() || options_.failed_list)) {
      std::string text;
      for (const ObjectFailure& failure : summary_.failed) {
        const std::string relative =
            failure.key.rfind(prefix_, 0) == 0 ? failure.key.substr(prefix_.size()) : failure.key;
        if (std::optional<std::string> line = format_files_from_line(relative)) text += *line;
      }
      if (Status written = write_file_atomically(*failed_list, text); !written.ok()) {
        fmt::print(stderr, "caios2dfs-mpi: cannot write the failed list: {}\n", written.error().to_string());
      } else if (!summary_.failed.empty()) {
        fmt::print("failed keys written to {} (rerun with --files-from {})\n", *failed_list, *failed_list);
      }
    }
    return status;
  }

  [[noreturn]] void broken(const Error& error) {
    fmt::print(stderr, "caios2dfs-mpi: rank {}: internal error: {}\n", comm_.rank(), error.to_string());
    comm_.abort(3);
  }

  Comm& comm_;
  S3Client& client_;
  const CopyJob& job_;
  const CopyOptions& options_;
  const std::string prefix_;
  std::mt19937_64 random_;
  RankStats stats_;
  RunSummary summary_;  // rank 0
  WorkPlanner planner_;  // rank 0
  ChunkTracker tracker_;  // rank 0
  ByteDealer dealer_;  // rank 0
  std::vector<std::vector<WorkItem>> dealt_;  // rank 0: per destination, sent at each page end
  bool dealt_pending_ = false;
  std::unordered_map<std::uint64_t, ObjectFailure> chunk_errors_;  // rank 0
  TransferExecutor executor_;
  DirectoryMaker directories_;
  std::deque<WorkItem> queue_;

  ObjectSource source_;  // rank 0 (constructed everywhere, used at rank 0)

  std::uint64_t items_completed_ = 0;
  std::uint64_t objects_done_ = 0;
  std::unordered_map<int, std::uint64_t> rank_bytes_;
  bool terminated_ = false;
  bool steal_outstanding_ = false;
  int failed_steals_ = 0;
  Clock::time_point next_steal_{};
  Clock::time_point last_progress_send_{};
  std::uint64_t last_reported_bytes_ = 0;
  Clock::time_point loop_started_ = Clock::now();
  Clock::time_point last_progress_print_{};
  std::uint64_t last_progress_bytes_ = 0;
};

}  // namespace

std::vector<RankStats> gather_rank_stats(Comm& comm, const RankStats& mine) {
  // Every rank runs the same binary: the struct travels as its bytes.
  const std::vector<std::string> all = comm.gather(std::string(reinterpret_cast<const char*>(&mine), sizeof mine), 0);
  std::vector<RankStats> ranks;
  for (const std::string& bytes : all) {
    RankStats r;
    std::memcpy(&r, bytes.data(), std::min(bytes.size(), sizeof r));
    ranks.push_back(r);
  }
  return ranks;
}

int run_copy(Comm& comm, S3Client& client, FileBackend& backend, const CopyJob& job) {
  CopyRank rank(comm, client, backend, job);
  return rank.run();
}

}  // namespace caios
