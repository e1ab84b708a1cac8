// The S3 client against a real S3 server: Ceph RGW on loopback, which checks
// SigV4 strictly. Started by the ctest fixture "rgw".
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "support/rgw_server.hpp"

using namespace caios;
using caios::testing::pattern_bytes;
using caios::testing::RgwClient;
using caios::testing::RgwServer;

TEST_CASE("listing pages through more keys than one page, in key order", "[rgw][list]") {
  RgwClient t;
  const std::string bucket = RgwServer::unique_bucket("list");
  REQUIRE(t.make_bucket(bucket).ok());
  std::set<std::string> keys;
  for (int i = 0; i < 23; ++i) {
    const std::string key = fmt::format("dir{}/obj-{:03}", i % 3, i);
    REQUIRE(t.put(bucket, key, pattern_bytes(i, i)).ok());
    keys.insert(key);
  }
  int pages = 0;
  ListRequest request{bucket, "", "", "", 5, ""};
  auto listed = t.list(request, &pages);
  REQUIRE(listed.ok());
  CHECK(pages == 5);
  std::vector<std::string> names;
  for (const ObjectEntry& e : *listed) names.push_back(e.key);
  CHECK(names == std::vector<std::string>(keys.begin(), keys.end()));
  for (const ObjectEntry& e : *listed) {
    const int i = std::stoi(e.key.substr(e.key.size() - 3));
    CHECK(e.size == static_cast<std::uint64_t>(i));
    CHECK(e.etag.front() == '"');
    CHECK(e.mtime_ns > 0);
  }

  SECTION("a prefix lists only its keys") {
    auto dir1 = t.list(ListRequest{bucket, "dir1/", "", "", 2, ""});
    REQUIRE(dir1.ok());
    CHECK(dir1->size() == 8);
    for (const ObjectEntry& e : *dir1) CHECK(e.key.rfind("dir1/", 0) == 0);
  }
  SECTION("start-after skips keys up to and including the given one") {
    auto after = t.list(ListRequest{bucket, "", "", "dir2/obj-011", 0, ""});
    REQUIRE(after.ok());
    REQUIRE_FALSE(after->empty());
    CHECK(after->front().key == "dir2/obj-014");
  }
}

TEST_CASE("keys with space, +, %, ~, =, unicode and // round-trip through list and get", "[rgw][list][encoding]") {
  RgwClient t;
  const std::string bucket = RgwServer::unique_bucket("enc");
  REQUIRE(t.make_bucket(bucket).ok());
  const std::vector<std::string> keys = {"a b.txt",   "a+b.txt",     "100%.csv",       "tilde~eq=.bin",
                                         "한글/x.txt", "emoji 😊+%/f", "a//b",           "run books/x+y%25z",
                                         "q?&#.bin",  "semi;colon,comma'quote\"", "dollar$at@"};
  for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(t.put(bucket, keys[i], "content of " + keys[i]).ok());
  auto listed = t.list(ListRequest{bucket, "", "", "", 4, ""});
  REQUIRE(listed.ok());
  std::set<std::string> got;
  for (const ObjectEntry& e : *listed) got.insert(e.key);
  CHECK(got == std::set<std::string>(keys.begin(), keys.end()));
  for (const std::string& key : keys) {
    auto bytes = t.get_bytes(GetRequest{bucket, key, 0, 0, ""});
    REQUIRE(bytes.ok());
    CHECK(*bytes == "content of " + key);
  }
  auto prefixed = t.list(ListRequest{bucket, "run books/", "", "", 0, ""});
  REQUIRE(prefixed.ok());
  REQUIRE(prefixed->size() == 1);
  CHECK(prefixed->front().key == "run books/x+y%25z");
}

