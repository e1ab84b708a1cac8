// The S3 service as the AWS CLI and SDKs would configure it: the AWS_*
// environment and the shared files (~/.aws/credentials, ~/.aws/config) with
// their profiles. Also the credential chain behind rclone's env_auth = true
// (remote_config.hpp).
//
// Pure core, thin shell: remote_from_aws and default_aws_files take text and
// an injected Environment; only load_aws_remote reads files.
//
// Secrets (secret_access_key, session_token) never appear in an Error, a
// warning or `origin`: messages name the key or variable, never its value.
// AWS: https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
#pragma once

#include <optional>
#include <string>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/environment.hpp"
#include "caios2dfs/config/s3_remote.hpp"
#include "caios2dfs/config/text_file.hpp"

namespace caios {

/// Files the AWS credential chain may read (for rclone env_auth = true).
struct AwsSharedFiles {
  std::optional<TextFile> credentials;  ///< ~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE
  std::optional<TextFile> config;       ///< ~/.aws/config or AWS_CONFIG_FILE
};

struct AwsFilePaths {
  std::string credentials;  ///< AWS_SHARED_CREDENTIALS_FILE or $HOME/.aws/credentials
  std::string config;       ///< AWS_CONFIG_FILE or $HOME/.aws/config
};

/// Where the AWS shared files are, as `env` says.
AwsFilePaths default_aws_files(const Environment& env);

/// The S3 service as the AWS CLI/SDKs would configure it:
///  - credentials: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
///    else profile AWS_PROFILE (default "default") from the credentials file
///    [name], then the config file [profile name] ([default] for default);
///  - endpoint: overrides, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's
///    "s3 = / endpoint_url", the profile's endpoint_url. Required: S3-compatible
///    stores have no default endpoint;
///  - region: overrides, AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
///    "us-east-1";
///  - ca_bundle: overrides, AWS_CA_BUNDLE, the profile's ca_bundle;
///  - addressing: overrides, the profile's "s3 = / addressing_style =
///    path|virtual|auto", else path (auto means path: an explicit endpoint).
/// Errors (kind config) say exactly which variables or file/profile to set.
Result<S3Remote> remote_from_aws(const Environment& env,
                                 const std::optional<TextFile>& credentials_file,
                                 const std::optional<TextFile>& config_file,
                                 const RemoteOverrides& overrides = {});

/// Shell: read the AWS shared files named by default_aws_files(env), then
/// remote_from_aws.
Result<S3Remote> load_aws_remote(const Environment& env, const RemoteOverrides& overrides = {});

}  // namespace caios
