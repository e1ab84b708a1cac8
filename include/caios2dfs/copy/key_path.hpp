// Object key -> path under DEST, with rclone copy's rule: the object
// PREFIX/a/b.bin of source `remote:bucket/PREFIX` lands at DEST/a/b.bin.
// Pure: no file system access; the caller joins the result onto DEST.
//
// The mapping is the only guard between untrusted key names and the local
// file system, so it refuses (rather than rewrites) anything that could
// escape DEST or that POSIX cannot store: a refused key is reported and
// skipped, never silently renamed onto another file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"

namespace caios {

/// Longest single path component we create (POSIX NAME_MAX on Linux file systems).
inline constexpr std::size_t kMaxNameBytes = 255;
/// Longest relative path we create (PATH_MAX minus the terminating NUL).
inline constexpr std::size_t kMaxRelativePathBytes = 4095;

/// The source path is always a directory for rclone copy, so the prefix
/// selects keys under "dir/", never "dirty": "" -> "", "dir" -> "dir/",
/// "dir/" -> "dir/".
std::string normalize_source_prefix(std::string_view prefix);

enum class KeyKind {
  file,              ///< an ordinary object: becomes a regular file
  directory_marker,  ///< a key ending in '/' (S3 console "folders"): becomes a directory
};

struct MappedKey {
  KeyKind kind = KeyKind::file;
  /// Relative to DEST, '/'-separated, never starting or ending with '/', no
  /// empty, "." or ".." component. Empty only for a directory marker that
  /// names DEST itself (the key equals the prefix, e.g. "dir/").
  std::string relative_path;
};

/// Maps `key` to its path under DEST. `prefix` is the source prefix; it is
/// normalized with normalize_source_prefix() first, so "dir" and "dir/" are
/// the same. Errors have kind invalid_key, operation "map key", subject the
/// key, and a message starting "skipped: " that says why. Refused: keys
/// outside the prefix, and keys whose relative path is empty, starts with
/// '/', has an empty, "." or ".." component, has a component longer than
/// kMaxNameBytes, contains a NUL byte, is longer than kMaxRelativePathBytes,
/// or has a component of the form of our temporary names (is_temp_name()),
/// which a rerun would overwrite or clean up, or whose top directory is
/// kStagingDirectory. Any other byte sequence, including
/// spaces, '%', '+', '\\' and non-UTF-8 bytes, is kept as it is.
Result<MappedKey> map_key_to_path(std::string_view key, std::string_view prefix);

/// The directory under DEST where whole files are written before they are
/// linked into place (destination.hpp); no key maps into it.
inline constexpr std::string_view kStagingDirectory = ".caios2dfs-staging";

/// Name of the temporary file, in the same directory as `final_name`, that a
/// file is written under before the rename that publishes it:
/// ".caios2dfs-" + 16 lowercase hex digits of the 64-bit FNV-1a hash of
/// `key` + ".part" (32 bytes). Deterministic, so a rerun reuses and
/// overwrites the temporary file of an interrupted run instead of leaking a
/// new one. Only the key is hashed: it already determines `final_name`, which
/// is accepted so call sites say which file the temporary belongs to.
std::string temp_name_for(std::string_view final_name, std::string_view key);

/// Name of the resume state of a chunked object's temporary file, beside
/// it (resume_state.hpp): the same with ".state" for ".part".
std::string state_name_for(std::string_view key);

/// True when `file_name` (one component, no '/') has exactly the form that
/// temp_name_for() or state_name_for() produces: no key may map to one.
bool is_temp_name(std::string_view file_name);

/// The directory part of a relative path: "a/b/c" -> "a/b", "c" -> "" (a view
/// into `relative_path`).
std::string_view parent_directory(std::string_view relative_path);

/// 64-bit FNV-1a of `bytes`; exposed so tests can check the published vectors.
std::uint64_t fnv1a_64(std::string_view bytes) noexcept;

}  // namespace caios
