// The writer threads: every job is written and handed back exactly once,
// also when several threads write disjoint ranges of one O_DIRECT file.
#include <stdlib.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "caios2dfs/fileio/async_writer.hpp"
#include "caios2dfs/fileio/file_sink.hpp"
#include "support/temp_dir.hpp"

TEST_CASE("async writer: 4 threads write one O_DIRECT file, every buffer comes back once", "[async_writer]") {
  caios::testing::TempDir dir;
  const std::string path = dir / "file";
  const std::size_t piece = 64 * 1024, pieces = 64, tail = 1000;
  const std::size_t size = piece * pieces + tail;

  std::unique_ptr<caios::FileBackend> backend = caios::make_posix_backend(0);
  auto file = backend->open(path, size, caios::OpenMode::shared_chunks);
  REQUIRE(file.ok());
  std::atomic<int> wakes{0};
  std::map<std::uint64_t, int> returned;
  {
    caios::AsyncWriter writer([&wakes] { ++wakes; }, 4);
    for (std::size_t i = 0; i <= pieces; ++i) {
      const std::size_t n = i < pieces ? piece : tail;
      caios::IoBuffer buffer = caios::IoBuffer::allocate(piece);
      std::fill_n(buffer.data(), n, static_cast<char>('a' + i % 26));
      writer.submit(caios::AsyncWriter::Job{file->get(), i * piece, std::move(buffer), n, i});
    }
    while (writer.in_flight() > 0) {
      for (caios::AsyncWriter::Done& done : writer.wait_completed()) {
        CHECK(done.status.ok());
        CHECK(done.buffer.capacity() == piece);
        ++returned[done.tag];
      }
    }
  }
  CHECK(wakes.load() == static_cast<int>(pieces + 1));
  REQUIRE(returned.size() == pieces + 1);
  for (const auto& [tag, count] : returned) CHECK(count == 1);
  REQUIRE((*file)->close().ok());

  std::ifstream in(path, std::ios::binary);
  const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  REQUIRE(content.size() == size);
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < size; ++i) wrong += content[i] != static_cast<char>('a' + (i / piece) % 26);
  CHECK(wrong == 0);
}
