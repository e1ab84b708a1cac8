// Tests for s3_error.hpp (the <Error> parser, status + S3 body -> Error,
// Retry-After). The recorded bodies are covered in
// list_objects_fixtures_test.cpp; here the bodies are synthetic so every rule
// is hit.
#include "caios2dfs/s3/s3_error.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "s3_xml_test_support.hpp"

namespace caios {
namespace {

using namespace caios::testing;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

std::string error_body(const std::string& code, const std::string& message = "msg",
                       const std::string& request_id = "REQ123") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" +
         message + "</Message><RequestId>" + request_id + "</RequestId><HostId>SECRETHOSTID</HostId></Error>";
}

struct Expected {
  int status;
  std::string code;  ///< empty: no body at all
  ErrorKind kind;
  bool retryable;
};

}  // namespace

TEST_CASE("map_s3_error classifies by code, then by status", "[s3_error]") {
  const std::vector<Expected> table{
      // server, retryable
      {500, "InternalError", ErrorKind::server, true},
      {500, "", ErrorKind::server, true},
      {502, "", ErrorKind::server, true},
      {503, "ServiceUnavailable", ErrorKind::server, true},
      {503, "", ErrorKind::server, true},
      {504, "", ErrorKind::server, true},
      {200, "InternalError", ErrorKind::server, true},
      {200, "SomethingNew", ErrorKind::server, true},  // unknown code inside a 200
      {501, "NotImplemented", ErrorKind::server, false},
      // throttled, retryable
      {503, "SlowDown", ErrorKind::throttled, true},
      {200, "SlowDown", ErrorKind::throttled, true},
      {429, "", ErrorKind::throttled, true},
      {429, "TooManyRequests", ErrorKind::throttled, true},
      {400, "Throttling", ErrorKind::throttled, true},
      {503, "TooManyRequests", ErrorKind::throttled, true},
      // timeout, retryable
      {400, "RequestTimeout", ErrorKind::timeout, true},
      {408, "", ErrorKind::timeout, true},
      {408, "RequestTimeout", ErrorKind::timeout, true},
      // auth, not retryable
      {403, "AccessDenied", ErrorKind::auth, false},
      {403, "SignatureDoesNotMatch", ErrorKind::auth, false},
      {403, "InvalidAccessKeyId", ErrorKind::auth, false},
      {403, "RequestTimeTooSkewed", ErrorKind::auth, false},
      {400, "ExpiredToken", ErrorKind::auth, false},
      {403, "", ErrorKind::auth, false},
      {401, "", ErrorKind::auth, false},
      // not_found, not retryable
      {404, "NoSuchBucket", ErrorKind::not_found, false},
      {404, "NoSuchKey", ErrorKind::not_found, false},
      {404, "NoSuchUpload", ErrorKind::not_found, false},
      {404, "", ErrorKind::not_found, false},
      // changed
      {412, "PreconditionFailed", ErrorKind::changed, false},
      {412, "", ErrorKind::changed, false},
      // client, not retryable
      {416, "InvalidRange", ErrorKind::client, false},
      {416, "", ErrorKind::client, false},
      {400, "InvalidArgument", ErrorKind::client, false},
      {400, "", ErrorKind::client, false},
      {405, "MethodNotAllowed", ErrorKind::client, false},
      {409, "BucketNotEmpty", ErrorKind::client, false},
      {403, "InvalidObjectState", ErrorKind::client, false},
      {301, "PermanentRedirect", ErrorKind::client, false},
      {307, "", ErrorKind::client, false},
      // neither an error status nor an error document
      {200, "", ErrorKind::protocol, false},
  };
  for (const Expected& expected : table) {
    const std::string body = expected.code.empty() ? std::string() : error_body(expected.code);
    INFO(expected.status << " " << expected.code);
    const Error error = map_s3_error(expected.status, body, "GET", "bucket/key");
    CHECK(error_kind_name(error.kind) == std::string(error_kind_name(expected.kind)));
    CHECK(error.retryable == expected.retryable);
    CHECK(error.http_status == expected.status);
    CHECK(error.s3_code == expected.code);
    CHECK(error.retry_after_ms == -1);
    CHECK(error.operation == "GET");
    CHECK(error.subject == "bucket/key");
    CHECK_THAT(error.message, !Contains("SECRETHOSTID"));
    if (!expected.code.empty()) {
      CHECK_THAT(error.message, Contains(std::to_string(expected.status) + " " + expected.code +
                                         ": msg (request id REQ123)"));
    }
  }
}

