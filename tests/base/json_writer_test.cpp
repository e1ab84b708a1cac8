#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>

#include "caios2dfs/base/json_writer.hpp"

using namespace caios;

namespace {

struct PythonResult {
  int exit_status = -1;
  std::string output;
};

// Parses `document` with Python's json module (strict: no NaN, no raw
// control characters, UTF-8 only) and returns it re-serialized with sorted
// keys and ASCII escapes, so tests compare values, not layout.
PythonResult python_canonical(const std::string& document) {
  char path[] = "/tmp/json_writer_test_XXXXXX";
  const int fd = ::mkstemp(path);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, document.data(), document.size()) == static_cast<ssize_t>(document.size()));
  ::close(fd);
  const std::string command =
      "python3 -c 'import json,sys\n"
      "def refuse(name): raise ValueError(name)\n"
      "d = json.loads(open(sys.argv[1], encoding=\"utf-8\").read(), parse_constant=refuse)\n"
      "print(json.dumps(d, sort_keys=True))' " +
      std::string(path) + " 2>&1";
  PythonResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, count);
  result.exit_status = ::pclose(pipe);
  ::unlink(path);
  if (!result.output.empty() && result.output.back() == '\n') result.output.pop_back();
  return result;
}

// python3 is a build dependency (scripts/install-deps): without it these
// checks would prove nothing, so they fail rather than pass with a warning.
void require_python() {
  INFO("python3 is needed for the JSON parse checks; install it with scripts/install-deps");
  REQUIRE(std::system("command -v python3 >/dev/null 2>&1") == 0);
}

std::string string_value(std::string_view text) {
  JsonWriter w;
  w.value(text);
  return w.str();
}

}  // namespace

