// The scheduler model (copy/sched_model.hpp) on cases small enough to work
// out by hand, and the figures behind its rank-0 costs ([.bench], hidden).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>

#include "caios2dfs/copy/key_path.hpp"
#include "caios2dfs/copy/messages.hpp"
#include "caios2dfs/copy/sched_model.hpp"
#include "caios2dfs/copy/sched_workload.hpp"
#include "caios2dfs/copy/source_tasks.hpp"
#include "caios2dfs/copy/work_plan.hpp"
#include "caios2dfs/mpi/comm.hpp"
#include "caios2dfs/s3/etag.hpp"

using namespace caios;

namespace {

/// No cost at rank 0, no message delay, one page a tenth of a second: what
/// is left is the transfers.
SchedModelConfig plain(int ranks, int transfers) {
  SchedModelConfig config;
  config.ranks = ranks;
  config.transfers = transfers;
  config.rank_bytes_per_s = 1e6;
  config.request_latency_s = 0.1;
  config.checkers = 1;
  config.list_pages_per_s = 10;
  config.message_cost_s = config.key_cost_s = config.record_cost_s = 0;
  config.message_delay_s = 0;
  config.give_up_after_s = 1e4;
  return config;
}

}  // namespace

TEST_CASE("the ideal is the first page, then the scarcest of bandwidth, slots and listing", "[sched_model]") {
  SchedModelConfig config = plain(2, 4);
  config.keys_per_page = 2;
  config.plan.multi_thread_cutoff = config.plan.chunk_size = 10'000'000;
  // 25 MB in 3 chunks, and 4 objects of 1 MB: 7 GETs, 3 pages.
  const std::vector<std::uint64_t> sizes{25'000'000, 1'000'000, 1'000'000, 1'000'000, 1'000'000};
  const IdealTime ideal = ideal_time(config, sizes);
  CHECK(ideal.first_page_s == Approx(0.1));
  CHECK(ideal.bandwidth_s == Approx(29e6 / 2e6));
  CHECK(ideal.slots_s == Approx((7 * 0.1 + 29.0) / 8));
  // One lister: the other two pages one after the other, each between
  // half and one and a half times the mean.
  const std::vector<double> pages = listing_page_seconds(config, 3);
  REQUIRE(pages.size() == 3);
  CHECK(pages[0] == Approx(0.1));
  for (const double page : pages) CHECK((page >= 0.05 && page <= 0.15));
  CHECK(ideal.listing_s == Approx(pages[1] + pages[2]));
  // Two listers: a page goes to whichever is free first.
  config.checkers = 2;
  CHECK(listing_alone_seconds(config, {0.1, 0.3, 0.1, 0.1}) == Approx(0.3));
  CHECK(listing_alone_seconds(config, {0.1, 0.1, 0.1, 0.1, 0.1}) == Approx(0.2));
  config.checkers = 1;
  CHECK(ideal.total_s == Approx(0.1 + 0.1 + 14.5));
  // One slot a rank, fast bodies, a fast listing: now the slots are scarce.
  config.transfers = 1;
  config.rank_bytes_per_s = 1e9;
  config.list_pages_per_s = 1000;
  CHECK(ideal_time(config, sizes).total_s == Approx(0.001 + (0.7 + 0.029) / 2));
}

TEST_CASE("one rank with one slot runs a batch's objects one after another", "[sched_model]") {
  // The page is in at 0.1 s; each object then takes 0.1 s to its first
  // byte and its size at 1 MB/s: 0.1 + 1.1 + 2.1 + 3.1.
  const SchedModelResult result = simulate_schedule(plain(1, 1), {1'000'000, 2'000'000, 3'000'000});
  REQUIRE(result.finished);
  CHECK(result.items == 1);  // one batch: the end of the page closes it
  CHECK(result.gets == 3);
  CHECK(result.simulated_s == Approx(6.4));
  CHECK(result.ideal.total_s == Approx(0.1 + 0.3 + 6.0));  // the slots' bound: 3 latencies, 6 MB
  CHECK(result.tail_s == Approx(0.0));
  CHECK(result.idle_ranks == 0);
}

TEST_CASE("bodies in flight share the rank's bandwidth fairly", "[sched_model]") {
  // All three start at 0.2 s at a third of 1 MB/s each: the 1 MB object
  // ends at 3.2 s, the 2 MB one (then at half) at 5.2 s, the last at 6.2 s:
  // the ideal, since the bandwidth never idles once the bodies flow.
  const SchedModelResult result = simulate_schedule(plain(1, 3), {1'000'000, 2'000'000, 3'000'000});
  REQUIRE(result.finished);
  CHECK(result.simulated_s == Approx(6.2));
  CHECK(result.efficiency == Approx(1.0));
}

