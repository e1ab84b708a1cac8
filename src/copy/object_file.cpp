#include "caios2dfs/copy/object_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "caios2dfs/base/unique_fd.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"
#include "caios2dfs/s3/md5.hpp"

namespace caios {

OpenedObject open_object_file(Destination& destination, FileBackend& backend, FilePaths& paths,
                              const ObjectRef& object, bool is_chunk, bool dry_run) {
  OpenedObject opened;
  if (!is_chunk) {
    Result<bool> current = destination.is_current(paths, object);
    if (!current.ok()) {
      opened.error = current.error();
      return opened;
    }
    if (*current) {
      opened.outcome = OpenedObject::Outcome::skipped;
      return opened;
    }
  }
  if (dry_run) {
    opened.outcome = OpenedObject::Outcome::dry_run;
    return opened;
  }
  if (!is_chunk) {
    if (Status made = destination.prepare(paths); !made.ok()) {
      opened.error = made.error();
      return opened;
    }
  }
  Result<std::unique_ptr<WritableFile>> file =
      destination.open_temp(backend, paths, object.size, is_chunk ? OpenMode::shared_chunks : OpenMode::whole_file);
  if (!file.ok()) {
    opened.error = file.error();
    return opened;
  }
  opened.file = std::move(file).value();
  opened.outcome = OpenedObject::Outcome::open;
  return opened;
}

std::optional<Error> finish_object_file(Destination& destination, std::unique_ptr<WritableFile> file,
                                        const FilePaths& paths, FileTail tail, std::int64_t mtime_ns, bool is_chunk,
                                        std::optional<Error> error) {
  if (!error && tail.size > 0) {
    if (Status written = file->write_at(tail.offset, tail.data, tail.size); !written.ok()) error = written.error();
  }
  // close() reports deferred write errors on network file systems: always
  // close, and keep the first error.
  if (Status closed = file->close(); !error && !closed.ok()) error = closed.error();
  if (!error && !is_chunk) {
    if (Status published = destination.publish(paths, mtime_ns); !published.ok()) error = published.error();
  }
  if (error && !is_chunk) destination.discard(paths);
  return error;
}

Result<Md5Digest> hash_file(const std::string& path, std::uint64_t size) {
  constexpr std::size_t kPiece = 4u << 20;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error("open", path, errno);
  std::vector<char> buffer(kPiece);
  Md5 md5;
  std::uint64_t offset = 0;
  while (offset < size) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, size - offset));
    const ssize_t got = ::pread(fd.get(), buffer.data(), want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return errno_error("pread", path, errno, offset);
    if (got == 0) {
      return make_error(ErrorKind::io, "read back", path, "the file is shorter than the object", offset);
    }
    md5.update(buffer.data(), static_cast<std::size_t>(got));
    offset += static_cast<std::uint64_t>(got);
  }
  (void)::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_DONTNEED);
  std::optional<Md5Digest> digest = md5.finish();
  if (!digest) {
    return config_error("read back", path, "this OpenSSL cannot hash MD5 (FIPS mode?): rerun with --ignore-checksum");
  }
  return *digest;
}

}  // namespace caios
