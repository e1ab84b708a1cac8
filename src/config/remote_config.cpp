// rclone remotes: see remote_config.hpp for the contract. Everything above the
// "shell" line is pure. The INI parser is in ini_file.cpp, the AWS chain that
// env_auth = true uses in aws_config.cpp, and the checks both readers share in
// config_util.cpp.
#include "caios2dfs/config/remote_config.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "aws_config_internal.hpp"
#include "caios2dfs/base/text.hpp"
#include "config_util.hpp"

namespace caios {

using namespace config_detail;

namespace {

constexpr std::string_view kOperation = "rclone remote";

// rclone providers whose provider file has no `force_path_style` quirk: for
// them rclone's setQuirks forces virtual-hosted style whatever the config says
// (backend/s3/provider/*.yaml, backend/s3/s3.go setQuirks). Exact names, as
// rclone matches them.
constexpr std::array<std::string_view, 27> kVirtualHostedProviders = {
    "AWS",      "Alibaba",   "Cubbit",     "DigitalOcean", "Dreamhost", "GCS",       "Hetzner",
    "HuaweiOBS", "ImpossibleCloud", "Intercolo", "Leviia", "Linode",    "LyveCloud", "Netease",
    "OVHcloud", "Petabox",   "Rabata",     "RackCorp",     "Scaleway",  "Selectel",  "Servercore",
    "Storj",    "Synology",  "TencentCOS", "Wasabi",       "Zata",      "us3"};

std::string ascii_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool looks_quoted(std::string_view s) {
  return s.size() >= 2 && ((s.front() == '"' && s.back() == '"') || (s.front() == '\'' && s.back() == '\''));
}

// rclone (goconfig) keys are case-sensitive and nested AWS blocks are
// invisible to it: every entry is a flat key.
std::optional<std::string> rclone_get(const IniSection& section, std::string_view key) {
  std::optional<std::string> found;
  for (const auto& e : section.entries)
    if (e.key == key) found = e.value;
  return found;
}

std::string strip_remote_colon(std::string_view name) {
  name = trim(name);
  if (!name.empty() && name.back() == ':') name.remove_suffix(1);
  return std::string(name);
}

std::string rclone_env_name(std::string_view remote, std::string_view key) {
  std::string k(key);
  std::replace(k.begin(), k.end(), '-', '_');
  return "RCLONE_CONFIG_" + ascii_upper(remote) + "_" + ascii_upper(k);
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
    if (auto v = getenv_in(env, "RCLONE_S3_" + ascii_upper(k))) return v;
  }
  return std::nullopt;
}

// The remote being read: where its options come from, for the lookups and
// for messages that say where to fix them.
struct RcloneRemote {
  const IniFile* config;  ///< null: no config file
  std::string name;
  const Environment& env;
  const IniSection* section;  ///< null: the remote is defined by the environment only
  std::string env_prefix;     ///< "RCLONE_CONFIG_CAIOS_"
  std::string where;          ///< "[caios] of PATH" or "RCLONE_CONFIG_CAIOS_* variables"

  std::optional<std::string> option(std::string_view key) const { return rclone_option(config, name, key, env); }

  // A value counts as "from the file" only if no variable overrides it; that
  // decides the permission warning.
  bool from_file(std::string_view key) const {
    return section && rclone_get(*section, key) && !rclone_env_option(name, key, env);
  }

  Error error(std::string message) const { return config_error(std::string(kOperation), name, std::move(message)); }