TEST_CASE("ranged GETs at odd offsets and across the end return exactly those bytes", "[rgw][get]") {
  RgwClient t;
  const std::string bucket = RgwServer::unique_bucket("range");
  REQUIRE(t.make_bucket(bucket).ok());
  const std::string object = pattern_bytes(1'000'003, 7);
  REQUIRE(t.put(bucket, "big.bin", object).ok());
  REQUIRE(t.put(bucket, "empty", "").ok());

  struct Case { std::uint64_t offset, length; };
  for (Case c : {Case{0, 1}, Case{1, 4095}, Case{4097, 65537}, Case{999'999, 4}, Case{500'001, 499'999}}) {
    auto bytes = t.get_bytes(GetRequest{bucket, "big.bin", c.offset, c.length, ""});
    REQUIRE(bytes.ok());
    CHECK(*bytes == object.substr(c.offset, c.length));
  }
  SECTION("a range across the end returns the tail") {
    Result<GetResult> meta = Error{};
    auto tail = t.get_bytes(GetRequest{bucket, "big.bin", 1'000'000, 100, ""}, &meta);
    REQUIRE(tail.ok());
    CHECK(*tail == object.substr(1'000'000));
    CHECK(meta->object_size == object.size());
  }
  SECTION("the whole object, and an empty one") {
    Result<GetResult> meta = Error{};
    auto whole = t.get_bytes(GetRequest{bucket, "big.bin", 0, 0, ""}, &meta);
    REQUIRE(whole.ok());
    CHECK(*whole == object);
    CHECK(meta->mtime_ns > 0);
    auto empty = t.get_bytes(GetRequest{bucket, "empty", 0, 0, ""});
    REQUIRE(empty.ok());
    CHECK(empty->empty());
  }
  SECTION("a range past the end is a clear non-retried error") {
    Result<GetResult> meta = Error{};
    auto past = t.get_bytes(GetRequest{bucket, "big.bin", 2'000'000, 10, ""}, &meta);
    REQUIRE_FALSE(past.ok());
    CHECK(past.error().http_status == 416);
    CHECK_FALSE(past.error().retryable);
  }
  SECTION("HEAD gives size, ETag and Last-Modified") {
    auto info = run_sync<ObjectInfo>(t.engine, [&](auto done) { t.client.head(bucket, "big.bin", done); });
    REQUIRE(info.ok());
    CHECK(info->size == object.size());
    CHECK(info->etag.size() > 2);
    CHECK(info->mtime_ns > 0);
  }
}

TEST_CASE("multipart uploads get a -N ETag, and If-Match detects a changed object", "[rgw][get][multipart]") {
  RgwClient t;
  const std::string bucket = RgwServer::unique_bucket("mpu");
  REQUIRE(t.make_bucket(bucket).ok());
  const std::string object = pattern_bytes(12 * 1024 * 1024 + 5, 3);
  auto etag = run_sync<std::string>(t.engine, [&](auto done) {
    t.client.put_multipart(bucket, "parts.bin", object.data(), object.size(), 5 * 1024 * 1024, done);
  });
  REQUIRE(etag.ok());
  CHECK(etag->find("-3") != std::string::npos);
  auto listed = t.list(ListRequest{bucket, "", "", "", 0, ""});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  const std::string listed_etag = listed->front().etag;
  CHECK(listed_etag.find("-3\"") != std::string::npos);

  auto middle = t.get_bytes(GetRequest{bucket, "parts.bin", 5 * 1024 * 1024 - 3, 7, listed_etag});
  REQUIRE(middle.ok());
  CHECK(*middle == object.substr(5 * 1024 * 1024 - 3, 7));

  REQUIRE(t.put(bucket, "parts.bin", "replaced").ok());
  auto changed = t.get_bytes(GetRequest{bucket, "parts.bin", 0, 4, listed_etag});
  REQUIRE_FALSE(changed.ok());
  CHECK(changed.error().kind == ErrorKind::changed);
  CHECK(changed.error().http_status == 412);
}

TEST_CASE("virtual-hosted and path-style addressing reach the same objects", "[rgw][addressing]") {
  RgwClient path_client(Addressing::path);
  RgwClient virtual_client(Addressing::virtual_hosted);
  const std::string bucket = RgwServer::unique_bucket("vhost");
  REQUIRE(virtual_client.make_bucket(bucket).ok());
  REQUIRE(virtual_client.put(bucket, "via virtual/a b", "hello").ok());
  REQUIRE(path_client.put(bucket, "via path/c+d", "world").ok());
  for (RgwClient* t : {&path_client, &virtual_client}) {
    auto listed = t->list(ListRequest{bucket, "", "", "", 1, ""});
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    CHECK((*listed)[0].key == "via path/c+d");
    CHECK((*listed)[1].key == "via virtual/a b");
    CHECK(t->get_bytes(GetRequest{bucket, "via virtual/a b", 1, 3, ""}).value() == "ell");
  }
}

TEST_CASE("a wrong secret is a clear signature error and is not retried", "[rgw][errors]") {
  Credentials wrong = RgwServer::get().credentials();
  wrong.secret_access_key = "definitely-not-the-secret";
  RgwClient t(Addressing::path, wrong, 5);
  auto listed = t.list(ListRequest{"any-bucket", "", "", "", 0, ""});
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().kind == ErrorKind::auth);
  CHECK(listed.error().s3_code == "SignatureDoesNotMatch");
  CHECK(listed.error().http_status == 403);
  CHECK(t.client.stats().retries == 0);
  CHECK(listed.error().to_string().find("definitely-not-the-secret") == std::string::npos);
}

TEST_CASE("a missing bucket is NoSuchBucket, not retried", "[rgw][errors]") {
  RgwClient t(Addressing::path, RgwServer::get().credentials(), 5);
  auto listed = t.list(ListRequest{"no-such-bucket-here", "", "", "", 0, ""});
  REQUIRE_FALSE(listed.ok());
  CHECK(listed.error().kind == ErrorKind::not_found);
  CHECK(listed.error().s3_code == "NoSuchBucket");
  CHECK(t.client.stats().retries == 0);
  auto missing_key = RgwClient().get_bytes(GetRequest{"no-such-bucket-here", "k", 0, 0, ""});
  REQUIRE_FALSE(missing_key.ok());
  CHECK(missing_key.error().kind == ErrorKind::not_found);
}

TEST_CASE("a stopped server gives a connection error after bounded retries", "[rgw][errors]") {
  // The fixture's server keeps running for other tests; a port on the same
  // host where nothing listens is what a stopped RGW looks like to a client.
  HttpEngine engine(HttpEngineOptions{2, 2000, 30, 512 * 1024, {}, false});
  S3Client client(engine, parse_endpoint("http://127.0.0.1:9", Addressing::path, "").value(),
                  RgwServer::get().credentials(), [] { return std::chrono::system_clock::now(); },
                  RgwClient::retry_policy(2), 1);
  auto result = run_sync<ListPage>(engine, [&](auto done) { client.list_page(ListRequest{"b", "", "", "", 0, ""}, done); });
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::network);
  CHECK(client.stats().retries == 2);
  CHECK(result.error().to_string().find("127.0.0.1") != std::string::npos);
}

