// The scheduler's policy and the wire format of work, without MPI.
#include <catch2/catch.hpp>

#include <map>
#include <numeric>

#include "caios2dfs/copy/work_plan.hpp"

using namespace caios;

namespace {

ObjectRef object(const std::string& key, std::uint64_t size) {
  return ObjectRef{key, key, size, "\"etag-" + key + "\"", 1'700'000'000'000'000'000};
}

PlanLimits limits() {
  PlanLimits l;
  l.multi_thread_cutoff = 100;
  l.chunk_size = 30;
  l.batch_bytes = 50;
  l.batch_objects = 3;
  return l;
}

}  // namespace

TEST_CASE("objects at or above the cutoff become chunks that cover them exactly", "[work_plan]") {
  WorkPlanner planner(limits());
  std::vector<WorkItem> items;
  CHECK(planner.add(object("big", 100), items) == std::optional<std::uint64_t>(0));  // at the cutoff
  REQUIRE(items.size() == 4);  // 30 + 30 + 30 + 10
  std::uint64_t covered = 0;
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    CHECK(items[i].kind == WorkKind::chunk);
    CHECK(items[i].offset == covered);
    CHECK(items[i].chunk_index == i);
    CHECK(items[i].chunk_count == 4);
    CHECK(items[i].object_id == 0);
    covered += items[i].length;
  }
  CHECK(covered == 100);
  CHECK(items.back().length == 10);
  items.clear();
  CHECK_FALSE(planner.add(object("just-below", 99), items));
  REQUIRE(items.size() == 1);  // batched (and the batch is full by bytes), not chunked
  CHECK(items[0].kind == WorkKind::batch);
  CHECK(items[0].objects.size() == 1);
  CHECK(planner.objects_chunked() == 1);
  items.clear();
  // The next chunked object gets the next id, and its chunks carry it.
  CHECK(planner.add(object("big2", 200), items) == std::optional<std::uint64_t>(1));
  REQUIRE_FALSE(items.empty());
  CHECK(items.front().object_id == 1);
}

TEST_CASE("any object can be chunked on request, in chunks of a given size", "[work_plan]") {
  WorkPlanner planner(limits());
  std::vector<WorkItem> items;
  CHECK(planner.add_chunked(object("parts", 50), items, 20) == 0);  // below the cutoff
  REQUIRE(items.size() == 3);  // 20 + 20 + 10: whole parts of 20
  CHECK(items[1].offset == 20);
  CHECK(items[2].length == 10);
  CHECK(items[2].chunk_count == 3);
  items.clear();
  CHECK(planner.add_chunked(object("default", 50), items) == 1);
  CHECK(items.size() == 2);  // PlanLimits::chunk_size 30
}

TEST_CASE("a resumed object is cut only where the earlier run did not write", "[work_plan]") {
  WorkPlanner planner(limits());
  std::vector<WorkItem> items;
  const std::vector<ByteRange> missing{{0, 10}, {40, 65}};  // of 120 bytes, chunks of 30
  const std::uint64_t id = planner.add_chunked(object("resumed", 120), items, 0, &missing);
  REQUIRE(items.size() == 4);
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> cut = {{0, 10}, {40, 30}, {70, 30}, {100, 5}};
  for (std::size_t i = 0; i < items.size(); ++i) {
    CHECK(items[i].object_id == id);
    CHECK(items[i].chunk_index == i);
    CHECK(items[i].chunk_count == 4);
    CHECK(std::make_pair(items[i].offset, items[i].length) == cut[i]);
  }
  items.clear();
  const std::vector<ByteRange> none;
  planner.add_chunked(object("all there", 120), items, 0, &none);
  CHECK(items.empty());
}

TEST_CASE("small objects are batched by bytes and by count", "[work_plan]") {
  WorkPlanner planner(limits());
  std::vector<WorkItem> items;
  planner.add(object("a", 20), items);
  planner.add(object("b", 20), items);
  CHECK(items.empty());
  planner.add(object("c", 20), items);  // 60 bytes >= 50
  REQUIRE(items.size() == 1);
  CHECK(items[0].objects.size() == 3);
  CHECK(items[0].bytes() == 60);
  items.clear();
  for (const char* key : {"d", "e", "f", "g"}) planner.add(object(key, 0), items);  // count limit 3
  REQUIRE(items.size() == 1);
  CHECK(items[0].objects.size() == 3);
  items.clear();
  planner.flush(items);
  REQUIRE(items.size() == 1);
  CHECK(items[0].objects[0].key == "g");
  // Every item has its own id.
  CHECK(planner.items_created() == 3);
}

