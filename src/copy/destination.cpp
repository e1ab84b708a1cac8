#include "caios2dfs/copy/destination.hpp"

#include <cerrno>
#include <cstdlib>

#include "caios2dfs/copy/key_path.hpp"

namespace caios {

namespace {

// rclone's default --modify-window for S3 is 1 ns, but many file systems keep
// only seconds; 1 s is safe.
constexpr std::int64_t kModifyWindowNs = 1'000'000'000;

/// Staging directories: enough that creates and unlinks in them (each under
/// that directory's lock) never queue behind each other for long.
constexpr std::uint64_t kStagingFanout = 16;

std::string_view file_name(std::string_view relative_path) {
  const auto slash = relative_path.rfind('/');
  return slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
}

/// errno of a link(2) that says "this file system has no hard links here".
bool no_hard_links(int error_number) {
  return error_number == EPERM || error_number == EOPNOTSUPP || error_number == ENOSYS ||
         error_number == EXDEV || error_number == EMLINK;
}

}  // namespace

bool destination_is_current(const FileStat& existing, const ObjectRef& object, SkipRule rule) {
  if (rule == SkipRule::exists) return true;
  if (!existing.is_regular || existing.size != object.size) return false;
  if (object.mtime_ns == 0) return false;  // unknown age: copy again rather than guess
  return std::llabs(existing.mtime_ns - object.mtime_ns) < kModifyWindowNs;
}

FilePaths file_paths(const std::string& dest_root, const ObjectRef& object) {
  FilePaths paths;
  paths.final_path = join_path(dest_root, object.relative_path);
  paths.directory = join_path(dest_root, parent_directory(object.relative_path));
  paths.temp_directory = paths.directory;
  paths.final_name = std::string(file_name(object.relative_path));
  paths.temp_name = temp_name_for(paths.final_name, object.key);
  paths.temp_path = join_path(paths.directory, paths.temp_name);
  return paths;
}

FilePaths staged_file_paths(const std::string& dest_root, const ObjectRef& object) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  FilePaths paths = file_paths(dest_root, object);
  const std::string bucket(1, kHexDigits[fnv1a_64(object.key) % kStagingFanout]);
  paths.temp_directory = join_path(join_path(dest_root, kStagingDirectory), bucket);
  paths.temp_path = join_path(paths.temp_directory, paths.temp_name);
  return paths;
}

Destination::Destination(std::string root, SkipRule rule, bool stage)
    : root_(std::move(root)), rule_(rule), stage_(stage) {}

FilePaths Destination::whole_file_paths(const ObjectRef& object) const {
  return staging() ? staged_file_paths(root_, object) : file_paths(root_, object);
}

Result<bool> Destination::is_current(const FilePaths& paths, const ObjectRef& object) const {
  Result<FileAt> final = open_directories_.file(paths.directory, paths.final_name);
  if (!final.ok()) {
    const int error_number = final.error().sys_errno;
    if (error_number == ENOENT || error_number == ENOTDIR) return false;  // no directory, no file
    return final.error();
  }
  if (!listings_.may_exist(*final)) return false;
  Result<std::optional<FileStat>> existing = stat_at(*final);
  if (!existing.ok()) return existing.error();
  return existing.value().has_value() && destination_is_current(**existing, object, rule_);
}

Status Destination::prepare(const FilePaths& paths) {
  Status made = directories_.make(paths.directory);
  if (made.ok() && paths.staged()) made = directories_.make(paths.temp_directory);
  return made;
}

Result<std::unique_ptr<WritableFile>> Destination::open_temp(FileBackend& backend, const FilePaths& paths,
                                                            std::uint64_t size, OpenMode mode) {
  Result<FileAt> temp = open_directories_.file(paths.temp_directory, paths.temp_name);
  if (!temp.ok()) return temp.error();
  return backend.open_at(*temp, size, mode);
}

Status Destination::make_directory(const std::string& relative_path) {
  return directories_.make(join_path(root_, relative_path));
}

Status Destination::publish(const FilePaths& paths, std::int64_t mtime_ns) {
  Result<FileAt> temp = open_directories_.file(paths.temp_directory, paths.temp_name);
  if (!temp.ok()) return temp.error();
  Result<FileAt> final = open_directories_.file(paths.directory, paths.final_name);
  if (!final.ok()) return final.error();
  if (Status status = set_mtime_at(*temp, mtime_ns); !status.ok()) return status;
  if (paths.staged()) return publish_staged(*temp, *final);
  return rename_at(*temp, *final);
}

Status Destination::publish_staged(const FileAt& temp, const FileAt& final) {
  Status linked = link_at(temp, final);
  if (linked.ok()) {
    // The file is in place. A staging name that stays (the unlink failed)
    // goes with the staging directory at the end of the job.
    (void)remove_file_at(temp);
    return linked;
  }
  const int error_number = linked.error().sys_errno;
  if (no_hard_links(error_number)) {
    stage_.store(false, std::memory_order_relaxed);  // later files: beside their final names
  } else if (error_number != EEXIST) {
    return linked;
  }
  // An older file is there (EEXIST), or no link: rename replaces atomically.
  return rename_at(temp, final);
}

void Destination::discard(const FilePaths& paths) {
  Result<FileAt> temp = open_directories_.file(paths.temp_directory, paths.temp_name);
  (void)(temp.ok() ? remove_file_at(*temp) : remove_file(paths.temp_path));
}

Status Destination::remove_staging() { return remove_tree(join_path(root_, kStagingDirectory)); }

}  // namespace caios
