// Rank 0's handling of chunked objects (see coordinator.hpp): what the
// store says of their bytes (HEAD), splitting them, checking them when their
// last chunk is in (from the chunks' digests, or by a read-back), and then
// publishing, fetching again or failing them.
#include "caios2dfs/copy/coordinator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/copy/integrity.hpp"
#include "caios2dfs/copy/messages.hpp"

namespace caios {

struct Coordinator::Probe {
  ObjectRef object;
  bool chunked = true;  ///< above the cutoff (else see probe_chunked)
  int pending = 0;  ///< HEADs not yet answered
  std::optional<ObjectInfo> whole;  ///< HEAD with the checksum mode
  std::optional<ObjectInfo> part1;  ///< HEAD ?partNumber=1
};

/// Ask the store what it says of a chunked object's bytes before cutting
/// it: its additional checksum and, for a multipart upload, its part layout.
/// A HEAD that fails only means less to check with; the chunks' own GETs
/// report a missing or changed object.
void Coordinator::probe_chunked(ObjectRef object, bool chunked) {
  auto probe = std::make_shared<Probe>();
  probe->object = std::move(object);
  probe->chunked = chunked;
  const bool multipart = etag_parts(probe->object.etag).has_value();
  probe->pending = multipart ? 2 : 1;
  ++probes_in_flight_;
  const auto answered = [this, probe](std::optional<ObjectInfo>& slot, Result<ObjectInfo> info) {
    if (info.ok()) slot = std::move(info).value();
    if (--probe->pending == 0) {
      --probes_in_flight_;
      probed(*probe);
    }
  };
  client_.head(job_.source.bucket, probe->object.key, HeadOptions{0, true},
               [probe, answered](Result<ObjectInfo> info) { answered(probe->whole, std::move(info)); });
  if (multipart) {
    client_.head(job_.source.bucket, probe->object.key, HeadOptions{1, false},
                 [probe, answered](Result<ObjectInfo> info) { answered(probe->part1, std::move(info)); });
  }
}

void Coordinator::probed(Probe& probe) {
  const ObjectRef& object = probe.object;
  std::optional<PartLayout> layout;
  if (probe.part1) layout = uniform_part_layout(object.size, object.etag, probe.part1->size, probe.part1->parts_count);
  // A store that does not say the layout: guess it from the ETag, for
  // objects that are chunked anyway, where the alternative is reading the
  // whole file back after its last chunk (a pass over it, on one rank, that
  // nothing overlaps). A wrong guess costs that read-back, as before.
  const bool guessed = !layout && probe.chunked;
  if (guessed) layout = guess_part_layout(object.size, object.etag);
  const bool etag_not_md5 = probe.whole && probe.whole->etag_not_md5;
  const std::optional<StoredChecksum> checksum = probe.whole ? probe.whole->checksum : std::nullopt;
  ChunkCheckPlan plan = plan_chunk_checks(job_.verify, object.etag, etag_not_md5, checksum, layout);
  plan.layout_guessed = guessed && plan.digest != ChunkDigest::chunk_crc && plan.digest != ChunkDigest::none;
  const bool by_parts = plan.digest == ChunkDigest::part_md5 || plan.digest == ChunkDigest::part_checksum;
  if (!probe.chunked && !by_parts) {
    // Nothing to gain from chunks: fetched whole, like any object its size.
    std::vector<WorkItem> items;
    planner_.add(object, items);
    planner_.flush(items);
    for (WorkItem& item : items) deal(std::move(item));
  } else if (probe.chunked || prepare_chunked(object, false)) {
    fetch_chunked(object, plan);
  }
  send_dealt();
}

void Coordinator::on_chunk_done(ItemDone&& done) {
  record_chunk(done);
  if (!done.chunk_ok && !done.failures.empty()) chunk_errors_.emplace(done.object_id, done.failures.front());
  if (!done.md5chksum.empty() || done.etag_not_md5) {
    ChunkSums& sums = chunk_sums_[done.object_id];
    if (sums.md5chksum.empty()) sums.md5chksum = std::move(done.md5chksum);
    sums.etag_not_md5 = sums.etag_not_md5 || done.etag_not_md5;
  }
  if (auto checked = stream_checked_.find(done.object_id); checked != stream_checked_.end()) {
    if (done.chunk_index >= checked->second.digests.size()) {
      abort_on_broken_protocol(comm_, protocol_error("item done", "chunk", done.object_id, "chunk index out of range"));
    }
    checked->second.digests[done.chunk_index] = std::move(done.digests);
  }
  if (std::optional<ChunkTracker::Finished> finished = tracker_.chunk_done(done.object_id, done.chunk_ok)) {
    chunks_in(done.object_id, std::move(*finished));
  }
}

/// A chunked object checked from its chunks' digests: publish it when they
/// give what the store says, else fetch it again or fail it. False when the
/// object is not checked this way.
bool Coordinator::check_streamed(std::uint64_t object_id, const ObjectRef& object, ChunkCheckPlan& guess_missed) {
  auto found = stream_checked_.find(object_id);
  if (found == stream_checked_.end()) return false;
  const StreamChecked checked = std::move(found->second);
  stream_checked_.erase(found);
  const bool hashed = std::none_of(checked.digests.begin(), checked.digests.end(),
                                   [](const std::string& digest) { return digest.empty(); });
  if (!hashed) {  // a rank's OpenSSL could not hash: unchecked, not wrong
    chunked_fetches_.erase(object.key);
    publish_chunked(object, CheckVerdict{std::nullopt, Unverified::no_hasher, std::nullopt});
    return true;
  }
  if (judge_chunk_digests(checked.plan, checked.digests, checked.lengths)) {
    chunked_fetches_.erase(object.key);
    publish_chunked(object, CheckVerdict{checked.plan.method, Unverified::disabled, std::nullopt});
    return true;
  }
  if (checked.plan.layout_guessed) {
    // The guess or the bytes are wrong, and nothing tells which: the object
    // gets the check it would have had without the guess.
    if (job_.verbosity > 0) {
      fmt::print(stderr,
                 "NOTICE: {}: its multipart ETag does not match parts of {} bytes (a guess from the ETag); "
                 "checked another way\n",
                 object.key, checked.plan.layout.part_size);
    }
    guess_missed = checked.plan;
    return false;
  }
  const bool etag = checked.plan.digest == ChunkDigest::part_md5;
  const std::string expected =
      etag ? to_hex(reinterpret_cast<const unsigned char*>(checked.plan.expected.data()), checked.plan.expected.size())
           : checksum_to_base64(checked.plan.expected);
  const Error error = digest_mismatch(object.key, etag ? "multipart ETag" : checksum_name(checked.plan.algorithm),
                                      combined_digest_text(checked.plan, checked.digests, checked.lengths), expected);
  refetch_or_fail(object, ObjectFailure{object.key, error.to_string(), static_cast<std::uint8_t>(error.kind)},
                  checked.plan);
  return true;
}

/// The last chunk of an object is in: remove the file when a chunk failed;
/// else have it read back and checked where the store says what its MD5
/// must be, or publish it unchecked.
void Coordinator::chunks_in(std::uint64_t object_id, ChunkTracker::Finished finished) {
  ObjectRef& object = finished.object;
  ChunkSums sums;
  if (auto found = chunk_sums_.find(object_id); found != chunk_sums_.end()) {
    sums = std::move(found->second);
    chunk_sums_.erase(found);
  }
  if (!finished.ok) {
    stream_checked_.erase(object_id);
    chunked_fetches_.erase(object.key);  // a refetch that failed: no more
    auto error = chunk_errors_.find(object_id);
    const auto kind = error != chunk_errors_.end() ? error->second.kind : static_cast<std::uint8_t>(ErrorKind::io);
    if (!end_resume(object_id, object, false, kind)) discard_chunked_file(object);
    record_failure(error != chunk_errors_.end()
                       ? std::move(error->second)
                       : ObjectFailure{object.key, "a chunk failed", static_cast<std::uint8_t>(ErrorKind::io)});
    if (error != chunk_errors_.end()) chunk_errors_.erase(error);
    return;
  }
  end_resume(object_id, object, true, 0);
  if (destination_ == nullptr) return publish_chunked(object, std::nullopt);  // --bench read
  ChunkCheckPlan guess_missed;
  if (check_streamed(object_id, object, guess_missed)) return;
  const ChunkedCheck check = chunked_check(job_.verify, object.etag, ResponseSums{sums.md5chksum, sums.etag_not_md5});
  if (!check.expected) {
    chunked_fetches_.erase(object.key);
    return publish_chunked(object, CheckVerdict{std::nullopt, check.reason, std::nullopt});
  }
  WorkItem verify = planner_.verify(object, object_id, md5_to_base64(*check.expected));
  // Known before it is dealt: a job that is stopping reports it done at once.
  verifying_.emplace(object_id, Verifying{std::move(object), check.method, std::move(guess_missed)});
  deal(std::move(verify));
}

/// A chunked object's read-back is done: publish it when it matched; else
/// fetch it again from scratch (a bounded number of times) or fail it.
void Coordinator::on_verified(ItemDone&& done) {
  auto found = verifying_.find(done.object_id);
  if (found == verifying_.end()) {
    abort_on_broken_protocol(comm_, protocol_error("item done", "verify", done.object_id, "unknown object"));
  }
  Verifying verifying = std::move(found->second);
  verifying_.erase(found);
  const ObjectRef& object = verifying.object;
  if (done.chunk_ok) {
    chunked_fetches_.erase(object.key);
    return publish_chunked(object, CheckVerdict{verifying.method, Unverified::disabled, std::nullopt});
  }
  ObjectFailure failure = done.failures.empty() ? ObjectFailure{object.key, "the check failed", 0} : done.failures.front();
  if (failure.kind == static_cast<std::uint8_t>(ErrorKind::config)) {
    // No MD5 in this OpenSSL (hash_file): the bytes stay unchecked, not wrong.
    chunked_fetches_.erase(object.key);
    return publish_chunked(object, CheckVerdict{std::nullopt, Unverified::no_hasher, std::nullopt});
  }
  refetch_or_fail(object, std::move(failure), verifying.refetch_plan);
}

/// A chunked object whose bytes failed their check: its file is removed and
/// it is fetched again from scratch under the same check, a bounded number
/// of times (checksum_attempts), or fails.
void Coordinator::refetch_or_fail(const ObjectRef& object, ObjectFailure failure, const ChunkCheckPlan& plan) {
  if (failure.kind == static_cast<std::uint8_t>(ErrorKind::cancelled) && keep_checked_later(object)) {
    chunked_fetches_.erase(object.key);
    return record_failure(std::move(failure));  // not done: the rerun checks it
  }
  int& fetches = chunked_fetches_[object.key];
  fetches = std::max(fetches, 1);
  discard_chunked_file(object);
  if (failure.kind == static_cast<std::uint8_t>(ErrorKind::checksum) && fetches < checksum_attempts(job_.retries)) {
    ++fetches;
    ++stats_.retries;
    ++stats_.retries_by_kind[static_cast<std::size_t>(ErrorKind::checksum)];
    if (job_.verbosity >= 0) fmt::print(stderr, "NOTICE: {}: fetching again\n", failure.error);
    if (!prepare_chunked(object, false)) {  // failed (recorded)
      chunked_fetches_.erase(object.key);
      return;
    }
    return fetch_chunked(object, plan);
  }
  chunked_fetches_.erase(object.key);
  const bool stopped = failure.kind == static_cast<std::uint8_t>(ErrorKind::cancelled);
  if (job_.verbosity >= 0 && !stopped) fmt::print(stderr, "ERROR: {}: {}\n", object.key, failure.error);
  record_failure(std::move(failure));
}

/// --checksum's check of an existing file of a chunked object's size is
/// done: skip the object when the MD5 matched, else fetch it.
void Coordinator::on_skip_checked(ItemDone&& done, ObjectRef object) {
  if (done.chunk_ok) {
    ++summary_.objects_skipped;
    if (job_.verbosity > 0) fmt::print("skipped (up to date): {}\n", object.key);
    return;
  }
  // No failure record (not sent by a rank) reads as a mismatch: fetch the object.
  const auto kind = done.failures.empty() ? static_cast<std::uint8_t>(ErrorKind::checksum) : done.failures.front().kind;
  if (kind != static_cast<std::uint8_t>(ErrorKind::checksum) && kind != static_cast<std::uint8_t>(ErrorKind::config)) {
    // The existing file could not be read: say so rather than overwrite blindly.
    if (job_.verbosity >= 0 && kind != static_cast<std::uint8_t>(ErrorKind::cancelled)) fmt::print(stderr, "ERROR: {}: {}\n", object.key, done.failures.front().error);
    return record_failure(std::move(done.failures.front()));
  }
  if (prepare_chunked(object, false)) fetch_chunked(object);
}

/// Split a chunked object into chunks (on its part boundaries when `plan`
/// digests parts) and deal them.
void Coordinator::fetch_chunked(const ObjectRef& object, const ChunkCheckPlan& planned) {
  // Resumed only where no chunk digests are checked (those of an earlier
  // run's chunks are gone); the file is then checked by its read-back. Under
  // a guessed layout, which only saves that read-back, the written ranges
  // are recorded too, and an object an interrupted run began is resumed
  // without the part digests.
  ChunkCheckPlan plan = planned;
  const bool resumable =
      destination_ != nullptr && !job_.dry_run && (plan.digest == ChunkDigest::none || plan.layout_guessed);
  std::unique_ptr<Resuming> resuming;
  const std::vector<ByteRange> todo = resumable ? open_resume(object, resuming) : std::vector<ByteRange>{};
  if (plan.layout_guessed && !(todo.size() == 1 && todo.front().offset == 0 && todo.front().length == object.size)) {
    plan = ChunkCheckPlan{};
  }
  std::vector<WorkItem> items;
  const std::uint64_t id =
      planner_.add_chunked(object, items, aligned_chunk_size(plan, job_.chunk_size), resumable ? &todo : nullptr);
  if (items.empty()) {  // an interrupted run wrote it all: on to its check
    return chunks_in(id, ChunkTracker::Finished{object, true});
  }
  tracker_.expect(id, object, static_cast<std::uint32_t>(items.size()));
  if (resuming) {
    for (const WorkItem& item : items) resuming->chunks.push_back(ByteRange{item.offset, item.length});
    resuming_.emplace(id, std::move(resuming));
  }
  if (plan.digest != ChunkDigest::none) {
    StreamChecked& checked = stream_checked_[id];
    checked.plan = plan;
    checked.digests.assign(items.size(), std::string());
    checked.lengths.assign(items.size(), 0);
    for (WorkItem& item : items) {
      item.digest = plan.digest;
      item.digest_algorithm = plan.algorithm;
      item.part_size = plan.layout.part_size;
      checked.lengths[item.chunk_index] = item.length;
    }
  }
  for (WorkItem& item : items) deal(std::move(item));
}

/// Give a chunked file that is all in (and checked, where it can be) its
/// mtime and its final name; count the check once it is in place
/// (`verdict`: nullopt for --bench read, where nothing is written).
void Coordinator::publish_chunked(const ObjectRef& object, const std::optional<CheckVerdict>& verdict) {
  ScopedNsTimer blocked(stats_.loop_fs_ns);
  if (destination_ != nullptr) {
    const FilePaths paths = destination_->paths(object);
    Status published = destination_->publish(paths, object.mtime_ns);
    if (!published.ok()) destination_->discard(paths);
    destination_->discard_state(paths);
    if (!published.ok()) return record_failure(object.key, published.error());
  }
  ++objects_done_;
  ++summary_.objects_copied;
  if (destination_ != nullptr) summary_.chunked_bytes_published += object.size;
  if (verdict && verdict->verified) {
    ++stats_.verified_by_method[static_cast<std::size_t>(*verdict->verified)];
  } else if (verdict) {
    ++stats_.unverified_by_reason[static_cast<std::size_t>(verdict->reason)];
  }
  if (job_.verbosity > 0) fmt::print("copied: {} ({} bytes)\n", object.key, object.size);
}

}  // namespace caios
