// The Error constructors, kind names and the one-line rendering. Pure.
#include "caios2dfs/base/error.hpp"

namespace caios {

const char* error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::network: return "network";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::throttled: return "throttled";
    case ErrorKind::server: return "server";
    case ErrorKind::auth: return "auth";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::changed: return "changed";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::client: return "client";
    case ErrorKind::io: return "io";
    case ErrorKind::invalid_key: return "invalid_key";
    case ErrorKind::config: return "config";
    case ErrorKind::cancelled: return "cancelled";
    case ErrorKind::checksum: return "checksum";
  }
  // Only reachable with a value cast from an out-of-range integer; a name is
  // still better than undefined behaviour in a report.
  return "unknown";
}

Error make_error(ErrorKind kind, std::string operation, std::string subject, std::string message,
                 std::uint64_t offset) {
  Error error;
  error.kind = kind;
  error.operation = std::move(operation);
  error.subject = std::move(subject);
  error.message = std::move(message);
  error.offset = offset;
  return error;
}

Error protocol_error(std::string operation, std::string subject, std::uint64_t offset, std::string message,
                     bool retryable) {
  Error error = make_error(ErrorKind::protocol, std::move(operation), std::move(subject), std::move(message), offset);
  error.retryable = retryable;
  return error;
}

Error config_error(std::string operation, std::string subject, std::string message) {
  return make_error(ErrorKind::config, std::move(operation), std::move(subject), std::move(message));
}

std::string Error::to_string() const {
  std::string line = operation;
  auto append_word = [&line](const std::string& word) {
    if (word.empty()) return;
    if (!line.empty()) line += ' ';
    line += word;
  };
  append_word(subject);
  // Offset 0 is both "start of the object" and "not applicable"; printing it
  // would only add noise, and a failure at byte 0 is clear from the message.
  if (offset != 0) append_word("@" + std::to_string(offset));
  if (!message.empty()) {
    if (!line.empty()) line += ": ";
    line += message;
  }
  if (retryable) {
    std::string note = "(retryable";
    if (retry_after_ms >= 0) note += ", retry after " + std::to_string(retry_after_ms) + " ms";
    note += ')';
    append_word(note);
  }
  return line;
}

}  // namespace caios
