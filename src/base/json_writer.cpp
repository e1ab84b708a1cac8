// Streaming JSON writer. See json_writer.hpp.
#include "caios2dfs/base/json_writer.hpp"

#include <cassert>
#include <charconv>
#include <cmath>

namespace caios {
namespace {

// Length of the valid UTF-8 sequence starting at `pos`, or 0 when the byte
// there does not start one (stray continuation byte, truncated sequence,
// overlong form, surrogate, or above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else {
    return 0;  // ASCII is handled by the caller; C0, C1 and F5..FF never lead
  }
  if (pos + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80) return 0;
  }
  // The second byte's allowed range is narrower after these leads (RFC 3629).
  const auto second = static_cast<unsigned char>(text[pos + 1]);
  if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
  if (lead == 0xED && second > 0x9F) return 0;  // UTF-16 surrogates
  if (lead == 0xF0 && second < 0x90) return 0;  // overlong
  if (lead == 0xF4 && second > 0x8F) return 0;  // above U+10FFFF
  return length;
}

}  // namespace

void JsonWriter::new_line() {
  out_ += '\n';
  out_.append(2 * open_.size(), ' ');
}

void JsonWriter::before_value() {
  if (open_.empty()) {
    assert(!root_written_ && "JsonWriter: a document has one top-level value");
    root_written_ = true;
    return;
  }
  OpenContainer& container = open_.back();
  if (container.is_object) {
    // key() already wrote the separator, the indentation and the name.
    assert(key_written_ && "JsonWriter: key() must come before each value in an object");
    key_written_ = false;
    return;
  }
  if (container.has_members) out_ += ',';
  container.has_members = true;
  new_line();
}

void JsonWriter::begin(bool is_object, char open) {
  before_value();
  out_ += open;
  open_.push_back({is_object});
}

void JsonWriter::end(bool is_object, char close) {
  assert(!open_.empty() && open_.back().is_object == is_object && "JsonWriter: mismatched end");
  assert(!key_written_ && "JsonWriter: key() without a value");
  (void)is_object;  // only read by the assert
  const bool had_members = open_.back().has_members;
  open_.pop_back();
  // Empty containers stay on one line: {} and [].
  if (had_members) new_line();
  out_ += close;
}

void JsonWriter::begin_object() { begin(true, '{'); }
void JsonWriter::end_object() { end(true, '}'); }
void JsonWriter::begin_array() { begin(false, '['); }
void JsonWriter::end_array() { end(false, ']'); }

void JsonWriter::key(std::string_view name) {
  assert(!open_.empty() && open_.back().is_object && !key_written_ && "JsonWriter: key() outside an object");
  OpenContainer& container = open_.back();
  if (container.has_members) out_ += ',';
  container.has_members = true;
  new_line();
  write_string(name);
  out_ += ": ";
  key_written_ = true;
}

void JsonWriter::value(std::string_view text) {
  before_value();
  write_string(text);
}

void JsonWriter::value(bool flag) {
  before_value();
  out_ += flag ? "true" : "false";
}

void JsonWriter::value(double number) {
  before_value();
  // JSON has no NaN or infinity; null keeps the document parseable.
  if (!std::isfinite(number)) {
    out_ += "null";
    return;
  }
  char buffer[32];
  // Shortest text that reads back as the same double; "1e+300" and "-0"
  // are valid JSON numbers.
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out_.append(buffer, result.ptr);
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

void JsonWriter::write_signed(std::int64_t number) {
  before_value();
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out_.append(buffer, result.ptr);
}

void JsonWriter::write_unsigned(std::uint64_t number) {
  before_value();
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, number);
  out_.append(buffer, result.ptr);
}

void JsonWriter::write_string(std::string_view text) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  out_ += '"';
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x80) {
      if (const std::size_t length = utf8_sequence_length(text, pos)) {
        out_.append(text.substr(pos, length));
        pos += length;
      } else {
        out_ += "\\ufffd";
        ++pos;
      }
      continue;
    }
    ++pos;
    switch (byte) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\t': out_ += "\\t"; break;
      case '\r': out_ += "\\r"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      default:
        if (byte < 0x20) {
          out_ += "\\u00";
          out_ += kHexDigits[byte >> 4];
          out_ += kHexDigits[byte & 0xF];
        } else {
          out_ += static_cast<char>(byte);
        }
    }
  }
  out_ += '"';
}

}  // namespace caios
