#include <catch2/catch.hpp>

#include "caios2dfs/s3/s3_request.hpp"

using namespace caios;

namespace {

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const auto kTime = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));  // 20150830T123600Z

std::string header(const HttpRequest& request, const std::string& name) {
  for (const HttpHeader& h : request.headers) {
    if (h.name == name) return h.value;
  }
  return "<absent>";
}

}  // namespace

TEST_CASE("endpoints parse with scheme, host and port", "[s3_request]") {
  auto e = parse_endpoint("http://127.0.0.1:7480", Addressing::path, "default");
  REQUIRE(e.ok());
  CHECK(e->scheme == "http");
  CHECK(e->host == "127.0.0.1");
  CHECK(e->port == 7480);
  CHECK(e->region == "default");
  auto cw = parse_endpoint("https://cwobject.com/", Addressing::virtual_hosted, "");
  REQUIRE(cw.ok());
  CHECK(cw->port == 0);
  CHECK(cw->region == "us-east-1");
  CHECK_FALSE(parse_endpoint("cwobject.com", Addressing::path, "").ok());
  CHECK_FALSE(parse_endpoint("ftp://x", Addressing::path, "").ok());
  CHECK_FALSE(parse_endpoint("http://x/path", Addressing::path, "").ok());
  CHECK_FALSE(parse_endpoint("http://x:99999", Addressing::path, "").ok());
  CHECK_FALSE(parse_endpoint("http://key:secret@x", Addressing::path, "").ok());
}

TEST_CASE("path style puts the bucket in the path, virtual-hosted in the host", "[s3_request]") {
  S3Operation get{"GET", "my-bucket", "dir/a b+c%~=é.bin", {}, {{"Range", "bytes=0-9"}}, std::string(kEmptyPayloadSha256)};
  auto path = parse_endpoint("http://127.0.0.1:7480", Addressing::path, "us-east-1").value();
  HttpRequest p = build_s3_request(path, kCredentials, kTime, get);
  CHECK(p.url == "http://127.0.0.1:7480/my-bucket/dir/a%20b%2Bc%25~%3D%C3%A9.bin");
  CHECK(header(p, "Range") == "bytes=0-9");
  CHECK(header(p, "X-Amz-Date") == "20150830T123600Z");
  CHECK(header(p, "x-amz-content-sha256") == std::string(kEmptyPayloadSha256));
  CHECK(header(p, "Authorization").find("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date") != std::string::npos);

  auto virt = parse_endpoint("https://cwobject.com", Addressing::virtual_hosted, "us-east-1").value();
  HttpRequest v = build_s3_request(virt, kCredentials, kTime, get);
  CHECK(v.url == "https://my-bucket.cwobject.com/dir/a%20b%2Bc%25~%3D%C3%A9.bin");
  CHECK(s3_host(virt, "my-bucket") == "my-bucket.cwobject.com");
  CHECK(s3_host(path, "my-bucket") == "127.0.0.1:7480");
}

TEST_CASE("keys with dot segments and double slashes are sent verbatim", "[s3_request]") {
  auto path = parse_endpoint("http://h:1", Addressing::path, "r").value();
  S3Operation op{"GET", "b", "a/../../escape2", {}, {}, std::string(kEmptyPayloadSha256)};
  CHECK(build_s3_request(path, kCredentials, kTime, op).url == "http://h:1/b/a/../../escape2");
  op.key = "/abs";
  CHECK(build_s3_request(path, kCredentials, kTime, op).url == "http://h:1/b//abs");
  op.key = "a//b";
  CHECK(build_s3_request(path, kCredentials, kTime, op).url == "http://h:1/b/a//b");
}

TEST_CASE("the query on the wire is the canonical query that was signed", "[s3_request]") {
  auto path = parse_endpoint("http://h:1", Addressing::path, "r").value();
  S3Operation list{"GET", "b", "", {{"list-type", "2"}, {"continuation-token", "1ueGcx/XY+hb="}, {"prefix", "run books/"}}, {}, std::string(kEmptyPayloadSha256)};
  HttpRequest r = build_s3_request(path, kCredentials, kTime, list);
  CHECK(r.url == "http://h:1/b?continuation-token=1ueGcx%2FXY%2Bhb%3D&list-type=2&prefix=run%20books%2F");
}

TEST_CASE("session tokens are sent and signed; secrets never appear", "[s3_request]") {
  auto path = parse_endpoint("http://h:1", Addressing::path, "r").value();
  Credentials with_token{"AKID", "very-secret-value", "the-token"};
  HttpRequest r = build_s3_request(path, with_token, kTime, S3Operation{"GET", "b", "k", {}, {}, std::string(kEmptyPayloadSha256)});
  CHECK(header(r, "X-Amz-Security-Token") == "the-token");
  CHECK(header(r, "Authorization").find("x-amz-security-token") != std::string::npos);
  for (const HttpHeader& h : r.headers) CHECK(h.value.find("very-secret-value") == std::string::npos);
  CHECK(r.url.find("very-secret-value") == std::string::npos);
}

TEST_CASE("bucket names are validated", "[s3_request]") {
  CHECK(is_valid_bucket_name("my-bucket.1"));
  CHECK_FALSE(is_valid_bucket_name("ab"));
  CHECK_FALSE(is_valid_bucket_name("My_Bucket"));
  CHECK_FALSE(is_valid_bucket_name("-bucket"));
  CHECK_FALSE(is_valid_bucket_name("a..b"));
}
