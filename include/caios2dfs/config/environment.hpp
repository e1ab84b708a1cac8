// The process environment as a value, so the configuration readers stay pure:
// they take an Environment, and only process_environment() reads getenv.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace caios {

/// `get` returns nullopt for an unset variable and "" for a variable set to
/// empty. An empty std::function behaves as an empty environment.
struct Environment {
  std::function<std::optional<std::string>(const std::string&)> get;
};

/// The real process environment (getenv). Shell: the one function here that
/// reads global state.
Environment process_environment();

}  // namespace caios
