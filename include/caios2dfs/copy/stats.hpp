// What every rank counts and how the counts are combined at rank 0.
//
// Aggregate bandwidth is total bytes over the span from the earliest start
// to the latest end on any rank, as IOR and elbencho report it; per-rank
// rates are each rank's bytes over its own span.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/copy/integrity.hpp"
#include "caios2dfs/copy/timeline.hpp"
#include "caios2dfs/copy/work_item.hpp"
#include "caios2dfs/mpi/comm.hpp"

namespace caios {

/// Log-scale latency histogram (4 buckets per power of two, from 1 us);
/// mergeable across ranks by adding counts.
struct LatencyHistogram {
  static constexpr int kBuckets = 128;
  std::array<std::uint64_t, kBuckets> counts{};

  void add(std::chrono::nanoseconds latency);
  void merge(const LatencyHistogram& other);
  std::uint64_t total() const;
  /// Upper edge of the bucket holding the p-th percentile (0 < p <= 100), in ms; 0 when empty.
  double percentile_ms(double p) const;
};

constexpr std::size_t kErrorKinds = 16;

/// One rank's counters. Trivially copyable: gathered to rank 0 as bytes.
struct RankStats {
  std::int32_t rank = 0;
  std::uint64_t bytes = 0;            ///< bytes written to files (or read, for --bench read)
  /// Of `bytes`, those written as chunks: they count as copied only once
  /// rank 0 publishes their file (RunSummary::chunked_bytes_published).
  std::uint64_t chunk_bytes = 0;
  std::uint64_t objects_copied = 0;   ///< whole objects this rank wrote (chunked ones count at rank 0)
  std::uint64_t objects_skipped = 0;
  std::uint64_t objects_failed = 0;
  std::uint64_t objects_would_copy = 0;  ///< --dry-run
  std::uint64_t chunks = 0;
  std::uint64_t requests = 0;
  /// Requests this rank ran for the listing (copy/source_requests.hpp):
  /// ListObjectsV2 pages after the first, and HEADs of --files-from keys.
  std::uint64_t list_pages = 0;
  std::uint64_t heads = 0;
  std::uint64_t peak_rss_bytes = 0;  ///< the rank's largest resident set, at the end of the run
  /// CPU time of the rank's process, all its threads, from its start (MPI
  /// start-up included) to the end of the run: what the rank took from cores
  /// it may share with others (note_process_usage).
  std::int64_t cpu_user_ns = 0;
  std::int64_t cpu_sys_ns = 0;
  std::uint64_t retries = 0;
  std::array<std::uint64_t, kErrorKinds> retries_by_kind{};
  std::array<std::uint64_t, kErrorKinds> errors_by_kind{};  ///< final failures, by class
  /// Copied objects whose bytes matched what the store says, by what it
  /// said (VerifiedBy), and those copied unchecked, by reason (Unverified).
  std::array<std::uint64_t, kVerifiedMethods> verified_by_method{};
  std::array<std::uint64_t, kUnverifiedReasons> unverified_by_reason{};
  std::int64_t first_start_ns = 0;  ///< wall clock of the first byte-moving work (0: none)
  std::int64_t last_end_ns = 0;
  std::int64_t busy_ns = 0;  ///< time with at least one transfer in flight
  /// Time the event loop spent blocked in file-system calls (stat, mkdir,
  /// open, buffered writes, close, mtime, rename): time no request moved.
  std::int64_t loop_fs_ns = 0;
  /// Time the file-call threads spent in the same calls, off the loop
  /// (summed over threads), and how many threads the rank started.
  std::int64_t fs_thread_ns = 0;
  std::int32_t fs_threads = 0;
  LatencyHistogram time_to_first_byte;
  LatencyHistogram request_time;