  // rclone parses its booleans with Go's ParseBool; white space around the
  // value is ignored and an empty value means unset.
  Result<bool> bool_option(std::string_view key, bool fallback) const {
    const auto value = option(key);
    if (!value || trim(*value).empty()) return fallback;
    if (const auto parsed = parse_go_bool(trim(*value))) return *parsed;
    return error("rclone remote '" + name + "': " + std::string(key) + " = '" + std::string(trim(*value)) +
                 "' is not a boolean; use true or false");
  }
};

RcloneRemote find_remote(const IniFile* config, std::string name, const Environment& env) {
  const IniSection* section = config ? config->find(name) : nullptr;
  std::string env_prefix = rclone_env_name(name, "");
  std::string where = section ? "[" + name + "] of " + config->path : env_prefix + "* variables";
  return RcloneRemote{config, std::move(name), env, section, std::move(env_prefix), std::move(where)};
}

// The remote exists (in the file or the environment) and is of type s3.
Status check_remote_type(const RcloneRemote& r) {
  const auto type = r.option("type");
  if (!r.section && !type) {
    std::string message = "rclone remote '" + r.name + "' not found";
    if (r.config) {
      std::vector<std::string> names;
      for (const auto& s : r.config->section_names())
        if (s != "DEFAULT") names.push_back(s);
      message += " in " + r.config->path + "; remotes there: " + (names.empty() ? "(none)" : join(names, ", "));
    } else {
      message += ": there is no rclone config file";
    }
    message += ". Create it with `rclone config`, pass --config FILE, or define it with " + r.env_prefix +
               "TYPE=s3 and " + r.env_prefix + "ACCESS_KEY_ID etc.";
    return r.error(message);
  }
  if (!type || trim(*type).empty()) {
    return r.error("rclone remote '" + r.name + "' has no type; add type = s3 to " + r.where);
  }
  if (trim(*type) != "s3") {
    return r.error("rclone remote '" + r.name + "' has type '" + std::string(trim(*type)) +
                   "', not s3; caios2dfs copies from S3 remotes only");
  }
  return ok_status();
}

// rclone env_auth = true: the AWS SDK chain (environment, then shared files),
// with rclone's `profile` and `shared_credentials_file` options when set.
Result<ResolvedCredentials> env_auth_credentials(const RcloneRemote& r, const AwsSharedFiles& aws) {
  AwsFilePaths paths = default_aws_files(r.env);
  if (auto file = r.option("shared_credentials_file"); file && !trim(*file).empty())
    paths.credentials = std::string(trim(*file));
  std::string profile(trim(r.option("profile").value_or("")));
  bool explicit_profile = !profile.empty();
  if (!explicit_profile) {
    const auto from_env = getenv_nonempty(r.env, "AWS_PROFILE");
    explicit_profile = from_env.has_value();
    profile = from_env ? std::string(trim(*from_env)) : "default";
  }
  auto credentials_ini = parse_optional(aws.credentials);
  if (!credentials_ini) return std::move(credentials_ini).error();
  auto config_ini = parse_optional(aws.config);
  if (!config_ini) return std::move(config_ini).error();
  auto resolved = resolve_aws_credentials(r.env, profile, explicit_profile, pointer_to(credentials_ini.value()),
                                          pointer_to(config_ini.value()), paths);
  if (!resolved) {
    Error e = std::move(resolved).error();
    e.message = "rclone remote '" + r.name + "' has env_auth = true: " + e.message;
    return e;
  }
  return resolved;
}

// The keys of a remote, trimmed; a quoted one gets a warning (rclone keeps
// the quotes, so authentication would fail).
struct RcloneKeys {
  std::optional<std::string> id, secret, token;
};

RcloneKeys read_keys(const RcloneRemote& r, std::vector<std::string>& warnings) {
  RcloneKeys keys{r.option("access_key_id"), r.option("secret_access_key"), r.option("session_token")};
  for (auto [key, value] : {std::pair{"access_key_id", &keys.id}, std::pair{"secret_access_key", &keys.secret},
                            std::pair{"session_token", &keys.token}}) {
    if (*value) **value = std::string(trim(**value));
    if (*value && looks_quoted(**value))
      warnings.push_back(std::string(key) + " of rclone remote '" + r.name +
                         "' is wrapped in quotes; rclone keeps quotes as part of the value, so remove "
                         "them if authentication fails");
  }
  return keys;
}

// Credentials from the remote's keys, or with env_auth from the AWS chain.
Status read_credentials(const RcloneRemote& r, const AwsSharedFiles& aws, S3Remote& remote) {
  const RcloneKeys keys = read_keys(r, remote.warnings);
  const bool have_id = keys.id && !keys.id->empty();
  const bool have_secret = keys.secret && !keys.secret->empty();
  auto env_auth = r.bool_option("env_auth", false);
  if (!env_auth) return std::move(env_auth).error();
  if (have_id && have_secret) {
    remote.credentials = Credentials{*keys.id, *keys.secret, keys.token.value_or("")};
    if (r.section && r.config->readable_by_others &&
        (r.from_file("secret_access_key") || (keys.token && !keys.token->empty() && r.from_file("session_token"))))
      remote.warnings.push_back(permission_warning("rclone config", r.config->path));
  } else if (!have_id && !have_secret && env_auth.value()) {
    auto resolved = env_auth_credentials(r, aws);
    if (!resolved) return std::move(resolved).error();
    remote.credentials = resolved->credentials;
    remote.origin += " (credentials from " + resolved->origin + ")";
    for (auto& w : resolved->warnings) remote.warnings.push_back(std::move(w));
  } else if (!have_id && !have_secret) {
    return r.error("rclone remote '" + r.name + "' has no access_key_id and secret_access_key; add them to " +
                   r.where + " (or set " + r.env_prefix + "ACCESS_KEY_ID and " + r.env_prefix +
                   "SECRET_ACCESS_KEY), or set env_auth = true to use AWS_ACCESS_KEY_ID / "
                   "AWS_SECRET_ACCESS_KEY or an AWS profile. Anonymous access is not supported");
  } else {
    const std::string missing = have_id ? "secret_access_key" : "access_key_id";
    return r.error("rclone remote '" + r.name + "' has " + (have_id ? "access_key_id" : "secret_access_key") +
                   " but no " + missing + "; add " + missing + " to " + r.where + " or set " + r.env_prefix +
                   ascii_upper(missing));
  }
  return check_credentials(remote.credentials, r.name, "rclone remote '" + r.name + "'");
}

// --endpoint, else the remote's endpoint; for provider AWS the regional
// endpoint rclone's AWS SDK would use.
Result<std::string> read_endpoint(const RcloneRemote& r, const RemoteOverrides& overrides, const S3Remote& remote) {
  std::optional<std::string> endpoint = overrides.endpoint;
  std::string endpoint_source = "--endpoint";
  if (!endpoint || trim(*endpoint).empty()) {
    endpoint = r.option("endpoint");
    endpoint_source = "rclone remote '" + r.name + "'";
  }
  if (!endpoint || trim(*endpoint).empty()) {
    if (remote.provider != "AWS") {
      return r.error("rclone remote '" + r.name + "' has no endpoint; add endpoint = https://... to " + r.where +
                     std::string(kCoreWeaveHint) + ", set " + r.env_prefix + "ENDPOINT, or pass --endpoint");
    }
    endpoint = "https://s3." + remote.region + ".amazonaws.com";
  }
  return normalize_endpoint(*endpoint, endpoint_source);
}

Result<Addressing> read_addressing(const RcloneRemote& r, const RemoteOverrides& overrides,
                                   const std::string& provider) {
  if (overrides.addressing) return *overrides.addressing;
  auto path_style = r.bool_option("force_path_style", true);
  if (!path_style) return std::move(path_style).error();
  const bool provider_forces_virtual =
      std::find(kVirtualHostedProviders.begin(), kVirtualHostedProviders.end(), provider) !=
      kVirtualHostedProviders.end();
  return path_style.value() && !provider_forces_virtual ? Addressing::path : Addressing::virtual_hosted;
}

// rclone's CA option is global (--ca-cert), not per remote.
std::string read_ca_bundle(const Environment& env, const RemoteOverrides& overrides) {
  if (overrides.ca_bundle) return *overrides.ca_bundle;
  if (auto ca = getenv_nonempty(env, "RCLONE_CA_CERT")) return std::string(trim(*ca));
  return {};
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

Result<S3Remote> remote_from_rclone(const IniFile* config, std::string_view remote_name,
                                    const Environment& env, const AwsSharedFiles& aws,
                                    const RemoteOverrides& overrides) {
  const std::string name = strip_remote_colon(remote_name);
  if (name.empty()) {
    return config_error(std::string(kOperation), "", "no rclone remote name given; use REMOTE:bucket/path");
  }
  const RcloneRemote r = find_remote(config, name, env);
  if (Status found = check_remote_type(r); !found) return std::move(found).error();

  S3Remote remote;
  remote.origin = r.section ? "rclone config " + config->path + " [" + name + "]"
                            : "rclone environment " + r.env_prefix + "*";
  remote.provider = std::string(trim(r.option("provider").value_or("")));
  if (Status credentials = read_credentials(r, aws, remote); !credentials) return std::move(credentials).error();

  // Region before endpoint: rclone derives the AWS endpoint from it.
  auto region = resolve_region(overrides.region ? overrides.region : r.option("region"), name);
  if (!region) return std::move(region).error();
  remote.region = region.value();
  auto endpoint = read_endpoint(r, overrides, remote);
  if (!endpoint) return std::move(endpoint).error();
  remote.endpoint = endpoint.value();
  auto addressing = read_addressing(r, overrides, remote.provider);
  if (!addressing) return std::move(addressing).error();
  remote.addressing = addressing.value();
  remote.ca_bundle = read_ca_bundle(env, overrides);
  return remote;
}

std::string default_rclone_config_path(const Environment& env) {
  if (auto path = getenv_in(env, "RCLONE_CONFIG")) return *path;
  if (auto xdg = getenv_nonempty(env, "XDG_CONFIG_HOME")) return *xdg + "/rclone/rclone.conf";
  return getenv_nonempty(env, "HOME").value_or("~") + "/.config/rclone/rclone.conf";
}

// ---------------------------------------------------------------- shell

namespace {

bool means_no_config_file(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return path.empty() || path == "/dev/null" || base == "notfound";
}

// The config file, or nullopt when there is none and the remote may still be
// defined by the environment.
Result<std::optional<IniFile>> read_rclone_config(const std::string& config_path, std::string_view remote_name,
                                                  const Environment& env) {
  if (means_no_config_file(config_path)) return std::optional<IniFile>{};
  int error_number = 0;
  if (auto file = read_text_file(config_path, error_number)) {
    auto parsed = parse_ini(*file);
    if (!parsed) return std::move(parsed).error();
    return std::optional<IniFile>{std::move(parsed).value()};
  }
  if (error_number != ENOENT) {
    Error e = config_error("read rclone config", config_path,
                           "cannot read rclone config " + config_path + ": " + std::strerror(error_number));
    e.sys_errno = error_number;
    return e;
  }
  if (!rclone_option(nullptr, remote_name, "type", env)) {
    const std::string name = strip_remote_colon(remote_name);
    return config_error("read rclone config", config_path,
                        "rclone config " + config_path + " does not exist and " + rclone_env_name(name, "type") +
                            " is not set; create the remote with `rclone config`, pass --config FILE, "
                            "or set RCLONE_CONFIG");
  }
  return std::optional<IniFile>{};
}

}  // namespace

Result<S3Remote> load_rclone_remote(const std::string& config_path, std::string_view remote_name,
                                    const Environment& env, const RemoteOverrides& overrides) {
  auto ini = read_rclone_config(config_path, remote_name, env);
  if (!ini) return std::move(ini).error();
  const IniFile* config = pointer_to(ini.value());
  AwsFilePaths paths = default_aws_files(env);
  if (auto f = rclone_option(config, remote_name, "shared_credentials_file", env); f && !trim(*f).empty())
    paths.credentials = std::string(trim(*f));
  return remote_from_rclone(config, remote_name, env, read_aws_shared_files(paths), overrides);
}

}  // namespace caios
