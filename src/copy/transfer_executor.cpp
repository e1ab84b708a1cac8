#include "caios2dfs/copy/transfer_executor.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>


namespace caios {

namespace {

/// O_DIRECT writes in flight per rank (see async_writer.hpp).
constexpr int kWriterThreads = 4;

/// Pieces at least this large skip the write buffer (see the sink below).
constexpr std::size_t kDirectWriteBytes = 64 * 1024;

}  // namespace

struct TransferExecutor::ActiveItem {
  WorkItem item;
  std::size_t next_object = 0;  ///< batch: the next object to start
  int running = 0;              ///< its requests in flight
  ItemDone done;
};

struct TransferExecutor::ObjectTransfer {
  ActiveItem* item = nullptr;
  const ObjectRef* object = nullptr;
  bool is_chunk = false;
  FilePaths paths;
  std::unique_ptr<WritableFile> file;
  bool direct = false;  ///< file opened O_DIRECT: whole buffers only, on the writer threads
  IoBuffer buffer;  ///< taken on the first piece that is not written directly
  std::size_t buffered = 0;
  std::uint64_t buffer_offset = 0;  ///< object offset of buffer[0]
  std::optional<Error> write_error;
  std::uint64_t tag = 0;
  int pending_writes = 0;  ///< on the writer threads
  bool get_done = false;
  std::optional<Result<GetResult>> result;
};

TransferExecutor::TransferExecutor(S3Client& client, FileBackend& backend, Destination* destination,
                                   ExecutorOptions options, RankStats& stats,
                                   std::function<void(ItemDone&&)> on_item_done)
    : client_(client),
      backend_(backend),
      destination_(destination),
      options_(std::move(options)),
      stats_(stats),
      on_item_done_(std::move(on_item_done)) {
  options_.transfers = std::max(1, options_.transfers);
  // Whole pages, so that full buffers are aligned writes for O_DIRECT.
  options_.buffer_bytes = (std::max<std::size_t>(options_.buffer_bytes, 64 * 1024) + 4095) / 4096 * 4096;
}

TransferExecutor::~TransferExecutor() = default;

void TransferExecutor::add(WorkItem item) {
  auto active = std::make_unique<ActiveItem>();
  active->done.item_id = item.id;
  active->done.kind = item.kind;
  active->done.object_id = item.object_id;
  active->item = std::move(item);
  active_.push_back(std::move(active));
  pump();
}

bool TransferExecutor::wants_work() const {
  if (running_ >= options_.transfers) return false;
  for (const auto& active : active_) {
    if (active->next_object < active->item.objects.size()) return false;
  }
  return true;
}

void TransferExecutor::pump() {
  for (auto it = active_.begin(); it != active_.end() && running_ < options_.transfers;) {
    ActiveItem& active = **it;
    ++it;  // the item may finish (and be erased) inside the loop below
    while (running_ < options_.transfers && active.next_object < active.item.objects.size()) {
      const ObjectRef& object = active.item.objects[active.next_object++];
      start_object(active, object);
    }
    maybe_finish_item(active);
  }
}

void TransferExecutor::note_running_change(int delta) {
  const std::int64_t now = wall_clock_ns();
  if (running_ == 0 && delta > 0) busy_since_ns_ = now;
  running_ += delta;
  if (running_ == 0 && delta < 0) stats_.busy_ns += now - busy_since_ns_;
}

IoBuffer TransferExecutor::take_buffer() {
  // With writes in flight on the writer threads, memory stays bounded: past
  // one buffer per transfer plus a few, wait for a write to hand one back.
  while (writer_ && spare_buffers_.empty() && buffers_allocated_ >= static_cast<std::size_t>(options_.transfers) + 4 &&
         writer_->in_flight() > 0) {
    ScopedNsTimer blocked(stats_.loop_fs_ns);
    absorb(writer_->wait_completed());
  }
  if (!spare_buffers_.empty()) {
    IoBuffer buffer = std::move(spare_buffers_.back());
    spare_buffers_.pop_back();
    return buffer;
  }
  IoBuffer buffer = IoBuffer::allocate(options_.buffer_bytes);
  ++buffers_allocated_;
  return buffer;
}

void TransferExecutor::return_buffer(IoBuffer buffer) {
  if (!buffer) return;
  if (spare_buffers_.size() < static_cast<std::size_t>(options_.transfers) + 4) {
    spare_buffers_.push_back(std::move(buffer));
  } else {
    --buffers_allocated_;
  }
}

bool TransferExecutor::flush(ObjectTransfer& transfer) {
  if (transfer.buffered == 0 || !transfer.file || transfer.write_error) return !transfer.write_error;
  if (transfer.direct) {
    ++transfer.pending_writes;
    writer_->submit(AsyncWriter::Job{transfer.file.get(), transfer.buffer_offset, std::move(transfer.buffer),
                                     transfer.buffered, transfer.tag});
    transfer.buffer = IoBuffer{};
  } else {
    ScopedNsTimer blocked(stats_.loop_fs_ns);
    Status status = transfer.file->write_at(transfer.buffer_offset, transfer.buffer.data(), transfer.buffered);
    if (!status.ok()) transfer.write_error = status.error();
  }
  transfer.buffer_offset += transfer.buffered;
  transfer.buffered = 0;
  return !transfer.write_error;
}

void TransferExecutor::absorb(std::vector<AsyncWriter::Done> done) {
  for (AsyncWriter::Done& finished : done) {
    return_buffer(std::move(finished.buffer));
    auto it = writing_.find(finished.tag);
    if (it == writing_.end()) continue;
    ObjectTransfer& transfer = *it->second;
    --transfer.pending_writes;
    if (!finished.status.ok() && !transfer.write_error) transfer.write_error = finished.status.error();
    if (transfer.get_done && transfer.pending_writes == 0) ready_.push_back(it->second);
  }
}

void TransferExecutor::poll_writes() {
  if (!writer_) return;
  absorb(writer_->take_completed());
  std::vector<std::shared_ptr<ObjectTransfer>> ready;
  ready.swap(ready_);
  for (const auto& transfer : ready) finalize(*transfer);
  if (!ready.empty()) pump();
}

void TransferExecutor::fail_object(ActiveItem& item, const ObjectRef& object, const Error& error) {
  // A chunk's failure is counted once per object, by rank 0, when the last
  // chunk of that object reports in.
  if (item.item.kind != WorkKind::chunk) {
    ++stats_.objects_failed;
    ++stats_.errors_by_kind[static_cast<std::size_t>(error.kind)];
  } else {
    item.done.chunk_ok = false;
  }
  item.done.failures.push_back(ObjectFailure{object.key, error.to_string(), static_cast<std::uint8_t>(error.kind)});
  if (options_.verbosity >= 0) fmt::print(stderr, "ERROR: {}: {}\n", object.key, error.to_string());
}

void TransferExecutor::start_object(ActiveItem& item, const ObjectRef& object) {
  const bool is_chunk = item.item.kind == WorkKind::chunk;
  auto transfer = std::make_shared<ObjectTransfer>();
  transfer->item = &item;
  transfer->object = &object;
  transfer->is_chunk = is_chunk;

  GetRequest request;
  request.bucket = options_.bucket;
  request.key = object.key;
  request.if_match = object.etag;
  if (is_chunk) {
    request.offset = item.item.offset;
    request.length = item.item.length;
  }  // else: the whole object (no Range), which also serves empty objects
  transfer->buffer_offset = request.offset;
  if (destination_ != nullptr) {
    ScopedNsTimer blocked(stats_.loop_fs_ns);
    if (!open_destination(item, object, transfer)) return;
  }

  stats_.note_start(wall_clock_ns());
  ++stats_.requests;
  ++item.running;
  note_running_change(+1);
  client_.get(std::move(request), make_sink(transfer.get()), [this, transfer](Result<GetResult> result) {
    on_get_done(transfer, std::move(result));
  });
}

bool TransferExecutor::open_destination(ActiveItem& item, const ObjectRef& object,
                                        const std::shared_ptr<ObjectTransfer>& shared) {
  ObjectTransfer& transfer = *shared;
  transfer.paths = destination_->paths(object);
  if (!transfer.is_chunk) {
    // Chunked objects were checked once, by rank 0, before they were split.
    Result<bool> current = destination_->is_current(transfer.paths, object);
    if (!current.ok()) return fail_object(item, object, current.error()), false;
    if (*current) {
      ++stats_.objects_skipped;
      ++item.done.objects_skipped;
      if (options_.verbosity > 0) fmt::print("skipped (up to date): {}\n", object.key);
      return false;
    }
  }
  if (options_.dry_run) {
    ++stats_.objects_would_copy;
    fmt::print("would copy: {} -> {} ({} bytes)\n", object.key, transfer.paths.final_path,
               transfer.is_chunk ? item.item.length : object.size);
    return false;
  }
  if (Status made = destination_->prepare(transfer.paths); !made.ok()) {
    return fail_object(item, object, made.error()), false;
  }
  Result<std::unique_ptr<WritableFile>> file = backend_.open(
      transfer.paths.temp_path, object.size, transfer.is_chunk ? OpenMode::shared_chunks : OpenMode::whole_file);
  if (!file.ok()) return fail_object(item, object, file.error()), false;
  transfer.file = std::move(file).value();
  transfer.tag = next_tag_++;
  // O_DIRECT writes wait for the device: they go to the writer threads, so
  // the network keeps flowing meanwhile.
  transfer.direct = transfer.file->alignment() > 1;
  if (transfer.direct) {
    if (!writer_) {
      HttpEngine& engine = client_.engine();
      writer_ = std::make_unique<AsyncWriter>([&engine] { engine.wakeup(); }, kWriterThreads);
    }
    writing_.emplace(transfer.tag, shared);
  }
  return true;
}

RangeSink TransferExecutor::make_sink(ObjectTransfer* raw) {
  return [this, raw](std::uint64_t offset, const char* data, std::size_t size) {
    // Contiguous by the client's contract: offset == buffer_offset + buffered.
    if (!raw->file) {
      stats_.bytes += size;  // --bench read: the bytes end here
      return true;
    }
    if (raw->write_error) return false;  // a write on the writer threads failed
    // A piece as large as this is already worth its own write: write it
    // from curl's buffer and skip the copy into ours. (O_DIRECT needs
    // aligned writes: all its bytes go through the buffer, written whole
    // until the object's last piece.)
    if (raw->buffered == 0 && size >= kDirectWriteBytes && !raw->direct) {
      ScopedNsTimer blocked(stats_.loop_fs_ns);
      Status status = raw->file->write_at(offset, data, size);
      raw->buffer_offset = offset + size;
      if (!status.ok()) raw->write_error = status.error();
      return status.ok();
    }
    while (size > 0) {
      // A flush hands the buffer to the writer threads: take another.
      if (!raw->buffer) raw->buffer = take_buffer();
      const std::size_t room = options_.buffer_bytes - raw->buffered;
      const std::size_t n = std::min(room, size);
      std::memcpy(raw->buffer.data() + raw->buffered, data, n);
      raw->buffered += n;
      data += n;
      size -= n;
      if (raw->buffered == options_.buffer_bytes && !flush(*raw)) return false;
    }
    return true;
  };
}

void TransferExecutor::on_get_done(const std::shared_ptr<ObjectTransfer>& transfer, Result<GetResult> result) {
  note_running_change(-1);
  stats_.last_end_ns = wall_clock_ns();
  if (result.ok()) {
    stats_.time_to_first_byte.add(result->time_to_first_byte);
    stats_.request_time.add(result->total_time);
    (void)flush(*transfer);  // the last piece
  }
  transfer->get_done = true;
  transfer->result = std::move(result);
  // With direct I/O the last writes may still be on the writer threads:
  // poll_writes() finishes the transfer when they are done.
  if (transfer->pending_writes == 0) finalize(*transfer);
  pump();
}

std::optional<Error> TransferExecutor::check_result(const ObjectTransfer& transfer) const {
  const Result<GetResult>& result = *transfer.result;
  const ObjectRef& object = *transfer.object;
  // The sink's own failure (disk full, ...) explains an aborted GET better.
  if (transfer.write_error) return transfer.write_error;
  if (!result.ok()) return result.error();
  if (result->object_size != object.size || (transfer.is_chunk && result->bytes != transfer.item->item.length)) {
    // Also for chunks: a range cut short at a new, smaller end of the object
    // would otherwise leave zeros from ftruncate in the published file.
    Error error = make_error(ErrorKind::changed, "GET", object.key,
                             fmt::format("object is now {} bytes, listed as {}: it changed during the copy",
                                         result->object_size, object.size));
    return error;
  }
  return std::nullopt;
}

void TransferExecutor::finalize(ObjectTransfer& transfer) {
  ActiveItem& item = *transfer.item;
  const ObjectRef& object = *transfer.object;
  --item.running;

  std::optional<Error> error = check_result(transfer);
  const bool writes_file = destination_ != nullptr;
  {
    ScopedNsTimer blocked(stats_.loop_fs_ns);  // close, mtime, rename, or unlink
    if (transfer.file) {
      Status closed = transfer.file->close();
      if (!error && !closed.ok()) error = closed.error();
      transfer.file.reset();
      return_buffer(std::move(transfer.buffer));
    }
    if (!error && writes_file && !transfer.is_chunk) {
      if (Status published = destination_->publish(transfer.paths, object.mtime_ns); !published.ok()) {
        error = published.error();
      }
    }
    // A chunk's shared temporary file is rank 0's to remove.
    if (error && writes_file && !transfer.is_chunk) destination_->discard(transfer.paths);
  }
  const std::uint64_t bytes = error ? 0 : transfer.result->value().bytes;
  // Only bytes that ended up in a good file count (--bench read counted them as they came).
  if (writes_file) stats_.bytes += bytes;

  if (error) {
    if (transfer.is_chunk) item.done.chunk_ok = false;
    fail_object(item, object, *error);
  } else if (transfer.is_chunk) {
    ++stats_.chunks;
    item.done.bytes += bytes;
  } else {
    ++stats_.objects_copied;
    ++item.done.objects_copied;
    item.done.bytes += bytes;
    if (options_.verbosity > 0) fmt::print("copied: {} ({} bytes)\n", object.key, bytes);
  }
  writing_.erase(transfer.tag);  // may free `transfer`: nothing below touches it
  maybe_finish_item(item);
}

void TransferExecutor::maybe_finish_item(ActiveItem& item) {
  if (item.running > 0 || item.next_object < item.item.objects.size()) return;
  ItemDone done = std::move(item.done);
  for (auto it = active_.begin(); it != active_.end(); ++it) {
    if (it->get() == &item) {
      active_.erase(it);
      break;
    }
  }
  on_item_done_(std::move(done));
}

}  // namespace caios
