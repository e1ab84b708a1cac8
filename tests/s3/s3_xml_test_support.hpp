// Shared by the XML parser tests (list_objects_test.cpp,
// list_objects_fixtures_test.cpp, s3_error_test.cpp): the recorded bodies in
// tests/data/s3-xml, synthetic listing bodies, and parse-or-fail helpers.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "caios2dfs/s3/list_objects.hpp"
#include "caios2dfs/s3/s3_error.hpp"

#ifndef CAIOS_TESTDATA_DIR
#error "CAIOS_TESTDATA_DIR must be the absolute path of tests/data"
#endif

namespace caios::testing {

inline constexpr std::int64_t kNs = 1'000'000'000;

inline std::filesystem::path xml_dir() { return std::filesystem::path(CAIOS_TESTDATA_DIR) / "s3-xml"; }

inline std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline ListPage parse_ok(std::string_view body) {
  Result<ListPage> page = parse_list_objects_v2(body);
  INFO((page.ok() ? std::string() : page.error().to_string()));
  REQUIRE(page.ok());
  return std::move(page).value();
}

inline Error parse_fails(std::string_view body) {
  Result<ListPage> page = parse_list_objects_v2(body);
  REQUIRE_FALSE(page.ok());
  return page.error();
}

inline S3ErrorBody error_body_ok(std::string_view body) {
  std::optional<S3ErrorBody> fields = parse_s3_error(body);
  REQUIRE(fields.has_value());
  return *fields;
}

// A ListBucketResult around `inner`, in S3's namespace, on one line as S3 sends it.
inline std::string list_body(const std::string& inner) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
         "<Name>b</Name>" + inner + "</ListBucketResult>";
}

inline std::string contents(const std::string& key, const std::string& size = "1") {
  return "<Contents><Key>" + key + "</Key><Size>" + size + "</Size></Contents>";
}

}  // namespace caios::testing
