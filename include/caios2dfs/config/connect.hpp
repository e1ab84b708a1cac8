// From a SOURCE location and command-line settings to a ready S3 endpoint and
// credentials: the one place that picks rclone config vs AWS environment.
#pragma once

#include <optional>
#include <string>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/s3/location.hpp"
#include "caios2dfs/config/remote_config.hpp"
#include "caios2dfs/s3/s3_request.hpp"

namespace caios {

struct ConnectionOptions {
  std::optional<std::string> config_path;  ///< --config; default: $RCLONE_CONFIG or ~/.config/rclone/rclone.conf
  RemoteOverrides overrides;               ///< --endpoint, --region, --addressing, --ca-bundle
};

struct Connection {
  S3Remote remote;  ///< holds secrets: print with describe()
  S3Endpoint endpoint;
};

/// rclone remote for "REMOTE:bucket", AWS environment/profile for "s3://bucket".
Result<Connection> connect(const S3Location& location, const ConnectionOptions& options, const Environment& env);

}  // namespace caios
