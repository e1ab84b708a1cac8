// The scheduler's policy, pure and unit-tested without MPI or network:
//  - WorkPlanner turns listed objects into work items by bytes: batches of
//    small objects, and chunks of objects at or above the cutoff;
//  - steal_count / pick_victim decide how work moves between ranks;
//  - outstanding_item_limit says when rank 0 pauses the listing;
//  - pick_next_item chooses which queued item a rank starts next;
//  - ChunkTracker (rank 0) knows when every chunk of a large object is in
//    place, so the file can be published under its final name.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <random>
#include <unordered_map>
#include <vector>

#include "caios2dfs/copy/resume_state.hpp"
#include "caios2dfs/copy/work_item.hpp"

namespace caios {

struct PlanLimits {
  std::uint64_t multi_thread_cutoff = 64ull << 20;  ///< objects >= this are chunked
  std::uint64_t chunk_size = 64ull << 20;
  std::uint64_t batch_bytes = 64ull << 20;  ///< close a batch at this many bytes...
  /// ...or this many objects: small enough that a rank holds several
  /// batches in turn (ExecutorOptions::items_in_turn) and still leaves most
  /// of its queue to thieves.
  std::size_t batch_objects = 16;
};

class WorkPlanner {
 public:
  explicit WorkPlanner(PlanLimits limits);

  /// Plan one object; items that are complete are appended to `out`.
  /// Returns the object id its chunks carry (WorkItem::object_id) when the
  /// object was split into chunks, nullopt when it joined a batch.
  std::optional<std::uint64_t> add(ObjectRef object, std::vector<WorkItem>& out);
  /// Split `object` (of at least one byte) into chunks whatever its size, of
  /// `chunk_size` (0: PlanLimits::chunk_size; nonzero: cut on its part
  /// boundaries, chunk_checks.hpp). Returns the object id they carry.
  /// `only`: cut just these ranges of it (what an interrupted run did not
  /// write), each into chunks of at most `chunk_size`, numbered in order.
  std::uint64_t add_chunked(ObjectRef object, std::vector<WorkItem>& out, std::uint64_t chunk_size = 0,
                            const std::vector<ByteRange>* only = nullptr);
  /// Close the open batch (end of a listing page, or end of listing), so
  /// listed objects do not wait for more to arrive.
  void flush(std::vector<WorkItem>& out);
  /// The check of chunked object `object_id` once its chunks are all in: its
  /// file must have MD5 `check_md5` (base64). Counts as an item like any other.
  WorkItem verify(ObjectRef object, std::uint64_t object_id, std::string check_md5);

  std::uint64_t items_created() const { return next_item_id_; }
  std::uint64_t objects_chunked() const { return next_object_id_; }

 private:
  PlanLimits limits_;
  WorkItem open_batch_;
  std::uint64_t open_batch_bytes_ = 0;
  std::uint64_t next_item_id_ = 0;
  std::uint64_t next_object_id_ = 0;
};

/// The listing pause: rank 0 asks for no more listing pages while at least
/// this many of the items it created are not yet reported done (pages
/// already asked for still arrive). Four items per transfer slot of the job
/// (`ranks` x `transfers`), at least 256: enough to keep every slot busy
/// with items to spare for thieves, small enough that the listing of a huge
/// bucket is never held in memory.
std::uint64_t outstanding_item_limit(int ranks, int transfers);

/// How many of `queued` items a victim gives a thief: half, rounded up when
/// the victim is already busy with enough of its own, down otherwise (so a
/// victim never gives away its only next item while it has room for it).
std::size_t steal_count(std::size_t queued, bool victim_saturated);

/// A random rank other than `self` (uniform). `size` must be > 1.
int pick_victim(int self, int size, std::mt19937_64& random);

/// The directory under DEST an item's files land in (its first object's;
/// "" for DEST itself). A batch holds consecutive keys, so mostly one.
std::string_view item_directory(const WorkItem& item);

/// Which of `queue` to start next, given the directories of the items a rank
/// has started (`busy`): the first of the first `scan` items whose directory
/// is not busy, else the front. A file system creates names in one directory
/// one at a time (the kernel holds the directory's lock across each call, a
/// network round trip on a DFS), so items in different directories publish
/// in parallel. Returns 0 for an empty queue.
std::size_t pick_next_item(const std::deque<WorkItem>& queue, const std::vector<std::string_view>& busy,
                           std::size_t scan);

/// Rank 0 deals new items to ranks by bytes: each item goes to the rank with
/// the fewest bytes dealt so far (ties: the lowest rank), so every rank
/// starts with an even share and stealing only has to even out the tail.
class ByteDealer {
 public:
  explicit ByteDealer(int ranks);
  /// The rank that gets an item of `bytes` (an empty item counts as 1 byte,
  /// so batches of empty objects still spread).
  int assign(std::uint64_t bytes);
  /// `bytes` dealt to `from` went to `to` (a steal): later items go where
  /// the work really is. Ranks out of range are ignored.
  void move(int from, int to, std::uint64_t bytes);
  std::uint64_t dealt(int rank) const { return dealt_[static_cast<std::size_t>(rank)]; }

 private:
  std::vector<std::uint64_t> dealt_;
  /// Min-heap of (bytes dealt, rank): O(log ranks) per item at thousands of ranks.
  std::vector<std::pair<std::uint64_t, int>> heap_;
};

/// Rank 0's record of chunked objects in flight.
class ChunkTracker {
 public:
  struct Finished {
    ObjectRef object;
    bool ok = true;  ///< every chunk arrived
  };

  /// Register an object split into `chunk_count` chunks under `object_id`.
  void expect(std::uint64_t object_id, ObjectRef object, std::uint32_t chunk_count);
  /// One chunk is done; returns the object when it was the last one.
  std::optional<Finished> chunk_done(std::uint64_t object_id, bool ok);
  std::size_t in_flight() const { return objects_.size(); }

 private:
  struct Entry {
    ObjectRef object;
    std::uint32_t remaining = 0;
    bool ok = true;
  };
  std::unordered_map<std::uint64_t, Entry> objects_;
};

}  // namespace caios
