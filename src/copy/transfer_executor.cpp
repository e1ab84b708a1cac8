#include "caios2dfs/copy/transfer_executor.hpp"

#include <cerrno>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "caios2dfs/copy/integrity.hpp"
#include "caios2dfs/copy/object_file.hpp"
#include "caios2dfs/copy/work_plan.hpp"
#include "caios2dfs/s3/md5.hpp"
#include "active_item.hpp"

namespace caios {

int default_file_threads(int transfers) { return std::clamp(2 * transfers, 4, 64); }

TransferExecutor::TransferExecutor(S3Client& client, FileBackend& backend, Destination* destination,
                                   ExecutorOptions options, RankStats& stats,
                                   std::function<void(ItemDone&&)> on_item_done)
    : client_(client),
      backend_(backend),
      destination_(destination),
      options_(std::move(options)),
      stats_(stats),
      on_item_done_(std::move(on_item_done)),
      // Whole pages, so that full buffers are aligned writes for O_DIRECT.
      buffers_((std::max<std::size_t>(options_.buffer_bytes, 64 * 1024) + 4095) / 4096 * 4096,
               2 * static_cast<std::size_t>(std::max(1, options_.transfers)) + 4),
      files_([&engine = client.engine()] { engine.wakeup(); },
             !backend.thread_safe()          ? 0
             : options_.file_threads < 0 ? default_file_threads(options_.transfers)
                                         : options_.file_threads) {
  options_.transfers = std::max(1, options_.transfers);
  options_.buffer_bytes = buffers_.buffer_bytes();
}

TransferExecutor::~TransferExecutor() = default;

void TransferExecutor::add(WorkItem item) {
  auto active = std::make_unique<ActiveItem>();
  active->done.item_id = item.id;
  active->done.kind = item.kind;
  active->done.object_id = item.object_id;
  active->done.chunk_index = item.chunk_index;
  active->item = std::move(item);
  ActiveItem& added = *active;
  active_.push_back(std::move(active));
  if (added.item.kind == WorkKind::verify) start_verify(added);
  pump();
}

namespace {

/// Bytes of an item's objects not started yet.
std::uint64_t unstarted_bytes(const WorkItem& item, std::size_t next_object) {
  if (next_object >= item.objects.size()) return 0;
  if (item.kind == WorkKind::chunk) return item.length;
  std::uint64_t bytes = 0;
  for (std::size_t i = next_object; i < item.objects.size(); ++i) bytes += item.objects[i].size;
  return bytes;
}

}  // namespace

bool TransferExecutor::wants_work() const {
  int items = 0;
  std::uint64_t bytes = 0;
  for (const auto& active : active_) {
    if (active->item.kind == WorkKind::verify) {
      ++items;  // a read-back in flight holds a file-call thread: it counts as an item in turn
      continue;
    }
    if (active->next_object >= active->item.objects.size()) continue;
    ++items;
    bytes += unstarted_bytes(active->item, active->next_object);
  }
  return items < options_.items_in_turn && bytes < options_.unstarted_bytes_limit;
}

std::vector<std::string_view> TransferExecutor::active_directories() const {
  std::vector<std::string_view> directories;
  directories.reserve(active_.size());
  for (const auto& active : active_) directories.push_back(item_directory(active->item));
  return directories;
}

void TransferExecutor::pump() {
  // Without a destination an object is "opened" at once: alternate until
  // neither stage can take more.
  do {
    start_ready_gets();
  } while (open_more_objects());
}

bool TransferExecutor::start_ready_gets() {
  bool started = false;
  while (!opened_.empty() && running_ < options_.transfers && running_ + finishing_ < 2 * options_.transfers) {
    TransferPtr transfer = std::move(opened_.front());
    opened_.pop_front();
    start_get(transfer);
    started = true;
  }
  return started;
}

bool TransferExecutor::open_more_objects() {
  bool started = false;
  // One object from each item in turn: the item that gave one goes to the
  // back of the list.
  while (opening_ + static_cast<int>(opened_.size()) < options_.transfers) {
    const auto next = std::find_if(active_.begin(), active_.end(), [](const auto& active) {
      return active->next_object < active->item.objects.size();
    });
    if (next == active_.end()) break;
    ActiveItem& active = **next;
    active_.splice(active_.end(), active_, next);
    start_object(active, active.item.objects[active.next_object++], 1);
    started = true;
  }
  for (auto it = active_.begin(); it != active_.end();) {
    ActiveItem& active = **it;
    ++it;  // the item may finish (and be erased) below
    maybe_finish_item(active);  // e.g. an item without objects
  }
  return started && destination_ == nullptr;
}

void TransferExecutor::note_running_change(int delta) {
  const std::int64_t now = wall_clock_ns();
  if (running_ == 0 && delta > 0) busy_since_ns_ = now;
  running_ += delta;
  if (running_ == 0 && delta < 0) stats_.busy_ns += now - busy_since_ns_;
}

void TransferExecutor::poll_files() {
  files_.run_completions();
  const std::int64_t work_ns = files_.work_ns();
  stats_.fs_threads = files_.threads();
  if (stats_.fs_threads == 0) {
    stats_.loop_fs_ns += work_ns - work_ns_counted_;  // no threads: the calls ran on the loop, in submit()
  } else {
    stats_.fs_thread_ns = work_ns;
  }
  work_ns_counted_ = work_ns;
}

void TransferExecutor::fail_object(ActiveItem& item, const ObjectRef& object, const Error& error) {
  if (item.item.kind != WorkKind::batch) item.done.chunk_ok = false;
  if (error.kind == ErrorKind::cancelled) {
    // Not a failure: the job stopped. Rank 0 lists it as not done.
    item.done.failures.push_back(ObjectFailure{object.key, error.to_string(), static_cast<std::uint8_t>(error.kind)});
    return;
  }
  if (error.kind == ErrorKind::io && !dest_failure_ &&
      (error.sys_errno == ENOSPC || error.sys_errno == EDQUOT || error.sys_errno == EROFS)) {
    dest_failure_ = error;
  }
  // A chunk's failure is counted once per object, by rank 0, when the last
  // chunk of that object reports in.
  if (item.item.kind == WorkKind::batch) {
    ++stats_.objects_failed;
    ++stats_.errors_by_kind[static_cast<std::size_t>(error.kind)];
  } else {
    item.done.chunk_ok = false;
  }
  item.done.failures.push_back(ObjectFailure{object.key, error.to_string(), static_cast<std::uint8_t>(error.kind)});
  if (options_.verbosity >= 0) fmt::print(stderr, "ERROR: {}: {}\n", object.key, error.to_string());
}

void TransferExecutor::start_object(ActiveItem& item, const ObjectRef& object, int attempt) {
  auto transfer = std::make_shared<ObjectTransfer>();
  transfer->item = &item;
  transfer->object = &object;
  transfer->is_chunk = item.item.kind == WorkKind::chunk;
  transfer->attempt = attempt;
  transfer->check = plan_check(options_.verify, transfer->is_chunk, object.etag);
  transfer->buffer_offset = transfer->is_chunk ? item.item.offset : 0;
  ++item.started;
  if (destination_ == nullptr) {
    opened_.push_back(std::move(transfer));
    return;
  }
  transfer->paths = transfer->is_chunk ? destination_->paths(object) : destination_->whole_file_paths(object);
  ++opening_;
  ObjectTransfer* raw = transfer.get();
  files_.submit(
      [this, raw] {
        raw->opened = open_object_file(*destination_, backend_, raw->paths, *raw->object, raw->is_chunk,
                                       options_.dry_run);
      },
      [this, transfer] { on_opened(transfer); });
}

void TransferExecutor::on_opened(const TransferPtr& transfer) {
  --opening_;
  ActiveItem& item = *transfer->item;
  const ObjectRef& object = *transfer->object;
  switch (transfer->opened.outcome) {
    case OpenedObject::Outcome::open:
      transfer->file = std::move(transfer->opened.file);
      if (stop_) {
        abandon_opened(transfer);
        return;
      }
      opened_.push_back(transfer);
      break;
    case OpenedObject::Outcome::skipped:
      ++stats_.objects_skipped;
      ++item.done.objects_skipped;
      if (options_.verbosity > 0) fmt::print("skipped (up to date): {}\n", object.key);
      object_ended(item);
      break;
    case OpenedObject::Outcome::dry_run:
      ++stats_.objects_would_copy;
      fmt::print("would copy: {} -> {} ({} bytes)\n", object.key, transfer->paths.final_path,
                 transfer->is_chunk ? item.item.length : object.size);
      object_ended(item);
      break;
    case OpenedObject::Outcome::failed:
      fail_object(item, object, *transfer->opened.error);
      object_ended(item);
      break;
  }
  pump();
}

void TransferExecutor::start_get(const TransferPtr& transfer) {
  const ObjectRef& object = *transfer->object;
  GetRequest request;
  request.bucket = options_.bucket;
  request.key = object.key;
  request.if_match = object.etag;
  if (transfer->is_chunk) {
    request.offset = transfer->item->item.offset;
    request.length = transfer->item->item.length;
  }  // else: the whole object (no Range), which also serves empty objects
  GetOptions get_options = start_checks(*transfer);
  stats_.note_start(wall_clock_ns());
  ++stats_.requests;
  note_running_change(+1);
  client_.get(std::move(request), make_sink(transfer.get()),
              [this, transfer](Result<GetResult> result) { on_get_done(transfer, std::move(result)); },
              std::move(get_options));
}

RangeSink TransferExecutor::make_sink(ObjectTransfer* raw) {
  return [this, raw](std::uint64_t, const char* data, std::size_t size) {
    // Contiguous by the client's contract: offset == buffer_offset + buffered.
    if (!raw->file) {
      stats_.bytes += size;  // --bench read: the bytes end here
      return true;
    }
    if (raw->write_error) return false;  // a write on a file-call thread failed
    if (raw->md5) raw->md5->update(data, size);
    if (raw->sum) raw->sum->update(data, size);
    if (raw->digester) raw->digester->update(data, size);
    while (size > 0) {
      if (!raw->buffer) raw->buffer = buffers_.try_take();
      if (!raw->buffer) {
        // All buffers out means writes are slower than the network: wait
        // for one (the memory bound), counted as time the loop was blocked.
        ScopedNsTimer blocked(stats_.loop_fs_ns);
        raw->buffer = buffers_.take();
      }
      const std::size_t n = std::min(options_.buffer_bytes - raw->buffered, size);
      std::memcpy(raw->buffer.data() + raw->buffered, data, n);
      raw->buffered += n;
      data += n;
      size -= n;
      // A full buffer is written while the next one fills; the last,
      // partial one is written by stage 3.
      if (raw->buffered == options_.buffer_bytes) submit_write(raw->shared_from_this());
    }
    return true;
  };
}

namespace {

/// One full buffer on its way to the file.
struct WriteJob {
  IoBuffer buffer;
  std::size_t size = 0;
  std::uint64_t offset = 0;
  Status status = ok_status();
};

}  // namespace

void TransferExecutor::submit_write(const TransferPtr& transfer) {
  auto job = std::make_shared<WriteJob>();
  job->buffer = std::move(transfer->buffer);
  job->size = transfer->buffered;
  job->offset = transfer->buffer_offset;
  transfer->buffer = IoBuffer{};
  transfer->buffer_offset += transfer->buffered;
  transfer->buffered = 0;
  ++transfer->pending_writes;
  WritableFile* file = transfer->file.get();
  files_.submit(
      [this, file, job] {
        job->status = file->write_at(job->offset, job->buffer.data(), job->size);
        buffers_.give_back(std::move(job->buffer));
      },
      [this, transfer, job] {
        --transfer->pending_writes;
        if (!job->status.ok() && !transfer->write_error) transfer->write_error = job->status.error();
        if (transfer->get_done && transfer->pending_writes == 0) submit_finish(transfer);
      });
}

void TransferExecutor::on_get_done(const TransferPtr& transfer, Result<GetResult> result) {
  note_running_change(-1);
  stats_.last_end_ns = wall_clock_ns();
  if (result.ok()) {
    stats_.time_to_first_byte.add(result->time_to_first_byte);
    stats_.request_time.add(result->total_time);
  }
  transfer->get_done = true;
  transfer->result = std::move(result);
  ++finishing_;
  // Writes still on the file-call threads: the last one to finish calls
  // submit_finish().
  if (transfer->pending_writes == 0) submit_finish(transfer);
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
    return make_error(ErrorKind::changed, "GET", object.key,
                      fmt::format("object is now {} bytes, listed as {}: it changed during the copy",
                                  result->object_size, object.size));
  }
  if (transfer.verdict.expected) {
    return checksum_mismatch(object.key, *transfer.received_md5, *transfer.verdict.expected);
  }
  return transfer.sum_mismatch;
}

