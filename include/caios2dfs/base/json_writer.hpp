// A small streaming JSON writer for the --report file. Pure: it builds a
// string; the caller writes it out.
//
// Output is RFC 8259 JSON, pretty-printed with 2-space indentation:
//   {
//     "files": 2,
//     "errors": [],
//     "rate": 1.5
//   }
// Strings: '"' and '\' are escaped, control characters are written as \n,
// \t, \r, \b, \f or \u00XX, valid UTF-8 passes through, and each byte that
// is not part of valid UTF-8 (object keys may hold anything) becomes \ufffd,
// so the document always parses. Doubles use the shortest text that reads
// back as the same double; NaN and infinities become null.
//
// Usage contract (checked by assert in debug builds): exactly one top-level
// value; inside an object, key() then one value; end_object()/end_array()
// close the innermost open container. complete() tells whether the
// document is finished.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace caios {

class JsonWriter {
 public:
  void begin_object();
  void end_object();
  void begin_array();
  void end_array();

  /// The name of the next member of the innermost object.
  void key(std::string_view name);

  void value(std::string_view text);
  /// Without this overload a string literal would convert to bool.
  void value(const char* text) { value(std::string_view(text)); }
  void value(bool flag);
  /// Finite values in shortest round-trip form; NaN and infinities as null.
  void value(double number);
  /// Any integer type (not bool, which has its own overload), exactly.
  template <std::integral Integer>
    requires(!std::same_as<Integer, bool>)
  void value(Integer number) {
    if constexpr (std::is_signed_v<Integer>) {
      write_signed(static_cast<std::int64_t>(number));
    } else {
      write_unsigned(static_cast<std::uint64_t>(number));
    }
  }
  void null();

  /// The document so far; a valid document once complete().
  const std::string& str() const noexcept { return out_; }

  /// True when one top-level value has been written and every container closed.
  bool complete() const noexcept { return root_written_ && open_.empty(); }

 private:
  struct OpenContainer {
    bool is_object;
    bool has_members = false;
  };

  void before_value();
  void begin(bool is_object, char open);
  void end(bool is_object, char close);
  void new_line();
  void write_string(std::string_view text);
  void write_signed(std::int64_t number);
  void write_unsigned(std::uint64_t number);

  std::string out_;
  std::vector<OpenContainer> open_;
  bool key_written_ = false;  // inside an object: key() done, its value not yet
  bool root_written_ = false;
};

}  // namespace caios
