#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "caios2dfs/copy/files_from.hpp"

using namespace caios;
using Paths = std::vector<std::string>;

namespace {

Paths parse_whole(std::string_view text) {
  FilesFromParser parser;
  Paths out;
  parser.feed(text, out);
  parser.finish(out);
  return out;
}

Paths parse_in_chunks(std::string_view text, std::size_t chunk_bytes) {
  FilesFromParser parser;
  Paths out;
  for (std::size_t pos = 0; pos < text.size(); pos += chunk_bytes) parser.feed(text.substr(pos, chunk_bytes), out);
  parser.finish(out);
  return out;
}

}  // namespace

TEST_CASE("one path per line, comments and blank lines skipped", "[files_from]") {
  const std::string text =
      "# made by hand\n"
      "a/b.bin\n"
      "\n"
      "   \n"
      "; another comment\n"
      "  spaced/name.txt \t\n"
      "c d/e f.bin\n"
      "x#not-a-comment\n";
  CHECK(parse_whole(text) == Paths{"a/b.bin", "spaced/name.txt", "c d/e f.bin", "x#not-a-comment"});
}

TEST_CASE("indented comment markers still start a comment (trimmed first, as rclone)", "[files_from]") {
  CHECK(parse_whole("  # note\n\t;note\nkept\n") == Paths{"kept"});
}

TEST_CASE("directories from rclone lsf -R are skipped", "[files_from]") {
  const std::string lsf_output =
      "dir/\n"
      "dir/a.bin\n"
      "dir/sub/\n"
      "dir/sub/b.bin\n"
      "top.txt\n";
  CHECK(parse_whole(lsf_output) == Paths{"dir/a.bin", "dir/sub/b.bin", "top.txt"});
  CHECK(parse_whole("/\n//\n").empty());
}

TEST_CASE("leading '/' is dropped: paths are relative to the source root", "[files_from]") {
  CHECK(parse_whole("/a/b\n//c\n") == Paths{"a/b", "c"});
}

TEST_CASE("CRLF and a last line without newline", "[files_from]") {
  CHECK(parse_whole("a\r\nb\r\nc") == Paths{"a", "b", "c"});
  CHECK(parse_whole("only") == Paths{"only"});
  CHECK(parse_whole("") == Paths{});
  CHECK(parse_whole("\n\n") == Paths{});
  CHECK(parse_whole("a\n") == Paths{"a"});
}

TEST_CASE("Unicode white space is trimmed like Go's strings.TrimSpace", "[files_from]") {
  CHECK(parse_whole("\xc2\xa0" "a\xe2\x80\x83\n") == Paths{"a"});         // NBSP, EM SPACE
  CHECK(parse_whole("\xe3\x80\x80" "b\xc2\x85\n") == Paths{"b"});         // IDEOGRAPHIC SPACE, NEL
  CHECK(parse_whole("c\xe2\x80\x8b\n") == Paths{"c\xe2\x80\x8b"});        // ZERO WIDTH SPACE is not white space
  CHECK(parse_whole("in\xc2\xa0side\n") == Paths{"in\xc2\xa0side"});      // only the ends are trimmed
}

TEST_CASE("any chunking gives the same paths", "[files_from]") {
  const std::string text = "# list\r\nalpha/one.bin\r\n  beta/two.bin\n\ndir/\ngamma/three\xc2\xa0\n/delta\nlast";
  const Paths expected = {"alpha/one.bin", "beta/two.bin", "gamma/three", "delta", "last"};
  for (std::size_t chunk = 1; chunk <= text.size(); ++chunk) {
    INFO("chunk " << chunk);
    CHECK(parse_in_chunks(text, chunk) == expected);
  }
}

TEST_CASE("feed appends only complete lines; finish flushes and resets", "[files_from]") {
  FilesFromParser parser;
  Paths out;
  parser.feed("first\nsec", out);
  CHECK(out == Paths{"first"});
  parser.feed("ond", out);
  CHECK(out == Paths{"first"});
  parser.feed("\nthi", out);
  CHECK(out == Paths{"first", "second"});
  parser.finish(out);
  CHECK(out == Paths{"first", "second", "thi"});
  parser.finish(out);  // nothing left
  parser.feed("again\n", out);
  CHECK(out.back() == "again");
  CHECK(out.size() == 4);
}

TEST_CASE("many lines stream through without surprises", "[files_from]") {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "dir" + std::to_string(i % 97) + "/file" + std::to_string(i) + ".bin\n";
  const Paths paths = parse_in_chunks(text, 4096);
  REQUIRE(paths.size() == 100000);
  CHECK(paths.front() == "dir0/file0.bin");
  CHECK(paths.back() == "dir89/file99999.bin");
}

TEST_CASE("lines for the failed list round-trip or are refused", "[files_from]") {
  CHECK(format_files_from_line("a/b c.bin") == std::optional<std::string>("a/b c.bin\n"));
  CHECK(format_files_from_line("x#y;z") == std::optional<std::string>("x#y;z\n"));
  for (const char* path : {"", "a\nb", " lead", "trail ", "tab\t", "cr\r", "#hash", ";semi", "/abs", "dir/",
                           "nbsp\xc2\xa0"}) {
    INFO(path);
    CHECK_FALSE(format_files_from_line(path).has_value());
  }
}

TEST_CASE("every path that format accepts reads back as itself (random paths)", "[files_from]") {
  const std::vector<std::string> pieces = {"a", "/", " ", "#", ";", "\r", "\n", "\t", "\xc2\xa0", "é", "b.bin"};
  std::mt19937 random(3);  // fixed seed: failures must reproduce
  std::uniform_int_distribution<std::size_t> piece(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 6);
  Paths written;
  std::string file;
  for (int round = 0; round < 3000; ++round) {
    std::string path;
    for (int i = length(random); i > 0; --i) path += pieces[piece(random)];
    if (auto line = format_files_from_line(path)) {
      written.push_back(path);
      file += *line;
    }
  }
  CHECK(written.size() > 300);
  CHECK(parse_in_chunks(file, 7) == written);
}
