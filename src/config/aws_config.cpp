// The AWS environment and shared files (~/.aws/credentials, ~/.aws/config)
// and their profiles, as the AWS CLI and SDKs read them; see aws_config.hpp.
// Pure except for the shells at the end (load_aws_remote,
// read_aws_shared_files).
#include "caios2dfs/config/aws_config.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "aws_config_internal.hpp"
#include "caios2dfs/base/text.hpp"
#include "config_util.hpp"

namespace caios {

using namespace config_detail;

namespace {

// ---------------------------------------------------------------- INI lookups

// AWS (Python configparser) lower-cases keys; `subsection` selects a nested
// "s3 =" block, empty for top-level keys.
std::optional<std::string> aws_get(const IniSection* section, std::string_view key,
                                   std::string_view subsection = {}) {
  if (!section) return std::nullopt;
  std::optional<std::string> found;
  for (const auto& e : section->entries)
    if (equals_ignore_case(e.key, key) && equals_ignore_case(e.subsection, subsection)) found = e.value;
  if (found && trim(*found).empty()) return std::nullopt;
  return found;
}

// ---------------------------------------------------------------- AWS credentials

struct AwsProfileView {
  const IniSection* credentials = nullptr;  // [name] in the credentials file
  const IniSection* config = nullptr;       // [profile name] / [default] in the config file
};

const IniSection* find_config_profile(const IniFile* config, std::string_view profile) {
  if (!config) return nullptr;
  const IniSection* found = nullptr;
  for (const auto& section : config->sections) {
    std::string_view name = section.name;
    if (profile == "default" && name == "default") found = &section;
    // "[profile   x]" is accepted by botocore: any whitespace after "profile".
    if (name.size() > 7 && name.substr(0, 7) == "profile" && is_space(name[7]) &&
        trim(name.substr(7)) == profile)
      found = &section;  // "[profile default]" beats "[default]" as in botocore
  }
  return found;
}

std::vector<std::string> profile_names(const IniFile* credentials, const IniFile* config) {
  std::vector<std::string> names;
  auto add = [&](std::string name) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  };
  if (credentials)
    for (const auto& s : credentials->sections)
      if (s.name != "DEFAULT") add(s.name);
  if (config)
    for (const auto& s : config->sections) {
      std::string_view name = s.name;
      if (name == "default") add("default");
      if (name.size() > 7 && name.substr(0, 7) == "profile" && is_space(name[7]))
        add(std::string(trim(name.substr(7))));
    }
  return names;
}

// One credentials source from a profile section; nullopt when it has no keys.
Result<std::optional<Credentials>> profile_keys(const IniSection* section, const std::string& profile,
                                                const std::string& path) {
  if (!section) return std::optional<Credentials>{};
  auto id = aws_get(section, "aws_access_key_id");
  auto secret = aws_get(section, "aws_secret_access_key");
  if (!id && !secret) return std::optional<Credentials>{};
  if (!id || !secret)
    return config_error("AWS credentials", path,
                        "AWS profile '" + profile + "' in " + path + " has " +
                            (id ? "aws_access_key_id but no aws_secret_access_key"
                                : "aws_secret_access_key but no aws_access_key_id") +
                            "; add the missing key");
  auto token = aws_get(section, "aws_session_token");
  if (!token) token = aws_get(section, "aws_security_token");  // legacy boto name
  return std::optional<Credentials>{Credentials{*id, *secret, token.value_or("")}};
}

// No keys anywhere: say exactly what would have worked.
Error missing_credentials_error(const std::string& profile, bool profile_explicit, const AwsProfileView& view,
                                const IniFile* credentials_file, const IniFile* config_file,
                                const std::string& credentials_path) {
  const std::string op = "AWS credentials";
  for (const IniSection* section : {view.credentials, view.config}) {
    for (std::string_view key : {"role_arn", "source_profile", "credential_process", "sso_session",
                                 "sso_start_url", "web_identity_token_file"}) {
      if (aws_get(section, key))
        return config_error(op, profile,
                            "AWS profile '" + profile + "' gets its credentials through " + std::string(key) +
                                ", which caios2dfs does not support; export static credentials first, e.g. "
                                "eval \"$(aws configure export-credentials --profile " +
                                profile + " --format env)\"");
    }
  }
  std::string message = "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add "
                        "aws_access_key_id and aws_secret_access_key to profile [" +
                        profile + "] in " + credentials_path;
  if (view.credentials || view.config) {
    message = "AWS profile '" + profile + "' has no aws_access_key_id / aws_secret_access_key; add both to [" +
              profile + "] in " + credentials_path + ", or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
  } else if (profile_explicit) {
    message += " (AWS_PROFILE='" + profile + "' names a profile that does not exist)";
  } else {
    message += " (or choose another profile with AWS_PROFILE)";
  }
  const auto known = profile_names(credentials_file, config_file);
  if (!known.empty() && !view.credentials && !view.config) message += "; profiles found: " + join(known, ", ");
  return config_error(op, profile, message);
}

// Keys from the profile in one shared file; nullopt when it has none there.
Result<std::optional<ResolvedCredentials>> profile_credentials(const IniSection* section, const IniFile* file,
                                                               const std::string& profile, const std::string& path,
                                                               std::string_view file_kind) {
  auto keys = profile_keys(section, profile, path);
  if (!keys) return std::move(keys).error();
  if (!keys.value()) return std::optional<ResolvedCredentials>{};
  ResolvedCredentials resolved{*keys.value(), "AWS profile '" + profile + "' in " + path, {}};
  if (file->readable_by_others) resolved.warnings.push_back(permission_warning(file_kind, path));
  return std::optional<ResolvedCredentials>{std::move(resolved)};
}

// The profile the AWS CLI would use: AWS_PROFILE, else "default".
struct ProfileChoice {
  std::string name;
  bool is_explicit = false;  ///< named by AWS_PROFILE
};

ProfileChoice aws_profile(const Environment& env) {
  const auto profile_env = getenv_nonempty(env, "AWS_PROFILE");
  if (!profile_env) return {"default", false};
  return {std::string(trim(*profile_env)), true};
}

// Where the settings of the chosen profile in the config file are, for the
// lookups and their messages.
struct ConfigProfile {
  const IniSection* section = nullptr;  ///< null when the profile is not in the config file
  std::string where;                    ///< "profile 'x' in PATH"
};

// Endpoint: service-specific settings beat global ones, the environment
// beats the file (AWS SDK "service-specific endpoints" rules).
Result<std::string> aws_endpoint(const Environment& env, const RemoteOverrides& overrides,
                                 const ConfigProfile& profile, const std::string& profile_name) {
  std::optional<std::string> endpoint;
  std::string endpoint_source;
  auto pick = [&](std::optional<std::string> value, std::string source) {
    if (!endpoint && value && !trim(*value).empty()) {
      endpoint = std::move(value);
      endpoint_source = std::move(source);
    }
  };
  pick(overrides.endpoint, "--endpoint");
  pick(getenv_nonempty(env, "AWS_ENDPOINT_URL_S3"), "AWS_ENDPOINT_URL_S3");
  pick(getenv_nonempty(env, "AWS_ENDPOINT_URL"), "AWS_ENDPOINT_URL");
  pick(aws_get(profile.section, "endpoint_url", "s3"), "s3.endpoint_url of " + profile.where);
  pick(aws_get(profile.section, "endpoint_url"), "endpoint_url of " + profile.where);
  if (!endpoint) {
    return config_error("AWS config", profile_name,
                        "no S3 endpoint: pass --endpoint https://... or set AWS_ENDPOINT_URL" +
                            std::string(kCoreWeaveHint));
  }
  return normalize_endpoint(*endpoint, endpoint_source);
}

Result<std::string> aws_region(const Environment& env, const RemoteOverrides& overrides,
                               const ConfigProfile& profile, const std::string& profile_name) {
  std::optional<std::string> region = overrides.region;
  if (!region) region = getenv_nonempty(env, "AWS_REGION");
  if (!region) region = getenv_nonempty(env, "AWS_DEFAULT_REGION");
  if (!region) region = aws_get(profile.section, "region");
  return resolve_region(region, profile_name);
}

std::string aws_ca_bundle(const Environment& env, const RemoteOverrides& overrides, const ConfigProfile& profile) {
  if (overrides.ca_bundle) return *overrides.ca_bundle;
  if (auto ca = getenv_nonempty(env, "AWS_CA_BUNDLE")) return std::string(trim(*ca));
  if (auto ca_file = aws_get(profile.section, "ca_bundle")) return std::string(trim(*ca_file));
  return {};
}

Result<Addressing> aws_addressing(const RemoteOverrides& overrides, const ConfigProfile& profile,
                                  const std::string& profile_name) {
  if (overrides.addressing) return *overrides.addressing;
  const auto style = aws_get(profile.section, "addressing_style", "s3");
  if (!style) return Addressing::path;
  const std::string s = ascii_lower(trim(*style));
  if (s == "virtual") return Addressing::virtual_hosted;
  // botocore's auto picks path style whenever a custom endpoint is set, and
  // we always have one.
  if (s == "path" || s == "auto") return Addressing::path;
  return config_error("AWS config", profile_name,
                      "s3.addressing_style = '" + s + "' in " + profile.where + " is not one of path, virtual, auto");
}

}  // namespace

