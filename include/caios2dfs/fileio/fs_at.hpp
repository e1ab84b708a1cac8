// File-system calls relative to open directories (the *at() system calls),
// and the cache of open directories they use. A call on a file in an open
// directory resolves one name, where a call on a path resolves every
// component of it, and on a DFS client that does not cache them (NFS with
// noac; slowfs) each component is a round trip. On slowfs at 1 ms, 32
// threads publishing into 16 directories went from 240 to 481 files/s
// (README, "File calls").
//
// A cached handle keeps naming the directory it opened: if someone renames
// or replaces a DEST directory during a run, files keep landing in the
// directory that was opened. Do not move DEST's directories while a copy
// runs (the same holds for rclone's and rsync's open files).
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/base/unique_fd.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"

namespace caios {

/// One open directory (O_PATH): its descriptor and path, closed with the last reference.
class Directory {
 public:
  Directory(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~Directory();
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

/// A file named in an open directory; with no directory, `name` is a path
/// (relative to the working directory or absolute).
struct FileAt {
  std::shared_ptr<const Directory> directory;
  std::string name;
  int dirfd() const;
  /// The full path, for messages.
  std::string path() const;
};

/// Directories by path, at most `capacity` held open by the cache (least
/// recently used dropped first; a handle someone still holds stays open
/// until released). Thread-safe; the open itself runs outside the lock.
class DirectoryCache {
 public:
  explicit DirectoryCache(std::size_t capacity = 256) : capacity_(capacity) {}
  /// The open directory, or an Error (sys_errno ENOENT when it does not exist; not cached).
  Result<std::shared_ptr<const Directory>> open(const std::string& path);
  /// `name` within `directory`.
  Result<FileAt> file(const std::string& directory, std::string_view name);

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const Directory>>;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::list<Entry> recent_;  ///< most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_path_;
};

// fs_ops.hpp's calls on files in open directories; errors name the full path.

/// lstat; nullopt when nothing is there (ENOENT/ENOTDIR), Error otherwise.
Result<std::optional<FileStat>> stat_at(const FileAt& file);
/// Set the modification (and access) time.
Status set_mtime_at(const FileAt& file, std::int64_t mtime_ns);
/// renameat(2): atomically give `from` the name `to`, replacing what is there.
Status rename_at(const FileAt& from, const FileAt& to);
/// linkat(2); the Error keeps errno (EEXIST, EPERM, ...) in sys_errno.
Status link_at(const FileAt& from, const FileAt& to);
/// unlinkat(2); a missing file is not an error.
Status remove_file_at(const FileAt& file);
/// Copy the bytes of `from` into `to` (created or truncated), e.g. across a
/// boundary that neither link nor rename crosses.
Status copy_file_at(const FileAt& from, const FileAt& to);
/// The first `limit` bytes of a small file; nullopt when there is no file.
Result<std::optional<std::string>> read_file_at(const FileAt& file, std::size_t limit);
/// Open for appending, created when missing; `truncate`: emptied first.
Result<UniqueFd> open_append_at(const FileAt& file, bool truncate);

// The same on paths.
inline Result<std::optional<FileStat>> stat_path(const std::string& path) { return stat_at(FileAt{nullptr, path}); }
inline Status set_mtime(const std::string& path, std::int64_t mtime_ns) {
  return set_mtime_at(FileAt{nullptr, path}, mtime_ns);
}
inline Status rename_path(const std::string& from, const std::string& to) {
  return rename_at(FileAt{nullptr, from}, FileAt{nullptr, to});
}
inline Status link_path(const std::string& from, const std::string& to) {
  return link_at(FileAt{nullptr, from}, FileAt{nullptr, to});
}
inline Status remove_file(const std::string& path) { return remove_file_at(FileAt{nullptr, path}); }

}  // namespace caios

