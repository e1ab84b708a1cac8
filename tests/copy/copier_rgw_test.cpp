// caios2dfs-mpi end to end: real mpirun, real Ceph RGW, real files. Every
// test checks the bytes on disk against the objects and the report's counts
// against the files.
#include "copier_rgw_support.hpp"

using namespace caios;
using namespace caios::testing::copier;

TEST_CASE("copies a mixed bucket byte for byte with 1, 2 and 4 ranks", "[rgw][copier]") {
  const Bucket objects = mixed_bucket();
  const std::string bucket = seed_bucket("copy", objects);
  for (int ranks : {1, 2, 4}) {
    // posix alone is the default: O_DIRECT for the chunked objects only.
    for (const std::string io : {"posix", "mpiio", "posix --direct-io", "posix --direct-io=never"}) {
      if (io != "posix" && ranks != 2) continue;  // one run each covers MPI-IO and the O_DIRECT choices
      DYNAMIC_SECTION(ranks << " ranks, io " << io) {
        const std::string dir = temp_dir("copy");
        const std::string dest = dir + "/dest";
        const std::string report = dir + "/report.json";
        Run run = run_copier(ranks, fmt::format("{} --io {} --report {} s3://{} {}", kSizeFlags, io, report, bucket, dest));
        INFO(run.output);
        REQUIRE(run.exit_code == 0);
        check_tree(dest, objects);
        check_mtimes(bucket, dest);
        const std::string expected_io = io == "mpiio"                      ? "(io mpiio)"
                                        : io == "posix --direct-io"        ? "(io posix, O_DIRECT)"
                                        : io == "posix --direct-io=never" ? "(io posix)"
                                                                           : "(io posix, O_DIRECT for files of 1.00 MiB or more)";
        CHECK(run.output.find(expected_io) != std::string::npos);
        CHECK(report_number(report, "objects_listed") == objects.size());
        CHECK(report_number(report, "objects_copied") == tree(dest).size());
        CHECK(report_number(report, "objects_failed") == 0);
        CHECK(report_number(report, "bytes_copied") == total_bytes(objects));
        CHECK(report_number(report, "ranks") == static_cast<std::uint64_t>(ranks));
        // Every single-part object is checked against its ETag's MD5 (on the
        // fly, or read back once its chunks are in, with every backend); the
        // multipart uploads of seed_bucket carry no MD5 at all.
        std::uint64_t single_part = 0;
        for (const auto& [key, data] : objects) single_part += data.size() <= 6 * 1024 * 1024;
        CHECK(report_number(report, "verified") == single_part);
        CHECK(report_number(report, "unverified") == objects.size() - single_part);
        CHECK(report_number(report, "mismatches_fetched_again") == 0);
        fs::remove_all(dir);
      }
    }
  }
}

TEST_CASE("a rerun skips everything and restores exactly what was deleted or truncated", "[rgw][copier]") {
  const Bucket objects = mixed_bucket();
  const std::string bucket = seed_bucket("rerun", objects);
  const std::string dir = temp_dir("rerun");
  const std::string dest = dir + "/dest";
  const std::string report = dir + "/report.json";
  const std::string args = fmt::format("{} --report {} s3://{} {}", kSizeFlags, report, bucket, dest);
  REQUIRE(run_copier(2, args).exit_code == 0);

  Run again = run_copier(2, args);
  INFO(again.output);
  REQUIRE(again.exit_code == 0);
  CHECK(report_number(report, "objects_copied") == 0);
  CHECK(report_number(report, "objects_skipped") == objects.size());
  CHECK(report_number(report, "bytes_copied") == 0);

  fs::remove(dest + "/one");
  fs::remove(dest + "/sizes/several chunks");
  fs::resize_file(dest + "/many/obj-07", 10);
  fs::resize_file(dest + "/sizes/cutoff+1", kCutoff);
  Run restore = run_copier(2, args);
  INFO(restore.output);
  REQUIRE(restore.exit_code == 0);
  CHECK(report_number(report, "objects_copied") == 4);
  CHECK(report_number(report, "objects_skipped") == objects.size() - 4);
  check_tree(dest, objects);
  fs::remove_all(dir);
}