TEST_CASE("equal objects dealt to four ranks take the ideal time", "[sched_model]") {
  SchedModelConfig config = plain(4, 4);
  config.request_latency_s = 0.01;
  config.plan.batch_objects = 1;  // an item per object
  const std::vector<std::uint64_t> sizes(64, 1'000'000);
  const SchedModelResult result = simulate_schedule(config, sizes);
  REQUIRE(result.finished);
  CHECK(result.items == 64);
  CHECK(result.ideal.total_s == Approx(0.1 + 0.01 + 16.0));
  CHECK(result.efficiency > 0.99);
  CHECK(result.efficiency <= 1.0);
  CHECK(result.tail_s < 0.05);
}

TEST_CASE("an idle rank steals from a rank with a long queue", "[sched_model]") {
  // The dealer gives rank 0 the 100 MB item and rank 1 the hundred 1 MB
  // ones; with one slot each and 0.1 s per request, rank 1 alone would need
  // about 10 s. Rank 0 steals and does about half of them.
  SchedModelConfig config = plain(2, 1);
  config.rank_bytes_per_s = 1e9;
  config.plan.batch_objects = 1;
  std::vector<std::uint64_t> sizes(101, 1'000'000);
  sizes[0] = 60'000'000;  // below the cutoff: one item, not chunks
  const SchedModelResult result = simulate_schedule(config, sizes);
  REQUIRE(result.finished);
  CHECK(result.steals >= 1);
  CHECK(result.simulated_s < 6.0);
  CHECK(result.tail_s < 0.5);
}

