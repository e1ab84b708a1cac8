// Every rank's worker, rank 0's included: keeps a queue of work items, feeds
// them to the transfer executor as it has room, steals half of a random
// rank's queue when its own runs dry, gives work to thieves, and reports its
// byte count to rank 0 for progress lines.
//
// Thread contract: the rank's one thread; step() and handle() are called by
// run_copy's event loop. The executor's callbacks (and so `report_done`) run
// inside step().
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <random>

#include "caios2dfs/copy/copy_job.hpp"
#include "caios2dfs/copy/stats.hpp"
#include "caios2dfs/copy/timeline.hpp"
#include "caios2dfs/copy/transfer_executor.hpp"
#include "caios2dfs/copy/work_item.hpp"
#include "caios2dfs/mpi/comm.hpp"

namespace caios {

class Worker {
 public:
  /// Called once per finished item, on this rank's thread.
  using ReportDone = std::function<void(ItemDone&&)>;

  /// `destination` null: --bench read (bytes are dropped).
  Worker(Comm& comm, S3Client& client, FileBackend& backend, Destination* destination, const CopyJob& job,
         RankStats& stats, ReportDone report_done);

  /// Queue an item dealt to this rank (rank 0 enqueues its own share directly).
  void enqueue(WorkItem item);

  /// Move data: run the HTTP engine (waiting up to 1 ms while requests are
  /// in flight) and finish transfers whose writes completed.
  void poll_io();

  /// Start queued items while the executor has room, steal when idle, report
  /// progress. Returns true when an item was started.
  bool step();

  /// Take a message addressed to the worker (work, steal request or reply,
  /// terminate). False for other tags, which belong to the coordinator.
  bool handle(Message& message);

  /// Requests or writes are in flight.
  bool busy() const;
  /// This rank's figures for rank 0's progress (sent as kProgress by the others).
  RankProgress progress() const;
  bool terminated() const { return terminated_; }
  /// Rank 0's coordinator says every item is done.
  void terminate() { terminated_ = true; }

  /// The job is stopping (`reason`: "SIGTERM", ...; also on kStop): no
  /// more steals; every item queued, and any that arrives from now on, is
  /// reported done at once with its objects not copied; the executor starts
  /// no new object. `soft`: the GETs in flight finish; else they end now
  /// (a later hard stop ends them too). Then the rank waits for kTerminate.
  void stop(const std::string& reason, bool soft = false);
  bool stopping() const { return stop_.has_value(); }
  /// The executor's failure that every object in DEST would share (disk full...).
  const std::optional<Error>& dest_failure() const { return executor_.dest_failure(); }

 private:
  void give_to_thief(int thief);
  void take_items(Message& message);
  void maybe_steal();
  void maybe_send_progress();
  void abandon(const WorkItem& item);  ///< reported done, not run: the job stops

  using Clock = std::chrono::steady_clock;

  Comm& comm_;
  S3Client& client_;
  RankStats& stats_;
  ReportDone report_done_;
  std::optional<Error> stop_;
  std::chrono::milliseconds progress_interval_;
  TransferExecutor executor_;
  std::deque<WorkItem> queue_;
  std::mt19937_64 random_;
  bool terminated_ = false;
  bool steal_outstanding_ = false;
  int failed_steals_ = 0;
  Clock::time_point next_steal_{};
  Clock::time_point last_progress_send_{};
  RankProgress last_reported_;
};

}  // namespace caios
