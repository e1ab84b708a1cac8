// caios2dfs-mpi end to end, the edges: hostile keys, stealing alone,
// benchmark modes, start-up failures and HTTPS. Real mpirun, real Ceph RGW,
// real files.
#include "copier_rgw_support.hpp"

using namespace caios;
using namespace caios::testing::copier;

TEST_CASE("keys that would escape DEST are refused and nothing is written outside it", "[rgw][copier]") {
  Bucket objects = {{"../escape", "x"},      {"a/../../escape2", "y"}, {"/abs", "z"}, {"./dot", "d"},
                    {"a//b", "double"},      {"fine/ok.txt", "ok"},    {"dir/", ""},  {"clash", "file"},
                    {"clash/inner", "inner"}};
  const std::string bucket = seed_bucket("escape", objects);
  RgwClient t;
  auto listed = t.list(ListRequest{bucket, "", "", "", 0, ""});
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
