// Helpers of the caios2dfs-mpi end-to-end tests (copier_rgw_test.cpp and
// copier_rgw_edge_test.cpp): seeding buckets on the real RGW, running the
// real binary under mpirun, reading back the tree and the report.
#pragma once

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

namespace caios::testing::copier {

using caios::testing::pattern_bytes;
using caios::testing::RgwClient;
using caios::testing::RgwServer;
namespace fs = std::filesystem;


using Bucket = std::map<std::string, std::string>;  // key -> content

// Small sizes so a test bucket is a few MB; the flags below make them span
// the chunk size and the cutoff.
constexpr std::size_t kChunk = 256 * 1024;
constexpr std::size_t kCutoff = 1024 * 1024;
inline const std::string kSizeFlags = "--multi-thread-cutoff 1M --chunk-size 256K --buffer-size 64K --transfers 4 --stats 0";

inline Bucket mixed_bucket() {
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

inline std::string seed_bucket(const std::string& stem, const Bucket& objects) {
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
inline Run run_copier(int ranks, const std::string& args) {
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

inline std::string temp_dir(const std::string& stem) {
  std::string pattern = fmt::format("/tmp/caios2dfs-test-{}-XXXXXX", stem);
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Every regular file under `root`, relative path -> content.
inline std::map<std::string, std::string> tree(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files[fs::relative(entry.path(), root).string()] = read_file(entry.path());
  }
  return files;
}

/// DEST must hold exactly `expected` (as relative paths), byte for byte.
inline void check_tree(const std::string& dest, const Bucket& expected) {
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
inline void check_mtimes(const std::string& bucket, const std::string& dest) {
  RgwClient t;
  auto listed = t.list(ListRequest{bucket, "", "", "", 0, ""});
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
inline std::uint64_t report_number(const std::string& report_path, const std::string& field) {
  const std::string check = fmt::format("python3 -c 'import json,sys; json.load(open(sys.argv[1]))' {}", report_path);
  REQUIRE(std::system(check.c_str()) == 0);
  const std::string text = read_file(report_path);
  const std::regex pattern("\"" + field + "\": ([0-9]+)");
  std::smatch match;
  REQUIRE(std::regex_search(text, match, pattern));
  return std::stoull(match[1].str());
}

inline std::uint64_t total_bytes(const Bucket& b) {
  std::uint64_t sum = 0;
  for (const auto& [key, data] : b) sum += data.size();
  return sum;
}

}  // namespace caios::testing::copier
