// Where the S3 endpoint and credentials come from. See remote_config.hpp for
// the contract. Everything above the "shells" line is pure.
#include "caios2dfs/remote_config.hpp"

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

namespace caios {
namespace {

constexpr std::string_view kDefaultRegion = "us-east-1";
constexpr std::string_view kCoreWeaveHint = " (CoreWeave AI Object Storage: https://cwobject.com)";

// rclone providers whose provider file has no `force_path_style` quirk: for
// them rclone's setQuirks forces virtual-hosted style whatever the config says
// (backend/s3/provider/*.yaml, backend/s3/s3.go setQuirks). Exact names, as
// rclone matches them.
constexpr std::array<std::string_view, 27> kVirtualHostedProviders = {
    "AWS",      "Alibaba",   "Cubbit",     "DigitalOcean", "Dreamhost", "GCS",       "Hetzner",
    "HuaweiOBS", "ImpossibleCloud", "Intercolo", "Leviia", "Linode",    "LyveCloud", "Netease",
    "OVHcloud", "Petabox",   "Rabata",     "RackCorp",     "Scaleway",  "Selectel",  "Servercore",
    "Storj",    "Synology",  "TencentCOS", "Wasabi",       "Zata",      "us3"};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return lower(a) == lower(b); }

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

Error config_error(std::string operation, std::string subject, std::string message) {
  Error e;
  e.kind = ErrorKind::config;
  e.operation = std::move(operation);
  e.subject = std::move(subject);
  e.message = std::move(message);
  return e;
}

std::optional<std::string> getenv_in(const Environment& env, const std::string& name) {
  if (!env.get) return std::nullopt;
  return env.get(name);
}

// Unset and empty are the same for every AWS_* variable we read: the SDKs
// treat an empty value as not configured.
std::optional<std::string> getenv_nonempty(const Environment& env, const std::string& name) {
  auto v = getenv_in(env, name);
  if (v && trim(*v).empty()) return std::nullopt;
  return v;
}

bool has_whitespace_or_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
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

// ---------------------------------------------------------------- values

// Go's strconv.ParseBool, which is what rclone uses for its options.
std::optional<bool> parse_go_bool(std::string_view s) {
  for (std::string_view t : {"1", "t", "T", "TRUE", "true", "True"})
    if (s == t) return true;
  for (std::string_view f : {"0", "f", "F", "FALSE", "false", "False"})
    if (s == f) return false;
  return std::nullopt;
}

// `source` says where the value came from (a key or variable name), for the
// message. The value is echoed only after we know it holds no user:password@.
Result<std::string> normalize_endpoint(std::string_view raw, const std::string& source) {
  const std::string op = "endpoint";
  std::string s(trim(raw));
  if (s.empty()) return config_error(op, source, "endpoint from " + source + " is empty");
  // rclone: an endpoint without a scheme is https.
  auto sep = s.find("://");
  if (sep == std::string::npos) {
    s = "https://" + s;
    sep = 5;
  }
  const std::string scheme = lower(s.substr(0, sep));
  std::string rest = s.substr(sep + 3);
  if (rest.find('@') != std::string::npos)
    return config_error(op, source,
                        "endpoint from " + source +
                            " contains user:password@; remove it and put the keys in "
                            "access_key_id / secret_access_key (or AWS_ACCESS_KEY_ID / "
                            "AWS_SECRET_ACCESS_KEY) instead");
  if (scheme != "http" && scheme != "https")
    return config_error(op, source,
                        "endpoint '" + s + "' from " + source +
                            " must be an http:// or https:// URL, e.g. https://cwobject.com");
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find_first_of("/?#") != std::string::npos)
    return config_error(op, source,
                        "endpoint '" + s + "' from " + source +
                            " must be scheme://host[:port] without a path; give the bucket in "
                            "the source path instead");
  if (rest.empty() || has_whitespace_or_control(rest))
    return config_error(op, source,
                        "endpoint '" + s + "' from " + source + " has no valid host name");
  // Split host and port; an IPv6 literal is bracketed.
  std::string_view host = rest;
  std::string_view port;
  if (rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos || close == 1)
      return config_error(op, source, "endpoint '" + s + "' has an unterminated IPv6 address");
    host = std::string_view(rest).substr(0, close + 1);
    std::string_view after = std::string_view(rest).substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return config_error(op, source, "endpoint '" + s + "' has text after the IPv6 address");
      port = after.substr(1);
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
    host = std::string_view(rest).substr(0, colon);
    port = std::string_view(rest).substr(colon + 1);
    if (host.find(':') != std::string::npos)
      return config_error(op, source,
                          "endpoint '" + s + "': put an IPv6 address in brackets, e.g. http://[::1]:7480");
  }
  if (host.empty())
    return config_error(op, source, "endpoint '" + s + "' from " + source + " has no host name");
  const bool port_ok = port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) {
                         return c >= '0' && c <= '9';
                       }) && (port.empty() || (std::stoul(std::string(port)) >= 1 && std::stoul(std::string(port)) <= 65535));
  if (rest.back() == ':' || !port_ok)
    return config_error(op, source,
                        "endpoint '" + s + "' from " + source + " has an invalid port; use 1-65535");
  return scheme + "://" + rest;
}

// ---------------------------------------------------------------- AWS credentials

struct ResolvedCredentials {
  Credentials credentials;
  std::string origin;
  std::vector<std::string> warnings;
};

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

// A shared file as an IniFile; nullopt when the file is absent.
Result<std::optional<IniFile>> parse_optional(const std::optional<TextFile>& file) {
  if (!file) return std::optional<IniFile>{};
  auto parsed = parse_ini(*file);
  if (!parsed) return std::move(parsed).error();
  return std::optional<IniFile>{std::move(parsed).value()};
}

