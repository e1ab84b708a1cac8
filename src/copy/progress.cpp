#include "caios2dfs/copy/progress.hpp"

#include <fmt/format.h>

#include "caios2dfs/base/units.hpp"

namespace caios {

std::string format_progress(const ProgressSnapshot& p) {
  std::string eta = "listing";
  if (p.listing_done) {
    const double left = static_cast<double>(p.bytes_listed > p.bytes_done ? p.bytes_listed - p.bytes_done : 0);
    eta = p.recent_bytes_per_second > 0 ? format_duration(left / p.recent_bytes_per_second) : "-";
  }
  return fmt::format("{:>8}  listed {}{} ({})  done {} ({})  {}  ETA {}  errors {}",
                     format_duration(p.elapsed_seconds), p.objects_listed, p.listing_done ? "" : "+",
                     format_bytes(p.bytes_listed), p.objects_done, format_bytes(p.bytes_done),
                     format_rate(p.recent_bytes_per_second), eta, p.errors);
}

std::vector<std::string> format_progress_block(const BlockView& v) {
  const ProgressSnapshot& p = v.totals;
  std::string eta = "when the listing is done";
  if (p.listing_done) {
    const double left = static_cast<double>(p.bytes_listed > p.bytes_done ? p.bytes_listed - p.bytes_done : 0);
    eta = p.recent_bytes_per_second > 0 ? format_duration(left / p.recent_bytes_per_second) : "-";
  }
  const double average = p.elapsed_seconds > 0 ? static_cast<double>(p.bytes_done) / p.elapsed_seconds : 0;
  std::string percent;
  if (p.listing_done && p.bytes_listed > 0) {
    percent = fmt::format(", {:.0f}%", 100.0 * static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_listed));
  }
  std::vector<std::string> lines;
  lines.push_back(fmt::format("Transferred:   {} / {}{}{}", format_bytes(p.bytes_done), format_bytes(p.bytes_listed),
                              p.listing_done ? "" : " listed so far", percent));
  lines.push_back(fmt::format("Rate:          {} now, {} average, ETA {}", format_rate(p.recent_bytes_per_second),
                              format_rate(average), eta));
  lines.push_back(fmt::format("Objects:       {} / {} done{}", p.objects_done, p.objects_listed,
                              p.listing_done ? "" : ", still listing"));
  lines.push_back(fmt::format("Transfers:     {} in flight on {} rank{}", v.in_flight, v.ranks, v.ranks == 1 ? "" : "s"));
  if (v.ranks > 1) {
    lines.push_back(v.slowest_rank < 0 ? std::string("Slowest rank:  -")
                                       : fmt::format("Slowest rank:  {} at {} (mean of busy ranks {})", v.slowest_rank,
                                                     format_rate(v.slowest_bytes_per_second),
                                                     format_rate(v.mean_rank_bytes_per_second)));
  }
  lines.push_back(fmt::format("Errors:        {} failed, {} retries", p.errors, v.retries));
  lines.push_back(fmt::format("Elapsed:       {}", format_duration(p.elapsed_seconds)));
  return lines;
}

std::string redraw_block(const std::vector<std::string>& lines, std::size_t lines_before) {
  // ESC[nF: to the start of the line n lines up; ESC[2K: erase that line.
  std::string out = lines_before > 0 ? fmt::format("\x1b[{}F", lines_before) : std::string();
  for (const std::string& line : lines) out += "\x1b[2K" + line + "\n";
  // A block shorter than the last leaves its old lines below: erase them.
  if (lines_before > lines.size()) out += "\x1b[J";
  return out;
}

ProgressPrinter::ProgressPrinter(std::chrono::milliseconds interval, Clock::time_point started)
    : interval_(interval), started_(started), last_print_(started) {}

std::string ProgressPrinter::line(ProgressSnapshot counts, Clock::time_point now, bool final_line) {
  if (interval_.count() == 0) return {};
  if (!final_line && now - last_print_ < interval_) return {};
  const double since_last = std::chrono::duration<double>(now - last_print_).count();
  counts.elapsed_seconds = std::chrono::duration<double>(now - started_).count();
  counts.recent_bytes_per_second =
      since_last > 0 ? static_cast<double>(counts.bytes_done - last_bytes_) / since_last : 0;
  last_print_ = now;
  last_bytes_ = counts.bytes_done;
  // A run shorter than a second has said all there is in its summary.
  if (final_line && counts.elapsed_seconds < 1) return {};
  return format_progress(counts);
}

}  // namespace caios