void TransferExecutor::submit_finish(const TransferPtr& transfer) {
  judge_checks(*transfer);
  std::optional<Error> error = check_result(*transfer);
  if (!transfer->file) {  // --bench read
    transfer->error = std::move(error);
    complete(*transfer);
    return;
  }
  ObjectTransfer* raw = transfer.get();
  files_.submit(
      [this, raw, error] {
        FileTail tail{raw->buffer.data(), raw->buffered, raw->buffer_offset};
        const bool stopping = raw->is_chunk && error && error->kind == ErrorKind::cancelled && !raw->write_error;
        if (stopping) {
          // The job stops: keep what came, so that a rerun need not fetch it
          // again (rank 0 records it, resume_state.hpp).
          raw->written_end = tail.offset;
          if (tail.size > 0 && raw->file->write_at(tail.offset, tail.data, tail.size).ok()) {
            raw->written_end += tail.size;
          }
          tail.size = 0;
        }
        bool closed_ok = true;
        raw->error = finish_object_file(*destination_, std::move(raw->file), raw->paths, tail, raw->object->mtime_ns,
                                        raw->is_chunk, error, &closed_ok);
        if (stopping && !closed_ok) raw->written_end = 0;  // what was written may not have reached the file
        buffers_.give_back(std::move(raw->buffer));
      },
      [this, transfer] { complete(*transfer); });
}

