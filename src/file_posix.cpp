// The POSIX backend: open(2) + pwrite(2).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "caios2dfs/file_sink.hpp"
#include "caios2dfs/fs_ops.hpp"

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
      if (aligned(offset) && aligned(size) && aligned(reinterpret_cast<std::uintptr_t>(data))) {
        return write_loop(offset, data, size, size);  // the device takes large writes
      }
      // The file's unaligned tail: through the page cache from here on.
      const int flags = ::fcntl(fd_, F_GETFL);
      if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) return errno_error("fcntl", path_, errno, offset);
      direct_ = false;
    }
    return write_loop(offset, data, size, kMaxWriteBytes);
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
  bool direct_;
};

class PosixBackend final : public FileBackend {
 public:
  explicit PosixBackend(bool direct_io) : direct_io_(direct_io) {}
  const char* name() const override { return direct_io_ ? "posix (O_DIRECT)" : "posix"; }
  std::size_t preferred_alignment() const override { return direct_io_ ? kDirectAlignment : 1; }

  Result<std::unique_ptr<WritableFile>> open(const std::string& path, std::uint64_t size, OpenMode mode) override {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == OpenMode::whole_file ? O_TRUNC : 0);
    bool direct = direct_io_ && size >= kDirectAlignment;
    int fd = ::open(path.c_str(), flags | (direct ? O_DIRECT : 0), 0644);
    if (fd < 0 && direct && errno == EINVAL) {
      // This file system has no O_DIRECT (tmpfs, some FUSE): buffered it is.
      direct = false;
      fd = ::open(path.c_str(), flags, 0644);
    }
    if (fd < 0) return errno_error("open", path, errno);
    if (mode == OpenMode::shared_chunks && ::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      const int error_number = errno;
      ::close(fd);
      return errno_error("ftruncate", path, error_number);
    }
    return std::unique_ptr<WritableFile>(new PosixFile(fd, path, direct));
  }

 private:
  bool direct_io_;
};

}  // namespace

std::unique_ptr<FileBackend> make_posix_backend(bool direct_io) { return std::make_unique<PosixBackend>(direct_io); }

}  // namespace caios
