// Directory listings for the skip check: a name absent when the directory
// was listed needs no stat; too large a directory falls back to stat; old
// listings make room for new ones.
#include <catch2/catch.hpp>

#include <filesystem>

#include "caios2dfs/fileio/dir_listing.hpp"
#include "support/temp_dir.hpp"

using caios::testing::TempDir;
using caios::testing::write_file;

TEST_CASE("listing: what was there may exist, what was not does not", "[dir_listing]") {
  TempDir dir;
  write_file(dir / "old", "x");
  std::filesystem::create_directory(dir / "sub");
  caios::DirectoryCache cache;
  caios::DirectoryListings listings;
  CHECK(listings.may_exist(*cache.file(dir.path(), "old")));
  CHECK(listings.may_exist(*cache.file(dir.path(), "sub")));
  CHECK_FALSE(listings.may_exist(*cache.file(dir.path(), "new")));
  // Taken once: a file made afterwards (by this job, for its own object) is
  // not in it.
  write_file(dir / "later", "y");
  CHECK_FALSE(listings.may_exist(*cache.file(dir.path(), "later")));
  // A path without an open directory: no listing, ask stat.
  CHECK(listings.may_exist(caios::FileAt{nullptr, dir / "new"}));
}

TEST_CASE("listing: a directory above the bound is not listed, so every name may exist", "[dir_listing]") {
  TempDir dir;
  for (int i = 0; i < 5; ++i) write_file(dir / ("f" + std::to_string(i)), "");
  caios::DirectoryCache cache;
  caios::DirectoryListings listings(4);
  CHECK(listings.may_exist(*cache.file(dir.path(), "absent")));
}

TEST_CASE("listing: the oldest listings go when the names exceed the bound, and are taken again", "[dir_listing]") {
  TempDir dir;
  for (const char* d : {"a", "b"}) {
    std::filesystem::create_directory(dir / d);
    for (int i = 0; i < 3; ++i) write_file(dir / d + "/f" + std::to_string(i), "");
  }
  caios::DirectoryCache cache;
  caios::DirectoryListings listings(4);
  CHECK_FALSE(listings.may_exist(*cache.file(dir / "a", "new")));
  write_file(dir / "a/new", "");
  CHECK_FALSE(listings.may_exist(*cache.file(dir / "a", "new")));  // still a's first listing
  CHECK_FALSE(listings.may_exist(*cache.file(dir / "b", "new")));  // 6 names > 4: a's listing goes
  CHECK(listings.may_exist(*cache.file(dir / "a", "new")));        // listed again, now with "new"
}
