// Errors as values for every I/O path (S3 requests, file writes, MPI exchange).
//
// An Error says what failed (`operation`), on which object or file (`subject`)
// and at which byte `offset`, why (`message`), and how the caller should react
// (`kind`, `retryable`, `retry_after_ms`). Every Error starts from one of the
// constructors below. Each source of failure is mapped to kinds in exactly one
// place: curl codes in http/curl_easy.cpp (map_curl_error), HTTP status and S3
// XML in s3/s3_error.cpp (map_s3_error), errno in fileio/fs_ops.cpp
// (errno_error), MPI-IO codes in fileio/file_mpiio.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace caios {

/// Broad class of a failure; used for retry decisions and for the per-class
/// error counts in the final report. Stable names: see error_kind_name().
enum class ErrorKind : std::uint8_t {
  network,        ///< connect refused/reset, DNS, TLS handshake: the request never completed
  timeout,        ///< stalled transfer or request timeout
  throttled,      ///< 503 SlowDown, 429
  server,         ///< other 5xx, InternalError
  auth,           ///< 403, SignatureDoesNotMatch, InvalidAccessKeyId, clock skew
  not_found,      ///< 404 NoSuchKey / NoSuchBucket
  changed,        ///< 412 PreconditionFailed: object changed under us (If-Match)
  protocol,       ///< malformed response: bad XML, wrong Content-Range, short body
  client,         ///< other 4xx: our request was wrong
  io,             ///< local file system (errno)
  invalid_key,    ///< object key cannot be mapped to a safe path under DEST
  config,         ///< bad configuration or usage
  cancelled,      ///< aborted by us (shutdown, sink refused data)
  checksum,       ///< the bytes received differ from the object's MD5 or checksum
  // (checksum stays last: messages between ranks check kinds against it)
};

/// The stable lower-case name used in reports ("throttled", "io", ...).
const char* error_kind_name(ErrorKind kind) noexcept;

struct Error {
  ErrorKind kind = ErrorKind::client;
  std::string operation;  ///< e.g. "GET", "ListObjectsV2", "pwrite", "rename"
  std::string subject;    ///< key, bucket or path the operation was about (never a secret)
  std::string message;    ///< human explanation, including the server's or OS's words
  std::uint64_t offset = 0;     ///< byte offset in the object or file, when it matters
  int http_status = 0;          ///< 0 when no HTTP response was received
  std::string s3_code;          ///< S3 <Code>, e.g. "SlowDown"; empty when none
  int sys_errno = 0;            ///< errno for kind == io
  bool retryable = false;
  long retry_after_ms = -1;     ///< from a Retry-After header; -1 when absent

  /// One line for logs: "GET bucket/key @1048576: 503 SlowDown: Please reduce ... (retryable)".
  std::string to_string() const;
};

/// The constructor every Error is built with: what failed, on what, why.
/// Callers that know more (retryable, HTTP status, errno) set those fields
/// on the result.
Error make_error(ErrorKind kind, std::string operation, std::string subject, std::string message,
                 std::uint64_t offset = 0);

/// Kind protocol: the peer answered, but not as the protocol says (bad XML, a
/// wrong Content-Range, a short body, a malformed message between ranks).
Error protocol_error(std::string operation, std::string subject, std::uint64_t offset, std::string message,
                     bool retryable = false);

/// Kind config: bad configuration or usage; `message` says what to fix.
Error config_error(std::string operation, std::string subject, std::string message);

/// A value or an Error. Deliberately small: we need `ok()`, `value()`,
/// `error()` and nothing else (std::expected is C++23).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation that yields nothing but may fail.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace caios
