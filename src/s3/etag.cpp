#include "caios2dfs/s3/etag.hpp"

#include <algorithm>
#include <charconv>

#include "caios2dfs/base/text.hpp"

namespace caios {

namespace {

std::string_view unquoted(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') return etag.substr(1, etag.size() - 2);
  return etag;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Md5Digest> parse_hex_md5(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  Md5Digest digest{};
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(high * 16 + low);
  }
  return digest;
}

}  // namespace

std::optional<Md5Digest> etag_md5(std::string_view etag) { return parse_hex_md5(unquoted(etag)); }

bool encryption_hides_md5(std::string_view server_side_encryption, std::string_view customer_algorithm) {
  return server_side_encryption.rfind("aws:kms", 0) == 0 || !customer_algorithm.empty();
}

std::optional<std::uint32_t> etag_parts(std::string_view etag) {
  const std::string_view text = unquoted(etag);
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos || !parse_hex_md5(text.substr(0, dash))) return std::nullopt;
  const std::string_view count = text.substr(dash + 1);
  std::uint32_t parts = 0;
  const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), parts);
  if (error != std::errc{} || end != count.data() + count.size() || parts == 0) return std::nullopt;
  return parts;
}

std::optional<Md5Digest> etag_multipart_md5(std::string_view etag) {
  if (!etag_parts(etag)) return std::nullopt;
  const std::string_view text = unquoted(etag);
  return parse_hex_md5(text.substr(0, text.find('-')));
}

std::optional<Md5Digest> md5_from_base64(std::string_view text) {
  const std::optional<std::string> bytes = base64_decode(text);
  if (!bytes || bytes->size() != Md5Digest{}.size()) return std::nullopt;
  Md5Digest digest{};
  std::copy_n(bytes->begin(), digest.size(), digest.begin());
  return digest;
}

std::string md5_to_base64(const Md5Digest& digest) {
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string md5_hex(const Md5Digest& digest) { return to_hex(digest.data(), digest.size()); }

}  // namespace caios
