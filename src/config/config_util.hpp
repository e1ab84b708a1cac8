// Private to src/config/: the checks and lookups that both configuration
// readers need (rclone in remote_config.cpp, AWS in aws_config.cpp), written
// once. Not installed, not part of the public API; everything lives in
// caios::config_detail. All pure: values in, values out.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/environment.hpp"
#include "caios2dfs/s3/sigv4.hpp"  // Credentials

namespace caios::config_detail {

inline constexpr std::string_view kCoreWeaveHint = " (CoreWeave AI Object Storage: https://cwobject.com)";

/// env.get(name), or nullopt for an empty Environment.
std::optional<std::string> getenv_in(const Environment& env, const std::string& name);
/// Like getenv_in, but a value that is empty after trimming is nullopt.
std::optional<std::string> getenv_nonempty(const Environment& env, const std::string& name);

/// Any byte <= 0x20 (space and controls) or DEL.
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

}  // namespace caios::config_detail
