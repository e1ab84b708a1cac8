#include "caios2dfs/copy/file_md5.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "caios2dfs/base/unique_fd.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"
#include "caios2dfs/fileio/io_buffer.hpp"
#include "caios2dfs/s3/md5.hpp"

namespace caios {

Result<Md5Digest> hash_file(const std::string& path, std::uint64_t size) {
  constexpr std::size_t kPiece = 4u << 20;  // whole pages: a valid O_DIRECT read
  // Past the page cache where the file system allows it: a chunked file was
  // just written with O_DIRECT, and reading it into fresh cache pages costs
  // more CPU here than hashing it (README, "Integrity").
  bool direct = true;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECT));
  if (!fd && errno == EINVAL) {
    direct = false;
    fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  }
  if (!fd) return errno_error("open", path, errno);
  IoBuffer buffer = IoBuffer::allocate(kPiece);
  Md5 md5;
  std::uint64_t offset = 0;
  while (offset < size) {
    // Direct reads ask for whole pages and get fewer at the end of the file.
    const std::size_t want = direct ? kPiece : static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, size - offset));
    const ssize_t got = ::pread(fd.get(), buffer.data(), want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EINVAL && direct) {  // took O_DIRECT at open, not for reads
      direct = false;
      if (::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_DIRECT) != 0) {
        return errno_error("fcntl", path, errno);
      }
      continue;
    }
    if (got < 0) return errno_error("pread", path, errno, offset);
    if (got == 0) {
      return make_error(ErrorKind::io, "read back", path, "the file is shorter than the object", offset);
    }
    const auto used = static_cast<std::size_t>(std::min<std::uint64_t>(static_cast<std::uint64_t>(got), size - offset));
    md5.update(buffer.data(), used);
    offset += used;
  }
  (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED);
  std::optional<Md5Digest> digest = md5.finish();
  if (!digest) {
    return config_error("read back", path, "this OpenSSL cannot hash MD5 (FIPS mode?): rerun with --ignore-checksum");
  }
  return *digest;
}

}  // namespace caios
