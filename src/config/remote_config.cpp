// Where the S3 endpoint and credentials come from. See remote_config.hpp for
// the contract. Everything above the "shells" line is pure. This file holds
// the rclone reader, describe and the shells; the INI parser is in
// ini_file.cpp, the AWS shared-files reader in aws_config.cpp, and the helpers
// they share in config_util.cpp.
#include "caios2dfs/config/remote_config.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "config_util.hpp"

namespace caios {

using namespace config_detail;

namespace {

// rclone providers whose provider file has no `force_path_style` quirk: for
// them rclone's setQuirks forces virtual-hosted style whatever the config says
// (backend/s3/provider/*.yaml, backend/s3/s3.go setQuirks). Exact names, as
// rclone matches them.
constexpr std::array<std::string_view, 27> kVirtualHostedProviders = {
    "AWS",      "Alibaba",   "Cubbit",     "DigitalOcean", "Dreamhost", "GCS",       "Hetzner",
    "HuaweiOBS", "ImpossibleCloud", "Intercolo", "Leviia", "Linode",    "LyveCloud", "Netease",
    "OVHcloud", "Petabox",   "Rabata",     "RackCorp",     "Scaleway",  "Selectel",  "Servercore",
    "Storj",    "Synology",  "TencentCOS", "Wasabi",       "Zata",      "us3"};

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool looks_quoted(std::string_view s) {
  return s.size() >= 2 && ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\''));
}

// ---------------------------------------------------------------- INI lookups

// rclone (goconfig) keys are case-sensitive and nested AWS blocks are
// invisible to it: every entry is a flat key.
std::optional<std::string> rclone_get(const IniSection& section, std::string_view key) {
  std::optional<std::string> found;
  for (const auto& e : section.entries)
    if (e.key == key) found = e.value;
  return found;
}

// ---------------------------------------------------------------- values

// Go's strconv.ParseBool, which is what rclone uses for its options.
std::optional<bool> parse_go_bool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"})
    if (s == t) return true;
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"})
    if (s == f) return false;
  return std::nullopt;
}

std::string strip_remote_colon(std::string_view name) {
  name = trim(name);
  if (!name.empty() && name.back() == ':') name.remove_suffix(1);
  return std::string(name);
}

std::string rclone_env_name(std::string_view remote, std::string_view key) {
  std::string k(key);
  std::replace(k.begin(), k.end(), '-', '_');
  return "RCLONE_CONFIG_" + upper(remote) + "_" + upper(k);
}

