// The POSIX backend on the local file system: which files it opens O_DIRECT,
// and that the bytes come out right whatever the alignment of the writes.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/fileio/io_buffer.hpp"
#include "support/temp_dir.hpp"

namespace {

using caios::IoBuffer;
using caios::OpenMode;

using caios::testing::TempDir;

std::vector<char> pattern(std::size_t size, unsigned seed) {
  std::vector<char> bytes(size);
  std::uint32_t x = seed * 2654435761u + 1;
  for (char& c : bytes) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return bytes;
}

/// "same", or where the file first differs from `expected` (a short string
/// for Catch to print, instead of a megabyte of vector).
std::string compare_file(const std::string& path, const std::vector<char>& expected) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> actual{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (actual.size() != expected.size()) {
    return "size " + std::to_string(actual.size()) + ", expected " + std::to_string(expected.size());
  }
  for (std::size_t i = 0; i < actual.size(); ++i) {
    if (actual[i] != expected[i]) return "differs at byte " + std::to_string(i);
  }
  return "same";
}

}  // namespace

TEST_CASE("IoBuffer: whole pages, page-aligned, movable", "[io_buffer]") {
  IoBuffer small = IoBuffer::allocate(100);
  REQUIRE(small);
  CHECK(small.capacity() == 4096);
  CHECK(reinterpret_cast<std::uintptr_t>(small.data()) % 4096 == 0);
  small.data()[99] = 'x';

  IoBuffer big = IoBuffer::allocate(4u << 20);
  CHECK(big.capacity() == (4u << 20));
  CHECK(reinterpret_cast<std::uintptr_t>(big.data()) % 4096 == 0);
  big.data()[big.capacity() - 1] = 'y';  // the whole range is mapped

  IoBuffer odd = IoBuffer::allocate((3u << 20) + 1);
  CHECK(odd.capacity() == (3u << 20) + 4096);
  CHECK(reinterpret_cast<std::uintptr_t>(odd.data()) % 4096 == 0);

  char* const bytes = big.data();
  IoBuffer moved = std::move(big);
  CHECK_FALSE(big);
  CHECK(moved.data() == bytes);
  CHECK(moved.data()[moved.capacity() - 1] == 'y');
  moved = std::move(small);
  CHECK(moved.capacity() == 4096);
  CHECK(moved.data()[99] == 'x');
}

TEST_CASE("posix backend: O_DIRECT from the size threshold up, bytes exact with unaligned tails", "[file_posix]") {
  TempDir dir;
  const std::uint64_t threshold = 1u << 20;
  std::unique_ptr<caios::FileBackend> backend = caios::make_posix_backend(threshold);

  SECTION("a file below the threshold is written through the page cache") {
    const std::string path = dir.path() + "/small";
    auto file = backend->open(path, threshold - 1, OpenMode::whole_file);
    REQUIRE(file.ok());
    CHECK((*file)->alignment() == 1);
    const std::vector<char> bytes = pattern(threshold - 1, 1);
    REQUIRE((*file)->write_at(0, bytes.data(), bytes.size()).ok());
    REQUIRE((*file)->close().ok());
    CHECK(compare_file(path, bytes) == "same");
  }

  SECTION("a file at the threshold: aligned pieces direct, then an unaligned tail") {
    const std::string path = dir.path() + "/large";
    const std::size_t size = threshold + 12345;
    auto file = backend->open(path, size, OpenMode::whole_file);
    REQUIRE(file.ok());
    // A file system that refused O_DIRECT would give a buffered file
    // (alignment 1), which is also correct; ext4 and xfs take it.
    const bool direct = (*file)->alignment() > 1;
    struct statfs fs {};
    REQUIRE(::statfs(dir.path().c_str(), &fs) == 0);
    if (fs.f_type == 0xEF53 /* ext4 */ || fs.f_type == 0x58465342 /* xfs */) CHECK(direct);
    const std::vector<char> bytes = pattern(size, 2);
    IoBuffer piece = IoBuffer::allocate(256 * 1024);
    std::uint64_t offset = 0;
    while (offset + piece.capacity() <= size) {
      std::copy_n(bytes.data() + offset, piece.capacity(), piece.data());
      REQUIRE((*file)->write_at(offset, piece.data(), piece.capacity()).ok());
      offset += piece.capacity();
    }
    CHECK((*file)->alignment() == (direct ? 4096u : 1u));
    REQUIRE((*file)->write_at(offset, bytes.data() + offset, size - offset).ok());  // the tail
    CHECK((*file)->alignment() == 1);  // buffered from the tail on
    REQUIRE((*file)->close().ok());
    CHECK(compare_file(path, bytes) == "same");
  }

  SECTION("one write of an aligned front and a tail: both land, the tail through the page cache") {
    const std::string path = dir.path() + "/front-and-tail";
    const std::size_t size = threshold + 4096 * 3 + 77;
    auto file = backend->open(path, size, OpenMode::whole_file);
    REQUIRE(file.ok());
    const std::vector<char> bytes = pattern(size, 4);
    IoBuffer whole = IoBuffer::allocate(size);
    std::copy_n(bytes.data(), size, whole.data());
    REQUIRE((*file)->write_at(0, whole.data(), size).ok());
    CHECK((*file)->alignment() == 1);
    REQUIRE((*file)->close().ok());
    CHECK(compare_file(path, bytes) == "same");
  }

  SECTION("chunks of one file from several handles, each direct") {
    const std::string path = dir.path() + "/chunked";
    const std::size_t chunk = 2u << 20, size = 3 * chunk + 100;
    const std::vector<char> bytes = pattern(size, 3);
    IoBuffer piece = IoBuffer::allocate(chunk);
    for (std::size_t offset = 0; offset < size; offset += chunk) {
      auto file = backend->open(path, size, OpenMode::shared_chunks);
      REQUIRE(file.ok());
      const std::size_t n = std::min(chunk, size - offset);
      std::copy_n(bytes.data() + offset, n, piece.data());
      REQUIRE((*file)->write_at(offset, piece.data(), n).ok());
      REQUIRE((*file)->close().ok());
    }
    CHECK(compare_file(path, bytes) == "same");
  }

  SECTION("never: no file is opened O_DIRECT") {
    std::unique_ptr<caios::FileBackend> buffered = caios::make_posix_backend(caios::kNoDirectIo);
    auto file = buffered->open(dir.path() + "/huge", 1ull << 40, OpenMode::whole_file);
    REQUIRE(file.ok());
    CHECK((*file)->alignment() == 1);
  }
}
