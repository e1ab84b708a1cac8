// Tests for error.hpp: the Error constructors, the one-line rendering and
// the kind names.
#include "caios2dfs/base/error.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace caios {

TEST_CASE("make_error fills what failed, on what, why and where", "[error]") {
  const Error error = make_error(ErrorKind::io, "pwrite", "/dest/file", "No space left on device", 4096);
  CHECK(error.kind == ErrorKind::io);
  CHECK(error.operation == "pwrite");
  CHECK(error.subject == "/dest/file");
  CHECK(error.message == "No space left on device");
  CHECK(error.offset == 4096);
  // What only the caller knows keeps its "unknown" value.
  CHECK_FALSE(error.retryable);
  CHECK(error.http_status == 0);
  CHECK(error.s3_code.empty());
  CHECK(error.sys_errno == 0);
  CHECK(error.retry_after_ms == -1);
  CHECK(make_error(ErrorKind::network, "GET", "b/k", "reset").offset == 0);
}

TEST_CASE("protocol_error and config_error are make_error with their kind", "[error]") {
  const Error cut = protocol_error("GET", "b/k", 100, "response ended after 5 of 10 bytes", true);
  CHECK(cut.kind == ErrorKind::protocol);
  CHECK(cut.operation == "GET");
  CHECK(cut.subject == "b/k");
  CHECK(cut.offset == 100);
  CHECK(cut.message == "response ended after 5 of 10 bytes");
  CHECK(cut.retryable);
  CHECK_FALSE(protocol_error("ListObjectsV2", "b", 0, "bad XML").retryable);

  const Error config = config_error("endpoint", "--endpoint", "no host name");
  CHECK(config.kind == ErrorKind::config);
  CHECK(config.operation == "endpoint");
  CHECK(config.subject == "--endpoint");
  CHECK(config.message == "no host name");
  CHECK(config.offset == 0);
  CHECK_FALSE(config.retryable);
}

TEST_CASE("a Result holds a value or an Error", "[error]") {
  Result<int> value = 7;
  REQUIRE(value.ok());
  CHECK(*value == 7);
  Result<int> failed = config_error("parse", "x", "bad");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().message == "bad");
  CHECK(ok_status().ok());
}

TEST_CASE("Error::to_string and error_kind_name", "[error]") {
  Error error = make_error(ErrorKind::throttled, "GET", "bucket/key",
                           "503 SlowDown: Please reduce your request rate.", 1048576);
  error.retryable = true;
  CHECK(error.to_string() ==
        "GET bucket/key @1048576: 503 SlowDown: Please reduce your request rate. (retryable)");

  error.retry_after_ms = 2000;
  CHECK(error.to_string() ==
        "GET bucket/key @1048576: 503 SlowDown: Please reduce your request rate. "
        "(retryable, retry after 2000 ms)");

  error.offset = 0;
  error.retryable = false;
  CHECK(error.to_string() == "GET bucket/key: 503 SlowDown: Please reduce your request rate.");

  error.subject.clear();
  CHECK(error.to_string() == "GET: 503 SlowDown: Please reduce your request rate.");

  Error bare = make_error(ErrorKind::client, "", "", "something");
  CHECK(bare.to_string() == "something");
  bare.message.clear();
  bare.subject = "path";
  CHECK(bare.to_string() == "path");
  CHECK(Error{}.to_string().empty());

  CHECK(std::string(error_kind_name(ErrorKind::network)) == "network");
  CHECK(std::string(error_kind_name(ErrorKind::timeout)) == "timeout");
  CHECK(std::string(error_kind_name(ErrorKind::throttled)) == "throttled");
  CHECK(std::string(error_kind_name(ErrorKind::server)) == "server");
  CHECK(std::string(error_kind_name(ErrorKind::auth)) == "auth");
  CHECK(std::string(error_kind_name(ErrorKind::not_found)) == "not_found");
  CHECK(std::string(error_kind_name(ErrorKind::changed)) == "changed");
  CHECK(std::string(error_kind_name(ErrorKind::protocol)) == "protocol");
  CHECK(std::string(error_kind_name(ErrorKind::client)) == "client");
  CHECK(std::string(error_kind_name(ErrorKind::io)) == "io");
  CHECK(std::string(error_kind_name(ErrorKind::invalid_key)) == "invalid_key");
  CHECK(std::string(error_kind_name(ErrorKind::config)) == "config");
  CHECK(std::string(error_kind_name(ErrorKind::cancelled)) == "cancelled");
  CHECK(std::string(error_kind_name(ErrorKind::checksum)) == "checksum");
}

}  // namespace caios
