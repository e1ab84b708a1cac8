#include "caios2dfs/copy/coordinator.hpp"

#include <fmt/format.h>

#include <sys/statvfs.h>

#include <algorithm>

#include "caios2dfs/base/units.hpp"
#include "caios2dfs/copy/integrity.hpp"
#include "caios2dfs/copy/key_path.hpp"
#include "caios2dfs/copy/messages.hpp"
#include "caios2dfs/copy/report.hpp"

namespace caios {

namespace {

PlanLimits plan_limits(const CopyJob& job) {
  PlanLimits limits;
  // A dry run decides per object; there is nothing to split.
  limits.multi_thread_cutoff = job.dry_run ? UINT64_MAX : job.multi_thread_cutoff;
  limits.chunk_size = job.chunk_size;
  limits.batch_bytes = std::max<std::uint64_t>(job.chunk_size, 1);
  return limits;
}

/// "N free of M" on the file system of `path`, for the message of a full DEST.
std::string free_space_text(const std::string& path) {
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) != 0) return "its free space is unknown";
  const auto block = static_cast<std::uint64_t>(vfs.f_frsize);
  return fmt::format("{} free of {}", format_bytes(vfs.f_bavail * block), format_bytes(vfs.f_blocks * block));
}

RunSummary initial_summary(const CopyJob& job) {
  RunSummary summary;
  summary.source = to_string(job.source);
  summary.dest = job.dest;
  summary.dry_run = job.dry_run;
  summary.mode = job.mode == CopyMode::read_bench   ? "read"
                 : job.mode == CopyMode::list_bench ? "list"
                                                    : "copy";
  if (job.mode == CopyMode::copy) summary.io = job.io_description;
  return summary;
}

}  // namespace

Coordinator::Coordinator(Comm& comm, S3Client& client, Destination* destination, const CopyJob& job,
                         RankStats& stats, KeepLocal keep_local)
    : comm_(comm),
      client_(client),
      destination_(destination),
      job_(job),
      prefix_(normalize_source_prefix(job.source.prefix)),
      stats_(stats),
      keep_local_(std::move(keep_local)),
      requests_(comm.size() > 1 ? std::unique_ptr<SourceRequests>(std::make_unique<SpreadRequests>(comm))
                                : std::make_unique<LocalRequests>(client, stats)),
      spread_(dynamic_cast<SpreadRequests*>(requests_.get())),
      source_(client, *requests_,
              ObjectSource::Spec{job.source.bucket, prefix_, !job.source.prefix.ends_with('/'), job.files_from,
                                 job.iterations, job.checkers, job.list_chunk},
              ObjectSource::Callbacks{[this](ObjectEntry&& entry) { take_object(std::move(entry)); },
                                      [this](const std::string& key, const Error& error) {
                                        ++summary_.objects_listed;
                                        record_failure(key, error);
                                      },
                                      [this] { flush_planner(); }}),
      planner_(plan_limits(job)),
      dealer_(comm.size()),
      dealt_(static_cast<std::size_t>(comm.size())),
      summary_(initial_summary(job)),
      live_(LiveProgress::Options{job.verbosity < 0 ? LiveProgress::Style::none
                                  : job.progress_block ? LiveProgress::Style::block
                                                       : LiveProgress::Style::lines,
                                  job.stats_interval, comm.size()},
            LiveProgress::Clock::now(), stdout) {}

std::string Coordinator::start() {
  // As rclone prunes its walk: what no include rule can match is not listed.
  std::vector<std::string> roots = job_.filter.listing_roots();
  if (roots != std::vector<std::string>{""}) {
    for (std::string& root : roots) root.insert(0, prefix_);
    source_.prune_to(std::move(roots));
  }
  std::string error = source_.start();
  prefix_ = source_.prefix();
  if (!source_.note().empty()) fmt::print(stderr, "caios2dfs-mpi: note: {}\n", source_.note());
  if (!error.empty() || job_.verbosity < 0) return error;
  const std::string target = job_.mode == CopyMode::read_bench
                                 ? fmt::format("read benchmark, {} iteration(s)", job_.iterations)
                             : job_.mode == CopyMode::list_bench
                                 ? fmt::format("listing benchmark, {} iteration(s)", job_.iterations)
                                 : fmt::format("-> {}, io {}", job_.dest, job_.io_description);
  fmt::print("caios2dfs-mpi: {} {} on {} ranks, {} transfers each\n", summary_.source, target, comm_.size(),
             job_.transfers);
  std::fflush(stdout);
  return error;
}

