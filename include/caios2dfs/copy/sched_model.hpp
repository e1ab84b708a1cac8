// A discrete-event model of the copy's scheduler at thousands of ranks,
// driving the real policy (work_plan.hpp: WorkPlanner, ByteDealer,
// ChunkTracker, steal_count, pick_victim, outstanding_item_limit) with
// modelled time in place of MPI and S3, so that a design can be judged at
// 4,096 ranks on one core (src/tools/sched_sim.cpp, scripts/bench-scheduler).
// Pure: no MPI, no network, no clock; the same config and sizes give the
// same result.
//
// What is modelled, as coordinator.cpp, worker.cpp and transfer_executor.cpp
// do it:
//  - listing: pages of `keys_per_page` keys in listing order; the first page
//    alone, then up to `checkers` pages in flight, each taking
//    checkers / list_pages_per_s seconds on average (listing_page_seconds);
//    no new page is asked for while the
//    items outstanding reach outstanding_item_limit (the listing pause);
//  - rank 0 as one server: every message it receives or sends, every listed
//    key and every done record occupies it for a cost (below), in arrival
//    order; what a job deals or answers leaves when the job ends. Objects
//    at or above the cutoff are asked about with a HEAD (one request
//    latency, off rank 0's time) before they are cut into chunks;
//  - every rank (rank 0 too) runs its queue like the executor: items taken
//    while wants_work() would say so (items_in_turn, unstarted bytes), up to
//    `transfers` objects opened ahead and `transfers` GETs running, one
//    object from each item in turn; idle, it steals from a random rank
//    (rank to rank, not through rank 0), backing off 2..64 ms after empty
//    replies; it reports each item done to rank 0 (or `done_batch` records
//    per message, the design switch), and its byte count every
//    `progress_interval_s` while bytes move;
//  - a GET takes `request_latency_s` to its first byte, then its body shares
//    the rank's bandwidth fairly with the other bodies in flight on that
//    rank (processor sharing: n bodies get rank_bytes_per_s / n each).
// Not modelled: file-system calls (open, write, publish: zero time), the
// store's aggregate limits, retries and failures, rank 0's own transfers
// taking its CPU, a read-back of chunked objects (their check is assumed
// made from the chunks' digests), and pick_next_item's directory choice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "caios2dfs/copy/work_plan.hpp"

