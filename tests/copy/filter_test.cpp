#include <catch2/catch.hpp>

#include <algorithm>

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "caios2dfs/copy/filter.hpp"

using namespace caios;

namespace {

bool glob_matches(std::string_view pattern, std::string_view path) {
  auto glob = Glob::compile(pattern);
  REQUIRE(glob.ok());
  return glob->matches(path);
}

PathFilter filter_of(std::vector<FilterRule> rules) {
  auto filter = PathFilter::compile(std::move(rules));
  REQUIRE(filter.ok());
  return std::move(filter).value();
}

// rclone's own translation of a glob to a regexp (fs/filter/glob.go), with
// our one deliberate difference: classes never match '/'. Only for the
// alphabet of the random test below.
std::string reference_regex(std::string glob) {
  std::string re;
  if (!glob.empty() && glob.back() == '/') glob += "**";
  std::size_t i = 0;
  if (!glob.empty() && glob[0] == '/') {
    re = "^";
    i = 1;
  } else {
    re = "(^|/)";
  }
  for (; i < glob.size(); ++i) {
    const char c = glob[i];
    if (c == '*') {
      const bool twice = i + 1 < glob.size() && glob[i + 1] == '*';
      re += twice ? ".*" : "[^/]*";
      i += twice ? 1 : 0;
    } else if (c == '?') {
      re += "[^/]";
    } else if (c == '[') {
      const std::size_t close = glob.find(']', i);
      std::string members = glob.substr(i + 1, close - i - 1);
      re += members[0] == '!' ? "[^/" + members.substr(1) + "]" : "[" + members + "]";
      i = close;
    } else if (c == '{') {
      re += "(?:";
    } else if (c == ',') {
      re += "|";
    } else if (c == '}') {
      re += ")";
    } else {
      re += c;
    }
  }
  return re + "$";
}

}  // namespace

TEST_CASE("an unanchored glob matches whole path elements at the end", "[filter]") {
  CHECK(glob_matches("*.bin", "x.bin"));
  CHECK(glob_matches("*.bin", "a/b/x.bin"));
  CHECK_FALSE(glob_matches("*.bin", "x.bin.txt"));
  CHECK_FALSE(glob_matches("*.bin", "x.bin/y"));
  CHECK(glob_matches("b/x.bin", "a/b/x.bin"));
  CHECK(glob_matches("b/x.bin", "b/x.bin"));
  CHECK_FALSE(glob_matches("b/x.bin", "ab/x.bin"));
  CHECK_FALSE(glob_matches("x.bin", "ax.bin"));
}

TEST_CASE("a leading '/' anchors the glob at the source root", "[filter]") {
  CHECK(glob_matches("/x.bin", "x.bin"));
  CHECK_FALSE(glob_matches("/x.bin", "a/x.bin"));
  CHECK(glob_matches("/dir/**", "dir/a"));
  CHECK(glob_matches("/dir/**", "dir/a/b/c"));
  CHECK_FALSE(glob_matches("/dir/**", "a/dir/b"));
  CHECK_FALSE(glob_matches("/dir/**", "dirt/b"));
}

TEST_CASE("'*' stays within a path element, '**' crosses them", "[filter]") {
  CHECK(glob_matches("/a*", "abc"));
  CHECK(glob_matches("/a*", "a"));
  CHECK_FALSE(glob_matches("/a*", "ab/c"));
  CHECK(glob_matches("/a**", "ab/c"));
  CHECK(glob_matches("/a/*/z", "a/b/z"));
  CHECK_FALSE(glob_matches("/a/*/z", "a/b/c/z"));
  CHECK(glob_matches("/a/**/z", "a/b/c/z"));
  // As in rclone, "a/**/z" is the regexp a/.*/z: it needs both slashes.
  CHECK_FALSE(glob_matches("/a/**/z", "a/z"));
  CHECK(glob_matches("**", "anything/at/all"));
  CHECK(glob_matches("/**.bin", "a/b/c.bin"));
}

TEST_CASE("'?' matches one character, not '/' and not nothing", "[filter]") {
  CHECK(glob_matches("file?.txt", "file1.txt"));
  CHECK(glob_matches("file?.txt", "d/fileX.txt"));
  CHECK(glob_matches("file?.txt", "fileé.txt"));  // one character, two bytes
  CHECK(glob_matches("file?.txt", "file😊.txt"));
  CHECK_FALSE(glob_matches("file?.txt", "file.txt"));
  CHECK_FALSE(glob_matches("file?.txt", "file12.txt"));
  CHECK_FALSE(glob_matches("/a?b", "a/b"));
}

