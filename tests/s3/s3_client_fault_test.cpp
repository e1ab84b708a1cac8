// S3Client behaviour on faults a real server will not produce on demand,
// against a scripted loopback HTTP server (tests/support/fake_http_server.hpp).
// The response checks alone, without a socket, are in ranged_get_test.cpp.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "caios2dfs/s3/s3_client.hpp"
#include "support/fake_http_server.hpp"

using namespace caios;
using caios::testing::FakeHttpServer;
using caios::testing::ScriptedResponse;

namespace {

struct ClientUnderTest {
  HttpEngine engine;
  S3Client client;

  ClientUnderTest(const FakeHttpServer& server, RetryPolicy retry, long stall_timeout_s = 60)
      : engine(HttpEngineOptions{4, 2000, stall_timeout_s, 512 * 1024, {}, false}),
        client(engine, parse_endpoint(server.endpoint(), Addressing::path, "us-east-1").value(),
               Credentials{"AKIDTEST", "secret-for-tests", ""}, [] { return std::chrono::system_clock::now(); },
               retry, 42) {}

  Result<GetResult> get(GetRequest request, std::string& sink_bytes, std::uint64_t& first_offset) {
    first_offset = UINT64_MAX;
    return run_sync<GetResult>(engine, [&](auto done) {
      client.get(
          request,
          [&](std::uint64_t offset, const char* data, std::size_t size) {
            if (first_offset == UINT64_MAX) first_offset = offset;
            REQUIRE(offset == request.offset + sink_bytes.size());  // in order, no gap, no overlap
            sink_bytes.append(data, size);
            return true;
          },
          done);
    });
  }
};

RetryPolicy fast_retries(int max_retries) {
  RetryPolicy policy;
  policy.max_retries = max_retries;
  policy.base_delay = std::chrono::milliseconds(1);
  policy.max_delay = std::chrono::milliseconds(5);
  return policy;
}

std::string pattern(std::size_t size) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return data;
}

}  // namespace

TEST_CASE("a ranged GET cut off part-way resumes from the last byte received", "[s3_client][fault]") {
  const std::string object = pattern(1000);
  const std::string part1 = object.substr(100, 400);  // bytes 100..499
  ScriptedResponse first{206, {{"Content-Range", "bytes 100-499/1000"}, {"ETag", "\"e1\""}}, part1, 150, {}};
  ScriptedResponse second{206, {{"Content-Range", "bytes 250-499/1000"}, {"ETag", "\"e1\""}}, object.substr(250, 250), -1, {}};
  FakeHttpServer server({first, second});
  ClientUnderTest t(server, fast_retries(3));
  std::string received;
  std::uint64_t first_offset = 0;
  Result<GetResult> result = t.get(GetRequest{"bucket", "dir/key", 100, 400, "\"e1\""}, received, first_offset);
  REQUIRE(result.ok());
  CHECK(received == part1);
  CHECK(result->bytes == 400);
  CHECK(result->retries == 1);
  CHECK(result->object_size == 1000);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[0].header("range") == "bytes=100-499");
  CHECK(requests[1].header("range") == "bytes=250-499");
  CHECK(requests[1].header("if-match") == "\"e1\"");
}

TEST_CASE("503 SlowDown is retried after the server's Retry-After", "[s3_client][fault]") {
  ScriptedResponse slow{503, {{"Retry-After", "1"}}, "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>", -1, {}};
  ScriptedResponse ok{206, {{"Content-Range", "bytes 0-9/10"}}, "0123456789", -1, {}};
  FakeHttpServer server({slow, ok});
  ClientUnderTest t(server, fast_retries(3));
  std::string received;
  std::uint64_t first_offset = 0;
  Result<GetResult> result = t.get(GetRequest{"bucket", "k", 0, 10, ""}, received, first_offset);
  REQUIRE(result.ok());
  CHECK(received == "0123456789");
  CHECK(t.client.stats().retries_by_kind[static_cast<int>(ErrorKind::throttled)] == 1);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  // Our own backoff is capped at 5 ms here, so a gap of ~1 s is Retry-After's.
  CHECK(requests[1].received - requests[0].received >= std::chrono::milliseconds(900));
}

TEST_CASE("403 SignatureDoesNotMatch is not retried", "[s3_client][fault]") {
  ScriptedResponse denied{403, {}, "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>", -1, {}};
  FakeHttpServer server({denied, denied});
  ClientUnderTest t(server, fast_retries(5));
  std::string received;
  std::uint64_t first_offset = 0;
  Result<GetResult> result = t.get(GetRequest{"bucket", "k", 0, 10, ""}, received, first_offset);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::auth);
  CHECK(result.error().s3_code == "SignatureDoesNotMatch");
  CHECK_FALSE(result.error().retryable);
  CHECK(server.requests().size() == 1);
  CHECK(received.empty());
}

