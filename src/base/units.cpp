// Sizes, rates and durations as rclone users write them. See units.hpp.
#include "caios2dfs/base/units.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "caios2dfs/base/text.hpp"

namespace caios {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

Error size_error(std::string_view text, std::string_view reason) {
  return config_error("parse size", "",
                      "invalid size '" + std::string(text) + "': use a number with a suffix like 64M or 1G (" +
                          std::string(reason) + ")");
}

Error duration_error(std::string_view text, std::string_view reason) {
  return config_error("parse duration", "",
                      "invalid duration '" + std::string(text) +
                          "': use a number with a unit like 10s, 1m30s, 500ms or 2h (" + std::string(reason) + ")");
}

// "12.5" split into its whole and fractional digit strings.
struct DecimalNumber {
  std::string_view whole;
  std::string_view fraction;
};

// Reads digits[.digits] from the front of `s`; nullopt when no digit at all.
std::optional<DecimalNumber> take_decimal(std::string_view& s) {
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  DecimalNumber n{s.substr(0, i), {}};
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    n.fraction = s.substr(start, i - start);
  }
  if (n.whole.empty() && n.fraction.empty()) return std::nullopt;
  s.remove_prefix(i);
  return n;
}

// whole * unit + floor(0.fraction * unit), exactly, or nullopt on overflow.
// The fraction is long-divided bit by bit when `unit` is a power of two
// (sizes) and computed in long double otherwise (durations, where a
// nanosecond of rounding does not matter).
std::optional<std::uint64_t> scale(const DecimalNumber& n, std::uint64_t unit) {
  std::uint64_t whole = 0;
  for (char c : n.whole) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (whole > (kMax - digit) / 10) return std::nullopt;
    whole = whole * 10 + digit;
  }
  if (whole != 0 && unit > kMax / whole) return std::nullopt;
  std::uint64_t result = whole * unit;

  // Beyond 18 digits the fraction cannot change a 64-bit result's floor in
  // any way a user would notice; dropping them keeps the arithmetic in range.
  const std::string_view digits = n.fraction.substr(0, 18);
  if (digits.empty()) return result;
  std::uint64_t numerator = 0, denominator = 1;
  for (char c : digits) {
    numerator = numerator * 10 + static_cast<std::uint64_t>(c - '0');
    denominator *= 10;
  }
  std::uint64_t fraction_part = 0;
  if ((unit & (unit - 1)) == 0) {
    // numerator / denominator * 2^k by binary long division: exact.
    std::uint64_t remainder = numerator;
    for (std::uint64_t bit = unit; bit > 1; bit >>= 1) {
      remainder *= 2;  // < 2 * 10^18 < 2^63
      fraction_part = fraction_part * 2 + (remainder >= denominator ? 1 : 0);
      if (remainder >= denominator) remainder -= denominator;
    }
  } else {
    const long double f = static_cast<long double>(numerator) / static_cast<long double>(denominator);
    fraction_part = static_cast<std::uint64_t>(std::floor(f * static_cast<long double>(unit)));
  }
  if (result > kMax - fraction_part) return std::nullopt;
  return result + fraction_part;
}

std::string format_scaled(double value, const char* format, const char* unit_suffix, bool bytes_exact) {
  static constexpr std::array<const char*, 7> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  std::size_t index = 0;
  while (value >= 1024.0 && index + 1 < kUnits.size()) {
    value /= 1024.0;
    ++index;
  }
  char buffer[64];
  if (index == 0 && bytes_exact) {
    std::snprintf(buffer, sizeof buffer, "%.0f %s%s", value, kUnits[0], unit_suffix);
    return buffer;
  }
  std::snprintf(buffer, sizeof buffer, format, value, kUnits[index], unit_suffix);
  // 1023.999 KiB prints as "1024.00 KiB": move to the next unit instead.
  if (std::string_view(buffer).substr(0, 5) == "1024." && index + 1 < kUnits.size())
    std::snprintf(buffer, sizeof buffer, format, value / 1024.0, kUnits[index + 1], unit_suffix);
  return buffer;
}

}  // namespace

