// What the fuzz targets of this folder share: the input as text, and a check
// that stays on in release builds (RelWithDebInfo defines NDEBUG, which
// compiles assert() out) and makes libFuzzer keep the input that broke it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace caios::fuzz {

/// The fuzzer's bytes as the parsers take them.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Aborts with `property` when `holds` is false: libFuzzer reports the abort
/// as a crash and writes the input out as crash-<sha1>.
inline void check(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: property violated: %s\n", property);
  std::abort();
}

/// True when `text` contains a byte below 0x20 (a control character), i.e.
/// would not print as one line.
inline bool has_control_byte(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

}  // namespace caios::fuzz
