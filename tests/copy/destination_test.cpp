// The destination tree: skip decision, temporary names and publishing, on a
// real directory.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "caios2dfs/copy/destination.hpp"
#include "caios2dfs/copy/key_path.hpp"
#include "support/temp_dir.hpp"

using namespace caios;
using caios::testing::TempDir;

namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

ObjectRef object(std::string key, std::string relative_path, std::uint64_t size, std::int64_t mtime_ns) {
  return ObjectRef{std::move(key), std::move(relative_path), size, "\"etag\"", mtime_ns};
}

FileStat regular(std::uint64_t size, std::int64_t mtime_ns) {
  FileStat stat;
  stat.is_regular = true;
  stat.size = size;
  stat.mtime_ns = mtime_ns;
  return stat;
}

}  // namespace

TEST_CASE("skip rule: same size and mtime within a second, or any file with --ignore-existing", "[destination]") {
  const ObjectRef o = object("k", "k", 10, 100 * kSecond);
  CHECK(destination_is_current(regular(10, 100 * kSecond), o, SkipRule::size_and_mtime));
  CHECK(destination_is_current(regular(10, 100 * kSecond + kSecond / 2), o, SkipRule::size_and_mtime));
  CHECK_FALSE(destination_is_current(regular(10, 101 * kSecond), o, SkipRule::size_and_mtime));
  CHECK_FALSE(destination_is_current(regular(11, 100 * kSecond), o, SkipRule::size_and_mtime));
  FileStat directory = regular(10, 100 * kSecond);
  directory.is_regular = false;
  directory.is_directory = true;
  CHECK_FALSE(destination_is_current(directory, o, SkipRule::size_and_mtime));
  // An object of unknown age is copied again rather than guessed current.
  CHECK_FALSE(destination_is_current(regular(10, 0), object("k", "k", 10, 0), SkipRule::size_and_mtime));
  CHECK(destination_is_current(regular(3, 0), o, SkipRule::exists));
  // --checksum: the size, whatever the mtime; the hash is compared after.
  CHECK(destination_is_current(regular(10, 7 * kSecond), o, SkipRule::size_and_checksum));
  CHECK_FALSE(destination_is_current(regular(11, 100 * kSecond), o, SkipRule::size_and_checksum));
}

TEST_CASE("with --checksum a file of the object's size is hashed, and without an MD5 its size decides", "[destination]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_checksum);
  caios::testing::write_file(dest / "same", "abc");
  caios::testing::write_file(dest / "other", "abd");
  const std::string md5_abc = "\"900150983cd24fb0d6963f7d28e17f72\"";
  const auto current = [&](const std::string& name, const std::string& etag, bool hash = true) {
    const ObjectRef o{name, name, 3, etag, 5 * kSecond};  // any mtime: --checksum ignores it
    Result<bool> result = destination.is_current(destination.whole_file_paths(o), o, hash);
    REQUIRE(result.ok());
    return *result;
  };
  CHECK(current("same", md5_abc));
  CHECK_FALSE(current("other", md5_abc));
  CHECK(current("other", md5_abc, false));  // the caller hashes elsewhere
  CHECK(current("other", "\"900150983cd24fb0d6963f7d28e17f72-2\""));  // multipart: size alone
  CHECK_FALSE(current("missing", md5_abc));
}

TEST_CASE("file paths: final, temporary in the same directory, and the directory", "[destination]") {
  const FilePaths nested = file_paths("/dest", object("pre/a/b.bin", "a/b.bin", 1, 0));
  CHECK(nested.final_path == "/dest/a/b.bin");
  CHECK(nested.directory == "/dest/a");
  CHECK(nested.temp_path == "/dest/a/" + temp_name_for("b.bin", "pre/a/b.bin"));
  CHECK(is_temp_name(nested.temp_path.substr(nested.temp_path.rfind('/') + 1)));

  const FilePaths top = file_paths("/dest", object("c", "c", 1, 0));
  CHECK(top.final_path == "/dest/c");
  CHECK(top.directory == "/dest");
  // Different keys never share a temporary file.
  CHECK(file_paths("/d", object("x/1", "1", 1, 0)).temp_path != file_paths("/d", object("y/1", "1", 1, 0)).temp_path);
}