const IniFile* pointer_to(const std::optional<IniFile>& file) { return file ? &*file : nullptr; }

std::string permission_warning(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + " holds secrets and is readable by other users; run chmod 600 " + path;
}

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

Status check_credentials(const Credentials& c, const std::string& subject, const std::string& where) {
  const std::string op = "credentials";
  if (c.access_key_id.empty())
    return config_error(op, subject, "the access key id from " + where + " is empty; set it");
  if (c.secret_access_key.empty())
    return config_error(op, subject, "the secret access key from " + where + " is empty; set it");
  if (has_whitespace_or_control(c.access_key_id))
    return config_error(op, subject,
                        "the access key id from " + where + " contains spaces or control characters; "
                        "check for a copy-paste error");
  if (has_whitespace_or_control(c.secret_access_key))
    return config_error(op, subject,
                        "the secret access key from " + where + " contains spaces or control characters; "
                        "check for a copy-paste error");
  if (has_whitespace_or_control(c.session_token))
    return config_error(op, subject,
                        "the session token from " + where + " contains spaces or control characters; "
                        "check for a copy-paste error");
  return ok_status();
}

Result<std::string> resolve_region(std::optional<std::string> region, const std::string& subject) {
  std::string r(trim(region.value_or("")));
  if (r.empty()) return std::string(kDefaultRegion);
  if (r == "other-v2-signature")
    return config_error("region", subject,
                        "region 'other-v2-signature' asks for AWS signature v2, which caios2dfs does not "
                        "speak; set region to the store's region or leave it empty (us-east-1)");
  if (has_whitespace_or_control(r))
    return config_error("region", subject, "region '" + r + "' contains spaces");
  return r;
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

const char* addressing_name(Addressing addressing) noexcept {
  return addressing == Addressing::path ? "path" : "virtual-hosted";
}

const IniSection* IniFile::find(std::string_view name) const {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> IniFile::section_names() const {
  std::vector<std::string> names;
  for (const auto& s : sections) names.push_back(s.name);
  return names;
}

Result<IniFile> parse_ini(std::string_view text, std::string_view path) {
  IniFile file;
  file.path = std::string(path);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM

  IniSection* current = nullptr;
  std::string nest_parent;  // AWS: key with an empty value that opens an indented block
  int line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto end = std::min(text.find('\n', pos), text.size());
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty()) continue;
    // rclone writes "# Encrypted rclone configuration File" then
    // "RCLONE_ENCRYPT_V0:<base64>"; the latter would otherwise parse as a key.
    if (line == "# Encrypted rclone configuration File" || line.substr(0, 16) == "RCLONE_ENCRYPT_V")
      return config_error("rclone config", file.path,
                          "rclone config " + file.path +
                              " is encrypted and caios2dfs cannot decrypt it; write a plain copy with "
                              "`rclone config show > plain.conf && chmod 600 plain.conf` and pass "
                              "--config plain.conf, or define the remote with RCLONE_CONFIG_<REMOTE>_* "
                              "environment variables");
    if (line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      const std::string name(trim(line.substr(1, line.size() - 2)));
      if (name.empty())
        return config_error("parse config", file.path,
                            file.path + ":" + std::to_string(line_number) + ": empty section name []");
      current = nullptr;
      for (auto& s : file.sections)
        if (s.name == name) current = &s;  // goconfig merges repeated sections
      if (!current) current = &file.sections.emplace_back(IniSection{name, {}});
      nest_parent.clear();
      continue;
    }
    const auto sep = line.find_first_of("=:");
    if (sep == std::string_view::npos || sep == 0)
      // Never quote the line: it may be a secret pasted without its key.
      return config_error("parse config", file.path,
                          file.path + ":" + std::to_string(line_number) +
                              ": expected 'key = value', '[section]' or a comment");
    IniEntry entry;
    entry.key = std::string(trim(line.substr(0, sep)));
    std::string_view value = trim(line.substr(sep + 1));
    // goconfig's quoting: `value` and """value""" keep inner whitespace.
    std::string_view quote = value.size() >= 2 && value.front() == '`' ? "`"
                             : value.size() >= 6 && value.substr(0, 3) == "\"\"\"" ? "\"\"\""
                                                                                    : "";
    if (!quote.empty()) {
      const auto close = value.substr(quote.size()).rfind(quote);
      if (close == std::string_view::npos)
        return config_error("parse config", file.path,
                            file.path + ":" + std::to_string(line_number) + ": unterminated " +
                                std::string(quote) + " quote in the value of '" + entry.key + "'");
      value = value.substr(quote.size(), close);
    }
    entry.value = std::string(value);
    entry.line = line_number;
    const bool indented = !raw.empty() && is_space(raw.front());
    if (indented && !nest_parent.empty()) {
      entry.subsection = nest_parent;
    } else {
      nest_parent = entry.value.empty() ? entry.key : std::string();
    }
    if (!current) current = &file.sections.emplace_back(IniSection{"DEFAULT", {}});
    current->entries.push_back(std::move(entry));
  }
  return file;
}

Result<IniFile> parse_ini(const TextFile& file) {
  auto parsed = parse_ini(file.text, file.path);
  if (parsed) parsed->readable_by_others = file.readable_by_others;
  return parsed;
}

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

AwsFilePaths default_aws_files(const Environment& env) {
  const std::string home = getenv_nonempty(env, "HOME").value_or("~");
  AwsFilePaths paths;
  paths.credentials = getenv_nonempty(env, "AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  paths.config = getenv_nonempty(env, "AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  return paths;
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
