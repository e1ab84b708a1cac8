// The SigV4 signer on what AWS's published vectors do not cover: hashes,
// dates, session tokens, UNSIGNED-PAYLOAD, S3 key and query encoding, and
// that the secret never leaks. The vectors are in sigv4_suite_test.cpp.
#include "caios2dfs/s3/sigv4.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sigv4_test_support.hpp"

namespace {

using caios::Credentials;
using caios::HttpHeader;
using caios::QueryParam;
using caios::SignedRequest;
using caios::SigningParams;
using caios::SigningRequest;
using caios::testing::split;
using caios::testing::time_from_amz_date;

}  // namespace

namespace {

const Credentials kCredentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                               ""};

SigningParams s3_params() {
  SigningParams params;
  params.region = "us-east-1";
  params.service = "s3";
  params.time = time_from_amz_date("20240229T235959Z");
  return params;
}

SigningRequest s3_get(std::string path, std::vector<QueryParam> query = {}) {
  return {"GET",
          std::move(path),
          std::move(query),
          {{"Host", "bucket.s3.amazonaws.com"}},
          std::string(caios::kEmptyPayloadSha256)};
}

std::string line_of(const std::string& text, std::size_t index) {
  return split(text, '\n').at(index);
}

}  // namespace

TEST_CASE("sigv4: hashes and HMAC", "[sigv4]") {
  CHECK(caios::sha256_hex("") == caios::kEmptyPayloadSha256);
  CHECK(caios::sha256_hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  const std::string mac = caios::hmac_sha256("Jefe", "what do ya want for nothing?");
  std::string mac_hex;
  for (unsigned char byte : mac) {
    mac_hex.push_back("0123456789abcdef"[byte >> 4]);
    mac_hex.push_back("0123456789abcdef"[byte & 0x0F]);
  }
  CHECK(mac_hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("sigv4: amz_date", "[sigv4]") {
  using namespace std::chrono;
  CHECK(caios::amz_date(system_clock::time_point{}) == "19700101T000000Z");
  CHECK(caios::amz_date(sys_days{2015y / August / 30} + 12h + 36min) == "20150830T123600Z");
  // Sub-second parts are truncated, never rounded into the next second.
  CHECK(caios::amz_date(sys_days{2024y / February / 29} + 23h + 59min + 59s + 999ms) ==
        "20240229T235959Z");
  CHECK(caios::amz_date(sys_days{2001y / January / 2} + 3h + 4min + 5s) == "20010102T030405Z");
}

TEST_CASE("sigv4: session token is added and signed", "[sigv4]") {
  Credentials credentials = kCredentials;
  credentials.session_token = "FwoGZXIvYXdzEJr//////////wEaDH+token=";
  const SignedRequest signed_request =
      caios::sign_v4(s3_get("/bucket/key"), credentials, s3_params());
  REQUIRE(signed_request.headers_to_add.size() == 4);
  CHECK(signed_request.headers_to_add[0].name == "X-Amz-Date");
  CHECK(signed_request.headers_to_add[0].value == "20240229T235959Z");
  CHECK(signed_request.headers_to_add[1].name == "x-amz-content-sha256");
  CHECK(signed_request.headers_to_add[1].value == caios::kEmptyPayloadSha256);
  CHECK(signed_request.headers_to_add[2].name == "X-Amz-Security-Token");
  CHECK(signed_request.headers_to_add[2].value == credentials.session_token);
  CHECK(signed_request.headers_to_add[3].name == "Authorization");
  CHECK(signed_request.canonical_request.find(
            "\nx-amz-security-token:" + credentials.session_token + "\n") != std::string::npos);
  CHECK(line_of(signed_request.canonical_request, 8) ==
        "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  CHECK(signed_request.authorization.find(
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") !=
        std::string::npos);

  SECTION("a token already in the request is used, not added twice") {
    SigningRequest request = s3_get("/bucket/key");
    request.headers.push_back({"X-Amz-Security-Token", credentials.session_token});
    const SignedRequest again = caios::sign_v4(request, credentials, s3_params());
    CHECK(again.canonical_request == signed_request.canonical_request);
    CHECK(again.signature == signed_request.signature);
    REQUIRE(again.headers_to_add.size() == 3);
    CHECK(again.headers_to_add[2].name == "Authorization");
  }
}

TEST_CASE("sigv4: a date already in the request wins over params.time", "[sigv4]") {
  SigningRequest request = s3_get("/bucket/key");
  request.headers.push_back({"X-Amz-Date", "20130524T000000Z"});
  const SignedRequest signed_request = caios::sign_v4(request, kCredentials, s3_params());
  CHECK(line_of(signed_request.string_to_sign, 1) == "20130524T000000Z");
  CHECK(line_of(signed_request.string_to_sign, 2) == "20130524/us-east-1/s3/aws4_request");
  REQUIRE(signed_request.headers_to_add.size() == 2);
  CHECK(signed_request.headers_to_add[0].name == "x-amz-content-sha256");
}

TEST_CASE("sigv4: UNSIGNED-PAYLOAD is the last line and the content header", "[sigv4]") {
  SigningRequest request = s3_get("/bucket/big.bin");
  request.payload_hash = std::string(caios::kUnsignedPayload);
  const SignedRequest signed_request = caios::sign_v4(request, kCredentials, s3_params());
  const std::vector<std::string> lines = split(signed_request.canonical_request, '\n');
  CHECK(lines.back() == "UNSIGNED-PAYLOAD");
  CHECK(std::count(lines.begin(), lines.end(), "x-amz-content-sha256:UNSIGNED-PAYLOAD") == 1);
  CHECK(signed_request.headers_to_add.at(1).value == "UNSIGNED-PAYLOAD");
}

TEST_CASE("sigv4: S3 keys are encoded exactly once in the canonical URI", "[sigv4]") {
  const auto uri_of = [](const std::string& path) {
    return line_of(caios::sign_v4(s3_get(path), kCredentials, s3_params()).canonical_request, 1);
  };
  CHECK(uri_of("/bucket/a b") == "/bucket/a%20b");
  CHECK(uri_of("/bucket/a+b") == "/bucket/a%2Bb");
  CHECK(uri_of("/bucket/100%") == "/bucket/100%25");
  CHECK(uri_of("/bucket/already%20encoded") == "/bucket/already%2520encoded");
  CHECK(uri_of("/bucket/~user") == "/bucket/~user");
  CHECK(uri_of("/bucket/k=v") == "/bucket/k%3Dv");
  CHECK(uri_of("/bucket/caf\xC3\xA9") == "/bucket/caf%C3%A9");                  // é
  CHECK(uri_of("/bucket/\xF0\x9F\x98\x8A.txt") == "/bucket/%F0%9F%98%8A.txt");  // 😊
  CHECK(uri_of("/bucket/a//b") == "/bucket/a//b");
  CHECK(uri_of("/bucket/./x/../y") == "/bucket/./x/../y");
  CHECK(uri_of("/bucket/!*'()$&,;:@?#") == "/bucket/%21%2A%27%28%29%24%26%2C%3B%3A%40%3F%23");
  CHECK(uri_of("") == "/");
  CHECK(caios::uri_encode("a/b c", true) == "a/b%20c");
  CHECK(caios::uri_encode("a/b c", false) == "a%2Fb%20c");
}

TEST_CASE("sigv4: query keys and values are encoded and sorted", "[sigv4]") {
  CHECK(caios::canonical_query_string({}) == "");
  CHECK(caios::canonical_query_string({{"list-type", "2"},
                                       {"continuation-token", "1ueGcx/XY+hb="},
                                       {"prefix", "dir a/\xC3\xA9"},
                                       {"delimiter", "/"}}) ==
        "continuation-token=1ueGcx%2FXY%2Bhb%3D&delimiter=%2F&list-type=2&prefix=dir%20a%2F%C3%A9");
  CHECK(caios::canonical_query_string({{"uploads", ""}}) == "uploads=");
  // Same key: sorted by value.
  CHECK(caios::canonical_query_string({{"k", "b"}, {"k", "a"}}) == "k=a&k=b");
  const SignedRequest signed_request = caios::sign_v4(
      s3_get("/bucket", {{"continuation-token", "1ueGcx/XY+hb="}}), kCredentials, s3_params());
  CHECK(line_of(signed_request.canonical_request, 2) == "continuation-token=1ueGcx%2FXY%2Bhb%3D");
}

TEST_CASE("sigv4: the secret never appears in the output", "[sigv4]") {
  Credentials credentials = kCredentials;
  credentials.session_token = "token";
  SigningRequest request = s3_get("/bucket/" + credentials.secret_access_key.substr(0, 4));
  const SignedRequest signed_request = caios::sign_v4(request, credentials, s3_params());
  const std::string& secret = credentials.secret_access_key;
  CHECK(signed_request.canonical_request.find(secret) == std::string::npos);
  CHECK(signed_request.string_to_sign.find(secret) == std::string::npos);
  CHECK(signed_request.signature.find(secret) == std::string::npos);
  CHECK(signed_request.authorization.find(secret) == std::string::npos);
  for (const HttpHeader& header : signed_request.headers_to_add) {
    CHECK(header.value.find(secret) == std::string::npos);
  }
}
