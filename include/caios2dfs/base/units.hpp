// Sizes, rates and durations as rclone users write and read them. Pure.
//
// Sizes follow rclone's SizeSuffix: binary multiples (1K = 1024), case-
// insensitive suffix B, K, M, G, T, P, optionally followed by "i", "iB" or
// "B" ("64M" = "64MiB" = "64MB" = 64 * 2^20), decimal fractions ("1.5G").
// A bare number means KiB, as in rclone ("default unit is KiB"): "256" is
// 256 KiB. Write "256B" for bytes.
// Durations follow Go's time.ParseDuration as rclone uses it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"

namespace caios {

/// "64M" -> 67108864. Fractions round down to whole bytes ("0.5K" = 512).
/// Surrounding whitespace is ignored. Errors (kind config): empty text,
/// "off", negative numbers, exponents, unknown suffixes, more than 2^64-1
/// bytes; the message reads "invalid size 'x': use a number with a suffix
/// like 64M or 1G" followed by the reason.
Result<std::uint64_t> parse_size(std::string_view text);

/// Binary units with two decimals: "512 B", "1.50 KiB", "1.50 GiB".
std::string format_bytes(std::uint64_t bytes);

/// One decimal: "512.0 B/s", "123.4 MiB/s". Zero, negative, NaN and
/// infinite rates print as "0 B/s" (no meaningful rate yet).
std::string format_rate(double bytes_per_second);

/// Go-style durations as rclone takes them: one or more <number><unit>
/// ("10s", "1m30s", "1.5h", "500ms"); units ns, us (or µs), ms, s, m, h,
/// and rclone's d (24h) and w (7d). A bare number is seconds ("30" = 30s).
/// "0" and "off" give 0, which callers treat as "off". A non-zero duration
/// below 1 ms rounds up to 1 ms so it never reads as off; otherwise the
/// result is truncated to whole milliseconds. Errors (kind config):
/// negative values, unknown or missing units, overflow.
Result<std::chrono::milliseconds> parse_duration(std::string_view text);

/// "4.2s" below a minute (one decimal), "2m03s" below an hour, "1h02m03s"
/// above. Negative values get a leading '-'; NaN and infinity print "?".
std::string format_duration(double seconds);

}  // namespace caios
