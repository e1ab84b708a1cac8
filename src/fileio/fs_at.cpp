#include "caios2dfs/fileio/fs_at.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "caios2dfs/base/unique_fd.hpp"


namespace caios {

Directory::~Directory() { ::close(fd_); }

int FileAt::dirfd() const { return directory ? directory->fd() : AT_FDCWD; }

std::string FileAt::path() const { return directory ? join_path(directory->path(), name) : name; }

Result<std::shared_ptr<const Directory>> DirectoryCache::open(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = by_path_.find(path); it != by_path_.end()) {
      recent_.splice(recent_.begin(), recent_, it->second);
      return it->second->second;
    }
  }
  const int fd = ::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno_error("open", path, errno);  // path is already built
  auto directory = std::make_shared<const Directory>(fd, path);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = by_path_.find(path); it != by_path_.end()) return it->second->second;  // another thread won
  recent_.emplace_front(path, directory);
  by_path_[path] = recent_.begin();
  if (recent_.size() > capacity_) {
    by_path_.erase(recent_.back().first);
    recent_.pop_back();
  }
  return directory;
}

Result<FileAt> DirectoryCache::file(const std::string& directory, std::string_view name) {
  Result<std::shared_ptr<const Directory>> opened = open(directory);
  if (!opened.ok()) return opened.error();
  return FileAt{std::move(opened).value(), std::string(name)};
}

Result<std::optional<FileStat>> stat_at(const FileAt& file) {
  struct stat st {};
  if (::fstatat(file.dirfd(), file.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<FileStat>{};
    const int error_number = errno;  // before file.path() allocates
    return errno_error("stat", file.path(), error_number);
  }
  FileStat result;
  result.is_regular = S_ISREG(st.st_mode);
  result.is_directory = S_ISDIR(st.st_mode);
  result.size = static_cast<std::uint64_t>(st.st_size);
  result.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return std::optional<FileStat>(result);
}

Status set_mtime_at(const FileAt& file, std::int64_t mtime_ns) {
  timespec times[2];
  times[0].tv_sec = mtime_ns / 1'000'000'000;
  times[0].tv_nsec = mtime_ns % 1'000'000'000;
  times[1] = times[0];
  if (::utimensat(file.dirfd(), file.name.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    const int error_number = errno;
    return errno_error("utimensat", file.path(), error_number);
  }
  return ok_status();
}

Status rename_at(const FileAt& from, const FileAt& to) {
  if (::renameat(from.dirfd(), from.name.c_str(), to.dirfd(), to.name.c_str()) != 0) {
    const int error_number = errno;
    return errno_error("rename", to.path(), error_number);
  }
  return ok_status();
}

Status link_at(const FileAt& from, const FileAt& to) {
  if (::linkat(from.dirfd(), from.name.c_str(), to.dirfd(), to.name.c_str(), 0) != 0) {
    const int error_number = errno;
    return errno_error("link", to.path(), error_number);
  }
  return ok_status();
}

Status remove_file_at(const FileAt& file) {
  if (::unlinkat(file.dirfd(), file.name.c_str(), 0) != 0 && errno != ENOENT) {
    const int error_number = errno;
    return errno_error("unlink", file.path(), error_number);
  }
  return ok_status();
}

Status copy_file_at(const FileAt& from, const FileAt& to) {
  // errno is read before path() allocates, in each error below.
  UniqueFd in(::openat(from.dirfd(), from.name.c_str(), O_RDONLY | O_CLOEXEC));
  if (int error_number = errno; !in) return errno_error("open", from.path(), error_number);
  UniqueFd out(::openat(to.dirfd(), to.name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (int error_number = errno; !out) return errno_error("open", to.path(), error_number);
  std::vector<char> buffer(1 << 20);
  std::uint64_t offset = 0;
  for (;;) {
    const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (int error_number = errno; n < 0) return errno_error("read", from.path(), error_number, offset);
    if (n == 0) break;
    if (Status written = write_all(out.get(), buffer.data(), static_cast<std::size_t>(n), to.path(), offset);
        !written.ok()) {
      return written;
    }
    offset += static_cast<std::uint64_t>(n);
  }
  // close() reports deferred write errors on network file systems.
  if (::close(out.release()) != 0) {
    const int error_number = errno;
    return errno_error("close", to.path(), error_number);
  }
  return ok_status();
}

Result<std::optional<std::string>> read_file_at(const FileAt& file, std::size_t limit) {
  UniqueFd in(::openat(file.dirfd(), file.name.c_str(), O_RDONLY | O_CLOEXEC));
  if (int error_number = errno; !in) {
    if (error_number == ENOENT) return std::optional<std::string>();
    return errno_error("open", file.path(), error_number);
  }
  std::string text(limit, '\0');
  std::size_t got = 0;
  while (got < limit) {
    const ssize_t n = ::read(in.get(), text.data() + got, limit - got);
    if (n < 0 && errno == EINTR) continue;
    if (int error_number = errno; n < 0) return errno_error("read", file.path(), error_number, got);
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return std::optional<std::string>(std::move(text));
}

Result<UniqueFd> open_append_at(const FileAt& file, bool truncate) {
  const int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0);
  UniqueFd fd(::openat(file.dirfd(), file.name.c_str(), flags, 0644));
  if (int error_number = errno; !fd) return errno_error("open", file.path(), error_number);
  return fd;
}

}  // namespace caios

