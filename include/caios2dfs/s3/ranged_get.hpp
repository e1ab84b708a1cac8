// The pure half of a ranged GET: the Range header of each attempt and the
// checks of each response, before and after its body. S3Client::get
// (s3_client.hpp) drives the attempts over the network and calls these; here
// there is no curl, no clock and no state, so every answer a server may give
// is tested offline (tests/s3/ranged_get_test.cpp).
//
// A GET may take several attempts: when a response breaks off, the next
// attempt asks for the rest, from the first byte not yet delivered to the
// sink. `delivered` below is that count, over all attempts so far.
// Spec: https://www.rfc-editor.org/rfc/rfc9110#name-range-requests
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/http/http_types.hpp"

namespace caios {

struct GetRequest {
  std::string bucket;
  std::string key;
  std::uint64_t offset = 0;
  /// Bytes wanted from `offset`. 0 means "to the end of the object"; with
  /// offset 0 that is the whole object, asked without a Range header (the
  /// only way to GET an empty object).
  std::uint64_t length = 0;
  std::string if_match;  ///< ETag the object must still have; empty: no check
};

/// A Content-Range header: bytes start-end/total.
struct ContentRange {
  std::uint64_t start = 0;
  std::uint64_t end = 0;    ///< inclusive
  std::uint64_t total = 0;  ///< the object's size; end + 1 when the server sent "*"
};

/// Parse "bytes START-END/TOTAL" (TOTAL may be "*"); nullopt when malformed
/// or inconsistent (START > END, END >= TOTAL).
std::optional<ContentRange> parse_content_range(std::string_view value);

/// The first object byte the next attempt asks for: offset + delivered.
std::uint64_t attempt_start(const GetRequest& request, std::uint64_t delivered);

/// The Range header value of the attempt after `delivered` bytes, with
/// S = attempt_start(): "bytes=S-L" for a request with a length
/// (L = offset + length - 1); for one without, "bytes=S-" when S > 0 (a
/// resumed attempt, or a nonzero offset) and nullopt (send no Range) when
/// S = 0.
std::optional<std::string> range_header(const GetRequest& request, std::uint64_t delivered);

/// What a response head that passed check_range_response promised.
struct RangeResponse {
  std::uint64_t expected_bytes = 0;  ///< body bytes the response must carry
  std::uint64_t object_size = 0;     ///< Content-Range's total, or a 200's Content-Length
};

/// Check the head of the response to the attempt after `delivered` bytes,
/// before any of its bytes reaches the sink. Accepted:
///  - 206 whose Content-Range starts at attempt_start() and ends at the last
///    byte asked for, or at the object's last byte when the object is shorter;
///  - 200 (the whole object) only when the attempt asked for the whole object
///    from byte 0 (a length of at least the object's size counts as whole):
///    a server that ignored Range must never have its bytes put at an offset.
/// Errors (operation "GET", subject `subject`, offset attempt_start()):
/// protocol, retryable, for a Content-Range that does not parse; protocol,
/// not retryable, for another status or a range other than the one asked;
/// changed, not retryable, when if_match is set and the response's ETag
/// differs (a response without an ETag is not refused: If-Match was sent, so
/// the server has checked it).
Result<RangeResponse> check_range_response(const GetRequest& request, std::uint64_t delivered,
                                           const HttpResponseHead& head, std::string_view subject);

/// At the end of a response: `received` body bytes against the ones its head
/// promised. A short (or long) body is a protocol error, retryable: the next
/// attempt resumes at `position`, the object byte after the last delivered.
Status check_range_complete(const RangeResponse& promised, std::uint64_t received, std::uint64_t position,
                            std::string_view subject);

}  // namespace caios
