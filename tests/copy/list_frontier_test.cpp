// The listing frontier against a store simulated here with S3's
// ListObjectsV2 semantics (prefix, delimiter, start-after, continuation
// token, max-keys): on many shapes of key space, with pages completed in
// random order, every key under the prefix is listed exactly once, and no
// more pages are in flight than allowed.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "caios2dfs/copy/list_frontier.hpp"

using namespace caios;

namespace {

struct Page {
  std::vector<std::string> keys;
  std::vector<std::string> prefixes;
  bool truncated = false;
  std::string next_token;
};

/// S3's ListObjectsV2 over a sorted key list. Tokens: "K<key>" or "P<prefix>".
Page list(const std::vector<std::string>& bucket, const ListCursor& cursor, std::size_t max_keys) {
  std::string after = cursor.start_after;
  bool after_prefix = false;
  if (!cursor.token.empty()) {
    after_prefix = cursor.token[0] == 'P';
    after = cursor.token.substr(1);
  }
  auto at = std::upper_bound(bucket.begin(), bucket.end(), after);
  at = std::max(at, std::lower_bound(bucket.begin(), bucket.end(), cursor.prefix));
  Page page;
  std::string last_entry;
  std::size_t entries = 0;
  for (; at != bucket.end() && at->rfind(cursor.prefix, 0) == 0; ++at) {
    if (after_prefix && at->rfind(after, 0) == 0) continue;
    std::string common;
    if (cursor.delimited) {
      const std::size_t slash = at->find('/', cursor.prefix.size());
      if (slash != std::string::npos) common = at->substr(0, slash + 1);
    }
    if (!common.empty() && !page.prefixes.empty() && page.prefixes.back() == common && last_entry == "P" + common) {
      continue;  // rolled up into the prefix just named
    }
    if (entries == max_keys) {
      page.truncated = true;
      break;
    }
    ++entries;
    if (common.empty()) {
      page.keys.push_back(*at);
      last_entry = "K" + *at;
    } else {
      page.prefixes.push_back(common);
      last_entry = "P" + common;
    }
  }
  if (page.truncated) page.next_token = last_entry;
  return page;
}

/// Well-formed UTF-8 (RFC 3629), written out here independently of the code
/// under test.
bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = [&](std::size_t at) -> unsigned { return at < text.size() ? static_cast<unsigned char>(text[at]) : 0u; };
    const unsigned c = b(i);
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) n = 1;
    else if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) n = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) n = 3;
    else if (c == 0xED) n = 3, hi = 0x9F;
    else if (c == 0xEE || c == 0xEF) n = 3;
    else if (c == 0xF0) n = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) n = 4, hi = 0x8F;
    else return false;
    if (i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if (b(i + k) < (k == 1 ? lo : 0x80) || b(i + k) > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n;
  }
  return true;
}

struct Outcome {
  std::vector<std::string> listed;
  std::size_t pages = 0;
  std::size_t most_in_flight = 0;
};

Outcome list_all(const std::vector<std::string>& bucket, const std::vector<std::string>& prefixes,
                 std::size_t parallel, std::size_t max_keys, unsigned seed) {
  std::mt19937 random(seed);
  // A store takes start-after as UTF-8: over UTF-8 keys, the frontier must
  // never ask from half a character.
  const bool utf8 = std::all_of(bucket.begin(), bucket.end(), [](const std::string& key) { return valid_utf8(key); });
  ListFrontier frontier(prefixes, parallel);
  std::vector<ListCursor> flying;
  Outcome outcome;
  while (!frontier.done()) {
    while (std::optional<ListCursor> cursor = frontier.take()) flying.push_back(std::move(*cursor));
    outcome.most_in_flight = std::max(outcome.most_in_flight, frontier.in_flight());
    REQUIRE_FALSE(flying.empty());
    const std::size_t pick = random() % flying.size();
    const ListCursor cursor = flying[pick];
    flying.erase(flying.begin() + static_cast<std::ptrdiff_t>(pick));
    if (utf8 && !valid_utf8(cursor.start_after)) FAIL("start-after is not UTF-8: " << cursor.start_after);
    const Page page = list(bucket, cursor, max_keys);
    ++outcome.pages;
    ListedPage listed;
    listed.keys.assign(page.keys.begin(), page.keys.end());
    listed.prefixes.assign(page.prefixes.begin(), page.prefixes.end());
    listed.truncated = page.truncated;
    listed.next_token = page.next_token;
    const PageVerdict verdict = frontier.page_done(cursor.id, listed);
    REQUIRE_FALSE(verdict.stuck);
    outcome.listed.insert(outcome.listed.end(), page.keys.begin(), page.keys.begin() + static_cast<std::ptrdiff_t>(verdict.keys));
    REQUIRE(outcome.pages < 100000);
  }
  return outcome;
}

