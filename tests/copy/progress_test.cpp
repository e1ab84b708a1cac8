// Progress lines: the text, and when they are due (time passed in).
#include <catch2/catch.hpp>

#include "caios2dfs/copy/progress.hpp"

using namespace caios;
using namespace std::chrono_literals;

TEST_CASE("a progress line while listing and after", "[progress]") {
  ProgressSnapshot p;
  p.objects_listed = 1200;
  p.bytes_listed = 3ull << 30;
  p.objects_done = 800;
  p.bytes_done = 1ull << 30;
  p.errors = 2;
  p.elapsed_seconds = 4.25;
  p.recent_bytes_per_second = 512.0 * (1 << 20);
  CHECK(format_progress(p) ==
        "    4.2s  listed 1200+ (3.00 GiB)  done 800 (1.00 GiB)  512.0 MiB/s  ETA listing  errors 2");
  p.listing_done = true;
  CHECK(format_progress(p) ==
        "    4.2s  listed 1200 (3.00 GiB)  done 800 (1.00 GiB)  512.0 MiB/s  ETA 4.0s  errors 2");
  p.recent_bytes_per_second = 0;
  CHECK_THAT(format_progress(p), Catch::EndsWith("ETA -  errors 2"));
}

TEST_CASE("lines come once per interval, with the rate since the last line", "[progress]") {
  const auto t0 = ProgressPrinter::Clock::time_point{} + 1h;
  ProgressPrinter printer(10s, t0);
  ProgressSnapshot counts;
  counts.bytes_done = 1000;
  CHECK(printer.line(counts, t0 + 5s, false).empty());
  const std::string first = printer.line(counts, t0 + 10s, false);
  CHECK_THAT(first, Catch::StartsWith("   10.0s"));
  CHECK_THAT(first, Catch::Contains("100.0 B/s"));
  CHECK(printer.line(counts, t0 + 15s, false).empty());
  counts.bytes_done = 3000;
  CHECK_THAT(printer.line(counts, t0 + 20s, false), Catch::Contains("200.0 B/s"));
  // The final line comes whenever asked...
  CHECK_FALSE(printer.line(counts, t0 + 21s, true).empty());
}

TEST_CASE("no line at all with interval 0, and no final line for runs under a second", "[progress]") {
  const auto t0 = ProgressPrinter::Clock::time_point{} + 1h;
  ProgressPrinter off(0s, t0);
  CHECK(off.line(ProgressSnapshot{}, t0 + 1h, true).empty());
  ProgressPrinter quick(10s, t0);
  CHECK(quick.line(ProgressSnapshot{}, t0 + 500ms, true).empty());
  CHECK_FALSE(quick.line(ProgressSnapshot{}, t0 + 1500ms, true).empty());
}

TEST_CASE("the -P block: totals, rates, ETA, transfers, slowest rank, errors", "[progress]") {
  BlockView v;
  v.totals.objects_listed = 1200;
  v.totals.bytes_listed = 4ull << 30;
  v.totals.objects_done = 800;
  v.totals.bytes_done = 1ull << 30;
  v.totals.errors = 1;
  v.totals.elapsed_seconds = 8;
  v.totals.recent_bytes_per_second = 256.0 * (1 << 20);
  v.in_flight = 48;
  v.retries = 7;
  v.ranks = 4;
  v.slowest_rank = 3;
  v.slowest_bytes_per_second = 10.0 * (1 << 20);
  v.mean_rank_bytes_per_second = 64.0 * (1 << 20);
  std::vector<std::string> lines = format_progress_block(v);
  CHECK(lines == std::vector<std::string>{
                     "Transferred:   1.00 GiB / 4.00 GiB listed so far",
                     "Rate:          256.0 MiB/s now, 128.0 MiB/s average, ETA when the listing is done",
                     "Objects:       800 / 1200 done, still listing",
                     "Transfers:     48 in flight on 4 ranks",
                     "Slowest rank:  3 at 10.0 MiB/s (mean of busy ranks 64.0 MiB/s)",
                     "Errors:        1 failed, 7 retries",
                     "Elapsed:       8.0s",
                 });
  v.totals.listing_done = true;
  v.ranks = 1;
  lines = format_progress_block(v);
  CHECK(lines.size() == 6);  // no slowest rank of one
  CHECK(lines[0] == "Transferred:   1.00 GiB / 4.00 GiB, 25%");
  CHECK(lines[1] == "Rate:          256.0 MiB/s now, 128.0 MiB/s average, ETA 12.0s");
  CHECK(lines[2] == "Objects:       800 / 1200 done");
  CHECK(lines[3] == "Transfers:     48 in flight on 1 rank");
}

TEST_CASE("a redraw moves up over the last block and erases each line it writes", "[progress]") {
  CHECK(redraw_block({"a", "b"}, 0) == "\x1b[2Ka\n\x1b[2Kb\n");
  CHECK(redraw_block({"a", "b"}, 2) == "\x1b[2F\x1b[2Ka\n\x1b[2Kb\n");
  CHECK(redraw_block({"a"}, 3) == "\x1b[3F\x1b[2Ka\n\x1b[J");  // the two lines left over are erased
}
