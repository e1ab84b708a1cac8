// The file-system namespace operations on the local disk: what errno becomes,
// what lstat reports, mkdir -p, timestamps, rename/unlink and the atomic
// report writer. Every test works in its own temporary directory.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "caios2dfs/fileio/fs_at.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"
#include "support/temp_dir.hpp"

namespace {

using caios::ErrorKind;
using caios::testing::list_tree;
using caios::testing::read_file;
using caios::testing::TempDir;
using caios::testing::write_file;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

// ---------------------------------------------------------------- errno_error

TEST_CASE("errno_error: a full or read-only destination says where and what to do", "[fs_ops][errno]") {
  struct Case {
    int error_number;
    const char* advice;
  };
  const Case cases[] = {
      {ENOSPC, "file system is full"},
      {EDQUOT, "quota"},
      {EACCES, "permissions"},
      {EPERM, "permissions"},
      {EROFS, "read-only"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.error_number);
    const caios::Error error = caios::errno_error("pwrite", "/dest/dir/file.bin", c.error_number, 1048576);
    CHECK(error.kind == ErrorKind::io);
    CHECK(error.operation == "pwrite");
    CHECK(error.subject == "/dest/dir/file.bin");
    CHECK(error.offset == 1048576);
    CHECK(error.sys_errno == c.error_number);
    CHECK_FALSE(error.retryable);
    // The OS's own words first, then our advice.
    CHECK(error.message.rfind(std::strerror(c.error_number), 0) == 0);
    CHECK(contains(error.message, c.advice));
    const std::string line = error.to_string();
    CHECK(contains(line, "/dest/dir/file.bin"));
    CHECK(contains(line, "1048576"));
    CHECK(contains(line, c.advice));
  }
}

TEST_CASE("errno_error: a file where a directory should be names the key/prefix clash", "[fs_ops][errno]") {
  for (int error_number : {ENOTDIR, EEXIST, EISDIR}) {
    CAPTURE(error_number);
    const caios::Error error = caios::errno_error("mkdir", "/dest/a", error_number);
    CHECK(error.kind == ErrorKind::io);
    CHECK(error.offset == 0);
    CHECK(contains(error.message, "a file and a directory want the same name"));
  }
}

TEST_CASE("errno_error: other errors carry the OS's words only", "[fs_ops][errno]") {
  const caios::Error error = caios::errno_error("fsync", "/dest/f", EIO);
  CHECK(error.kind == ErrorKind::io);
  CHECK(error.message == std::strerror(EIO));
  CHECK(error.sys_errno == EIO);
  CHECK_FALSE(error.retryable);
}

// ---------------------------------------------------------------- stat_path

TEST_CASE("stat_path: missing, regular file, directory, symlink", "[fs_ops][stat]") {
  TempDir dir;

  SECTION("nothing there is no error, just no value") {
    const auto st = caios::stat_path(dir / "missing");
    REQUIRE(st.ok());
    CHECK_FALSE(st->has_value());
  }
  SECTION("a regular file has its size") {
    write_file(dir / "f", "twelve bytes");
    const auto st = caios::stat_path(dir / "f");
    REQUIRE(st.ok());
    REQUIRE(st->has_value());
    CHECK((*st)->is_regular);
    CHECK_FALSE((*st)->is_directory);
    CHECK((*st)->size == 12);
    CHECK((*st)->mtime_ns > 0);
  }
  SECTION("a directory") {
    const auto st = caios::stat_path(dir.path());
    REQUIRE(st.ok());
    REQUIRE(st->has_value());
    CHECK((*st)->is_directory);
    CHECK_FALSE((*st)->is_regular);
  }
  SECTION("a symlink is reported as itself, not as what it points to (lstat)") {
    write_file(dir / "target", "x");
    REQUIRE(::symlink("target", (dir / "link").c_str()) == 0);
    REQUIRE(::symlink("nowhere", (dir / "dangling").c_str()) == 0);
    for (const char* name : {"link", "dangling"}) {
      CAPTURE(name);
      const auto st = caios::stat_path(dir / name);
      REQUIRE(st.ok());
      REQUIRE(st->has_value());
      CHECK_FALSE((*st)->is_regular);
      CHECK_FALSE((*st)->is_directory);
    }
  }
  SECTION("a path through a regular file (ENOTDIR) counts as missing") {
    write_file(dir / "f", "x");
    const auto st = caios::stat_path(dir / "f/child");
    REQUIRE(st.ok());
    CHECK_FALSE(st->has_value());
  }
}

TEST_CASE("stat_path: other failures are io Errors with the path", "[fs_ops][stat]") {
  TempDir dir;
  const std::string path = dir / std::string(300, 'n');  // over NAME_MAX
  const auto st = caios::stat_path(path);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().kind == ErrorKind::io);
  CHECK(st.error().sys_errno == ENAMETOOLONG);
  CHECK(st.error().subject == path);
}

