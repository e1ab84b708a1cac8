// units: rclone-style sizes and durations, and how we print bytes, rates and times.
#include "caios2dfs/base/units.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

using namespace caios;
using std::chrono::milliseconds;

namespace {

std::uint64_t size_of(const std::string& text) {
  auto r = parse_size(text);
  INFO(text << ": " << (r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return r.value();
}

std::string size_failure(const std::string& text) {
  auto r = parse_size(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::config);
  CHECK(r.error().message.rfind("invalid size '" + text + "': use a number with a suffix like 64M or 1G", 0) == 0);
  return r.error().message;
}

long long ms_of(const std::string& text) {
  auto r = parse_duration(text);
  INFO(text << ": " << (r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return static_cast<long long>(r.value().count());
}

std::string duration_failure(const std::string& text) {
  auto r = parse_duration(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::config);
  CHECK(r.error().message.rfind("invalid duration '" + text + "'", 0) == 0);
  return r.error().message;
}

constexpr std::uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024, TiB = GiB * 1024, PiB = TiB * 1024;

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("parse_size: suffixes are binary and case-insensitive", "[units][size]") {
  CHECK(size_of("512B") == 512);
  CHECK(size_of("512b") == 512);
  CHECK(size_of("0B") == 0);
  CHECK(size_of("1K") == KiB);
  CHECK(size_of("1k") == KiB);
  CHECK(size_of("64M") == 64 * MiB);
  CHECK(size_of("64m") == 64 * MiB);
  CHECK(size_of("1G") == GiB);
  CHECK(size_of("2T") == 2 * TiB);
  CHECK(size_of("3P") == 3 * PiB);
  CHECK(size_of("16383P") == 16383 * PiB);
}

TEST_CASE("parse_size: i, iB and B after the multiplier", "[units][size]") {
  CHECK(size_of("64Mi") == 64 * MiB);
  CHECK(size_of("64MiB") == 64 * MiB);
  CHECK(size_of("64MB") == 64 * MiB);  // binary, as in rclone
  CHECK(size_of("64mib") == 64 * MiB);
  CHECK(size_of("1KiB") == KiB);
  CHECK(size_of("1GiB") == GiB);
  CHECK(size_of("1TB") == TiB);
  CHECK(size_of("1PiB") == PiB);
}

TEST_CASE("parse_size: a bare number is KiB, like rclone", "[units][size]") {
  CHECK(size_of("256") == 256 * KiB);
  CHECK(size_of("0") == 0);
  CHECK(size_of("1.5") == 1536);
}

TEST_CASE("parse_size: decimal fractions round down to bytes", "[units][size]") {
  CHECK(size_of("1.5G") == GiB + GiB / 2);
  CHECK(size_of("0.5K") == 512);
  CHECK(size_of(".5M") == MiB / 2);
  CHECK(size_of("2.M") == 2 * MiB);
  CHECK(size_of("0.1K") == 102);  // 102.4
  CHECK(size_of("1.25MiB") == MiB + MiB / 4);
  CHECK(size_of("1.5B") == 1);
  CHECK(size_of("0.000000000000000000001P") == 0);  // more digits than we keep
}

TEST_CASE("parse_size: surrounding whitespace is ignored", "[units][size]") {
  CHECK(size_of("  64M\t") == 64 * MiB);
}

TEST_CASE("parse_size rejects off, negatives and garbage", "[units][size]") {
  CHECK(contains(size_failure("off"), "'off' is not accepted"));
  CHECK(contains(size_failure("OFF"), "'off' is not accepted"));
  CHECK(contains(size_failure("-1M"), "negative"));
  CHECK(contains(size_failure("-0"), "negative"));
  CHECK(contains(size_failure(""), "empty"));
  CHECK(contains(size_failure("   "), "empty"));
  CHECK(contains(size_failure("M"), "does not start with a number"));
  CHECK(contains(size_failure("."), "does not start with a number"));
  CHECK(contains(size_failure("+5M"), "does not start with a number"));
  CHECK(contains(size_failure("abc"), "does not start with a number"));
  CHECK(contains(size_failure("64X"), "unknown suffix 'X'"));
  CHECK(contains(size_failure("64 M"), "unknown suffix"));
  CHECK(contains(size_failure("64MM"), "unknown suffix"));
  CHECK(contains(size_failure("64MiBs"), "unknown suffix"));
  CHECK(contains(size_failure("64iB"), "unknown suffix"));
  CHECK(contains(size_failure("1e3"), "unknown suffix"));
  CHECK(contains(size_failure("1.2.3M"), "unknown suffix"));
  CHECK(contains(size_failure("1E"), "unknown suffix"));
  CHECK(contains(size_failure("16384P"), "more than 16 EiB"));
  CHECK(contains(size_failure("99999999999999999999B"), "more than 16 EiB"));
  CHECK(contains(size_failure("18014398509481984K"), "more than 16 EiB"));
}

TEST_CASE("parse_size accepts the largest value", "[units][size]") {
  CHECK(size_of("18446744073709551615B") == std::numeric_limits<std::uint64_t>::max());
  CHECK(contains(size_failure("18446744073709551616B"), "more than 16 EiB"));
  CHECK(size_of("16383.5P") == 16383 * PiB + PiB / 2);
}

TEST_CASE("format_bytes", "[units][format]") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(1024) == "1.00 KiB");
  CHECK(format_bytes(1536) == "1.50 KiB");
  CHECK(format_bytes(GiB + GiB / 2) == "1.50 GiB");
  CHECK(format_bytes(MiB - 1) == "1.00 MiB");  // not "1024.00 KiB"
  CHECK(format_bytes(5 * TiB) == "5.00 TiB");
  CHECK(format_bytes(2 * PiB) == "2.00 PiB");
  CHECK(format_bytes(std::numeric_limits<std::uint64_t>::max()) == "16.00 EiB");
}

TEST_CASE("format_rate", "[units][format]") {
  CHECK(format_rate(0) == "0 B/s");
  CHECK(format_rate(-5) == "0 B/s");
  CHECK(format_rate(std::nan("")) == "0 B/s");
  CHECK(format_rate(std::numeric_limits<double>::infinity()) == "0 B/s");
  CHECK(format_rate(512) == "512.0 B/s");
  CHECK(format_rate(123.4 * MiB) == "123.4 MiB/s");
  CHECK(format_rate(2.5 * GiB) == "2.5 GiB/s");
  CHECK(format_rate(1023.96 * KiB) == "1.0 MiB/s");  // not "1024.0 KiB/s"
}

TEST_CASE("parse_duration: Go units and combinations", "[units][duration]") {
  CHECK(ms_of("10s") == 10'000);
  CHECK(ms_of("1m30s") == 90'000);
  CHECK(ms_of("500ms") == 500);
  CHECK(ms_of("2h") == 7'200'000);
  CHECK(ms_of("1h2m3s") == 3'723'000);
  CHECK(ms_of("1.5h") == 5'400'000);
  CHECK(ms_of("1.5s") == 1'500);
  CHECK(ms_of("2m0.25s") == 120'250);
  CHECK(ms_of("1500000us") == 1'500);
  CHECK(ms_of("1500000\xC2\xB5s") == 1'500);
  CHECK(ms_of("1500000\xCE\xBCs") == 1'500);
  CHECK(ms_of("2000000000ns") == 2'000);
  CHECK(ms_of("1d") == 86'400'000);
  CHECK(ms_of("1w") == 604'800'000);
  CHECK(ms_of(" 10s ") == 10'000);
}

TEST_CASE("parse_duration: bare numbers are seconds; zero and off mean off", "[units][duration]") {
  CHECK(ms_of("30") == 30'000);
  CHECK(ms_of("2.5") == 2'500);
  CHECK(ms_of("0") == 0);
  CHECK(ms_of("0s") == 0);
  CHECK(ms_of("0.0") == 0);
  CHECK(ms_of("off") == 0);
}

TEST_CASE("parse_duration: sub-millisecond rounding", "[units][duration]") {
  CHECK(ms_of("1ns") == 1);        // non-zero never reads as off
  CHECK(ms_of("999us") == 1);
  CHECK(ms_of("1999us") == 1);     // truncated otherwise
  CHECK(ms_of("1.9999ms") == 1);
}

TEST_CASE("parse_duration rejects negatives, missing and unknown units", "[units][duration]") {
  CHECK(contains(duration_failure("-1s"), "negative"));
  CHECK(contains(duration_failure(""), "empty"));
  CHECK(contains(duration_failure("s"), "expected a number"));
  CHECK(contains(duration_failure("+1s"), "expected a number"));
  CHECK(contains(duration_failure("1h30"), "missing unit"));
  CHECK(contains(duration_failure("10 s"), "unknown unit ' s'"));
  CHECK(contains(duration_failure("10S"), "unknown unit 'S'"));
  CHECK(contains(duration_failure("1y"), "unknown unit 'y'"));
  CHECK(contains(duration_failure("5sec"), "unknown unit 'sec'"));
  CHECK(contains(duration_failure("1.2.3s"), "missing unit"));
  CHECK(contains(duration_failure("OFF"), "expected a number"));
  CHECK(contains(duration_failure("100000000w"), "too long"));
  CHECK(contains(duration_failure("99999999999999999999s"), "too long"));
  CHECK(contains(duration_failure("10s"
                                  "1"),
                 "missing unit"));
}

TEST_CASE("format_duration", "[units][format]") {
  CHECK(format_duration(0) == "0.0s");
  CHECK(format_duration(4.2) == "4.2s");
  CHECK(format_duration(0.04) == "0.0s");
  CHECK(format_duration(59.94) == "59.9s");
  CHECK(format_duration(59.96) == "1m00s");  // not "60.0s"
  CHECK(format_duration(60) == "1m00s");
  CHECK(format_duration(123) == "2m03s");
  CHECK(format_duration(3599.4) == "59m59s");
  CHECK(format_duration(3600) == "1h00m00s");
  CHECK(format_duration(3723) == "1h02m03s");
  CHECK(format_duration(100 * 3600 + 61) == "100h01m01s");
  CHECK(format_duration(-4.2) == "-4.2s");
  CHECK(format_duration(std::nan("")) == "?");
  CHECK(format_duration(std::numeric_limits<double>::infinity()) == "?");
}