TEST_CASE("the byte dealer evens out bytes across ranks", "[work_plan]") {
  ByteDealer dealer(4);
  std::vector<std::uint64_t> sizes = {1000, 10, 10, 10, 10, 500, 500, 10, 10, 10, 10, 10};
  for (std::uint64_t s : sizes) dealer.assign(s);
  // Each item goes to the least loaded rank at that moment: the 1000-byte
  // item lands alone, the 500s go to the two lightest ranks, the 10s fill rank 1.
  std::vector<std::uint64_t> dealt;
  for (int r = 0; r < 4; ++r) dealt.push_back(dealer.dealt(r));
  CHECK(dealt == std::vector<std::uint64_t>{1000, 70, 510, 510});
  CHECK(std::accumulate(dealt.begin(), dealt.end(), std::uint64_t{0}) == 2090);
  // Empty items still spread (each counts as one byte).
  ByteDealer empties(3);
  std::map<int, int> count;
  for (int i = 0; i < 9; ++i) ++count[empties.assign(0)];
  CHECK(count == std::map<int, int>{{0, 3}, {1, 3}, {2, 3}});
}

TEST_CASE("a steal moves the bytes in the dealer's count, so later items go to the robbed rank", "[work_plan]") {
  // Two 64 MiB chunks each for ranks 0 and 1; rank 1 steals one of rank 0's
  // before the listing deals the next ones, as an idle rank does at the start.
  constexpr std::uint64_t kChunk = 64ull << 20;
  ByteDealer dealer(2);
  for (int i = 0; i < 4; ++i) dealer.assign(kChunk);
  dealer.move(0, 1, kChunk);
  CHECK(dealer.dealt(0) == kChunk);
  CHECK(dealer.dealt(1) == 3 * kChunk);
  // The next two chunks both go to rank 0: three each, where the work is.
  CHECK(dealer.assign(kChunk) == 0);
  CHECK(dealer.assign(kChunk) == 0);
  CHECK(dealer.dealt(0) == 3 * kChunk);
  // Never below zero, and nonsense ranks are ignored.
  dealer.move(0, 1, 100 * kChunk);
  CHECK(dealer.dealt(0) == 0);
  dealer.move(0, 7, 1);
  dealer.move(-1, 0, 1);
  dealer.move(1, 1, 1);
  CHECK(dealer.dealt(1) == 6 * kChunk);
  CHECK(dealer.assign(1) == 0);
}

TEST_CASE("stealing takes half, and never a busy victim's last item unless it is saturated", "[work_plan]") {
  CHECK(steal_count(0, true) == 0);
  CHECK(steal_count(1, false) == 0);
  CHECK(steal_count(1, true) == 1);
  CHECK(steal_count(10, false) == 5);
  CHECK(steal_count(11, true) == 6);
  std::mt19937_64 random(1);
  std::map<int, int> picked;
  for (int i = 0; i < 3000; ++i) ++picked[pick_victim(2, 4, random)];
  CHECK(picked.count(2) == 0);
  for (int r : {0, 1, 3}) CHECK(picked[r] > 800);
  for (int i = 0; i < 100; ++i) CHECK(pick_victim(0, 2, random) == 1);
}