std::vector<std::string> sorted(std::vector<std::string> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

std::map<std::string, std::vector<std::string>> shapes() {
  std::map<std::string, std::vector<std::string>> all;
  all["empty"] = {};
  all["one key"] = {"only"};
  std::vector<std::string> tree, skewed, hex, numbered, odd;
  for (int d = 0; d < 20; ++d) {
    for (int k = 0; k < 50; ++k) tree.push_back("p" + std::to_string(10 + d) + "/k" + std::to_string(1000 + k));
  }
  tree.push_back("top-a");
  tree.push_back("top-b");
  for (int k = 0; k < 500; ++k) skewed.push_back("big/" + std::to_string(100000 + k));
  for (int d = 0; d < 10; ++d) {
    for (int k = 0; k < 3; ++k) skewed.push_back("s" + std::to_string(d) + "/deep/er/" + std::to_string(k));
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 2000; ++i) {
    char name[17];
    std::snprintf(name, sizeof name, "%08llx", static_cast<unsigned long long>(random() & 0xffffffff));
    hex.push_back(name);
  }
  for (int i = 0; i < 3000; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "k%08d", i);
    numbered.push_back(name);
  }
  odd = {"a!b", "a-b", "a.b", "a/b", "a/", "a//c", "a0", "a/b/", "a/b/c", "dir/", "dir/x", "dir0",
         "\xc3\xa9/1", "\xe6\x97\xa5\xe6\x9c\xac/2", "\x7f", "z\xff", "z\xff/", "!", " space", "a/b!c", "a/b-c"};
  all["tree"] = sorted(tree);
  all["skewed"] = sorted(skewed);
  all["hex"] = sorted(hex);
  all["numbered"] = sorted(numbered);
  all["odd bytes"] = sorted(odd);
  // Names in many scripts, below and above each other's lead bytes, at
  // several depths: cut points fall among multi-byte characters.
  const std::vector<std::string> words{"caf\xc3\xa9", "cafe\xcc\x81", "\xc3\xbcn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9",
                                       "\xe2\x82\xacuro", "\xce\xa9mega", "\xce\xb1\xce\xb2\xce\xb3",
                                       "\xe6\x97\xa5\xe6\x9c\xac", "\xed\x95\x9c", "\xf0\x9f\x98\x80",
                                       "\xef\xbc\xa1", "a\xc2\xa0" "b", "zz-\xc3\x9f", "\xc2\xa9", "\xd7\xa9"};
  std::vector<std::string> unicode;
  for (std::size_t i = 0; i < words.size(); ++i) {
    for (std::size_t j = 0; j < words.size(); ++j) {
      unicode.push_back(words[i] + "/" + words[j]);
      unicode.push_back(words[i] + words[j] + std::to_string(i * 31 + j));
    }
  }
  all["unicode"] = sorted(unicode);
  return all;
}

}  // namespace

TEST_CASE("every key under the prefix is listed exactly once, whatever the shape and order", "[list_frontier]") {
  for (const auto& [name, bucket] : shapes()) {
    for (const std::string prefix : {"", "p1", "p13/", "a/", "big/", "s"}) {
      std::vector<std::string> expected;
      for (const std::string& key : bucket) {
        if (key.rfind(prefix, 0) == 0) expected.push_back(key);
      }
      for (const std::size_t parallel : {1u, 2u, 8u, 64u}) {
        for (const std::size_t max_keys : {3u, 50u}) {
          INFO(name << ", prefix '" << prefix << "', " << parallel << " in flight, pages of " << max_keys);
          Outcome outcome = list_all(bucket, {prefix}, parallel, max_keys, static_cast<unsigned>(parallel * 31 + max_keys));
          CHECK(outcome.most_in_flight <= parallel);
          std::sort(outcome.listed.begin(), outcome.listed.end());
          CHECK(outcome.listed == expected);  // sorted, so a duplicate or a gap shows
        }
      }
    }
  }
}