TEST_CASE("s3tool lists a bucket and fetches one object by hand", "[rgw][tool]") {
  RgwClient t;
  const std::string bucket = RgwServer::unique_bucket("tool");
  REQUIRE(t.make_bucket(bucket).ok());
  const std::string object = pattern_bytes(70'000, 9);
  REQUIRE(t.put(bucket, "x/y z.bin", object).ok());
  const RgwServer& s = RgwServer::get();
  const std::string tool = caios::testing::test_setting("CAIOS_S3TOOL", CAIOS_S3TOOL_DEFAULT);
  REQUIRE_FALSE(tool.empty());
  const std::string env = fmt::format(
      "env -u AWS_PROFILE AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_ENDPOINT_URL={} AWS_REGION={} ",
      s.access_key, s.secret_key, s.endpoint, s.region);
  const std::string out_file = fmt::format("/tmp/s3tool-test-{}.bin", ::getpid());
  const std::string get = fmt::format("{}{} get 's3://{}/x/y z.bin' {} 2>/dev/null", env, tool, bucket, out_file);
  REQUIRE(std::system(get.c_str()) == 0);
  std::FILE* f = std::fopen(out_file.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string copy(object.size() + 1, '\0');
  copy.resize(std::fread(copy.data(), 1, copy.size(), f));
  std::fclose(f);
  std::remove(out_file.c_str());
  CHECK(copy == object);

  const std::string ls = fmt::format("{}{} ls s3://{}/x/", env, tool, bucket);
  std::FILE* pipe = ::popen(ls.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char line[512] = {};
  REQUIRE(std::fgets(line, sizeof line, pipe) != nullptr);
  CHECK(::pclose(pipe) == 0);
  CHECK(std::string(line).find("70000") != std::string::npos);
  CHECK(std::string(line).find("x/y z.bin") != std::string::npos);
}

// HTTPS: RGW's second frontend, with a certificate from the private CA that
// scripts/rgw-server made (DIR/ca.pem). The system store does not know it.

TEST_CASE("HTTPS with the test CA lists and fetches objects", "[rgw][tls]") {
  const RgwServer& s = RgwServer::get();
  RgwClient t(s.s3_https_endpoint(), s.ca_bundle);
  REQUIRE(t.client.endpoint().scheme == "https");
  const std::string bucket = RgwServer::unique_bucket("tls");
  REQUIRE(t.make_bucket(bucket).ok());
  const std::string object = pattern_bytes(700'001, 11);
  REQUIRE(t.put(bucket, "big.bin", object).ok());
  REQUIRE(t.put(bucket, "dir/small one", "over TLS").ok());

  auto listed = t.list(ListRequest{bucket, "", "", "", 1, ""});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 2);
  CHECK((*listed)[0].key == "big.bin");
  CHECK((*listed)[0].size == object.size());
  CHECK((*listed)[1].key == "dir/small one");

  auto range = t.get_bytes(GetRequest{bucket, "big.bin", 4097, 300'000, (*listed)[0].etag});
  REQUIRE(range.ok());
  CHECK(*range == object.substr(4097, 300'000));
  auto whole = t.get_bytes(GetRequest{bucket, "big.bin", 0, 0, ""});
  REQUIRE(whole.ok());
  CHECK(*whole == object);
  CHECK(t.get_bytes(GetRequest{bucket, "dir/small one", 5, 3, ""}).value() == "TLS");
  CHECK(t.client.stats().retries == 0);

  // The same objects over plain HTTP: one server, two frontends.
  CHECK(RgwClient().get_bytes(GetRequest{bucket, "dir/small one", 0, 0, ""}).value() == "over TLS");
}

TEST_CASE("HTTPS without the right CA fails certificate verification and is not retried", "[rgw][tls][errors]") {
  const RgwServer& s = RgwServer::get();
  // Empty CA bundle: the system store, which has never heard of the test CA.
  RgwClient t(s.s3_https_endpoint(), "", s.credentials(), 5);
  auto listed = t.list(ListRequest{"any-bucket", "", "", "", 0, ""});
  REQUIRE_FALSE(listed.ok());
  const std::string message = listed.error().to_string();
  INFO(message);
  CHECK(listed.error().kind == ErrorKind::network);
  CHECK_FALSE(listed.error().retryable);
  CHECK(message.find("certificate") != std::string::npos);
  CHECK(message.find("--ca-bundle") != std::string::npos);
  CHECK(t.client.stats().retries == 0);
}

TEST_CASE("virtual-hosted HTTPS works for a bucket named in the certificate", "[rgw][tls][addressing]") {
  const RgwServer& s = RgwServer::get();
  RgwClient t(s.s3_https_endpoint(Addressing::virtual_hosted), s.ca_bundle);
  // The certificate names tls-vhost.localhost exactly (libcurl will not match
  // *.localhost), so every run shares this one bucket: tolerate it existing
  // and keep each run's objects under a prefix of their own.
  const std::string bucket = RgwServer::kTlsVirtualHostBucket;
  Status made = t.make_bucket(bucket);
  if (!made.ok()) {
    INFO(made.error().to_string());
    REQUIRE((made.error().s3_code == "BucketAlreadyOwnedByYou" || made.error().s3_code == "BucketAlreadyExists"));
  }
  const std::string prefix = RgwServer::unique_bucket("run") + "/";
  REQUIRE(t.put(bucket, prefix + "a b", "virtual over TLS").ok());
  auto listed = t.list(ListRequest{bucket, prefix, "", "", 0, ""});
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK(listed->front().key == prefix + "a b");
  CHECK(t.get_bytes(GetRequest{bucket, prefix + "a b", 8, 4, ""}).value() == "over");
  // Path style over HTTPS reaches the same object.
  RgwClient path_client(s.s3_https_endpoint(), s.ca_bundle);
  CHECK(path_client.get_bytes(GetRequest{bucket, prefix + "a b", 0, 7, ""}).value() == "virtual");
  REQUIRE(run_sync<Unit>(t.engine, [&](auto done) { t.client.delete_object(bucket, prefix + "a b", done); }).ok());

  SECTION("any other bucket fails hostname verification: *.localhost does not cover it") {
    RgwClient other(s.s3_https_endpoint(Addressing::virtual_hosted), s.ca_bundle, s.credentials(), 5);
    auto failed = other.list(ListRequest{"not-in-the-certificate", "", "", "", 0, ""});
    REQUIRE_FALSE(failed.ok());
    INFO(failed.error().to_string());
    CHECK(failed.error().kind == ErrorKind::network);
    CHECK_FALSE(failed.error().retryable);
    CHECK(other.client.stats().retries == 0);
  }
}