TEST_CASE("character classes", "[filter]") {
  CHECK(glob_matches("h[ae]llo", "hello"));
  CHECK(glob_matches("h[ae]llo", "hallo"));
  CHECK_FALSE(glob_matches("h[ae]llo", "hullo"));
  CHECK(glob_matches("[a-c]x", "bx"));
  CHECK_FALSE(glob_matches("[a-c]x", "dx"));
  CHECK(glob_matches("[!a-c]x", "dx"));
  CHECK_FALSE(glob_matches("[!a-c]x", "bx"));
  CHECK(glob_matches("[^a-c]x", "dx"));
  CHECK_FALSE(glob_matches("[^a-c]x", "ax"));
  CHECK_FALSE(glob_matches("/a[!x]b", "a/b"));  // classes never match '/'
  CHECK(glob_matches("[]]", "]"));               // ']' first is a member
  CHECK(glob_matches("[!]]", "a"));
  CHECK_FALSE(glob_matches("[!]]", "]"));
  CHECK(glob_matches("[\\]a]", "]"));
  CHECK(glob_matches("[a-]", "-"));
  CHECK(glob_matches("[éü]", "ü"));
  CHECK(glob_matches("[0-9][0-9].log", "logs/42.log"));
}

TEST_CASE("brace alternatives, which may hold globs", "[filter]") {
  CHECK(glob_matches("*.{png,jpg}", "a/b.png"));
  CHECK(glob_matches("*.{png,jpg}", "b.jpg"));
  CHECK_FALSE(glob_matches("*.{png,jpg}", "b.gif"));
  CHECK(glob_matches("{one,two}_potato", "one_potato"));
  CHECK(glob_matches("{one,two}_potato", "two_potato"));
  CHECK_FALSE(glob_matches("{one,two}_potato", "three_potato"));
  CHECK_FALSE(glob_matches("{one,two}_potato", "_potato"));
  CHECK(glob_matches("/{a,b*}/x", "bzz/x"));
  CHECK_FALSE(glob_matches("/{a,b*}/x", "c/x"));
  CHECK(glob_matches("/{a/b,c}/x", "a/b/x"));
  CHECK(glob_matches("{,pre}fix", "fix"));
  CHECK(glob_matches("{,pre}fix", "prefix"));
  CHECK(glob_matches("{a,b}{c,d}", "bd"));
  CHECK_FALSE(glob_matches("{a,b}{c,d}", "ab"));
  CHECK(glob_matches("a,b", "a,b"));  // a comma outside braces is literal
}

TEST_CASE("backslash escapes the next character", "[filter]") {
  CHECK(glob_matches("\\*.jpg", "*.jpg"));
  CHECK_FALSE(glob_matches("\\*.jpg", "a.jpg"));
  CHECK(glob_matches("\\\\.jpg", "\\.jpg"));
  CHECK(glob_matches("\\[one\\].jpg", "[one].jpg"));
  CHECK(glob_matches("a\\?b", "a?b"));
  CHECK_FALSE(glob_matches("a\\?b", "axb"));
  CHECK(glob_matches("\\{a,b\\}", "{a,b}"));
}

TEST_CASE("a trailing '/' means everything under that directory", "[filter]") {
  CHECK(glob_matches("dir/", "dir/x"));
  CHECK(glob_matches("dir/", "dir/x/y"));
  CHECK(glob_matches("dir/", "a/dir/x"));
  CHECK_FALSE(glob_matches("dir/", "adir/x"));
  CHECK_FALSE(glob_matches("dir/", "dir"));
  CHECK(glob_matches("/dir/", "dir/x"));
  CHECK_FALSE(glob_matches("/dir/", "a/dir/x"));
}

TEST_CASE("examples from rclone's filtering documentation", "[filter]") {
  CHECK(glob_matches("file.jpg", "file.jpg"));
  CHECK(glob_matches("file.jpg", "directory/file.jpg"));
  CHECK_FALSE(glob_matches("file.jpg", "afile.jpg"));
  CHECK_FALSE(glob_matches("file.jpg", "directory/afile.jpg"));
  CHECK(glob_matches("/file.jpg", "file.jpg"));
  CHECK_FALSE(glob_matches("/file.jpg", "afile.jpg"));
  CHECK_FALSE(glob_matches("/file.jpg", "directory/file.jpg"));
  CHECK(glob_matches("*.jpg", "directory/file.jpg"));
  CHECK_FALSE(glob_matches("*.jpg", "file.jpg/anotherfile.png"));
  CHECK(glob_matches("dir/**", "dir/file.jpg"));
  CHECK(glob_matches("dir/**", "dir/dir1/dir2/file.jpg"));
  CHECK_FALSE(glob_matches("dir/**", "directory/file.jpg"));
  CHECK_FALSE(glob_matches("dir/**", "adir/file.jpg"));
  CHECK(glob_matches("l?ss", "less"));
  CHECK(glob_matches("l?ss", "lass"));
  CHECK_FALSE(glob_matches("l?ss", "floss"));
}

