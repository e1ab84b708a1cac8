// The values of command-line flags. See option_values.hpp.
#include "caios2dfs/cli/option_values.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/base/units.hpp"

namespace caios {
namespace {

constexpr std::string_view kOperation = "parse command line";

Error usage_error(std::string_view flag, std::string message) {
  return config_error(std::string(kOperation), std::string(flag), std::move(message));
}

bool is_all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// from_chars alone would take "4abc" as 4 and skip nothing else; digits only
// keeps "+4", "4.5" and " 4" out, as pflag does.
Result<std::uint64_t> whole_number(std::string_view flag, std::string_view text, std::uint64_t min,
                                   std::uint64_t max, bool max_is_limit) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (is_all_digits(text) && ec == std::errc() && ptr == end && value >= min && value <= max) return value;
  return usage_error(flag, max_is_limit
                               ? fmt::format("{} needs a whole number of at least {}, got '{}'", flag, min, text)
                               : fmt::format("{} needs a whole number from {} to {}, got '{}'", flag, min, max, text));
}

// A minimum as a user would write it: 65536 -> "64K", 1 -> "1B".
std::string size_text(std::uint64_t bytes) {
  static constexpr std::array<char, 5> kSuffixes{'P', 'T', 'G', 'M', 'K'};
  for (std::size_t i = 0; i < kSuffixes.size(); ++i) {
    const std::uint64_t unit = std::uint64_t{1} << (10 * (kSuffixes.size() - i));
    if (bytes != 0 && bytes % unit == 0) return fmt::format("{}{}", bytes / unit, kSuffixes[i]);
  }
  return fmt::format("{}B", bytes);
}

}  // namespace

Result<std::uint64_t> parse_whole_number(std::string_view flag, std::string_view text, std::uint64_t min,
                                         std::uint64_t max) {
  return whole_number(flag, text, min, max, max == std::numeric_limits<std::uint64_t>::max());
}

Result<int> parse_whole_int(std::string_view flag, std::string_view text, int min, int max) {
  auto value = whole_number(flag, text, static_cast<std::uint64_t>(std::max(min, 0)),
                            static_cast<std::uint64_t>(std::max(max, 0)), max == std::numeric_limits<int>::max());
  if (!value.ok()) return std::move(value).error();
  return static_cast<int>(value.value());
}

Result<std::uint64_t> parse_size_at_least(std::string_view flag, std::string_view text, std::uint64_t min_bytes) {
  auto size = parse_size(text);
  if (!size.ok()) return usage_error(flag, fmt::format("{}: {}", flag, size.error().message));
  if (size.value() >= min_bytes) return size.value();
  if (min_bytes == 1) return usage_error(flag, fmt::format("{} needs a size above 0 like 64M, got '{}'", flag, text));
  // rclone's rule makes "--buffer-size 32" mean 32 KiB; say so when a bare number is too small.
  const std::string_view note = is_all_digits(text) ? ": a bare number means KiB" : "";
  return usage_error(flag, fmt::format("{} needs at least {}, got '{}' (= {}{})", flag, size_text(min_bytes), text,
                                       format_bytes(size.value()), note));
}

Result<std::chrono::milliseconds> parse_duration_value(std::string_view flag, std::string_view text) {
  auto duration = parse_duration(text);
  if (!duration.ok()) return usage_error(flag, fmt::format("{}: {}", flag, duration.error().message));
  return duration.value();
}

Result<bool> parse_switch_value(std::string_view flag, std::string_view text) {
  if (const std::optional<bool> value = parse_go_bool(text)) return *value;
  return usage_error(flag,
                     fmt::format("{} takes true or false, got '{}' (or give {} alone for true)", flag, text, flag));
}

Result<std::string> parse_nonempty(std::string_view flag, std::string_view what, std::string_view text) {
  if (text.empty()) return usage_error(flag, fmt::format("{} needs a {}, got an empty value", flag, what));
  return std::string(text);
}

Error choice_error(std::string_view flag, std::string_view text, const std::vector<std::string_view>& listed) {
  // "a or b", "a, b or c": how the help text lists them.
  std::string choices;
  for (std::size_t i = 0; i < listed.size(); ++i) {
    if (i > 0) choices += i + 1 == listed.size() ? " or " : ", ";
    choices += listed[i];
  }
  return usage_error(flag, fmt::format("{} needs {}, got '{}'", flag, choices, text));
}

}  // namespace caios