namespace config_detail {

Result<std::optional<IniFile>> parse_optional(const std::optional<TextFile>& file) {
  if (!file) return std::optional<IniFile>{};
  auto parsed = parse_ini(*file);
  if (!parsed) return std::move(parsed).error();
  return std::optional<IniFile>{std::move(parsed).value()};
}

const IniFile* pointer_to(const std::optional<IniFile>& file) { return file ? &*file : nullptr; }

Result<ResolvedCredentials> resolve_aws_credentials(const Environment& env, const std::string& profile,
                                                    bool profile_explicit, const IniFile* credentials_file,
                                                    const IniFile* config_file, const AwsFilePaths& paths) {
  auto id = getenv_nonempty(env, "AWS_ACCESS_KEY_ID");
  auto secret = getenv_nonempty(env, "AWS_SECRET_ACCESS_KEY");
  const AwsProfileView view{credentials_file ? credentials_file->find(profile) : nullptr,
                            find_config_profile(config_file, profile)};
  if (id && secret) {
    ResolvedCredentials r{Credentials{*id, *secret, getenv_nonempty(env, "AWS_SESSION_TOKEN").value_or("")},
                          "AWS environment", {}};
    if (profile_explicit && !view.credentials && !view.config)
      r.warnings.push_back("AWS_PROFILE names profile '" + profile + "', which is in neither " +
                           paths.credentials + " nor " + paths.config +
                           "; ignored because AWS_ACCESS_KEY_ID is set");
    return r;
  }
  if (id || secret)
    return config_error("AWS credentials", "environment",
                        std::string(id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                                       : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not") +
                            ": set both, or unset it to use AWS profile '" + profile + "' from " +
                            paths.credentials);

  const std::string credentials_path = credentials_file ? credentials_file->path : paths.credentials;
  const std::string config_path = config_file ? config_file->path : paths.config;
  auto from_credentials =
      profile_credentials(view.credentials, credentials_file, profile, credentials_path, "AWS credentials file");
  if (!from_credentials) return std::move(from_credentials).error();
  if (from_credentials.value()) return std::move(*from_credentials.value());
  auto from_config = profile_credentials(view.config, config_file, profile, config_path, "AWS config file");
  if (!from_config) return std::move(from_config).error();
  if (from_config.value()) return std::move(*from_config.value());
  return missing_credentials_error(profile, profile_explicit, view, credentials_file, config_file, credentials_path);
}

AwsSharedFiles read_aws_shared_files(const AwsFilePaths& paths) {
  auto read = [](const std::string& path) -> std::optional<TextFile> {
    if (path.empty()) return std::nullopt;
    return read_text_file(path);
  };
  return AwsSharedFiles{read(paths.credentials), read(paths.config)};
}

}  // namespace config_detail

// ---------------------------------------------------------------- public, pure

Result<S3Remote> remote_from_aws(const Environment& env, const std::optional<TextFile>& credentials_file,
                                 const std::optional<TextFile>& config_file, const RemoteOverrides& overrides) {
  auto credentials_parsed = parse_optional(credentials_file);
  if (!credentials_parsed) return std::move(credentials_parsed).error();
  auto config_parsed = parse_optional(config_file);
  if (!config_parsed) return std::move(config_parsed).error();
  const IniFile* credentials_ini = pointer_to(credentials_parsed.value());
  const IniFile* config_ini = pointer_to(config_parsed.value());
  const AwsFilePaths paths = default_aws_files(env);
  const ProfileChoice profile = aws_profile(env);

  auto resolved =
      resolve_aws_credentials(env, profile.name, profile.is_explicit, credentials_ini, config_ini, paths);
  if (!resolved) return std::move(resolved).error();
  S3Remote remote;
  remote.credentials = resolved->credentials;
  remote.origin = resolved->origin;
  remote.warnings = std::move(resolved->warnings);
  if (auto ok = check_credentials(remote.credentials, profile.name, remote.origin); !ok) {
    return std::move(ok).error();
  }

  const ConfigProfile config_profile{
      find_config_profile(config_ini, profile.name),
      "profile '" + profile.name + "' in " + (config_file ? config_file->path : paths.config)};
  auto endpoint = aws_endpoint(env, overrides, config_profile, profile.name);
  if (!endpoint) return std::move(endpoint).error();
  remote.endpoint = endpoint.value();
  auto region = aws_region(env, overrides, config_profile, profile.name);
  if (!region) return std::move(region).error();
  remote.region = region.value();
  remote.ca_bundle = aws_ca_bundle(env, overrides, config_profile);
  auto addressing = aws_addressing(overrides, config_profile, profile.name);
  if (!addressing) return std::move(addressing).error();
  remote.addressing = addressing.value();
  return remote;
}

AwsFilePaths default_aws_files(const Environment& env) {
  const std::string home = getenv_nonempty(env, "HOME").value_or("~");
  AwsFilePaths paths;
  paths.credentials = getenv_nonempty(env, "AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  paths.config = getenv_nonempty(env, "AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  return paths;
}

// ---------------------------------------------------------------- shell

Result<S3Remote> load_aws_remote(const Environment& env, const RemoteOverrides& overrides) {
  const AwsSharedFiles files = read_aws_shared_files(default_aws_files(env));
  return remote_from_aws(env, files.credentials, files.config, overrides);
}

}  // namespace caios
