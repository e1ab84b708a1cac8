// The values of command-line flags, one value at a time: whole numbers,
// sizes, durations, booleans, names from a fixed list. Pure: text in, value
// or Error out; no flag table, no CopyOptions.
//
// Each parser takes the flag's long name because its Error (kind config)
// must stand alone as the usage error the user sees, on one line:
// "--transfers needs a whole number from 1 to 1024, got 'x'".
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/base/error.hpp"

namespace caios {

/// Decimal digits only (no sign, space, fraction or exponent), from `min` to
/// `max`. The message names the range, or only the minimum when `max` is
/// std::numeric_limits<std::uint64_t>::max().
Result<std::uint64_t> parse_whole_number(std::string_view flag, std::string_view text, std::uint64_t min,
                                         std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

/// parse_whole_number for an int flag (0 <= min <= max); the message names
/// only the minimum when `max` is std::numeric_limits<int>::max().
Result<int> parse_whole_int(std::string_view flag, std::string_view text, int min,
                            int max = std::numeric_limits<int>::max());

/// A size as rclone writes it (parse_size in base/units.hpp: "64M", "1.5G",
/// a bare number is KiB) of at least `min_bytes`. Below the minimum the
/// message shows what the text meant, and says that a bare number means KiB
/// when the text was one ("--buffer-size 32" is 32 KiB, not 32 bytes).
Result<std::uint64_t> parse_size_at_least(std::string_view flag, std::string_view text, std::uint64_t min_bytes);

/// A duration as rclone writes it (parse_duration in base/units.hpp: "10s",
/// "1m30s", a bare number is seconds; "0" and "off" give 0).
Result<std::chrono::milliseconds> parse_duration_value(std::string_view flag, std::string_view text);

/// The VALUE of "--switch=VALUE": pflag's boolean spellings (parse_go_bool
/// in base/text.hpp: true, false, 1, 0, t, f, ...).
Result<bool> parse_switch_value(std::string_view flag, std::string_view text);

/// `text` itself, refused when empty ("--report=" is a mistake, not a file
/// name); `what` names the expected value in the message: "FILE".
Result<std::string> parse_nonempty(std::string_view flag, std::string_view what, std::string_view text);

/// One accepted spelling of a flag that names one of a few choices.
template <class Value>
struct Choice {
  std::string_view spelling;  ///< exact, case-sensitive, as with rclone's enum flags
  Value value;
  bool listed = true;  ///< false for an alias the error message need not offer ("virtual-hosted")
};

/// The Error of parse_choice: "--io needs posix or mpiio, got 'dfs'".
Error choice_error(std::string_view flag, std::string_view text, const std::vector<std::string_view>& listed);

/// The value of the choice spelled `text`.
template <class Value>
Result<Value> parse_choice(std::string_view flag, std::string_view text, std::initializer_list<Choice<Value>> choices) {
  std::vector<std::string_view> listed;
  for (const Choice<Value>& choice : choices) {
    if (choice.spelling == text) return choice.value;
    if (choice.listed) listed.push_back(choice.spelling);
  }
  return choice_error(flag, text, listed);
}

}  // namespace caios
