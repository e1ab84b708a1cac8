// copy_options: the command line, rclone's flag names and conventions.
#include "caios2dfs/cli/copy_options.hpp"
#include "caios2dfs/fileio/file_sink.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

using namespace caios;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr std::uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;

std::string joined(const std::vector<std::string>& args) {
  std::string text;
  for (const auto& arg : args) text += (text.empty() ? "" : " ") + arg;
  return text;
}

ParsedCommandLine parse(std::vector<std::string> args) {
  args.insert(args.begin(), "caios2dfs-mpi");
  return parse_command_line(args);
}

CopyOptions parsed(const std::vector<std::string>& args) {
  const auto result = parse(args);
  INFO(joined(args) << " -> " << result.message);
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.options.has_value());
  CHECK(result.message.empty());
  return *result.options;
}

/// A copy with `flag_args` before the usual SOURCE and DEST.
CopyOptions copy_with(std::vector<std::string> flag_args) {
  flag_args.push_back("cw:bucket/prefix");
  flag_args.push_back("/lustre/dest");
  return parsed(flag_args);
}

std::string usage_error(const std::vector<std::string>& args) {
  const auto result = parse(args);
  INFO(joined(args) << " -> " << result.message);
  CHECK(result.exit_code == 2);
  CHECK_FALSE(result.options.has_value());
  CHECK_FALSE(result.message.empty());
  CHECK(result.message.find('\n') == std::string::npos);
  return result.message;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Parses "FLAG VALUE" and "FLAG=VALUE" (with `context` flags and the
/// positionals of a copy) and runs `check` on both results.
void both_forms(const std::string& flag, const std::string& value, const std::function<void(const CopyOptions&)>& check,
                std::vector<std::string> context = {}, std::vector<std::string> positionals = {"s3://bucket", "/dest"}) {
  for (const bool joined_form : {false, true}) {
    std::vector<std::string> args = context;
    if (joined_form) {
      args.push_back(flag + "=" + value);
    } else {
      args.push_back(flag);
      args.push_back(value);
    }
    args.insert(args.end(), positionals.begin(), positionals.end());
    INFO(joined(args));
    check(parsed(args));
  }
}

}  // namespace

TEST_CASE("defaults: a plain copy", "[copy_options]") {
  const CopyOptions o = parsed({"s3://bucket/some/prefix", "/lustre/dest"});
  const CopyOptions d;
  CHECK(o.source == "s3://bucket/some/prefix");
  CHECK(o.dest == "/lustre/dest");
  CHECK_FALSE(o.connection.config_path);
  CHECK_FALSE(o.connection.overrides.endpoint);
  CHECK_FALSE(o.connection.overrides.region);
  CHECK_FALSE(o.connection.overrides.addressing);
  CHECK_FALSE(o.connection.overrides.ca_bundle);
  CHECK(o.transfers == 16);
  CHECK(o.multi_thread_cutoff == 64 * MiB);
  CHECK(o.chunk_size == 64 * MiB);
  CHECK(o.buffer_size == 4 * MiB);
  CHECK_FALSE(o.files_from);
  CHECK(o.filters.empty());
  CHECK_FALSE(o.ignore_existing);
  CHECK_FALSE(o.dry_run);
  CHECK(o.io == IoBackend::posix);
  CHECK(o.stats_interval == milliseconds(10'000));
  CHECK_FALSE(o.report);
  CHECK_FALSE(o.failed_list);
  CHECK(o.retries == 10);
  CHECK(o.stall_timeout == seconds(60));
  CHECK(o.connect_timeout == milliseconds(10'000));
  CHECK(o.verbosity == 0);
  CHECK(o.bench == BenchMode::none);
  CHECK(o.iterations == d.iterations);
  CHECK(o.bench_files == d.bench_files);
  CHECK(o.bench_size == d.bench_size);
  CHECK_FALSE(o.keep);
}

TEST_CASE("SOURCE forms", "[copy_options]") {
  CHECK(parsed({"s3://bucket", "d"}).source == "s3://bucket");
  CHECK(parsed({"cw:bucket", "d"}).source == "cw:bucket");
  CHECK(parsed({"cw:bucket/a/b/", "d"}).source == "cw:bucket/a/b/");
  // A DEST with a colon is still a path.
  CHECK(parsed({"cw:bucket", "/scratch/run:1"}).dest == "/scratch/run:1");
  // "--" ends the options: a DEST starting with '-' is possible.
  const CopyOptions o = parsed({"--transfers", "4", "--", "s3://bucket", "-dest"});
  CHECK(o.dest == "-dest");
  CHECK(o.transfers == 4);
  // Options may follow the positionals, as with rclone.
  CHECK(parsed({"s3://bucket", "d", "--transfers=8"}).transfers == 8);
}

TEST_CASE("value flags, both forms", "[copy_options]") {
  both_forms("--config", "/etc/rclone.conf", [](const CopyOptions& o) {
    CHECK(o.connection.config_path == std::optional<std::string>("/etc/rclone.conf"));
  });
  both_forms("--endpoint", "https://cwobject.com", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.endpoint == std::optional<std::string>("https://cwobject.com"));
  });
  both_forms("--region", "US-EAST-04A", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.region == std::optional<std::string>("US-EAST-04A"));
  });
  both_forms("--addressing", "path", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.addressing == std::optional<Addressing>(Addressing::path));
  });
  both_forms("--addressing", "virtual", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.addressing == std::optional<Addressing>(Addressing::virtual_hosted));
  });
  both_forms("--addressing", "virtual-hosted", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.addressing == std::optional<Addressing>(Addressing::virtual_hosted));
  });
  both_forms("--ca-bundle", "/etc/ssl/ca.pem", [](const CopyOptions& o) {
    CHECK(o.connection.overrides.ca_bundle == std::optional<std::string>("/etc/ssl/ca.pem"));
  });
  both_forms("--transfers", "1", [](const CopyOptions& o) { CHECK(o.transfers == 1); });
  both_forms("--transfers", "1024", [](const CopyOptions& o) { CHECK(o.transfers == 1024); });
  both_forms("--multi-thread-cutoff", "256M", [](const CopyOptions& o) { CHECK(o.multi_thread_cutoff == 256 * MiB); });
  both_forms("--multi-thread-cutoff", "0", [](const CopyOptions& o) { CHECK(o.multi_thread_cutoff == 0); });
  both_forms("--chunk-size", "8M", [](const CopyOptions& o) { CHECK(o.chunk_size == 8 * MiB); });
  both_forms("--buffer-size", "16M", [](const CopyOptions& o) { CHECK(o.buffer_size == 16 * MiB); });
  both_forms("--files-from", "list.txt", [](const CopyOptions& o) {
    CHECK(o.files_from == std::optional<std::string>("list.txt"));
  });
  both_forms("--files-from", "-", [](const CopyOptions& o) { CHECK(o.files_from == std::optional<std::string>("-")); });
  both_forms("--include", "*.bin", [](const CopyOptions& o) {
    REQUIRE(o.filters.size() == 1);
    CHECK(o.filters[0].include);
    CHECK(o.filters[0].pattern == "*.bin");
  });
  both_forms("--exclude", "/tmp/**", [](const CopyOptions& o) {
    REQUIRE(o.filters.size() == 1);
    CHECK_FALSE(o.filters[0].include);
    CHECK(o.filters[0].pattern == "/tmp/**");
  });
  both_forms("--io", "mpiio", [](const CopyOptions& o) { CHECK(o.io == IoBackend::mpiio); });
  both_forms("--io", "posix", [](const CopyOptions& o) { CHECK(o.io == IoBackend::posix); });
  both_forms("--stats", "30s", [](const CopyOptions& o) { CHECK(o.stats_interval == milliseconds(30'000)); });
  both_forms("--report", "run.json", [](const CopyOptions& o) {
    CHECK(o.report == std::optional<std::string>("run.json"));
    CHECK(o.failed_list == std::optional<std::string>("run.json.failed"));
  });
  both_forms("--failed-list", "failed.txt", [](const CopyOptions& o) {
    CHECK(o.failed_list == std::optional<std::string>("failed.txt"));
    CHECK_FALSE(o.report);
  });
  both_forms("--retries", "0", [](const CopyOptions& o) { CHECK(o.retries == 0); });
  both_forms("--retries", "25", [](const CopyOptions& o) { CHECK(o.retries == 25); });
  both_forms("--timeout", "5m", [](const CopyOptions& o) { CHECK(o.stall_timeout == seconds(300)); });
  both_forms("--contimeout", "3s", [](const CopyOptions& o) { CHECK(o.connect_timeout == milliseconds(3000)); });
  both_forms("--bench", "read", [](const CopyOptions& o) {
    CHECK(o.bench == BenchMode::read);
    CHECK(o.source == "s3://bucket");
    CHECK(o.dest.empty());
  }, {}, {"s3://bucket"});
  both_forms("--bench", "write", [](const CopyOptions& o) {
    CHECK(o.bench == BenchMode::write);
    CHECK(o.source.empty());
    CHECK(o.dest == "/lustre/bench");
  }, {}, {"/lustre/bench"});
  both_forms("--iterations", "5", [](const CopyOptions& o) { CHECK(o.iterations == 5); }, {"--bench", "read"},
             {"s3://bucket"});
  both_forms("--iterations", "3", [](const CopyOptions& o) { CHECK(o.iterations == 3); }, {"--bench=write"}, {"/d"});
  both_forms("--bench-files", "100", [](const CopyOptions& o) { CHECK(o.bench_files == 100); }, {"--bench=write"},
             {"/d"});
  both_forms("--bench-size", "1G", [](const CopyOptions& o) { CHECK(o.bench_size == GiB); }, {"--bench=write"}, {"/d"});
}

TEST_CASE("switches: alone, =true, =false", "[copy_options]") {
  CHECK(copy_with({"--ignore-existing"}).ignore_existing);
  CHECK(copy_with({"--ignore-existing=true"}).ignore_existing);
  CHECK_FALSE(copy_with({"--ignore-existing", "--ignore-existing=false"}).ignore_existing);
  CHECK(copy_with({"--dry-run"}).dry_run);
  CHECK(copy_with({"-n"}).dry_run);
  CHECK(copy_with({"--dry-run=1"}).dry_run);
  CHECK_FALSE(copy_with({"--dry-run=F"}).dry_run);
  CHECK(copy_with({"-v"}).verbosity == 1);
  CHECK(copy_with({"-vv"}).verbosity == 2);
  CHECK(copy_with({"-v", "--verbose", "-v"}).verbosity == 3);
  CHECK(copy_with({"--verbose=0"}).verbosity == 0);
  CHECK(copy_with({"--verbose=2"}).verbosity == 2);
  // A switch never takes the next argument: that "2" is SOURCE, then one too many.
  CHECK(contains(usage_error({"--verbose", "2", "s3://bucket", "d"}), "unexpected argument 'd'"));
  CHECK(copy_with({"-q"}).verbosity == -1);
  CHECK(copy_with({"--quiet"}).verbosity == -1);
  CHECK(copy_with({"--quiet=false"}).verbosity == 0);
  const CopyOptions clustered = copy_with({"-nv"});
  CHECK(clustered.dry_run);
  CHECK(clustered.verbosity == 1);
  CHECK(parsed({"--bench", "write", "--keep", "/d"}).keep);
  CHECK(copy_with({"--direct-io"}).direct_io == DirectIo::always);
  CHECK(copy_with({}).direct_io == DirectIo::automatic);
  CHECK(copy_with({"--direct-io=never"}).direct_io == DirectIo::never);
  CHECK(copy_with({"--direct-io=false"}).direct_io == DirectIo::never);
  CHECK(copy_with({"--direct-io=auto"}).direct_io == DirectIo::automatic);
  CHECK(copy_with({"--direct-io=always"}).direct_io == DirectIo::always);
  CHECK(contains(usage_error({"--direct-io=sometimes", "s3://bucket", "d"}), "auto, always or never"));
  // auto: O_DIRECT for the objects that are split into chunks, and only on posix.
  CHECK(direct_io_min_size(copy_with({})) == 64ull << 20);
  CHECK(direct_io_min_size(copy_with({"--multi-thread-cutoff", "1G"})) == 1ull << 30);
  CHECK(direct_io_min_size(copy_with({"--direct-io"})) == 0);
  CHECK(direct_io_min_size(copy_with({"--direct-io=never"})) == kNoDirectIo);
  CHECK(direct_io_min_size(copy_with({"--io", "mpiio"})) == kNoDirectIo);
  CHECK(describe_io(copy_with({})) == "posix, O_DIRECT for files of 64.00 MiB or more");
  CHECK(describe_io(copy_with({"--direct-io"})) == "posix, O_DIRECT");
  CHECK(describe_io(copy_with({"--direct-io=never"})) == "posix");
  CHECK(describe_io(copy_with({"--io", "mpiio"})) == "mpiio");
  CHECK(parsed({"--bench", "write", "--keep=true", "/d"}).keep);
  CHECK_FALSE(parsed({"--bench", "write", "--keep=false", "/d"}).keep);
  CHECK(copy_with({"--s3-force-path-style"}).connection.overrides.addressing ==
        std::optional<Addressing>(Addressing::path));
  CHECK(copy_with({"--s3-force-path-style=false"}).connection.overrides.addressing ==
        std::optional<Addressing>(Addressing::virtual_hosted));
  CHECK(copy_with({"--s3-force-path-style=true", "--addressing", "path"}).connection.overrides.addressing ==
        std::optional<Addressing>(Addressing::path));
}

TEST_CASE("repeated flags: the last value wins, as in rclone", "[copy_options]") {
  CHECK(copy_with({"--transfers", "4", "--transfers=8"}).transfers == 8);
  CHECK(copy_with({"--report", "a.json", "--report", "b.json"}).failed_list == std::optional<std::string>("b.json.failed"));
  CHECK(copy_with({"--failed-list", "f", "--report", "r"}).failed_list == std::optional<std::string>("f"));
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

TEST_CASE("include and exclude rules keep their command-line order", "[copy_options]") {
  const CopyOptions o = copy_with({"--include", "*.bin", "--exclude=tmp/", "--include=/models/**", "--exclude",
                                   "*.{log,txt}", "--include", "a?c[0-9]"});
  REQUIRE(o.filters.size() == 5);
  const std::vector<std::pair<bool, std::string>> expected{
      {true, "*.bin"}, {false, "tmp/"}, {true, "/models/**"}, {false, "*.{log,txt}"}, {true, "a?c[0-9]"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK(o.filters[i].include == expected[i].first);
    CHECK(o.filters[i].pattern == expected[i].second);
  }
  // Filters also select what --bench read reads.
  CHECK(parsed({"--bench", "read", "--include", "*.bin", "s3://bucket"}).filters.size() == 1);
}

TEST_CASE("bench modes: positionals", "[copy_options]") {
  const CopyOptions read = parsed({"--bench", "read", "--iterations", "3", "cw:bucket/data"});
  CHECK(read.bench == BenchMode::read);
  CHECK(read.source == "cw:bucket/data");
  CHECK(read.dest.empty());
  CHECK(read.iterations == 3);

  const CopyOptions write = parsed({"--bench", "write", "--bench-files", "8", "--bench-size", "1M", "--keep",
                                    "--io", "mpiio", "/lustre/bench"});
  CHECK(write.bench == BenchMode::write);
  CHECK(write.source.empty());
  CHECK(write.dest == "/lustre/bench");
  CHECK(write.bench_files == 8);
  CHECK(write.bench_size == MiB);
  CHECK(write.keep);
  CHECK(write.io == IoBackend::mpiio);
  // The one positional of --bench write is DEST even when it has a colon.
  CHECK(parsed({"--bench", "write", "/scratch/a:b"}).dest == "/scratch/a:b");

  CHECK(contains(usage_error({"--bench", "read"}), "missing SOURCE"));
  CHECK(contains(usage_error({"--bench", "read", "s3://bucket", "/dest"}), "--bench read takes only SOURCE"));
  CHECK(contains(usage_error({"--bench", "write"}), "missing DEST"));
  CHECK(contains(usage_error({"--bench", "write", "s3://bucket", "/dest"}), "--bench write takes only DEST"));
  CHECK(contains(usage_error({"--bench", "write", "s3://bucket"}), "DEST"));
  CHECK(contains(usage_error({"--bench", "read", "/lustre/data"}), "SOURCE"));
}

TEST_CASE("help and version: exit 0 with text, wherever they appear", "[copy_options]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"s3://bucket", "d", "--help"}, {"-vh"}, {"--transfers", "4", "-h"}}) {
    const auto result = parse(args);
    INFO(joined(args));
    CHECK(result.exit_code == 0);
    CHECK_FALSE(result.options.has_value());
    CHECK(result.message == usage_text());
  }
  for (const auto& args : std::vector<std::vector<std::string>>{{"--version"}, {"-V"}, {"s3://bucket", "-V"}}) {
    const auto result = parse(args);
    INFO(joined(args));
    CHECK(result.exit_code == 0);
    CHECK_FALSE(result.options.has_value());
    CHECK(result.message == "caios2dfs-mpi 0.1.0");
  }
  CHECK(contains(usage_error({"--help=yes"}), "--help takes no value"));
  CHECK(contains(usage_error({"--version=1"}), "--version takes no value"));
}

TEST_CASE("usage errors: exit 2, one line that names the flag", "[copy_options]") {
  struct Case {
    std::vector<std::string> args;
    std::string expected;  // a piece of the message
  };
  const std::vector<Case> cases{
      // Options and their values.
      {{"--foo", "s3://bucket", "d"}, "unknown option --foo (see --help)"},
      {{"--foo=1", "s3://bucket", "d"}, "unknown option --foo (see --help)"},
      {{"-x", "s3://bucket", "d"}, "unknown option -x (see --help)"},
      {{"-vx", "s3://bucket", "d"}, "unknown option -x in '-vx'"},
      {{"-transfers", "4", "s3://bucket", "d"}, "long options take two dashes, write --transfers"},
      {{"--tranfsers", "4", "s3://bucket", "d"}, "unknown option --tranfsers: did you mean --transfers?"},
      {{"--dryrun", "s3://bucket", "d"}, "unknown option --dryrun: did you mean --dry-run?"},
      {{"--chunksize=1M", "s3://bucket", "d"}, "unknown option --chunksize: did you mean --chunk-size?"},
      {{"--low-level-retries", "3", "s3://bucket", "d"}, "did you mean --retries?"},
      {{"--progress", "s3://bucket", "d"}, "--stats"},
      {{"-P", "s3://bucket", "d"}, "--stats"},
      {{"s3://bucket", "d", "--transfers"}, "--transfers needs a N (--transfers N or --transfers=N)"},
      {{"--report", "--dry-run", "s3://bucket", "d"}, "--report needs a FILE before '--dry-run'"},
      {{"--transfers", "x", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got 'x'"},
      {{"--transfers", "0", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '0'"},
      {{"--transfers=1025", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '1025'"},
      {{"--transfers=-1", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '-1'"},
      {{"--transfers", "+4", "s3://bucket", "d"}, "--transfers needs a whole number from 1 to 1024, got '+4'"},
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
      {{"--bench", "copy", "s3://bucket"}, "--bench needs read or write, got 'copy'"},
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
      // Conflicts.
      {{"-v", "-q", "s3://bucket", "d"}, "-v and -q cannot be used together"},
      {{"-vq", "s3://bucket", "d"}, "-v and -q cannot be used together"},
      {{"--addressing", "virtual", "--s3-force-path-style", "s3://bucket", "d"}, "--addressing virtual contradicts"},
      {{"--bench", "write", "--files-from", "list", "/d"}, "--files-from cannot be used with --bench write"},
      {{"--bench", "write", "--include", "*.bin", "/d"}, "--include cannot be used with --bench write"},
      {{"--bench", "write", "--exclude", "*.bin", "/d"}, "--exclude cannot be used with --bench write"},
      {{"--bench", "read", "--dry-run", "s3://bucket"}, "--dry-run cannot be used with --bench read"},
      {{"--bench", "write", "-n", "/d"}, "--dry-run cannot be used with --bench write"},
      {{"--bench", "read", "--ignore-existing", "s3://bucket"}, "--ignore-existing does not apply to --bench"},
      {{"--iterations", "2", "s3://bucket", "d"}, "--iterations only applies with --bench"},
      {{"--bench-files", "2", "s3://bucket", "d"}, "--bench-files only applies with --bench"},
      {{"--bench-size", "1M", "s3://bucket", "d"}, "--bench-size only applies with --bench"},
      {{"--keep", "s3://bucket", "d"}, "--keep only applies with --bench"},
      {{"--direct-io", "--io", "mpiio", "s3://bucket", "d"}, "--direct-io applies to --io posix"},
      {{"--bench", "read", "--keep", "s3://bucket"}, "--keep only applies to --bench write"},
      {{"--bench", "read", "--bench-files", "3", "s3://bucket"}, "--bench-files only applies to --bench write"},
      {{"--bench", "read", "--bench-size", "3M", "s3://bucket"}, "--bench-size only applies to --bench write"},
      // Positionals.
      {{}, "missing SOURCE and DEST: usage caios2dfs-mpi [OPTIONS] SOURCE DEST"},
      {{"s3://bucket"}, "missing DEST: usage caios2dfs-mpi [OPTIONS] SOURCE DEST"},
      {{"s3://bucket", "d", "extra.bin"}, "unexpected argument 'extra.bin' after SOURCE and DEST"},
      {{"/lustre/data", "s3://bucket"}, "SOURCE '/lustre/data' is not an S3 location"},
      {{"/lustre/data", "s3://bucket"}, "SOURCE comes first"},
      {{"bucket", "d"}, "write s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX]"},
      {{"https://cwobject.com/bucket", "d"}, "--endpoint"},
      {{"s3://", "d"}, "SOURCE 's3://': "},
      {{"cw:", "d"}, "the bucket name is empty"},
      {{"s3://Bad_Bucket", "d"}, "not a valid bucket name"},
      {{"s3://bucket", ""}, "DEST is empty"},
      {{"s3://bucket", "s3://other"}, "DEST 's3://other' is an S3 location"},
  };
  for (const Case& c : cases) {
    const std::string message = usage_error(c.args);
    INFO(joined(c.args) << " -> " << message);
    CHECK(contains(message, c.expected));
  }
}

TEST_CASE("the help text: every flag, every default, within 100 columns", "[copy_options]") {
  const std::string help = usage_text();
  const std::vector<std::string> flags{
      "--config", "--endpoint", "--region", "--addressing", "--s3-force-path-style", "--ca-bundle", "--transfers",
      "--multi-thread-cutoff", "--chunk-size", "--buffer-size", "--files-from", "--include", "--exclude",
      "--ignore-existing", "--dry-run", "-n,", "--io", "--direct-io", "--stats", "--report", "--failed-list", "--retries",
      "--timeout", "--contimeout", "-v,", "--verbose", "-q,", "--quiet", "--bench", "--iterations", "--bench-files",
      "--bench-size", "--keep", "-h,", "--help", "-V,", "--version"};
  for (const std::string& flag : flags) {
    INFO(flag);
    CHECK(contains(help, flag));
    // Each accepted flag, and nothing the parser refuses.
    if (flag.rfind("--", 0) == 0) CHECK_FALSE(contains(parse({flag}).message, "unknown option"));
  }
  for (const char* piece :
       {"(default 16)", "(default 64M)", "(default 4M)", "(default 10)", "(default 60s", "(default 10s)",
        "(default posix)", "(default 1)", "(default: REPORT.failed", "64M", "1G", "1m30s", "KiB", "bare number",
        "RCLONE_CONFIG", "~/.config/rclone/rclone.conf", "RCLONE_CONFIG_<REMOTE>_", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_PROFILE", "~/.aws",
        "size", "modification time", "Exit codes", "srun --mpi=pmix", "mpirun", "s3://BUCKET[/PREFIX]",
        "REMOTE:BUCKET[/PREFIX]"}) {
    INFO(piece);
    CHECK(contains(help, piece));
  }
  std::istringstream lines(help);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    INFO(line);
    CHECK(line.size() <= 100);
  }
  CHECK(count <= 100);
  CHECK(help.back() != '\n');  // main adds the newline, as for every message
}