// The environment part of rclone's lookup: RCLONE_CONFIG_<REMOTE>_<KEY>, then
// RCLONE_S3_<KEY> (backend options only; "type" is not one).
std::optional<std::string> rclone_env_option(const std::string& name, std::string_view key,
                                             const Environment& env) {
  // Current rclone keeps '-' in the remote name part; older releases turned
  // it into '_'. Accept both spellings.
  if (auto v = getenv_in(env, rclone_env_name(name, key))) return v;
  std::string legacy = name;
  std::replace(legacy.begin(), legacy.end(), '-', '_');
  if (legacy != name)
    if (auto v = getenv_in(env, rclone_env_name(legacy, key))) return v;
  if (key != "type") {
    std::string k(key);
    std::replace(k.begin(), k.end(), '-', '_');
    if (auto v = getenv_in(env, "RCLONE_S3_" + upper(k))) return v;
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------- public, pure

std::optional<std::string> rclone_option(const IniFile* config, std::string_view remote_name,
                                         std::string_view key, const Environment& env) {
  const std::string name = strip_remote_colon(remote_name);
  if (auto v = rclone_env_option(name, key, env)) return v;
  if (config)
    if (const IniSection* section = config->find(name)) return rclone_get(*section, key);
  return std::nullopt;
}

Result<S3Remote> remote_from_rclone(const IniFile& config, std::string_view remote_name,
                                    const Environment& env, const AwsSharedFiles& aws,
                                    const RemoteOverrides& overrides) {
  return remote_from_rclone(&config, remote_name, env, aws, overrides);
}

namespace {

// rclone env_auth = true: the AWS SDK chain (environment, then shared files),
// with rclone's `profile` and `shared_credentials_file` options when set.
Result<ResolvedCredentials> rclone_env_auth_credentials(const IniFile* config, const std::string& name,
                                                        const Environment& env, const AwsSharedFiles& aws) {
  AwsFilePaths paths = default_aws_files(env);
  if (auto file = rclone_option(config, name, "shared_credentials_file", env); file && !trim(*file).empty())
    paths.credentials = std::string(trim(*file));
  std::string profile(trim(rclone_option(config, name, "profile", env).value_or("")));
  bool explicit_profile = !profile.empty();
  if (!explicit_profile) {
    const auto from_env = getenv_nonempty(env, "AWS_PROFILE");
    explicit_profile = from_env.has_value();
    profile = from_env ? std::string(trim(*from_env)) : "default";
  }
  auto credentials_ini = parse_optional(aws.credentials);
  if (!credentials_ini) return std::move(credentials_ini).error();
  auto config_ini = parse_optional(aws.config);
  if (!config_ini) return std::move(config_ini).error();
  auto resolved = resolve_aws_credentials(env, profile, explicit_profile, pointer_to(credentials_ini.value()),
                                          pointer_to(config_ini.value()), paths);
  if (!resolved) {
    Error e = std::move(resolved).error();
    e.message = "rclone remote '" + name + "' has env_auth = true: " + e.message;
    return e;
  }
  return resolved;
}

}  // namespace

Result<S3Remote> remote_from_rclone(const IniFile* config, std::string_view remote_name,
                                    const Environment& env, const AwsSharedFiles& aws,
                                    const RemoteOverrides& overrides) {
  const std::string op = "rclone remote";
  const std::string name = strip_remote_colon(remote_name);
  if (name.empty()) return config_error(op, "", "no rclone remote name given; use REMOTE:bucket/path");
  const std::string env_prefix = rclone_env_name(name, "");  // "RCLONE_CONFIG_CAIOS_"
  const IniSection* section = config ? config->find(name) : nullptr;
  const std::string where = section ? "[" + name + "] of " + config->path : env_prefix + "* variables";

  auto type = rclone_option(config, name, "type", env);
  if (!section && !type) {
    std::string message = "rclone remote '" + name + "' not found";
    if (config) {
      std::vector<std::string> names;
      for (const auto& s : config->section_names())
        if (s != "DEFAULT") names.push_back(s);
      message += " in " + config->path + "; remotes there: " + (names.empty() ? "(none)" : join(names, ", "));
    } else {
      message += ": there is no rclone config file";
    }
    message += ". Create it with `rclone config`, pass --config FILE, or define it with " + env_prefix +
               "TYPE=s3 and " + env_prefix + "ACCESS_KEY_ID etc.";
    return config_error(op, name, message);
  }
  if (!type || trim(*type).empty())
    return config_error(op, name, "rclone remote '" + name + "' has no type; add type = s3 to " + where);
  if (trim(*type) != "s3")
    return config_error(op, name,
                        "rclone remote '" + name + "' has type '" + std::string(trim(*type)) +
                            "', not s3; caios2dfs copies from S3 remotes only");

  S3Remote remote;
  remote.origin = section ? "rclone config " + config->path + " [" + name + "]"
                          : "rclone environment " + env_prefix + "*";
  auto option = [&](std::string_view key) { return rclone_option(config, name, key, env); };
  // A value counts as "from the file" only if no variable overrides it; that
  // decides the permission warning.
  auto from_file = [&](std::string_view key) {
    return section && rclone_get(*section, key) && !rclone_env_option(name, key, env);
  };
  auto bool_option = [&](std::string_view key, bool fallback) -> Result<bool> {
    auto v = option(key);
    if (!v || trim(*v).empty()) return fallback;
    if (auto b = parse_go_bool(trim(*v))) return *b;
    return config_error(op, name,
                        "rclone remote '" + name + "': " + std::string(key) + " = '" + std::string(trim(*v)) +
                            "' is not a boolean; use true or false");
  };

  remote.provider = std::string(trim(option("provider").value_or("")));

  // Credentials.
  auto id = option("access_key_id");
  auto secret = option("secret_access_key");
  auto token = option("session_token");
  for (auto [key, value] : {std::pair{"access_key_id", &id}, std::pair{"secret_access_key", &secret},
                            std::pair{"session_token", &token}}) {
    if (*value) **value = std::string(trim(**value));
    if (*value && looks_quoted(**value))
      remote.warnings.push_back(std::string(key) + " of rclone remote '" + name +
                                "' is wrapped in quotes; rclone keeps quotes as part of the value, so remove "
                                "them if authentication fails");
  }
  const bool have_id = id && !id->empty();
  const bool have_secret = secret && !secret->empty();
  auto env_auth = bool_option("env_auth", false);
  if (!env_auth) return std::move(env_auth).error();
  if (have_id && have_secret) {
    remote.credentials = Credentials{*id, *secret, token.value_or("")};
    if (section && config->readable_by_others &&
        (from_file("secret_access_key") || (token && !token->empty() && from_file("session_token"))))
      remote.warnings.push_back(permission_warning("rclone config", config->path));
  } else if (!have_id && !have_secret && env_auth.value()) {
    auto resolved = rclone_env_auth_credentials(config, name, env, aws);
    if (!resolved) return std::move(resolved).error();
    remote.credentials = resolved->credentials;
    remote.origin += " (credentials from " + resolved->origin + ")";
    for (auto& w : resolved->warnings) remote.warnings.push_back(std::move(w));
  } else if (!have_id && !have_secret) {
    return config_error(op, name,
                        "rclone remote '" + name + "' has no access_key_id and secret_access_key; add them to " +
                            where + " (or set " + env_prefix + "ACCESS_KEY_ID and " + env_prefix +
                            "SECRET_ACCESS_KEY), or set env_auth = true to use AWS_ACCESS_KEY_ID / "
                            "AWS_SECRET_ACCESS_KEY or an AWS profile. Anonymous access is not supported");
  } else {
    const std::string missing = have_id ? "secret_access_key" : "access_key_id";
    return config_error(op, name,
                        "rclone remote '" + name + "' has " + (have_id ? "access_key_id" : "secret_access_key") +
                            " but no " + missing + "; add " + missing + " to " + where + " or set " +
                            env_prefix + upper(missing));
  }
  if (auto ok = check_credentials(remote.credentials, name, "rclone remote '" + name + "'"); !ok)
    return std::move(ok).error();

  // Region before endpoint: rclone derives the AWS endpoint from it.
  auto region = resolve_region(overrides.region ? overrides.region : option("region"), name);
  if (!region) return std::move(region).error();
  remote.region = region.value();

  std::optional<std::string> endpoint = overrides.endpoint;
  std::string endpoint_source = "--endpoint";
  if (!endpoint || trim(*endpoint).empty()) {
    endpoint = option("endpoint");
    endpoint_source = "rclone remote '" + name + "'";
  }
  if (!endpoint || trim(*endpoint).empty()) {
    if (remote.provider != "AWS")
      return config_error(op, name,
                          "rclone remote '" + name + "' has no endpoint; add endpoint = https://... to " + where +
                              std::string(kCoreWeaveHint) + ", set " + env_prefix +
                              "ENDPOINT, or pass --endpoint");
    endpoint = "https://s3." + remote.region + ".amazonaws.com";  // what rclone's AWS SDK would use
  }
  auto normalized = normalize_endpoint(*endpoint, endpoint_source);
  if (!normalized) return std::move(normalized).error();
  remote.endpoint = normalized.value();

  if (overrides.addressing) {
    remote.addressing = *overrides.addressing;
  } else {
    auto path_style = bool_option("force_path_style", true);
    if (!path_style) return std::move(path_style).error();
    const bool provider_forces_virtual =
        std::find(kVirtualHostedProviders.begin(), kVirtualHostedProviders.end(), remote.provider) !=
        kVirtualHostedProviders.end();
    remote.addressing =
        path_style.value() && !provider_forces_virtual ? Addressing::path : Addressing::virtual_hosted;
  }

  // rclone's CA option is global (--ca-cert), not per remote.
  if (overrides.ca_bundle) {
    remote.ca_bundle = *overrides.ca_bundle;
  } else if (auto ca = getenv_nonempty(env, "RCLONE_CA_CERT")) {
    remote.ca_bundle = std::string(trim(*ca));
  }
  return remote;
}

std::string describe(const S3Remote& remote) {
  const auto& id = remote.credentials.access_key_id;
  // Real key ids are 16+ characters; for short ones show nothing at all.
  const std::string masked = id.size() >= 12 ? id.substr(0, 4) + "\u2026" : "\u2026";
  std::string out = "endpoint " + remote.endpoint + ", region " + remote.region + ", " +
                    addressing_name(remote.addressing) + " addressing, access key " + masked;
  if (!remote.credentials.session_token.empty()) out += ", session token set";
  if (!remote.provider.empty()) out += ", provider " + remote.provider;
  if (!remote.ca_bundle.empty()) out += ", CA bundle " + remote.ca_bundle;
  if (!remote.origin.empty()) out += ", from " + remote.origin;
  return out;
}

std::string default_rclone_config_path(const Environment& env) {
  if (auto path = getenv_in(env, "RCLONE_CONFIG")) return *path;
  if (auto xdg = getenv_nonempty(env, "XDG_CONFIG_HOME")) return *xdg + "/rclone/rclone.conf";
  return getenv_nonempty(env, "HOME").value_or("~") + "/.config/rclone/rclone.conf";
}

// ---------------------------------------------------------------- shells

namespace {

// nullopt with `error_number` set when the file cannot be read.
std::optional<TextFile> read_text_file_errno(const std::string& path, int& error_number) {
  error_number = 0;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    error_number = errno;
    return std::nullopt;
  }
  if (S_ISDIR(st.st_mode)) {
    error_number = EISDIR;
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error_number = errno != 0 ? errno : EACCES;
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    error_number = EIO;
    return std::nullopt;
  }
  return TextFile{path, std::move(buffer).str(), (st.st_mode & (S_IRGRP | S_IROTH)) != 0};
}

bool means_no_config_file(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return path.empty() || path == "/dev/null" || base == "notfound";
}

std::optional<TextFile> read_optional(const std::string& path) {
  if (path.empty()) return std::nullopt;
  return read_text_file(path);
}

}  // namespace

std::optional<TextFile> read_text_file(const std::string& path) {
  int error_number = 0;
  return read_text_file_errno(path, error_number);
}

Environment process_environment() {
  return Environment{[](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  }};
}

Result<S3Remote> load_rclone_remote(const std::string& config_path, std::string_view remote_name,
                                    const Environment& env, const RemoteOverrides& overrides) {
  std::optional<IniFile> ini;
  if (!means_no_config_file(config_path)) {
    int error_number = 0;
    auto file = read_text_file_errno(config_path, error_number);
    if (file) {
      auto parsed = parse_ini(*file);
      if (!parsed) return std::move(parsed).error();
      ini = std::move(parsed).value();
    } else if (error_number != ENOENT) {
      Error e = config_error("read rclone config", config_path,
                             "cannot read rclone config " + config_path + ": " + std::strerror(error_number));
      e.sys_errno = error_number;
      return e;
    } else if (!rclone_option(nullptr, remote_name, "type", env)) {
      const std::string name = strip_remote_colon(remote_name);
      return config_error("read rclone config", config_path,
                          "rclone config " + config_path + " does not exist and " + rclone_env_name(name, "type") +
                              " is not set; create the remote with `rclone config`, pass --config FILE, "
                              "or set RCLONE_CONFIG");
    }
  }
  const IniFile* config = ini ? &*ini : nullptr;
  AwsFilePaths paths = default_aws_files(env);
  if (auto f = rclone_option(config, remote_name, "shared_credentials_file", env); f && !trim(*f).empty())
    paths.credentials = std::string(trim(*f));
  AwsSharedFiles aws{read_optional(paths.credentials), read_optional(paths.config)};
  return remote_from_rclone(config, remote_name, env, aws, overrides);
}

Result<S3Remote> load_aws_remote(const Environment& env, const RemoteOverrides& overrides) {
  const AwsFilePaths paths = default_aws_files(env);
  return remote_from_aws(env, read_optional(paths.credentials), read_optional(paths.config), overrides);
}

}  // namespace caios
