// The event loop behind simulate_schedule (sched_model.hpp), private to the
// copy layer: sched_simulation.cpp holds the loop and rank 0's side
// (listing, planning, dealing, counting done items), sched_ranks.cpp every
// rank's worker (queue, executor, bandwidth, stealing, reports).
//
// Time is a double in seconds. Events are kept in one time-ordered queue
// (ties: in the order scheduled), so a run is deterministic. No event or
// message costs O(ranks): a rank's state is reached by its index.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <queue>
#include <random>
#include <utility>
#include <vector>

#include "caios2dfs/copy/sched_model.hpp"
#include "caios2dfs/copy/work_plan.hpp"

namespace caios::sched {

enum class EventKind : std::uint8_t {
  first_byte,      ///< a GET's latency is over: its body starts (data: transfer)
  bodies_done,     ///< the earliest body of a rank may be complete (data: generation)
  message,         ///< a message reaches a rank other than 0 (data: message)
  rank0_free,      ///< rank 0 ends its current job
  rank0_arrival,   ///< a message reaches rank 0 (data: message)
  page_listed,     ///< a listing page arrives at rank 0 (data: page)
  probe_answered,  ///< a chunked object's HEAD is answered (data: probe)
  steal_timer,     ///< a rank's steal back-off is over
  progress_tick,   ///< a rank's progress report is due
};

struct Event {
  double time = 0;
  std::uint64_t sequence = 0;
  EventKind kind = EventKind::first_byte;
  int rank = 0;
  std::uint64_t data = 0;
  bool operator>(const Event& other) const {
    return time != other.time ? time > other.time : sequence > other.sequence;
  }
};

enum class MessageKind : std::uint8_t { work, steal_request, steal_reply, done, progress, stolen };

/// What rank 0 needs of an ItemDone.
struct DoneRecord {
  WorkKind kind = WorkKind::batch;
  std::uint64_t object_id = 0;
};

struct SimMessage {
  MessageKind kind = MessageKind::work;
  int from = 0;
  int to = 0;
  std::vector<WorkItem> items;    ///< work, steal_reply
  std::vector<DoneRecord> done;   ///< done, progress (with --done-batch)
  int hops = 1;  ///< 2: rank 0's dealt items, sent on by the lister (listers_plan)
  int victim = 0;               ///< stolen: whose work the sender took
  std::uint64_t bytes = 0;      ///< stolen: how much
};

/// An item the executor has taken: objects opened so far, and not yet done.
struct SimItem {
  WorkItem item;
  std::size_t next_object = 0;
  std::size_t unfinished = 0;
};

struct Transfer {
  SimItem* item = nullptr;
  std::uint64_t bytes = 0;
  int rank = 0;
};

struct RankState {
  std::deque<WorkItem> queue;
  std::list<SimItem> active;  ///< a list: transfers point into it
  std::deque<std::pair<SimItem*, std::uint64_t>> opened;  ///< waiting for a GET slot
  int running = 0;
  // Processor sharing: each of the `flowing` bodies in flight gets
  // rank_bytes_per_s / flowing; `share_bytes` is what each has been given
  // up to `share_at` since the rank last had none, so a body of b bytes
  // that starts at share s ends when share_bytes reaches s + b.
  double share_bytes = 0;
  double share_at = 0;
  int flowing = 0;
  std::priority_queue<std::pair<double, std::uint32_t>, std::vector<std::pair<double, std::uint32_t>>,
                      std::greater<>>
      bodies;  ///< (share_bytes at which it ends, transfer)
  std::uint64_t bodies_generation = 0;
  bool steal_outstanding = false;
  int failed_steals = 0;
  double next_steal_at = 0;
  bool steal_timer_set = false;
  std::mt19937_64 random;
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_reported = 0;
  std::vector<DoneRecord> unsent_done;
  double last_get_done_at = -1;  ///< -1: none yet
};

class Simulation {
 public:
  Simulation(const SchedModelConfig& config, const std::vector<std::uint64_t>& sizes);
  SchedModelResult run();

