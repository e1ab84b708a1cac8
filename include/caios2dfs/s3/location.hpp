// Parsing the SOURCE argument: "s3://BUCKET[/PREFIX]" (endpoint and
// credentials from flags and the AWS environment) or "REMOTE:BUCKET[/PREFIX]"
// (an rclone remote). Pure.
#pragma once

#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"

namespace caios {

struct S3Location {
  std::string remote;  ///< rclone remote name; empty for s3:// URLs
  std::string bucket;
  std::string prefix;  ///< key prefix, may be empty; kept exactly (no slash added or removed)
};

/// Errors (kind config) say what form is expected.
Result<S3Location> parse_s3_location(std::string_view text);

/// "s3://bucket/prefix" or "remote:bucket/prefix", for messages.
std::string to_string(const S3Location& location);

}  // namespace caios
