// Tests for text.hpp: the ASCII helpers every layer shares.
#include "caios2dfs/base/text.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace caios {

TEST_CASE("is_space is C's isspace in the C locale", "[text]") {
  for (char c : std::string(" \t\n\v\f\r")) CHECK(is_space(c));
  for (char c : std::string("a0_\x1c\x7f\xa0\x85")) CHECK_FALSE(is_space(c));
  CHECK_FALSE(is_space('\0'));
}

TEST_CASE("trim removes ASCII white space at both ends only", "[text]") {
  CHECK(trim("") == "");
  CHECK(trim(" \t\r\n\v\f") == "");
  CHECK(trim("  a b  ") == "a b");
  CHECK(trim("\va\f") == "a");
  CHECK(trim("a\n") == "a");
  CHECK(trim("\xa0" "a" "\xa0") == "\xa0" "a" "\xa0");  // not ASCII: kept
}

TEST_CASE("ascii_lower and equals_ignore_case touch A-Z only", "[text]") {
  CHECK(ascii_lower('A') == 'a');
  CHECK(ascii_lower('z') == 'z');
  CHECK(ascii_lower('@') == '@');
  CHECK(ascii_lower('[') == '[');
  CHECK(ascii_lower("Content-Length: 5") == "content-length: 5");
  CHECK(ascii_lower("\xC3\x84") == "\xC3\x84");  // UTF-8 bytes unchanged
  CHECK(equals_ignore_case("ETag", "etag"));
  CHECK(equals_ignore_case("", ""));
  CHECK_FALSE(equals_ignore_case("etag", "etags"));
  CHECK_FALSE(equals_ignore_case("@", "`"));  // 0x40 and 0x60 differ by the case bit only
}

TEST_CASE("join", "[text]") {
  CHECK(join({}, ", ") == "");
  CHECK(join({"a"}, ", ") == "a");
  CHECK(join({"a", "b", "c"}, ", ") == "a, b, c");
  CHECK(join({"", ""}, "/") == "/");
}

TEST_CASE("parse_go_bool takes Go's ParseBool spellings only", "[text]") {
  for (const char* yes : {"1", "t", "T", "true", "TRUE", "True"}) CHECK(parse_go_bool(yes) == true);
  for (const char* no : {"0", "f", "F", "false", "FALSE", "False"}) CHECK(parse_go_bool(no) == false);
  for (const char* bad : {"", "yes", "no", "on", "tRUE", "2", " true", "true ", "1 "}) {
    INFO("value '" << bad << "'");
    CHECK_FALSE(parse_go_bool(bad).has_value());
  }
}

}  // namespace caios
