// Rank 0's view of the run while it runs: what every rank last said of
// itself (kProgress), shown as plain lines every --stats interval or, with
// -P on a terminal, as a block redrawn twice a second (progress.hpp), and
// sampled into the report's timeline (timeline.hpp).
//
// Thread contract: rank 0's one thread. Time is passed in; output goes to
// the FILE* given (standard output in the program).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <vector>

#include "caios2dfs/copy/progress.hpp"
#include "caios2dfs/copy/timeline.hpp"

namespace caios {

class LiveProgress {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Style { none, lines, block };
  struct Options {
    Style style = Style::lines;
    std::chrono::milliseconds line_interval{10000};  ///< Style::lines
    int ranks = 1;
  };

  LiveProgress(Options options, Clock::time_point started, std::FILE* out);

  /// What `rank` last said of itself (rank 0: its own worker's figures).
  void set_rank(int rank, const RankProgress& progress);
  /// Bytes over every rank, from their last word.
  std::uint64_t bytes_done() const { return bytes_done_; }
  /// `counts` has the listing and done figures (its bytes_done is filled in
  /// here): a timeline sample, a line or the block when due.
  void tick(ProgressSnapshot counts, Clock::time_point now);
  /// The run's end: the last line or block, and the timeline's last sample.
  void finish(ProgressSnapshot counts, Clock::time_point now);
  const Timeline& timeline() const { return timeline_; }

 private:
  double since_start(Clock::time_point now) const { return std::chrono::duration<double>(now - started_).count(); }
  void sample(const ProgressSnapshot& counts, Clock::time_point now, bool last);
  void draw_block(ProgressSnapshot counts, Clock::time_point now);

  Options options_;
  Clock::time_point started_;
  std::FILE* out_;
  std::vector<RankProgress> ranks_;
  /// The sum of ranks_' bytes, kept as they change: tick() runs every turn
  /// of rank 0's loop, and a sum over thousands of ranks there would not do.
  std::uint64_t bytes_done_ = 0;
  Timeline timeline_;
  ProgressPrinter printer_;
  // The block: when it is next due, how many lines it has now, and every
  // rank's bytes over the last few seconds (for "now" rates).
  Clock::time_point next_block_;
  std::size_t block_lines_ = 0;
  struct WindowPoint {
    Clock::time_point at;
    std::vector<std::uint64_t> rank_bytes;
  };
  std::deque<WindowPoint> window_;
};

}  // namespace caios
