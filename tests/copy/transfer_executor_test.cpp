// The transfer executor against a fake object store on loopback
// (support/fake_s3_objects.hpp) and real files: bytes on disk, mtimes,
// temporary names, skips, failures and chunks. The same paths run against
// the real Ceph RGW in copier_rgw_test.cpp. The checks of the bytes are in
// transfer_checks_test.cpp.
#include <catch2/catch.hpp>

#include "executor_rig.hpp"

using namespace caios;
using namespace caios::testing;

TEST_CASE("a batch lands byte for byte under its final names with the objects' mtimes", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  const std::string big = pattern(300 * 1024 + 17, 'A');
  Rig rig({{"empty", FakeObject{""}}, {"one", FakeObject{"x"}}, {"dir/big.bin", FakeObject{big}}}, &destination);
  rig.run({batch({ref("empty", 0), ref("one", 1), ref("dir/big.bin", big.size())})});

  CHECK(list_tree(dest.path()) == std::vector<std::string>{"dir", "dir/big.bin", "empty", "one"});
  CHECK(read_file(dest / "dir/big.bin") == big);
  CHECK(read_file(dest / "one") == "x");
  CHECK(read_file(dest / "empty").empty());
  CHECK(mtime_ns(dest / "dir/big.bin") == kFakeMtimeNs);
  const ItemDone& done = rig.done.front();
  CHECK(done.item_id == 7);
  CHECK(done.objects_copied == 3);
  CHECK(done.failures.empty());
  CHECK(done.bytes == big.size() + 1);
  CHECK(rig.stats.bytes == big.size() + 1);
  CHECK(rig.stats.objects_copied == 3);
  CHECK(rig.stats.requests == 3);
  // Every stat, mkdir, open, write, close, mtime and rename ran on the
  // file-call threads: none blocked the event loop.
  CHECK(rig.stats.loop_fs_ns == 0);
  CHECK(rig.stats.fs_threads >= 1);
  CHECK(rig.stats.fs_thread_ns > 0);
}

TEST_CASE("without file-call threads (MPI-IO) the same batch lands, its calls on the loop", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  const std::string big = pattern(300 * 1024 + 17, 'B');
  ExecutorOptions options;
  options.file_threads = 0;
  Rig rig({{"one", FakeObject{"x"}}, {"dir/big.bin", FakeObject{big}}}, &destination, options);
  rig.run({batch({ref("one", 1), ref("dir/big.bin", big.size())})});
  CHECK(read_file(dest / "dir/big.bin") == big);
  CHECK(read_file(dest / "one") == "x");
  CHECK(rig.stats.objects_copied == 2);
  CHECK(rig.stats.fs_threads == 0);
  CHECK(rig.stats.loop_fs_ns > 0);
}

TEST_CASE("hundreds of objects through the pipeline land exactly, opened ahead of the requests", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  std::map<std::string, FakeObject> objects;
  std::vector<ObjectRef> refs;
  for (int i = 0; i < 300; ++i) {
    // 0 to about 200 KiB: none, one or several 64 KiB buffers per object.
    const std::string key = fmt::format("d{}/obj{:03}", i % 7, i);
    objects[key] = FakeObject{pattern(static_cast<std::size_t>(i) * 677 % (200 * 1024), static_cast<char>('a' + i % 20))};
    refs.push_back(ref(key, objects[key].data.size()));
  }
  ExecutorOptions options;
  options.transfers = 8;
  options.file_threads = 3;
  Rig rig(objects, &destination, options);
  std::vector<WorkItem> items;
  for (std::size_t first = 0; first < refs.size(); first += 50) {
    items.push_back(batch({refs.begin() + first, refs.begin() + first + 50}));
    items.back().id = first;
  }
  rig.run(std::move(items));
  CHECK(rig.stats.objects_copied == 300);
  CHECK(rig.stats.objects_failed == 0);
  CHECK(rig.stats.fs_threads <= 3);
  std::size_t wrong = 0;
  for (const auto& [key, object] : objects) wrong += read_file(dest / key) != object.data;
  CHECK(wrong == 0);
  CHECK(list_tree(dest.path()).size() == 300 + 7);  // no temporary file left
}

TEST_CASE("the executor takes items_in_turn items at once, whatever their directories", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  std::map<std::string, FakeObject> objects;
  std::vector<WorkItem> items;
  for (const char* directory : {"a", "b", "c"}) {
    std::vector<ObjectRef> refs;
    for (int i = 0; i < 5; ++i) {
      const std::string key = fmt::format("{}/obj{}", directory, i);
      objects[key] = FakeObject{pattern(1000 + i, directory[0])};
      refs.push_back(ref(key, objects[key].data.size()));
    }
    items.push_back(batch(refs));
  }
  ExecutorOptions options;
  options.transfers = 2;
  options.items_in_turn = 2;
  Rig rig(objects, &destination, options);
  CHECK(rig.executor.wants_work());
  rig.executor.add(items[0]);
  CHECK(rig.executor.wants_work());  // its opens fill the lookahead; a second item still fits
  rig.executor.add(items[1]);
  CHECK_FALSE(rig.executor.wants_work());
  CHECK(rig.executor.active_directories() == std::vector<std::string_view>{"a", "b"});
  rig.run({items[2]}, 2);
  CHECK(rig.stats.objects_copied == 15);
  std::size_t wrong = 0;
  for (const auto& [key, object] : objects) wrong += read_file(dest / key) != object.data;
  CHECK(wrong == 0);
}

