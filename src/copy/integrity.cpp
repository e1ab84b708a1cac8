#include "caios2dfs/copy/integrity.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace caios {

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
  if (etag_parts(etag)) {
    plan.reason = Unverified::multipart;
  } else if (std::optional<Md5Digest> md5 = etag_md5(etag); !md5) {
    plan.reason = Unverified::no_md5;
  } else if (chunked) {
    plan.reason = Unverified::chunked;
  } else {
    plan.md5 = md5;
  }
  return plan;
}

Error checksum_mismatch(std::string_view key, const Md5Digest& received, const Md5Digest& expected) {
  std::array<char, 33> got{};
  std::array<char, 33> want{};
  Error error = make_error(ErrorKind::checksum, "GET", std::string(key),
                           fmt::format("the bytes received have MD5 {}, the object's ETag says {}: corrupted in "
                                       "transit (or the store's bytes do not match its ETag)",
                                       md5_hex(received, got), md5_hex(expected, want)));
  error.retryable = true;
  return error;
}

int checksum_attempts(int retries) { return 1 + std::clamp(retries, 0, 2); }

}  // namespace caios
