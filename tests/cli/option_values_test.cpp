// option_values: one flag value at a time, and the same values through the
// command line (rclone's SizeSuffix, Go's durations, pflag's booleans).
#include "caios2dfs/cli/option_values.hpp"

#include <catch2/catch.hpp>

#include "parse_helpers.hpp"

using namespace caios;
using namespace caios::test;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

template <class T>
std::string error_of(const Result<T>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::config);
  CHECK(result.error().message.find('\n') == std::string::npos);
  return result.error().message;
}

enum class Color { red, green, blue };

}  // namespace

TEST_CASE("parse_whole_number: digits only, within the range", "[option_values]") {
  CHECK(parse_whole_number("--n", "0", 0).value() == 0);
  CHECK(parse_whole_number("--n", "18446744073709551615", 0).value() == UINT64_MAX);
  CHECK(parse_whole_number("--n", "7", 1, 10).value() == 7);
  CHECK(parse_whole_number("--n", "010", 1, 10).value() == 10);
  CHECK(error_of(parse_whole_number("--n", "11", 1, 10)) == "--n needs a whole number from 1 to 10, got '11'");
  CHECK(error_of(parse_whole_number("--n", "0", 1)) == "--n needs a whole number of at least 1, got '0'");
  CHECK(error_of(parse_whole_number("--n", "18446744073709551616", 0)) ==
        "--n needs a whole number of at least 0, got '18446744073709551616'");
  for (const char* bad : {"", " 1", "1 ", "+1", "-1", "1.0", "1e3", "0x10", "4abc"}) {
    INFO(bad);
    CHECK(contains(error_of(parse_whole_number("--n", bad, 0)), "--n needs a whole number"));
  }
}

TEST_CASE("parse_whole_int: an int's range", "[option_values]") {
  CHECK(parse_whole_int("--n", "2147483647", 0).value() == 2147483647);
  CHECK(error_of(parse_whole_int("--n", "2147483648", 0)) ==
        "--n needs a whole number of at least 0, got '2147483648'");
  CHECK(parse_whole_int("--n", "1024", 1, 1024).value() == 1024);
  CHECK(error_of(parse_whole_int("--n", "1025", 1, 1024)) == "--n needs a whole number from 1 to 1024, got '1025'");
}

TEST_CASE("parse_size_at_least: rclone sizes and a minimum", "[option_values]") {
  CHECK(parse_size_at_least("--s", "64M", 1).value() == 64 * MiB);
  CHECK(parse_size_at_least("--s", "0", 0).value() == 0);
  CHECK(parse_size_at_least("--s", "64", 64 * KiB).value() == 64 * KiB);  // bare number: KiB
  CHECK(error_of(parse_size_at_least("--s", "0", 1)) == "--s needs a size above 0 like 64M, got '0'");
  CHECK(error_of(parse_size_at_least("--s", "32K", 64 * KiB)) == "--s needs at least 64K, got '32K' (= 32.00 KiB)");
  CHECK(error_of(parse_size_at_least("--s", "32", 64 * KiB)) ==
        "--s needs at least 64K, got '32' (= 32.00 KiB: a bare number means KiB)");
  // The minimum is spelled as a user would write it.
  CHECK(contains(error_of(parse_size_at_least("--s", "1K", 3 * MiB)), "needs at least 3M,"));
  CHECK(contains(error_of(parse_size_at_least("--s", "1K", 2 * GiB)), "needs at least 2G,"));
  CHECK(contains(error_of(parse_size_at_least("--s", "1B", 1000)), "needs at least 1000B,"));
  CHECK(contains(error_of(parse_size_at_least("--s", "x", 0)), "--s: invalid size 'x'"));
}