TEST_CASE("the first matching rule decides, in command-line order", "[filter]") {
  // --include "*.{png,jpg}": only those, everything else excluded.
  const PathFilter images = filter_of({{true, "*.{png,jpg}"}});
  CHECK(images.included("a/b.png"));
  CHECK(images.included("c.jpg"));
  CHECK_FALSE(images.included("c.txt"));

  // --exclude "/dir/**": everything else included.
  const PathFilter no_dir = filter_of({{false, "/dir/**"}});
  CHECK_FALSE(no_dir.included("dir/a"));
  CHECK(no_dir.included("a/dir/b"));
  CHECK(no_dir.included("top.txt"));

  // --include "file?.txt"
  const PathFilter files = filter_of({{true, "file?.txt"}});
  CHECK(files.included("file1.txt"));
  CHECK_FALSE(files.included("file10.txt"));

  // Order matters: the same two rules in both orders.
  const PathFilter exclude_first = filter_of({{false, "secret/**"}, {true, "*.bin"}});
  CHECK_FALSE(exclude_first.included("secret/x.bin"));
  CHECK(exclude_first.included("public/x.bin"));
  CHECK_FALSE(exclude_first.included("public/x.txt"));  // an include rule exists
  const PathFilter include_first = filter_of({{true, "*.bin"}, {false, "secret/**"}});
  CHECK(include_first.included("secret/x.bin"));
  CHECK_FALSE(include_first.included("secret/x.txt"));

  // Only excludes: unmatched paths are included.
  const PathFilter excludes = filter_of({{false, "*.tmp"}, {false, "cache/"}});
  CHECK(excludes.included("a.txt"));
  CHECK_FALSE(excludes.included("a.tmp"));
  CHECK_FALSE(excludes.included("x/cache/y.txt"));
}

TEST_CASE("an empty filter includes everything", "[filter]") {
  const PathFilter none;
  CHECK(none.empty());
  CHECK(none.included("any/path"));
  const PathFilter compiled = filter_of({});
  CHECK(compiled.empty());
  CHECK(compiled.included("x"));
  CHECK_FALSE(filter_of({{false, "*"}}).empty());
}

TEST_CASE("malformed patterns are refused with a fix", "[filter]") {
  struct Case {
    const char* pattern;
    const char* says;
  };
  for (const Case& c : {Case{"[abc", "unclosed '['"}, Case{"a[", "unclosed '['"}, Case{"[a\\", "unclosed '['"},
                        Case{"*.{png,jpg", "unclosed '{'"}, Case{"a]", "']' without '['"},
                        Case{"a}", "'}' without '{'"}, Case{"{a,{b,c}}", "cannot be nested"},
                        Case{"{{.*}}", "regular expressions"}, Case{"***", "too many stars"},
                        Case{"a\\", "escapes nothing"}, Case{"[z-a]", "reversed range"},
                        Case{"", "empty"},
                        Case{"{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}", "alternatives"}}) {
    INFO(c.pattern);
    auto glob = Glob::compile(c.pattern);
    REQUIRE_FALSE(glob.ok());
    CHECK(glob.error().kind == ErrorKind::config);
    CHECK(glob.error().subject == c.pattern);
    CHECK_THAT(glob.error().message, Catch::Contains(c.says));
  }
  auto filter = PathFilter::compile({{true, "*.bin"}, {false, "[oops"}});
  REQUIRE_FALSE(filter.ok());
  CHECK(filter.error().kind == ErrorKind::config);
  CHECK_THAT(filter.error().message, Catch::StartsWith("invalid --exclude pattern '[oops': unclosed '['"));
  CHECK_THAT(filter.error().message, Catch::Contains("write '\\['"));
}

TEST_CASE("bytes that are not UTF-8 are single characters", "[filter]") {
  const std::string path = "x\xff.bin";
  CHECK(glob_matches("x?.bin", path));
  CHECK(glob_matches("x\xff.bin", path));
  CHECK_FALSE(glob_matches("x??.bin", path));
  CHECK_FALSE(glob_matches("x\xfe.bin", path));
  CHECK(glob_matches("*.bin", "\xc3/\xe2\x82.bin"));  // truncated sequences
}

