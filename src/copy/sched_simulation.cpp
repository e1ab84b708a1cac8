// The scheduler model's event loop and rank 0's side of it: the listing, the
// real planner and dealer, and the count of items done (coordinator.cpp's
// take_object, deal, send_dealt, on_item_done and the listing pause).
#include "sched_simulation.hpp"

#include <algorithm>

namespace caios {

SchedModelResult simulate_schedule(const SchedModelConfig& config, const std::vector<std::uint64_t>& sizes) {
  return sched::Simulation(config, sizes).run();
}

namespace sched {

Simulation::Simulation(const SchedModelConfig& config, const std::vector<std::uint64_t>& sizes)
    : config_(config),
      sizes_(sizes),
      ranks_(static_cast<std::size_t>(std::max(1, config.ranks))),
      planner_(config.plan),
      dealer_(std::max(1, config.ranks)),
      dealt_(ranks_.size()),
      pages_total_(listing_pages(config, sizes.size())),
      outstanding_limit_(outstanding_item_limit(static_cast<int>(ranks_.size()), config.transfers)),
      page_seconds_(listing_page_seconds(config, pages_total_)) {
  for (std::size_t rank = 0; rank < ranks_.size(); ++rank) ranks_[rank].random.seed(config.seed * 1'000'003 + rank);
}

SchedModelResult Simulation::run() {
  result_.ideal = ideal_time(config_, sizes_);
  // The first page is listed alone (the coordinator's start()); the ranks
  // enter their loops as it is dealt, the progress reports spread over an
  // interval.
  pages_asked_ = pages_in_flight_ = 1;
  const double first_page_s = page_seconds_.front();
  schedule(first_page_s, EventKind::page_listed, 0, 0);
  std::mt19937_64 phases(config_.seed);
  for (std::size_t rank = 0; rank < ranks_.size(); ++rank) {
    ranks_[rank].next_steal_at = first_page_s;
    maybe_steal(static_cast<int>(rank));
    const double phase = config_.progress_interval_s * static_cast<double>(phases() >> 11) / 9007199254740992.0;
    if (rank != 0) schedule(first_page_s + phase, EventKind::progress_tick, static_cast<int>(rank));
  }
  while (!ended_ && !events_.empty()) {
    const Event event = events_.top();
    if (event.time > config_.give_up_after_s) break;
    events_.pop();
    now_ = event.time;
    ++result_.events;
    dispatch(event);
  }
  result_.finished = ended_;
  result_.simulated_s = now_;
  result_.efficiency = now_ > 0 ? result_.ideal.total_s / now_ : 0;
  double first = -1;
  for (const RankState& state : ranks_) {
    if (state.last_get_done_at < 0) {
      ++result_.idle_ranks;
      continue;
    }
    first = first < 0 ? state.last_get_done_at : std::min(first, state.last_get_done_at);
    result_.last_rank_done_s = std::max(result_.last_rank_done_s, state.last_get_done_at);
  }
  result_.first_rank_done_s = std::max(first, 0.0);
  result_.tail_s = result_.last_rank_done_s - result_.first_rank_done_s;
  result_.objects = sizes_.size();
  for (const std::uint64_t size : sizes_) result_.bytes += size;
  result_.items = planner_.items_created();
  result_.pages = pages_total_;
  result_.rank0_messages_per_s = now_ > 0 ? static_cast<double>(result_.rank0_messages) / now_ : 0;
  result_.rank0_busy_fraction = now_ > 0 ? rank0_busy_s_ / now_ : 0;
  return result_;
}

void Simulation::schedule(double at, EventKind kind, int rank, std::uint64_t data) {
  events_.push(Event{at, sequence_++, kind, rank, data});
}

std::uint64_t Simulation::store(SimMessage message) {
  if (free_messages_.empty()) {
    messages_.push_back(std::move(message));
    return messages_.size() - 1;
  }
  const std::uint64_t slot = free_messages_.back();
  free_messages_.pop_back();
  messages_[slot] = std::move(message);
  return slot;
}

SimMessage Simulation::take(std::uint64_t slot) {
  SimMessage message = std::move(messages_[slot]);
  messages_[slot] = SimMessage{};
  free_messages_.push_back(slot);
  return message;
}

void Simulation::send(SimMessage message) {
  const int to = message.to;
  const int message_hops = message.hops;
  const std::uint64_t slot = store(std::move(message));
  schedule(now_ + config_.message_delay_s * message_hops, to == 0 ? EventKind::rank0_arrival : EventKind::message, to, slot);
}

void Simulation::dispatch(const Event& event) {
  switch (event.kind) {
    case EventKind::first_byte:
      return on_first_byte(static_cast<std::uint32_t>(event.data));
    case EventKind::bodies_done:
      return on_bodies_done(event.rank, event.data);
    case EventKind::message: {
      SimMessage message = take(event.data);
      return take_message(message);
    }
    case EventKind::rank0_free:
      return rank0_end_job();
    case EventKind::rank0_arrival:
    case EventKind::page_listed:
    case EventKind::probe_answered:
      return rank0_arrive(Rank0Job{event.kind, event.data, now_});
    case EventKind::steal_timer:
      ranks_[static_cast<std::size_t>(event.rank)].steal_timer_set = false;
      return maybe_steal(event.rank);
    case EventKind::progress_tick:
      return on_progress_tick(event.rank);
  }
}

// ---- rank 0: one server, jobs in arrival order --------------------------

void Simulation::rank0_arrive(Rank0Job job) {
  rank0_queue_.push_back(job);
  if (!rank0_busy_) rank0_start_next();
}

void Simulation::rank0_start_next() {
  const Rank0Job job = rank0_queue_.front();
  rank0_queue_.pop_front();
  result_.rank0_max_wait_s = std::max(result_.rank0_max_wait_s, now_ - job.arrived);
  const double cost = rank0_run(job);
  rank0_busy_ = true;
  rank0_busy_s_ += cost;
  schedule(now_ + cost, EventKind::rank0_free, 0);
}

void Simulation::rank0_end_job() {
  rank0_busy_ = false;
  // What the job dealt or answered leaves now; rank 0's own share goes
  // straight to its worker.
  std::vector<SimMessage> out = std::move(outbox_);
  outbox_.clear();
  for (SimMessage& message : out) {
    if (message.to == 0 && message.kind == MessageKind::work && message.hops == 1) {
      enqueue(0, message.items);
      worker_step(0);
    } else {
      send(std::move(message));
    }
  }
  drive_listing();
  if (coordinator_finished()) {
    ended_ = true;
    return;
  }
  if (!rank0_queue_.empty()) rank0_start_next();
}

double Simulation::rank0_run(const Rank0Job& job) {
  switch (job.kind) {
    case EventKind::page_listed:
      return run_page(job.data);
    case EventKind::probe_answered:
      return run_probe(job.data);
    default: {
      SimMessage message = take(job.data);
      return run_message(message);
    }
  }
}

double Simulation::run_page(std::uint64_t page) {
  --pages_in_flight_;
  if (++pages_done_ == pages_total_) result_.listing_done_s = now_;
  ++result_.rank0_messages;  // the page's result (its request is counted when asked)
  // The result in, the next request out, and each key mapped, planned,
  // dealt and encoded; or, where the lister plans, the items' sizes in and
  // the ranks to send them to out.
  const bool by_lister = config_.listers_plan;
  double cost = (by_lister ? 3 : 2) * config_.message_cost_s;
  if (by_lister) ++result_.rank0_messages;  // the answer to the lister
  const auto per_page = static_cast<std::uint64_t>(std::max(1, config_.keys_per_page));
  const std::uint64_t begin = page * per_page;
  const std::uint64_t end = std::min<std::uint64_t>(sizes_.size(), begin + per_page);
  std::vector<WorkItem> items;
  for (std::uint64_t index = begin; index < end; ++index) {
    if (!by_lister) cost += config_.key_cost_s;
    ObjectRef object{{}, {}, sizes_[index], {}, 0};
    if (object.size >= config_.plan.multi_thread_cutoff && object.size > 0) {
      // Asked about with a HEAD before it is cut (coordinator_chunked.cpp).
      probes_.push_back(std::move(object));
      ++probes_in_flight_;
      schedule(now_ + config_.request_latency_s, EventKind::probe_answered, 0, probes_.size() - 1);
      continue;
    }
    planner_.add(std::move(object), items);
    for (WorkItem& item : items) deal(std::move(item));
    items.clear();
  }
  planner_.flush(items);  // the end of a page closes the open batch
  for (WorkItem& item : items) deal(std::move(item));
  result_.max_outstanding_items =
      std::max(result_.max_outstanding_items, planner_.items_created() - items_completed_);
  return cost + send_dealt(by_lister);
}

double Simulation::run_probe(std::uint64_t probe) {
  --probes_in_flight_;
  ++result_.rank0_messages;  // the HEAD's answer
  std::vector<WorkItem> items;
  if (const std::optional<std::uint64_t> object_id = planner_.add(std::move(probes_[probe]), items)) {
    tracker_.expect(*object_id, ObjectRef{}, static_cast<std::uint32_t>(items.size()));
  }
  // Each chunk is encoded for its rank as a listed key's item is.
  const double cost = config_.message_cost_s + static_cast<double>(items.size()) * config_.key_cost_s;
  for (WorkItem& item : items) deal(std::move(item));
  return cost + send_dealt();
}

double Simulation::run_message(SimMessage& message) {
  const auto records = static_cast<double>(message.done.size());
  switch (message.kind) {
    case MessageKind::done:
      count_done(message.done);
      // Rank 0's own items are counted with no message.
      if (message.from == 0) return records * config_.record_cost_s;
      ++result_.rank0_messages;
      return config_.message_cost_s + std::max(0.0, records - 1) * config_.record_cost_s;
    case MessageKind::progress:
      count_done(message.done);
      ++result_.rank0_messages;
      return config_.message_cost_s + records * config_.record_cost_s;
    case MessageKind::steal_request:
      // Rank 0's worker answers thieves on the same thread.
      result_.rank0_messages += 2;
      outbox_.push_back(give_to_thief(0, message.from));
      return 2 * config_.message_cost_s;
    case MessageKind::steal_reply:
      ++result_.rank0_messages;
      take_steal_reply(message);
      return config_.message_cost_s;
    case MessageKind::work:
      // Its share, from the lister that planned it (listers_plan).
      ++result_.rank0_messages;
      enqueue(0, message.items);
      worker_step(0);
      return config_.message_cost_s;
    case MessageKind::stolen:
      ++result_.rank0_messages;
      dealer_.move(message.victim, message.from, message.bytes);
      return config_.message_cost_s;
  }
  return 0;
}

void Simulation::count_done(const std::vector<DoneRecord>& records) {
  for (const DoneRecord& record : records) {
    ++items_completed_;
    if (record.kind == WorkKind::chunk) tracker_.chunk_done(record.object_id, true);
  }
}

void Simulation::deal(WorkItem&& item) {
  const int rank = dealer_.assign(item.bytes());
  std::vector<WorkItem>& pending = dealt_[static_cast<std::size_t>(rank)];
  if (pending.empty()) dealt_ranks_.push_back(rank);
  pending.push_back(std::move(item));
}

double Simulation::send_dealt(bool by_lister) {
  double cost = 0;
  for (const int rank : dealt_ranks_) {
    SimMessage message{MessageKind::work, 0, rank, std::move(dealt_[static_cast<std::size_t>(rank)]), {}};
    dealt_[static_cast<std::size_t>(rank)].clear();
    if (by_lister) {
      // Rank 0 only chose the rank, a record's time per item.
      message.hops = 2;
      cost += static_cast<double>(message.items.size()) * config_.record_cost_s;
    } else if (rank != 0) {
      cost += config_.message_cost_s;
      ++result_.rank0_messages;
    }
    outbox_.push_back(std::move(message));
  }
  dealt_ranks_.clear();
  return cost;
}

void Simulation::drive_listing() {
  if (pages_done_ == 0) return;  // the first page is listed alone
  while (pages_asked_ < pages_total_ && pages_in_flight_ < static_cast<std::uint64_t>(std::max(1, config_.checkers)) &&
         planner_.items_created() - items_completed_ < outstanding_limit_) {
    ++result_.rank0_messages;  // the page's request to a lister
    schedule(now_ + page_seconds_[pages_asked_], EventKind::page_listed, 0, pages_asked_);
    ++pages_asked_;
    ++pages_in_flight_;
  }
}

bool Simulation::coordinator_finished() const {
  return pages_done_ == pages_total_ && probes_in_flight_ == 0 && items_completed_ == planner_.items_created();
}

}  // namespace sched

}  // namespace caios
