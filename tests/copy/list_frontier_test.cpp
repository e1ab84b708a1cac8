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

struct Outcome {
  std::vector<std::string> listed;
  std::size_t pages = 0;
  std::size_t most_in_flight = 0;
};

Outcome list_all(const std::vector<std::string>& bucket, const std::vector<std::string>& prefixes,
                 std::size_t parallel, std::size_t max_keys, unsigned seed) {
  std::mt19937 random(seed);
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
