// The real process environment; see environment.hpp.
#include "caios2dfs/config/environment.hpp"

#include <cstdlib>

namespace caios {

Environment process_environment() {
  return Environment{[](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  }};
}

}  // namespace caios
