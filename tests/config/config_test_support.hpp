// Shared by the config reader tests (ini_file_test.cpp, remote_config_test.cpp,
// aws_config_test.cpp, s3_remote_test.cpp, config_shell_test.cpp):
// distinctive secret values, checks that a Result, an Error or a remote leaks
// none of them, a fake environment and an rclone remote to start from.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/environment.hpp"
#include "caios2dfs/config/ini_file.hpp"
#include "caios2dfs/config/s3_remote.hpp"

namespace caios::testing {

// Distinctive values so a leak is easy to find in any string.
inline const std::string kKeyId = "CWKEYIDABCDEFGHIJ123";
inline const std::string kSecret = "s3cr3t/SECRETvalue+XYZ=abc";
inline const std::string kToken = "T0KEN//sessionTOKENvalue==";
inline const std::string kEnvKeyId = "ENVKEYID0000000000001";
inline const std::string kEnvSecret = "envSECRETvalue/987654321";
inline const std::string kEnvToken = "envTOKENvalue/123456789";
inline const std::string kProfileSecret = "profileSECRETvalue/55555";
inline const std::string kBareSecret = "wJalrXUtnFEMIK7MDENGbPxRfiCYnoSEPARATOR";  // no '=' or ':'
inline const std::vector<std::string> kSecrets = {kSecret, kToken, kEnvSecret, kEnvToken, kProfileSecret, kBareSecret};

inline void require_no_secret(const std::string& text) {
  for (const auto& secret : kSecrets) {
    INFO("text: " << text);
    REQUIRE(text.find(secret) == std::string::npos);
  }
}

inline void require_clean(const Error& e) {
  CHECK(e.kind == ErrorKind::config);
  require_no_secret(e.operation);
  require_no_secret(e.subject);
  require_no_secret(e.message);
}

inline IniFile ini(const std::string& text, const std::string& path = "/root/.config/rclone/rclone.conf",
                   bool readable_by_others = false) {
  auto parsed = parse_ini(TextFile{path, text, readable_by_others});
  INFO((parsed.ok() ? std::string() : parsed.error().message));
  REQUIRE(parsed.ok());
  return parsed.value();
}

// The message of a failed result, after checking it leaks nothing.
template <class T>
std::string failure(const Result<T>& result) {
  REQUIRE_FALSE(result.ok());
  require_clean(result.error());
  return result.error().message;
}

// By value: callers bind it to a reference and the Result is a temporary.
template <class T>
T success(const Result<T>& result) {
  INFO((result.ok() ? std::string() : result.error().message));
  REQUIRE(result.ok());
  return result.value();
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline Environment env_of(std::map<std::string, std::string> vars) {
  return Environment{[vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  }};
}

inline const Environment kNoEnv = env_of({{"HOME", "/root"}});

inline void require_clean(const S3Remote& r) {
  require_no_secret(r.origin);
  require_no_secret(r.endpoint);
  require_no_secret(describe(r));
  for (const auto& w : r.warnings) require_no_secret(w);
}

// An rclone remote with static keys and a scheme-less endpoint.
inline const std::string kCaios = "[caios]\n"
                                  "type = s3\n"
                                  "provider = Other\n"
                                  "access_key_id = " + kKeyId + "\n"
                                  "secret_access_key = " + kSecret + "\n"
                                  "endpoint = cwobject.com\n";

}  // namespace caios::testing
