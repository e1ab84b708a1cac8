// The AWS side of remote_config.hpp: the AWS environment and shared files
// (~/.aws/credentials, ~/.aws/config) and their profiles, as the AWS CLI and
// SDKs read them. Pure; the shell that reads the files is load_aws_remote in
// remote_config.cpp.
#include "caios2dfs/config/remote_config.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "config_util.hpp"

namespace caios {

using namespace config_detail;

namespace {

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

// ---------------------------------------------------------------- INI lookups

// AWS (Python configparser) lower-cases keys; `subsection` selects a nested
// "s3 =" block, empty for top-level keys.
std::optional<std::string> aws_get(const IniSection* section, std::string_view key,
                                   std::string_view subsection = {}) {
  if (!section) return std::nullopt;
  std::optional<std::string> found;
  for (const auto& e : section->entries)
    if (iequals(e.key, key) && iequals(e.subsection, subsection)) found = e.value;
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

}  // namespace

namespace config_detail {

// A shared file as an IniFile; nullopt when the file is absent.
Result<std::optional<IniFile>> parse_optional(const std::optional<TextFile>& file) {
  if (!file) return std::optional<IniFile>{};
  auto parsed = parse_ini(*file);
  if (!parsed) return std::move(parsed).error();
  return std::optional<IniFile>{std::move(parsed).value()};
}

const IniFile* pointer_to(const std::optional<IniFile>& file) { return file ? &*file : nullptr; }

// The AWS SDK chain as far as we support it: environment, then the profile in
// the credentials file, then in the config file.
Result<ResolvedCredentials> resolve_aws_credentials(const Environment& env, const std::string& profile,
                                                    bool profile_explicit, const IniFile* credentials_file,
                                                    const IniFile* config_file, const AwsFilePaths& paths) {
  const std::string op = "AWS credentials";
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
    return config_error(op, "environment",
                        std::string(id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                                       : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not") +
                            ": set both, or unset it to use AWS profile '" + profile + "' from " +
                            paths.credentials);

  const std::string credentials_path = credentials_file ? credentials_file->path : paths.credentials;
  const std::string config_path = config_file ? config_file->path : paths.config;
  auto from_credentials = profile_keys(view.credentials, profile, credentials_path);
  if (!from_credentials) return std::move(from_credentials).error();
  if (from_credentials.value()) {
    ResolvedCredentials r{*from_credentials.value(), "AWS profile '" + profile + "' in " + credentials_path, {}};
    if (credentials_file->readable_by_others)
      r.warnings.push_back(permission_warning("AWS credentials file", credentials_path));
    return r;
  }
  auto from_config = profile_keys(view.config, profile, config_path);
  if (!from_config) return std::move(from_config).error();
  if (from_config.value()) {
    ResolvedCredentials r{*from_config.value(), "AWS profile '" + profile + "' in " + config_path, {}};
    if (config_file->readable_by_others)
      r.warnings.push_back(permission_warning("AWS config file", config_path));
    return r;
  }

  // No keys anywhere: say exactly what would have worked.
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

}  // namespace config_detail

// ---------------------------------------------------------------- public, pure

Result<S3Remote> remote_from_aws(const Environment& env, const std::optional<TextFile>& credentials_file,
                                 const std::optional<TextFile>& config_file, const RemoteOverrides& overrides) {
  const std::string op = "AWS config";
  auto credentials_parsed = parse_optional(credentials_file);
  if (!credentials_parsed) return std::move(credentials_parsed).error();
  auto config_parsed = parse_optional(config_file);
  if (!config_parsed) return std::move(config_parsed).error();
  const IniFile* credentials_ini = pointer_to(credentials_parsed.value());
  const IniFile* config_ini = pointer_to(config_parsed.value());
  const AwsFilePaths paths = default_aws_files(env);
  const auto profile_env = getenv_nonempty(env, "AWS_PROFILE");
  const std::string profile = profile_env ? std::string(trim(*profile_env)) : "default";

  auto resolved = resolve_aws_credentials(env, profile, profile_env.has_value(), credentials_ini, config_ini, paths);
  if (!resolved) return std::move(resolved).error();
  S3Remote remote;
  remote.credentials = resolved->credentials;
  remote.origin = resolved->origin;
  remote.warnings = std::move(resolved->warnings);
  if (auto ok = check_credentials(remote.credentials, profile, remote.origin); !ok) return std::move(ok).error();

  const IniSection* config_profile = find_config_profile(config_ini, profile);
  const std::string config_path = config_file ? config_file->path : paths.config;
  const std::string profile_where = "profile '" + profile + "' in " + config_path;

  // Endpoint: service-specific settings beat global ones, the environment
  // beats the file (AWS SDK "service-specific endpoints" rules).
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
  pick(aws_get(config_profile, "endpoint_url", "s3"), "s3.endpoint_url of " + profile_where);
  pick(aws_get(config_profile, "endpoint_url"), "endpoint_url of " + profile_where);
  if (!endpoint)
    return config_error(op, profile,
                        "no S3 endpoint: pass --endpoint https://... or set AWS_ENDPOINT_URL" +
                            std::string(kCoreWeaveHint));
  auto normalized = normalize_endpoint(*endpoint, endpoint_source);
  if (!normalized) return std::move(normalized).error();
  remote.endpoint = normalized.value();

  std::optional<std::string> region = overrides.region;
  if (!region) region = getenv_nonempty(env, "AWS_REGION");
  if (!region) region = getenv_nonempty(env, "AWS_DEFAULT_REGION");
  if (!region) region = aws_get(config_profile, "region");
  auto resolved_region = resolve_region(region, profile);
  if (!resolved_region) return std::move(resolved_region).error();
  remote.region = resolved_region.value();

  if (overrides.ca_bundle) {
    remote.ca_bundle = *overrides.ca_bundle;
  } else if (auto ca = getenv_nonempty(env, "AWS_CA_BUNDLE")) {
    remote.ca_bundle = std::string(trim(*ca));
  } else if (auto ca_file = aws_get(config_profile, "ca_bundle")) {
    remote.ca_bundle = std::string(trim(*ca_file));
  }

  if (overrides.addressing) {
    remote.addressing = *overrides.addressing;
  } else if (auto style = aws_get(config_profile, "addressing_style", "s3")) {
    const std::string s = lower(trim(*style));
    if (s == "virtual") {
      remote.addressing = Addressing::virtual_hosted;
    } else if (s == "path" || s == "auto") {
      // botocore's auto picks path style whenever a custom endpoint is set,
      // and we always have one.
      remote.addressing = Addressing::path;
    } else {
      return config_error(op, profile,
                          "s3.addressing_style = '" + s + "' in " + profile_where +
                              " is not one of path, virtual, auto");
    }
  }
  return remote;
}

AwsFilePaths default_aws_files(const Environment& env) {
  const std::string home = getenv_nonempty(env, "HOME").value_or("~");
  AwsFilePaths paths;
  paths.credentials = getenv_nonempty(env, "AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  paths.config = getenv_nonempty(env, "AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  return paths;
}

}  // namespace caios
