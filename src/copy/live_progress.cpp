#include "caios2dfs/copy/live_progress.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace caios {

namespace {

constexpr std::chrono::milliseconds kBlockInterval{500};
constexpr std::chrono::seconds kRateWindow{5};  ///< "now" rates: over the last 5 s, as rclone's

}  // namespace

LiveProgress::LiveProgress(Options options, Clock::time_point started, std::FILE* out)
    : options_(options),
      started_(started),
      out_(out),
      ranks_(static_cast<std::size_t>(std::max(options.ranks, 1))),
      timeline_(1.0, timeline_max_samples(options.ranks)),
      printer_(options.style == Style::lines ? options.line_interval : std::chrono::milliseconds(0), started),
      next_block_(started + kBlockInterval) {}

void LiveProgress::set_rank(int rank, const RankProgress& progress) {
  if (rank < 0 || static_cast<std::size_t>(rank) >= ranks_.size()) return;
  RankProgress& mine = ranks_[static_cast<std::size_t>(rank)];
  bytes_done_ = bytes_done_ - mine.bytes + progress.bytes;
  mine = progress;
}

void LiveProgress::sample(const ProgressSnapshot& counts, Clock::time_point now, bool last) {
  const double seconds = since_start(now);
  if (!last && !timeline_.due(seconds)) return;
  TimelineSample point{seconds, {}, 0, 0, counts.errors, counts.objects_done};
  point.rank_bytes.reserve(ranks_.size());
  for (const RankProgress& rank : ranks_) {
    point.rank_bytes.push_back(rank.bytes);
    point.in_flight += rank.in_flight;
    point.retries += rank.retries;
  }
  if (last) {
    timeline_.finish(std::move(point));
  } else {
    timeline_.record(std::move(point));
  }
}

void LiveProgress::tick(ProgressSnapshot counts, Clock::time_point now) {
  counts.bytes_done = bytes_done_;
  sample(counts, now, false);
  if (options_.style == Style::block) {
    if (now >= next_block_) draw_block(counts, now);
    return;
  }
  const std::string line = printer_.line(counts, now, false);
  if (!line.empty()) fmt::print(out_, "{}\n", line), std::fflush(out_);
}

void LiveProgress::finish(ProgressSnapshot counts, Clock::time_point now) {
  counts.bytes_done = bytes_done_;
  sample(counts, now, true);
  if (options_.style == Style::block) return draw_block(counts, now);
  const std::string line = printer_.line(counts, now, true);
  if (!line.empty()) fmt::print(out_, "{}\n", line), std::fflush(out_);
}

void LiveProgress::draw_block(ProgressSnapshot counts, Clock::time_point now) {
  next_block_ = now + kBlockInterval;
  WindowPoint point{now, {}};
  for (const RankProgress& rank : ranks_) point.rank_bytes.push_back(rank.bytes);
  window_.push_back(std::move(point));
  while (window_.size() > 2 && window_[1].at <= now - kRateWindow) window_.pop_front();
  const WindowPoint& first = window_.front();
  const double span = std::chrono::duration<double>(now - first.at).count();

  BlockView view;
  view.ranks = static_cast<int>(ranks_.size());
  counts.elapsed_seconds = since_start(now);
  double busy_rates = 0;
  int busy = 0;
  for (std::size_t r = 0; r < ranks_.size(); ++r) {
    view.in_flight += ranks_[r].in_flight;
    view.retries += ranks_[r].retries;
    const double rate = span > 0 ? static_cast<double>(window_.back().rank_bytes[r] - first.rank_bytes[r]) / span : 0;
    if (ranks_[r].in_flight == 0) continue;  // done or waiting for work: not slow
    busy_rates += rate;
    ++busy;
    if (view.slowest_rank < 0 || rate < view.slowest_bytes_per_second) {
      view.slowest_rank = static_cast<int>(r);
      view.slowest_bytes_per_second = rate;
    }
  }
  view.mean_rank_bytes_per_second = busy > 0 ? busy_rates / busy : 0;
  std::uint64_t first_total = 0;
  for (const std::uint64_t bytes : first.rank_bytes) first_total += bytes;
  counts.recent_bytes_per_second = span > 0 ? static_cast<double>(counts.bytes_done - first_total) / span : 0;
  view.totals = counts;
  const std::vector<std::string> lines = format_progress_block(view);
  fmt::print(out_, "{}", redraw_block(lines, block_lines_));
  std::fflush(out_);
  block_lines_ = lines.size();
}

}  // namespace caios