namespace caios {

struct SchedModelConfig {
  int ranks = 64;
  int transfers = 16;  ///< GETs in flight per rank (--transfers)
  /// A rank's share of its node's network, in bytes/s (25 Gb/s over 8 ranks).
  double rank_bytes_per_s = 390e6;
  double request_latency_s = 0.020;  ///< each GET and HEAD: time to first byte
  double list_pages_per_s = 320;     ///< the listing's rate with every page in flight
  int checkers = 64;                 ///< listing pages in flight (--checkers)
  int keys_per_page = 1000;
  // Rank 0's costs, measured on the real code on a quiet 2-core machine
  // (tests/copy/sched_model_test.cpp, the hidden [.bench] and [.mpibench]
  // tests): a done message received and decoded 0.32-0.40 us, a dealt batch
  // sent 0.69-0.76 us (Open MPI, shared memory), a listed key 0.22-0.25 us,
  // a done record 0.065 us. With a build running beside them: up to 0.99,
  // 2.4, 0.39 and 0.13 us.
  /// Rank 0's time for each message it receives (and decodes, one done
  /// record included) or sends.
  double message_cost_s = 1e-6;
  double key_cost_s = 0.25e-6;     ///< rank 0's time per listed key: decode, map, plan, deal, encode
  double record_cost_s = 0.07e-6;  ///< rank 0's time per further done record in a message
  double message_delay_s = 20e-6;    ///< one way, between any two ranks
  double progress_interval_s = 1.0;  ///< worker.cpp's progress_interval at the default --stats
  /// Done records a rank gathers before it sends them in one message (also
  /// sent with its progress message, and when it has nothing left to run).
  /// 1: one message per item, as the product does.
  int done_batch = 1;
  /// Design switch: the rank that listed a page also maps its keys and
  /// plans its items (as rank 0 would: the same batches, a page at a time),
  /// sends rank 0 only the items' sizes, and sends the items to the ranks
  /// rank 0's dealer names in its answer. Rank 0's time per page is then
  /// three messages and a done record's time per item, with no time per key.
  bool listers_plan = false;
  PlanLimits plan;
  int items_in_turn = 8;                              ///< ExecutorOptions::items_in_turn
  std::uint64_t unstarted_bytes_limit = 64ull << 20;  ///< ExecutorOptions::unstarted_bytes_limit
  std::uint64_t seed = 1;                             ///< the ranks' victim choices
  /// Give up (finished = false) past this simulated time: a broken model,
  /// not a slow copy.
  double give_up_after_s = 1e6;
};

/// The listing's pages: objects / keys_per_page rounded up, at least one.
std::uint64_t listing_pages(const SchedModelConfig& config, std::size_t objects);
/// A page's mean time: checkers / list_pages_per_s.
double mean_page_seconds(const SchedModelConfig& config);
/// Each of `pages` pages' time, in the order they are asked for: the first
/// the mean, the others uniform between half and one and a half times it
/// (drawn from `seed`), so that pages asked for together do not arrive in
/// step.
std::vector<double> listing_page_seconds(const SchedModelConfig& config, std::uint64_t pages);
/// The time the pages after the first take with `checkers` in flight and
/// nothing else in the way: no pause, no time at rank 0.
double listing_alone_seconds(const SchedModelConfig& config, const std::vector<double>& page_seconds);

/// What no scheduler can beat: the first page (listed alone), then the
/// largest of three ways to run out of time.
struct IdealTime {
  double first_page_s = 0;  ///< the mean page time
  /// Total bytes / (ranks x rank bandwidth); no body flows before a GET's
  /// latency, so the total counts one latency with it.
  double bandwidth_s = 0;
  /// Every slot busy: each GET holds one for its latency and its body at
  /// the rank's full bandwidth, (GETs x latency + bytes / rank bandwidth)
  /// / (ranks x transfers).
  double slots_s = 0;
  /// The other pages, listed alone (listing_alone_seconds); the last
  /// page's objects then need one latency more.
  double listing_s = 0;
  /// first_page + max(latency + bandwidth, slots, listing + latency)
  double total_s = 0;
};

/// The ideal for `sizes` (bytes of each object, in listing order) under `config`.
IdealTime ideal_time(const SchedModelConfig& config, const std::vector<std::uint64_t>& sizes);

struct SchedModelResult {
  bool finished = false;  ///< every item was reported done before give_up_after_s
  IdealTime ideal;
  double simulated_s = 0;  ///< until rank 0 knows the last item is done
  double listing_done_s = 0;  ///< when rank 0 had taken the last page
  double efficiency = 0;   ///< ideal.total_s / simulated_s
  /// When each rank finished its last GET: the earliest, the latest, and
  /// the difference (the tail), over the ranks that ran one.
  double first_rank_done_s = 0;
  double last_rank_done_s = 0;
  double tail_s = 0;
  int idle_ranks = 0;  ///< ranks that ran no GET
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;
  std::uint64_t items = 0;  ///< created by the planner
  std::uint64_t gets = 0;
  std::uint64_t pages = 0;
  /// The most items created and not yet known done: what the listing pause
  /// bounds (outstanding_item_limit, plus the pages in flight when it paused).
  std::uint64_t max_outstanding_items = 0;
  std::uint64_t rank0_messages = 0;  ///< received and sent
  double rank0_messages_per_s = 0;   ///< rank0_messages / simulated_s
  double rank0_busy_fraction = 0;    ///< rank 0's busy time / simulated_s
  double rank0_max_wait_s = 0;       ///< longest a message or page waited for rank 0
  std::uint64_t steals = 0;          ///< steal replies that brought work
  std::uint64_t empty_steals = 0;
  std::uint64_t events = 0;  ///< the simulation's own work
};

/// Simulate copying objects of `sizes` (bytes, in listing order).
SchedModelResult simulate_schedule(const SchedModelConfig& config, const std::vector<std::uint64_t>& sizes);

}  // namespace caios