Result<std::uint64_t> parse_size(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return size_error(text, "it is empty");
  if (equals_ignore_case(s, "off")) return size_error(text, "'off' is not accepted here");
  if (s.front() == '-') return size_error(text, "sizes cannot be negative");

  std::string_view rest = s;
  const auto number = take_decimal(rest);
  if (!number) return size_error(text, "it does not start with a number");

  const std::string suffix = ascii_lower(rest);
  std::uint64_t unit = 0;
  if (suffix.empty()) {
    unit = 1024;  // rclone: a bare number is KiB
  } else if (suffix == "b") {
    unit = 1;
  } else {
    static constexpr std::string_view kLetters = "kmgtp";
    const auto power = kLetters.find(suffix[0]);
    const std::string_view tail = std::string_view(suffix).substr(1);
    if (power == std::string_view::npos || !(tail.empty() || tail == "i" || tail == "ib" || tail == "b"))
      return size_error(text, "unknown suffix '" + std::string(rest) + "'; use B, K, M, G, T or P");
    unit = std::uint64_t{1} << (10 * (power + 1));
  }
  const auto bytes = scale(*number, unit);
  if (!bytes) return size_error(text, "more than 16 EiB");
  return *bytes;
}

std::string format_bytes(std::uint64_t bytes) {
  return format_scaled(static_cast<double>(bytes), "%.2f %s%s", "", true);
}

std::string format_rate(double bytes_per_second) {
  if (!std::isfinite(bytes_per_second) || bytes_per_second <= 0) return "0 B/s";
  return format_scaled(bytes_per_second, "%.1f %s%s", "/s", false);
}

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.empty()) return duration_error(text, "it is empty");
  if (s == "off") return std::chrono::milliseconds{0};
  if (s.front() == '-') return duration_error(text, "durations cannot be negative");

  struct DurationUnit {
    std::string_view name;
    std::uint64_t nanoseconds;
  };
  static constexpr std::array<DurationUnit, 10> kUnits = {{
      {"ns", 1},
      {"us", 1'000},
      {"\xC2\xB5s", 1'000},  // U+00B5 micro sign, as Go accepts
      {"\xCE\xBCs", 1'000},  // U+03BC Greek mu, as Go accepts
      {"ms", 1'000'000},
      {"s", 1'000'000'000},
      {"m", 60'000'000'000},
      {"h", 3'600'000'000'000},
      {"d", 86'400'000'000'000},      // rclone extension
      {"w", 604'800'000'000'000},     // rclone extension
  }};

  std::string_view rest = s;
  std::uint64_t total_ns = 0;
  bool first = true;
  while (!rest.empty()) {
    const auto number = take_decimal(rest);
    if (!number) return duration_error(text, "expected a number");
    // Go: the unit is everything up to the next digit or '.'.
    std::size_t unit_length = 0;
    while (unit_length < rest.size() && !is_digit(rest[unit_length]) && rest[unit_length] != '.') ++unit_length;
    const std::string_view unit_name = rest.substr(0, unit_length);
    rest.remove_prefix(unit_length);
    std::uint64_t unit = 0;
    if (unit_name.empty()) {
      // rclone: a bare number is seconds; only the whole text may be one.
      if (!(first && rest.empty())) return duration_error(text, "missing unit after a number");
      unit = 1'000'000'000;
    } else {
      for (const auto& u : kUnits)
        if (u.name == unit_name) unit = u.nanoseconds;
      if (unit == 0)
        return duration_error(text, "unknown unit '" + std::string(unit_name) + "'; use ms, s, m, h, d or w");
    }
    const auto ns = scale(*number, unit);
    if (!ns || total_ns > kMax - *ns) return duration_error(text, "too long");
    total_ns += *ns;
    first = false;
  }
  if (total_ns == 0) return std::chrono::milliseconds{0};
  const std::uint64_t ms = total_ns / 1'000'000;
  if (ms > static_cast<std::uint64_t>(std::chrono::milliseconds::max().count()))
    return duration_error(text, "too long");
  return std::chrono::milliseconds{ms == 0 ? 1 : static_cast<std::chrono::milliseconds::rep>(ms)};
}

std::string format_duration(double seconds) {
  if (std::isnan(seconds) || std::isinf(seconds)) return "?";
  if (seconds < 0) return "-" + format_duration(-seconds);
  char buffer[64];
  // 59.96 would print "60.0s": switch to minutes where one decimal rounds up.
  if (seconds < 59.95) {
    std::snprintf(buffer, sizeof buffer, "%.1fs", seconds);
    return buffer;
  }
  const auto total = static_cast<long long>(std::llround(std::min(seconds, 1e15)));
  const long long hours = total / 3600, minutes = total % 3600 / 60, secs = total % 60;
  if (hours > 0) {
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm%02llds", hours, minutes, secs);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", minutes, secs);
  }
  return buffer;
}

}  // namespace caios
