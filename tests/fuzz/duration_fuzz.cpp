// Fuzz target: DURATION option values, parse_duration (base/units.hpp) and
// parse_duration_value (cli/option_values.hpp), on any bytes.
// Property: no crash and no sanitizer report; an error is kind config (and
// names the flag, from parse_duration_value); surrounding white space changes
// nothing; an accepted duration is not negative and reads back as itself when
// written in milliseconds ("<n>ms"), and format_duration can print it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caios2dfs/base/units.hpp"
#include "caios2dfs/cli/option_values.hpp"
#include "fuzz_support.hpp"

using namespace caios;

namespace {

constexpr std::string_view kFlag = "--timeout";

bool same(const Result<std::chrono::milliseconds>& a, const Result<std::chrono::milliseconds>& b) {
  return a.ok() == b.ok() && (!a.ok() || a.value() == b.value());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const Result<std::chrono::milliseconds> duration = parse_duration(text);
  fuzz::check(same(duration, parse_duration("\t " + std::string(text) + " \r\n")),
              "surrounding white space changes nothing");
  const Result<std::chrono::milliseconds> flag_value = parse_duration_value(kFlag, text);
  fuzz::check(same(duration, flag_value), "parse_duration_value agrees with parse_duration");
  if (!duration.ok()) {
    fuzz::check(duration.error().kind == ErrorKind::config, "duration errors are kind config");
    fuzz::check(flag_value.error().subject == kFlag, "a bad DURATION is a usage error of the flag");
    return 0;
  }
  const std::chrono::milliseconds ms = duration.value();
  fuzz::check(ms.count() >= 0, "durations are not negative");
  fuzz::check(same(duration, parse_duration(std::to_string(ms.count()) + "ms")),
              "a duration reads back from its milliseconds");
  fuzz::check(!format_duration(static_cast<double>(ms.count()) / 1000.0).empty(), "a duration can be printed");
  return 0;
}
