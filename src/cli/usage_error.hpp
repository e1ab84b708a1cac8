// A usage error while parsing the command line: thrown by the flag setters,
// the option parser and the checks after them, and caught in
// parse_command_line only, which returns it as a value. Throwing keeps each
// check one line instead of threading a Result through every helper.
#pragma once

#include <string>
#include <utility>

#include "caios2dfs/base/error.hpp"

namespace caios {

struct UsageError {
  std::string message;  ///< one line, shown as is: "--transfers needs a whole number ..."
};

[[noreturn]] inline void fail(std::string message) { throw UsageError{std::move(message)}; }

/// The value, or the error's message thrown as a UsageError.
template <class T>
T value_or_fail(Result<T> result) {
  if (!result.ok()) fail(std::move(result).error().message);
  return std::move(result).value();
}

}  // namespace caios
