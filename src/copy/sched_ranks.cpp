// The scheduler model's ranks (sched_simulation.hpp): each runs its queue
// as worker.cpp and transfer_executor.cpp do (items taken while
// wants_work(), objects opened ahead, GETs in slots, one object from each
// item in turn), shares its bandwidth among the bodies in flight, steals
// with the real steal_count and pick_victim, and reports to rank 0.
#include <algorithm>

#include "sched_simulation.hpp"

namespace caios::sched {

namespace {

/// Bytes of `item`'s objects not yet opened (transfer_executor.cpp's unstarted_bytes).
std::uint64_t unstarted_bytes(const SimItem& active) {
  const WorkItem& item = active.item;
  if (active.next_object >= item.objects.size()) return 0;
  if (item.kind == WorkKind::chunk) return item.length;
  std::uint64_t bytes = 0;
  for (std::size_t i = active.next_object; i < item.objects.size(); ++i) bytes += item.objects[i].size;
  return bytes;
}

}  // namespace

void Simulation::take_message(SimMessage& message) {
  switch (message.kind) {
    case MessageKind::work:
      enqueue(message.to, message.items);
      return worker_step(message.to);
    case MessageKind::steal_request:
      return send(give_to_thief(message.to, message.from));
    case MessageKind::steal_reply:
      return take_steal_reply(message);
    case MessageKind::done:
    case MessageKind::progress:
    case MessageKind::stolen:
      return;  // only rank 0 takes these, through its queue
  }
}

void Simulation::enqueue(int rank, std::vector<WorkItem>& items) {
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  for (WorkItem& item : items) state.queue.push_back(std::move(item));
}

void Simulation::worker_step(int rank) {
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  while (wants_work(state) && !state.queue.empty()) {
    SimItem& added = state.active.emplace_back();
    added.item = std::move(state.queue.front());
    added.unfinished = added.item.objects.size();
    state.queue.pop_front();
    pump(rank);
  }
  maybe_steal(rank);
  // Nothing left to run here: what it gathered goes now, not at the next batch.
  if (!state.unsent_done.empty() && state.queue.empty() && state.active.empty()) {
    flush_done(rank, MessageKind::done);
  }
}

bool Simulation::wants_work(const RankState& state) const {
  int items = 0;
  std::uint64_t bytes = 0;
  for (const SimItem& active : state.active) {
    if (active.next_object >= active.item.objects.size()) continue;
    ++items;
    bytes += unstarted_bytes(active);
  }
  return items < config_.items_in_turn && bytes < config_.unstarted_bytes_limit;
}

void Simulation::pump(int rank) {
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  const auto slots = static_cast<std::size_t>(std::max(1, config_.transfers));
  for (;;) {
    while (!state.opened.empty() && state.running < static_cast<int>(slots)) {
      const auto [item, bytes] = state.opened.front();
      state.opened.pop_front();
      start_get(rank, item, bytes);
    }
    // Open one object from each item in turn; the item that gave one goes
    // to the back. Opening takes no time here.
    bool opened_any = false;
    while (state.opened.size() < slots) {
      const auto next = std::find_if(state.active.begin(), state.active.end(), [](const SimItem& active) {
        return active.next_object < active.item.objects.size();
      });
      if (next == state.active.end()) break;
      state.active.splice(state.active.end(), state.active, next);
      SimItem& item = *next;
      const std::uint64_t bytes =
          item.item.kind == WorkKind::chunk ? item.item.length : item.item.objects[item.next_object].size;
      ++item.next_object;
      state.opened.emplace_back(&item, bytes);
      opened_any = true;
    }
    if (!opened_any) return;
  }
}

void Simulation::start_get(int rank, SimItem* item, std::uint64_t bytes) {
  ++ranks_[static_cast<std::size_t>(rank)].running;
  ++result_.gets;
  std::uint32_t slot = 0;
  if (free_transfers_.empty()) {
    slot = static_cast<std::uint32_t>(transfers_.size());
    transfers_.emplace_back();
  } else {
    slot = free_transfers_.back();
    free_transfers_.pop_back();
  }
  transfers_[slot] = Transfer{item, bytes, rank};
  schedule(now_ + config_.request_latency_s, EventKind::first_byte, rank, slot);
}

void Simulation::on_first_byte(std::uint32_t transfer) {
  const Transfer& started = transfers_[transfer];
  if (started.bytes == 0) return complete(transfer);
  const int rank = started.rank;
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  advance_share(state);
  state.bodies.emplace(state.share_bytes + static_cast<double>(started.bytes), transfer);
  ++state.flowing;
  schedule_bodies(rank);
}

void Simulation::advance_share(RankState& state) {
  if (state.flowing > 0) state.share_bytes += (now_ - state.share_at) * config_.rank_bytes_per_s / state.flowing;
  state.share_at = now_;
}

void Simulation::schedule_bodies(int rank) {
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  ++state.bodies_generation;  // the event scheduled before is now stale
  if (state.flowing == 0) {
    state.share_bytes = 0;
    return;
  }
  const double left = std::max(0.0, state.bodies.top().first - state.share_bytes);
  schedule(now_ + left * state.flowing / config_.rank_bytes_per_s, EventKind::bodies_done, rank,
           state.bodies_generation);
}

void Simulation::on_bodies_done(int rank, std::uint64_t generation) {
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  if (generation != state.bodies_generation) return;
  advance_share(state);
  std::vector<std::uint32_t> ended;
  // Half a byte of slack for rounding: no body ends more than a byte early.
  while (!state.bodies.empty() && state.bodies.top().first <= state.share_bytes + 0.5) {
    ended.push_back(state.bodies.top().second);
    state.bodies.pop();
    --state.flowing;
  }
  for (const std::uint32_t transfer : ended) complete(transfer);
  schedule_bodies(rank);
}

void Simulation::complete(std::uint32_t transfer) {
  const Transfer done = transfers_[transfer];
  free_transfers_.push_back(transfer);
  RankState& state = ranks_[static_cast<std::size_t>(done.rank)];
  --state.running;
  state.bytes_done += done.bytes;
  state.last_get_done_at = now_;
  if (--done.item->unfinished == 0) {
    // Every object was opened before it ended, so nothing in `opened`
    // points at the item any more.
    const DoneRecord record{done.item->item.kind, done.item->item.object_id};
    state.active.remove_if([&](const SimItem& active) { return &active == done.item; });
    report_done(done.rank, record);
  }
  pump(done.rank);
  worker_step(done.rank);
}

void Simulation::report_done(int rank, DoneRecord record) {
  if (rank == 0) {
    // Rank 0's worker calls the coordinator directly, on the same thread.
    SimMessage own{MessageKind::done, 0, 0, {}, {record}};
    return rank0_arrive(Rank0Job{EventKind::rank0_arrival, store(std::move(own)), now_});
  }
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  state.unsent_done.push_back(record);
  if (state.unsent_done.size() >= static_cast<std::size_t>(std::max(1, config_.done_batch))) {
    flush_done(rank, MessageKind::done);
  }
}

void Simulation::flush_done(int rank, MessageKind kind) {
  SimMessage message{kind, rank, 0, {}, {}};
  message.done.swap(ranks_[static_cast<std::size_t>(rank)].unsent_done);
  send(std::move(message));
}

void Simulation::maybe_steal(int rank) {
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  if (ranks_.size() < 2 || ended_ || state.steal_outstanding || !state.queue.empty() || !wants_work(state)) return;
  if (now_ < state.next_steal_at) {
    if (!state.steal_timer_set) {
      state.steal_timer_set = true;
      schedule(state.next_steal_at, EventKind::steal_timer, rank);
    }
    return;
  }
  const int victim = pick_victim(rank, static_cast<int>(ranks_.size()), state.random);
  if (rank == 0) ++result_.rank0_messages;
  state.steal_outstanding = true;
  send(SimMessage{MessageKind::steal_request, rank, victim, {}, {}});
}

SimMessage Simulation::give_to_thief(int victim, int thief) {
  RankState& state = ranks_[static_cast<std::size_t>(victim)];
  const std::size_t count = steal_count(state.queue.size(), !wants_work(state));
  SimMessage reply{MessageKind::steal_reply, victim, thief, {}, {}};
  for (std::size_t i = 0; i < count; ++i) {
    reply.items.push_back(std::move(state.queue.back()));
    state.queue.pop_back();
  }
  std::reverse(reply.items.begin(), reply.items.end());
  return reply;
}

void Simulation::take_steal_reply(SimMessage& reply) {
  const int rank = reply.to;
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  state.steal_outstanding = false;
  if (reply.items.empty()) {
    // Back off exponentially (2 ms .. 64 ms) while the other ranks are dry too.
    state.failed_steals = std::min(state.failed_steals + 1, 6);
    state.next_steal_at = now_ + static_cast<double>(1 << state.failed_steals) * 1e-3;
    ++result_.empty_steals;
  } else {
    state.failed_steals = 0;
    ++result_.steals;
    // Told to rank 0, whose dealer moves the bytes (worker.cpp).
    SimMessage stolen{MessageKind::stolen, rank, 0, {}, {}};
    stolen.victim = reply.from;
    for (const WorkItem& item : reply.items) stolen.bytes += item.bytes();
    send(std::move(stolen));
    enqueue(rank, reply.items);
  }
  worker_step(rank);
}

void Simulation::on_progress_tick(int rank) {
  RankState& state = ranks_[static_cast<std::size_t>(rank)];
  // Sent only while the rank's byte count moves (worker.cpp); done records
  // gathered so far go with it.
  if (state.bytes_done != state.bytes_reported || state.flowing > 0 || !state.unsent_done.empty()) {
    state.bytes_reported = state.bytes_done;
    flush_done(rank, MessageKind::progress);
  }
  schedule(now_ + config_.progress_interval_s, EventKind::progress_tick, rank);
}

}  // namespace caios::sched
