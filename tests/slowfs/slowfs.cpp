// slowfs: a FUSE passthrough file system whose every metadata call waits a
// fixed delay first, so that tests and benchmarks on one machine see what a
// cluster file system (NFS-based VAST, Weka, Lustre, GPFS) costs: a network
// round trip for each create, open, rename, setattr, unlink, mkdir, getattr
// and release. Data (read, write) passes through without delay.
//
//   slowfs --backing=DIR --delay-us=N [--refuse-direct] [--no-links] MOUNTPOINT [FUSE options, e.g. -f]
//
// The getattr that libfuse makes right after a create, mkdir, link or
// setattr is free: a DFS returns those attributes in the reply itself. The
// lookup the kernel makes before a create or link is charged (a DFS client
// may skip it for an exclusive create; slowfs does not model that).
// Calls run on libfuse's thread pool, so concurrent calls wait concurrently,
// as concurrent RPCs to a DFS do. The kernel caches nothing (entry, negative
// and attribute timeouts 0): every lookup reaches us and pays the delay, the
// worst case of a DFS client (NFS with `noac`). O_DIRECT is accepted and not
// passed to the backing file (the kernel hands us unaligned buffers), or,
// with --refuse-direct, refused with EINVAL at open, as by DFS clients that
// have no direct I/O. Hard links pass through (a metadata call), or, with
// --no-links, fail with EPERM, as on file systems without them.
// Started and stopped by scripts/slowfs; used only by tests and benchmarks.
#define FUSE_USE_VERSION 35
#include <fuse3/fuse.h>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>

namespace {

struct Settings {
  char* backing = nullptr;
  long delay_us = 1000;
  int refuse_direct = 0;
  int no_links = 0;
};
Settings settings;

/// Metadata calls served, for the stats file (read by tests).
std::atomic<unsigned long> metadata_calls{0};

std::string real(const char* path) { return std::string(settings.backing) + path; }

/// One metadata round trip.
void round_trip() {
  metadata_calls.fetch_add(1, std::memory_order_relaxed);
  if (settings.delay_us > 0) std::this_thread::sleep_for(std::chrono::microseconds(settings.delay_us));
}

int result(int rc) { return rc < 0 ? -errno : 0; }

/// A DFS answers a create, mkdir, link or setattr with the file's attributes
/// in the same reply (NFSv3 post-op attributes, an NFSv4 compound's GETATTR,
/// Lustre's and SMB's replies alike). libfuse's high-level API asks for them
/// in a second getattr call on the same thread right after a successful one;
/// that call is part of the reply, so it pays no round trip of its own.
thread_local bool attributes_in_reply = false;

/// The result of a call whose reply carries the attributes.
int replied_with_attributes(int rc) {
  attributes_in_reply = rc == 0;
  return rc;
}

// ---- metadata: each waits one round trip

int fs_getattr(const char* path, struct stat* st, fuse_file_info* fi) {
  if (!std::exchange(attributes_in_reply, false)) round_trip();
  return result(fi != nullptr ? ::fstat(static_cast<int>(fi->fh), st) : ::lstat(real(path).c_str(), st));
}

int fs_mkdir(const char* path, mode_t mode) {
  round_trip();
  return replied_with_attributes(result(::mkdir(real(path).c_str(), mode)));
}

int fs_unlink(const char* path) {
  round_trip();
  return result(::unlink(real(path).c_str()));
}

int fs_rmdir(const char* path) {
  round_trip();
  return result(::rmdir(real(path).c_str()));
}

int fs_rename(const char* from, const char* to, unsigned int flags) {
  round_trip();
  if (flags != 0) return -EINVAL;
  return result(::rename(real(from).c_str(), real(to).c_str()));
}

int fs_link(const char* from, const char* to) {
  round_trip();
  return replied_with_attributes(result(::link(real(from).c_str(), real(to).c_str())));
}

int fs_chmod(const char* path, mode_t mode, fuse_file_info* fi) {
  round_trip();
  return replied_with_attributes(
      result(fi != nullptr ? ::fchmod(static_cast<int>(fi->fh), mode) : ::chmod(real(path).c_str(), mode)));
}

int fs_truncate(const char* path, off_t size, fuse_file_info* fi) {
  round_trip();
  return replied_with_attributes(
      result(fi != nullptr ? ::ftruncate(static_cast<int>(fi->fh), size) : ::truncate(real(path).c_str(), size)));
}

int fs_utimens(const char* path, const struct timespec times[2], fuse_file_info* fi) {
  round_trip();
  if (fi != nullptr) return replied_with_attributes(result(::futimens(static_cast<int>(fi->fh), times)));
  return replied_with_attributes(result(::utimensat(AT_FDCWD, real(path).c_str(), times, AT_SYMLINK_NOFOLLOW)));
}

int open_backing(const char* path, int flags, mode_t mode, fuse_file_info* fi) {
  if (settings.refuse_direct != 0 && (flags & O_DIRECT) != 0) return -EINVAL;
  const int fd = ::open(real(path).c_str(), (flags & ~O_DIRECT) | O_CLOEXEC, mode);
  if (fd < 0) return -errno;
  fi->fh = static_cast<std::uint64_t>(fd);
  return 0;
}

int fs_create(const char* path, mode_t mode, fuse_file_info* fi) {
  round_trip();
  return replied_with_attributes(open_backing(path, fi->flags | O_CREAT, mode, fi));
}

int fs_open(const char* path, fuse_file_info* fi) {
  round_trip();
  return open_backing(path, fi->flags, 0, fi);
}

int fs_release(const char*, fuse_file_info* fi) {
  round_trip();
  return result(::close(static_cast<int>(fi->fh)));
}

// ---- data and directory listing: no delay

int fs_read(const char*, char* buffer, std::size_t size, off_t offset, fuse_file_info* fi) {
  const ssize_t n = ::pread(static_cast<int>(fi->fh), buffer, size, offset);
  return n < 0 ? -errno : static_cast<int>(n);
}

int fs_write(const char*, const char* buffer, std::size_t size, off_t offset, fuse_file_info* fi) {
  const ssize_t n = ::pwrite(static_cast<int>(fi->fh), buffer, size, offset);
  return n < 0 ? -errno : static_cast<int>(n);
}

int fs_fsync(const char*, int datasync, fuse_file_info* fi) {
  const int fd = static_cast<int>(fi->fh);
  return result(datasync != 0 ? ::fdatasync(fd) : ::fsync(fd));
}

int fs_readdir(const char* path, void* buffer, fuse_fill_dir_t fill, off_t, fuse_file_info*, fuse_readdir_flags) {
  DIR* dir = ::opendir(real(path).c_str());
  if (dir == nullptr) return -errno;
  while (dirent* entry = ::readdir(dir)) {
    struct stat st {};
    st.st_ino = entry->d_ino;
    st.st_mode = static_cast<mode_t>(DTTOIF(entry->d_type));
    if (fill(buffer, entry->d_name, &st, 0, static_cast<fuse_fill_dir_flags>(0)) != 0) break;
  }
  ::closedir(dir);
  return 0;
}

int fs_statfs(const char*, struct statvfs* st) { return result(::statvfs(settings.backing, st)); }

void* fs_init(fuse_conn_info*, fuse_config* config) {
  // Nothing cached in the kernel: every lookup and stat is a call (see top).
  config->entry_timeout = 0;
  config->negative_timeout = 0;
  config->attr_timeout = 0;
  config->use_ino = 1;
  return nullptr;
}

void fs_destroy(void*) {
  // The count of metadata calls, for tests that check the delay was paid.
  if (const char* stats = std::getenv("SLOWFS_STATS_FILE")) {
    if (std::FILE* out = std::fopen(stats, "w")) {
      std::fprintf(out, "metadata_calls %lu\n", metadata_calls.load());
      std::fclose(out);
    }
  }
}

const fuse_opt kOptions[] = {
    {"--backing=%s", offsetof(Settings, backing), 0},
    {"--delay-us=%ld", offsetof(Settings, delay_us), 0},
    {"--refuse-direct", offsetof(Settings, refuse_direct), 1},
    {"--no-links", offsetof(Settings, no_links), 1},
    FUSE_OPT_END,
};

}  // namespace

