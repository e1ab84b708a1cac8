// SOURCE naming one object, as rclone takes it: the object lands as
// DEST/<basename>, a large one still in chunks over every rank; an object
// that is also a prefix is copied alone, with a note; a trailing '/' asks
// for the prefix. Real mpirun, real Ceph RGW, real files.
#include <regex>

#include "copier_rgw_support.hpp"

using namespace caios;
using namespace caios::testing::copier;

namespace {

Bucket checkpoint_bucket() {
  return Bucket{{"ckpt/model.bin", pattern_bytes(24 * kChunk + 123, 41)},  // 25 chunks
                {"ckpt/model.bin/shard0", pattern_bytes(3000, 42)},
                {"ckpt/config.json", "{\"layers\": 2}"},
                {"ckpt/other/x", "x"},
                {"top.txt", "top"}};
}

/// Ranks that report bytes read in the JSON report.
int ranks_with_bytes(const std::string& report) {
  const std::string text = read_file(report);
  const std::regex rank_bytes("\"rank\": ([0-9]+),\\s*\"bytes\": ([0-9]+)");
  int ranks = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), rank_bytes); it != std::sregex_iterator(); ++it) {
    if (std::stoull((*it)[2].str()) > 0) ++ranks;
  }
  return ranks;
}

}  // namespace

TEST_CASE("SOURCE naming an object copies it to DEST/<basename>, whole or in chunks over the ranks",
          "[rgw][copier][single]") {
  const Bucket objects = checkpoint_bucket();
  const std::string bucket = seed_bucket("single", objects);
  const std::string dir = temp_dir("single");
  const std::string report = dir + "/report.json";

  Run small = run_copier(2, fmt::format("{} --report {} s3://{}/ckpt/config.json {}/small", kSizeFlags, report,
                                        bucket, dir));
  INFO(small.output);
  REQUIRE(small.exit_code == 0);
  CHECK(tree(dir + "/small") == std::map<std::string, std::string>{{"config.json", objects.at("ckpt/config.json")}});
  CHECK(report_number(report, "objects_copied") == 1);

  Run top = run_copier(1, fmt::format("{} s3://{}/top.txt {}/top", kSizeFlags, bucket, dir));
  INFO(top.output);
  REQUIRE(top.exit_code == 0);
  CHECK(tree(dir + "/top") == std::map<std::string, std::string>{{"top.txt", "top"}});

  // Both an object and a prefix: the object only, as rclone, and a note.
  Run large = run_copier(4, fmt::format("{} --report {} s3://{}/ckpt/model.bin {}/large", kSizeFlags, report,
                                        bucket, dir));
  INFO(large.output);
  REQUIRE(large.exit_code == 0);
  CHECK(tree(dir + "/large") == std::map<std::string, std::string>{{"model.bin", objects.at("ckpt/model.bin")}});
  CHECK(large.output.find("'ckpt/model.bin' is an object and also a prefix") != std::string::npos);
  CHECK(report_number(report, "objects_copied") == 1);
  CHECK(report_number(report, "bytes_copied") == objects.at("ckpt/model.bin").size());
  CHECK(ranks_with_bytes(report) >= 2);  // its chunks went to more than one rank
  fs::remove_all(dir);
}

TEST_CASE("SOURCE ending with '/' is the prefix; SOURCE naming nothing says so", "[rgw][copier][single]") {
  const Bucket objects = checkpoint_bucket();
  const std::string bucket = seed_bucket("prefix", objects);
  const std::string dir = temp_dir("prefix");

  Run slash = run_copier(2, fmt::format("{} s3://{}/ckpt/model.bin/ {}/tree", kSizeFlags, bucket, dir));
  INFO(slash.output);
  REQUIRE(slash.exit_code == 0);
  CHECK(tree(dir + "/tree") == std::map<std::string, std::string>{{"shard0", objects.at("ckpt/model.bin/shard0")}});
  CHECK(slash.output.find("also a prefix") == std::string::npos);

  // No trailing '/' and no such object: the prefix, as before.
  Run dir_like = run_copier(2, fmt::format("{} s3://{}/ckpt/other {}/other", kSizeFlags, bucket, dir));
  INFO(dir_like.output);
  REQUIRE(dir_like.exit_code == 0);
  CHECK(tree(dir + "/other") == std::map<std::string, std::string>{{"x", "x"}});

  Run nothing = run_copier(2, fmt::format("{} s3://{}/ckpt/missing {}/none", kSizeFlags, bucket, dir));
  INFO(nothing.output);
  CHECK(nothing.exit_code == 0);
  CHECK(nothing.output.find("no object named 'ckpt/missing' and no objects under 'ckpt/missing/'") !=
        std::string::npos);
  CHECK((!fs::exists(dir + "/none") || tree(dir + "/none").empty()));
  fs::remove_all(dir);
}
