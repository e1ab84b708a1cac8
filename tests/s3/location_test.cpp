// Parsing the SOURCE argument: s3:// URLs and rclone REMOTE:BUCKET forms,
// what is refused and why, and printing a location back.
#include <catch2/catch.hpp>

#include <string>

#include "caios2dfs/s3/location.hpp"

namespace {

using caios::ErrorKind;
using caios::S3Location;

S3Location parsed(const std::string& text) {
  auto location = caios::parse_s3_location(text);
  INFO(text << ": " << (location.ok() ? std::string("ok") : location.error().to_string()));
  REQUIRE(location.ok());
  return *location;
}

/// The Error for `text`, which must be refused.
caios::Error refused(const std::string& text) {
  auto location = caios::parse_s3_location(text);
  INFO(text);
  REQUIRE_FALSE(location.ok());
  return location.error();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("parse_s3_location: s3:// URLs", "[location]") {
  const S3Location bare = parsed("s3://bucket");
  CHECK(bare.remote.empty());
  CHECK(bare.bucket == "bucket");
  CHECK(bare.prefix.empty());

  const S3Location slash = parsed("s3://bucket/");
  CHECK(slash.bucket == "bucket");
  CHECK(slash.prefix.empty());

  // The prefix is kept exactly: no slash added or removed.
  const S3Location with_slash = parsed("s3://bucket/prefix/");
  CHECK(with_slash.bucket == "bucket");
  CHECK(with_slash.prefix == "prefix/");
  CHECK(parsed("s3://bucket/prefix").prefix == "prefix");
  CHECK(parsed("s3://bucket/a/b/c.txt").prefix == "a/b/c.txt");
  CHECK(parsed("s3://bucket//double").prefix == "/double");
  CHECK(parsed("s3://bucket/key with spaces:and colons").prefix == "key with spaces:and colons");

  const S3Location dotted = parsed("s3://my.bucket-01/x");
  CHECK(dotted.bucket == "my.bucket-01");
  CHECK(dotted.prefix == "x");
}

TEST_CASE("parse_s3_location: rclone REMOTE:BUCKET[/PREFIX]", "[location]") {
  const S3Location bare = parsed("remote:bucket");
  CHECK(bare.remote == "remote");
  CHECK(bare.bucket == "bucket");
  CHECK(bare.prefix.empty());

  const S3Location with_prefix = parsed("remote:bucket/prefix/");
  CHECK(with_prefix.remote == "remote");
  CHECK(with_prefix.bucket == "bucket");
  CHECK(with_prefix.prefix == "prefix/");

  // Remote names are rclone's: anything but '/' before the first colon.
  const S3Location odd = parsed("my-remote_2.x:bucket/a:b");
  CHECK(odd.remote == "my-remote_2.x");
  CHECK(odd.bucket == "bucket");
  CHECK(odd.prefix == "a:b");
}

TEST_CASE("parse_s3_location: refusals are config Errors that show the expected form", "[location]") {
  const char* const texts[] = {
      "",                  // nothing at all
      "bucket",            // no scheme, no remote
      ":bucket",           // empty remote name
      "s3://",             // no bucket
      "s3:///prefix",      // empty bucket
      "remote:",           // remote without bucket
      "remote:/prefix",    // empty bucket after a remote
      "remote/x:bucket",   // '/' in a remote name
      "s3://Bucket",       // upper case
      "s3://ab",           // too short
      "s3://-bucket",      // must start with a letter or digit
      "s3://bucket-",      // and end with one
      "s3://bu..cket",     // no empty label
      "s3://bu_cket",      // no underscore
  };
  for (const char* text : texts) {
    CAPTURE(text);
    const caios::Error error = refused(text);
    CHECK(error.kind == ErrorKind::config);
    CHECK(error.subject == text);
    CHECK(contains(error.message, "s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX]"));
    CHECK_FALSE(error.retryable);
  }
  CHECK(refused(std::string(64, 'b')).kind == ErrorKind::config);
  CHECK(parsed("s3://" + std::string(63, 'b')).bucket == std::string(63, 'b'));
}

TEST_CASE("parse_s3_location: each refusal says what is wrong", "[location]") {
  CHECK(contains(refused("bucket").message, "no bucket"));
  CHECK(contains(refused("s3://").message, "bucket name is empty"));
  CHECK(contains(refused("remote:").message, "bucket name is empty"));
  CHECK(contains(refused("remote/x:bucket").message, "remote name cannot contain '/'"));
  CHECK(contains(refused("s3://Bucket/x").message, "'Bucket' is not a valid bucket name"));
}

TEST_CASE("to_string: prints a location back in the form it was given", "[location]") {
  for (const char* text : {"s3://bucket", "s3://bucket/prefix/", "s3://bucket/a/b", "remote:bucket",
                           "remote:bucket/prefix/", "remote:bucket/a:b"}) {
    CAPTURE(text);
    CHECK(caios::to_string(parsed(text)) == text);
  }
  // "s3://bucket/" has an empty prefix: the slash carries nothing.
  CHECK(caios::to_string(parsed("s3://bucket/")) == "s3://bucket");
  CHECK(caios::to_string(S3Location{"", "b3t", "p"}) == "s3://b3t/p");
  CHECK(caios::to_string(S3Location{"r", "b3t", ""}) == "r:b3t");
}
