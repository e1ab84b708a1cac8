// Tests for ranged_get.hpp: the Range header of each attempt and the checks
// of each response, offline. The same paths over a socket (a response cut
// off, a server that ignores Range) are in s3_client_fault_test.cpp.
#include "caios2dfs/s3/ranged_get.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace caios {
namespace {

using Catch::Matchers::Contains;

constexpr std::string_view kSubject = "bucket/dir/key";

HttpResponseHead partial(const std::string& content_range, const std::string& etag = "\"e1\"") {
  HttpResponseHead head;
  head.status = 206;
  head.content_range = content_range;
  head.etag = etag;
  return head;
}

HttpResponseHead whole(std::int64_t content_length, const std::string& etag = "\"e1\"") {
  HttpResponseHead head;
  head.status = 200;
  head.content_length = content_length;
  head.etag = etag;
  return head;
}

RangeResponse accepted(const GetRequest& request, std::uint64_t delivered, const HttpResponseHead& head) {
  Result<RangeResponse> checked = check_range_response(request, delivered, head, kSubject);
  INFO((checked.ok() ? std::string() : checked.error().to_string()));
  REQUIRE(checked.ok());
  return checked.value();
}

Error refused(const GetRequest& request, std::uint64_t delivered, const HttpResponseHead& head) {
  Result<RangeResponse> checked = check_range_response(request, delivered, head, kSubject);
  REQUIRE_FALSE(checked.ok());
  const Error& error = checked.error();
  CHECK(error.operation == "GET");
  CHECK(error.subject == kSubject);
  CHECK(error.offset == attempt_start(request, delivered));
  return error;
}

// Bytes 100..499 of a 1000-byte object, as the copy asks for a chunk.
const GetRequest kChunk{"bucket", "dir/key", 100, 400, ""};
// A whole object, as the copy asks for a small one.
const GetRequest kWhole{"bucket", "dir/key", 0, 0, ""};

}  // namespace

TEST_CASE("parse_content_range", "[ranged_get]") {
  const std::optional<ContentRange> range = parse_content_range("bytes 100-499/1000");
  REQUIRE(range.has_value());
  CHECK(range->start == 100);
  CHECK(range->end == 499);
  CHECK(range->total == 1000);
  CHECK(parse_content_range("bytes 0-0/1").has_value());
  const std::optional<ContentRange> unknown_total = parse_content_range("bytes 0-9/*");
  REQUIRE(unknown_total.has_value());
  CHECK(unknown_total->total == 10);
  for (const char* bad : {"", "bytes", "bytes 0-9", "bytes 5-3/10", "bytes 0-10/10", "bytes -1-9/10",
                          "bytes a-9/10", "bytes 0-9/1x", "items 0-9/10", "bytes 0/9-10", "bytes  0-9/10",
                          "bytes 0-9/99999999999999999999"}) {
    INFO("Content-Range '" << bad << "'");
    CHECK_FALSE(parse_content_range(bad).has_value());
  }
  const std::optional<ContentRange> small = parse_content_range("bytes 2-5/9");
  REQUIRE(small.has_value());
  CHECK((small->start == 2 && small->end == 5 && small->total == 9));
  CHECK_FALSE(parse_content_range("bytes 5-2/9").has_value());
}

TEST_CASE("the Range header of each attempt asks for what is still missing", "[ranged_get]") {
  SECTION("a chunk: the first attempt, then a resume after N bytes") {
    CHECK(attempt_start(kChunk, 0) == 100);
    CHECK(range_header(kChunk, 0) == "bytes=100-499");
    CHECK(attempt_start(kChunk, 150) == 250);
    CHECK(range_header(kChunk, 150) == "bytes=250-499");
    CHECK(range_header(kChunk, 399) == "bytes=499-499");
  }
  SECTION("a whole object: no Range at first, open-ended once resumed") {
    CHECK_FALSE(range_header(kWhole, 0).has_value());
    CHECK(range_header(kWhole, 300) == "bytes=300-");
  }
  SECTION("to the end from an offset") {
    const GetRequest tail{"bucket", "dir/key", 700, 0, ""};
    CHECK(range_header(tail, 0) == "bytes=700-");
    CHECK(range_header(tail, 50) == "bytes=750-");
  }
}

TEST_CASE("206 with the range asked for is accepted", "[ranged_get]") {
  const RangeResponse first = accepted(kChunk, 0, partial("bytes 100-499/1000"));
  CHECK(first.expected_bytes == 400);
  CHECK(first.object_size == 1000);
  // A resumed attempt: the response starts where the last one stopped.
  const RangeResponse resumed = accepted(kChunk, 150, partial("bytes 250-499/1000"));
  CHECK(resumed.expected_bytes == 250);
  CHECK(resumed.object_size == 1000);
  // An open-ended resume of a whole-object GET runs to the object's end.
  const RangeResponse rest = accepted(kWhole, 300, partial("bytes 300-999/1000"));
  CHECK(rest.expected_bytes == 700);
  CHECK(rest.object_size == 1000);
  // An object shorter than the range asked: S3 ends the range at its last byte.
  const RangeResponse shorter = accepted(kChunk, 0, partial("bytes 100-299/300"));
  CHECK(shorter.expected_bytes == 200);
  CHECK(shorter.object_size == 300);
}