  void note_start(std::int64_t now_ns) {
    if (first_start_ns == 0) first_start_ns = now_ns;
  }
};

/// Rank 0's view of the whole run.
struct RunSummary {
  std::string mode = "copy";  ///< copy | read | write
  std::string source;
  std::string dest;
  std::string io;  ///< how DEST is written (describe_io); empty when nothing is written
  bool dry_run = false;
  bool listing_complete = true;
  std::string listing_error;
  std::uint64_t objects_listed = 0;
  std::uint64_t bytes_listed = 0;
  std::uint64_t objects_copied = 0;
  std::uint64_t objects_skipped = 0;
  std::uint64_t objects_failed = 0;
  std::uint64_t objects_would_copy = 0;  ///< --dry-run: what a real run would copy
  std::uint64_t directory_markers = 0;
  /// Bytes in published files: whole objects' bytes from the ranks, and
  /// chunked files' sizes when rank 0 published them (not chunks of a file
  /// that failed or was given up).
  std::uint64_t bytes_copied = 0;
  std::uint64_t chunked_bytes_published = 0;
  /// Chunked objects an interrupted run had begun, and the bytes of them it
  /// had written that this run did not fetch again (resume_state.hpp).
  std::uint64_t objects_resumed = 0;
  std::uint64_t bytes_resumed = 0;
  /// Chunked files not done, kept with their state for a rerun, and the
  /// bytes written into them.
  std::uint64_t partial_files_kept = 0;
  std::uint64_t partial_bytes_kept = 0;
  std::uint64_t iterations = 1;
  double seconds = 0;  ///< latest end - earliest start over all ranks
  double wall_seconds = 0;  ///< whole run at rank 0, listing included
  std::vector<RankStats> ranks;
  std::vector<ObjectFailure> failed;
  /// The job was stopped (a signal) before it was done: why, and the keys
  /// dealt out and given up unfinished (the unlisted rest is not known).
  std::string stopped_by;
  std::vector<std::string> not_done;
  /// Every rank's bytes over time, sampled at rank 0 (empty for --bench write).
  Timeline timeline;
};

/// Adds the time from its construction to its end to `total_ns`: wraps a
/// file-system call made on the event loop (RankStats::loop_fs_ns).
class ScopedNsTimer {
 public:
  explicit ScopedNsTimer(std::int64_t& total_ns) : total_ns_(total_ns), start_(std::chrono::steady_clock::now()) {}
  ~ScopedNsTimer() { total_ns_ += std::chrono::nanoseconds(std::chrono::steady_clock::now() - start_).count(); }
  ScopedNsTimer(const ScopedNsTimer&) = delete;
  ScopedNsTimer& operator=(const ScopedNsTimer&) = delete;

 private:
  std::int64_t& total_ns_;
  std::chrono::steady_clock::time_point start_;
};

/// Wall clock in ns since the Unix epoch (the one clock ranks can compare).
std::int64_t wall_clock_ns();

/// Sets `stats`' peak_rss_bytes and CPU times from getrusage of this process.
void note_process_usage(RankStats& stats);

/// Combine per-rank counters into `summary` (bytes, copied, retries, spans).
void add_rank_stats(RunSummary& summary, std::vector<RankStats> ranks);

/// Collective: every rank's counters, at rank 0 (empty elsewhere).
std::vector<RankStats> gather_rank_stats(Comm& comm, const RankStats& mine);

// ---- Aggregates over the ranks' counters (pure), for the summary and report.

/// Earliest start, earliest and latest end of any rank (ns since the epoch;
/// 0 when no rank moved data). Ranks that never started are left out.
struct RunSpan {
  std::int64_t first_start_ns = 0;
  std::int64_t first_done_ns = 0;
  std::int64_t last_done_ns = 0;
};
RunSpan run_span(const std::vector<RankStats>& ranks);

/// Seconds from `start_ns` to `end_ns`; 0 unless start > 0 and end > start.
double span_seconds(std::int64_t start_ns, std::int64_t end_ns);

/// Spread of per-rank bandwidth (bytes/s over each rank's own span); ranks
/// that moved nothing are left out; all 0 when none moved anything.
struct RateSpread {
  double min = 0, mean = 0, max = 0, stddev = 0;
};
RateSpread rank_rates(const std::vector<RankStats>& ranks);

/// One histogram of all ranks.
LatencyHistogram merged_histogram(const std::vector<RankStats>& ranks, LatencyHistogram RankStats::*member);

/// Per-kind counts summed over ranks (retries_by_kind or errors_by_kind).
std::array<std::uint64_t, kErrorKinds> sum_by_kind(const std::vector<RankStats>& ranks,
                                                   std::array<std::uint64_t, kErrorKinds> RankStats::*member);

/// Requests and retries summed over ranks.
struct RequestTotals {
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
};
RequestTotals request_totals(const std::vector<RankStats>& ranks);

}  // namespace caios