void TransferExecutor::complete(ObjectTransfer& transfer) {
  --finishing_;
  ActiveItem& item = *transfer.item;
  const ObjectRef& object = *transfer.object;
  const std::uint64_t bytes = transfer.error ? 0 : transfer.result->value().bytes;
  // Only bytes that ended up in a good file count (--bench read counted them as they came).
  if (destination_ != nullptr) stats_.bytes += bytes;
  if (transfer.error && transfer.error->kind == ErrorKind::checksum && !stop_ &&
      transfer.attempt < checksum_attempts(options_.retries)) {
    // Fetched again from its first byte into a new temporary file (stage 3
    // removed this one): the object has not ended.
    ++stats_.retries;
    ++stats_.retries_by_kind[static_cast<std::size_t>(ErrorKind::checksum)];
    if (options_.verbosity >= 0) fmt::print(stderr, "NOTICE: {}: fetching again\n", transfer.error->to_string());
    --item.started;
    start_object(item, object, transfer.attempt + 1);
    pump();
    return;
  }
  if (transfer.error) {
    if (transfer.is_chunk) {
      item.done.chunk_ok = false;
      if (transfer.written_end > item.item.offset) item.done.chunk_written = transfer.written_end - item.item.offset;
    }
    fail_object(item, object, *transfer.error);
  } else if (transfer.is_chunk) {
    ++stats_.chunks;
    if (destination_ != nullptr) stats_.chunk_bytes += bytes;
    item.done.bytes += bytes;
    // rank 0 checks the whole file against it once every chunk is in.
    if (transfer.digester) item.done.digests = transfer.digester->finish().value_or(std::string());
    if (item.done.md5chksum.empty()) item.done.md5chksum = transfer.result->value().md5chksum;
    item.done.etag_not_md5 = item.done.etag_not_md5 || transfer.result->value().etag_not_md5;
  } else {
    ++stats_.objects_copied;
    ++item.done.objects_copied;
    if (transfer.verdict.verified) {
      ++stats_.verified_by_method[static_cast<std::size_t>(*transfer.verdict.verified)];
    } else if (destination_ != nullptr) {  // not --bench read
      ++stats_.unverified_by_reason[static_cast<std::size_t>(transfer.verdict.reason)];
    }
    item.done.bytes += bytes;
    if (options_.verbosity > 0) fmt::print("copied: {} ({} bytes)\n", object.key, bytes);
  }
  object_ended(item);
  pump();
}

void TransferExecutor::object_ended(ActiveItem& item) {
  --item.started;
  maybe_finish_item(item);
}

void TransferExecutor::maybe_finish_item(ActiveItem& item) {
  if (item.started > 0 || item.next_object < item.item.objects.size()) return;
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
