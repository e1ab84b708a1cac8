// What each object's bytes are checked against, and the bound on refetches.
#include <catch2/catch.hpp>

#include "caios2dfs/copy/integrity.hpp"

using namespace caios;

TEST_CASE("only a whole single-part object is checked, and every other copy says why not", "[integrity]") {
  const std::string single = "\"900150983cd24fb0d6963f7d28e17f72\"";
  const std::string multipart = "\"900150983cd24fb0d6963f7d28e17f72-12\"";
  const CheckPlan whole = plan_check(true, false, single);
  REQUIRE(whole.md5);
  CHECK((*whole.md5)[0] == 0x90);
  CHECK(plan_check(false, false, single).reason == Unverified::disabled);
  CHECK_FALSE(plan_check(false, false, single).md5);
  CHECK(plan_check(true, false, multipart).reason == Unverified::multipart);
  CHECK(plan_check(true, true, multipart).reason == Unverified::multipart);
  CHECK(plan_check(true, true, single).reason == Unverified::chunked);
  CHECK_FALSE(plan_check(true, true, single).md5);
  CHECK(plan_check(true, false, "\"kms-encrypted-opaque\"").reason == Unverified::no_md5);
  CHECK(std::string(unverified_name(Unverified::no_hasher)) == "no_hasher");
}

TEST_CASE("a mismatch is a retryable checksum error that names both digests", "[integrity]") {
  Md5Digest got{};
  Md5Digest want{};
  want[15] = 0xff;
  const Error error = checksum_mismatch("dir/key", got, want);
  CHECK(error.kind == ErrorKind::checksum);
  CHECK(error.retryable);
  CHECK(error.subject == "dir/key");
  CHECK(error.message.find("00000000000000000000000000000000") != std::string::npos);
  CHECK(error.message.find("000000000000000000000000000000ff") != std::string::npos);
  CHECK(checksum_attempts(0) == 1);
  CHECK(checksum_attempts(1) == 2);
  CHECK(checksum_attempts(10) == 3);
}