bool Coordinator::step() {
  if (outstanding_items() < outstanding_item_limit(comm_.size(), job_.transfers)) source_.drive();
  if (source_.done()) flush_planner();  // objects that arrived after the last page end
  const bool dealt = dealt_pending_;
  send_dealt();
  print_progress(false);
  return dealt;
}

bool Coordinator::finished() const {
  return source_.done() && probes_in_flight_ == 0 && items_completed_ == planner_.items_created();
}

void Coordinator::take_object(ObjectEntry&& entry) {
  Result<MappedKey> mapped = map_key_to_path(entry.key, prefix_);
  if (mapped.ok() && !job_.filter.empty() && !job_.filter.included(mapped->relative_path)) {
    return;  // filtered keys are not part of this job
  }
  ++summary_.objects_listed;
  summary_.bytes_listed += entry.size;
  if (job_.mode == CopyMode::list_bench) return;  // counted: that is all it measures
  if (!mapped.ok()) return record_failure(entry.key, mapped.error());
  if (mapped->kind == KeyKind::directory_marker) {
    ++summary_.directory_markers;
    if (destination_ != nullptr && !job_.dry_run) {
      ScopedNsTimer blocked(stats_.loop_fs_ns);
      if (Status made = destination_->make_directory(mapped->relative_path); !made.ok()) {
        record_failure(entry.key, made.error());
      }
    }
    return;
  }
  ObjectRef object{std::move(entry.key), std::move(mapped->relative_path), entry.size, std::move(entry.etag),
                   entry.mtime_ns};
  const bool chunked = !job_.dry_run && object.size >= job_.multi_thread_cutoff && object.size > 0;
  const bool probe = job_.verify && destination_ != nullptr && !job_.dry_run && object.size > 0;
  // A multipart upload below the cutoff may still be fetched in chunks cut
  // on its parts, when the store gives its part layout: its ETag is then
  // checked from the parts' MD5s (chunk_checks.hpp).
  const bool small_multipart = probe && !chunked && etag_parts(object.etag).has_value();
  if ((chunked || small_multipart) && !prepare_chunked(object, true, chunked)) return;
  // Where the store may say more of a chunked object's bytes (checksums,
  // part layout), ask before cutting it.
  if (probe && (chunked || small_multipart)) return probe_chunked(std::move(object), chunked);
  if (chunked && destination_ != nullptr) return fetch_chunked(object);  // resumable
  std::vector<WorkItem> items;
  if (const std::optional<std::uint64_t> object_id = planner_.add(object, items)) {
    tracker_.expect(*object_id, std::move(object), static_cast<std::uint32_t>(items.size()));
  }
  for (WorkItem& item : items) deal(std::move(item));
}

bool Coordinator::prepare_chunked(const ObjectRef& object, bool skip_check, bool prepare_file) {
  if (destination_ == nullptr) return true;
  ScopedNsTimer blocked(stats_.loop_fs_ns);
  // Decided once for the whole object, before it is split across ranks.
  FilePaths paths = destination_->paths(object);
  // --checksum: an existing file of the object's size is hashed by a rank
  // that takes the check (a verify item), not on this loop.
  const std::optional<Md5Digest> md5 = etag_md5(object.etag);
  const bool hash_elsewhere = destination_->rule() == SkipRule::size_and_checksum && md5.has_value();
  Result<bool> current = skip_check ? destination_->is_current(paths, object, !hash_elsewhere) : Result<bool>(false);
  if (!current.ok()) return record_failure(object.key, current.error()), false;
  if (*current && hash_elsewhere) {
    WorkItem check = planner_.verify(object, 0, md5_to_base64(*md5));
    check.check_final = true;
    skip_checks_.emplace(check.id, object);
    deal(std::move(check));
    return false;
  }
  if (*current) {
    destination_->discard_state(paths, /*if_listed=*/true);  // a run killed as it published
    ++summary_.objects_skipped;
    if (job_.verbosity > 0) fmt::print("skipped (up to date): {}\n", object.key);
    return false;
  }
  if (!prepare_file) return true;
  if (Status made = destination_->prepare(paths); !made.ok()) return record_failure(object.key, made.error()), false;
  return true;
}

