// parse_command_line: defaults, positionals, the checks across flags, and
// what the options mean for the file backend (direct_io_min_size, describe_io),
// and the library versions --version prints.
#include "caios2dfs/cli/copy_options.hpp"
#include "caios2dfs/cli/command.hpp"
#include "caios2dfs/fileio/file_sink.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <mpi.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "parse_helpers.hpp"

using namespace caios;
using namespace caios::test;
using std::chrono::milliseconds;
using std::chrono::seconds;

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
  CHECK(o.file_threads == -1);  // from --transfers
  CHECK(o.multi_thread_cutoff == 64 * MiB);
  CHECK(o.chunk_size == 64 * MiB);
  CHECK(o.buffer_size == 4 * MiB);
  CHECK_FALSE(o.files_from);
  CHECK(o.filters.empty());
  CHECK_FALSE(o.ignore_existing);
  CHECK_FALSE(o.ignore_checksum);  // checks on by default
  CHECK_FALSE(o.checksum);         // skips by size and mtime
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
  CHECK(parsed({"s3://bucket", "d", "--file-threads", "3"}).file_threads == 3);
}

TEST_CASE("repeated flags: the last value wins, as in rclone", "[copy_options]") {
  CHECK(copy_with({"--transfers", "4", "--transfers=8"}).transfers == 8);
  CHECK(copy_with({"--report", "a.json", "--report", "b.json"}).failed_list == std::optional<std::string>("b.json.failed"));
  CHECK(copy_with({"--failed-list", "f", "--report", "r"}).failed_list == std::optional<std::string>("f"));
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
  const CopyOptions list = parsed({"--bench", "list", "--checkers", "64", "s3://bucket/train/"});
  CHECK(list.bench == BenchMode::list);
  CHECK(list.source == "s3://bucket/train/");
  CHECK(list.checkers == 64);
  CHECK(contains(usage_error({"--bench", "list", "s3://bucket", "/dest"}), "--bench list takes only SOURCE"));
  CHECK(contains(usage_error({"--bench", "list", "--dry-run", "s3://bucket"}),
                 "--dry-run cannot be used with --bench list"));
  CHECK(contains(usage_error({"--bench", "write"}), "missing DEST"));
  CHECK(contains(usage_error({"--bench", "write", "s3://bucket", "/dest"}), "--bench write takes only DEST"));
  CHECK(contains(usage_error({"--bench", "write", "s3://bucket"}), "DEST"));
  CHECK(contains(usage_error({"--bench", "read", "/lustre/data"}), "SOURCE"));
}

TEST_CASE("direct_io_min_size and describe_io: O_DIRECT by default for split objects", "[copy_options]") {
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
  // A cutoff of one page or less is every file that O_DIRECT can take.
  CHECK(describe_io(copy_with({"--multi-thread-cutoff", "4K"})) == "posix, O_DIRECT");
}

TEST_CASE("usage errors: flags that conflict, exit 2 with one line", "[copy_options]") {
  check_usage_errors({
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
      {{"--keep=false", "s3://bucket", "d"}, "--keep only applies with --bench"},
      {{"--direct-io", "--io", "mpiio", "s3://bucket", "d"}, "--direct-io applies to --io posix"},
      {{"--bench", "read", "--keep", "s3://bucket"}, "--keep only applies to --bench write"},
      {{"--bench", "read", "--bench-files", "3", "s3://bucket"}, "--bench-files only applies to --bench write"},
      {{"--bench", "read", "--bench-size", "3M", "s3://bucket"}, "--bench-size only applies to --bench write"},
  });
}

TEST_CASE("usage errors: SOURCE and DEST", "[copy_options]") {
  check_usage_errors({
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
  });
}

TEST_CASE("runtime_versions: libcurl with its TLS library, OpenSSL and MPI, as loaded", "[version]") {
  const std::string text = runtime_versions();
  INFO(text);
  const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
  CHECK(contains(text, fmt::format("libcurl {} (", curl->version)));
  CHECK(contains(text, OpenSSL_version(OPENSSL_VERSION)));
  char mpi[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int length = 0;
  MPI_Get_library_version(mpi, &length);
  const std::string mpi_first_line = std::string(mpi, length).substr(0, std::string(mpi, length).find('\n'));
  CHECK_FALSE(mpi_first_line.empty());
  CHECK(contains(text, "\n  " + mpi_first_line.substr(0, mpi_first_line.find(','))));  // "Open MPI v4.1.4"
  CHECK(text.back() != ' ');
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);  // three lines, no trailing newline
}
