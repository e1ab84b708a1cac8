// caios2dfs-mpi end to end: real mpirun, real Ceph RGW, real files. Every
// test checks the bytes on disk against the objects and the report's counts
// against the files.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "caios2dfs/copy/key_path.hpp"
#include "support/rgw_server.hpp"

using namespace caios;
using caios::testing::pattern_bytes;
using caios::testing::RgwClient;
using caios::testing::RgwServer;
namespace fs = std::filesystem;

namespace {

using Bucket = std::map<std::string, std::string>;  // key -> content

// Small sizes so a test bucket is a few MB; the flags below make them span
// the chunk size and the cutoff.
constexpr std::size_t kChunk = 256 * 1024;
constexpr std::size_t kCutoff = 1024 * 1024;
const std::string kSizeFlags = "--multi-thread-cutoff 1M --chunk-size 256K --buffer-size 64K --transfers 4 --stats 0";

Bucket mixed_bucket() {
  Bucket b;
  const std::vector<std::pair<std::string, std::size_t>> sized = {
      {"zero", 0},
      {"one", 1},
      {"sizes/chunk-1", kChunk - 1},
      {"sizes/chunk", kChunk},
      {"sizes/chunk+1", kChunk + 1},
      {"sizes/cutoff-1", kCutoff - 1},
      {"sizes/cutoff", kCutoff},
      {"sizes/cutoff+1", kCutoff + 1},
      {"sizes/several chunks", 3 * kCutoff + 12345},
      {"a/b/c/d/deep.bin", 777},
      {"keys/with space.bin", 100},
      {"keys/plus+sign.bin", 101},
      {"keys/percent%25 and %.bin", 102},
      {"keys/unicodé 😊 한글.bin", 103},
      {"keys/tilde~=eq.bin", 104},
  };
  unsigned seed = 1;
  for (const auto& [key, size] : sized) b[key] = pattern_bytes(size, seed++);
  for (int i = 0; i < 40; ++i) b[fmt::format("many/obj-{:02}", i)] = pattern_bytes(1000 + 37 * i, seed++);
  return b;
}

std::string seed_bucket(const std::string& stem, const Bucket& objects) {
  RgwClient t;
  const std::string bucket = RgwServer::unique_bucket(stem);
  REQUIRE(t.make_bucket(bucket).ok());
  for (const auto& [key, data] : objects) {
    Result<std::string> put = data.size() > 6 * 1024 * 1024
                                  ? run_sync<std::string>(t.engine, [&](auto done) {
                                      t.client.put_multipart(bucket, key, data.data(), data.size(), 5 << 20, done);
                                    })
                                  : t.put(bucket, key, data);
    REQUIRE(put.ok());
  }
  return bucket;
}

struct Run {
  int exit_code = -1;
  std::string output;
};

/// mpirun -np N caios2dfs-mpi ARGS with the test server's credentials and
/// HTTP endpoint in the environment (no AWS_CA_BUNDLE from the caller's).
Run run_copier(int ranks, const std::string& args) {
  const RgwServer& s = RgwServer::get();
  const std::string binary = caios::testing::test_setting("CAIOS_BIN", CAIOS_BIN_DEFAULT);
  const std::string mpiexec = caios::testing::test_setting("CAIOS_MPIEXEC", CAIOS_MPIEXEC_DEFAULT);
  const std::string command = fmt::format(
      "env -u AWS_PROFILE -u AWS_CA_BUNDLE AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_ENDPOINT_URL={} AWS_REGION={} "
      "{} --allow-run-as-root --oversubscribe -np {} {} {} 2>&1",
      s.access_key, s.secret_key, s.endpoint, s.region, mpiexec, ranks, binary, args);
  Run run;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string temp_dir(const std::string& stem) {
  std::string pattern = fmt::format("/tmp/caios2dfs-test-{}-XXXXXX", stem);
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Every regular file under `root`, relative path -> content.
std::map<std::string, std::string> tree(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files[fs::relative(entry.path(), root).string()] = read_file(entry.path());
  }
  return files;
}

/// DEST must hold exactly `expected` (as relative paths), byte for byte.
void check_tree(const std::string& dest, const Bucket& expected) {
  const auto files = tree(dest);
  std::set<std::string> want, got;
  for (const auto& [key, data] : expected) want.insert(key);
  for (const auto& [path, data] : files) got.insert(path);
  CHECK(got == want);
  for (const auto& [key, data] : expected) {
    auto it = files.find(key);
    if (it == files.end()) continue;
    INFO("file " << key);
    CHECK(it->second.size() == data.size());
    CHECK(it->second == data);
  }
}

/// The file mtimes equal the objects' Last-Modified (listing precision).
void check_mtimes(const std::string& bucket, const std::string& dest) {
  RgwClient t;
  auto listed = t.list(ListRequest{bucket, "", "", "", 0});
  REQUIRE(listed.ok());
  for (const ObjectEntry& e : *listed) {
    struct stat st {};
    REQUIRE(::stat((dest + "/" + e.key).c_str(), &st) == 0);
    const std::int64_t mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    INFO("file " << e.key);
    CHECK(std::llabs(mtime_ns - e.mtime_ns) < 1'000'000);
  }
}

/// A top-level number from the JSON report, after checking that it parses.
std::uint64_t report_number(const std::string& report_path, const std::string& field) {
  const std::string check = fmt::format("python3 -c 'import json,sys; json.load(open(sys.argv[1]))' {}", report_path);
  REQUIRE(std::system(check.c_str()) == 0);
  const std::string text = read_file(report_path);
  const std::regex pattern("\"" + field + "\": ([0-9]+)");
  std::smatch match;
  REQUIRE(std::regex_search(text, match, pattern));
  return std::stoull(match[1].str());
}

std::uint64_t total_bytes(const Bucket& b) {
  std::uint64_t sum = 0;
  for (const auto& [key, data] : b) sum += data.size();
  return sum;
}

}  // namespace

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

TEST_CASE("keys that would escape DEST are refused and nothing is written outside it", "[rgw][copier]") {
  Bucket objects = {{"../escape", "x"},      {"a/../../escape2", "y"}, {"/abs", "z"}, {"./dot", "d"},
                    {"a//b", "double"},      {"fine/ok.txt", "ok"},    {"dir/", ""},  {"clash", "file"},
                    {"clash/inner", "inner"}};
  const std::string bucket = seed_bucket("escape", objects);
  RgwClient t;
  auto listed = t.list(ListRequest{bucket, "", "", "", 0});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == objects.size());  // RGW stored every key as given