int main(int argc, char** argv) {
  fuse_args args = FUSE_ARGS_INIT(argc, argv);
  if (fuse_opt_parse(&args, &settings, kOptions, nullptr) != 0) return 2;
  if (settings.backing == nullptr || settings.delay_us < 0) {
    std::fprintf(stderr, "usage: slowfs --backing=DIR [--delay-us=N] [--refuse-direct] [--no-links] MOUNTPOINT [FUSE options]\n");
    return 2;
  }
  char* backing = ::realpath(settings.backing, nullptr);
  if (backing == nullptr) {
    std::perror("slowfs: --backing");
    return 2;
  }
  settings.backing = backing;
  fuse_operations operations{};
  operations.getattr = fs_getattr;
  operations.mkdir = fs_mkdir;
  operations.unlink = fs_unlink;
  operations.rmdir = fs_rmdir;
  operations.rename = fs_rename;
  if (settings.no_links == 0) operations.link = fs_link;  // without: the kernel answers EPERM
  operations.chmod = fs_chmod;
  operations.truncate = fs_truncate;
  operations.utimens = fs_utimens;
  operations.create = fs_create;
  operations.open = fs_open;
  operations.release = fs_release;
  operations.read = fs_read;
  operations.write = fs_write;
  operations.fsync = fs_fsync;
  operations.readdir = fs_readdir;
  operations.statfs = fs_statfs;
  operations.init = fs_init;
  operations.destroy = fs_destroy;
  const int status = fuse_main(args.argc, args.argv, &operations, nullptr);
  fuse_opt_free_args(&args);
  std::free(backing);
  return status;
}
