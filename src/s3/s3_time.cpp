// S3's date formats -> ns since the epoch. See s3_time.hpp.
#include "caios2dfs/s3/s3_time.hpp"

#include <chrono>
#include <cstddef>

#include "caios2dfs/base/text.hpp"

namespace caios {
namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// Fixed-width decimal field text[pos, pos+width); false unless all digits.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

// Civil date and time (UTC) -> ns since the epoch; nullopt when a field is
// out of range or the instant does not fit int64 ns (years 1678..2262).
std::optional<std::int64_t> to_epoch_ns(int year, int month, int day, int hour, int minute,
                                        int second, std::int64_t fraction_ns,
                                        std::int64_t utc_offset_s) {
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  // Second 60 is a leap second (RFC 3339 allows it); it lands on the next minute.
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  const std::int64_t seconds =
      days * 86'400 + hour * 3'600 + minute * 60 + second - utc_offset_s;
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, kNsPerSecond, &ns) ||
      __builtin_add_overflow(ns, fraction_ns, &ns)) {
    return std::nullopt;
  }
  return ns;
}

}  // namespace

std::optional<std::int64_t> parse_iso8601_ns(std::string_view text) {
  text = trim(text);
  // YYYY-MM-DDTHH:MM:SS, then optional .fraction, then Z or +HH:MM / -HH:MM.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !read_digits(text, 0, 4, year) || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't') || !read_digits(text, 11, 2, hour) ||
      text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
      !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t fraction_ns = 0;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first_digit = pos;
    std::int64_t scale = kNsPerSecond / 10;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ns += (text[pos] - '0') * scale;  // digits past ns precision add 0
      scale /= 10;
      ++pos;
    }
    if (pos == first_digit) return std::nullopt;
  }
  std::int64_t utc_offset_s = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    utc_offset_s = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int offset_hours = 0, offset_minutes = 0;
    if (!read_digits(zone, 1, 2, offset_hours) || !read_digits(zone, 4, 2, offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    utc_offset_s = (zone[0] == '-' ? -1 : 1) * (offset_hours * 3'600 + offset_minutes * 60);
  } else {
    // No zone means local time of some unknown place: refuse to guess.
    return std::nullopt;
  }
  return to_epoch_ns(year, month, day, hour, minute, second, fraction_ns, utc_offset_s);
}

std::optional<std::int64_t> parse_http_date_ns(std::string_view text) {
  text = trim(text);
  // IMF-fixdate is fixed width: "Wed, 12 Oct 2009 17:50:30 GMT".
  constexpr std::string_view kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  bool weekday_ok = false;
  for (std::string_view weekday : kWeekdays) weekday_ok = weekday_ok || text.substr(0, 3) == weekday;
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!weekday_ok || month == 0 || !read_digits(text, 5, 2, day) ||
      !read_digits(text, 12, 4, year) || !read_digits(text, 17, 2, hour) ||
      !read_digits(text, 20, 2, minute) || !read_digits(text, 23, 2, second)) {
    return std::nullopt;
  }
  return to_epoch_ns(year, month, day, hour, minute, second, 0, 0);
}

}  // namespace caios
