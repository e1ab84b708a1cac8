// rclone remotes: the S3 endpoint and credentials of "REMOTE:bucket" from an
// rclone config file plus rclone's environment overrides. The pieces around
// it have their own headers, all included here: the Environment
// (environment.hpp), TextFile and its reader (text_file.hpp), the INI parser
// (ini_file.hpp), S3Remote / RemoteOverrides / describe (s3_remote.hpp) and
// the AWS environment and shared files (aws_config.hpp), which rclone's
// env_auth = true also uses.
//
// Pure core, thin shell: rclone_option, remote_from_rclone and
// default_rclone_config_path take text and an injected Environment and return
// values; only load_rclone_remote reads files.
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
//  - Booleans (env_auth, force_path_style) take Go's ParseBool spellings
//    (1 t T true TRUE True, 0 f F false FALSE False), surrounding white
//    space ignored; an empty value means unset.
//  - force_path_style defaults to true; but for providers that rclone talks to
//    virtual-hosted style (AWS, Wasabi, DigitalOcean, ...: those whose rclone
//    provider file has no force_path_style quirk) rclone ignores the option
//    and always uses virtual-hosted style, and so do we.
//  - An endpoint without a scheme gets "https://".
//  - Encrypted rclone configs are not supported (we do not ask for passwords).
// Spec: https://rclone.org/docs/#config-file and https://rclone.org/s3/
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/aws_config.hpp"   // AwsSharedFiles, remote_from_aws, load_aws_remote
#include "caios2dfs/config/environment.hpp"  // Environment, process_environment
#include "caios2dfs/config/ini_file.hpp"     // IniFile, parse_ini
#include "caios2dfs/config/s3_remote.hpp"    // S3Remote, RemoteOverrides, describe
#include "caios2dfs/config/text_file.hpp"    // TextFile, read_text_file

namespace caios {

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

/// rclone's config path: $RCLONE_CONFIG (even when empty), else
/// $XDG_CONFIG_HOME/rclone/rclone.conf, else $HOME/.config/rclone/rclone.conf.
/// rclone's legacy ~/.rclone.conf is not looked for. A result of "", or a path
/// named "notfound" or "/dev/null", means "no config file", as in rclone.
std::string default_rclone_config_path(const Environment& env);

/// Shell: read `config_path` (missing is fine when the remote is defined in
/// the environment) and the AWS files env_auth may need, then
/// remote_from_rclone. An unreadable existing file is an error.
Result<S3Remote> load_rclone_remote(const std::string& config_path, std::string_view remote_name,
                                    const Environment& env, const RemoteOverrides& overrides = {});

}  // namespace caios
