// Parsing the SOURCE argument; see location.hpp.
#include "caios2dfs/s3/location.hpp"

#include <fmt/format.h>

#include "caios2dfs/s3/s3_request.hpp"

namespace caios {

namespace {

// Every refusal ends with the forms that are accepted.
Error location_error(std::string_view text, std::string_view why) {
  return config_error("SOURCE", std::string(text),
                      fmt::format("{}; expected s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX]", why));
}

}  // namespace

Result<S3Location> parse_s3_location(std::string_view text) {
  S3Location location;
  std::string_view rest;
  if (text.rfind("s3://", 0) == 0) {
    rest = text.substr(5);
  } else {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return location_error(text, "no bucket given");
    location.remote = std::string(text.substr(0, colon));
    rest = text.substr(colon + 1);
    if (location.remote.find('/') != std::string::npos) {
      return location_error(text, "a remote name cannot contain '/'");
    }
  }
  const auto slash = rest.find('/');
  location.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) location.prefix = std::string(rest.substr(slash + 1));
  if (location.bucket.empty()) return location_error(text, "the bucket name is empty");
  if (!is_valid_bucket_name(location.bucket)) {
    return location_error(text, fmt::format("'{}' is not a valid bucket name (3-63 characters a-z 0-9 . -)",
                                            location.bucket));
  }
  return location;
}

std::string to_string(const S3Location& location) {
  const std::string path = location.prefix.empty() ? location.bucket : location.bucket + "/" + location.prefix;
  return location.remote.empty() ? "s3://" + path : location.remote + ":" + path;
}

}  // namespace caios
