// The POSIX backend: open(2) + pwrite(2).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>

#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"

namespace caios {

namespace {

// Each pwrite covers at most this much. Measured (scripts/bench-vs-rclone on
// the 2-core test VM, ext4, Linux 6.18): single writes of 1-4 MiB made the
// kernel allocate large page-cache folios and spent about twice the system
// time of 32-128 KiB writes for the same bytes; 8192 syscalls per GiB cost
// far less than that.
constexpr std::size_t kMaxWriteBytes = 128 * 1024;

constexpr std::size_t kDirectAlignment = 4096;

bool aligned(std::uint64_t value) { return value % kDirectAlignment == 0; }

class PosixFile final : public WritableFile {
 public:
  PosixFile(int fd, std::string path, bool direct) : fd_(fd), path_(std::move(path)), direct_(direct) {}
  ~PosixFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status write_at(std::uint64_t offset, const char* data, std::size_t size) override {
    if (direct_) {
      // The aligned front goes straight to the device; what is left (the
      // file's unaligned tail) through the page cache from here on.
      const std::size_t front = size / kDirectAlignment * kDirectAlignment;
      if (front > 0 && aligned(offset) && aligned(reinterpret_cast<std::uintptr_t>(data))) {
        Status status = write_loop(offset, data, front, front);  // the device takes large writes
        if (status.ok()) {
          data += front;
          size -= front;
          offset += front;
          if (size == 0) return status;
        } else if (status.error().sys_errno != EINVAL) {
          return status;
        }
        // EINVAL: the file system opened the file O_DIRECT but wants another
        // alignment (or none of it); the page cache always works.
      }
      if (Status buffered = stop_direct_io(offset); !buffered.ok()) return buffered;
    }
    return write_loop(offset, data, size, kMaxWriteBytes);
  }

  std::size_t alignment() const override { return direct_ ? kDirectAlignment : 1; }

  Status stop_direct_io(std::uint64_t offset) {
    const int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) return errno_error("fcntl", path_, errno, offset);
    direct_ = false;
    return ok_status();
  }

  Status write_loop(std::uint64_t offset, const char* data, std::size_t size, std::size_t max_write) {
    // One loop for EINTR and short writes (NFS and Lustre do return them).
    while (size > 0) {
      const ssize_t n = ::pwrite(fd_, data, std::min(size, max_write), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return errno_error("pwrite", path_, errno, offset);
      }
      data += n;
      size -= static_cast<std::size_t>(n);
      offset += static_cast<std::uint64_t>(n);
    }
    return ok_status();
  }

  Status close() override {
    if (fd_ < 0) return ok_status();
    const int fd = fd_;
    fd_ = -1;
    // close() reports deferred write errors on network file systems.
    if (::close(fd) != 0 && errno != EINTR) return errno_error("close", path_, errno);
    return ok_status();
  }

 private:
  int fd_;
  std::string path_;
  // Atomic: writer threads may write disjoint ranges of one file at once, and
  // the one that writes the unaligned tail turns O_DIRECT off.
  std::atomic<bool> direct_;
};

class PosixBackend final : public FileBackend {
 public:
  explicit PosixBackend(std::uint64_t direct_io_min_size)
      : direct_io_min_size_(std::max<std::uint64_t>(direct_io_min_size, kDirectAlignment)) {}
  const char* name() const override { return "posix"; }

  Result<std::unique_ptr<WritableFile>> open(const std::string& path, std::uint64_t size, OpenMode mode) override {
    return open_at(FileAt{nullptr, path}, size, mode);
  }

  Result<std::unique_ptr<WritableFile>> open_at(const FileAt& file, std::uint64_t size, OpenMode mode) override {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == OpenMode::whole_file ? O_TRUNC : 0);
    bool direct = size >= direct_io_min_size_;
    int fd = ::openat(file.dirfd(), file.name.c_str(), flags | (direct ? O_DIRECT : 0), 0644);
    if (fd < 0 && direct && errno == EINVAL) {
      // This file system has no O_DIRECT (tmpfs, some FUSE): buffered it is.
      direct = false;
      fd = ::openat(file.dirfd(), file.name.c_str(), flags, 0644);
    }
    if (fd < 0) {
      const int error_number = errno;  // before file.path() allocates
      return errno_error("open", file.path(), error_number);
    }
    const std::string path = file.path();
    if (mode == OpenMode::shared_chunks && ::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      const int error_number = errno;
      ::close(fd);
      return errno_error("ftruncate", path, error_number);
    }
    return std::unique_ptr<WritableFile>(new PosixFile(fd, path, direct));
  }

 private:
  std::uint64_t direct_io_min_size_;
};

}  // namespace

std::unique_ptr<FileBackend> make_posix_backend(std::uint64_t direct_io_min_size) {
  return std::make_unique<PosixBackend>(direct_io_min_size);
}

}  // namespace caios