TEST_CASE("the executor holds few bytes it has not started: thieves get the rest", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  std::map<std::string, FakeObject> objects;
  std::vector<ObjectRef> refs;
  for (int i = 0; i < 10; ++i) {
    const std::string key = fmt::format("d/obj{}", i);
    objects[key] = FakeObject{pattern(1000, 'k')};
    refs.push_back(ref(key, 1000));
  }
  ExecutorOptions options;
  options.transfers = 2;
  options.unstarted_bytes_limit = 2500;
  Rig rig(objects, &destination, options);
  rig.executor.add(batch({refs.begin(), refs.begin() + 4}));  // 2 opened ahead, 2,000 bytes not started
  CHECK(rig.executor.wants_work());
  rig.executor.add(batch({refs.begin() + 4, refs.end()}));  // 6,000 more
  CHECK_FALSE(rig.executor.wants_work());
  rig.run({}, 2);
  CHECK(rig.stats.objects_copied == 10);
  CHECK(list_tree(dest.path()).size() == 10 + 1);
}

TEST_CASE("a file in the way of a directory fails that object only", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  write_file(dest / "blocked", "a file, not a directory");
  Rig rig({{"blocked/a", FakeObject{"aa"}}, {"fine/b", FakeObject{"bb"}}}, &destination);
  rig.run({batch({ref("blocked/a", 2), ref("fine/b", 2)})});
  REQUIRE(rig.done.front().failures.size() == 1);
  CHECK(rig.done.front().failures.front().key == "blocked/a");
  CHECK_THAT(rig.done.front().failures.front().error, Catch::Contains("blocked"));
  CHECK(read_file(dest / "fine/b") == "bb");
  CHECK(rig.stats.objects_copied == 1);
  CHECK(rig.server.requests().size() == 1);  // no GET for an object with nowhere to go
}

TEST_CASE("an up-to-date file is skipped without a request; a stale one is replaced", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  Rig rig({{"same", FakeObject{"new!"}}, {"stale", FakeObject{"new!"}}}, &destination);
  write_file(dest / "same", "old!");
  REQUIRE(set_mtime(dest / "same", kFakeMtimeNs).ok());
  write_file(dest / "stale", "old");
  rig.run({batch({ref("same", 4), ref("stale", 4)})});
  CHECK(read_file(dest / "same") == "old!");
  CHECK(read_file(dest / "stale") == "new!");
  CHECK(rig.done.front().objects_skipped == 1);
  CHECK(rig.done.front().objects_copied == 1);
  CHECK(rig.server.requests().size() == 1);
}

TEST_CASE("a missing object and an object that changed size fail and leave nothing behind", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  Rig rig({{"grew", FakeObject{"12345"}}}, &destination);
  rig.run({batch({ref("gone", 3), ref("grew", 3)})});
  const ItemDone& done = rig.done.front();
  REQUIRE(done.failures.size() == 2);
  CHECK(done.objects_copied == 0);
  for (const ObjectFailure& failure : done.failures) {
    const auto expected = failure.key == "gone" ? ErrorKind::not_found : ErrorKind::changed;
    CHECK(failure.kind == static_cast<std::uint8_t>(expected));
  }
  CHECK(rig.stats.objects_failed == 2);
  CHECK(rig.stats.bytes == 0);
  CHECK(list_tree(dest.path()).empty());  // no final name, no temporary file
}

TEST_CASE("chunks fill the shared temporary file and leave publishing to rank 0", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  const std::string data = pattern(200 * 1024 + 5, 'a');
  Rig rig({{"large", FakeObject{data}}}, &destination);
  const ObjectRef object = ref("large", data.size());
  rig.run({chunk(object, 100 * 1024, data.size() - 100 * 1024, 1), chunk(object, 0, 100 * 1024, 0)});
  const FilePaths paths = destination.paths(object);
  CHECK(read_file(paths.temp_path) == data);
  CHECK_FALSE(std::filesystem::exists(paths.final_path));
  for (const ItemDone& done : rig.done) {
    CHECK(done.kind == WorkKind::chunk);
    CHECK(done.chunk_ok);
    CHECK(done.object_id == 3);
  }
  CHECK(rig.stats.chunks == 2);
  CHECK(rig.stats.objects_copied == 0);  // counted by rank 0 when it publishes
  CHECK(rig.stats.bytes == data.size());
}

TEST_CASE("O_DIRECT files go through the file-call threads and land exactly", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  const std::string data = pattern((1 << 20) + 4097, 'k');
  Rig rig({{"direct", FakeObject{data}}}, &destination, {}, /*direct_io_min_size=*/0);
  rig.run({batch({ref("direct", data.size())})});
  CHECK(read_file(dest / "direct") == data);
  CHECK(list_tree(dest.path()) == std::vector<std::string>{"direct"});
}

TEST_CASE("without a destination the bytes are counted and dropped (--bench read)", "[executor]") {
  TempDir dest;
  Rig rig({{"a", FakeObject{pattern(5000, 'q')}}}, nullptr);
  rig.run({batch({ref("a", 5000)})});
  CHECK(rig.stats.bytes == 5000);
  CHECK(rig.done.front().objects_copied == 1);
  CHECK(list_tree(dest.path()).empty());
}

TEST_CASE("a dry run fetches and writes nothing", "[executor]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  ExecutorOptions options;
  options.dry_run = true;
  Rig rig({{"a", FakeObject{"abc"}}}, &destination, options);
  rig.run({batch({ref("a", 3)})});
  CHECK(rig.stats.objects_would_copy == 1);
  CHECK(rig.server.requests().empty());
  CHECK(list_tree(dest.path()).empty());
}
