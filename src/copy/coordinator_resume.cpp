// Rank 0's resume of chunked objects (see coordinator.hpp and
// resume_state.hpp): before an object is cut, the ranges an interrupted run
// already wrote into its temporary file are left out; as chunks report in,
// the ranges they wrote are appended to the state beside the file; when the
// job stops or a chunk fails for a reason a rerun may not meet again, the
// file and its state are kept for the rerun, else removed with it.
#include "caios2dfs/copy/coordinator.hpp"

#include <fmt/format.h>

#include "caios2dfs/copy/messages.hpp"

namespace caios {

namespace {

/// Writes stay O_DIRECT from a resumed range's first byte (file_sink.hpp).
constexpr std::uint64_t kResumeAlignment = 4096;

/// A chunk failed in a way a rerun may not meet again (or the job
/// stopped): what it and the others wrote is worth keeping.
bool worth_resuming(std::uint8_t kind) {
  switch (static_cast<ErrorKind>(kind)) {
    case ErrorKind::cancelled:
    case ErrorKind::network:
    case ErrorKind::timeout:
    case ErrorKind::throttled:
    case ErrorKind::server:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<ByteRange> Coordinator::open_resume(const ObjectRef& object, std::unique_ptr<Resuming>& resuming) {
  std::vector<ByteRange> whole{ByteRange{0, object.size}};
  ScopedNsTimer blocked(stats_.loop_fs_ns);
  Result<ResumeFile> file =
      destination_->open_resume(destination_->paths(object), ObjectIdentity{object.size, object.etag, object.mtime_ns});
  if (!file.ok()) {
    // Resuming saves time; without it the object is fetched whole, as before.
    if (job_.verbosity >= 0) fmt::print(stderr, "NOTICE: {}: no resume state: {}\n", object.key, file.error().to_string());
    return whole;
  }
  resuming = std::make_unique<Resuming>();
  resuming->file = std::move(file).value();
  resuming->written = resuming->file.written;
  if (!resuming->file.restarted.empty() && job_.verbosity >= 0) {
    fmt::print(stderr, "NOTICE: {}: fetched from its first byte: {}\n", object.key, resuming->file.restarted);
  }
  if (resuming->written.ranges().empty()) return whole;
  std::vector<ByteRange> missing = resuming->written.missing(object.size, kResumeAlignment);
  std::uint64_t todo = 0;
  for (const ByteRange& range : missing) todo += range.length;
  ++summary_.objects_resumed;
  summary_.bytes_resumed += object.size - todo;
  if (job_.verbosity > 0) {
    fmt::print("resuming: {} ({} of {} bytes were written by an interrupted run)\n", object.key, object.size - todo,
               object.size);
  }
  return missing;
}

void Coordinator::record_chunk(const ItemDone& done) {
  auto found = resuming_.find(done.object_id);
  if (found == resuming_.end()) return;
  Resuming& resuming = *found->second;
  if (done.chunk_index >= resuming.chunks.size()) {
    abort_on_broken_protocol(comm_, protocol_error("item done", "chunk", done.object_id, "chunk index out of range"));
  }
  ByteRange range = resuming.chunks[done.chunk_index];
  if (!done.chunk_ok) range.length = std::min(range.length, done.chunk_written);
  if (range.length == 0 || !resuming.file.state) return;
  ScopedNsTimer blocked(stats_.loop_fs_ns);
  if (Status recorded = Destination::record_written(resuming.file, range); !recorded.ok()) {
    // Not recorded is only not resumable: close it, the bytes still land.
    if (job_.verbosity >= 0) fmt::print(stderr, "NOTICE: {}\n", recorded.error().to_string());
    resuming.file.state.reset();
    return;
  }
  resuming.written.add(range);
}

bool Coordinator::end_resume(std::uint64_t object_id, const ObjectRef& object, bool ok, std::uint8_t failure_kind) {
  auto found = resuming_.find(object_id);
  if (found == resuming_.end()) return false;
  std::unique_ptr<Resuming> resuming = std::move(found->second);
  resuming_.erase(found);
  // ok: the state stays until the file is published (or fails its check).
  if (ok || !resuming->file.state || !worth_resuming(failure_kind) || resuming->written.bytes() == 0) return false;
  ++summary_.partial_files_kept;
  summary_.partial_bytes_kept += resuming->written.bytes();
  if (job_.verbosity > 0) {
    fmt::print("kept for a rerun: {} ({} of {} bytes)\n", object.key, resuming->written.bytes(), object.size);
  }
  return true;
}

bool Coordinator::keep_checked_later(const ObjectRef& object) {
  if (destination_ == nullptr) return false;
  ScopedNsTimer blocked(stats_.loop_fs_ns);
  if (!destination_->has_state(destination_->paths(object))) return false;
  ++summary_.partial_files_kept;
  summary_.partial_bytes_kept += object.size;
  if (job_.verbosity > 0) {
    fmt::print("kept for a rerun: {} ({} of {} bytes)\n", object.key, object.size, object.size);
  }
  return true;
}

void Coordinator::discard_chunked_file(const ObjectRef& object) {
  if (destination_ == nullptr) return;
  ScopedNsTimer blocked(stats_.loop_fs_ns);
  const FilePaths paths = destination_->paths(object);
  destination_->discard(paths);
  destination_->discard_state(paths);
}

}  // namespace caios