TEST_CASE("parse_duration_value: Go durations, named by the flag", "[option_values]") {
  CHECK(parse_duration_value("--d", "1m30s").value() == milliseconds(90'000));
  CHECK(parse_duration_value("--d", "off").value() == milliseconds(0));
  CHECK(parse_duration_value("--d", "2").value() == milliseconds(2000));
  CHECK(contains(error_of(parse_duration_value("--d", "soon")), "--d: invalid duration 'soon'"));
}

TEST_CASE("parse_switch_value: pflag's boolean spellings", "[option_values]") {
  for (const char* yes : {"1", "t", "T", "true", "TRUE", "True"}) CHECK(parse_switch_value("--x", yes).value());
  for (const char* no : {"0", "f", "F", "false", "FALSE", "False"}) CHECK_FALSE(parse_switch_value("--x", no).value());
  for (const char* bad : {"", "yes", "no", "on", " true", "2"}) {
    INFO(bad);
    CHECK(error_of(parse_switch_value("--x", bad)) ==
          fmt::format("--x takes true or false, got '{}' (or give --x alone for true)", bad));
  }
}

TEST_CASE("parse_nonempty and parse_choice", "[option_values]") {
  CHECK(parse_nonempty("--f", "FILE", "-").value() == "-");
  CHECK(error_of(parse_nonempty("--f", "FILE", "")) == "--f needs a FILE, got an empty value");

  const auto color = [](std::string_view text) {
    return parse_choice<Color>("--color", text,
                               {{"red", Color::red}, {"green", Color::green}, {"blue", Color::blue},
                                {"b", Color::blue, /*listed=*/false}});
  };
  CHECK(color("green").value() == Color::green);
  CHECK(color("b").value() == Color::blue);
  CHECK(error_of(color("Red")) == "--color needs red, green or blue, got 'Red'");  // case matters
  CHECK(error_of(parse_choice<Color>("--c", "x", {{"red", Color::red}, {"blue", Color::blue}})) ==
        "--c needs red or blue, got 'x'");
  CHECK(error_of(parse_choice<Color>("--c", "x", {{"red", Color::red}})) == "--c needs red, got 'x'");
}

TEST_CASE("sizes through the flags: rclone's SizeSuffix", "[copy_options]") {
  CHECK(copy_with({"--chunk-size", "64MiB"}).chunk_size == 64 * MiB);
  CHECK(copy_with({"--chunk-size", "64mb"}).chunk_size == 64 * MiB);
  CHECK(copy_with({"--chunk-size", "1.5G"}).chunk_size == GiB + GiB / 2);
  CHECK(copy_with({"--chunk-size", "512B"}).chunk_size == 512);
  CHECK(copy_with({"--chunk-size", "1B"}).chunk_size == 1);
  // A bare number is KiB, as in rclone.
  CHECK(copy_with({"--chunk-size", "256"}).chunk_size == 256 * KiB);
  CHECK(copy_with({"--buffer-size", "64"}).buffer_size == 64 * KiB);
  CHECK(copy_with({"--buffer-size", "64K"}).buffer_size == 64 * KiB);
  CHECK(copy_with({"--buffer-size", "65536B"}).buffer_size == 64 * KiB);
  CHECK(copy_with({"--multi-thread-cutoff", "1T"}).multi_thread_cutoff == 1024 * GiB);
  CHECK(parsed({"--bench", "write", "--bench-size", "4k", "/d"}).bench_size == 4 * KiB);
}

TEST_CASE("durations through the flags: Go's syntax", "[copy_options]") {
  CHECK(copy_with({"--stats", "1m30s"}).stats_interval == milliseconds(90'000));
  CHECK(copy_with({"--stats", "500ms"}).stats_interval == milliseconds(500));
  CHECK(copy_with({"--stats", "0"}).stats_interval == milliseconds(0));
  CHECK(copy_with({"--stats", "off"}).stats_interval == milliseconds(0));
  CHECK(copy_with({"--stats", "2"}).stats_interval == milliseconds(2000));  // bare number: seconds
  CHECK(copy_with({"--timeout", "2m"}).stall_timeout == seconds(120));
  CHECK(copy_with({"--timeout", "1h"}).stall_timeout == seconds(3600));
  CHECK(copy_with({"--timeout", "0"}).stall_timeout == seconds(0));
  // Fractions of a second round up: never to 0, which means off.
  CHECK(copy_with({"--timeout", "500ms"}).stall_timeout == seconds(1));
  CHECK(copy_with({"--timeout", "1.5s"}).stall_timeout == seconds(2));
  CHECK(copy_with({"--contimeout", "1.5s"}).connect_timeout == milliseconds(1500));
  CHECK(copy_with({"--contimeout", "1m"}).connect_timeout == milliseconds(60'000));
}

TEST_CASE("usage errors: bad values, one line that names the flag", "[copy_options]") {
  check_usage_errors({
      {{"--transfers", "x", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got 'x'"},
      {{"--transfers", "0", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '0'"},
      {{"--transfers=1025", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '1025'"},
      {{"--transfers=-1", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '-1'"},
      {{"--transfers", "+4", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '+4'"},
      {{"--file-threads", "0", "s3://bucket", "d"}, "--file-threads needs a whole number from 1 to 1024, got '0'"},
      {{"--transfers", "4.5", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '4.5'"},
      {{"--transfers=", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got ''"},
      {{"--retries", "-1", "s3://bucket", "d"}, "--retries needs a whole number of at least 0, got '-1'"},
      {{"--retries", "99999999999", "s3://bucket", "d"}, "--retries needs a whole number of at least 0"},
      {{"--verbose=lots", "s3://bucket", "d"}, "--verbose needs a whole number"},
      {{"--multi-thread-cutoff", "big", "s3://bucket", "d"}, "--multi-thread-cutoff: invalid size 'big'"},
      {{"--chunk-size", "0", "s3://bucket", "d"}, "--chunk-size needs a size above 0"},
      {{"--chunk-size", "0M", "s3://bucket", "d"}, "--chunk-size needs a size above 0"},
      {{"--chunk-size", "64X", "s3://bucket", "d"}, "--chunk-size: invalid size '64X'"},
      {{"--chunk-size", "-1M", "s3://bucket", "d"}, "--chunk-size: invalid size '-1M'"},
      {{"--buffer-size", "32K", "s3://bucket", "d"}, "--buffer-size needs at least 64K, got '32K'"},
      {{"--buffer-size", "32", "s3://bucket", "d"}, "a bare number means KiB"},
      {{"--buffer-size", "65535B", "s3://bucket", "d"}, "--buffer-size needs at least 64K"},
      {{"--stats", "10x", "s3://bucket", "d"}, "--stats: invalid duration '10x'"},
      {{"--timeout", "-5s", "s3://bucket", "d"}, "--timeout: invalid duration '-5s'"},
      {{"--contimeout", "soon", "s3://bucket", "d"}, "--contimeout: invalid duration 'soon'"},
      {{"--contimeout", "0", "s3://bucket", "d"}, "--contimeout needs a duration above 0"},
      {{"--addressing", "auto", "s3://bucket", "d"}, "--addressing needs path or virtual, got 'auto'"},
      {{"--io", "dfs", "s3://bucket", "d"}, "--io needs posix or mpiio, got 'dfs'"},
      {{"--bench", "copy", "s3://bucket"}, "--bench needs read, write or list, got 'copy'"},
      {{"--direct-io=sometimes", "s3://bucket", "d"}, "--direct-io takes auto, always or never, got 'sometimes'"},
      {{"--dry-run=maybe", "s3://bucket", "d"}, "--dry-run takes true or false, got 'maybe'"},
      {{"--ignore-existing=2", "s3://bucket", "d"}, "--ignore-existing takes true or false"},
      {{"--quiet=yes", "s3://bucket", "d"}, "--quiet takes true or false"},
      {{"--s3-force-path-style=no", "s3://bucket", "d"}, "--s3-force-path-style takes true or false"},
      {{"--bench=write", "--keep=sure", "/d"}, "--keep takes true or false"},
      {{"--config=", "s3://bucket", "d"}, "--config needs a FILE, got an empty value"},
      {{"--endpoint=", "s3://bucket", "d"}, "--endpoint needs a URL"},
      {{"--region=", "s3://bucket", "d"}, "--region needs a NAME"},
      {{"--ca-bundle=", "s3://bucket", "d"}, "--ca-bundle needs a FILE"},
      {{"--files-from=", "s3://bucket", "d"}, "--files-from needs a FILE"},
      {{"--report=", "s3://bucket", "d"}, "--report needs a FILE"},
      {{"--failed-list=", "s3://bucket", "d"}, "--failed-list needs a FILE"},
      {{"--files-from", "a", "--files-from", "b", "s3://bucket", "d"}, "--files-from given twice"},
      {{"--include", "", "s3://bucket", "d"}, "--include pattern ''"},
      {{"--include", "[a-", "s3://bucket", "d"}, "--include pattern '[a-'"},
      {{"--exclude", "{a,b", "s3://bucket", "d"}, "--exclude pattern '{a,b'"},
      {{"--iterations", "0", "--bench", "read", "s3://bucket"}, "--iterations needs a whole number of at least 1, got '0'"},
      {{"--bench=write", "--bench-files", "0", "/d"}, "--bench-files needs a whole number of at least 1, got '0'"},
      {{"--bench=write", "--bench-size", "0", "/d"}, "--bench-size needs a size above 0"},
      {{"--bench=write", "--bench-size", "1Q", "/d"}, "--bench-size: invalid size '1Q'"},
  });
}
