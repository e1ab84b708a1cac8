#include "caios2dfs/copy/destination.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "caios2dfs/copy/file_md5.hpp"
#include "caios2dfs/copy/key_path.hpp"

namespace caios {

namespace {

// rclone's default --modify-window for S3 is 1 ns, but many file systems keep
// only seconds; 1 s is safe.
constexpr std::int64_t kModifyWindowNs = 1'000'000'000;

/// Staging directories: enough that creates and unlinks in them (each under
/// that directory's lock) never queue behind each other for long.
constexpr std::uint64_t kStagingFanout = 16;

/// A state file's lines are ~30 bytes per chunk; more than this is not ours.
constexpr std::size_t kMaxStateBytes = 16 << 20;

std::string_view file_name(std::string_view relative_path) {
  const auto slash = relative_path.rfind('/');
  return slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
}

/// errno of a link(2) that says "this file system has no hard links here"
/// (EXDEV, a boundary under DEST, is handled apart: rename fails there too).
bool no_hard_links(int error_number) {
  return error_number == EPERM || error_number == EOPNOTSUPP || error_number == ENOSYS || error_number == EMLINK;
}

/// `paths` with the temporary file beside the final one.
void unstage(FilePaths& paths) {
  paths.temp_directory = paths.directory;
  paths.temp_path = join_path(paths.directory, paths.temp_name);
}

}  // namespace

bool destination_is_current(const FileStat& existing, const ObjectRef& object, SkipRule rule) {
  if (rule == SkipRule::exists) return true;
  if (!existing.is_regular || existing.size != object.size) return false;
  if (rule == SkipRule::size_and_checksum) return true;  // the caller compares hashes
  if (object.mtime_ns == 0) return false;  // unknown age: copy again rather than guess
  return std::llabs(existing.mtime_ns - object.mtime_ns) < kModifyWindowNs;
}

FilePaths file_paths(const std::string& dest_root, const ObjectRef& object) {
  FilePaths paths;
  paths.final_path = join_path(dest_root, object.relative_path);
  paths.directory = join_path(dest_root, parent_directory(object.relative_path));
  paths.final_name = std::string(file_name(object.relative_path));
  paths.temp_name = temp_name_for(paths.final_name, object.key);
  paths.state_name = state_name_for(object.key);
  unstage(paths);
  return paths;
}

FilePaths staged_file_paths(const std::string& dest_root, const std::string& job, const ObjectRef& object) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  FilePaths paths = file_paths(dest_root, object);
  const std::string bucket(1, kHexDigits[fnv1a_64(object.key) % kStagingFanout]);
  paths.temp_directory = join_path(join_path(join_path(dest_root, kStagingDirectory), job), bucket);
  paths.temp_path = join_path(paths.temp_directory, paths.temp_name);
  return paths;
}

Destination::Destination(std::string root, SkipRule rule, std::string job, bool stage)
    : root_(std::move(root)), job_(std::move(job)), rule_(rule), stage_(stage) {}

FilePaths Destination::whole_file_paths(const ObjectRef& object) const {
  return staging() ? staged_file_paths(root_, job_, object) : file_paths(root_, object);
}

Result<bool> Destination::is_current(const FilePaths& paths, const ObjectRef& object, bool hash) const {
  Result<FileAt> final = open_directories_.file(paths.directory, paths.final_name);
  if (!final.ok()) {
    const int error_number = final.error().sys_errno;
    if (error_number == ENOENT || error_number == ENOTDIR) return false;  // no directory, no file
    return final.error();
  }
  if (!listings_.may_exist(*final)) return false;
  Result<std::optional<FileStat>> existing = stat_at(*final);
  if (!existing.ok()) return existing.error();
  if (!existing.value().has_value() || !destination_is_current(**existing, object, rule_)) return false;
  if (rule_ != SkipRule::size_and_checksum || !hash) return true;
  const std::optional<Md5Digest> expected = etag_md5(object.etag);
  if (!expected) return true;  // nothing to compare with: the size decides
  Result<Md5Digest> digest = hash_file(paths.final_path, object.size);
  if (!digest.ok()) return digest.error();
  return *digest == *expected;
}

Status Destination::prepare(FilePaths& paths) {
  Status made = directories_.make(paths.directory);
  if (made.ok() && paths.staged() && !directories_.make(paths.temp_directory).ok()) {
    // DEST's top may not be writable where the file's directory is.
    stage_.store(false, std::memory_order_relaxed);
    unstage(paths);
  }
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
  if (paths.staged()) return publish_staged(*temp, *final, mtime_ns);
  return rename_at(*temp, *final);
}

