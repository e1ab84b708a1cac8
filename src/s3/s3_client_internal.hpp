// Internal to the S3 client (s3_client.cpp, s3_multipart.cpp): the state of
// one request that S3Client::execute signs, sends and retries, and the helpers
// both files need. Not installed, not part of the public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/http/http_engine.hpp"
#include "caios2dfs/s3/s3_client.hpp"
#include "caios2dfs/s3/s3_request.hpp"

namespace caios {

struct S3Client::Call {
  std::string operation_name;  ///< for errors: "GET", "ListObjectsV2", ...
  std::string subject;
  std::function<S3Operation()> make_operation;  ///< rebuilt per attempt (a resumed GET moves its Range)
  const char* body = nullptr;
  std::size_t body_size = 0;
  std::function<bool(const HttpResponseHead&, const char*, std::size_t)> on_body;
  /// Set by on_body when it refuses a response; reported instead of curl's abort code.
  std::optional<Error> body_error;
  /// Decides whether a 2xx outcome is complete; an Error here may be retried.
  std::function<Status(const HttpOutcome&)> check_success;
  std::function<std::uint64_t()> error_offset;
  std::function<void(Result<HttpOutcome>)> done;
  int retries = 0;
};

namespace s3_client_detail {

/// "bucket/key", or "bucket" when `key` is empty: the subject of an Error.
std::string subject_of(std::string_view bucket, std::string_view key);

/// The payload hash to sign a PUT body with: its SHA-256, or
/// UNSIGNED-PAYLOAD above 1 MiB.
std::string payload_hash_for(const char* data, std::size_t size);

}  // namespace s3_client_detail
}  // namespace caios