// ---------------------------------------------------------------- DirectoryMaker

TEST_CASE("DirectoryMaker: makes nested directories, again and again", "[fs_ops][mkdir]") {
  TempDir dir;
  const std::string deep = dir / "a/b/c/d";
  caios::DirectoryMaker maker;
  REQUIRE(maker.make(deep).ok());
  CHECK(std::filesystem::is_directory(deep));

  // Idempotent: the same maker, a sibling under known parents, a trailing
  // slash, and a fresh maker that finds everything already there.
  CHECK(maker.make(deep).ok());
  CHECK(maker.make(dir / "a/b/other").ok());
  CHECK(std::filesystem::is_directory(dir / "a/b/other"));
  CHECK(maker.make(dir / "a/b/trailing/").ok());
  CHECK(std::filesystem::is_directory(dir / "a/b/trailing"));
  caios::DirectoryMaker fresh;
  CHECK(fresh.make(deep).ok());
  CHECK(fresh.make("").ok());
}

TEST_CASE("DirectoryMaker: threads sharing one make overlapping trees, all of it, no error", "[fs_ops][mkdir]") {
  TempDir dir;
  caios::DirectoryMaker maker;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      // Every thread makes every directory, in a different order.
      for (int i = 0; i < 40; ++i) {
        const int n = (i * 7 + t * 5) % 40;
        if (!maker.make(dir / ("top/mid" + std::to_string(n % 4) + "/leaf" + std::to_string(n))).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures.load() == 0);
  for (int n = 0; n < 40; ++n) {
    CHECK(std::filesystem::is_directory(dir / ("top/mid" + std::to_string(n % 4) + "/leaf" + std::to_string(n))));
  }
}

TEST_CASE("DirectoryMaker: a symlink to a directory is a directory", "[fs_ops][mkdir]") {
  TempDir dir;
  REQUIRE(::mkdir((dir / "real").c_str(), 0755) == 0);
  REQUIRE(::symlink("real", (dir / "link").c_str()) == 0);
  caios::DirectoryMaker maker;
  REQUIRE(maker.make(dir / "link/sub").ok());
  CHECK(std::filesystem::is_directory(dir / "real/sub"));
}

TEST_CASE("DirectoryMaker: a regular file in the way is a clear io Error", "[fs_ops][mkdir]") {
  TempDir dir;
  write_file(dir / "a", "I am a file");
  caios::DirectoryMaker maker;

  SECTION("as a middle component") {
    const caios::Status status = maker.make(dir / "a/b/c");
    REQUIRE_FALSE(status.ok());
    const caios::Error& error = status.error();
    CHECK(error.kind == ErrorKind::io);
    CHECK(error.sys_errno == ENOTDIR);
    CHECK(error.subject == (dir / "a"));  // the component that is in the way
    CHECK(contains(error.message, "a file and a directory want the same name"));
  }
  SECTION("as the last component") {
    const caios::Status status = maker.make(dir / "a");
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().kind == ErrorKind::io);
    CHECK(status.error().subject == (dir / "a"));
  }
  // The failure was not remembered as success.
  CHECK_FALSE(maker.make(dir / "a/b").ok());
  CHECK(read_file(dir / "a") == "I am a file");
}

// ---------------------------------------------------------------- set_mtime

