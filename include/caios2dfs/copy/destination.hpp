// The destination tree: the one place that decides whether DEST already
// holds an object, where its bytes are written first, and how a finished
// file gets its final name. Used the same way for whole files (by the worker
// that fetched them) and for chunked files (by rank 0, before dealing the
// chunks and after the last one is in).
//
// Every file is written under a temporary name (key_path.hpp: temp_name_for)
// and gets its final name only when complete, after its mtime is set, so a
// final name never holds an incomplete file, and a rerun after a crash
// overwrites the same temporary name instead of leaking a new one.
//
// Whole files are staged: written in DEST/.caios2dfs-staging/<job>/<h>/ (job:
// this run's id, h: one of 16 directories, by the key's hash) and
// hard-linked to their final name, then unlinked from the staging
// directory. Why: a client holds a directory's lock for every create, rename
// and link in it, so files of one directory are published one at a time,
// and on a DFS each of those calls is a round trip. A create and a rename in
// the final directory cost 5 calls under that lock on slowfs; a link costs 2
// (README, "One directory"). A run never opens another run's staging names,
// so a name a killed run left linked to a final file is never truncated.
// The rank switches to temporary files beside the final name (and rename)
// for the rest of the run when the staging directory cannot be made, or a
// link fails for want of hard links (EPERM, EOPNOTSUPP, ENOSYS, EMLINK: the
// staged file is renamed across) or across a boundary (EXDEV: a mount point
// or project quota under DEST; the staged file is copied beside its final
// name, then renamed). Chunked files, which several ranks write, always use a
// temporary file beside the final name. An existing final file (an older
// version of the object) is replaced by rename, atomically.
//
// Every call names files relative to an open directory (fs_at.hpp), so it
// resolves one name, not the whole path.
//
// Thread contract: any number of threads may use one Destination at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/copy/resume_state.hpp"
#include "caios2dfs/copy/work_item.hpp"
#include "caios2dfs/fileio/dir_listing.hpp"
#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/fileio/fs_at.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"

namespace caios {

enum class SkipRule {
  size_and_mtime,  ///< default: skip when DEST has the object's size and mtime (1 s window)
  exists,          ///< --ignore-existing: skip when DEST exists at all
  /// --checksum: skip when DEST has the object's size and MD5 (the file is
  /// hashed only when its size matches; without an MD5 to compare, as for a
  /// multipart upload, size alone decides, as in rclone)
  size_and_checksum,
};

/// True when an existing file counts as already copied under `rule`; for
/// size_and_checksum, when its size matches (the hash is compared after). Pure.
bool destination_is_current(const FileStat& existing, const ObjectRef& object, SkipRule rule);

/// Absolute paths of an object's final file, its temporary file and their
/// directories.
struct FilePaths {
  std::string final_path;
  std::string temp_path;
  std::string directory;       ///< of the final file
  std::string temp_directory;  ///< of the temporary file: `directory`, or a staging directory
  std::string final_name;      ///< in `directory`
  std::string temp_name;       ///< in `temp_directory`
  std::string state_name;      ///< a chunked file's resume state, in `directory` (resume_state.hpp)
  bool staged() const { return temp_directory != directory; }
};
/// A chunked file's resume state, open for recording (resume_state.hpp).
struct ResumeFile {
  UniqueFd state;        ///< appended to; closed with this
  std::string path;      ///< of the state, for messages
  RangeSet written;      ///< by earlier runs (empty when starting afresh)
  std::string restarted;  ///< why an earlier run's state was not used; "" when none was there, or it was used
};

/// Pure: `dest_root` joined with the object's relative path; the temporary
/// file beside the final one.
FilePaths file_paths(const std::string& dest_root, const ObjectRef& object);
/// Pure: the same with the temporary file in run `job`'s staging directory.
FilePaths staged_file_paths(const std::string& dest_root, const std::string& job, const ObjectRef& object);

class Destination {
 public:
  /// `job`: this run's id, the same on every rank (names its staging
  /// directory). `stage`: write whole files in the staging directory while
  /// the file system takes hard links (false: always beside the final name).
  Destination(std::string root, SkipRule rule, std::string job = "job", bool stage = true);

  const std::string& root() const { return root_; }
  /// Paths of a chunked file (temporary file beside the final name).
  FilePaths paths(const ObjectRef& object) const { return file_paths(root_, object); }
  /// Paths of a whole file: staged unless the file system refused a link.
  FilePaths whole_file_paths(const ObjectRef& object) const;
  bool staging() const { return stage_.load(std::memory_order_relaxed); }

  /// True when the final file already holds the object under the skip rule:
  /// false without a call when its name was not in the directory's listing
  /// (dir_listing.hpp), else one stat, and for --checksum the file's MD5
  /// when its size matches (`hash` false: not that, the size decides). An
  /// Error when the stat or the read fails (permissions, ...).
  Result<bool> is_current(const FilePaths& paths, const ObjectRef& object, bool hash = true) const;
  SkipRule rule() const { return rule_; }

  /// mkdir -p of the file's directory (and its staging directory); each
  /// directory is made once per rank. When the staging directory cannot be
  /// made, `paths` is turned to a temporary file beside the final name and
  /// staging stops for this rank.
  Status prepare(FilePaths& paths);

  /// Create (whole_file: or truncate) the temporary file, after prepare().
  Result<std::unique_ptr<WritableFile>> open_temp(FileBackend& backend, const FilePaths& paths, std::uint64_t size,
                                                  OpenMode mode);

  /// A directory marker key ("dir/"): make DEST/relative_path.
  Status make_directory(const std::string& relative_path);

  /// The temporary file is complete: give it `mtime_ns` and its final name.
  /// On failure the caller discards the temporary file, as after any failure.
  Status publish(const FilePaths& paths, std::int64_t mtime_ns);

  /// Remove the temporary file of an object that failed; a missing file is fine.
  void discard(const FilePaths& paths);

  /// Rank 0, before a chunked object is cut (after prepare()): the ranges an
  /// earlier run wrote into its temporary file, trusted when the state
  /// beside it names `identity` and the file has the object's size; else
  /// an empty set and a new state, and the file is written whole.
  Result<ResumeFile> open_resume(const FilePaths& paths, const ObjectIdentity& identity);
  /// Append `range` to the state as written (one write(2)).
  static Status record_written(ResumeFile& file, ByteRange range);
  /// Remove a chunked file's resume state: with its temporary file, or once
  /// it is published. `if_listed`: only when the directory's listing
  /// (dir_listing.hpp) had it (a leftover beside a file found up to date),
  /// so that an up-to-date file costs no call.
  void discard_state(const FilePaths& paths, bool if_listed = false);
  /// A resume state is beside the temporary file (one stat).
  bool has_state(const FilePaths& paths) const;

  /// The end of the run, once every rank is done: remove this run's staging
  /// directory, and the staging root if nothing else is in it. Returns what
  /// else is there: the staging directories of killed runs, or of a run
  /// still going (which is why they are not removed).
  Result<std::vector<std::string>> remove_staging();

 private:
  Status publish_staged(const FileAt& temp, const FileAt& final, std::int64_t mtime_ns);
  Status publish_across(const FileAt& temp, const FileAt& final, std::int64_t mtime_ns);

  std::string root_;
  std::string job_;
  SkipRule rule_;
  std::atomic<bool> stage_;
  DirectoryMaker directories_;
  mutable DirectoryCache open_directories_;
  mutable DirectoryListings listings_;
};

}  // namespace caios
