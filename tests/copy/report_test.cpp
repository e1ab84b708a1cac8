// Stats combined at rank 0, the summary text, the JSON report and the failed
// list: pure functions on values made here.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fmt/format.h>

#include "caios2dfs/copy/report.hpp"
#include "caios2dfs/copy/stats.hpp"
#include "support/temp_dir.hpp"

using namespace caios;
using caios::testing::TempDir;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;
constexpr std::int64_t kStart = 1'700'000'000 * kSecond;

RankStats rank_stats(int rank, std::uint64_t bytes, std::int64_t start_s, std::int64_t end_s) {
  RankStats r;
  r.rank = rank;
  r.bytes = bytes;
  r.objects_copied = bytes / 100;
  r.requests = 10 + static_cast<std::uint64_t>(rank);
  r.retries = static_cast<std::uint64_t>(rank);
  r.retries_by_kind[static_cast<std::size_t>(ErrorKind::throttled)] = static_cast<std::uint64_t>(rank);
  if (start_s >= 0) {
    r.first_start_ns = kStart + start_s * kSecond;
    r.last_end_ns = kStart + end_s * kSecond;
  }
  r.request_time.add(std::chrono::milliseconds(20));
  r.loop_fs_ns = (rank + 1) * kSecond / 2;
  r.fs_thread_ns = (rank + 1) * kSecond * 2;
  r.fs_threads = 3 + rank;
  r.cpu_user_ns = (rank + 1) * kSecond;
  r.cpu_sys_ns = kSecond / 4;
  return r;
}

RunSummary two_rank_summary() {
  RunSummary summary;
  summary.source = "s3://bucket/pre";
  summary.dest = "/dest";
  summary.io = "posix";
  summary.objects_listed = 7;
  summary.failed.push_back(ObjectFailure{"pre/bad key", "GET pre/bad key: 403 AccessDenied",
                                         static_cast<std::uint8_t>(ErrorKind::auth)});
  summary.objects_failed = 1;
  // Given out of rank order: the summary sorts them.
  add_rank_stats(summary, {rank_stats(1, 600, 1, 4), rank_stats(0, 400, 0, 2)});
  return summary;
}

/// The JSON document as Python sees it, one "key=value" per line for the
/// fields named: proves the document parses and holds those values.
std::string python_fields(const std::string& json, const std::string& expression) {
  TempDir dir;
  caios::testing::write_file(dir / "report.json", json);
  const std::string command =
      fmt::format("python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print({})' {}", expression,
                  dir / "report.json");
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  REQUIRE(::pclose(pipe) == 0);
  return out;
}

}  // namespace

TEST_CASE("chunks count as copied bytes only in the files rank 0 published", "[stats]") {
  RankStats a, b;
  a.rank = 0;
  a.bytes = 700;        // 300 of a whole object, 400 of chunks
  a.chunk_bytes = 400;
  b.rank = 1;
  b.bytes = 500;        // all chunks: of a file that failed, say
  b.chunk_bytes = 500;
  RunSummary s;
  s.chunked_bytes_published = 600;  // the one chunked file that was published
  add_rank_stats(s, {a, b});
  CHECK(s.bytes_copied == 300 + 600);
}

TEST_CASE("rank stats add up; the span runs from the first start to the last end", "[stats]") {
  const RunSummary s = two_rank_summary();
  CHECK(s.bytes_copied == 1000);
  CHECK(s.objects_copied == 10);
  CHECK(s.seconds == Approx(4.0));
  REQUIRE(s.ranks.size() == 2);
  CHECK(s.ranks[0].rank == 0);

  const RunSpan span = run_span(s.ranks);
  CHECK(span.first_start_ns == kStart);
  CHECK(span.first_done_ns == kStart + 2 * kSecond);
  CHECK(span.last_done_ns == kStart + 4 * kSecond);

  const RateSpread rates = rank_rates(s.ranks);  // 200 B/s and 200 B/s
  CHECK(rates.min == Approx(200));
  CHECK(rates.max == Approx(200));
  CHECK(rates.stddev == Approx(0));
  CHECK(request_totals(s.ranks).requests == 21);
  CHECK(request_totals(s.ranks).retries == 1);
  CHECK(sum_by_kind(s.ranks, &RankStats::retries_by_kind)[static_cast<std::size_t>(ErrorKind::throttled)] == 1);
}

TEST_CASE("a rank that moved nothing is left out of spans and rates", "[stats]") {
  const std::vector<RankStats> ranks{rank_stats(0, 0, -1, -1), rank_stats(1, 300, 0, 3)};
  CHECK(run_span(ranks).first_start_ns == kStart);
  CHECK(rank_rates(ranks).min == Approx(100));
  CHECK(span_seconds(0, 5) == 0);
  CHECK(span_seconds(5, 4) == 0);
}

