// ini_file: INI text to sections and entries, as rclone and the AWS SDKs
// read it. Pure: text in, values out.
#include "caios2dfs/config/ini_file.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "config_test_support.hpp"

using namespace caios;
using namespace caios::testing;

// ---------------------------------------------------------------- parse_ini

TEST_CASE("parse_ini reads sections, comments, whitespace and both separators", "[remote_config][ini]") {
  const auto file = ini("\xEF\xBB\xBF# leading comment\r\n"
                        "; another\n"
                        "\n"
                        "[ first ]\r\n"
                        "  key = value with spaces  \n"
                        "colon: v2\n"
                        "equals_in_value = a=b==\n"
                        "url = http://h:9000\n"
                        "Mixed_Case = kept\n"
                        "empty =\n"
                        "dup = 1\n"
                        "dup = 2\n"
                        "not_inline = x # not a comment\n"
                        "[second]\n"
                        "a = 1\n"
                        "[first]\n"
                        "merged = yes\n");
  REQUIRE(file.section_names() == std::vector<std::string>{"first", "second"});
  const IniSection* first = file.find("first");
  REQUIRE(first);
  std::map<std::string, std::string> kv;
  for (const auto& e : first->entries) kv[e.key] = e.value;
  CHECK(kv["key"] == "value with spaces");
  CHECK(kv["colon"] == "v2");
  CHECK(kv["equals_in_value"] == "a=b==");
  CHECK(kv["url"] == "http://h:9000");
  CHECK(kv["Mixed_Case"] == "kept");
  CHECK(kv.count("mixed_case") == 0);  // keys are case-sensitive, as in rclone
  CHECK(kv["empty"].empty());
  CHECK(kv["dup"] == "2");
  CHECK(kv["not_inline"] == "x # not a comment");
  CHECK(kv["merged"] == "yes");
  CHECK(first->entries.front().line == 5);
  CHECK(file.find("missing") == nullptr);
  CHECK(file.find("First") == nullptr);
}

TEST_CASE("parse_ini strips goconfig quoting and keeps keys before a section", "[remote_config][ini]") {
  const auto file = ini("orphan = 1\n[s]\nbt = ` padded `\ntq = \"\"\"x \"y\" z\"\"\"\ndq = \"kept\"\n");
  REQUIRE(file.find("DEFAULT"));
  const IniSection* s = file.find("s");
  REQUIRE(s);
  CHECK(s->entries[0].value == " padded ");
  CHECK(s->entries[1].value == "x \"y\" z");
  CHECK(s->entries[2].value == "\"kept\"");
}

TEST_CASE("parse_ini records AWS nested blocks", "[remote_config][ini]") {
  const auto file = ini("[profile x]\n"
                        "region = eu-1\n"
                        "s3 =\n"
                        "  addressing_style = virtual\n"
                        "\tendpoint_url = http://inner\n"
                        "endpoint_url = http://outer\n");
  const IniSection* s = file.find("profile x");
  REQUIRE(s);
  REQUIRE(s->entries.size() == 5);
  CHECK(s->entries[0].subsection.empty());
  CHECK(s->entries[2].key == "addressing_style");
  CHECK(s->entries[2].subsection == "s3");
  CHECK(s->entries[3].subsection == "s3");
  CHECK(s->entries[4].subsection.empty());
}

TEST_CASE("parse_ini rejects bad lines without quoting them", "[remote_config][ini]") {
  // A secret pasted on a line of its own.
  auto bad = parse_ini("[caios]\ntype = s3\n" + kBareSecret + "\n", "/x/rclone.conf");
  const std::string message = failure(bad);
  CHECK(contains(message, "/x/rclone.conf:3"));
  CHECK(contains(message, "key = value"));

  CHECK(contains(failure(parse_ini("[]\n", "/x")), "empty section name"));
  CHECK(contains(failure(parse_ini("[s]\n= value\n", "/x")), "/x:2"));
  CHECK(contains(failure(parse_ini("[s]\nk = `unterminated " + kSecret + "\n", "/x")), "unterminated"));
}

TEST_CASE("parse_ini explains encrypted rclone configs", "[remote_config][ini]") {
  const std::string encrypted = "# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\nXIkAr3p+y+zai82cHFH8UoW1l1ZX\n";
  const std::string message = failure(parse_ini(encrypted, "/root/.config/rclone/rclone.conf"));
  CHECK(contains(message, "encrypted"));
  CHECK(contains(message, "rclone config show"));
  CHECK(contains(message, "/root/.config/rclone/rclone.conf"));
  // The marker alone (header comment removed) is enough.
  CHECK(contains(failure(parse_ini("RCLONE_ENCRYPT_V1:abc\n", "/x")), "encrypted"));
}

TEST_CASE("parse_ini(TextFile) keeps the permission flag", "[remote_config][ini]") {
  CHECK(ini("[a]\n", "/p", true).readable_by_others);
  CHECK_FALSE(ini("[a]\n", "/p", false).readable_by_others);
}
