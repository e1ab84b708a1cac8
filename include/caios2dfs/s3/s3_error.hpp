// The single place that turns an HTTP status plus an S3 XML error body into an
// Error (kind, retryable, a message that says what to fix), with the parser of
// that body. Pure: no network, no clock (the current time is passed in where a
// date must be compared).
// Codes: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"

namespace caios {

/// The fields of an S3 <Error> document.
struct S3ErrorBody {
  std::string code;        ///< "NoSuchBucket", "SlowDown", ...; trimmed
  std::string message;     ///< as sent
  std::string resource;    ///< <Resource> or <BucketName> or <Key>, when present; trimmed
  std::string request_id;  ///< trimmed
};

/// Parse an <Error> document (also inside an <ErrorResponse> wrapper);
/// nullopt when `body` is not one (empty, HTML, a listing, broken XML).
std::optional<S3ErrorBody> parse_s3_error(std::string_view body);

/// Map a failed S3 response to an Error.
///
/// The S3 <Code> decides when it is known, because the same status carries
/// different meanings (503 SlowDown is throttling, 503 ServiceUnavailable is
/// a server fault; 400 RequestTimeout is a timeout, 400 InvalidArgument is
/// our fault). Otherwise the status decides. `body` may be empty (HEAD) or
/// not XML at all (a proxy's HTML page): the mapping then uses the status.
/// An <Error> document inside a 2xx response (S3 does this for CopyObject and
/// for errors found after the status line was sent) is an error too.
///
/// `operation` and `subject` are copied into the Error; when `subject` is
/// empty the body's <Resource>/<BucketName>/<Key> is used instead.
/// The message is "<status> <Code>: <server Message>[ (request id X)]" plus
/// "; <what to fix>" when there is a fix to suggest. Only the body's text and
/// the request id are quoted, never other header values.
/// `retry_after_ms` (see parse_retry_after_ms) is stored as is; -1 = absent.
Error map_s3_error(int http_status, std::string_view body, std::string_view operation,
                   std::string_view subject, long retry_after_ms = -1);

/// Value of a Retry-After header in milliseconds from `now_ns` (ns since the
/// Unix epoch): delta-seconds ("120" -> 120000) or an HTTP date (a date in the
/// past gives 0). -1 when the value cannot be parsed or does not fit a long.
long parse_retry_after_ms(std::string_view header_value, std::int64_t now_ns);

}  // namespace caios