TEST_CASE("latency percentiles are bucket upper edges, and histograms merge", "[stats]") {
  LatencyHistogram h;
  CHECK(h.percentile_ms(50) == 0);
  for (int i = 0; i < 99; ++i) h.add(std::chrono::milliseconds(1));
  h.add(std::chrono::seconds(1));
  CHECK(h.total() == 100);
  CHECK(h.percentile_ms(50) >= 1.0);
  CHECK(h.percentile_ms(50) < 1.2);  // 4 buckets per power of two: within 19%
  CHECK(h.percentile_ms(100) >= 1000.0);
  LatencyHistogram other;
  other.add(std::chrono::milliseconds(1));
  h.merge(other);
  CHECK(h.total() == 101);
}

TEST_CASE("the summary states counts, bytes, rate and failures", "[report]") {
  const std::string text = format_summary(two_rank_summary());
  CHECK_THAT(text, Catch::Contains("caios2dfs-mpi copy: s3://bucket/pre -> /dest (io posix)"));
  CHECK_THAT(text, Catch::Contains("listed 7  copied 10  skipped 0  failed 1"));
  CHECK_THAT(text, Catch::Contains("1000 bytes"));
  CHECK_THAT(text, Catch::Contains("250.0 B/s, 2 objects/s aggregate over 2 ranks"));
  CHECK_THAT(text, Catch::Contains("requests  21  retries 1 (throttled 1)"));
  CHECK_THAT(text, Catch::Contains("FAILED    pre/bad key: GET pre/bad key: 403 AccessDenied"));
  CHECK_THAT(text, !Catch::Contains("fs calls"));
  CHECK_THAT(text, !Catch::Contains("cpu "));
}

TEST_CASE("with -v the summary says how long the event loops waited for the file system", "[report]") {
  CHECK_THAT(format_summary(two_rank_summary(), true),
             Catch::Contains("fs calls  1.5s blocking the event loops (most on one rank: 1.0s); 6.0s on file-call "
                             "threads (up to 4 per rank)"));
}

TEST_CASE("with -v the summary says how much CPU the ranks used", "[report]") {
  CHECK_THAT(format_summary(two_rank_summary(), true),
             Catch::Contains("cpu       3.5s (user 3.0s, system 0.5s) in all ranks' processes, start-up included "
                             "(most in one: 2.2s)"));
}

TEST_CASE("the JSON report parses and holds the same numbers as the summary", "[report]") {
  const std::string json = format_report_json(two_rank_summary());
  const std::string fields = python_fields(
      json, "d[\"objects_copied\"], d[\"objects_failed\"], d[\"bytes_copied\"], d[\"ranks\"], d[\"requests\"], "
            "d[\"retries_by_class\"][\"throttled\"], d[\"failed\"][0][\"key\"], d[\"failed\"][0][\"class\"], "
            "len(d[\"per_rank\"]), d[\"per_rank\"][1][\"bytes\"], d[\"seconds\"], "
            "d[\"per_rank\"][1][\"loop_fs_seconds\"], d[\"per_rank\"][1][\"fs_thread_seconds\"], "
            "d[\"per_rank\"][1][\"fs_threads\"], d[\"objects_per_second\"], d[\"per_rank\"][1][\"cpu_user_seconds\"], "
            "d[\"per_rank\"][1][\"cpu_system_seconds\"]");
  CHECK(fields == "10 1 1000 2 21 1 pre/bad key auth 2 600 4 1 4 4 2.5 2 0.25\n");
}

TEST_CASE("the failed list is relative to the prefix and reads back as --files-from", "[report]") {
  RunSummary summary;
  summary.failed = {ObjectFailure{"pre/a/b", "x", 0}, ObjectFailure{"pre/ lead", "x", 0},
                    ObjectFailure{"other", "x", 0}};
  // " lead" would not read back as itself (leading space): left to the report.
  CHECK(format_failed_list(summary, "pre/") == "a/b\nother\n");
}

TEST_CASE("report files are written where asked, and only there", "[report]") {
  TempDir dir;
  RunSummary summary = two_rank_summary();
  write_report_files(summary, ReportPaths{dir / "r.json", dir / "failed.txt"}, "pre/");
  CHECK(caios::testing::read_file(dir / "r.json") == format_report_json(summary));
  CHECK(caios::testing::read_file(dir / "failed.txt") == "bad key\n");
  write_report_files(summary, ReportPaths{std::nullopt, std::nullopt}, "pre/");
  CHECK(caios::testing::list_tree(dir.path()) == std::vector<std::string>{"failed.txt", "r.json"});
}
