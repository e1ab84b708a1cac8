// The POSIX backend: open(2) + pwrite(2).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

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

class PosixFile final : public WritableFile {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status write_at(std::uint64_t offset, const char* data, std::size_t size) override {
    // One loop for EINTR and short writes (NFS and Lustre do return them).
    while (size > 0) {
      const ssize_t n = ::pwrite(fd_, data, std::min(size, kMaxWriteBytes), static_cast<off_t>(offset));
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
};

class PosixBackend final : public FileBackend {
 public:
  const char* name() const override { return "posix"; }

  Result<std::unique_ptr<WritableFile>> open(const std::string& path, std::uint64_t size, OpenMode mode) override {
    const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode == OpenMode::whole_file ? O_TRUNC : 0);
    const int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) return errno_error("open", path, errno);
    if (mode == OpenMode::shared_chunks && ::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      const int error_number = errno;
      ::close(fd);
      return errno_error("ftruncate", path, error_number);
    }
    return std::unique_ptr<WritableFile>(new PosixFile(fd, path));
  }
};

}  // namespace

std::unique_ptr<FileBackend> make_posix_backend() { return std::make_unique<PosixBackend>(); }

}  // namespace caios
