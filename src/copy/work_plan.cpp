#include "caios2dfs/copy/work_plan.hpp"

#include <algorithm>
#include <functional>

#include "caios2dfs/copy/key_path.hpp"

namespace caios {

WorkPlanner::WorkPlanner(PlanLimits limits) : limits_(limits) {
  limits_.chunk_size = std::max<std::uint64_t>(limits_.chunk_size, 1);
  limits_.batch_objects = std::max<std::size_t>(limits_.batch_objects, 1);
}

std::optional<std::uint64_t> WorkPlanner::add(ObjectRef object, std::vector<WorkItem>& out) {
  if (object.size >= limits_.multi_thread_cutoff && object.size > 0) return add_chunked(std::move(object), out);
  open_batch_bytes_ += object.size;
  open_batch_.objects.push_back(std::move(object));
  if (open_batch_bytes_ >= limits_.batch_bytes || open_batch_.objects.size() >= limits_.batch_objects) flush(out);
  return std::nullopt;
}

std::uint64_t WorkPlanner::add_chunked(ObjectRef object, std::vector<WorkItem>& out, std::uint64_t chunk_size_wanted,
                                       const std::vector<ByteRange>* only) {
  const std::uint64_t object_id = next_object_id_++;
  // Chunk counts travel as 32-bit numbers: a tiny --chunk-size on a huge
  // object gets larger chunks rather than an overflow.
  const std::uint64_t wanted = chunk_size_wanted > 0 ? chunk_size_wanted : limits_.chunk_size;
  const std::uint64_t chunk_size = std::max(wanted, (object.size + UINT32_MAX - 1) / UINT32_MAX);
  const std::vector<ByteRange> whole{ByteRange{0, object.size}};
  const std::vector<ByteRange>& ranges = only != nullptr ? *only : whole;
  const std::size_t first = out.size();
  for (const ByteRange& range : ranges) {
    for (std::uint64_t at = range.offset; at < range.end(); at += chunk_size) {
      WorkItem chunk;
      chunk.id = next_item_id_++;
      chunk.kind = WorkKind::chunk;
      chunk.offset = at;
      chunk.length = std::min(chunk_size, range.end() - at);
      chunk.chunk_index = static_cast<std::uint32_t>(out.size() - first);
      chunk.object_id = object_id;
      chunk.objects.push_back(object);
      out.push_back(std::move(chunk));
    }
  }
  const auto count = static_cast<std::uint32_t>(out.size() - first);
  for (std::size_t i = first; i < out.size(); ++i) out[i].chunk_count = count;
  return object_id;
}

void WorkPlanner::flush(std::vector<WorkItem>& out) {
  if (open_batch_.objects.empty()) return;
  open_batch_.id = next_item_id_++;
  open_batch_.kind = WorkKind::batch;
  out.push_back(std::move(open_batch_));
  open_batch_ = WorkItem{};
  open_batch_bytes_ = 0;
}

WorkItem WorkPlanner::verify(ObjectRef object, std::uint64_t object_id, std::string check_md5) {
  WorkItem item;
  item.id = next_item_id_++;
  item.kind = WorkKind::verify;
  item.object_id = object_id;
  item.check_md5 = std::move(check_md5);
  item.objects.push_back(std::move(object));
  return item;
}

std::uint64_t outstanding_item_limit(int ranks, int transfers) {
  return std::max<std::uint64_t>(256, static_cast<std::uint64_t>(ranks) * static_cast<std::uint64_t>(transfers) * 4);
}

std::size_t steal_count(std::size_t queued, bool victim_saturated) {
  return victim_saturated ? (queued + 1) / 2 : queued / 2;
}

std::string_view item_directory(const WorkItem& item) {
  return item.objects.empty() ? std::string_view{} : parent_directory(item.objects.front().relative_path);
}

std::size_t pick_next_item(const std::deque<WorkItem>& queue, const std::vector<std::string_view>& busy,
                           std::size_t scan) {
  const std::size_t end = std::min(queue.size(), scan);
  for (std::size_t index = 0; index < end; ++index) {
    if (std::find(busy.begin(), busy.end(), item_directory(queue[index])) == busy.end()) return index;
  }
  return 0;
}

int pick_victim(int self, int size, std::mt19937_64& random) {
  std::uniform_int_distribution<int> pick(0, size - 2);
  const int victim = pick(random);
  return victim >= self ? victim + 1 : victim;
}

ByteDealer::ByteDealer(int ranks) : dealt_(static_cast<std::size_t>(std::max(ranks, 1)), 0) {
  for (int rank = 0; rank < std::max(ranks, 1); ++rank) heap_.emplace_back(0, rank);
  // Already a heap: all keys are equal and ranks ascend.
}

int ByteDealer::assign(std::uint64_t bytes) {
  std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
  auto& [total, rank] = heap_.back();
  total += std::max<std::uint64_t>(bytes, 1);
  dealt_[static_cast<std::size_t>(rank)] = total;
  const int chosen = rank;
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
  return chosen;
}

void ByteDealer::move(int from, int to, std::uint64_t bytes) {
  const auto ranks = static_cast<int>(dealt_.size());
  if (from < 0 || to < 0 || from >= ranks || to >= ranks || from == to) return;
  const std::uint64_t moved = std::min(bytes, dealt_[static_cast<std::size_t>(from)]);
  dealt_[static_cast<std::size_t>(from)] -= moved;
  dealt_[static_cast<std::size_t>(to)] += moved;
  // Steals are rare next to deals: rebuilding the heap (O(ranks)) is fine.
  for (auto& [total, rank] : heap_) total = dealt_[static_cast<std::size_t>(rank)];
  std::make_heap(heap_.begin(), heap_.end(), std::greater<>{});
}

void ChunkTracker::expect(std::uint64_t object_id, ObjectRef object, std::uint32_t chunk_count) {
  objects_[object_id] = Entry{std::move(object), chunk_count, true};
}

std::optional<ChunkTracker::Finished> ChunkTracker::chunk_done(std::uint64_t object_id, bool ok) {
  auto it = objects_.find(object_id);
  if (it == objects_.end()) return std::nullopt;
  Entry& entry = it->second;
  entry.ok = entry.ok && ok;
  if (--entry.remaining > 0) return std::nullopt;
  Finished finished{std::move(entry.object), entry.ok};
  objects_.erase(it);
  return finished;
}

}  // namespace caios
