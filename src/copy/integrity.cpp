#include "caios2dfs/copy/integrity.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace caios {

const char* verified_name(VerifiedBy method) noexcept {
  switch (method) {
    case VerifiedBy::etag_md5: return "etag_md5";
    case VerifiedBy::md5chksum: return "md5chksum";
    case VerifiedBy::etag_parts: return "etag_parts";
    case VerifiedBy::checksum: return "checksum";
    case VerifiedBy::composite: return "composite";
  }
  return "unknown";
}

const char* unverified_name(Unverified reason) noexcept {
  switch (reason) {
    case Unverified::disabled: return "disabled";
    case Unverified::multipart: return "multipart";
    case Unverified::no_md5: return "no_md5";
    case Unverified::chunked: return "chunked";
    case Unverified::no_hasher: return "no_hasher";
  }
  return "unknown";
}

CheckPlan plan_check(bool verify, bool chunked, std::string_view etag) {
  CheckPlan plan;
  if (!verify) return plan;  // reason disabled
  plan.md5 = etag_md5(etag);
  const bool multipart = etag_parts(etag).has_value();
  if (chunked) {
    plan.reason = multipart ? Unverified::multipart : plan.md5 ? Unverified::chunked : Unverified::no_md5;
    plan.md5.reset();
    return plan;
  }
  // A multipart upload may carry rclone's MD5, seen only in the response.
  plan.hash = plan.md5.has_value() || multipart;
  plan.reason = multipart ? Unverified::multipart : Unverified::no_md5;
  return plan;
}

CheckVerdict judge_check(const CheckPlan& plan, const std::optional<Md5Digest>& received, ResponseSums response) {
  CheckVerdict verdict;
  verdict.reason = plan.reason;
  std::optional<Md5Digest> expected = plan.md5;
  VerifiedBy method = VerifiedBy::etag_md5;
  if (expected && response.etag_not_md5) {
    expected.reset();
    verdict.reason = Unverified::no_md5;
  }
  if (!expected && plan.hash) {
    expected = md5_from_base64(response.md5chksum);
    method = VerifiedBy::md5chksum;
  }
  if (!expected) return verdict;  // nothing says what the bytes must be
  if (!received) {
    verdict.reason = plan.hash ? Unverified::no_hasher : plan.reason;
    return verdict;
  }
  if (*received == *expected) {
    verdict.verified = method;
  } else {
    verdict.expected = expected;
  }
  return verdict;
}

ChunkedCheck chunked_check(bool verify, std::string_view etag, ResponseSums response) {
  ChunkedCheck check;
  if (!verify) return check;  // reason disabled
  const std::optional<Md5Digest> md5 = etag_md5(etag);
  if (md5 && !response.etag_not_md5) {
    check.expected = md5;
    return check;
  }
  const bool multipart = etag_parts(etag).has_value();
  check.reason = multipart ? Unverified::multipart : Unverified::no_md5;
  // rclone's MD5 is of the bytes, encrypted at rest or not; looked for where
  // a whole object would be hashed for it too (plan_check).
  if ((md5 || multipart) && (check.expected = md5_from_base64(response.md5chksum))) {
    check.method = VerifiedBy::md5chksum;
  }
  return check;
}

Error checksum_mismatch(std::string_view key, const Md5Digest& received, const Md5Digest& expected) {
  return digest_mismatch(key, "MD5", md5_hex(received), md5_hex(expected));
}

Error digest_mismatch(std::string_view key, std::string_view what, std::string_view received,
                      std::string_view expected) {
  Error error = make_error(ErrorKind::checksum, "GET", std::string(key),
                           fmt::format("the bytes received have {} {}, the store says {}: corrupted in "
                                       "transit (or the store's bytes are not what it says)",
                                       what, received.empty() ? "(not computed)" : received, expected));
  error.retryable = true;
  return error;
}

int checksum_attempts(int retries) { return 1 + std::clamp(retries, 0, 2); }

}  // namespace caios
