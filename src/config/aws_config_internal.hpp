// Private to src/config/: the AWS credential chain and the shared-file
// helpers, which aws_config.cpp implements and remote_config.cpp also uses for
// rclone's env_auth = true. Not installed; everything lives in
// caios::config_detail.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/aws_config.hpp"
#include "caios2dfs/config/environment.hpp"
#include "caios2dfs/config/ini_file.hpp"
#include "caios2dfs/s3/sigv4.hpp"  // Credentials

namespace caios::config_detail {

struct ResolvedCredentials {
  Credentials credentials;
  std::string origin;  ///< e.g. "AWS environment", "AWS profile 'x' in PATH"
  std::vector<std::string> warnings;
};

/// A shared file as an IniFile; nullopt when the file is absent.
Result<std::optional<IniFile>> parse_optional(const std::optional<TextFile>& file);

const IniFile* pointer_to(const std::optional<IniFile>& file);

/// The AWS SDK chain as far as we support it: environment, then the profile
/// in the credentials file, then in the config file. Either file may be null;
/// `paths` names them in messages when they are.
Result<ResolvedCredentials> resolve_aws_credentials(const Environment& env, const std::string& profile,
                                                    bool profile_explicit, const IniFile* credentials_file,
                                                    const IniFile* config_file, const AwsFilePaths& paths);

/// Shell: the files at `paths`; an empty path or a missing file is nullopt.
AwsSharedFiles read_aws_shared_files(const AwsFilePaths& paths);

}  // namespace caios::config_detail
