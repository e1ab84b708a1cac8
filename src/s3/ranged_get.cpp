// Range headers and response checks of a ranged GET. See ranged_get.hpp.
#include "caios2dfs/s3/ranged_get.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace caios {
namespace {

constexpr std::string_view kGet = "GET";

bool parse_u64(std::string_view text, std::uint64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

Error get_protocol_error(std::string_view subject, std::uint64_t offset, std::string message, bool retryable) {
  return protocol_error(std::string(kGet), std::string(subject), offset, std::move(message), retryable);
}

// 206: the range must be the one asked for. When the object is shorter than
// the range asked, S3 ends the range at the object's last byte.
Result<RangeResponse> check_partial(const GetRequest& request, std::uint64_t start, const HttpResponseHead& head,
                                    std::string_view subject) {
  const std::optional<ContentRange> range = parse_content_range(head.content_range);
  if (!range) {
    return get_protocol_error(subject, start, fmt::format("bad Content-Range '{}'", head.content_range), true);
  }
  if (range->start != start) {
    return get_protocol_error(
        subject, start, fmt::format("asked for bytes from {}, got Content-Range '{}'", start, head.content_range),
        false);
  }
  const std::uint64_t wanted_last = request.length > 0 ? request.offset + request.length - 1 : range->total - 1;
  if (range->end != std::min(wanted_last, range->total - 1)) {
    return get_protocol_error(
        subject, start,
        fmt::format("asked for bytes {}-{}, got Content-Range '{}'", start, wanted_last, head.content_range), false);
  }
  return RangeResponse{range->end - range->start + 1, range->total};
}

// 200: the whole object, which is right only when the whole object was asked
// for from byte 0.
Result<RangeResponse> check_whole(const GetRequest& request, std::uint64_t start, const HttpResponseHead& head,
                                  std::string_view subject) {
  const std::uint64_t whole = head.content_length >= 0 ? static_cast<std::uint64_t>(head.content_length) : 0;
  const bool asked_whole = start == 0 && (request.length == 0 || request.length >= whole);
  if (!asked_whole) {
    return get_protocol_error(subject, start, "server ignored the Range header and sent the whole object", false);
  }
  return RangeResponse{whole, whole};
}

}  // namespace

std::optional<ContentRange> parse_content_range(std::string_view value) {
  if (value.rfind("bytes ", 0) != 0) return std::nullopt;
  value.remove_prefix(6);
  const auto dash = value.find('-');
  const auto slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) return std::nullopt;
  ContentRange range;
  if (!parse_u64(value.substr(0, dash), range.start) ||
      !parse_u64(value.substr(dash + 1, slash - dash - 1), range.end)) {
    return std::nullopt;
  }
  const std::string_view total_text = value.substr(slash + 1);
  if (total_text == "*") {
    range.total = range.end + 1;
  } else if (!parse_u64(total_text, range.total)) {
    return std::nullopt;
  }
  if (range.start > range.end || range.end >= range.total) return std::nullopt;
  return range;
}

std::uint64_t attempt_start(const GetRequest& request, std::uint64_t delivered) { return request.offset + delivered; }

std::optional<std::string> range_header(const GetRequest& request, std::uint64_t delivered) {
  const std::uint64_t start = attempt_start(request, delivered);
  if (request.length > 0) return fmt::format("bytes={}-{}", start, request.offset + request.length - 1);
  if (start > 0) return fmt::format("bytes={}-", start);
  return std::nullopt;
}

Result<RangeResponse> check_range_response(const GetRequest& request, std::uint64_t delivered,
                                           const HttpResponseHead& head, std::string_view subject) {
  const std::uint64_t start = attempt_start(request, delivered);
  if (head.status != 200 && head.status != 206) {
    return get_protocol_error(subject, start, fmt::format("unexpected status {} to a GET", head.status), false);
  }
  Result<RangeResponse> checked =
      head.status == 206 ? check_partial(request, start, head, subject) : check_whole(request, start, head, subject);
  if (!checked) return checked;
  if (!request.if_match.empty() && !head.etag.empty() && head.etag != request.if_match) {
    return make_error(ErrorKind::changed, std::string(kGet), std::string(subject),
                      fmt::format("object changed during copy: ETag {} is now {}", request.if_match, head.etag),
                      start);
  }
  return checked;
}

Status check_range_complete(const RangeResponse& promised, std::uint64_t received, std::uint64_t position,
                            std::string_view subject) {
  if (received == promised.expected_bytes) return ok_status();
  return get_protocol_error(
      subject, position, fmt::format("response ended after {} of {} bytes", received, promised.expected_bytes), true);
}

}  // namespace caios