TEST_CASE("chunked objects are asked about, cut, and done chunk by chunk", "[sched_model]") {
  SchedModelConfig config = plain(3, 2);
  config.plan.multi_thread_cutoff = config.plan.chunk_size = 1'000'000;
  // 5 + 4 chunks, and one batch of the small object.
  const SchedModelResult result = simulate_schedule(config, {5'000'000, 3'500'000, 100'000});
  REQUIRE(result.finished);
  CHECK(result.items == 10);
  CHECK(result.gets == 10);
  CHECK(result.bytes == 8'600'000);
  // The HEAD costs a latency before the chunks are dealt.
  CHECK(result.simulated_s > result.ideal.total_s);
}

TEST_CASE("a costly rank 0 is the bottleneck, and batched done records relieve it", "[sched_model]") {
  SchedModelConfig config = plain(8, 16);
  config.request_latency_s = 0.001;
  config.rank_bytes_per_s = 1e9;
  config.plan.batch_objects = 1;
  // Seven eighths of 2,000 items are reported by message: 17.5 s of rank 0's time.
  config.message_cost_s = 0.01;
  const std::vector<std::uint64_t> sizes(2000, 1000);
  const SchedModelResult one_by_one = simulate_schedule(config, sizes);
  REQUIRE(one_by_one.finished);
  CHECK(one_by_one.simulated_s > 17.5);
  CHECK(one_by_one.rank0_busy_fraction > 0.95);
  CHECK(one_by_one.rank0_max_wait_s > 1.0);
  CHECK(one_by_one.efficiency < 0.05);

  config.done_batch = 64;
  const SchedModelResult batched = simulate_schedule(config, sizes);
  REQUIRE(batched.finished);
  CHECK(batched.rank0_messages * 10 < one_by_one.rank0_messages);
  CHECK(batched.simulated_s * 5 < one_by_one.simulated_s);
}

TEST_CASE("the listing pauses while the ranks hold enough items", "[sched_model]") {
  // One rank, one slot: outstanding_item_limit(1, 1) is 256 items. With an
  // item per object and 10 keys a page, the listing could run 10,000 items
  // ahead; paused, it holds at most the limit and the 64 pages in flight.
  SchedModelConfig config = plain(1, 1);
  config.keys_per_page = 10;
  config.checkers = 64;
  config.list_pages_per_s = 6400;  // each page 0.01 s on average
  config.request_latency_s = 0.001;
  config.rank_bytes_per_s = 1e9;
  config.plan.batch_objects = 1;
  const std::vector<std::uint64_t> sizes(10'000, 1000);
  const SchedModelResult result = simulate_schedule(config, sizes);
  REQUIRE(result.finished);
  CHECK(result.pages == 1000);
  CHECK(result.max_outstanding_items > 256);
  CHECK(result.max_outstanding_items <= 256 + 64 * 10);
  // The objects one after another, after the first page.
  CHECK(result.simulated_s == Approx(0.01 + 10'000 * (0.001 + 1e-6)).epsilon(0.001));
}

TEST_CASE("the buckets have the sizes issue 14 names", "[sched_workload]") {
  const auto mean = [](const std::vector<std::uint64_t>& sizes) {
    return std::accumulate(sizes.begin(), sizes.end(), 0.0) / static_cast<double>(sizes.size());
  };
  const std::vector<std::uint64_t> imagenet = make_object_sizes(SizeDistribution::imagenet, 1);
  CHECK(imagenet.size() == 1'281'167);
  CHECK(mean(imagenet) == Approx(110e3).epsilon(0.02));
  CHECK(*std::max_element(imagenet.begin(), imagenet.end()) < (64ull << 20));  // nothing chunked
  const std::vector<std::uint64_t> checkpoint = make_object_sizes(SizeDistribution::checkpoint, 1);
  CHECK(checkpoint.size() == 300);
  CHECK(*std::min_element(checkpoint.begin(), checkpoint.end()) >= 1'000'000'000ull);
  CHECK(*std::max_element(checkpoint.begin(), checkpoint.end()) <= 100'000'000'000ull);
  const std::vector<std::uint64_t> heavy = make_object_sizes(SizeDistribution::heavytail, 1);
  CHECK(heavy.size() == 1'000'000);
  CHECK(*std::max_element(heavy.begin(), heavy.end()) > 10'000'000'000ull);
  CHECK(make_object_sizes(SizeDistribution::heavytail, 1) == heavy);  // the seed decides
  CHECK(parse_size_distribution("checkpoint") == SizeDistribution::checkpoint);
  CHECK_FALSE(parse_size_distribution("ImageNet"));
}

// Hidden ([.bench]): the real code behind the model's rank-0 costs, timed on
// this machine without MPI (the MPI receive and send are timed apart,
// [.mpibench] below). Per listed key: decode of the lister's page
// message, key to path, the ETag's part count, planner, dealer, and the
// encoding of the dealt items. Per done record: decode and the count (a
// chunk's through the ChunkTracker).
// Run: build/tests/copy/copy_tests "[.bench]" -c "rank 0".
TEST_CASE("rank 0's time per listed key and per done record", "[.bench]") {
  using Clock = std::chrono::steady_clock;
  constexpr int kPages = 300;
  constexpr int kRanks = 1024;
  SourceResult listed;
  for (int i = 0; i < 1000; ++i) {
    const std::string name = std::to_string(1'000'000 + i);
    listed.page.objects.push_back(ObjectEntry{"train/n0" + name.substr(0, 4) + "/n0" + name + ".JPEG", 110'000,
                                              "\"0123456789abcdef0123456789abcdef\"", 1'700'000'000'000'000'000});
  }
  listed.page.is_truncated = true;
  listed.page.next_continuation_token = "opaque-token";
  const std::string page_payload = encode_result(listed);
  WorkPlanner planner{PlanLimits{}};
  ByteDealer dealer(kRanks);
  std::vector<std::vector<WorkItem>> dealt(kRanks);
  std::size_t encoded = 0;
  const auto dealing_started = Clock::now();
  for (int page = 0; page < kPages; ++page) {
    Result<SourceResult> result = decode_result(page_payload);
    REQUIRE(result.ok());
    std::vector<WorkItem> items;
    for (ObjectEntry& entry : result->page.objects) {
      Result<MappedKey> mapped = map_key_to_path(entry.key, "train/");
      REQUIRE(mapped.ok());
      if (etag_parts(entry.etag)) FAIL("a single-part ETag");
      planner.add(ObjectRef{std::move(entry.key), std::move(mapped->relative_path), entry.size,
                            std::move(entry.etag), entry.mtime_ns},
                  items);
    }
    planner.flush(items);
    for (WorkItem& item : items) dealt[static_cast<std::size_t>(dealer.assign(item.bytes()))].push_back(std::move(item));
    for (std::vector<WorkItem>& pending : dealt) {
      if (pending.empty()) continue;
      encoded += encode_items(pending).size();
      pending.clear();
    }
  }
  const double key_us =
      std::chrono::duration<double, std::micro>(Clock::now() - dealing_started).count() / (kPages * 1000.0);

  ItemDone batch_done;
  batch_done.item_id = 12'345;
  batch_done.bytes = 16 * 110'000;
  batch_done.objects_copied = 16;
  ItemDone chunk_done = batch_done;
  chunk_done.kind = WorkKind::chunk;
  chunk_done.objects_copied = 0;
  chunk_done.digests = std::string(16, 'd');  // a chunk's CRC64
  // Half the records are batches, half chunks of 10,000 objects of 50 chunks.
  constexpr int kRecords = 1'000'000;
  constexpr int kObjects = 10'000;
  ChunkTracker tracker;
  std::vector<std::string> chunk_payloads;
  for (std::uint64_t object = 0; object < kObjects; ++object) {
    tracker.expect(object, ObjectRef{}, kRecords / 2 / kObjects);
    chunk_done.object_id = object;
    chunk_payloads.push_back(encode_done(chunk_done));
  }
  const std::string batch_payload = encode_done(batch_done);
  std::uint64_t completed = 0;
  const auto records_started = Clock::now();
  for (int record = 0; record < kRecords; ++record) {
    const std::size_t chunk = static_cast<std::size_t>(record / 2) % kObjects;
    Result<ItemDone> done = decode_done(record % 2 == 0 ? batch_payload : chunk_payloads[chunk]);
    REQUIRE(done.ok());
    completed += done->objects_copied + 1;
    if (done->kind == WorkKind::chunk) tracker.chunk_done(done->object_id, done->chunk_ok);
  }
  const double record_us =
      std::chrono::duration<double, std::micro>(Clock::now() - records_started).count() / kRecords;
  CHECK(tracker.in_flight() == 0);
  CHECK(completed > 0);
  CHECK(encoded > 0);
  std::printf("rank 0, per listed key: %.3f us (decode, map, plan, deal, encode; %d ranks)\n", key_us, kRanks);
  std::printf("rank 0, per done record: %.3f us (decode and count; half of them chunks)\n", record_us);
}

// Hidden ([.mpibench]): rank 0's time per message through the real Comm,
// with two ranks. Rank 1 queues kItemDone messages (a batch of 16 objects)
// at rank 0, which then receives and decodes them all; then rank 0 sends
// kWork messages (a dealt batch of 16 objects, encoded beforehand).
// Run: mpirun -np 2 build/tests/copy/copy_tests "[.mpibench]"
// (as root with Open MPI: OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1).
TEST_CASE("rank 0's time per message received and sent, with MPI", "[.mpibench]") {
  using Clock = std::chrono::steady_clock;
  int argc = 0;
  char** argv = nullptr;
  MpiSession session(argc, argv);
  Comm comm;
  REQUIRE(comm.size() == 2);
  constexpr int kMessages = 200'000;
  ItemDone done;
  done.item_id = 123'456;
  done.bytes = 16 * 110'000;
  done.objects_copied = 16;
  const std::string done_payload = encode_done(done);
  WorkItem batch;
  for (int i = 0; i < 16; ++i) {
    const std::string key = "train/n01440764/n01440764_" + std::to_string(11'000 + i) + ".JPEG";
    batch.objects.push_back(ObjectRef{key, key, 110'000, "\"0123456789abcdef0123456789abcdef\"", 1});
  }
  const std::string work_payload = encode_items({batch});
  for (int round = 0; round < 3; ++round) {
    if (comm.rank() == 1) {
      for (int i = 0; i < kMessages; ++i) {
        comm.send(0, kItemDone, done_payload);
        if (i % 64 == 0) comm.progress();
      }
      while (comm.pending_sends() > 0) comm.progress();
      comm.barrier();
      comm.barrier();
      for (int got = 0; got < kMessages;) got += comm.try_receive() ? 1 : 0;
      comm.barrier();
      continue;
    }
    comm.barrier();
    auto started = Clock::now();
    std::uint64_t copied = 0;
    for (int got = 0; got < kMessages;) {
      std::optional<Message> message = comm.try_receive();
      if (!message) continue;
      ++got;
      Result<ItemDone> decoded = decode_done(message->payload);
      REQUIRE(decoded.ok());
      copied += decoded->objects_copied;
    }
    const double receive_us = std::chrono::duration<double, std::micro>(Clock::now() - started).count() / kMessages;
    comm.barrier();
    started = Clock::now();
    for (int i = 0; i < kMessages; ++i) {
      comm.send(1, kWork, work_payload);
      if (i % 64 == 0) comm.progress();
    }
    const double send_us = std::chrono::duration<double, std::micro>(Clock::now() - started).count() / kMessages;
    while (comm.pending_sends() > 0) comm.progress();
    comm.barrier();
    CHECK(copied == 16ull * kMessages);
    std::printf("rank 0: receive and decode a done message %.3f us, send a dealt batch (%zu bytes) %.3f us\n",
                receive_us, work_payload.size(), send_us);
  }
  comm.finish_messages([](Message&&) {});
}