TEST_CASE("auth, not-found and changed messages say what to fix", "[s3_error]") {
  SECTION("SignatureDoesNotMatch") {
    const Error error = map_s3_error(
        403,
        error_body("SignatureDoesNotMatch",
                   "The request signature we calculated does not match the signature you "
                   "provided. Check your key and signing method.",
                   "4442587FB7D0A2F9"),
        "GET", "b/k");
    CHECK(error.message ==
          "403 SignatureDoesNotMatch: The request signature we calculated does not match the "
          "signature you provided. Check your key and signing method. (request id "
          "4442587FB7D0A2F9); check secret_access_key / region");
  }
  SECTION("RequestTimeTooSkewed") {
    const Error error = map_s3_error(403, error_body("RequestTimeTooSkewed"), "GET", "b/k");
    CHECK_THAT(error.message,
               EndsWith("; the local clock differs from the server's; sync it (chrony/ntp)"));
  }
  SECTION("InvalidAccessKeyId") {
    const Error error = map_s3_error(403, error_body("InvalidAccessKeyId"), "GET", "b/k");
    CHECK_THAT(error.message, EndsWith("; check access_key_id"));
  }
  SECTION("ExpiredToken") {
    const Error error = map_s3_error(400, error_body("ExpiredToken"), "GET", "b/k");
    CHECK_THAT(error.message, Contains("session_token"));
  }
  SECTION("AccessDenied") {
    const Error error = map_s3_error(403, error_body("AccessDenied"), "ListObjectsV2", "b");
    CHECK_THAT(error.message, Contains("s3:ListBucket"));
  }
  SECTION("NoSuchBucket names the bucket from the body, else from the subject") {
    const Error from_body = map_s3_error(
        404,
        "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>"
        "<BucketName>my-bukket</BucketName></Error>",
        "ListObjectsV2", "");
    CHECK(from_body.subject == "my-bukket");
    CHECK(from_body.message ==
          "404 NoSuchBucket: The specified bucket does not exist; bucket \"my-bukket\" not found: "
          "check the bucket name, the endpoint and the addressing style (path vs virtual-hosted)");
    const Error from_subject =
        map_s3_error(404, "<Error><Code>NoSuchBucket</Code></Error>", "GET", "other/dir/key");
    CHECK_THAT(from_subject.message, StartsWith("404 NoSuchBucket; bucket \"other\" not found"));
    const Error unnamed = map_s3_error(200, "<Error><Code>NoSuchBucket</Code></Error>", "GET", "");
    CHECK_THAT(unnamed.message, StartsWith("200 NoSuchBucket; bucket not found: check"));
  }
  SECTION("PreconditionFailed") {
    const Error error = map_s3_error(412, error_body("PreconditionFailed"), "GET", "b/k");
    CHECK_THAT(error.message, EndsWith("; object changed during copy"));
    const Error bodiless = map_s3_error(412, "", "GET", "b/k");
    CHECK(bodiless.message == "412 Precondition Failed; object changed during copy");
  }
}

TEST_CASE("bodies that are empty or not S3 XML map by status", "[s3_error]") {
  SECTION("HEAD 404 has no body") {
    const Error error = map_s3_error(404, "", "HEAD", "b/k");
    CHECK(error.kind == ErrorKind::not_found);
    CHECK(error.s3_code.empty());
    CHECK(error.message == "404 Not Found; check the bucket name, the key and the endpoint");
  }
  SECTION("a proxy's HTML page") {
    const Error error =
        map_s3_error(502, "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>", "GET", "b/k");
    CHECK(error.kind == ErrorKind::server);
    CHECK(error.retryable);
    CHECK(error.message == "502 Bad Gateway; the body is not an S3 XML error (a proxy?)");
  }
  SECTION("plain text 503") {
    const Error error = map_s3_error(503, "Service Unavailable\n", "GET", "b/k", 5000);
    CHECK(error.kind == ErrorKind::server);
    CHECK(error.retryable);
    CHECK(error.retry_after_ms == 5000);
  }
  SECTION("truncated XML 403") {
    const Error error = map_s3_error(403, "<Error><Code>SignatureDoesNotMatch</Co", "GET", "b/k");
    CHECK(error.kind == ErrorKind::auth);
    CHECK(error.s3_code.empty());
  }
  SECTION("an unusual status without reason phrase") {
    const Error error = map_s3_error(418, "", "GET", "b/k");
    CHECK(error.kind == ErrorKind::client);
    CHECK(error.message == "418");
  }
}

TEST_CASE("server text is folded onto one line", "[s3_error]") {
  const Error error = map_s3_error(
      500,
      "<Error>\n  <Code>InternalError</Code>\n  <Message>\n    We encountered\n    an\terror.\n"
      "  </Message>\n  <RequestId> R1 </RequestId>\n</Error>",
      "GET", "b/k");
  CHECK(error.message == "500 InternalError: We encountered an error. (request id R1)");

  const Error long_message =
      map_s3_error(500, error_body("InternalError", std::string(5000, 'x')), "GET", "b/k");
  CHECK(long_message.message.size() < 700);
  CHECK_THAT(long_message.message, Contains("xxx..."));
}

TEST_CASE("parse_retry_after_ms", "[s3_error][retry_after]") {
  const std::int64_t now_ns = 1445412480 * kNs - 90 * kNs;  // 90 s before 07:28:00 GMT
  CHECK(parse_retry_after_ms("120", now_ns) == 120000);
  CHECK(parse_retry_after_ms("0", now_ns) == 0);
  CHECK(parse_retry_after_ms(" 3 ", now_ns) == 3000);
  CHECK(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", now_ns) == 90000);
  // Half a millisecond before the date still waits the whole millisecond.
  CHECK(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 * kNs - 500'000) == 1);
  CHECK(parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 * kNs + kNs) == 0);
  for (const char* bad : {"", "   ", "-5", "+5", "1.5", "soon", "120s",
                          "99999999999999999999999", "Wed, 21 Oct 2015 07:28:00"}) {
    INFO("value " << bad);
    CHECK(parse_retry_after_ms(bad, now_ns) == -1);
  }
}

TEST_CASE("parse_s3_error rejects what is not an error document", "[s3_error]") {
  CHECK_FALSE(parse_s3_error("").has_value());
  CHECK_FALSE(parse_s3_error("<html>oops</html>").has_value());
  CHECK_FALSE(parse_s3_error("<Error><Code>x</Code>").has_value());  // truncated
  CHECK_FALSE(parse_s3_error(list_body("")).has_value());
  const S3ErrorBody fields =
      error_body_ok("<Error>\n  <Code> SlowDown </Code>\n  <Key>a/b</Key>\n</Error>");
  CHECK(fields.code == "SlowDown");
  CHECK(fields.message.empty());
  CHECK(fields.resource == "a/b");
}

}  // namespace caios
