// Reading response header lines into an HttpResponseHead; see http_types.hpp.
#include "caios2dfs/http/http_types.hpp"

#include <array>
#include <charconv>
#include <optional>

#include "caios2dfs/base/text.hpp"

namespace caios {
namespace {

// The value of `line` when it is header `lowercase_name` ("Content-Range:
// bytes 0-9/10" is header "content-range"), trimmed; nullopt otherwise.
std::optional<std::string_view> header_value(std::string_view line, std::string_view lowercase_name) {
  if (line.size() <= lowercase_name.size() || line[lowercase_name.size()] != ':' ||
      !equals_ignore_case(line.substr(0, lowercase_name.size()), lowercase_name)) {
    return std::nullopt;
  }
  return trim(line.substr(lowercase_name.size() + 1));
}

struct TextHeader {
  std::string_view name;
  std::string HttpResponseHead::*field;
};

constexpr std::array kTextHeaders{
    TextHeader{"content-range", &HttpResponseHead::content_range},
    TextHeader{"etag", &HttpResponseHead::etag},
    TextHeader{"last-modified", &HttpResponseHead::last_modified},
    TextHeader{"retry-after", &HttpResponseHead::retry_after},
    TextHeader{"x-amz-request-id", &HttpResponseHead::request_id},
    TextHeader{"x-amz-meta-md5chksum", &HttpResponseHead::meta_md5chksum},
    TextHeader{"x-amz-server-side-encryption", &HttpResponseHead::server_side_encryption},
    TextHeader{"x-amz-server-side-encryption-customer-algorithm", &HttpResponseHead::sse_customer_algorithm},
    TextHeader{"x-amz-checksum-crc32", &HttpResponseHead::checksum_crc32},
    TextHeader{"x-amz-checksum-crc32c", &HttpResponseHead::checksum_crc32c},
    TextHeader{"x-amz-checksum-crc64nvme", &HttpResponseHead::checksum_crc64nvme},
    TextHeader{"x-amz-checksum-sha1", &HttpResponseHead::checksum_sha1},
    TextHeader{"x-amz-checksum-sha256", &HttpResponseHead::checksum_sha256},
    TextHeader{"x-amz-checksum-type", &HttpResponseHead::checksum_type},
    TextHeader{"x-amz-mp-parts-count", &HttpResponseHead::mp_parts_count},
};

std::int64_t parse_content_length(std::string_view text) {
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || value < 0) return -1;
  return value;
}

}  // namespace

void read_response_header(HttpResponseHead& head, std::string_view line) {
  if (line.rfind("HTTP/", 0) == 0) {
    head = HttpResponseHead{};
    const auto space = line.find(' ');
    if (space == std::string_view::npos) return;
    const std::string_view code = line.substr(space + 1, 3);
    int status = 0;
    const auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), status);
    if (ec == std::errc() && end == code.data() + code.size()) head.status = status;
    return;
  }
  if (const auto value = header_value(line, "content-length")) {
    head.content_length = parse_content_length(*value);
    return;
  }
  for (const TextHeader& header : kTextHeaders) {
    if (const auto value = header_value(line, header.name)) {
      head.*header.field = std::string(*value);
      return;
    }
  }
}

}  // namespace caios