TEST_CASE("long patterns and pathological stars stay linear", "[filter]") {
  const std::string long_name(700, 'n');  // more tokens than the on-stack state set holds
  CHECK(glob_matches(long_name, "d/" + long_name));
  CHECK_FALSE(glob_matches(long_name, "d/" + long_name + "x"));

  std::string stars;
  for (int i = 0; i < 30; ++i) stars += "**a";
  const std::string many_a(4000, 'a');
  CHECK_FALSE(glob_matches(stars + "b", many_a));  // backtracking would never finish
  CHECK(glob_matches(stars, many_a));
  std::string single_stars;
  for (int i = 0; i < 30; ++i) single_stars += "*a";
  CHECK_FALSE(glob_matches(single_stars + "b", many_a));
}

TEST_CASE("matching agrees with rclone's regexp translation (random globs)", "[filter]") {
  const std::vector<std::string> pattern_pieces = {"a", "b", "/", "*", "**", "?", "[ab]", "[!a]", "{a,b/}", "{,*b}"};
  const std::vector<std::string> path_pieces = {"a", "b", "/", "ab", "ba/"};
  std::mt19937 random(7);  // fixed seed: failures must reproduce
  std::uniform_int_distribution<std::size_t> pattern_piece(0, pattern_pieces.size() - 1);
  std::uniform_int_distribution<std::size_t> path_piece(0, path_pieces.size() - 1);
  std::uniform_int_distribution<int> length(1, 5);
  int compared = 0;
  int matched = 0;
  for (int round = 0; round < 400; ++round) {
    std::string pattern = round % 3 == 0 ? "/" : "";
    for (int i = length(random); i > 0; --i) pattern += pattern_pieces[pattern_piece(random)];
    auto glob = Glob::compile(pattern);
    if (!glob.ok()) {
      // The only way these pieces go wrong: adjacent stars.
      CHECK(pattern.find("***") != std::string::npos);
      continue;
    }
    const std::regex reference(reference_regex(pattern));
    for (int p = 0; p < 20; ++p) {
      std::string path;
      for (int i = length(random); i > 0; --i) path += path_pieces[path_piece(random)];
      INFO("glob '" << pattern << "' regexp '" << reference_regex(pattern) << "' path '" << path << "'");
      const bool expected = std::regex_search(path, reference);
      CHECK(glob->matches(path) == expected);
      ++compared;
      matched += expected ? 1 : 0;
    }
  }
  CHECK(compared > 5000);
  CHECK(matched > 300);
}

TEST_CASE("a listing looks only where an anchored include rule can match", "[filter]") {
  using Roots = std::vector<std::string>;
  auto roots = [](std::vector<FilterRule> rules) { return PathFilter::compile(std::move(rules)).value().listing_roots(); };
  CHECK(roots({}) == Roots{""});
  CHECK(roots({{false, "*.tmp"}}) == Roots{""});  // excludes alone: everything is listed
  CHECK(roots({{true, "/train/**"}}) == Roots{"train/"});
  CHECK(roots({{true, "/train/**"}, {false, "*.tmp"}, {true, "/val/*.jpg"}}) == Roots{"train/", "val/"});
  CHECK(roots({{true, "/2024-*"}}) == Roots{"2024-"});  // a key prefix, not only a directory
  CHECK(roots({{true, "/a/**"}, {true, "/a/b/**"}, {true, "/ab/**"}}) == Roots{"a/", "ab/"});  // none inside another
  CHECK(roots({{true, "/train/**"}, {true, "*.json"}}) == Roots{""});  // "*.json" matches at any depth
  CHECK(roots({{true, "/{train,val}/**"}}) == Roots{""});  // the glob starts at once
  CHECK(roots({{true, "/data/[ab]/**"}}) == Roots{"data/"});
  // Every path a rule includes lies under a root.
  const PathFilter filter = PathFilter::compile({{true, "/train/**"}, {true, "/val/x?.bin"}}).value();
  for (const std::string path : {"train/a", "train/b/c", "val/x1.bin", "val/y1.bin", "other/train/a", "trainer"}) {
    const Roots where = filter.listing_roots();
    const bool under_root = std::any_of(where.begin(), where.end(), [&](const std::string& root) {
      return std::string_view(path).substr(0, root.size()) == root;
    });
    if (filter.included(path)) CHECK(under_root);
  }
}
