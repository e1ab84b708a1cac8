// The one place that picks an rclone remote or the AWS environment; see connect.hpp.
#include "caios2dfs/config/connect.hpp"

namespace caios {

Result<Connection> connect(const S3Location& location, const ConnectionOptions& options, const Environment& env) {
  Result<S3Remote> remote =
      location.remote.empty()
          ? load_aws_remote(env, options.overrides)
          : load_rclone_remote(options.config_path.value_or(default_rclone_config_path(env)), location.remote, env,
                               options.overrides);
  if (!remote.ok()) return remote.error();
  Result<S3Endpoint> endpoint = parse_endpoint(remote->endpoint, remote->addressing, remote->region);
  if (!endpoint.ok()) return endpoint.error();
  return Connection{std::move(remote).value(), std::move(endpoint).value()};
}

}  // namespace caios