void Coordinator::flush_planner() {
  std::vector<WorkItem> items;
  planner_.flush(items);
  for (WorkItem& item : items) deal(std::move(item));
  send_dealt();
}

/// Hand an item to the rank with the fewest bytes so far; rank 0's own share
/// goes straight to its worker, the others' are sent once per step or page.
void Coordinator::deal(WorkItem&& item) {
  if (stop_reason_) return on_item_done(abandoned_item(item, stop_error(*stop_reason_)));
  const int rank = job_.deal_work ? dealer_.assign(item.bytes()) : 0;
  if (rank == 0) {
    keep_local_(std::move(item));
  } else {
    dealt_[static_cast<std::size_t>(rank)].push_back(std::move(item));
    dealt_pending_ = true;
  }
}

void Coordinator::send_dealt() {
  if (!dealt_pending_) return;
  dealt_pending_ = false;
  for (std::size_t rank = 1; rank < dealt_.size(); ++rank) {
    if (dealt_[rank].empty()) continue;
    comm_.send(static_cast<int>(rank), kWork, encode_items(dealt_[rank]));
    dealt_[rank].clear();
  }
}

void Coordinator::record_failure(const std::string& key, const Error& error) {
  if (job_.verbosity >= 0 && error.kind != ErrorKind::cancelled) {
    fmt::print(stderr, "ERROR: {}: {}\n", key, error.to_string());
  }
  record_failure(ObjectFailure{key, error.to_string(), static_cast<std::uint8_t>(error.kind)});
}

void Coordinator::stop(const std::string& reason, bool soft, bool dest_failed) {
  if (stop_reason_) {
    if (soft || !stop_soft_) return;
    stop_soft_ = false;  // a signal after a soft cutoff: end the transfers in flight too
    for (int rank = 1; rank < comm_.size(); ++rank) comm_.send(rank, kStop, encode_stop(StopOrder{reason, false}));
    return;
  }
  stop_reason_ = reason;
  stop_soft_ = soft;
  stop_failed_ = dest_failed;
  summary_.stopped_by = reason;
  if (dest_failed) {
    // One message for what would otherwise be an error line per object.
    fmt::print(stderr, "caios2dfs-mpi: ERROR: DEST {} cannot take more: {}; {}. Stopping: free space (or choose "
               "another DEST) and rerun to copy the rest\n", job_.dest, reason, free_space_text(job_.dest));
  } else if (job_.verbosity >= 0) {
    fmt::print(stderr, "caios2dfs-mpi: {}: stopping: no new transfers{}; the report will list what is not done\n",
               reason, soft ? ", those in flight finish" : "");
  }
  for (int rank = 1; rank < comm_.size(); ++rank) comm_.send(rank, kStop, encode_stop(StopOrder{reason, soft}));
  source_.stop(reason);
  // Work planned and not yet sent is given up here (deal() now gives up).
  for (std::vector<WorkItem>& items : dealt_) {
    for (const WorkItem& item : items) on_item_done(abandoned_item(item, stop_error(reason)));
    items.clear();
  }
  dealt_pending_ = false;
  flush_planner();
}

void Coordinator::record_failure(ObjectFailure failure) {
  ++objects_done_;
  if (failure.kind == static_cast<std::uint8_t>(ErrorKind::cancelled)) {
    // Given up because the job stopped: not done, not failed.
    summary_.not_done.push_back(std::move(failure.key));
    return;
  }
  ++summary_.objects_failed;
  ++stats_.errors_by_kind[failure.kind];
  summary_.failed.push_back(std::move(failure));
}

