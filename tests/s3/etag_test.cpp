// ETags and MD5: what a single-part ETag says, and OpenSSL's MD5 streamed in
// pieces against RFC 1321's test vectors.
#include <catch2/catch.hpp>

#include <string>

#include "caios2dfs/s3/etag.hpp"
#include "caios2dfs/s3/md5.hpp"

using namespace caios;

TEST_CASE("a single-part ETag is the MD5 of the bytes; other ETags are not", "[etag]") {
  const auto md5 = etag_md5("\"9E107D9D372BB6826BD81D3542A419D6\"");
  REQUIRE(md5);
  CHECK(md5_hex(*md5) == "9e107d9d372bb6826bd81d3542a419d6");
  CHECK(etag_md5("9e107d9d372bb6826bd81d3542a419d6"));  // unquoted, as some listings give it
  CHECK_FALSE(etag_md5("\"9e107d9d372bb6826bd81d3542a419d6-3\""));
  CHECK_FALSE(etag_md5("\"9e107d9d372bb6826bd81d3542a419d\""));   // 30 digits
  CHECK_FALSE(etag_md5("\"9e107d9d372bb6826bd81d3542a419dg\""));  // not hex
  CHECK_FALSE(etag_md5(""));
  CHECK_FALSE(etag_parts("\"9e107d9d372bb6826bd81d3542a419d6\""));
  CHECK(etag_parts("\"9e107d9d372bb6826bd81d3542a419d6-3\"") == 3u);
  CHECK_FALSE(etag_parts("\"9e107d9d372bb6826bd81d3542a419d6-0\""));
  CHECK_FALSE(etag_parts("\"9e107d9d372bb6826bd81d3542a419d6-3x\""));
  CHECK_FALSE(etag_parts("\"abc-3\""));
}

TEST_CASE("SSE-KMS and SSE-C hide the MD5 in a single-part ETag; SSE-S3 does not", "[etag]") {
  CHECK(encryption_hides_md5("aws:kms", ""));
  CHECK(encryption_hides_md5("aws:kms:dsse", ""));
  CHECK(encryption_hides_md5("", "AES256"));  // SSE-C
  CHECK_FALSE(encryption_hides_md5("AES256", ""));
  CHECK_FALSE(encryption_hides_md5("", ""));
}

TEST_CASE("rclone's md5chksum is the MD5 in base64", "[etag]") {
  // MD5("abc") = 900150983cd24fb0d6963f7d28e17f72
  const auto md5 = md5_from_base64("kAFQmDzST7DWlj99KOF/cg==");
  REQUIRE(md5);
  CHECK(md5_hex(*md5) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(md5_to_base64(*md5) == "kAFQmDzST7DWlj99KOF/cg==");
  CHECK_FALSE(md5_from_base64(""));
  CHECK_FALSE(md5_from_base64("kAFQmDzST7DWlj99KOF/cg="));    // short
  CHECK_FALSE(md5_from_base64("kAFQmDzST7DWlj99KOF/cgAA"));   // 18 bytes, not 16
  CHECK_FALSE(md5_from_base64("kAFQmDzST7DWlj99KO*/cg=="));   // not base64
}

TEST_CASE("MD5 streamed in pieces matches RFC 1321's test suite", "[etag]") {
  const std::pair<std::string, std::string> vectors[] = {
      {"", "d41d8cd98f00b204e9800998ecf8427e"},
      {"a", "0cc175b9c0f1b6a831c399e269772661"},
      {"abc", "900150983cd24fb0d6963f7d28e17f72"},
      {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
      {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
       "57edf4a22be3c955ac49da2e2107b67a"},
  };
  Md5 md5;
  for (const auto& [text, expected] : vectors) {
    for (std::size_t i = 0; i < text.size(); i += 7) md5.update(text.data() + i, std::min<std::size_t>(7, text.size() - i));
    const auto digest = md5.finish();  // and starts over for the next vector
    REQUIRE(digest);
    CHECK(md5_hex(*digest) == expected);
  }
}

TEST_CASE("a multipart ETag carries the MD5 of its parts' MD5s before the part count", "[etag]") {
  const std::optional<Md5Digest> md5 = etag_multipart_md5("\"900150983cd24fb0d6963f7d28e17f72-12\"");
  REQUIRE(md5);
  CHECK(md5_hex(*md5) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(etag_multipart_md5("900150983CD24FB0D6963F7D28E17F72-1"));
  CHECK_FALSE(etag_multipart_md5("\"900150983cd24fb0d6963f7d28e17f72\""));  // single-part
  CHECK_FALSE(etag_multipart_md5("\"900150983cd24fb0d6963f7d28e17f72-0\""));
  CHECK_FALSE(etag_multipart_md5("\"900150983cd24fb0d6963f7d28e17f7-12\""));
  CHECK_FALSE(etag_multipart_md5(""));
}
