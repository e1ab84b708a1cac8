// How a copied object's bytes are checked against what the store says about
// them (pure policy; the executor hashes, stats.hpp counts).
//
// An object fetched whole is hashed as it streams: with the full-object
// additional checksum its GET response carries (x-amz-checksum-*, asked for
// with x-amz-checksum-mode), else with MD5, checked against its ETag when
// that is an MD5 (a single-part upload without SSE-KMS/SSE-C) or rclone's
// x-amz-meta-md5chksum. An object split into chunks across ranks is checked
// from its chunks' digests where the store says enough (chunk_checks.hpp),
// else read back and hashed once all its chunks are in (a work item of its
// own, WorkKind::verify), before it gets its final name. A match verifies
// the object; a mismatch is fetched again. Everything else is copied
// unverified, with the reason counted in the report: checks turned off
// (--ignore-checksum), a multipart ETag with nothing to check it by, an ETag
// that is no MD5 (as with SSE-KMS), or an OpenSSL that cannot hash (FIPS).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/s3/etag.hpp"

namespace caios {

/// What a verified object's MD5 was compared with.
enum class VerifiedBy : std::uint8_t {
  etag_md5,    ///< the ETag of a single-part upload
  md5chksum,   ///< rclone's x-amz-meta-md5chksum
  etag_parts,  ///< a multipart ETag, from the parts' MD5s (chunk_checks.hpp)
  checksum,    ///< a full-object additional checksum (x-amz-checksum-*, FULL_OBJECT)
  composite,   ///< a COMPOSITE additional checksum, from the parts' checksums
};
constexpr std::size_t kVerifiedMethods = 5;

/// Why a copied object was not checked.
enum class Unverified : std::uint8_t {
  disabled,   ///< --ignore-checksum
  multipart,  ///< multipart ETag, and no x-amz-meta-md5chksum
  no_md5,     ///< an ETag that is not an MD5
  chunked,    ///< split across ranks (no longer given: chunked objects are read back)
  no_hasher,  ///< MD5 unavailable in this OpenSSL
};
constexpr std::size_t kUnverifiedReasons = 5;

/// Stable lower-case names for reports ("etag_md5", "multipart", ...).
const char* verified_name(VerifiedBy method) noexcept;
const char* unverified_name(Unverified reason) noexcept;

/// Before the fetch: whether to hash the bytes as they stream.
struct CheckPlan {
  bool hash = false;             ///< hash the bytes: something may say their MD5
  std::optional<Md5Digest> md5;  ///< the ETag's MD5, when it is one
  Unverified reason = Unverified::disabled;  ///< why not, when nothing will
};

/// The plan for an object with this ETag; `verify` false for
/// --ignore-checksum, `chunked` for an object split across ranks.
CheckPlan plan_check(bool verify, bool chunked, std::string_view etag);

/// After the fetch: verified (by what), unverified (why), or a mismatch.
struct CheckVerdict {
  std::optional<VerifiedBy> verified;
  Unverified reason = Unverified::disabled;  ///< when neither verified nor a mismatch
  std::optional<Md5Digest> expected;         ///< set on a mismatch: what the store said
};

/// What the GET's response said about the bytes.
struct ResponseSums {
  std::string_view md5chksum;  ///< rclone's x-amz-meta-md5chksum, "" when absent
  bool etag_not_md5 = false;   ///< SSE-KMS or SSE-C: the ETag is no MD5 after all
};

/// Judge the bytes' MD5 (`received`, nullopt when they were not hashed or
/// the hasher failed) against the plan and what the response said.
CheckVerdict judge_check(const CheckPlan& plan, const std::optional<Md5Digest>& received, ResponseSums response);

/// What a chunked object's file must hash to once its chunks are all in:
/// `expected` (and by what the store said it) or, when empty, why it is not
/// checked. `response` is what the chunks' GETs said.
struct ChunkedCheck {
  std::optional<Md5Digest> expected;
  VerifiedBy method = VerifiedBy::etag_md5;
  Unverified reason = Unverified::disabled;
};
ChunkedCheck chunked_check(bool verify, std::string_view etag, ResponseSums response);

/// A mismatch: kind checksum, retryable (the next fetch may be clean).
Error checksum_mismatch(std::string_view key, const Md5Digest& received, const Md5Digest& expected);
/// The same for another digest: `what` names it ("crc64nvme", "multipart
/// ETag"), `received` and `expected` are printable forms.
Error digest_mismatch(std::string_view key, std::string_view what, std::string_view received,
                      std::string_view expected);

/// Fetches of one object before a mismatch is final: 1 + min(retries, 2). A
/// mismatch that comes back on three clean fetches is no transit error (the
/// store's bytes are not what it says they are), and refetching more would
/// not help; --retries 0 fails at once.
int checksum_attempts(int retries);

}  // namespace caios