TEST_CASE("scalars at the top level", "[json]") {
  auto one = [](auto v) {
    JsonWriter w;
    w.value(v);
    CHECK(w.complete());
    return w.str();
  };
  CHECK(one(std::uint64_t{42}) == "42");
  CHECK(one(std::numeric_limits<std::uint64_t>::max()) == "18446744073709551615");
  CHECK(one(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
  CHECK(one(-5) == "-5");
  CHECK(one(std::size_t{7}) == "7");
  CHECK(one(true) == "true");
  CHECK(one(false) == "false");
  CHECK(one("text") == "\"text\"");  // a literal is a string, not a bool
  CHECK(one(std::string("s")) == "\"s\"");
  JsonWriter w;
  CHECK_FALSE(w.complete());
  w.null();
  CHECK(w.str() == "null");
  CHECK(w.complete());
}

TEST_CASE("doubles: shortest round-trip text, non-finite as null", "[json]") {
  auto number = [](double v) {
    JsonWriter w;
    w.value(v);
    return w.str();
  };
  CHECK(number(0.1) == "0.1");
  CHECK(number(1.5) == "1.5");
  CHECK(number(2.0) == "2");
  CHECK(number(-0.0) == "-0");
  CHECK(number(1e300) == "1e+300");
  CHECK(number(5e-324) == "5e-324");
  CHECK(std::strtod(number(1.0 / 3.0).c_str(), nullptr) == 1.0 / 3.0);
  CHECK(number(std::numeric_limits<double>::quiet_NaN()) == "null");
  CHECK(number(std::numeric_limits<double>::infinity()) == "null");
  CHECK(number(-std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("pretty printing with 2-space indent and commas", "[json]") {
  JsonWriter w;
  w.begin_object();
  w.key("files");
  w.value(std::uint64_t{2});
  w.key("errors");
  w.begin_array();
  w.end_array();
  w.key("empty");
  w.begin_object();
  w.end_object();
  w.key("ranks");
  w.begin_array();
  w.value(1);
  w.begin_object();
  w.key("ok");
  w.value(true);
  w.end_object();
  w.end_array();
  w.key("rate");
  w.value(1.5);
  w.end_object();
  CHECK(w.complete());
  CHECK(w.str() ==
        "{\n"
        "  \"files\": 2,\n"
        "  \"errors\": [],\n"
        "  \"empty\": {},\n"
        "  \"ranks\": [\n"
        "    1,\n"
        "    {\n"
        "      \"ok\": true\n"
        "    }\n"
        "  ],\n"
        "  \"rate\": 1.5\n"
        "}");
}

TEST_CASE("strings are escaped per RFC 8259", "[json]") {
  CHECK(string_value("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(string_value("l1\nl2\tx\r\b\f") == "\"l1\\nl2\\tx\\r\\b\\f\"");
  CHECK(string_value(std::string("\0\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
  CHECK(string_value("/") == "\"/\"");
}

TEST_CASE("valid UTF-8 passes through, invalid bytes become U+FFFD", "[json]") {
  CHECK(string_value("é😊€") == "\"é😊€\"");
  CHECK(string_value("\xf4\x8f\xbf\xbf") == "\"\xf4\x8f\xbf\xbf\"");   // U+10FFFF
  CHECK(string_value("a\xff" "b") == "\"a\\ufffdb\"");
  CHECK(string_value("\xe2\x82") == "\"\\ufffd\\ufffd\"");             // truncated
  CHECK(string_value("\xc0\xaf") == "\"\\ufffd\\ufffd\"");             // overlong '/'
  CHECK(string_value("\xe0\x80\xaf") == "\"\\ufffd\\ufffd\\ufffd\"");  // overlong
  CHECK(string_value("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");  // surrogate
  CHECK(string_value("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // above U+10FFFF
  CHECK(string_value("\x80x") == "\"\\ufffdx\"");                      // stray continuation
}

TEST_CASE("a complex report parses with Python's json module", "[json]") {
  require_python();
  JsonWriter w;
  w.begin_object();
  w.key("tool");
  w.value("caios2dfs-mpi");
  w.key("bytes");
  w.value(std::numeric_limits<std::uint64_t>::max());
  w.key("seconds");
  w.value(12.25);
  w.key("nan");
  w.value(std::numeric_limits<double>::quiet_NaN());
  w.key("weird \"key\"\n\xff");
  w.begin_array();
  w.value(std::string("ctl\x01\x1f\0end", 9));
  w.value("é😊");
  w.value("bad\xc0\xaf\xed\xa0\x80");
  w.value(-1e-300);
  w.null();
  w.value(false);
  w.begin_array();
  w.begin_array();
  w.end_array();
  w.end_array();
  w.end_array();
  w.key("errors_by_kind");
  w.begin_object();
  w.key("throttled");
  w.value(3);
  w.key("io");
  w.value(0);
  w.end_object();
  w.end_object();
  REQUIRE(w.complete());

  const PythonResult parsed = python_canonical(w.str());
  INFO(w.str());
  INFO(parsed.output);
  REQUIRE(parsed.exit_status == 0);
  CHECK(parsed.output ==
        "{\"bytes\": 18446744073709551615, \"errors_by_kind\": {\"io\": 0, \"throttled\": 3}, \"nan\": null, "
        "\"seconds\": 12.25, \"tool\": \"caios2dfs-mpi\", "
        "\"weird \\\"key\\\"\\n\\ufffd\": [\"ctl\\u0001\\u001f\\u0000end\", \"\\u00e9\\ud83d\\ude0a\", "
        "\"bad\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\", -1e-300, null, false, [[]]]}");
}

TEST_CASE("every byte value in a string still gives parseable JSON", "[json]") {
  require_python();
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  JsonWriter w;
  w.begin_array();
  w.value(all_bytes);
  w.value(std::string_view(all_bytes).substr(128));
  w.end_array();
  const PythonResult parsed = python_canonical(w.str());
  INFO(parsed.output);
  CHECK(parsed.exit_status == 0);

  // The sanity of the check itself: Python does refuse what we never write.
  CHECK(python_canonical("[NaN]").exit_status != 0);
  CHECK(python_canonical("[\"a\nb\"]").exit_status != 0);
  CHECK(python_canonical("[\"\xff\"]").exit_status != 0);
  CHECK(python_canonical("{\"a\": 1,}").exit_status != 0);
}
