#include "caios2dfs/fileio/fs_ops.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <filesystem>
#include <cstring>

namespace caios {

Error errno_error(std::string_view operation, std::string_view path, int error_number, std::uint64_t offset) {
  Error error = make_error(ErrorKind::io, std::string(operation), std::string(path), std::strerror(error_number),
                           offset);
  error.sys_errno = error_number;
  switch (error_number) {
    case ENOSPC: error.message += " (the destination file system is full: free space or choose another DEST)"; break;
    case EDQUOT: error.message += " (disk quota exceeded on the destination)"; break;
    case EACCES:
    case EPERM: error.message += " (check the destination's ownership and permissions)"; break;
    case EROFS: error.message += " (the destination is mounted read-only)"; break;
    case ENOTDIR:
    case EEXIST:
    case EISDIR:
      error.message += " (a file and a directory want the same name: an object key is also a prefix of other keys)";
      break;
    case ENAMETOOLONG: error.message += " (name too long for this file system)"; break;
    default: break;
  }
  // EINTR/EAGAIN are handled in the write loops; EIO and friends are not worth retrying blindly.
  error.retryable = false;
  return error;
}

bool DirectoryMaker::known(const std::string& directory) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return known_.count(directory) != 0;
}

void DirectoryMaker::remember(const std::string& directory) {
  std::lock_guard<std::mutex> lock(mutex_);
  // Bounded memory for trees with millions of directories.
  if (known_.size() > 100'000) known_.clear();
  known_.insert(directory);
}

Status DirectoryMaker::make(const std::string& directory) {
  if (directory.empty() || directory == "/" || known(directory)) return ok_status();
  // Bottom up: where the parent exists (the usual case) this is one mkdir,
  // which matters where each call is a network round trip.
  if (::mkdir(directory.c_str(), 0755) != 0) {
    // A parent is missing, or is not a directory (then the recursion
    // names the one in the way).
    if (errno == ENOENT || errno == ENOTDIR) {
      const std::size_t slash = directory.find_last_of('/');
      const std::string parent = slash == std::string::npos || slash == 0 ? std::string() : directory.substr(0, slash);
      if (parent.empty()) return errno_error("mkdir", directory, ENOENT);
      if (Status made = make(parent); !made.ok()) return made;
      if (::mkdir(directory.c_str(), 0755) == 0) return remember(directory), ok_status();
    }
    if (errno != EEXIST) return errno_error("mkdir", directory, errno);
    // Something is there: fine if it is a directory (or a link to one).
    struct stat st {};
    if (::stat(directory.c_str(), &st) != 0) return errno_error("stat", directory, errno);
    if (!S_ISDIR(st.st_mode)) return errno_error("mkdir", directory, ENOTDIR);
  }
  remember(directory);
  return ok_status();
}

Status remove_tree(const std::string& path) {
  std::error_code error;
  std::filesystem::remove_all(path, error);
  if (error) return errno_error("remove", path, error.value());
  return ok_status();
}

Status probe_writable(const std::string& directory, std::string_view probe_name) {
  const std::string path = join_path(directory, probe_name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error("create", path, errno);
  ::close(fd);
  if (::unlink(path.c_str()) != 0) return errno_error("unlink", path, errno);
  return ok_status();
}

Status write_all(int fd, const char* data, std::size_t size, std::string_view path, std::uint64_t offset) {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_error("write", path, errno, offset + written);
    written += static_cast<std::size_t>(n);
  }
  return ok_status();
}

Status write_file_atomically(const std::string& path, std::string_view text) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_error("open", temp, errno);
  if (Status written = write_all(fd, text.data(), text.size(), temp); !written.ok()) {
    ::close(fd);
    (void)::unlink(temp.c_str());
    return written;
  }
  if (::close(fd) != 0) return errno_error("close", temp, errno);
  if (::rename(temp.c_str(), path.c_str()) != 0) return errno_error("rename", path, errno);
  return ok_status();
}

std::string join_path(std::string_view directory, std::string_view name) {
  if (directory.empty()) return std::string(name);
  if (name.empty()) return std::string(directory);
  std::string result(directory);
  if (result.back() != '/') result += '/';
  result += name;
  return result;
}

}  // namespace caios
