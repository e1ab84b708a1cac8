// Rank 0's live progress: one plain line every --stats interval, readable in
// a SLURM log file as well as on a terminal.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

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