Status Destination::publish_staged(const FileAt& temp, const FileAt& final, std::int64_t mtime_ns) {
  Status linked = link_at(temp, final);
  if (linked.ok()) {
    // The file is in place. A staging name that stays (the unlink failed)
    // goes with the staging directory at the end of the job.
    (void)remove_file_at(temp);
    return linked;
  }
  const int error_number = linked.error().sys_errno;
  if (error_number == EXDEV) {
    stage_.store(false, std::memory_order_relaxed);  // later files: beside their final names
    return publish_across(temp, final, mtime_ns);
  }
  if (no_hard_links(error_number)) {
    stage_.store(false, std::memory_order_relaxed);
  } else if (error_number != EEXIST) {
    return linked;
  }
  // An older file is there (EEXIST), or no link: rename replaces atomically.
  Status renamed = rename_at(temp, final);
  if (!renamed.ok() && renamed.error().sys_errno == EXDEV) {
    // EEXIST came first (the kernel looks the name up before the link
    // checks a project-quota boundary): across it, copy.
    stage_.store(false, std::memory_order_relaxed);
    return publish_across(temp, final, mtime_ns);
  }
  return renamed;
}

Status Destination::publish_across(const FileAt& temp, const FileAt& final, std::int64_t mtime_ns) {
  // No link and no rename across this boundary: copy the staged bytes to a
  // temporary file beside the final name (same name as in staging), then
  // rename that. The caller discards the staged file, as after any publish.
  const FileAt beside{final.directory, temp.name};
  Status status = copy_file_at(temp, beside);
  if (status.ok()) status = set_mtime_at(beside, mtime_ns);
  if (status.ok()) status = rename_at(beside, final);
  if (!status.ok()) (void)remove_file_at(beside);
  (void)remove_file_at(temp);
  return status;
}

void Destination::discard(const FilePaths& paths) {
  Result<FileAt> temp = open_directories_.file(paths.temp_directory, paths.temp_name);
  (void)(temp.ok() ? remove_file_at(*temp) : remove_file(paths.temp_path));
}

Result<ResumeFile> Destination::open_resume(const FilePaths& paths, const ObjectIdentity& identity) {
  Result<FileAt> state_at = open_directories_.file(paths.directory, paths.state_name);
  if (!state_at.ok()) return state_at.error();
  ResumeFile file;
  file.path = state_at->path();
  Result<std::optional<std::string>> text = read_file_at(*state_at, kMaxStateBytes);
  if (!text.ok()) return text.error();
  if (*text) {
    const std::optional<ResumeState> state = parse_state(**text);
    Result<FileAt> temp = open_directories_.file(paths.temp_directory, paths.temp_name);
    Result<std::optional<FileStat>> temp_stat = temp.ok() ? stat_at(*temp) : Result<std::optional<FileStat>>(temp.error());
    // The size check: a temporary file that is gone or of another size
    // cannot hold what the state says (a crash lost it, or someone cut it).
    const bool sized = temp_stat.ok() && *temp_stat && (*temp_stat)->is_regular && (*temp_stat)->size == identity.size;
    if (!state) {
      file.restarted = "its resume state is damaged";
    } else if (!(state->identity == identity)) {
      file.restarted = "it changed since the interrupted run";
    } else if (!sized) {
      file.restarted = "its temporary file is missing or not the object's size";
    } else {
      file.written = state->written;
    }
  }
  const bool fresh = file.written.ranges().empty();
  Result<UniqueFd> fd = open_append_at(*state_at, fresh);
  if (!fd.ok()) return fd.error();
  file.state = std::move(fd).value();
  if (fresh) {
    const std::string header = state_header(identity);
    if (Status written = write_all(file.state.get(), header.data(), header.size(), file.path); !written.ok()) {
      return written.error();
    }
  }
  return file;
}

Status Destination::record_written(ResumeFile& file, ByteRange range) {
  const std::string line = state_line(range);
  return write_all(file.state.get(), line.data(), line.size(), file.path, range.offset);
}

bool Destination::has_state(const FilePaths& paths) const {
  Result<FileAt> state = open_directories_.file(paths.directory, paths.state_name);
  if (!state.ok()) return false;
  Result<std::optional<FileStat>> found = stat_at(*state);
  return found.ok() && found->has_value();
}

void Destination::discard_state(const FilePaths& paths, bool if_listed) {
  Result<FileAt> state = open_directories_.file(paths.directory, paths.state_name);
  if (!state.ok() || (if_listed && !listings_.may_exist(*state))) return;
  (void)remove_file_at(*state);
}

Result<std::vector<std::string>> Destination::remove_staging() {
  const std::string staging = join_path(root_, kStagingDirectory);
  if (Status removed = remove_tree(join_path(staging, job_)); !removed.ok()) return removed.error();
  std::vector<std::string> others;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(staging, error)) {
    others.push_back(entry.path().filename().string());
  }
  if (others.empty()) (void)::rmdir(staging.c_str());  // ENOENT (never made) is fine too
  return others;
}

}  // namespace caios