  const std::string dir = temp_dir("escape");
  const std::string dest = dir + "/deep/dest";
  const std::string report = dir + "/report.json";
  Run run = run_copier(2, fmt::format("{} --report {} s3://{} {}", kSizeFlags, report, bucket, dest));
  INFO(run.output);
  CHECK(run.exit_code == 1);  // some objects could not be copied
  // Outside DEST: only what the test made.
  std::set<std::string> outside;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    const std::string relative = fs::relative(entry.path(), dir).string();
    if (relative.rfind("deep/dest", 0) != 0) outside.insert(relative);
  }
  CHECK(outside == std::set<std::string>{"deep", "report.json", "report.json.failed"});
  CHECK_FALSE(fs::exists("/abs"));
  CHECK(read_file(dest + "/fine/ok.txt") == "ok");
  CHECK(fs::is_directory(dest + "/dir"));
  // Exactly one of "clash" and "clash/inner" can exist; the other is reported.
  const bool clash_file = fs::is_regular_file(dest + "/clash");
  const bool clash_dir = fs::is_regular_file(dest + "/clash/inner");
  CHECK(clash_file != clash_dir);
  CHECK(report_number(report, "objects_failed") == 6);
  CHECK(report_number(report, "objects_copied") == tree(dest).size());
  const std::string failed = read_file(report + ".failed");
  for (const std::string key : {"../escape", "a/../../escape2", "./dot", "a//b"}) {
    CHECK(failed.find(key + "\n") != std::string::npos);
  }
  for (const std::string key : {"../escape", "/abs", "a//b"}) CHECK(run.output.find(key) != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("idle ranks steal work so every rank copies even when nothing is dealt", "[rgw][copier]") {
  Bucket objects;
  for (int i = 0; i < 12; ++i) objects[fmt::format("big/{:02}.bin", i)] = pattern_bytes(3 * 1024 * 1024 + i, 300 + i);
  for (int i = 0; i < 200; ++i) objects[fmt::format("small/{:03}", i)] = pattern_bytes(5000 + i, 600 + i);
  const std::string bucket = seed_bucket("steal", objects);
  const std::string dir = temp_dir("steal");
  const std::string dest = dir + "/dest";
  const std::string report = dir + "/report.json";
  ::setenv("CAIOS2DFS_TEST_STEAL_ONLY", "1", 1);
  Run run = run_copier(4, fmt::format("--multi-thread-cutoff 1M --chunk-size 256K --buffer-size 64K --transfers 2 "
                                      "--stats 50ms --report {} s3://{} {}",
                                      report, bucket, dest));
  ::unsetenv("CAIOS2DFS_TEST_STEAL_ONLY");
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  check_tree(dest, objects);
  CHECK(report_number(report, "objects_copied") == objects.size());
  // Rank 0 held all the work; the other three got theirs by stealing.
  const std::string text = read_file(report);
  const std::regex rank_bytes("\"rank\": ([0-9]+),\\s*\"bytes\": ([0-9]+)");
  int ranks_with_bytes = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), rank_bytes); it != std::sregex_iterator(); ++it) {
    if (std::stoull((*it)[2].str()) > 0) ++ranks_with_bytes;
  }
  CHECK(ranks_with_bytes == 4);
  // --stats: plain progress lines for a log.
  CHECK(run.output.find("listed 212") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("benchmark modes: read fetches every object per iteration and write leaves nothing behind", "[rgw][copier][bench]") {
  const Bucket objects = mixed_bucket();
  const std::string bucket = seed_bucket("bench", objects);
  const std::string dir = temp_dir("bench");
  const std::string report = dir + "/read.json";
  Run read = run_copier(2, fmt::format("{} --bench read --iterations 2 --report {} s3://{}", kSizeFlags, report, bucket));
  INFO(read.output);
  REQUIRE(read.exit_code == 0);
  CHECK(report_number(report, "bytes_copied") == 2 * total_bytes(objects));
  CHECK(report_number(report, "objects_copied") == 2 * objects.size());
  CHECK(report_number(report, "iterations") == 2);
  CHECK(read.output.find("p99") != std::string::npos);
  CHECK(tree(dir).size() == 2);  // only the report and its (empty) failed list: nothing was written
  CHECK(read_file(report + ".failed").empty());

  for (const std::string io : {"posix", "mpiio", "posix --direct-io"}) {
    const std::string write_report = dir + "/write-" + std::to_string(io.size()) + ".json";
    Run write = run_copier(2, fmt::format("--bench write --io {} --bench-files 3 --bench-size 1M --buffer-size 256K "
                                          "--report {} {}/fs",
                                          io, write_report, dir));
    INFO(write.output);
    REQUIRE(write.exit_code == 0);
    CHECK(report_number(write_report, "bytes_copied") == 2 * 3 * (1 << 20));
    CHECK(report_number(write_report, "objects_copied") == 6);
    CHECK(tree(dir + "/fs").empty());  // removed without --keep
  }
  Run keep = run_copier(2, fmt::format("--bench write --bench-files 2 --bench-size 100K --keep {}/kept", dir));
  REQUIRE(keep.exit_code == 0);
  const auto kept = tree(dir + "/kept");
  REQUIRE(kept.size() == 4);
  for (const auto& [path, data] : kept) CHECK(data.size() == 100 * 1024);
  fs::remove_all(dir);
}

TEST_CASE("bad credentials and a missing bucket stop every rank with status 2 before any data moves", "[rgw][copier]") {
  const std::string dir = temp_dir("bad");
  Run missing = run_copier(2, fmt::format("--stats 0 s3://no-such-bucket-anywhere {}/dest", dir));
  CHECK(missing.exit_code == 2);
  CHECK(missing.output.find("NoSuchBucket") != std::string::npos);
  Run usage = run_copier(2, "--transfers zero s3://x/y /tmp/z");
  CHECK(usage.exit_code == 2);
  CHECK(usage.output.find("--transfers") != std::string::npos);
  CHECK_FALSE(fs::exists("/tmp/z"));
  fs::remove_all(dir);
}

TEST_CASE("the copier works over HTTPS with --ca-bundle", "[rgw][copier][tls]") {
  const RgwServer& s = RgwServer::get();
  Bucket objects = mixed_bucket();
  // A few sizes around the chunk and the cutoff are enough over TLS.
  for (auto it = objects.begin(); it != objects.end();) it = it->first.rfind("many/", 0) == 0 ? objects.erase(it) : ++it;
  const std::string bucket = seed_bucket("tls", objects);
  const std::string dir = temp_dir("tls");
  const std::string dest = dir + "/dest";
  // run_copier puts the HTTP endpoint in AWS_ENDPOINT_URL; --endpoint must
  // beat it, which -v shows and the failing run below proves (over HTTP it
  // would succeed without any CA).
  Run run = run_copier(2, fmt::format("{} -v --endpoint {} --ca-bundle {} s3://{} {}", kSizeFlags, s.https_endpoint,
                                      s.ca_bundle, bucket, dest));
  INFO(run.output);
  REQUIRE(run.exit_code == 0);
  CHECK(run.output.find("endpoint " + s.https_endpoint) != std::string::npos);
  check_tree(dest, objects);
  check_mtimes(bucket, dest);

  const std::string untrusted_dest = dir + "/untrusted";
  Run untrusted = run_copier(2, fmt::format("{} --endpoint {} s3://{} {}", kSizeFlags, s.https_endpoint, bucket,
                                            untrusted_dest));
  INFO(untrusted.output);
  CHECK(untrusted.exit_code == 2);  // the bucket is unreachable, found before any data moves
  CHECK(untrusted.output.find("certificate") != std::string::npos);
  CHECK(untrusted.output.find("--ca-bundle") != std::string::npos);
  CHECK((!fs::exists(untrusted_dest) || tree(untrusted_dest).empty()));
  fs::remove_all(dir);
}
