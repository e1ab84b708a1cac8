// Shared by the config reader tests (ini_file_test.cpp,
// remote_config_test.cpp): distinctive secret values, and checks that a
// Result or an Error leaks none of them.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/ini_file.hpp"

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

}  // namespace caios::testing
