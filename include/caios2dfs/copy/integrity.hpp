// How a copied object's bytes are checked against what the store says about
// them (pure policy; the executor hashes, stats.hpp counts).
//
// Today: a single-part object fetched whole is hashed as it streams and its
// MD5 compared with its ETag's. Everything else is copied unverified, with
// the reason counted in the report: checks turned off (--ignore-checksum), a
// multipart ETag (the MD5 of its parts' MD5s), an ETag that is no MD5 (as
// with SSE-KMS), an object split into chunks across ranks, or an OpenSSL that
// cannot hash MD5 (FIPS mode).
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

/// Why a copied object was not checked.
enum class Unverified : std::uint8_t {
  disabled,   ///< --ignore-checksum
  multipart,  ///< multipart ETag
  no_md5,     ///< an ETag that is not an MD5
  chunked,    ///< split across ranks
  no_hasher,  ///< MD5 unavailable in this OpenSSL
};
constexpr std::size_t kUnverifiedReasons = 5;

/// Stable lower-case name for reports ("multipart", ...).
const char* unverified_name(Unverified reason) noexcept;

/// What to check one object's bytes against.
struct CheckPlan {
  std::optional<Md5Digest> md5;  ///< hash the bytes and compare, or...
  Unverified reason = Unverified::disabled;  ///< ...why not (when md5 is empty)
};

/// The check for an object with this ETag; `verify` false for
/// --ignore-checksum, `chunked` for an object split across ranks.
CheckPlan plan_check(bool verify, bool chunked, std::string_view etag);

/// A mismatch: kind checksum, retryable (the next fetch may be clean).
Error checksum_mismatch(std::string_view key, const Md5Digest& received, const Md5Digest& expected);

/// Fetches of one object before a mismatch is final: 1 + min(retries, 2). A
/// mismatch that comes back on three clean fetches is no transit error (the
/// store's bytes are not what its ETag says), and refetching more would not
/// help; --retries 0 fails at once.
int checksum_attempts(int retries);

}  // namespace caios