void Coordinator::on_item_done(ItemDone&& done) {
  ++items_completed_;
  objects_done_ += done.objects_copied + done.objects_skipped;
  if (done.kind == WorkKind::chunk) return on_chunk_done(std::move(done));
  if (done.kind == WorkKind::verify) {
    if (auto check = skip_checks_.find(done.item_id); check != skip_checks_.end()) {
      ObjectRef object = std::move(check->second);
      skip_checks_.erase(check);
      return on_skip_checked(std::move(done), std::move(object));
    }
    return on_verified(std::move(done));
  }
  // Failures of whole objects were counted by the rank that had them.
  objects_done_ += done.failures.size();
  for (ObjectFailure& failure : done.failures) {
    if (failure.kind == static_cast<std::uint8_t>(ErrorKind::cancelled)) {
      summary_.not_done.push_back(std::move(failure.key));  // the job stopped: not done, not failed
    } else {
      summary_.failed.push_back(std::move(failure));
    }
  }
}

bool Coordinator::handle(Message& message) {
  if (message.tag == kItemDone) {
    Result<ItemDone> done = decode_done(message.payload);
    if (!done.ok()) abort_on_broken_protocol(comm_, done.error());
    on_item_done(std::move(done).value());
    return true;
  }
  if (spread_ != nullptr && spread_->handle(message)) {
    return true;
  }
  if (message.tag == kStolen) {
    Result<Stolen> stolen = decode_stolen(message.payload);
    if (!stolen.ok()) abort_on_broken_protocol(comm_, stolen.error());
    dealer_.move(stolen->victim, message.source, stolen->bytes);
    return true;
  }
  if (message.tag == kProgress) {
    Result<RankProgress> progress = decode_progress(message.payload);
    if (!progress.ok()) abort_on_broken_protocol(comm_, progress.error());
    live_.set_rank(message.source, *progress);
    return true;
  }
  return false;
}

void Coordinator::print_progress(bool final_line) {
  ProgressSnapshot snapshot;
  snapshot.objects_listed = summary_.objects_listed;
  snapshot.bytes_listed = summary_.bytes_listed;
  snapshot.listing_done = source_.done();
  snapshot.objects_done = objects_done_ + summary_.objects_skipped;
  snapshot.errors = summary_.failed.size();
  if (final_line) {
    live_.finish(snapshot, LiveProgress::Clock::now());
  } else {
    live_.tick(snapshot, LiveProgress::Clock::now());
  }
}

int Coordinator::finish(std::vector<RankStats> ranks, double wall_seconds) {
  // The last line counts every rank's final bytes, not its last progress message.
  for (const RankStats& rank : ranks) live_.set_rank(rank.rank, RankProgress{rank.bytes, 0, rank.retries});
  print_progress(true);
  summary_.timeline = live_.timeline();
  summary_.wall_seconds = wall_seconds;
  summary_.iterations = static_cast<std::uint64_t>(std::max(1, job_.iterations));
  summary_.listing_complete = source_.complete();
  summary_.listing_error = source_.error();
  add_rank_stats(summary_, std::move(ranks));
  if (stop_failed_) {
    // DEST failed for every object: those not copied failed, for the
    // failed list and --files-from, with the reason.
    for (const std::string& key : summary_.not_done) {
      summary_.failed.push_back(ObjectFailure{key, fmt::format("not copied: DEST failed: {}", *stop_reason_),
                                              static_cast<std::uint8_t>(ErrorKind::io)});
    }
    summary_.objects_failed += summary_.not_done.size();
  }
  int status = summary_.objects_failed > 0 || !summary_.listing_complete ? 1 : 0;
  // Stopped before it was done: its own status, so that a script can tell
  // "run me again" from "something failed".
  if (stop_reason_ && !stop_failed_ && (!summary_.not_done.empty() || !summary_.listing_complete)) {
    status = *stop_reason_ == kMaxDurationStop ? 10 : 4;
  }
  if (summary_.objects_listed == 0 && !prefix_.empty()) {
    fmt::print(stderr, "caios2dfs-mpi: note: no object named '{}' and no objects under '{}': check SOURCE\n",
               prefix_.substr(0, prefix_.size() - 1), prefix_);
  }
  if (job_.verbosity >= 0 || status != 0) fmt::print("{}", format_summary(summary_, job_.verbosity > 0));
  std::fflush(stdout);
  write_report_files(summary_, ReportPaths{job_.report, job_.failed_list}, prefix_);
  return status;
}

}  // namespace caios
