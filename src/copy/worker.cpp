#include "caios2dfs/copy/worker.hpp"

#include <algorithm>

#include "caios2dfs/copy/messages.hpp"
#include "caios2dfs/copy/work_plan.hpp"

namespace caios {

namespace {

/// How far into its queue a rank looks for an item in a directory none of
/// its started items is in (pick_next_item).
constexpr std::size_t kItemScan = 64;

ExecutorOptions executor_options(const CopyJob& job) {
  ExecutorOptions options;
  options.bucket = job.source.bucket;
  options.buffer_bytes = job.buffer_size;
  options.transfers = job.transfers;
  options.file_threads = job.file_threads;
  options.verify = job.verify;
  options.retries = job.retries;
  options.dry_run = job.dry_run;
  options.verbosity = job.verbosity;
  return options;
}

/// How often a rank tells rank 0 its byte count: often enough that rank 0's
/// progress lines are current, rarely enough that thousands of ranks do not
/// flood it.
std::chrono::milliseconds progress_interval(const CopyJob& job) {
  // -P redraws twice a second: its per-rank rates need fresher figures.
  if (job.progress_block) return std::chrono::milliseconds(250);
  return std::clamp(job.stats_interval / 4, std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
}

}  // namespace

Worker::Worker(Comm& comm, S3Client& client, FileBackend& backend, Destination* destination, const CopyJob& job,
               RankStats& stats, ReportDone report_done)
    : comm_(comm),
      client_(client),
      stats_(stats),
      report_done_(report_done),
      progress_interval_(progress_interval(job)),
      executor_(client, backend, destination, executor_options(job), stats, std::move(report_done)),
      random_(0x5EED0000u + static_cast<unsigned>(comm.rank())) {}

void Worker::enqueue(WorkItem item) {
  if (stop_) return abandon(item);
  queue_.push_back(std::move(item));
}

void Worker::stop(const std::string& reason, bool soft) {
  if (!stop_) {
    stop_ = stop_error(reason);
    std::deque<WorkItem> queued = std::move(queue_);
    queue_.clear();
    for (const WorkItem& item : queued) abandon(item);
    executor_.stop(*stop_);
  }
  // Last: it ends the requests in flight, whose callbacks run now.
  if (!soft) client_.stop(*stop_);
}

void Worker::abandon(const WorkItem& item) { report_done_(abandoned_item(item, *stop_)); }

bool Worker::busy() const {
  return executor_.running() > 0 || client_.engine().pending() > 0 || !executor_.idle();
}

void Worker::poll_io() {
  client_.engine().poll(std::chrono::milliseconds(busy() ? 1 : 0));
  executor_.poll_files();
}

bool Worker::step() {
  bool progressed = false;
  while (executor_.wants_work() && !queue_.empty()) {
    const auto next = queue_.begin() + static_cast<std::ptrdiff_t>(
                                           pick_next_item(queue_, executor_.active_directories(), kItemScan));
    WorkItem item = std::move(*next);
    queue_.erase(next);
    executor_.add(std::move(item));
    progressed = true;
  }
  maybe_steal();
  maybe_send_progress();
  return progressed;
}

bool Worker::handle(Message& message) {
  switch (message.tag) {
    case kStealRequest:
      give_to_thief(message.source);
      return true;
    case kWork:
    case kStealReply:
      take_items(message);
      return true;
    case kTerminate:
      terminated_ = true;
      return true;
    case kStop: {
      const StopOrder order = decode_stop(message.payload);
      stop(order.reason, order.soft);
      return true;
    }
    default:
      return false;
  }
}

void Worker::give_to_thief(int thief) {
  const std::size_t count = steal_count(queue_.size(), !executor_.wants_work());
  std::vector<WorkItem> given;
  for (std::size_t i = 0; i < count; ++i) {
    given.push_back(std::move(queue_.back()));
    queue_.pop_back();
  }
  std::reverse(given.begin(), given.end());
  comm_.send(thief, kStealReply, encode_items(given));
}

void Worker::take_items(Message& message) {
  Result<std::vector<WorkItem>> items = decode_items(message.payload);
  if (!items.ok()) abort_on_broken_protocol(comm_, items.error());
  if (message.tag == kStealReply) {
    steal_outstanding_ = false;
    if (items->empty()) {
      // Back off exponentially (2 ms .. 64 ms) while the other ranks are dry too.
      failed_steals_ = std::min(failed_steals_ + 1, 6);
      next_steal_ = Clock::now() + std::chrono::milliseconds(1 << failed_steals_);
      return;
    }
    failed_steals_ = 0;
    std::uint64_t bytes = 0;
    for (const WorkItem& item : *items) bytes += item.bytes();
    comm_.send(0, kStolen, encode_stolen(Stolen{message.source, bytes}));
  }
  for (WorkItem& item : *items) enqueue(std::move(item));
}

void Worker::maybe_steal() {
  if (comm_.size() < 2 || terminated_ || stop_ || steal_outstanding_ || !queue_.empty() || !executor_.wants_work()) {
    return;
  }
  if (Clock::now() < next_steal_) return;
  comm_.send(pick_victim(comm_.rank(), comm_.size(), random_), kStealRequest, {});
  steal_outstanding_ = true;
}

RankProgress Worker::progress() const {
  return RankProgress{stats_.bytes, client_.engine().running(), stats_.retries + client_.stats().retries};
}

void Worker::maybe_send_progress() {
  if (comm_.rank() == 0) return;
  const auto now = Clock::now();
  if (now - last_progress_send_ < progress_interval_) return;
  const RankProgress now_progress = progress();
  if (now_progress.bytes == last_reported_.bytes && now_progress.in_flight == last_reported_.in_flight &&
      now_progress.retries == last_reported_.retries) {
    return;
  }
  last_progress_send_ = now;
  last_reported_ = now_progress;
  comm_.send(0, kProgress, encode_progress(now_progress));
}

}  // namespace caios