TEST_CASE("the listing pauses at four items per transfer slot of the job, and never below 256", "[work_plan]") {
  CHECK(outstanding_item_limit(1, 1) == 256);     // a small job still lists ahead
  CHECK(outstanding_item_limit(4, 16) == 256);    // 4 x 16 x 4 = 256 exactly
  CHECK(outstanding_item_limit(5, 16) == 320);
  CHECK(outstanding_item_limit(1024, 16) == 65'536);
  // Thousands of ranks with many transfers each: no overflow in int.
  CHECK(outstanding_item_limit(100'000, 1024) == 409'600'000ull);
}

TEST_CASE("the next item is one in a directory the rank is not busy in, within the scan", "[work_plan]") {
  const auto item_in = [](const std::string& first_path) {
    WorkItem item;
    item.objects.push_back(ObjectRef{first_path, first_path, 1, "", 0});
    item.objects.push_back(ObjectRef{"other", "elsewhere/other", 1, "", 0});  // only the first counts
    return item;
  };
  CHECK(item_directory(item_in("a/b/c")) == "a/b");
  CHECK(item_directory(item_in("top-level")).empty());
  CHECK(item_directory(WorkItem{}).empty());

  const std::deque<WorkItem> queue{item_in("d1/x"), item_in("d1/y"), item_in("d2/x"), item_in("top")};
  CHECK(pick_next_item(queue, {}, 64) == 0);
  CHECK(pick_next_item(queue, {"d1"}, 64) == 2);
  CHECK(pick_next_item(queue, {"d1", "d2"}, 64) == 3);
  CHECK(pick_next_item(queue, {"d1", "d2", ""}, 64) == 0);  // all busy: in order
  CHECK(pick_next_item(queue, {"d1"}, 2) == 0);              // d2 is beyond the scan
  CHECK(pick_next_item(std::deque<WorkItem>{}, {"d1"}, 64) == 0);
}

TEST_CASE("the chunk tracker publishes an object once, after its last chunk", "[work_plan]") {
  ChunkTracker tracker;
  tracker.expect(7, object("big", 90), 3);
  CHECK_FALSE(tracker.chunk_done(7, true));
  CHECK_FALSE(tracker.chunk_done(7, false));
  auto finished = tracker.chunk_done(7, true);
  REQUIRE(finished);
  CHECK(finished->object.key == "big");
  CHECK_FALSE(finished->ok);  // one chunk failed
  CHECK(tracker.in_flight() == 0);
  CHECK_FALSE(tracker.chunk_done(7, true));  // unknown now
}

TEST_CASE("work items and done records survive the wire", "[work_item]") {
  WorkPlanner planner(limits());
  std::vector<WorkItem> items;
  planner.add(object("big é/😊", 70), items);
  planner.add(object("small", 5), items);
  planner.flush(items);
  const std::uint64_t created = planner.items_created();
  items.push_back(planner.verify(object("big é/😊", 70), 0, "kAFQmDzST7DWlj99KOF/cg=="));
  CHECK(planner.items_created() == created + 1);  // rank 0 waits for it like any item
  CHECK(items.back().id == created);
  CHECK(items.back().kind == WorkKind::verify);
  CHECK(items.back().bytes() == 70);  // dealt by the bytes it reads back
  items.front().digest = ChunkDigest::part_checksum;
  items.front().digest_algorithm = ChecksumAlgorithm::sha256;
  items.front().part_size = 5u << 20;
  Result<std::vector<WorkItem>> decoded = decode_items(encode_items(items));
  REQUIRE(decoded.ok());
  REQUIRE(decoded->size() == items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    CHECK((*decoded)[i].id == items[i].id);
    CHECK((*decoded)[i].kind == items[i].kind);
    CHECK((*decoded)[i].offset == items[i].offset);
    CHECK((*decoded)[i].length == items[i].length);
    CHECK((*decoded)[i].objects[0].key == items[i].objects[0].key);
    CHECK((*decoded)[i].objects[0].etag == items[i].objects[0].etag);
    CHECK((*decoded)[i].objects[0].mtime_ns == items[i].objects[0].mtime_ns);
    CHECK((*decoded)[i].check_md5 == items[i].check_md5);
    CHECK((*decoded)[i].digest == items[i].digest);
    CHECK((*decoded)[i].digest_algorithm == items[i].digest_algorithm);
    CHECK((*decoded)[i].part_size == items[i].part_size);
  }
  CHECK(decode_items(encode_items({})).value().empty());
  const std::string wire = encode_items(items);
  CHECK_FALSE(decode_items(wire.substr(0, wire.size() - 1)).ok());

  ItemDone done;
  done.item_id = 42;
  done.kind = WorkKind::chunk;
  done.object_id = 3;
  done.chunk_ok = false;
  done.bytes = 1234;
  done.failures.push_back(ObjectFailure{"k", "GET k: 503 SlowDown", 2});
  done.md5chksum = "kAFQmDzST7DWlj99KOF/cg==";
  done.chunk_index = 7;
  done.digests = std::string("\0\x01\xff", 3);
  done.chunk_written = (5ULL << 32) + 17;
  Result<ItemDone> back = decode_done(encode_done(done));
  REQUIRE(back.ok());
  CHECK(back->item_id == 42);
  CHECK_FALSE(back->chunk_ok);
  CHECK(back->failures.at(0).error == "GET k: 503 SlowDown");
  CHECK(back->md5chksum == done.md5chksum);
  CHECK(back->chunk_index == 7);
  CHECK(back->digests == done.digests);
  CHECK(back->chunk_written == done.chunk_written);
  CHECK_FALSE(decode_done("xx").ok());
}

TEST_CASE("a damaged count is refused, not allocated for", "[work_item]") {
  // Four billion items, objects or failures in a message of a few bytes
  // (found by tests/fuzz/work_item_fuzz.cpp: it ran out of memory).
  CHECK_FALSE(decode_items(std::string(4, '\xff')).ok());
  std::string items = encode_items({WorkItem{}});
  items.replace(items.size() - 4, 4, std::string(4, '\xff'));  // the object count, last
  CHECK_FALSE(decode_items(items).ok());
  ItemDone done;
  std::string wire = encode_done(done);
  wire.replace(8 + 1 + 8 + 1 + 8 + 4 + 4, 4, std::string(4, '\xff'));  // the failure count
  CHECK_FALSE(decode_done(wire).ok());
}
