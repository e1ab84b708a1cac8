// Shared by the SigV4 tests (sigv4_suite_test.cpp, sigv4_test.cpp).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace caios::testing {

/// "20150830T123600Z" -> time point; the inverse of amz_date().
inline std::chrono::system_clock::time_point time_from_amz_date(const std::string& text) {
  using namespace std::chrono;
  const auto number = [&](std::size_t pos, std::size_t count) {
    return std::stoi(text.substr(pos, count));
  };
  const year_month_day date{year{number(0, 4)}, month{static_cast<unsigned>(number(4, 2))},
                            day{static_cast<unsigned>(number(6, 2))}};
  return sys_days{date} + hours{number(9, 2)} + minutes{number(11, 2)} + seconds{number(13, 2)};
}

inline std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    parts.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace caios::testing