TEST_CASE("a run killed mid-way leaves no incomplete file under a final name and a rerun completes it", "[rgw][copier]") {
  Bucket objects;
  for (int i = 0; i < 24; ++i) objects[fmt::format("big/part-{:02}.bin", i)] = pattern_bytes(6 * 1024 * 1024 + i, 100 + i);
  const std::string bucket = seed_bucket("kill", objects);
  const std::string dir = temp_dir("kill");
  const std::string dest = dir + "/dest";
  const RgwServer& s = RgwServer::get();
  const std::string command = fmt::format(
      "exec env -u AWS_PROFILE AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_ENDPOINT_URL={} AWS_REGION={} "
      "{} --allow-run-as-root --oversubscribe -np 2 {} --transfers 1 --buffer-size 64K --multi-thread-cutoff 4M "
      "--chunk-size 1M --stats 0 s3://{} {} >/dev/null 2>&1",
      s.access_key, s.secret_key, s.endpoint, s.region, caios::testing::test_setting("CAIOS_MPIEXEC", CAIOS_MPIEXEC_DEFAULT),
      caios::testing::test_setting("CAIOS_BIN", CAIOS_BIN_DEFAULT), bucket,
      dest);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::setpgid(0, 0);  // its own process group: mpirun and every rank
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(child, child);
  // Kill as soon as some file is complete but not all of them are.
  std::size_t finished_at_kill = 0;
  for (int i = 0; i < 3000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!fs::exists(dest + "/big")) continue;
    std::size_t finals = 0;
    for (const auto& entry : fs::directory_iterator(dest + "/big")) finals += is_temp_name(entry.path().filename().string()) ? 0 : 1;
    if (finals > 0) {
      finished_at_kill = finals;
      break;
    }
  }
  ::kill(-child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));  // it really was killed, not finished
  // mpirun may start ranks in their own sessions: kill every rank of this
  // run too (as SLURM does with a job's cgroup), and wait until none is left.
  // "[c]" keeps the pattern from matching the shell that runs pkill itself.
  const std::string ranks_of_run = fmt::format("[c]aios2dfs-mpi.*s3://{} ", bucket);
  for (int i = 0; i < 200; ++i) {
    const std::string kill_ranks = fmt::format("pkill -KILL -f '{}'", ranks_of_run);
    if (std::system(kill_ranks.c_str()) != 0) break;  // pkill: nothing matched
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(std::system(fmt::format("pgrep -f '{}' >/dev/null", ranks_of_run).c_str()) != 0);
  REQUIRE(finished_at_kill > 0);
  REQUIRE(finished_at_kill < objects.size());

  // Whatever has a final name is complete.
  for (const auto& [path, data] : tree(dest)) {
    if (is_temp_name(fs::path(path).filename().string())) continue;
    INFO("file " << path);
    CHECK(data == objects.at(path));
  }
  Run rerun = run_copier(2, fmt::format("{} s3://{} {}", kSizeFlags, bucket, dest));
  INFO(rerun.output);
  REQUIRE(rerun.exit_code == 0);
  check_tree(dest, objects);  // also proves no temporary file is left
  fs::remove_all(dir);
}

TEST_CASE("files-from lists, include/exclude filters and dry runs select what is copied", "[rgw][copier]") {
  const Bucket objects = mixed_bucket();
  const std::string bucket = seed_bucket("select", objects);
  const std::string dir = temp_dir("select");

  SECTION("--files-from takes rclone lsf output as is") {
    // Duplicates (two failed lists joined) must not make two writers of one file.
    std::ofstream(dir + "/files.txt") << "# a comment\nkeys/\nkeys/with space.bin\nsizes/several chunks\n\none\n"
                                         "sizes/several chunks\n/one\n";
    const std::string dest = dir + "/from";
    Run run = run_copier(2, fmt::format("{} --files-from {}/files.txt s3://{} {}", kSizeFlags, dir, bucket, dest));
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    check_tree(dest, Bucket{{"keys/with space.bin", objects.at("keys/with space.bin")},
                            {"sizes/several chunks", objects.at("sizes/several chunks")},
                            {"one", objects.at("one")}});
  }
  SECTION("--include and --exclude, first match wins") {
    const std::string dest = dir + "/filtered";
    Run run = run_copier(2, fmt::format("{} --exclude 'many/obj-1*' --include 'many/**' --include '*.bin' s3://{} {}",
                                        kSizeFlags, bucket, dest));
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    Bucket expected;
    for (const auto& [key, data] : objects) {
      const bool many = key.rfind("many/", 0) == 0;
      if ((many && key.rfind("many/obj-1", 0) != 0) || (!many && key.size() > 4 && key.substr(key.size() - 4) == ".bin")) {
        expected[key] = data;
      }
    }
    check_tree(dest, expected);
  }
  SECTION("--dry-run lists what would be copied and writes nothing") {
    const std::string dest = dir + "/dry";
    const std::string report = dir + "/dry.json";
    Run run = run_copier(2, fmt::format("{} --dry-run --report {} s3://{} {}", kSizeFlags, report, bucket, dest));
    INFO(run.output);
    REQUIRE(run.exit_code == 0);
    CHECK_FALSE(fs::exists(dest));
    CHECK(report_number(report, "objects_would_copy") == objects.size());
    CHECK(report_number(report, "objects_copied") == 0);
    for (const auto& [key, data] : objects) CHECK(run.output.find("would copy: " + key + " ->") != std::string::npos);
  }
  fs::remove_all(dir);
}