 private:
  // The loop (sched_simulation.cpp).
  void schedule(double at, EventKind kind, int rank, std::uint64_t data = 0);
  void dispatch(const Event& event);
  /// Send now; arrives message_delay_s later (rank 0's go through its queue).
  void send(SimMessage message);
  std::uint64_t store(SimMessage message);  ///< into a free slot of messages_
  SimMessage take(std::uint64_t slot);      ///< out of its slot, which is freed
  // Rank 0's side (sched_simulation.cpp).
  struct Rank0Job {
    EventKind kind;  ///< page_listed, probe_answered or rank0_arrival
    std::uint64_t data;
    double arrived;
  };
  void rank0_arrive(Rank0Job job);
  void rank0_start_next();
  void rank0_end_job();
  double rank0_run(const Rank0Job& job);  ///< the job's effects; returns its cost
  double run_page(std::uint64_t page);
  double run_probe(std::uint64_t probe);
  double run_message(SimMessage& message);
  void count_done(const std::vector<DoneRecord>& records);
  void deal(WorkItem&& item);
  /// Into the outbox; returns rank 0's cost. `by_lister`: the lister sends
  /// them (listers_plan), rank 0's own share included.
  double send_dealt(bool by_lister = false);
  void drive_listing();
  bool coordinator_finished() const;
  // Every rank's side (sched_ranks.cpp).
  void take_message(SimMessage& message);
  void enqueue(int rank, std::vector<WorkItem>& items);
  void worker_step(int rank);
  bool wants_work(const RankState& state) const;
  void pump(int rank);
  void start_get(int rank, SimItem* item, std::uint64_t bytes);
  void on_first_byte(std::uint32_t transfer);
  void on_bodies_done(int rank, std::uint64_t generation);
  void advance_share(RankState& state);
  void schedule_bodies(int rank);
  void complete(std::uint32_t transfer);
  void report_done(int rank, DoneRecord record);
  void flush_done(int rank, MessageKind kind);
  void maybe_steal(int rank);
  SimMessage give_to_thief(int victim, int thief);
  void take_steal_reply(SimMessage& reply);
  void on_progress_tick(int rank);

  const SchedModelConfig config_;
  const std::vector<std::uint64_t>& sizes_;
  double now_ = 0;
  std::uint64_t sequence_ = 0;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::vector<SimMessage> messages_;  ///< in flight; slots reused
  std::vector<std::uint64_t> free_messages_;
  std::vector<Transfer> transfers_;  ///< in flight; slots reused
  std::vector<std::uint32_t> free_transfers_;
  std::vector<RankState> ranks_;
  SchedModelResult result_;
  bool ended_ = false;

  // Rank 0's coordinator.
  WorkPlanner planner_;
  ByteDealer dealer_;
  ChunkTracker tracker_;
  std::vector<std::vector<WorkItem>> dealt_;  ///< per rank, until the job ends
  std::vector<int> dealt_ranks_;              ///< ranks with dealt items, so no scan of every rank
  std::vector<SimMessage> outbox_;            ///< leaves when the job ends
  std::vector<ObjectRef> probes_;             ///< chunked objects asked about, by probe
  int probes_in_flight_ = 0;
  std::uint64_t pages_total_ = 0;
  std::uint64_t pages_asked_ = 0;
  std::uint64_t pages_done_ = 0;
  std::uint64_t pages_in_flight_ = 0;
  std::uint64_t items_completed_ = 0;
  std::uint64_t outstanding_limit_ = 0;
  const std::vector<double> page_seconds_;  ///< by page, in the order asked for
  std::deque<Rank0Job> rank0_queue_;
  bool rank0_busy_ = false;
  double rank0_busy_s_ = 0;
};

}  // namespace caios::sched
