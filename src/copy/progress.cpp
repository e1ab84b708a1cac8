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