TEST_CASE("set_mtime: stat gives the time back, to the ns where the fs keeps it", "[fs_ops][mtime]") {
  TempDir dir;
  const std::string path = dir / "f";
  write_file(path, "x");

  // 2021-05-04T03:02:01.123456789Z
  const std::int64_t mtime_ns = 1'620'097'321'123'456'789;
  REQUIRE(caios::set_mtime(path, mtime_ns).ok());
  const auto st = caios::stat_path(path);
  REQUIRE(st.ok());
  REQUIRE(st->has_value());
  // Every Linux disk file system keeps ns; a coarser one may only truncate.
  CHECK((*st)->mtime_ns <= mtime_ns);
  CHECK(mtime_ns - (*st)->mtime_ns < 2'000'000'000);
  if ((*st)->mtime_ns != mtime_ns) WARN("the file system truncated the mtime to " << (*st)->mtime_ns);

  const std::int64_t whole_seconds = 1'600'000'000'000'000'000;
  REQUIRE(caios::set_mtime(path, whole_seconds).ok());
  const auto again = caios::stat_path(path);
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK((*again)->mtime_ns == whole_seconds);
}

TEST_CASE("set_mtime: a symlink gets its own time, its target is untouched", "[fs_ops][mtime]") {
  TempDir dir;
  write_file(dir / "target", "x");
  REQUIRE(::symlink("target", (dir / "link").c_str()) == 0);
  const auto before = caios::stat_path(dir / "target");
  REQUIRE(before.ok());
  REQUIRE(before->has_value());

  const std::int64_t mtime_ns = 1'500'000'000'000'000'000;
  REQUIRE(caios::set_mtime(dir / "link", mtime_ns).ok());
  const auto link = caios::stat_path(dir / "link");
  const auto target = caios::stat_path(dir / "target");
  REQUIRE(link.ok());
  REQUIRE(target.ok());
  CHECK((*link)->mtime_ns == mtime_ns);
  CHECK((*target)->mtime_ns == (*before)->mtime_ns);
}

TEST_CASE("set_mtime: a missing file is an io Error with the path", "[fs_ops][mtime]") {
  TempDir dir;
  const caios::Status status = caios::set_mtime(dir / "missing", 1'000'000'000);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::io);
  CHECK(status.error().sys_errno == ENOENT);
  CHECK(status.error().subject == (dir / "missing"));
}

// ---------------------------------------------------------------- rename, remove

TEST_CASE("rename_path: moves a file and replaces what was there", "[fs_ops][rename]") {
  TempDir dir;
  write_file(dir / "new.tmp", "new content");
  write_file(dir / "file", "old content");
  REQUIRE(caios::rename_path(dir / "new.tmp", (dir / "file")).ok());
  CHECK(read_file(dir / "file") == "new content");
  CHECK(list_tree(dir.path()) == std::vector<std::string>{"file"});
}

TEST_CASE("rename_path: a missing source is an io Error naming the destination", "[fs_ops][rename]") {
  TempDir dir;
  const caios::Status status = caios::rename_path(dir / "missing", (dir / "file"));
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::io);
  CHECK(status.error().operation == "rename");
  CHECK(status.error().sys_errno == ENOENT);
  CHECK(status.error().subject == (dir / "file"));
}

TEST_CASE("remove_file: removes a file; a missing one is fine; a directory is not", "[fs_ops][remove]") {
  TempDir dir;
  write_file(dir / "f", "x");
  REQUIRE(caios::remove_file(dir / "f").ok());
  CHECK(list_tree(dir.path()).empty());
  CHECK(caios::remove_file(dir / "f").ok());
  CHECK(caios::remove_file(dir / "never/was").ok());

  REQUIRE(::mkdir((dir / "d").c_str(), 0755) == 0);
  const caios::Status status = caios::remove_file(dir / "d");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::io);
  CHECK(status.error().subject == (dir / "d"));
  CHECK(std::filesystem::is_directory(dir / "d"));
}

// ---------------------------------------------------------------- write_file_atomically

TEST_CASE("write_file_atomically: writes, replaces, and leaves no temporary file", "[fs_ops][atomic]") {
  TempDir dir;
  const std::string path = dir / "report.json";
  REQUIRE(caios::write_file_atomically(path, "{\"first\": 1}\n").ok());
  CHECK(read_file(path) == "{\"first\": 1}\n");
  CHECK(list_tree(dir.path()) == std::vector<std::string>{"report.json"});

  const std::string big(3 * 1024 * 1024 + 7, 'z');  // more than one write() may take
  REQUIRE(caios::write_file_atomically(path, big).ok());
  CHECK((read_file(path) == big));  // (()): on failure, not 3 MiB of output
  REQUIRE(caios::write_file_atomically(path, "").ok());
  CHECK(read_file(path).empty());
  CHECK(list_tree(dir.path()) == std::vector<std::string>{"report.json"});
}

TEST_CASE("write_file_atomically: a missing directory is an io Error", "[fs_ops][atomic]") {
  TempDir dir;
  const caios::Status status = caios::write_file_atomically(dir / "no/such/report.json", "x");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::io);
  CHECK(status.error().sys_errno == ENOENT);
  CHECK(contains(status.error().subject, (dir / "no/such/report.json")));
  CHECK(list_tree(dir.path()).empty());
}

// ---------------------------------------------------------------- join_path

TEST_CASE("join_path: one slash between directory and name", "[fs_ops][join]") {
  CHECK(caios::join_path("dir", "name") == "dir/name");
  CHECK(caios::join_path("dir/", "name") == "dir/name");
  CHECK(caios::join_path("/", "name") == "/name");
  CHECK(caios::join_path("/a/b", "c/d") == "/a/b/c/d");
  CHECK(caios::join_path("", "name") == "name");
  CHECK(caios::join_path("dir", "") == "dir");
  CHECK(caios::join_path("", "") == "");
}
