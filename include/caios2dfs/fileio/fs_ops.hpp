// File-system namespace operations shared by all backends, and the one place
// errno becomes an Error. The calls on single files (stat, utimens, rename,
// link, unlink) are in fs_at.hpp. Each returns an Error with the path and the OS's
// reason, plus what to do about it where that is clear (disk full, quota,
// permissions, read-only file system).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "caios2dfs/base/error.hpp"

namespace caios {

/// The Error for a failed system call.
Error errno_error(std::string_view operation, std::string_view path, int error_number, std::uint64_t offset = 0);

struct FileStat {
  bool is_regular = false;
  bool is_directory = false;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;
};

/// mkdir -p. Remembers directories it made or saw, for the whole job, so a
/// million files in one directory cost one mkdir, not a million.
/// Thread-safe: the file-call threads share one. The lock covers the memory
/// only, never a system call; two threads (or ranks) that make the same new
/// directory at once both succeed (EEXIST on a directory is success).
class DirectoryMaker {
 public:
  Status make(const std::string& directory);

 private:
  bool known(const std::string& directory) const;
  void remember(const std::string& directory);

  mutable std::mutex mutex_;
  std::unordered_set<std::string> known_;
};

/// rm -r of `path`; a missing path is not an error. For caios2dfs's own
/// staging directory only.
Status remove_tree(const std::string& path);

/// A file can be created in `directory`: one is created and removed
/// (`probe_name`, which must not exist). The Error keeps errno (EACCES,
/// EROFS, ENOSPC, EDQUOT...).
Status probe_writable(const std::string& directory, std::string_view probe_name);

/// write(2) all of [data, data+size) to `fd` at its current position,
/// through EINTR and short writes; errors name `path` and the file offset
/// (`offset` + bytes written).
Status write_all(int fd, const char* data, std::size_t size, std::string_view path, std::uint64_t offset = 0);

/// Write `text` to `path` through a temporary file and rename, so a reader
/// never sees half a report.
Status write_file_atomically(const std::string& path, std::string_view text);

/// "dir" + "/" + "name" (no doubled slash).
std::string join_path(std::string_view directory, std::string_view name);

}  // namespace caios