TEST_CASE("staged paths: the temporary file in one of 16 staging directories, by key", "[destination]") {
  const ObjectRef o = object("pre/a/b.bin", "a/b.bin", 1, 0);
  const FilePaths staged = staged_file_paths("/dest", "j1", o);
  const FilePaths beside = file_paths("/dest", o);
  CHECK(staged.final_path == beside.final_path);
  CHECK(staged.directory == "/dest/a");
  CHECK(staged.staged());
  CHECK_FALSE(beside.staged());
  CHECK(staged.temp_directory.rfind("/dest/.caios2dfs-staging/j1/", 0) == 0);
  CHECK(staged.temp_directory.size() == std::string("/dest/.caios2dfs-staging/j1/").size() + 1);
  // Another run never opens this run's staging names.
  CHECK(staged_file_paths("/dest", "j2", o).temp_path != staged.temp_path);
  CHECK(staged.temp_path == staged.temp_directory + "/" + temp_name_for("b.bin", "pre/a/b.bin"));
  std::set<std::string> directories;
  for (int i = 0; i < 200; ++i) {
    directories.insert(staged_file_paths("/dest", "j1", object("k" + std::to_string(i), "f", 1, 0)).temp_directory);
  }
  CHECK(directories.size() == 16);
  // Without staging, or after the file system refused a link, beside it.
  Destination plain("/dest", SkipRule::size_and_mtime, "j1", false);
  CHECK_FALSE(plain.whole_file_paths(o).staged());
  CHECK(Destination("/dest", SkipRule::size_and_mtime).whole_file_paths(o).staged());
}

