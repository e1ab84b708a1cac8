// Access to the test Ceph RGW started by the ctest fixture (scripts/rgw-server).
// Every test makes its own bucket, so tests never see each other's objects.
#pragma once

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "caios2dfs/s3/s3_client.hpp"

namespace caios::testing {

/// $NAME if set, else the path the build compiled in (`fallback`).
inline std::string test_setting(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : (fallback != nullptr ? fallback : "");
}

#ifndef CAIOS_TEST_RGW_ENV_DEFAULT
#define CAIOS_TEST_RGW_ENV_DEFAULT nullptr
#endif

struct RgwServer {
  std::string endpoint;  ///< http://127.0.0.1:PORT
  std::string access_key;
  std::string secret_key;
  std::string region;
  int port = 0;
  /// https://localhost:PORT+1, with a certificate signed by `ca_bundle`'s
  /// private test CA (not in the system store). Empty for a server started
  /// by an rgw-server without HTTPS.
  std::string https_endpoint;
  std::string ca_bundle;  ///< DIR/ca.pem: PEM of the test CA

  /// Reads the env file named by $CAIOS_TEST_RGW_ENV (written by `rgw-server start`).
  static const RgwServer& get() {
    static const RgwServer server = load();
    return server;
  }

  Credentials credentials() const { return Credentials{access_key, secret_key, ""}; }

  S3Endpoint s3_endpoint(Addressing addressing = Addressing::path) const {
    // Virtual-hosted buckets live under "localhost" (rgw dns name), which
    // libcurl resolves to loopback for BUCKET.localhost by itself.
    const std::string url =
        addressing == Addressing::path ? endpoint : "http://localhost:" + std::to_string(port);
    return parse_endpoint(url, addressing, region).value();
  }

  /// The HTTPS endpoint. Virtual-hosted needs the bucket's exact name in the
  /// certificate: libcurl does not match *.localhost against BUCKET.localhost,
  /// so only kTlsVirtualHostBucket works that way (see scripts/rgw-server).
  S3Endpoint s3_https_endpoint(Addressing addressing = Addressing::path) const {
    if (https_endpoint.empty()) throw std::runtime_error("the test server's env has no CAIOS_TEST_HTTPS_ENDPOINT: restart it");
    return parse_endpoint(https_endpoint, addressing, region).value();
  }

  /// The one bucket name the server certificate carries (DNS:tls-vhost.localhost).
  static constexpr const char* kTlsVirtualHostBucket = "tls-vhost";

  /// A bucket name no other test (or earlier run) uses.
  static std::string unique_bucket(const std::string& stem) {
    static std::atomic<int> counter{0};
    return stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  }

 private:
  static RgwServer load() {
    const std::string path = test_setting("CAIOS_TEST_RGW_ENV", CAIOS_TEST_RGW_ENV_DEFAULT);
    if (path.empty()) throw std::runtime_error("CAIOS_TEST_RGW_ENV is not set: run these tests through ctest");
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path + ": did the rgw_start test run? (scripts/rgw-server start)");
    std::map<std::string, std::string> values;
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("export ", 0) == 0) line = line.substr(7);
      const auto eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string value = line.substr(eq + 1);
      if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
      values[line.substr(0, eq)] = value;
    }
    RgwServer server;
    server.endpoint = values["CAIOS_TEST_ENDPOINT"];
    server.access_key = values["CAIOS_TEST_ACCESS_KEY"];
    server.secret_key = values["CAIOS_TEST_SECRET_KEY"];
    server.region = values["CAIOS_TEST_REGION"];
    server.port = std::stoi(server.endpoint.substr(server.endpoint.rfind(':') + 1));
    server.https_endpoint = values["CAIOS_TEST_HTTPS_ENDPOINT"];
    server.ca_bundle = values["CAIOS_TEST_CA_BUNDLE"];
    return server;
  }
};

/// An engine + client pair bound to the test server.
struct RgwClient {
  HttpEngine engine;
  S3Client client;

  explicit RgwClient(Addressing addressing = Addressing::path, Credentials credentials = RgwServer::get().credentials(),
                     int max_retries = 3)
      : RgwClient(RgwServer::get().s3_endpoint(addressing), "", std::move(credentials), max_retries) {}

  /// Any endpoint of the test server (e.g. s3_https_endpoint()); `ca_bundle`
  /// empty means the system store.
  RgwClient(S3Endpoint endpoint, std::string ca_bundle, Credentials credentials = RgwServer::get().credentials(),
            int max_retries = 3)
      : engine(HttpEngineOptions{8, 5000, 30, 512 * 1024, std::move(ca_bundle), false}),
        client(engine, std::move(endpoint), std::move(credentials), [] { return std::chrono::system_clock::now(); },
               retry_policy(max_retries), 1) {}

  static RetryPolicy retry_policy(int max_retries) {
    RetryPolicy policy;
    policy.max_retries = max_retries;
    policy.base_delay = std::chrono::milliseconds(20);
    policy.max_delay = std::chrono::milliseconds(200);
    return policy;
  }

  Status make_bucket(const std::string& bucket) {
    return run_sync<Unit>(engine, [&](auto done) { client.create_bucket(bucket, done); });
  }
  Result<std::string> put(const std::string& bucket, const std::string& key, const std::string& data) {
    return run_sync<std::string>(engine, [&](auto done) { client.put(bucket, key, data.data(), data.size(), done); });
  }
  Result<std::string> get_bytes(const GetRequest& request, Result<GetResult>* meta = nullptr) {
    std::string bytes;
    Result<GetResult> result = run_sync<GetResult>(engine, [&](auto done) {
      client.get(
          request,
          [&](std::uint64_t offset, const char* data, std::size_t size) {
            if (offset != request.offset + bytes.size()) return false;
            bytes.append(data, size);
            return true;
          },
          done);
    });
    if (meta != nullptr) *meta = result;
    if (!result.ok()) return result.error();
    return bytes;
  }
  Result<std::vector<ObjectEntry>> list(ListRequest request, int* pages = nullptr) {
    std::vector<ObjectEntry> all;
    int page_count = 0;
    Status status = run_sync<Unit>(engine, [&](auto done) {
      client.list_all(
          request,
          [&](ListPage&& page) {
            ++page_count;
            for (ObjectEntry& e : page.objects) all.push_back(std::move(e));
            return true;
          },
          done);
    });
    if (pages != nullptr) *pages = page_count;
    if (!status.ok()) return status.error();
    return all;
  }
};

/// Deterministic bytes, different for every (seed, offset).
inline std::string pattern_bytes(std::size_t size, unsigned seed) {
  std::string data(size, '\0');
  std::uint64_t x = 0x9E3779B97F4A7C15ull * (seed + 1);
  for (std::size_t i = 0; i < size; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    data[i] = static_cast<char>(x);
  }
  return data;
}

}  // namespace caios::testing