TEST_CASE("a server that ignores Range never has its bytes written at an offset", "[s3_client][fault]") {
  ScriptedResponse whole{200, {{"ETag", "\"x\""}}, pattern(100), -1, {}};
  FakeHttpServer server({whole});
  ClientUnderTest t(server, fast_retries(3));
  std::string received;
  std::uint64_t first_offset = 0;
  Result<GetResult> result = t.get(GetRequest{"bucket", "k", 10, 20, ""}, received, first_offset);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::protocol);
  CHECK(received.empty());
  CHECK(server.requests().size() == 1);
}

TEST_CASE("an ETag other than If-Match's is reported as a changed object", "[s3_client][fault]") {
  ScriptedResponse other{206, {{"Content-Range", "bytes 0-9/10"}, {"ETag", "\"new\""}}, "0123456789", -1, {}};
  FakeHttpServer server({other});
  ClientUnderTest t(server, fast_retries(3));
  std::string received;
  std::uint64_t first_offset = 0;
  Result<GetResult> result = t.get(GetRequest{"bucket", "k", 0, 10, "\"old\""}, received, first_offset);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::changed);
  CHECK(received.empty());
}

TEST_CASE("a stalled response times out and is retried", "[s3_client][fault]") {
  ScriptedResponse stalled{206, {{"Content-Range", "bytes 0-9/10"}}, "0123456789", -1, std::chrono::milliseconds(3500)};
  ScriptedResponse ok{206, {{"Content-Range", "bytes 0-9/10"}}, "0123456789", -1, {}};
  FakeHttpServer server({stalled, ok});
  ClientUnderTest t(server, fast_retries(2), /*stall_timeout_s=*/1);
  std::string received;
  std::uint64_t first_offset = 0;
  Result<GetResult> result = t.get(GetRequest{"bucket", "k", 0, 10, ""}, received, first_offset);
  REQUIRE(result.ok());
  CHECK(received == "0123456789");
  CHECK(t.client.stats().retries_by_kind[static_cast<int>(ErrorKind::timeout)] == 1);
}

TEST_CASE("a response that stops mid-body is given up after the stall timeout, not when the server hangs up",
          "[s3_client][fault]") {
  // 6 of 12 bytes, then nothing for 4 s, then the rest. A rate averaged
  // over seconds (curl's CURLOPT_LOW_SPEED_TIME) stays above 1 byte/s long
  // enough here to let the server finish or hang up first.
  const std::string body = "0123456789ab";
  ScriptedResponse stalled{206, {{"Content-Range", "bytes 0-11/12"}}, body, -1, std::chrono::milliseconds(4000)};
  stalled.stall_after = 6;
  ScriptedResponse rest{206, {{"Content-Range", "bytes 6-11/12"}}, body.substr(6), -1, {}};
  FakeHttpServer server({stalled, rest});
  ClientUnderTest t(server, fast_retries(2), /*stall_timeout_s=*/1);
  std::string received;
  std::uint64_t first_offset = 0;
  Result<GetResult> result = t.get(GetRequest{"bucket", "k", 0, 12, ""}, received, first_offset);
  REQUIRE(result.ok());
  CHECK(received == body);  // the retry asked for the 6 bytes not yet received
  CHECK(t.client.stats().retries_by_kind[static_cast<int>(ErrorKind::timeout)] == 1);
  CHECK(t.client.stats().retries_by_kind[static_cast<int>(ErrorKind::network)] == 0);
}

TEST_CASE("an <Error> inside HTTP 200 on a listing is retried by its class", "[s3_client][fault]") {
  ScriptedResponse error_in_200{200, {}, "<?xml version=\"1.0\"?><Error><Code>SlowDown</Code><Message>busy</Message></Error>", -1, {}};
  ScriptedResponse page{200, {}, "<ListBucketResult><Name>bucket</Name><IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>3</Size></Contents></ListBucketResult>", -1, {}};
  FakeHttpServer server({error_in_200, page});
  ClientUnderTest t(server, fast_retries(3));
  Result<ListPage> result = run_sync<ListPage>(t.engine, [&](auto done) {
    t.client.list_page(ListRequest{"bucket", "", "", "", 0, ""}, done);
  });
  REQUIRE(result.ok());
  REQUIRE(result->objects.size() == 1);
  CHECK(result->objects[0].key == "a");
  CHECK(server.requests().size() == 2);
}

