// The encoding of messages between ranks (private to copy/): little-endian
// fixed-width integers and length-prefixed strings. All ranks run the same
// binary, so no versioning is needed, only bounds checks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"

namespace caios {

class Writer {
 public:
  template <class T>
  void integer(T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      out_.push_back(static_cast<char>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xff));
    }
  }
  void boolean(bool value) { integer<std::uint8_t>(value ? 1 : 0); }
  void string(std::string_view text) {
    integer<std::uint32_t>(static_cast<std::uint32_t>(text.size()));
    out_.append(text);
  }
  /// Every field but none of them secret (an Error never holds one).
  void error(const Error& error) {
    integer(static_cast<std::uint8_t>(error.kind));
    string(error.operation);
    string(error.subject);
    string(error.message);
    integer(error.offset);
    integer<std::int32_t>(error.http_status);
    string(error.s3_code);
    integer<std::int32_t>(error.sys_errno);
    boolean(error.retryable);
    integer<std::int64_t>(error.retry_after_ms);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class T>
  bool integer(T& value) {
    if (in_.size() < sizeof(T)) return false;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
    }
    value = static_cast<T>(v);
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool boolean(bool& value) {
    std::uint8_t byte = 0;
    if (!integer(byte) || byte > 1) return false;
    value = byte == 1;
    return true;
  }
  bool string(std::string& text) {
    std::uint32_t size = 0;
    if (!integer(size) || in_.size() < size) return false;
    text.assign(in_.substr(0, size));
    in_.remove_prefix(size);
    return true;
  }
  bool error(Error& error) {
    std::uint8_t kind = 0;
    std::int32_t status = 0;
    std::int32_t sys_errno = 0;
    std::int64_t retry_after = 0;
    if (!integer(kind) || kind > static_cast<std::uint8_t>(ErrorKind::checksum) || !string(error.operation) || !string(error.subject) ||
        !string(error.message) || !integer(error.offset) || !integer(status) || !string(error.s3_code) ||
        !integer(sys_errno) || !boolean(error.retryable) || !integer(retry_after)) {
      return false;
    }
    error.kind = static_cast<ErrorKind>(kind);
    error.http_status = status;
    error.sys_errno = sys_errno;
    error.retry_after_ms = static_cast<long>(retry_after);
    return true;
  }
  /// A count of things that each take at least one byte: no more than remain.
  bool count(std::uint32_t& value) { return integer(value) && value <= in_.size(); }
  bool empty() const { return in_.empty(); }

 private:
  std::string_view in_;
};

/// What a message that does not decode is: the ranks disagree on the protocol.
inline Error wire_error(std::string_view what) {
  return protocol_error("decode", std::string(what), 0, "truncated or malformed message between ranks");
}

}  // namespace caios
