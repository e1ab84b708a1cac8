// Helpers shared by the config readers. See config_util.hpp.
#include "config_util.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "caios2dfs/base/text.hpp"

namespace caios::config_detail {
namespace {

constexpr std::string_view kDefaultRegion = "us-east-1";

// Empty (no port given) or a decimal number 1-65535.
bool valid_port(std::string_view port) {
  if (port.empty()) return true;
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const unsigned long number = std::stoul(std::string(port));
  return number >= 1 && number <= 65535;
}

}  // namespace

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
  const std::string scheme = ascii_lower(std::string_view(s).substr(0, sep));
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
  if (rest.back() == ':' || !valid_port(port))
    return config_error(op, source,
                        "endpoint '" + s + "' from " + source + " has an invalid port; use 1-65535");
  return scheme + "://" + rest;
}

std::string permission_warning(std::string_view what, const std::string& path) {
  return std::string(what) + " " + path + " holds secrets and is readable by other users; run chmod 600 " + path;
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

}  // namespace caios::config_detail