TEST_CASE("one page in flight lists as one lister does, page after page", "[list_frontier]") {
  const std::vector<std::string> bucket = shapes()["numbered"];
  const Outcome outcome = list_all(bucket, {""}, 1, 1000, 1);
  CHECK(outcome.pages == 3);  // 3,000 keys in pages of 1,000, no delimiter, no cut
  CHECK(outcome.most_in_flight == 1);
}

TEST_CASE("a full page is cut where its keys vary, so more pages go at once", "[list_frontier]") {
  const std::vector<std::string> bucket = shapes()["numbered"];  // k00000000 .. k00002999
  const Outcome outcome = list_all(bucket, {""}, 16, 100, 3);
  CHECK(outcome.most_in_flight > 4);
  // Zero-padded numbers: cut on the hundreds digit after k00000099.
  const std::vector<std::string_view> page(bucket.begin(), bucket.begin() + 100);  // k00000000 .. k00000099
  const std::vector<std::string> points = split_points("", page, std::nullopt);
  REQUIRE(points.size() == 9);
  CHECK(points.front() == "k000001");  // (k00000099, k000001]: the next hundred
  CHECK(points.back() == "k000009");   // (k000009, end]: cut again when its page is full
  CHECK(split_points("", page, std::string("k000001")).empty());  // nothing inside (k00000099, k000001]
  CHECK(split_points("", page, std::string("k000003")).size() == 2);
  CHECK(split_points("k", {"k1"}, std::nullopt).empty());  // nothing above '1' in the keys' alphabet
}

TEST_CASE("cut points are whole UTF-8 characters, never half of one", "[list_frontier]") {
  // The page that lost keys before: its last key ends in a two-byte
  // character, and the keys' bytes above 'z' were cut points of one byte
  // (%C3: half of U+00C0..U+00FF), which a store reads as something else.
  const std::vector<std::string_view> page{"a b", "a\xc2\xa0" "b", "zz-\xc3\x9f"};
  const std::vector<std::string> points = split_points("", page, std::nullopt);
  REQUIRE_FALSE(points.empty());
  for (const std::string& point : points) CHECK(valid_utf8(point));
  // Lead bytes become their smallest character; continuation bytes with no
  // lead before them are not points at all.
  CHECK(std::find(points.begin(), points.end(), std::string("\xc2\x80")) != points.end());
  CHECK(std::find(points.begin(), points.end(), std::string("\xc3\x80")) != points.end());
  CHECK(std::is_sorted(points.begin(), points.end()));
  // Inside a character: after U+00DF the next points complete its lead
  // byte with a higher continuation byte (0xA0..0xBF are in the keys).
  const std::vector<std::string_view> accents{"\xc3\xa0", "\xc3\xa9", "\xc3\x9f"};
  const std::vector<std::string_view> sorted_accents{accents[2], accents[0], accents[1]};
  for (const std::string& point : split_points("", sorted_accents, std::nullopt)) CHECK(valid_utf8(point));
  // Three- and four-byte leads: E0 and F0 take their smallest second bytes.
  for (const std::string& point : split_points("", {"a", "\xe0\xa4\x85", "\xf0\x90\x80\x80"}, std::nullopt)) {
    CHECK(valid_utf8(point));
  }
  CHECK(split_points("", {"a", "b\xe0\xa4\x85"}, std::nullopt).back() == "\xe0\xa0\x80");
}

TEST_CASE("a tree fans out on its directories, each named once", "[list_frontier]") {
  const std::vector<std::string> bucket = shapes()["tree"];
  const Outcome wide = list_all(bucket, {""}, 64, 1000, 5);
  CHECK(wide.listed.size() == bucket.size());
  CHECK(wide.most_in_flight > 10);  // the directories at once
}

TEST_CASE("several roots (a filter's) are listed each once, and nothing outside them", "[list_frontier]") {
  const std::vector<std::string> bucket = shapes()["tree"];
  const std::vector<std::string> roots{"p12/", "p17/", "top-"};
  std::vector<std::string> expected;
  for (const std::string& key : bucket) {
    if (std::any_of(roots.begin(), roots.end(), [&](const std::string& root) { return key.rfind(root, 0) == 0; })) {
      expected.push_back(key);
    }
  }
  CHECK(expected.size() == 102);
  for (const std::size_t parallel : {1u, 8u}) {
    Outcome outcome = list_all(bucket, roots, parallel, 7, 9);
    std::sort(outcome.listed.begin(), outcome.listed.end());
    CHECK(outcome.listed == expected);
  }
}
