#include "caios2dfs/copy/copy_stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "caios2dfs/base/json_writer.hpp"
#include "caios2dfs/base/units.hpp"

namespace caios {

namespace {

constexpr double kNsPerSecond = 1e9;

double span_seconds(std::int64_t start_ns, std::int64_t end_ns) {
  return start_ns > 0 && end_ns > start_ns ? static_cast<double>(end_ns - start_ns) / kNsPerSecond : 0.0;
}

struct RateSpread {
  double min = 0, mean = 0, max = 0, stddev = 0;
};

/// Per-rank bandwidth over each rank's own span; ranks that moved nothing are left out.
RateSpread rank_rates(const std::vector<RankStats>& ranks) {
  std::vector<double> rates;
  for (const RankStats& r : ranks) {
    const double seconds = span_seconds(r.first_start_ns, r.last_end_ns);
    if (r.bytes > 0 && seconds > 0) rates.push_back(static_cast<double>(r.bytes) / seconds);
  }
  RateSpread spread;
  if (rates.empty()) return spread;
  spread.min = *std::min_element(rates.begin(), rates.end());
  spread.max = *std::max_element(rates.begin(), rates.end());
  double sum = 0;
  for (double rate : rates) sum += rate;
  spread.mean = sum / static_cast<double>(rates.size());
  double squares = 0;
  for (double rate : rates) squares += (rate - spread.mean) * (rate - spread.mean);
  spread.stddev = std::sqrt(squares / static_cast<double>(rates.size()));
  return spread;
}

struct Span {
  std::int64_t first_start = 0, first_done = 0, last_done = 0;
};

Span run_span(const std::vector<RankStats>& ranks) {
  Span span;
  for (const RankStats& r : ranks) {
    if (r.first_start_ns == 0) continue;
    span.first_start = span.first_start == 0 ? r.first_start_ns : std::min(span.first_start, r.first_start_ns);
    span.first_done = span.first_done == 0 ? r.last_end_ns : std::min(span.first_done, r.last_end_ns);
    span.last_done = std::max(span.last_done, r.last_end_ns);
  }
  return span;
}

LatencyHistogram merged(const std::vector<RankStats>& ranks, LatencyHistogram RankStats::*member) {
  LatencyHistogram all;
  for (const RankStats& r : ranks) all.merge(r.*member);
  return all;
}

std::array<std::uint64_t, kErrorKinds> sum_kinds(const std::vector<RankStats>& ranks,
                                                 std::array<std::uint64_t, kErrorKinds> RankStats::*member) {
  std::array<std::uint64_t, kErrorKinds> total{};
  for (const RankStats& r : ranks) {
    for (std::size_t i = 0; i < kErrorKinds; ++i) total[i] += (r.*member)[i];
  }
  return total;
}

std::string kinds_text(const std::array<std::uint64_t, kErrorKinds>& counts) {
  std::string text;
  for (std::size_t i = 0; i < kErrorKinds; ++i) {
    if (counts[i] == 0) continue;
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", error_kind_name(static_cast<ErrorKind>(i)), counts[i]);
  }
  return text.empty() ? "none" : text;
}

}  // namespace

void LatencyHistogram::add(std::chrono::nanoseconds latency) {
  const double micros = std::max(1.0, static_cast<double>(latency.count()) / 1000.0);
  const int bucket = std::clamp(static_cast<int>(std::floor(4.0 * std::log2(micros))), 0, kBuckets - 1);
  ++counts[static_cast<std::size_t>(bucket)];
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts[static_cast<std::size_t>(i)] += other.counts[static_cast<std::size_t>(i)];
}

std::uint64_t LatencyHistogram::total() const {
  std::uint64_t sum = 0;
  for (std::uint64_t c : counts) sum += c;
  return sum;
}

double LatencyHistogram::percentile_ms(double p) const {
  const std::uint64_t n = total();
  if (n == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts[static_cast<std::size_t>(i)];
    if (seen >= std::max<std::uint64_t>(rank, 1)) return std::exp2((i + 1) / 4.0) / 1000.0;
  }
  return std::exp2(kBuckets / 4.0) / 1000.0;
}

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_rank_stats(RunSummary& summary, std::vector<RankStats> ranks) {
  std::sort(ranks.begin(), ranks.end(), [](const RankStats& a, const RankStats& b) { return a.rank < b.rank; });
  summary.bytes_copied = 0;
  for (const RankStats& r : ranks) {
    summary.bytes_copied += r.bytes;
    summary.objects_copied += r.objects_copied;
    summary.objects_skipped += r.objects_skipped;
    summary.objects_failed += r.objects_failed;
    summary.objects_would_copy += r.objects_would_copy;
  }
  const Span span = run_span(ranks);
  summary.seconds = span_seconds(span.first_start, span.last_done);
  summary.ranks = std::move(ranks);
}

std::string format_summary(const RunSummary& s) {
  const Span span = run_span(s.ranks);
  const RateSpread spread = rank_rates(s.ranks);
  const double rate = s.seconds > 0 ? static_cast<double>(s.bytes_copied) / s.seconds : 0;
  std::uint64_t retries = 0, requests = 0;
  for (const RankStats& r : s.ranks) {
    retries += r.retries;
    requests += r.requests;
  }
  const LatencyHistogram ttfb = merged(s.ranks, &RankStats::time_to_first_byte);
  const LatencyHistogram request = merged(s.ranks, &RankStats::request_time);
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
  if (!s.listing_complete) out += fmt::format("  LISTING INCOMPLETE: {}\n", s.listing_error);
  out += fmt::format("  bytes     {} ({} bytes)\n", format_bytes(s.bytes_copied), s.bytes_copied);
  out += fmt::format("  time      {} transferring, {} wall\n", format_duration(s.seconds), format_duration(s.wall_seconds));
  out += fmt::format("  rate      {} aggregate over {} ranks\n", format_rate(rate), s.ranks.size());
  out += fmt::format("  per rank  min {}  mean {}  max {}  stddev {}\n", format_rate(spread.min), format_rate(spread.mean),
                     format_rate(spread.max), format_rate(spread.stddev));
  if (span.first_start > 0) {
    out += fmt::format("  tail      first rank done at {}, last at {}\n",
                       format_duration(span_seconds(span.first_start, span.first_done)),
                       format_duration(span_seconds(span.first_start, span.last_done)));
  }
  if (ttfb.total() > 0) {
    out += fmt::format("  latency   first byte p50 {:.1f} ms  p90 {:.1f} ms  p99 {:.1f} ms; request p50 {:.1f} ms  p99 {:.1f} ms\n",
                       ttfb.percentile_ms(50), ttfb.percentile_ms(90), ttfb.percentile_ms(99), request.percentile_ms(50),
                       request.percentile_ms(99));
  } else if (request.total() > 0) {
    out += fmt::format("  latency   per {} p50 {:.1f} ms  p90 {:.1f} ms  p99 {:.1f} ms\n", s.mode == "write" ? "file" : "request",
                       request.percentile_ms(50), request.percentile_ms(90), request.percentile_ms(99));
  }
  out += fmt::format("  requests  {}  retries {} ({})\n", requests, retries,
                     kinds_text(sum_kinds(s.ranks, &RankStats::retries_by_kind)));
  const auto errors = sum_kinds(s.ranks, &RankStats::errors_by_kind);
  out += fmt::format("  errors    {}\n", kinds_text(errors));
  const std::size_t shown = std::min<std::size_t>(s.failed.size(), 10);
  for (std::size_t i = 0; i < shown; ++i) out += fmt::format("  FAILED    {}: {}\n", s.failed[i].key, s.failed[i].error);
  if (s.failed.size() > shown) out += fmt::format("  ... and {} more failures (see --report)\n", s.failed.size() - shown);
  return out;
}

std::string format_report_json(const RunSummary& s) {
  const Span span = run_span(s.ranks);
  const RateSpread spread = rank_rates(s.ranks);
  JsonWriter w;
  w.begin_object();
  w.key("mode"), w.value(s.mode);
  w.key("source"), w.value(s.source);
  w.key("dest"), w.value(s.dest);
  if (!s.io.empty()) w.key("io"), w.value(s.io);
  w.key("dry_run"), w.value(s.dry_run);
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
  w.key("iterations"), w.value(s.iterations);
  w.key("seconds"), w.value(s.seconds);
  w.key("wall_seconds"), w.value(s.wall_seconds);
  w.key("bytes_per_second"), w.value(s.seconds > 0 ? static_cast<double>(s.bytes_copied) / s.seconds : 0.0);
  w.key("ranks"), w.value(static_cast<std::uint64_t>(s.ranks.size()));
  w.key("rank_bytes_per_second");
  w.begin_object();
  w.key("min"), w.value(spread.min);
  w.key("mean"), w.value(spread.mean);
  w.key("max"), w.value(spread.max);
  w.key("stddev"), w.value(spread.stddev);
  w.end_object();
  w.key("first_done_seconds"), w.value(span_seconds(span.first_start, span.first_done));
  w.key("last_done_seconds"), w.value(span_seconds(span.first_start, span.last_done));
  std::uint64_t retries = 0, requests = 0;
  for (const RankStats& r : s.ranks) {
    retries += r.retries;
    requests += r.requests;
  }
  w.key("requests"), w.value(requests);
  w.key("retries"), w.value(retries);
  const auto write_kinds = [&w](const std::array<std::uint64_t, kErrorKinds>& counts) {
    w.begin_object();
    for (std::size_t i = 0; i < kErrorKinds; ++i) {
      if (counts[i] > 0) w.key(error_kind_name(static_cast<ErrorKind>(i))), w.value(counts[i]);
    }
    w.end_object();
  };
  w.key("retries_by_class"), write_kinds(sum_kinds(s.ranks, &RankStats::retries_by_kind));
  w.key("errors"), write_kinds(sum_kinds(s.ranks, &RankStats::errors_by_kind));
  const LatencyHistogram ttfb = merged(s.ranks, &RankStats::time_to_first_byte);
  const LatencyHistogram request = merged(s.ranks, &RankStats::request_time);
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
    w.key("bytes_per_second"), w.value(seconds > 0 ? static_cast<double>(r.bytes) / seconds : 0.0);
    w.key("retries"), w.value(r.retries);
    w.end_object();
  }
  w.end_array();
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
  w.end_object();
  return w.str() + "\n";
}

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

}  // namespace caios
