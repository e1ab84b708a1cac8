// Where object bytes go: the file backends (POSIX pwrite, MPI-IO write_at)
// behind one narrow interface, IOR-style. A backend opens a destination file
// and writes byte ranges into it; everything about names (temporary file,
// rename, mtime, directories) is the same for all backends and lives in
// fs_ops.hpp.
//
// Thread contract: with a thread_safe() backend, write_at() of one file may
// run on several threads at once for disjoint ranges, and a file may be
// opened, written and closed on different threads, one after another;
// close() comes after every write has returned. Several ranks (and several
// WritableFiles) may write disjoint ranges of the same file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/fileio/fs_at.hpp"

namespace caios {

enum class OpenMode {
  /// One writer writes the whole file: create or truncate, then fill.
  whole_file,
  /// One of several writers of disjoint chunks: create if missing, set the
  /// size to the object's (idempotent; never cuts bytes below `size`).
  shared_chunks,
};

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  /// Write all of [data, data+size) at `offset`, or fail with an Error
  /// carrying the path, offset and cause.
  virtual Status write_at(std::uint64_t offset, const char* data, std::size_t size) = 0;
  /// Writes whose offset, size and buffer address are multiples of this go
  /// straight to the device (O_DIRECT), and may block until they are there;
  /// others are still correct. 1 for a file written through the page cache.
  virtual std::size_t alignment() const { return 1; }
  /// Flush and release the handle; further calls are no-ops. The destructor
  /// closes too, ignoring errors, for abandoned files.
  virtual Status close() = 0;
};

class FileBackend {
 public:
  virtual ~FileBackend() = default;
  virtual const char* name() const = 0;
  /// Whether open() and the files' calls may run on threads other than the
  /// one that created the backend (then concurrently, for different files
  /// or disjoint ranges of one file).
  virtual bool thread_safe() const { return true; }
  /// Open `path` for writing an object of `size` bytes.
  virtual Result<std::unique_ptr<WritableFile>> open(const std::string& path, std::uint64_t size, OpenMode mode) = 0;
  /// The same for a file in an open directory (openat(2) where the backend
  /// can; by its full path otherwise).
  virtual Result<std::unique_ptr<WritableFile>> open_at(const FileAt& file, std::uint64_t size, OpenMode mode) {
    return open(file.path(), size, mode);
  }
};

/// Never open files O_DIRECT (see make_posix_backend).
inline constexpr std::uint64_t kNoDirectIo = UINT64_MAX;

/// pwrite(2) on a file descriptor. Files of `direct_io_min_size` bytes or more
/// are opened O_DIRECT: aligned writes bypass the page cache (no copy into it,
/// bytes on the device when the write returns); the unaligned tail of a file
/// is written through the page cache. Falls back to buffered I/O where the
/// file system refuses O_DIRECT, at open or at the first write.
std::unique_ptr<FileBackend> make_posix_backend(std::uint64_t direct_io_min_size = kNoDirectIo);
/// MPI_File_write_at on a file opened with MPI_COMM_SELF (independent I/O,
/// so ranks never wait for each other).
std::unique_ptr<FileBackend> make_mpiio_backend();

}  // namespace caios
