// One event loop per rank wires the worker (every rank) and the coordinator
// (rank 0) to the communicator; see copy_job.hpp.
#include <fmt/format.h>

#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <thread>

#include "caios2dfs/base/stop_signals.hpp"
#include "caios2dfs/copy/copy_job.hpp"
#include "caios2dfs/copy/coordinator.hpp"
#include "caios2dfs/copy/idle_backoff.hpp"
#include "caios2dfs/copy/key_path.hpp"
#include "caios2dfs/copy/messages.hpp"
#include "caios2dfs/copy/source_requests.hpp"
#include "caios2dfs/copy/worker.hpp"

namespace caios {

namespace {

using Clock = std::chrono::steady_clock;

/// Route every message that has arrived; true when there was one.
bool deliver_messages(Comm& comm, Worker& worker, SourceService& service, Coordinator* coordinator) {
  bool any = false;
  while (std::optional<Message> message = comm.try_receive()) {
    any = true;
    if (worker.handle(*message) || service.handle(*message)) continue;
    if (coordinator != nullptr && message->tag == kStopRequest) {  // a signal, or DEST failed, on another rank
      const StopOrder order = decode_stop(message->payload);
      coordinator->stop(order.reason, false, order.failed);
      worker.stop(order.reason);
      continue;
    }
    if (coordinator != nullptr && coordinator->handle(*message)) continue;
    abort_on_broken_protocol(comm, protocol_error("receive", fmt::format("rank {}", message->source), 0,
                                                  fmt::format("unexpected message tag {}", message->tag)));
  }
  return any;
}

/// A stop signal here: rank 0 stops the job; another rank stops its own
/// work at once (SLURM signals every rank) and tells rank 0.
void on_stop_signal(Comm& comm, Worker& worker, Coordinator* coordinator, int signal) {
  const std::string reason = StopSignals::name(signal);
  if (coordinator != nullptr) {
    coordinator->stop(reason);
  } else {
    comm.send(0, kStopRequest, encode_stop(StopOrder{reason, false, false}));
  }
  worker.stop(reason);
}

/// DEST failed here in a way every object would (disk full, quota, read
/// only): stop the job now instead of failing each remaining object.
void on_dest_failure(Comm& comm, Worker& worker, Coordinator* coordinator, const Error& error) {
  const std::string reason = error.to_string();
  if (coordinator != nullptr) {
    coordinator->stop(reason, false, true);
  } else {
    comm.send(0, kStopRequest, encode_stop(StopOrder{reason, false, true}));
  }
  worker.stop(reason);
}

/// Rank 0's --max-duration: when the job has run this long, stop it in order.
struct Deadline {
  std::optional<Clock::time_point> at;
  bool soft = false;
};

void event_loop(Comm& comm, Worker& worker, SourceService& service, Coordinator* coordinator,
                const StopSignals* signals, Deadline deadline) {
  bool signal_seen = false;
  IdleBackoff idle;
  while (!worker.terminated()) {
    if (signals != nullptr && !signal_seen && signals->received() != 0) {
      signal_seen = true;
      on_stop_signal(comm, worker, coordinator, signals->received());
    }
    if (!worker.stopping() && worker.dest_failure()) on_dest_failure(comm, worker, coordinator, *worker.dest_failure());
    if (coordinator != nullptr && deadline.at && Clock::now() >= *deadline.at) {
      deadline.at.reset();
      const std::string reason(kMaxDurationStop);
      coordinator->stop(reason, deadline.soft);
      worker.stop(reason, deadline.soft);
    }
    const bool busy = worker.busy();
    worker.poll_io();
    bool progressed = deliver_messages(comm, worker, service, coordinator);
    progressed = worker.step() || progressed;
    if (coordinator != nullptr) {
      coordinator->set_local_progress(worker.progress());
      progressed = coordinator->step() || progressed;
      if (coordinator->finished()) {
        for (int rank = 1; rank < comm.size(); ++rank) comm.send(rank, kTerminate, {});
        worker.terminate();
      }
    }
    comm.progress();
    // Nothing in flight and nothing new: do not spin a core (idle_backoff.hpp).
    if (busy || progressed) {
      idle.reset();
    } else if (!worker.terminated()) {
      std::this_thread::sleep_for(idle.next());
    }
  }
}

/// Retries of every request this rank made (listing and HEADs included),
/// added to the executor's own (objects fetched again after a mismatch).
void add_client_retries(RankStats& stats, const S3ClientStats& client) {
  stats.retries += client.retries;
  for (std::size_t i = 0; i < kErrorKinds && i < client.retries_by_kind.size(); ++i) {
    stats.retries_by_kind[i] += client.retries_by_kind[i];
  }
}

/// This run's id, the same on every rank: names its staging directory.
std::string run_id(Comm& comm) {
  std::string id;
  if (comm.rank() == 0) {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    id = fmt::format("{:x}-{:x}", std::chrono::duration_cast<std::chrono::microseconds>(now).count(), ::getpid());
  }
  return comm.broadcast(id, 0);
}

}  // namespace

int run_copy(Comm& comm, S3Client& client, FileBackend& backend, const CopyJob& job, const StopSignals* signals) {
  const auto started = Clock::now();
  RankStats stats;
  stats.rank = comm.rank();
  std::optional<Destination> destination;
  const std::string id = run_id(comm);
  if (job.mode == CopyMode::copy) destination.emplace(job.dest, job.skip_rule, id);
  Destination* dest = destination ? &*destination : nullptr;

  std::unique_ptr<Coordinator> coordinator;
  Worker worker(comm, client, backend, dest, job, stats, [&comm, &coordinator](ItemDone&& done) {
    if (coordinator) {
      coordinator->on_item_done(std::move(done));
    } else {
      comm.send(0, kItemDone, encode_done(done));
    }
  });
  if (comm.rank() == 0) {
    coordinator = std::make_unique<Coordinator>(comm, client, dest, job, stats,
                                                [&worker](WorkItem&& item) { worker.enqueue(std::move(item)); });
  }

  // Rank 0 proves the bucket is reachable before anyone moves data, so bad
  // credentials or a wrong bucket end the job with status 2 on every rank.
  std::string startup_error = coordinator ? coordinator->start() : std::string();
  startup_error = comm.broadcast(startup_error, 0);
  if (!startup_error.empty()) {
    if (coordinator) fmt::print(stderr, "caios2dfs-mpi: {}\n", startup_error);
    return 2;
  }

  // Every rank runs the listing requests rank 0 sends it.
  SourceService service(comm, client, stats);
  Deadline deadline{std::nullopt, job.cutoff_soft};
  if (job.max_duration.count() > 0) deadline.at = started + job.max_duration;
  event_loop(comm, worker, service, coordinator.get(), signals, deadline);
  // After termination only empty steal replies, unanswered steal requests
  // and progress reports can still be in flight at rank 0, besides the last
  // done records: every item was done.
  comm.finish_messages([&coordinator](Message&& message) {
    if (coordinator && message.tag == kItemDone) coordinator->handle(message);
  });

  add_client_retries(stats, client.stats());
  note_process_usage(stats);
  std::vector<RankStats> ranks = gather_rank_stats(comm, stats);
  // Every rank is past its last file call: the staging directory is empty
  // but for what an interrupted earlier run left.
  if (coordinator && dest != nullptr && !job.dry_run) {
    Result<std::vector<std::string>> others = dest->remove_staging();
    if (!others.ok()) {
      fmt::print(stderr, "caios2dfs-mpi: warning: {}\n", others.error().to_string());
    } else if (!others->empty()) {
      fmt::print(stderr,
                 "caios2dfs-mpi: note: {}/{} also holds {} staging director{} of other runs (killed, or still "
                 "running): remove {} when no copy into DEST runs\n",
                 job.dest, kStagingDirectory, others->size(), others->size() == 1 ? "y" : "ies",
                 others->size() == 1 ? "it" : "them");
    }
  }
  int status = 0;
  if (coordinator) status = coordinator->finish(std::move(ranks), std::chrono::duration<double>(Clock::now() - started).count());
  return comm.broadcast_int(status, 0);
}

}  // namespace caios
