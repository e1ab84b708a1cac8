#include "caios2dfs/copy/object_file.hpp"

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
                                        std::optional<Error> error, bool* closed_ok) {
  if (!error && tail.size > 0) {
    if (Status written = file->write_at(tail.offset, tail.data, tail.size); !written.ok()) error = written.error();
  }
  // close() reports deferred write errors on network file systems: always
  // close, and keep the first error.
  Status closed = file->close();
  if (closed_ok != nullptr) *closed_ok = closed.ok();
  if (!error && !closed.ok()) error = closed.error();
  if (!error && !is_chunk) {
    if (Status published = destination.publish(paths, mtime_ns); !published.ok()) error = published.error();
  }
  if (error && !is_chunk) destination.discard(paths);
  return error;
}

}  // namespace caios
