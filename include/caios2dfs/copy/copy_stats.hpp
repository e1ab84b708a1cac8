// What every rank counts, how the counts are combined at rank 0, and how the
// result is shown: the progress line, the final summary and the JSON report.
//
// Aggregate bandwidth is total bytes over the span from the earliest start
// to the latest end on any rank, as IOR and elbencho report it; per-rank
// rates are each rank's bytes over its own span.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/copy/work_item.hpp"

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
  std::uint64_t objects_copied = 0;   ///< whole objects this rank wrote (chunked ones count at rank 0)
  std::uint64_t objects_skipped = 0;
  std::uint64_t objects_failed = 0;
  std::uint64_t objects_would_copy = 0;  ///< --dry-run
  std::uint64_t chunks = 0;
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
  std::array<std::uint64_t, kErrorKinds> retries_by_kind{};
  std::array<std::uint64_t, kErrorKinds> errors_by_kind{};  ///< final failures, by class
  std::int64_t first_start_ns = 0;  ///< wall clock of the first byte-moving work (0: none)
  std::int64_t last_end_ns = 0;
  std::int64_t busy_ns = 0;  ///< time with at least one transfer in flight
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
  std::uint64_t bytes_copied = 0;
  std::uint64_t iterations = 1;
  double seconds = 0;  ///< latest end - earliest start over all ranks
  double wall_seconds = 0;  ///< whole run at rank 0, listing included
  std::vector<RankStats> ranks;
  std::vector<ObjectFailure> failed;
};

/// Wall clock in ns since the Unix epoch (the one clock ranks can compare).
std::int64_t wall_clock_ns();

/// Combine per-rank counters into `summary` (bytes, copied, retries, spans).
void add_rank_stats(RunSummary& summary, std::vector<RankStats> ranks);

/// The final summary, a few aligned lines of plain text.
std::string format_summary(const RunSummary& summary);

/// The --report JSON document.
std::string format_report_json(const RunSummary& summary);

/// Live progress (rank 0), one line.
struct ProgressSnapshot {
  std::uint64_t objects_listed = 0;
  std::uint64_t bytes_listed = 0;
  bool listing_done = false;
  std::uint64_t objects_done = 0;  ///< copied + skipped + failed
  std::uint64_t bytes_done = 0;
  std::uint64_t errors = 0;
  double elapsed_seconds = 0;
  double recent_bytes_per_second = 0;
};
std::string format_progress(const ProgressSnapshot& progress);

}  // namespace caios
