#include "caios2dfs/copy/stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <sys/resource.h>

namespace caios {

namespace {
constexpr double kNsPerSecond = 1e9;
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

void note_process_usage(RankStats& stats) {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return;
  const auto ns = [](const timeval& t) { return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_usec * 1'000; };
  stats.cpu_user_ns = ns(usage.ru_utime);
  stats.cpu_sys_ns = ns(usage.ru_stime);
  stats.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // Linux counts KiB
}

std::int64_t wall_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_rank_stats(RunSummary& summary, std::vector<RankStats> ranks) {
  std::sort(ranks.begin(), ranks.end(), [](const RankStats& a, const RankStats& b) { return a.rank < b.rank; });
  summary.bytes_copied = summary.chunked_bytes_published;
  for (const RankStats& r : ranks) {
    summary.bytes_copied += r.bytes - r.chunk_bytes;
    summary.objects_copied += r.objects_copied;
    summary.objects_skipped += r.objects_skipped;
    summary.objects_failed += r.objects_failed;
    summary.objects_would_copy += r.objects_would_copy;
  }
  const RunSpan span = run_span(ranks);
  summary.seconds = span_seconds(span.first_start_ns, span.last_done_ns);
  summary.ranks = std::move(ranks);
}

std::vector<RankStats> gather_rank_stats(Comm& comm, const RankStats& mine) {
  // Every rank runs the same binary: the struct travels as its bytes.
  const std::vector<std::string> all = comm.gather(std::string(reinterpret_cast<const char*>(&mine), sizeof mine), 0);
  std::vector<RankStats> ranks;
  for (const std::string& bytes : all) {
    RankStats r;
    std::memcpy(&r, bytes.data(), std::min(bytes.size(), sizeof r));
    ranks.push_back(r);
  }
  return ranks;
}

double span_seconds(std::int64_t start_ns, std::int64_t end_ns) {
  return start_ns > 0 && end_ns > start_ns ? static_cast<double>(end_ns - start_ns) / kNsPerSecond : 0.0;
}

RunSpan run_span(const std::vector<RankStats>& ranks) {
  RunSpan span;
  for (const RankStats& r : ranks) {
    if (r.first_start_ns == 0) continue;
    span.first_start_ns = span.first_start_ns == 0 ? r.first_start_ns : std::min(span.first_start_ns, r.first_start_ns);
    span.first_done_ns = span.first_done_ns == 0 ? r.last_end_ns : std::min(span.first_done_ns, r.last_end_ns);
    span.last_done_ns = std::max(span.last_done_ns, r.last_end_ns);
  }
  return span;
}

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

LatencyHistogram merged_histogram(const std::vector<RankStats>& ranks, LatencyHistogram RankStats::*member) {
  LatencyHistogram all;
  for (const RankStats& r : ranks) all.merge(r.*member);
  return all;
}

std::array<std::uint64_t, kErrorKinds> sum_by_kind(const std::vector<RankStats>& ranks,
                                                   std::array<std::uint64_t, kErrorKinds> RankStats::*member) {
  std::array<std::uint64_t, kErrorKinds> total{};
  for (const RankStats& r : ranks) {
    for (std::size_t i = 0; i < kErrorKinds; ++i) total[i] += (r.*member)[i];
  }
  return total;
}

RequestTotals request_totals(const std::vector<RankStats>& ranks) {
  RequestTotals totals;
  for (const RankStats& r : ranks) {
    totals.requests += r.requests;
    totals.retries += r.retries;
  }
  return totals;
}

}  // namespace caios
