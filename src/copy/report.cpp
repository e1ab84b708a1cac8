#include "caios2dfs/copy/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "caios2dfs/base/json_writer.hpp"
#include "caios2dfs/base/units.hpp"
#include "caios2dfs/copy/files_from.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"

namespace caios {

namespace {

constexpr double kNsPerSecond = 1e9;

/// "name 3, other 1" for the non-zero counts of an enum's values, "" when
/// all are zero.
template <std::size_t N, class Enum>
std::string named_counts(const std::array<std::uint64_t, N>& counts, const char* (*name)(Enum) noexcept) {
  std::string text;
  for (std::size_t i = 0; i < N; ++i) {
    if (counts[i] == 0) continue;
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", name(static_cast<Enum>(i)), counts[i]);
  }
  return text;
}

/// The same as a JSON object, {"name": 3, ...}.
template <std::size_t N, class Enum>
void write_named_counts(JsonWriter& w, const std::array<std::uint64_t, N>& counts, const char* (*name)(Enum) noexcept) {
  w.begin_object();
  for (std::size_t i = 0; i < N; ++i) {
    if (counts[i] > 0) w.key(name(static_cast<Enum>(i))), w.value(counts[i]);
  }
  w.end_object();
}

std::string kinds_text(const std::array<std::uint64_t, kErrorKinds>& counts) {
  std::string text = named_counts(counts, &error_kind_name);
  return text.empty() ? "none" : text;
}

template <std::size_t N>
std::uint64_t total(const std::array<std::uint64_t, N>& counts) {
  return std::accumulate(counts.begin(), counts.end(), std::uint64_t{0});
}

/// Objects checked and not, over all ranks (integrity.hpp).
struct CheckTotals {
  std::array<std::uint64_t, kVerifiedMethods> by_method{};
  std::array<std::uint64_t, kUnverifiedReasons> unverified{};
  std::uint64_t mismatches_refetched = 0;
  std::uint64_t mismatches_failed = 0;
};

CheckTotals check_totals(const RunSummary& s) {
  CheckTotals totals;
  for (const RankStats& r : s.ranks) {
    for (std::size_t i = 0; i < kVerifiedMethods; ++i) totals.by_method[i] += r.verified_by_method[i];
    for (std::size_t i = 0; i < kUnverifiedReasons; ++i) totals.unverified[i] += r.unverified_by_reason[i];
  }
  const auto checksum = static_cast<std::size_t>(ErrorKind::checksum);
  totals.mismatches_refetched = sum_by_kind(s.ranks, &RankStats::retries_by_kind)[checksum];
  totals.mismatches_failed = sum_by_kind(s.ranks, &RankStats::errors_by_kind)[checksum];
  return totals;
}

/// " (text)", or "" for no text.
std::string in_parentheses(const std::string& text) { return text.empty() ? text : " (" + text + ")"; }

std::string checks_line(const RunSummary& s) {
  const CheckTotals totals = check_totals(s);
  return fmt::format("  checks    verified {}{}  unverified {}{}  mismatches {} fetched again, {} failed\n",
                     total(totals.by_method), in_parentheses(named_counts(totals.by_method, &verified_name)),
                     total(totals.unverified), in_parentheses(named_counts(totals.unverified, &unverified_name)),
                     totals.mismatches_refetched, totals.mismatches_failed);
}

/// What -v adds: where the event loops waited for the file system, and the
/// CPU the ranks' processes used (cores the store's clients may share).
std::string detail_lines(const RunSummary& s) {
  std::int64_t total_ns = 0, max_ns = 0, thread_ns = 0, user_ns = 0, sys_ns = 0, max_cpu_ns = 0;
  int most_threads = 0;
  for (const RankStats& r : s.ranks) {
    total_ns += r.loop_fs_ns;
    max_ns = std::max(max_ns, r.loop_fs_ns);
    thread_ns += r.fs_thread_ns;
    most_threads = std::max(most_threads, static_cast<int>(r.fs_threads));
    user_ns += r.cpu_user_ns;
    sys_ns += r.cpu_sys_ns;
    max_cpu_ns = std::max(max_cpu_ns, r.cpu_user_ns + r.cpu_sys_ns);
  }
  const auto seconds = [](std::int64_t ns) { return format_duration(static_cast<double>(ns) / kNsPerSecond); };
  std::string out = fmt::format("  fs calls  {} blocking the event loops (most on one rank: {}); {} on file-call threads "
                                "(up to {} per rank)\n",
                                seconds(total_ns), seconds(max_ns), seconds(thread_ns), most_threads);
  out += fmt::format("  cpu       {} (user {}, system {}) in all ranks' processes, start-up included (most in one: {})\n",
                     seconds(user_ns + sys_ns), seconds(user_ns), seconds(sys_ns), seconds(max_cpu_ns));
  return out;
}

}  // namespace

std::string format_summary(const RunSummary& s, bool detailed) {
  const RunSpan span = run_span(s.ranks);
  const RateSpread spread = rank_rates(s.ranks);
  const double rate = s.seconds > 0 ? static_cast<double>(s.bytes_copied) / s.seconds : 0;
  const double objects_rate = s.seconds > 0 ? static_cast<double>(s.objects_copied) / s.seconds : 0;
  const RequestTotals totals = request_totals(s.ranks);
  const LatencyHistogram ttfb = merged_histogram(s.ranks, &RankStats::time_to_first_byte);
  const LatencyHistogram request = merged_histogram(s.ranks, &RankStats::request_time);
  std::string out;
  out += fmt::format("caios2dfs-mpi {}{}: {} -> {}{}\n", s.mode, s.dry_run ? " (dry run)" : "", s.source.empty() ? "-" : s.source,
                     s.dest.empty() ? "-" : s.dest, s.io.empty() ? "" : fmt::format(" (io {})", s.io));
  if (s.mode == "copy") {
    out += fmt::format("  objects   listed {}  copied {}  skipped {}  failed {}{}{}\n", s.objects_listed, s.objects_copied,
                       s.objects_skipped, s.objects_failed,
                       s.dry_run ? fmt::format("  would copy {}", s.objects_would_copy) : "",
                       s.directory_markers ? fmt::format("  directory markers {}", s.directory_markers) : "");
  } else {
    out += fmt::format("  objects   {}  failed {}  iterations {}\n", s.objects_copied, s.objects_failed, s.iterations);
  }
  if (!s.stopped_by.empty()) {
    out += fmt::format("  STOPPED   by {}: {} object(s) dealt out and not done{}; run again to finish\n", s.stopped_by,
                       s.not_done.size(), s.listing_complete ? "" : ", the rest not listed yet");
  }
  if (!s.listing_complete) out += fmt::format("  LISTING INCOMPLETE: {}\n", s.listing_error);
  out += fmt::format("  bytes     {} ({} bytes)\n", format_bytes(s.bytes_copied), s.bytes_copied);
  if (s.objects_resumed > 0) {
    out += fmt::format("  resumed   {} object(s) an interrupted run had begun: {} of them not fetched again\n",
                       s.objects_resumed, format_bytes(s.bytes_resumed));
  }
  if (s.partial_files_kept > 0) {
    out += fmt::format("  kept      {} partial file(s) with {} written, for a rerun to resume\n", s.partial_files_kept,
                       format_bytes(s.partial_bytes_kept));
  }
  out += fmt::format("  time      {} transferring, {} wall\n", format_duration(s.seconds), format_duration(s.wall_seconds));
  out += fmt::format("  rate      {}, {:.0f} objects/s aggregate over {} ranks\n", format_rate(rate), objects_rate,
                     s.ranks.size());
  out += fmt::format("  per rank  min {}  mean {}  max {}  stddev {}\n", format_rate(spread.min), format_rate(spread.mean),
                     format_rate(spread.max), format_rate(spread.stddev));
  if (span.first_start_ns > 0) {
    out += fmt::format("  tail      first rank done at {}, last at {}\n",
                       format_duration(span_seconds(span.first_start_ns, span.first_done_ns)),
                       format_duration(span_seconds(span.first_start_ns, span.last_done_ns)));
  }
  if (ttfb.total() > 0) {
    out += fmt::format("  latency   first byte p50 {:.1f} ms  p90 {:.1f} ms  p99 {:.1f} ms; request p50 {:.1f} ms  p99 {:.1f} ms\n",
                       ttfb.percentile_ms(50), ttfb.percentile_ms(90), ttfb.percentile_ms(99), request.percentile_ms(50),
                       request.percentile_ms(99));
  } else if (request.total() > 0) {
    out += fmt::format("  latency   per {} p50 {:.1f} ms  p90 {:.1f} ms  p99 {:.1f} ms\n", s.mode == "write" ? "file" : "request",
                       request.percentile_ms(50), request.percentile_ms(90), request.percentile_ms(99));
  }
  out += fmt::format("  requests  {}  retries {} ({})\n", totals.requests, totals.retries,
                     kinds_text(sum_by_kind(s.ranks, &RankStats::retries_by_kind)));
  if (s.mode == "copy" && !s.dry_run) out += checks_line(s);
  if (detailed) out += detail_lines(s);
  const auto errors = sum_by_kind(s.ranks, &RankStats::errors_by_kind);
  out += fmt::format("  errors    {}\n", kinds_text(errors));
  const std::size_t shown = std::min<std::size_t>(s.failed.size(), 10);
  for (std::size_t i = 0; i < shown; ++i) out += fmt::format("  FAILED    {}: {}\n", s.failed[i].key, s.failed[i].error);
  if (s.failed.size() > shown) out += fmt::format("  ... and {} more failures (see --report)\n", s.failed.size() - shown);
  return out;
}

namespace {

/// What was listed and what became of it.
void write_counts(JsonWriter& w, const RunSummary& s) {
  w.key("mode"), w.value(s.mode);
  w.key("source"), w.value(s.source);
  w.key("dest"), w.value(s.dest);
  if (!s.io.empty()) w.key("io"), w.value(s.io);
  w.key("dry_run"), w.value(s.dry_run);
  w.key("interrupted"), w.value(!s.stopped_by.empty());
  if (!s.stopped_by.empty()) {
    w.key("stopped_by"), w.value(s.stopped_by);
    w.key("objects_not_done"), w.value(static_cast<std::uint64_t>(s.not_done.size()));
    w.key("not_done");
    w.begin_array();
    for (const std::string& key : s.not_done) w.value(key);
    w.end_array();
  }
  w.key("listing_complete"), w.value(s.listing_complete);
  if (!s.listing_complete) w.key("listing_error"), w.value(s.listing_error);
  w.key("objects_listed"), w.value(s.objects_listed);
  w.key("bytes_listed"), w.value(s.bytes_listed);
  w.key("objects_copied"), w.value(s.objects_copied);
  w.key("objects_skipped"), w.value(s.objects_skipped);
  w.key("objects_failed"), w.value(s.objects_failed);
  w.key("directory_markers"), w.value(s.directory_markers);
  if (s.dry_run) w.key("objects_would_copy"), w.value(s.objects_would_copy);
  w.key("bytes_copied"), w.value(s.bytes_copied);
  w.key("objects_resumed"), w.value(s.objects_resumed);
  w.key("bytes_resumed"), w.value(s.bytes_resumed);
  w.key("partial_files_kept"), w.value(s.partial_files_kept);
  w.key("partial_bytes_kept"), w.value(s.partial_bytes_kept);
  w.key("iterations"), w.value(s.iterations);
}

/// Time, bandwidth, requests and latency over all ranks.
void write_performance(JsonWriter& w, const RunSummary& s) {
  const RunSpan span = run_span(s.ranks);
  const RateSpread spread = rank_rates(s.ranks);
  w.key("seconds"), w.value(s.seconds);
  w.key("wall_seconds"), w.value(s.wall_seconds);
  w.key("bytes_per_second"), w.value(s.seconds > 0 ? static_cast<double>(s.bytes_copied) / s.seconds : 0.0);
  w.key("objects_per_second"), w.value(s.seconds > 0 ? static_cast<double>(s.objects_copied) / s.seconds : 0.0);
  w.key("ranks"), w.value(static_cast<std::uint64_t>(s.ranks.size()));
  w.key("rank_bytes_per_second");
  w.begin_object();
  w.key("min"), w.value(spread.min);
  w.key("mean"), w.value(spread.mean);
  w.key("max"), w.value(spread.max);
  w.key("stddev"), w.value(spread.stddev);
  w.end_object();
  w.key("first_done_seconds"), w.value(span_seconds(span.first_start_ns, span.first_done_ns));
  w.key("last_done_seconds"), w.value(span_seconds(span.first_start_ns, span.last_done_ns));
  const RequestTotals totals = request_totals(s.ranks);
  w.key("requests"), w.value(totals.requests);
  w.key("retries"), w.value(totals.retries);
  w.key("retries_by_class"), write_named_counts(w, sum_by_kind(s.ranks, &RankStats::retries_by_kind), &error_kind_name);
  w.key("errors"), write_named_counts(w, sum_by_kind(s.ranks, &RankStats::errors_by_kind), &error_kind_name);
  const LatencyHistogram ttfb = merged_histogram(s.ranks, &RankStats::time_to_first_byte);
  const LatencyHistogram request = merged_histogram(s.ranks, &RankStats::request_time);
  w.key("latency_ms");
  w.begin_object();
  for (const auto& [name, histogram] : {std::pair{"first_byte", &ttfb}, std::pair{"request", &request}}) {
    w.key(name);
    w.begin_object();
    w.key("p50"), w.value(histogram->percentile_ms(50));
    w.key("p90"), w.value(histogram->percentile_ms(90));
    w.key("p99"), w.value(histogram->percentile_ms(99));
    w.key("count"), w.value(histogram->total());
    w.end_object();
  }
  w.end_object();
}

/// What the copied objects' bytes were checked against.
void write_checks(JsonWriter& w, const RunSummary& s) {
  const CheckTotals totals = check_totals(s);
  w.key("checks");
  w.begin_object();
  w.key("verified"), w.value(total(totals.by_method));
  w.key("verified_by_method"), write_named_counts(w, totals.by_method, &verified_name);
  w.key("unverified"), w.value(total(totals.unverified));
  w.key("unverified_by_reason"), write_named_counts(w, totals.unverified, &unverified_name);
  w.key("mismatches_fetched_again"), w.value(totals.mismatches_refetched);
  w.key("mismatches_failed"), w.value(totals.mismatches_failed);
  w.end_object();
}

void write_per_rank(JsonWriter& w, const RunSummary& s) {
  w.key("per_rank");
  w.begin_array();
  for (const RankStats& r : s.ranks) {
    const double seconds = span_seconds(r.first_start_ns, r.last_end_ns);
    w.begin_object();
    w.key("rank"), w.value(static_cast<std::int64_t>(r.rank));
    w.key("bytes"), w.value(r.bytes);
    w.key("objects"), w.value(r.objects_copied);
    w.key("chunks"), w.value(r.chunks);
    w.key("seconds"), w.value(seconds);
    w.key("busy_seconds"), w.value(static_cast<double>(r.busy_ns) / kNsPerSecond);
    w.key("loop_fs_seconds"), w.value(static_cast<double>(r.loop_fs_ns) / kNsPerSecond);
    w.key("fs_thread_seconds"), w.value(static_cast<double>(r.fs_thread_ns) / kNsPerSecond);
    w.key("fs_threads"), w.value(static_cast<std::int64_t>(r.fs_threads));
    w.key("bytes_per_second"), w.value(seconds > 0 ? static_cast<double>(r.bytes) / seconds : 0.0);
    w.key("retries"), w.value(r.retries);
    w.key("list_pages"), w.value(r.list_pages);
    w.key("heads"), w.value(r.heads);
    w.key("peak_rss_bytes"), w.value(r.peak_rss_bytes);
    w.key("cpu_user_seconds"), w.value(static_cast<double>(r.cpu_user_ns) / kNsPerSecond);
    w.key("cpu_system_seconds"), w.value(static_cast<double>(r.cpu_sys_ns) / kNsPerSecond);
    w.end_object();
  }
  w.end_array();
}

void write_failures(JsonWriter& w, const RunSummary& s) {
  w.key("failed");
  w.begin_array();
  for (const ObjectFailure& f : s.failed) {
    w.begin_object();
    w.key("key"), w.value(f.key);
    w.key("error"), w.value(f.error);
    w.key("class"), w.value(error_kind_name(static_cast<ErrorKind>(f.kind)));
    w.end_object();
  }
  w.end_array();
}

/// The run over time (timeline.hpp), a column per figure, for plotting
/// (scripts/plot-report): rank_bytes[i][r] is rank r's running total at seconds[i].
void write_timeline(JsonWriter& w, const Timeline& timeline) {
  const std::vector<TimelineSample>& samples = timeline.samples();
  w.key("timeline");
  w.begin_object();
  w.key("step_seconds"), w.value(timeline.step_seconds());
  const auto column = [&](const char* name, auto field) {
    w.key(name);
    w.begin_array();
    for (const TimelineSample& sample : samples) w.value(field(sample));
    w.end_array();
  };
  column("seconds", [](const TimelineSample& t) { return t.seconds; });
  w.key("rank_bytes");
  w.begin_array();
  for (const TimelineSample& sample : samples) {
    w.begin_array();
    for (const std::uint64_t bytes : sample.rank_bytes) w.value(bytes);
    w.end_array();
  }
  w.end_array();
  column("in_flight", [](const TimelineSample& t) { return t.in_flight; });
  column("retries", [](const TimelineSample& t) { return t.retries; });
  column("errors", [](const TimelineSample& t) { return t.errors; });
  column("objects_done", [](const TimelineSample& t) { return t.objects_done; });
  w.end_object();
}

}  // namespace

std::string format_report_json(const RunSummary& s) {
  JsonWriter w;
  w.begin_object();
  write_counts(w, s);
  write_performance(w, s);
  if (s.mode == "copy" && !s.dry_run) write_checks(w, s);
  write_per_rank(w, s);
  if (!s.timeline.samples().empty()) write_timeline(w, s.timeline);
  write_failures(w, s);
  w.end_object();
  return w.str() + "\n";
}

std::string format_failed_list(const RunSummary& summary, const std::string& prefix) {
  std::string text;
  for (const ObjectFailure& failure : summary.failed) {
    const std::string relative = failure.key.rfind(prefix, 0) == 0 ? failure.key.substr(prefix.size()) : failure.key;
    if (std::optional<std::string> line = format_files_from_line(relative)) text += *line;
  }
  return text;
}

void write_report_files(const RunSummary& summary, const ReportPaths& paths, const std::string& prefix) {
  if (paths.report) {
    if (Status written = write_file_atomically(*paths.report, format_report_json(summary)); !written.ok()) {
      fmt::print(stderr, "caios2dfs-mpi: cannot write the report: {}\n", written.error().to_string());
    }
  }
  if (paths.failed_list) {
    if (Status written = write_file_atomically(*paths.failed_list, format_failed_list(summary, prefix)); !written.ok()) {
      fmt::print(stderr, "caios2dfs-mpi: cannot write the failed list: {}\n", written.error().to_string());
    } else if (!summary.failed.empty()) {
      fmt::print("failed keys written to {} (rerun with --files-from {})\n", *paths.failed_list, *paths.failed_list);
    }
  }
}

}  // namespace caios