TEST_CASE("a listing page cut in half is asked for again, a bounded number of times", "[s3_client][fault]") {
  const std::string body =
      "<ListBucketResult><Name>bucket</Name><IsTruncated>false</IsTruncated><Contents><Key>a</Key><Size>3</Size>"
      "</Contents></ListBucketResult>";
  ScriptedResponse cut{200, {}, body.substr(0, body.size() / 2), -1, {}};
  ScriptedResponse page{200, {}, body, -1, {}};
  SECTION("once: the second answer is used") {
    FakeHttpServer server({cut, page});
    ClientUnderTest t(server, fast_retries(3));
    Result<ListPage> result = run_sync<ListPage>(t.engine, [&](auto done) {
      t.client.list_page(ListRequest{"bucket", "", "", "", 0, ""}, done);
    });
    REQUIRE(result.ok());
    REQUIRE(result->objects.size() == 1);
    CHECK(server.requests().size() == 2);
    CHECK(t.client.stats().retries_by_kind[static_cast<int>(ErrorKind::protocol)] == 1);
  }
  SECTION("always: a protocol error after the retries") {
    FakeHttpServer server({cut, cut, cut, cut, cut});
    ClientUnderTest t(server, fast_retries(2));
    Result<ListPage> result = run_sync<ListPage>(t.engine, [&](auto done) {
      t.client.list_page(ListRequest{"bucket", "", "", "", 0, ""}, done);
    });
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ErrorKind::protocol);
    CHECK_THAT(result.error().message, Catch::Contains("malformed XML"));
    CHECK(server.requests().size() == 3);
  }
}

TEST_CASE("connection refused is retried a bounded number of times, then reported", "[s3_client][fault]") {
  // Bind a port, then close it: nothing listens there.
  int port = 0;
  { FakeHttpServer gone(std::vector<ScriptedResponse>{}); port = gone.port(); }
  HttpEngine engine(HttpEngineOptions{2, 1000, 60, 512 * 1024, {}, false});
  S3Client client(engine, parse_endpoint("http://127.0.0.1:" + std::to_string(port), Addressing::path, "").value(),
                  Credentials{"AKIDTEST", "secret", ""}, [] { return std::chrono::system_clock::now(); },
                  fast_retries(3), 7);
  Result<ObjectInfo> result = run_sync<ObjectInfo>(engine, [&](auto done) { client.head("bucket", "k", done); });
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::network);
  CHECK(client.stats().retries == 3);
  CHECK(result.error().message.find("gave up after 3 retries") != std::string::npos);
}

TEST_CASE("a stopped client ends its request in flight at once and retries nothing", "[s3_client][fault]") {
  ScriptedResponse slow{200, {{"ETag", "\"x\""}}, pattern(100), -1, std::chrono::milliseconds(5000)};
  FakeHttpServer server({slow, slow});
  ClientUnderTest t(server, fast_retries(5));
  // A whole-object GET whose body waits 5 s after its headers.
  std::optional<Result<GetResult>> answer;
  t.client.get(GetRequest{"bucket", "k", 0, 0, ""}, [](std::uint64_t, const char*, std::size_t) { return true; },
               [&](Result<GetResult> result) { answer = std::move(result); });
  const auto started = std::chrono::steady_clock::now();
  while (server.requests().empty() && std::chrono::steady_clock::now() - started < std::chrono::seconds(5)) {
    t.engine.poll(std::chrono::milliseconds(5));
  }
  REQUIRE(server.requests().size() == 1);
  t.client.stop(make_error(ErrorKind::cancelled, "copy", "", "stopped by SIGTERM"));
  while (!answer && std::chrono::steady_clock::now() - started < std::chrono::seconds(5)) {
    t.engine.poll(std::chrono::milliseconds(5));
  }
  REQUIRE(answer.has_value());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));  // ended, not answered after the 5 s stall
  REQUIRE_FALSE(answer->ok());
  CHECK(answer->error().kind == ErrorKind::cancelled);
  CHECK_THAT(answer->error().message, Catch::Contains("SIGTERM"));
  CHECK(t.client.stats().retries == 0);
  Result<ObjectInfo> later = run_sync<ObjectInfo>(t.engine, [&](auto done) { t.client.head("bucket", "k", done); });
  REQUIRE_FALSE(later.ok());
  CHECK(later.error().kind == ErrorKind::cancelled);
  CHECK(server.requests().size() == 1);
}
