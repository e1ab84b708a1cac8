// What each object's bytes are checked against, the verdict, and the bound on
// refetches.
#include <catch2/catch.hpp>

#include "caios2dfs/copy/integrity.hpp"

using namespace caios;

namespace {

const std::string kSingle = "\"900150983cd24fb0d6963f7d28e17f72\"";  // MD5("abc")
const std::string kMultipart = "\"900150983cd24fb0d6963f7d28e17f72-12\"";
const std::string kAbcBase64 = "kAFQmDzST7DWlj99KOF/cg==";

Md5Digest abc() { return *etag_md5(kSingle); }

Md5Digest other() {
  Md5Digest digest = abc();
  digest[3] ^= 1;
  return digest;
}

}  // namespace

TEST_CASE("whole objects are hashed when something may say their MD5; others say why not", "[integrity]") {
  const CheckPlan whole = plan_check(true, false, kSingle);
  CHECK(whole.hash);
  REQUIRE(whole.md5);
  CHECK(*whole.md5 == abc());
  const CheckPlan multipart = plan_check(true, false, kMultipart);
  CHECK(multipart.hash);  // the response may carry rclone's md5chksum
  CHECK_FALSE(multipart.md5);
  CHECK(multipart.reason == Unverified::multipart);
  const CheckPlan off = plan_check(false, false, kSingle);
  CHECK_FALSE(off.hash);
  CHECK(off.reason == Unverified::disabled);
  CHECK(plan_check(true, true, kMultipart).reason == Unverified::multipart);
  CHECK(plan_check(true, true, kSingle).reason == Unverified::chunked);
  CHECK_FALSE(plan_check(true, true, kSingle).hash);
  const CheckPlan opaque = plan_check(true, false, "\"kms-encrypted-opaque\"");
  CHECK_FALSE(opaque.hash);
  CHECK(opaque.reason == Unverified::no_md5);
  CHECK(std::string(unverified_name(Unverified::no_hasher)) == "no_hasher");
  CHECK(std::string(verified_name(VerifiedBy::md5chksum)) == "md5chksum");
}

TEST_CASE("the verdict: by the ETag, by rclone's md5chksum, a mismatch, or why unchecked", "[integrity]") {
  const CheckPlan single = plan_check(true, false, kSingle);
  CHECK(judge_check(single, abc(), ResponseSums{""}).verified == VerifiedBy::etag_md5);
  CHECK(judge_check(single, abc(), ResponseSums{"garbage"}).verified == VerifiedBy::etag_md5);  // the ETag decides
  const CheckVerdict bad = judge_check(single, other(), ResponseSums{""});
  CHECK_FALSE(bad.verified);
  REQUIRE(bad.expected);
  CHECK(*bad.expected == abc());
  const CheckVerdict unhashed = judge_check(single, std::nullopt, ResponseSums{""});
  CHECK_FALSE(unhashed.verified);
  CHECK_FALSE(unhashed.expected);
  CHECK(unhashed.reason == Unverified::no_hasher);

  const CheckPlan multipart = plan_check(true, false, kMultipart);
  CHECK(judge_check(multipart, abc(), ResponseSums{kAbcBase64}).verified == VerifiedBy::md5chksum);
  CHECK(judge_check(multipart, other(), ResponseSums{kAbcBase64}).expected == abc());
  const CheckVerdict without = judge_check(multipart, abc(), ResponseSums{""});
  CHECK_FALSE(without.verified);
  CHECK_FALSE(without.expected);
  CHECK(without.reason == Unverified::multipart);
  CHECK(judge_check(multipart, abc(), ResponseSums{"not base64"}).reason == Unverified::multipart);

  // SSE-KMS or SSE-C: a 32-hex ETag that is no MD5. rclone's MD5 still is.
  const CheckVerdict kms = judge_check(single, other(), ResponseSums{"", true});
  CHECK_FALSE(kms.verified);
  CHECK_FALSE(kms.expected);  // no mismatch: nothing to compare with
  CHECK(kms.reason == Unverified::no_md5);
  CHECK(judge_check(single, abc(), ResponseSums{kAbcBase64, true}).verified == VerifiedBy::md5chksum);
  CHECK(judge_check(single, other(), ResponseSums{kAbcBase64, true}).expected == abc());

  const CheckVerdict off = judge_check(plan_check(false, false, kSingle), std::nullopt, ResponseSums{kAbcBase64});
  CHECK_FALSE(off.verified);
  CHECK_FALSE(off.expected);
  CHECK(off.reason == Unverified::disabled);
}

TEST_CASE("a chunked object is checked by its ETag's MD5, or rclone's for a multipart upload", "[integrity]") {
  const ChunkedCheck single = chunked_check(true, kSingle, ResponseSums{""});
  CHECK(single.expected == abc());
  CHECK(single.method == VerifiedBy::etag_md5);
  const ChunkedCheck rclone = chunked_check(true, kMultipart, ResponseSums{kAbcBase64});
  CHECK(rclone.expected == abc());
  CHECK(rclone.method == VerifiedBy::md5chksum);
  const ChunkedCheck multipart = chunked_check(true, kMultipart, ResponseSums{""});
  CHECK_FALSE(multipart.expected);
  CHECK(multipart.reason == Unverified::multipart);
  const ChunkedCheck opaque = chunked_check(true, "\"opaque\"", ResponseSums{kAbcBase64});
  CHECK_FALSE(opaque.expected);  // as for a whole object: not hashed for it
  CHECK(opaque.reason == Unverified::no_md5);
  const ChunkedCheck kms = chunked_check(true, kSingle, ResponseSums{"", true});
  CHECK_FALSE(kms.expected);
  CHECK(kms.reason == Unverified::no_md5);
  const ChunkedCheck kms_rclone = chunked_check(true, kSingle, ResponseSums{kAbcBase64, true});
  CHECK(kms_rclone.expected == abc());
  CHECK(kms_rclone.method == VerifiedBy::md5chksum);
  CHECK_FALSE(chunked_check(false, kSingle, ResponseSums{""}).expected);
  CHECK(chunked_check(false, kSingle, ResponseSums{""}).reason == Unverified::disabled);
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
