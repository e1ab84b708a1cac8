// The file side of one object, in the blocking steps the file-call threads
// (fileio/task_pool.hpp) run for the transfer executor: before the GET, the
// skip check and the temporary file; after it, the last write, close and
// publish. Nothing here touches the event loop's state, so a step may run on
// any thread; several run at once for different objects.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/copy/destination.hpp"
#include "caios2dfs/copy/work_item.hpp"
#include "caios2dfs/fileio/file_sink.hpp"

namespace caios {

struct OpenedObject {
  enum class Outcome {
    open,     ///< `file` is the temporary file, ready for the bytes
    skipped,  ///< DEST already holds the object (skip rule)
    dry_run,  ///< would be copied; nothing was created
    failed,   ///< `error` says why
  };
  Outcome outcome = Outcome::failed;
  std::unique_ptr<WritableFile> file;
  std::optional<Error> error;
};

/// Before the GET. A whole file: the skip check (the directory's listing,
/// then a stat of the final name if it was listed), then, unless a dry run,
/// mkdir -p of its directory and the temporary file, created empty (`paths`
/// may change to a temporary file beside the final name: Destination::
/// prepare). A chunk: the shared temporary file only (rank 0 checked the
/// object and made its directory before splitting it).
OpenedObject open_object_file(Destination& destination, FileBackend& backend, FilePaths& paths,
                              const ObjectRef& object, bool is_chunk, bool dry_run);

/// The bytes still in memory when the GET ended, for the last write.
struct FileTail {
  const char* data = nullptr;
  std::size_t size = 0;
  std::uint64_t offset = 0;
};

/// After the GET and every earlier write of the object: write `tail`, close,
/// and for a whole file give it the object's mtime and its final name.
/// `error` is what already went wrong (the GET, an earlier write, a changed
/// object): then nothing more is written. On any error a whole file's
/// temporary file is removed (a chunk's belongs to rank 0). Returns the
/// error that ended the object, or nullopt when it is in place.
/// `closed_ok`, when given, says whether the close itself succeeded (on a
/// network file system, whether the bytes written reached the server).
std::optional<Error> finish_object_file(Destination& destination, std::unique_ptr<WritableFile> file,
                                        const FilePaths& paths, FileTail tail, std::int64_t mtime_ns, bool is_chunk,
                                        std::optional<Error> error, bool* closed_ok = nullptr);

}  // namespace caios
