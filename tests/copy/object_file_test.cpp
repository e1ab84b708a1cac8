// The file side of one object, as a file-call thread runs it, on real files:
// the skip check, the temporary file, the last write, publish and discard.
#include <catch2/catch.hpp>

#include <filesystem>

#include "caios2dfs/copy/object_file.hpp"
#include "support/temp_dir.hpp"

using namespace caios;
using namespace caios::testing;

namespace {

constexpr std::int64_t kMtimeNs = 1'700'000'000'000'000'000;

ObjectRef object(const std::string& key, std::uint64_t size) { return ObjectRef{key, key, size, "\"e\"", kMtimeNs}; }

struct Files {
  TempDir dest;
  Destination destination{dest.path(), SkipRule::size_and_mtime};
  std::unique_ptr<FileBackend> backend = make_posix_backend();
};

}  // namespace

TEST_CASE("open_object_file: skip, dry run, failure, or the temporary file", "[object_file]") {
  Files f;
  SECTION("an up-to-date file is skipped, untouched") {
    write_file(f.dest / "a", "abc");
    REQUIRE(set_mtime(f.dest / "a", kMtimeNs).ok());
    FilePaths paths = f.destination.paths(object("a", 3));
    const OpenedObject opened =
        open_object_file(f.destination, *f.backend, paths, object("a", 3), false, false);
    CHECK(opened.outcome == OpenedObject::Outcome::skipped);
    CHECK(list_tree(f.dest.path()) == std::vector<std::string>{"a"});
  }
  SECTION("a dry run creates nothing") {
    FilePaths paths = f.destination.paths(object("x/a", 3));
    const OpenedObject opened =
        open_object_file(f.destination, *f.backend, paths, object("x/a", 3), false, true);
    CHECK(opened.outcome == OpenedObject::Outcome::dry_run);
    CHECK(list_tree(f.dest.path()).empty());
  }
  SECTION("a new object gets its directory and an empty temporary file, not its final name") {
    FilePaths paths = f.destination.paths(object("x/y/a", 3));
    OpenedObject opened = open_object_file(f.destination, *f.backend, paths, object("x/y/a", 3), false, false);
    REQUIRE(opened.outcome == OpenedObject::Outcome::open);
    REQUIRE(opened.file);
    CHECK(std::filesystem::file_size(paths.temp_path) == 0);
    CHECK_FALSE(std::filesystem::exists(paths.final_path));
  }
  SECTION("a file where its directory should be is an error naming the path") {
    write_file(f.dest / "x", "in the way");
    FilePaths paths = f.destination.paths(object("x/a", 3));
    const OpenedObject opened =
        open_object_file(f.destination, *f.backend, paths, object("x/a", 3), false, false);
    REQUIRE(opened.outcome == OpenedObject::Outcome::failed);
    CHECK_THAT(opened.error->to_string(), Catch::Contains(f.dest / "x"));
  }
}

TEST_CASE("finish_object_file: the tail, then mtime and the final name; on error nothing stays", "[object_file]") {
  Files f;
  const ObjectRef obj = object("d/file", 6);
  FilePaths paths = f.destination.paths(obj);
  OpenedObject opened = open_object_file(f.destination, *f.backend, paths, obj, false, false);
  REQUIRE(opened.file);
  REQUIRE(opened.file->write_at(0, "abc", 3).ok());
  SECTION("published") {
    const std::optional<Error> error =
        finish_object_file(f.destination, std::move(opened.file), paths, FileTail{"def", 3, 3}, kMtimeNs, false, {});
    CHECK_FALSE(error);
    CHECK(read_file(paths.final_path) == "abcdef");
    CHECK(list_tree(f.dest.path()) == std::vector<std::string>{"d", "d/file"});
    const OpenedObject again = open_object_file(f.destination, *f.backend, paths, obj, false, false);
    CHECK(again.outcome == OpenedObject::Outcome::skipped);  // its mtime is the object's
  }
  SECTION("an earlier error: no more bytes, no final name, no temporary file") {
    const std::optional<Error> error =
        finish_object_file(f.destination, std::move(opened.file), paths, FileTail{"def", 3, 3}, kMtimeNs, false,
                           make_error(ErrorKind::network, "GET", "d/file", "connection reset"));
    REQUIRE(error);
    CHECK(error->kind == ErrorKind::network);
    CHECK(list_tree(f.dest.path()) == std::vector<std::string>{"d"});
  }
  SECTION("a chunk is closed, neither published nor removed on error (rank 0's file)") {
    const std::optional<Error> error = finish_object_file(f.destination, std::move(opened.file), paths,
                                                          FileTail{"def", 3, 3}, kMtimeNs, true, {});
    CHECK_FALSE(error);
    CHECK(read_file(paths.temp_path) == "abcdef");
    CHECK_FALSE(std::filesystem::exists(paths.final_path));
  }
}
