// Where the S3 endpoint and credentials come from: an rclone remote (config
// file plus rclone's environment overrides) or the AWS environment and shared
// files (~/.aws/credentials, ~/.aws/config).
//
// Pure cores, thin shells: parse_ini, remote_from_rclone, remote_from_aws and
// describe take text and an injected Environment and return values; they never
// touch the file system or the process environment. Only read_text_file,
// process_environment and the load_* helpers at the end do I/O.
//
// Implemented in src/remote_config.cpp (rclone, describe, shells),
// src/aws_config.cpp (AWS shared files and profiles) and src/ini_file.cpp
// (parse_ini, declared in ini_file.hpp).
//
// Secrets (secret_access_key, session_token) never appear in an Error, a
// warning, `origin` or describe(): messages name the key or variable, never
// its value. Line contents of a config file are never quoted in errors either,
// because the offending line may hold a secret.
//
// rclone compatibility notes (what rclone does, and so what we do):
//  - The config file is read like rclone's goconfig: whole-line comments
//    starting with '#' or ';', "key = value" or "key: value", values trimmed,
//    no inline comments, keys and section names are case-sensitive (rclone
//    writes keys in lower case and ignores any other spelling).
//  - Precedence for each option of a remote, highest first:
//    RemoteOverrides (our command-line flags), RCLONE_CONFIG_<REMOTE>_<KEY>,
//    RCLONE_S3_<KEY>, the config file section, rclone's default.
//  - A remote may exist only in the environment: RCLONE_CONFIG_<REMOTE>_TYPE=s3.
//  - force_path_style defaults to true; but for providers that rclone talks to
//    virtual-hosted style (AWS, Wasabi, DigitalOcean, ...: those whose rclone
//    provider file has no force_path_style quirk) rclone ignores the option
//    and always uses virtual-hosted style, and so do we.
//  - An endpoint without a scheme gets "https://".
//  - Encrypted rclone configs are not supported (we do not ask for passwords).
// Spec: https://rclone.org/docs/#config-file and https://rclone.org/s3/
// AWS: https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/ini_file.hpp"  // IniFile, parse_ini, TextFile
#include "caios2dfs/s3/s3_request.hpp"  // Addressing
#include "caios2dfs/s3/sigv4.hpp"

namespace caios {

/// Everything needed to talk to one S3 service. Holds secrets: print it only
/// with describe().
struct S3Remote {
  std::string endpoint;  ///< "scheme://host[:port]", no path, no trailing slash
  std::string region = "us-east-1";  ///< SigV4 region; "us-east-1" when nothing sets it
  Addressing addressing = Addressing::path;
  Credentials credentials;
  std::string ca_bundle;  ///< path to a PEM bundle, empty for the system store
  std::string provider;   ///< rclone's `provider`, informational ("" for AWS sources)
  /// Where the settings came from, without secrets, e.g.
  /// "rclone config /root/.config/rclone/rclone.conf [caios]",
  /// "AWS environment", "AWS profile 'x' in /root/.aws/credentials".
  std::string origin;
  /// Problems that do not stop us but that the user should fix (a secret file
  /// readable by other users, a quoted key, ...). Printed once at start-up.
  std::vector<std::string> warnings;
};

/// The process environment, injected so the cores stay pure. `get` returns
/// nullopt for an unset variable and "" for a variable set to empty. An empty
/// std::function behaves as an empty environment.
struct Environment {
  std::function<std::optional<std::string>(const std::string&)> get;
};

/// Settings given on our command line; they beat every other source.
struct RemoteOverrides {
  std::optional<std::string> endpoint;  ///< --endpoint; "https://" added when no scheme
  std::optional<std::string> region;    ///< --region
  std::optional<Addressing> addressing; ///< --addressing / --force-path-style
  std::optional<std::string> ca_bundle; ///< --ca-bundle
};

// ---------------------------------------------------------------- rclone

/// Files the AWS credential chain may read (for rclone env_auth = true).
struct AwsSharedFiles {
  std::optional<TextFile> credentials;  ///< ~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE
  std::optional<TextFile> config;       ///< ~/.aws/config or AWS_CONFIG_FILE
};

/// The value rclone would use for option `key` of remote `remote_name`,
/// before defaults: RCLONE_CONFIG_<REMOTE>_<KEY>, then RCLONE_S3_<KEY>
/// (except for "type"), then the config file. nullopt when none sets it.
/// `config` may be null (no config file).
std::optional<std::string> rclone_option(const IniFile* config, std::string_view remote_name,
                                         std::string_view key, const Environment& env);

/// The S3 remote `remote_name` (a trailing ':' is ignored) from an rclone
/// config. `config` may be null when there is no config file: the remote must
/// then be defined by RCLONE_CONFIG_<REMOTE>_TYPE=s3 and friends.
/// With env_auth = true and empty keys, credentials come from AWS_* variables
/// or the profile (`profile` option, else AWS_PROFILE, else "default") in
/// `aws` files. Errors (kind config) name what to fix: a missing remote (with
/// the list of remotes that exist), a type other than s3, missing keys, a bad
/// endpoint, an unparsable boolean, region "other-v2-signature" (SigV2).
Result<S3Remote> remote_from_rclone(const IniFile* config, std::string_view remote_name,
                                    const Environment& env, const AwsSharedFiles& aws = {},
                                    const RemoteOverrides& overrides = {});
/// Convenience for a config that exists.
Result<S3Remote> remote_from_rclone(const IniFile& config, std::string_view remote_name,
                                    const Environment& env, const AwsSharedFiles& aws = {},
                                    const RemoteOverrides& overrides = {});

// ---------------------------------------------------------------- AWS

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

// ---------------------------------------------------------------- output

/// One line for logs, without secrets: endpoint, region, addressing, the
/// access key id masked to its first 4 characters + "…", whether a session
/// token is set, the CA bundle and the origin.
std::string describe(const S3Remote& remote);

// ---------------------------------------------------------------- shells

/// Read a whole file; nullopt when it does not exist or cannot be read.
/// readable_by_others is set from the group/other read bits of its mode.
std::optional<TextFile> read_text_file(const std::string& path);

/// The real process environment (getenv).
Environment process_environment();

/// rclone's config path: $RCLONE_CONFIG (even when empty), else
/// $XDG_CONFIG_HOME/rclone/rclone.conf, else $HOME/.config/rclone/rclone.conf.
/// rclone's legacy ~/.rclone.conf is not looked for. A result of "", or a path
/// named "notfound" or "/dev/null", means "no config file", as in rclone.
std::string default_rclone_config_path(const Environment& env);

struct AwsFilePaths {
  std::string credentials;  ///< AWS_SHARED_CREDENTIALS_FILE or $HOME/.aws/credentials
  std::string config;       ///< AWS_CONFIG_FILE or $HOME/.aws/config
};
AwsFilePaths default_aws_files(const Environment& env);

/// Shell: read `config_path` (missing is fine when the remote is defined in
/// the environment) and the AWS files env_auth may need, then
/// remote_from_rclone. An unreadable existing file is an error.
Result<S3Remote> load_rclone_remote(const std::string& config_path, std::string_view remote_name,
                                    const Environment& env, const RemoteOverrides& overrides = {});

/// Shell: read the AWS shared files named by default_aws_files(env), then
/// remote_from_aws.
Result<S3Remote> load_aws_remote(const Environment& env, const RemoteOverrides& overrides = {});

}  // namespace caios
