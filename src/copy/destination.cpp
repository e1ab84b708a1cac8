#include "caios2dfs/copy/destination.hpp"

#include <cstdlib>

#include "caios2dfs/copy/key_path.hpp"

namespace caios {

namespace {

// rclone's default --modify-window for S3 is 1 ns, but many file systems keep
// only seconds; 1 s is safe.
constexpr std::int64_t kModifyWindowNs = 1'000'000'000;

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
  const std::string_view relative(object.relative_path);
  const auto slash = relative.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? relative : relative.substr(slash + 1);
  paths.temp_path = join_path(paths.directory, temp_name_for(name, object.key));
  return paths;
}

Destination::Destination(std::string root, SkipRule rule) : root_(std::move(root)), rule_(rule) {}

Result<bool> Destination::is_current(const FilePaths& paths, const ObjectRef& object) const {
  Result<std::optional<FileStat>> existing = stat_path(paths.final_path);
  if (!existing.ok()) return existing.error();
  return existing.value().has_value() && destination_is_current(**existing, object, rule_);
}

Status Destination::prepare(const FilePaths& paths) { return directories_.make(paths.directory); }

Status Destination::make_directory(const std::string& relative_path) {
  return directories_.make(join_path(root_, relative_path));
}

Status Destination::publish(const FilePaths& paths, std::int64_t mtime_ns) {
  Status status = set_mtime(paths.temp_path, mtime_ns);
  if (status.ok()) status = rename_path(paths.temp_path, paths.final_path);
  return status;
}

void Destination::discard(const FilePaths& paths) { (void)remove_file(paths.temp_path); }

}  // namespace caios
