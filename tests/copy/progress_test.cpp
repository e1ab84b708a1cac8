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
