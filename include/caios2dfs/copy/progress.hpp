// Rank 0's live progress: one plain line every --stats interval, readable in
// a SLURM log file as well as on a terminal; with -P on a terminal, a block
// of a few lines redrawn in place instead, as rclone's -P.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace caios {

/// What a progress line shows.
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
/// One line, e.g. "    4.2s  listed 1200+ (1.17 GiB)  done 800 (812.00 MiB)
/// 193.1 MiB/s  ETA listing  errors 0". Pure.
std::string format_progress(const ProgressSnapshot& progress);

/// What the -P block shows beyond a line's figures.
struct BlockView {
  ProgressSnapshot totals;  ///< with elapsed_seconds and recent_bytes_per_second (over the last seconds)
  std::uint64_t in_flight = 0;  ///< requests running over all ranks
  std::uint64_t retries = 0;
  int ranks = 1;
  /// The rank moving the fewest bytes lately among those with requests in
  /// flight, and the mean of those ranks' rates; rank -1: none to name.
  int slowest_rank = -1;
  double slowest_bytes_per_second = 0;
  double mean_rank_bytes_per_second = 0;
};
/// The block's lines (each under 100 columns, no newlines). Pure.
std::vector<std::string> format_progress_block(const BlockView& view);
/// What to write to draw `lines` over a block of `lines_before` lines drawn
/// last time (cursor up, then each line erased and written). Pure.
std::string redraw_block(const std::vector<std::string>& lines, std::size_t lines_before);

/// Decides when a line is due and computes the recent rate between lines.
/// Time is passed in, so the schedule is testable.
class ProgressPrinter {
 public:
  using Clock = std::chrono::steady_clock;
  /// `interval` 0 means never print.
  ProgressPrinter(std::chrono::milliseconds interval, Clock::time_point started);

  /// The line to print now, or "" when none is due. `counts` holds the
  /// totals; elapsed time and the recent rate are filled in here. The final
  /// line is printed whenever the run took a second or more.
  std::string line(ProgressSnapshot counts, Clock::time_point now, bool final_line);

 private:
  std::chrono::milliseconds interval_;
  Clock::time_point started_;
  Clock::time_point last_print_;
  std::uint64_t last_bytes_ = 0;
};

}  // namespace caios
