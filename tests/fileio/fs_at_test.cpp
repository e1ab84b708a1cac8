// Calls on files in open directories, and the cache of open directories:
// one handle per directory while cached, a bounded number open, a missing
// directory not remembered, errors with the full path and errno.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <filesystem>

#include "caios2dfs/fileio/fs_at.hpp"
#include "support/temp_dir.hpp"

using caios::testing::TempDir;

namespace {

int open_fds() {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) count += entry.exists() ? 1 : 0;
  return count;
}

}  // namespace

TEST_CASE("directory cache: one handle per directory, at most `capacity` kept open", "[fs_at]") {
  TempDir dir;
  for (int i = 0; i < 6; ++i) std::filesystem::create_directory(dir / ("d" + std::to_string(i)));
  const int before = open_fds();
  {
    caios::DirectoryCache cache(3);
    auto first = cache.open(dir / "d0");
    REQUIRE(first.ok());
    auto again = cache.open(dir / "d0");
    REQUIRE(again.ok());
    CHECK(first->get() == again->get());
    CHECK((*first)->path() == dir / "d0");
    for (int i = 1; i < 6; ++i) REQUIRE(cache.open(dir / ("d" + std::to_string(i))).ok());
    // Three cached, plus d0, which `first` and `again` still hold.
    CHECK(open_fds() - before == 4);
    auto reopened = cache.open(dir / "d0");  // dropped from the cache: opened anew
    REQUIRE(reopened.ok());
    CHECK(reopened->get() != first->get());
  }
  CHECK(open_fds() == before);  // every descriptor closed with its last reference
}

TEST_CASE("directory cache: a missing directory is an ENOENT error, and not remembered", "[fs_at]") {
  TempDir dir;
  caios::DirectoryCache cache;
  auto missing = cache.open(dir / "later");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().sys_errno == ENOENT);
  CHECK(missing.error().subject == dir / "later");
  std::filesystem::create_directory(dir / "later");
  CHECK(cache.open(dir / "later").ok());
}

TEST_CASE("calls at an open directory act on its files and name them by full path", "[fs_at]") {
  TempDir dir;
  std::filesystem::create_directory(dir / "a");
  std::filesystem::create_directory(dir / "b");
  caios::DirectoryCache cache;
  const caios::FileAt file = *cache.file(dir / "a", "f");
  const caios::FileAt moved = *cache.file(dir / "b", "g");
  const caios::FileAt linked = *cache.file(dir / "b", "h");
  CHECK(file.path() == dir / "a/f");

  auto nothing = caios::stat_at(file);
  REQUIRE(nothing.ok());
  CHECK_FALSE(nothing->has_value());
  caios::testing::write_file(dir / "a/f", "12345");
  REQUIRE(caios::set_mtime_at(file, 1'600'000'000'000'000'000).ok());
  auto st = caios::stat_at(file);
  REQUIRE(st.ok());
  REQUIRE(st->has_value());
  CHECK((*st)->size == 5);
  CHECK((*st)->mtime_ns == 1'600'000'000'000'000'000);

  REQUIRE(caios::link_at(file, linked).ok());
  const caios::Status again = caios::link_at(file, linked);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().sys_errno == EEXIST);
  CHECK(again.error().subject == dir / "b/h");
  REQUIRE(caios::rename_at(file, moved).ok());
  CHECK(caios::testing::read_file(dir / "b/g") == "12345");
  CHECK(caios::testing::read_file(dir / "b/h") == "12345");
  CHECK(caios::remove_file_at(file).ok());  // already gone: fine
  REQUIRE(caios::remove_file_at(linked).ok());
  CHECK(caios::testing::list_tree(dir.path()) == std::vector<std::string>{"a", "b", "b/g"});
}