TEST_CASE("a staged file is linked into place with its mtime; an older file is replaced", "[destination]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime, "run1");
  const ObjectRef o = object("a/f.txt", "a/f.txt", 5, 1'700'000'000 * kSecond);
  FilePaths paths = destination.whole_file_paths(o);
  REQUIRE(paths.staged());
  REQUIRE(destination.prepare(paths).ok());
  SECTION("new") {
    caios::testing::write_file(paths.temp_path, "hello");
    REQUIRE(destination.publish(paths, o.mtime_ns).ok());
  }
  SECTION("over an older version, which was never missing") {
    caios::testing::write_file(dest / "a/f.txt", "old!");
    caios::testing::write_file(paths.temp_path, "hello");
    REQUIRE(destination.publish(paths, o.mtime_ns).ok());
  }
  CHECK(caios::testing::read_file(dest / "a/f.txt") == "hello");
  struct stat st {};
  REQUIRE(::stat((dest / "a/f.txt").c_str(), &st) == 0);
  CHECK(st.st_mtim.tv_sec == 1'700'000'000);
  CHECK(st.st_nlink == 1);  // the staging name is gone
  CHECK_FALSE(std::filesystem::exists(paths.temp_path));
  CHECK(destination.staging());
  // The end of the run: its staging directory goes, with anything in it.
  caios::testing::write_file(paths.temp_directory + "/.caios2dfs-0123456789abcdef.part", "left");
  SECTION("another run's staging directory stays, and is named") {
    std::filesystem::create_directories(dest / ".caios2dfs-staging/run0/3");
    auto others = destination.remove_staging();
    REQUIRE(others.ok());
    CHECK(*others == std::vector<std::string>{"run0"});
    CHECK(caios::testing::list_tree(dest / ".caios2dfs-staging") == std::vector<std::string>{"run0", "run0/3"});
  }
  SECTION("alone, the staging root goes too") {
    auto others = destination.remove_staging();
    REQUIRE(others.ok());
    CHECK(others->empty());
    CHECK(caios::testing::list_tree(dest.path()) == std::vector<std::string>{"a", "a/f.txt"});
    CHECK(destination.remove_staging().ok());  // nothing there: fine
  }
}

TEST_CASE("no staging directory can be made: files go beside their final names", "[destination]") {
  TempDir dest;
  caios::testing::write_file(dest / ".caios2dfs-staging", "a file in the way");
  Destination destination(dest.path(), SkipRule::size_and_mtime, "run1");
  const ObjectRef o = object("a/f.txt", "a/f.txt", 5, kSecond);
  FilePaths paths = destination.whole_file_paths(o);
  REQUIRE(paths.staged());
  REQUIRE(destination.prepare(paths).ok());
  CHECK_FALSE(paths.staged());
  CHECK_FALSE(destination.staging());
  CHECK_FALSE(destination.whole_file_paths(o).staged());
  caios::testing::write_file(paths.temp_path, "hello");
  REQUIRE(destination.publish(paths, o.mtime_ns).ok());
  CHECK(caios::testing::read_file(dest / "a/f.txt") == "hello");
}

TEST_CASE("a link across a file-system boundary (EXDEV): the file is copied beside its name", "[destination]") {
  // This run's staging directory is a link to tmpfs: link(2) and rename(2)
  // into DEST both fail with EXDEV there, as at a mount point or a project
  // quota boundary inside DEST.
  struct stat shm {}, var {};
  TempDir dest;
  if (::stat("/dev/shm", &shm) != 0 || ::stat(dest.path().c_str(), &var) != 0 || shm.st_dev == var.st_dev) {
    WARN("skipped: no /dev/shm on another file system than " << dest.path());
    return;
  }
  TempDir elsewhere("/dev/shm");
  std::filesystem::create_directories(dest / ".caios2dfs-staging");
  std::filesystem::create_directory_symlink(elsewhere.path(), dest / ".caios2dfs-staging/run1");
  Destination destination(dest.path(), SkipRule::size_and_mtime, "run1");
  const ObjectRef o = object("a/f.txt", "a/f.txt", 5, 1'700'000'000 * kSecond);
  FilePaths paths = destination.whole_file_paths(o);
  REQUIRE(destination.prepare(paths).ok());
  REQUIRE(paths.staged());
  caios::testing::write_file(paths.temp_path, "hello");
  SECTION("new") { CHECK_FALSE(std::filesystem::exists(dest / "a/f.txt")); }
  SECTION("over an older version") {
    caios::testing::write_file(dest / "a/f.txt", "old!");
    CHECK(caios::testing::read_file(dest / "a/f.txt") == "old!");
  }
  REQUIRE(destination.publish(paths, o.mtime_ns).ok());
  CHECK(caios::testing::read_file(dest / "a/f.txt") == "hello");
  struct stat st {};
  REQUIRE(::stat((dest / "a/f.txt").c_str(), &st) == 0);
  CHECK(st.st_mtim.tv_sec == 1'700'000'000);
  CHECK_FALSE(destination.staging());  // the rest of the run: beside the final names
  CHECK(caios::testing::list_tree(dest / "a") == std::vector<std::string>{"f.txt"});
  CHECK_FALSE(std::filesystem::exists(paths.temp_path));
}

TEST_CASE("a published file has its final name and mtime, and no temporary is left", "[destination]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  const ObjectRef o = object("a/b/c.txt", "a/b/c.txt", 5, 1'700'000'000 * kSecond + 123'000'000);
  FilePaths paths = destination.paths(o);

  Result<bool> before = destination.is_current(paths, o);
  REQUIRE(before.ok());
  CHECK_FALSE(*before);

  REQUIRE(destination.prepare(paths).ok());
  caios::testing::write_file(paths.temp_path, "hello");
  REQUIRE(destination.publish(paths, o.mtime_ns).ok());

  CHECK(caios::testing::read_file(dest / "a/b/c.txt") == "hello");
  CHECK(caios::testing::list_tree(dest.path()) == std::vector<std::string>{"a", "a/b", "a/b/c.txt"});
  struct stat st {};
  REQUIRE(::stat((dest / "a/b/c.txt").c_str(), &st) == 0);
  CHECK(st.st_mtim.tv_sec == 1'700'000'000);

  // Now DEST holds it: a rerun skips it.
  Result<bool> after = destination.is_current(paths, o);
  REQUIRE(after.ok());
  CHECK(*after);
}

TEST_CASE("publishing a missing temporary file fails with the path, and discard tolerates it", "[destination]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  const ObjectRef o = object("gone", "gone", 1, kSecond);
  const FilePaths paths = destination.paths(o);
  Status status = destination.publish(paths, o.mtime_ns);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::io);
  CHECK(status.error().subject == paths.temp_path);
  destination.discard(paths);  // nothing there: no error, nothing created
  CHECK(caios::testing::list_tree(dest.path()).empty());
}

TEST_CASE("a failed object's temporary file is discarded", "[destination]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::exists);
  const ObjectRef o = object("x", "x", 3, kSecond);
  const FilePaths paths = destination.paths(o);
  caios::testing::write_file(paths.temp_path, "abc");
  destination.discard(paths);
  CHECK(caios::testing::list_tree(dest.path()).empty());
}

TEST_CASE("directory markers become directories; a file in the way is an io error", "[destination]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  REQUIRE(destination.make_directory("m/n").ok());
  CHECK(std::filesystem::is_directory(dest / "m/n"));
  caios::testing::write_file(dest / "file", "x");
  Status blocked = destination.make_directory("file/sub");
  REQUIRE_FALSE(blocked.ok());
  CHECK(blocked.error().kind == ErrorKind::io);
}
