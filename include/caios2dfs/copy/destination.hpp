// The destination tree: the one place that decides whether DEST already
// holds an object, where its bytes are written first, and how a finished
// file gets its final name. Used the same way for whole files (by the worker
// that fetched them) and for chunked files (by rank 0, before dealing the
// chunks and after the last one is in).
//
// Every file is written under a temporary name in its own directory
// (key_path.hpp: temp_name_for) and renamed after its mtime is set, so a
// final name never holds an incomplete file, and a rerun after a crash
// overwrites the same temporary name instead of leaking a new one.
//
// Thread contract: one thread per Destination (each rank has its own).
#pragma once

#include <cstdint>
#include <string>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/copy/work_item.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"

namespace caios {

enum class SkipRule {
  size_and_mtime,  ///< default: skip when DEST has the object's size and mtime (1 s window)
  exists,          ///< --ignore-existing: skip when DEST exists at all
};

/// True when an existing file counts as already copied under `rule`. Pure.
bool destination_is_current(const FileStat& existing, const ObjectRef& object, SkipRule rule);

/// Absolute paths of an object's final file, its temporary file and their directory.
struct FilePaths {
  std::string final_path;
  std::string temp_path;
  std::string directory;
};
/// Pure: `dest_root` joined with the object's relative path.
FilePaths file_paths(const std::string& dest_root, const ObjectRef& object);

class Destination {
 public:
  Destination(std::string root, SkipRule rule);

  const std::string& root() const { return root_; }
  FilePaths paths(const ObjectRef& object) const { return file_paths(root_, object); }

  /// True when the final file already holds the object under the skip rule
  /// (one stat). An Error when the stat itself fails (permissions, ...).
  Result<bool> is_current(const FilePaths& paths, const ObjectRef& object) const;

  /// mkdir -p of the file's directory; each directory is made once per rank.
  Status prepare(const FilePaths& paths);

  /// A directory marker key ("dir/"): make DEST/relative_path.
  Status make_directory(const std::string& relative_path);

  /// The temporary file is complete: give it `mtime_ns` and its final name.
  /// On failure the caller discards the temporary file, as after any failure.
  Status publish(const FilePaths& paths, std::int64_t mtime_ns);

  /// Remove the temporary file of an object that failed; a missing file is fine.
  void discard(const FilePaths& paths);

 private:
  std::string root_;
  SkipRule rule_;
  DirectoryMaker directories_;
};

}  // namespace caios
