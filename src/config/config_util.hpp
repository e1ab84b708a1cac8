// Internal to the config readers (ini_file.cpp, remote_config.cpp,
// aws_config.cpp): the helpers more than one of them needs, so that each is
// written once. Not installed, not part of the public API; everything lives in
// caios::config_detail. All pure: values in, values out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/remote_config.hpp"

namespace caios::config_detail {

// ---------------------------------------------------------------- config_util.cpp

inline constexpr std::string_view kCoreWeaveHint = " (CoreWeave AI Object Storage: https://cwobject.com)";

bool is_space(char c);
std::string_view trim(std::string_view s);
std::string lower(std::string_view s);
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// An Error of kind config.
Error config_error(std::string operation, std::string subject, std::string message);

/// env.get(name), or nullopt for an empty Environment.
std::optional<std::string> getenv_in(const Environment& env, const std::string& name);
/// Like getenv_in, but a value that is empty after trimming is nullopt.
std::optional<std::string> getenv_nonempty(const Environment& env, const std::string& name);

bool has_whitespace_or_control(std::string_view s);

/// "scheme://host[:port]" from an endpoint as a user wrote it; `source` names
/// the key or variable it came from, for the message.
Result<std::string> normalize_endpoint(std::string_view raw, const std::string& source);

/// The warning for a file holding secrets that other users may read.
std::string permission_warning(std::string_view what, const std::string& path);

/// Non-empty keys without whitespace or control characters; `where` names the
/// source for the message.
Status check_credentials(const Credentials& c, const std::string& subject, const std::string& where);

/// The region to sign with: trimmed, "us-east-1" when empty, SigV2 refused.
Result<std::string> resolve_region(std::optional<std::string> region, const std::string& subject);

// ---------------------------------------------------------------- aws_config.cpp
// The AWS credential chain, also used by rclone's env_auth = true.

struct ResolvedCredentials {
  Credentials credentials;
  std::string origin;
  std::vector<std::string> warnings;
};

/// A shared file as an IniFile; nullopt when the file is absent.
Result<std::optional<IniFile>> parse_optional(const std::optional<TextFile>& file);

const IniFile* pointer_to(const std::optional<IniFile>& file);

/// The AWS SDK chain as far as we support it: environment, then the profile
/// in the credentials file, then in the config file. Either file may be null.
Result<ResolvedCredentials> resolve_aws_credentials(const Environment& env, const std::string& profile,
                                                    bool profile_explicit, const IniFile* credentials_file,
                                                    const IniFile* config_file, const AwsFilePaths& paths);

}  // namespace caios::config_detail
