// Small text helpers that several layers need, written once. Pure, ASCII
// only: keys and paths are bytes, and these never touch bytes >= 0x80.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caios {

/// ASCII white space: space, \t, \n, \v, \f, \r (C's isspace in the "C" locale).
bool is_space(char c) noexcept;

/// `text` without leading and trailing ASCII white space.
std::string_view trim(std::string_view text) noexcept;

/// A-Z -> a-z; every other byte unchanged.
char ascii_lower(char c) noexcept;
std::string ascii_lower(std::string_view text);

/// Equal after ascii_lower of both.
bool equals_ignore_case(std::string_view a, std::string_view b) noexcept;

/// Lower-case hex of `size` bytes ("0aff" for {0x0a, 0xff}).
std::string to_hex(const unsigned char* bytes, std::size_t size);

/// Base64 of `bytes` (RFC 4648 section 4: the standard alphabet, padded with
/// '=' to a multiple of 4 characters), as S3 writes Content-MD5 and the
/// x-amz-checksum-* headers.
std::string base64_encode(std::string_view bytes);

/// The bytes of base64 as base64_encode writes it, and only that: nullopt
/// for a length not a multiple of 4, missing padding, white space, a
/// character outside the alphabet, '=' before the end, or unused bits left
/// non-zero before the padding (so each byte string has exactly one text).
std::optional<std::string> base64_decode(std::string_view text);

/// "a, b, c" for join({"a","b","c"}, ", ").
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// A boolean as rclone's flags and config values spell it (Go's
/// strconv.ParseBool, used by pflag and rclone's config): 1 t T true TRUE True
/// and 0 f F false FALSE False. nullopt for anything else, including
/// surrounding white space (callers trim where their format allows it).
std::optional<bool> parse_go_bool(std::string_view text) noexcept;

}  // namespace caios