TEST_CASE("206 with another range is refused, not retried", "[ranged_get]") {
  SECTION("wrong start") {
    const Error error = refused(kChunk, 0, partial("bytes 0-399/1000"));
    CHECK(error.kind == ErrorKind::protocol);
    CHECK_FALSE(error.retryable);
    CHECK_THAT(error.message, Contains("asked for bytes from 100") && Contains("bytes 0-399/1000"));
  }
  SECTION("a resumed attempt answered from the chunk's start again") {
    const Error error = refused(kChunk, 150, partial("bytes 100-499/1000"));
    CHECK(error.kind == ErrorKind::protocol);
    CHECK_FALSE(error.retryable);
    CHECK(error.offset == 250);
  }
  SECTION("wrong end") {
    for (const char* range : {"bytes 100-599/1000", "bytes 100-398/1000", "bytes 100-999/1000"}) {
      INFO(range);
      const Error error = refused(kChunk, 0, partial(range));
      CHECK(error.kind == ErrorKind::protocol);
      CHECK_FALSE(error.retryable);
      CHECK_THAT(error.message, Contains("asked for bytes 100-499"));
    }
  }
  SECTION("a whole-object resume that does not reach the end") {
    CHECK(refused(kWhole, 300, partial("bytes 300-499/1000")).kind == ErrorKind::protocol);
  }
}

TEST_CASE("206 with a Content-Range that does not parse is retried", "[ranged_get]") {
  for (const char* range : {"", "bytes 100-499", "bytes */1000", "bytes 499-100/1000", "garbage"}) {
    INFO("Content-Range '" << range << "'");
    const Error error = refused(kChunk, 0, partial(range));
    CHECK(error.kind == ErrorKind::protocol);
    CHECK(error.retryable);
    CHECK_THAT(error.message, Contains("bad Content-Range"));
  }
}

TEST_CASE("200 is the whole object, accepted only when it was asked for", "[ranged_get]") {
  SECTION("a whole-object request") {
    const RangeResponse response = accepted(kWhole, 0, whole(1000));
    CHECK(response.expected_bytes == 1000);
    CHECK(response.object_size == 1000);
  }
  SECTION("a range from 0 that covers the whole object") {
    const GetRequest covering{"bucket", "dir/key", 0, 4096, ""};
    CHECK(accepted(covering, 0, whole(1000)).expected_bytes == 1000);
    CHECK(accepted(covering, 0, whole(4096)).expected_bytes == 4096);
  }
  SECTION("a range was asked: the server ignored Range, and its bytes must not land at an offset") {
    const GetRequest from_zero{"bucket", "dir/key", 0, 10, ""};
    const GetRequest tail{"bucket", "dir/key", 700, 0, ""};
    for (const auto& [request, delivered] : {std::pair{kChunk, 0}, std::pair{from_zero, 0}, std::pair{tail, 0},
                                             std::pair{kWhole, 300}, std::pair{kChunk, 150}}) {
      INFO("offset " << request.offset << " length " << request.length << " after " << delivered);
      const Error error = refused(request, delivered, whole(1000));
      CHECK(error.kind == ErrorKind::protocol);
      CHECK_FALSE(error.retryable);
      CHECK_THAT(error.message, Contains("ignored the Range header"));
    }
  }
}

TEST_CASE("a status other than 200 and 206 is refused", "[ranged_get]") {
  HttpResponseHead no_content;
  no_content.status = 204;
  const Error error = refused(kWhole, 0, no_content);
  CHECK(error.kind == ErrorKind::protocol);
  CHECK_FALSE(error.retryable);
  CHECK_THAT(error.message, Contains("204"));
}

TEST_CASE("an ETag other than If-Match's means the object changed", "[ranged_get]") {
  const GetRequest checked{"bucket", "dir/key", 100, 400, "\"old\""};
  const Error error = refused(checked, 0, partial("bytes 100-499/1000", "\"new\""));
  CHECK(error.kind == ErrorKind::changed);
  CHECK_FALSE(error.retryable);
  CHECK_THAT(error.message, Contains("\"old\"") && Contains("\"new\""));
  CHECK(refused(GetRequest{"bucket", "dir/key", 0, 0, "\"old\""}, 0, whole(10, "\"new\"")).kind ==
        ErrorKind::changed);
  // The same ETag, or none at all (the server has checked If-Match itself).
  CHECK(accepted(checked, 0, partial("bytes 100-499/1000", "\"old\"")).expected_bytes == 400);
  CHECK(accepted(checked, 0, partial("bytes 100-499/1000", "")).expected_bytes == 400);
  // Without If-Match any ETag is fine.
  CHECK(accepted(kChunk, 0, partial("bytes 100-499/1000", "\"new\"")).expected_bytes == 400);
}

TEST_CASE("an empty object is a 200 without a body", "[ranged_get]") {
  const RangeResponse empty = accepted(kWhole, 0, whole(0));
  CHECK(empty.expected_bytes == 0);
  CHECK(empty.object_size == 0);
  CHECK(check_range_complete(empty, 0, 0, kSubject).ok());
  // No Content-Length at all: nothing is promised, so nothing may come.
  CHECK(accepted(kWhole, 0, whole(-1)).expected_bytes == 0);
}

TEST_CASE("the end of a response: every promised byte must have come", "[ranged_get]") {
  const RangeResponse promised{400, 1000};
  CHECK(check_range_complete(promised, 400, 500, kSubject).ok());
  const Status short_body = check_range_complete(promised, 150, 250, kSubject);
  REQUIRE_FALSE(short_body.ok());
  const Error& error = short_body.error();
  CHECK(error.kind == ErrorKind::protocol);
  CHECK(error.retryable);  // the next attempt resumes at byte 250
  CHECK(error.operation == "GET");
  CHECK(error.subject == kSubject);
  CHECK(error.offset == 250);
  CHECK(error.message == "response ended after 150 of 400 bytes");
  const Status nothing = check_range_complete(promised, 0, 100, kSubject);
  REQUIRE_FALSE(nothing.ok());
  CHECK(nothing.error().retryable);
  CHECK_FALSE(check_range_complete(promised, 401, 501, kSubject).ok());
}

}  // namespace caios
