// Fuzz target: SIZE option values, parse_size (base/units.hpp) and
// parse_size_at_least (cli/option_values.hpp), on any bytes.
// Property: no crash and no sanitizer report; an error is kind config and
// names the flag; surrounding white space changes nothing; an accepted size
// reads back as itself when written in bytes ("<n>B"), and
// parse_size_at_least takes exactly the sizes of at least its minimum.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "caios2dfs/base/units.hpp"
#include "caios2dfs/cli/option_values.hpp"
#include "fuzz_support.hpp"

using namespace caios;

namespace {

constexpr std::string_view kFlag = "--buffer-size";

void check_at_least(std::string_view text, std::uint64_t bytes) {
  const Result<std::uint64_t> at_least = parse_size_at_least(kFlag, text, bytes);
  fuzz::check(at_least.ok() && at_least.value() == bytes, "a size is at least itself");
  if (bytes == std::numeric_limits<std::uint64_t>::max()) return;
  const Result<std::uint64_t> above = parse_size_at_least(kFlag, text, bytes + 1);
  fuzz::check(!above.ok(), "a size is below a larger minimum");
  fuzz::check(above.error().kind == ErrorKind::config && above.error().subject == kFlag,
              "a size below the minimum is a usage error of the flag");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const Result<std::uint64_t> bytes = parse_size(text);
  const Result<std::uint64_t> padded = parse_size(" \t" + std::string(text) + "\n ");
  fuzz::check(padded.ok() == bytes.ok() && (!bytes.ok() || padded.value() == bytes.value()),
              "surrounding white space changes nothing");
  if (!bytes.ok()) {
    fuzz::check(bytes.error().kind == ErrorKind::config, "size errors are kind config");
    const Result<std::uint64_t> flag_value = parse_size_at_least(kFlag, text, 0);
    fuzz::check(!flag_value.ok() && flag_value.error().subject == kFlag, "a bad SIZE is a usage error of the flag");
    return 0;
  }
  const Result<std::uint64_t> in_bytes = parse_size(std::to_string(bytes.value()) + "B");
  fuzz::check(in_bytes.ok() && in_bytes.value() == bytes.value(), "a size reads back from its byte count");
  check_at_least(text, bytes.value());
  return 0;
}
