// A job that stops (a signal): the executor gives up what it has not
// started and what is in flight once the client is stopped, every item
// still reports done, nothing half-written stays, and what was copied is
// exact. The worker and coordinator sides are in stop_signal_test.sh.
#include <fmt/format.h>

#include "caios2dfs/copy/messages.hpp"
#include "executor_rig.hpp"

using namespace caios;
using namespace caios::testing;

TEST_CASE("an item given up before it ran reports each object not done, with why", "[executor][stop]") {
  WorkItem item = batch({ref("a", 1), ref("b", 2)});
  const Error why = stop_error("SIGTERM");
  const ItemDone done = abandoned_item(item, why);
  CHECK(done.item_id == item.id);
  CHECK_FALSE(done.chunk_ok);
  REQUIRE(done.failures.size() == 2);
  CHECK(done.failures[1].key == "b");
  CHECK(done.failures[1].kind == static_cast<std::uint8_t>(ErrorKind::cancelled));
  CHECK_THAT(done.failures[1].error, Catch::Contains("stopped by SIGTERM"));
  const ItemDone piece = abandoned_item(chunk(ref("big", 100), 50, 50, 1), why);
  CHECK(piece.kind == WorkKind::chunk);
  CHECK(piece.chunk_index == 1);
  CHECK(piece.object_id == 3);
  CHECK(piece.failures.size() == 1);
}

TEST_CASE("stopped part-way, the executor ends every item: copied exactly or not done, nothing half-written",
          "[executor][stop]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  std::map<std::string, FakeObject> objects;
  std::vector<ObjectRef> refs;
  for (int i = 0; i < 200; ++i) {
    const std::string key = fmt::format("d{}/obj{:03}", i % 5, i);
    objects[key] = FakeObject{pattern(100 * 1024 + static_cast<std::size_t>(i) * 997, static_cast<char>('a' + i % 20))};
    refs.push_back(ref(key, objects[key].data.size()));
  }
  ExecutorOptions options;
  options.transfers = 4;
  options.file_threads = 2;
  Rig rig(objects, &destination, options);
  for (std::size_t first = 0; first < refs.size(); first += 20) {
    WorkItem item = batch({refs.begin() + first, refs.begin() + first + 20});
    item.id = first;
    rig.executor.add(std::move(item));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (rig.stats.objects_copied < 10 && std::chrono::steady_clock::now() < deadline) {
    rig.executor.pump();
    rig.engine.poll(std::chrono::milliseconds(1));
    rig.executor.poll_files();
  }
  REQUIRE(rig.stats.objects_copied >= 10);
  const Error why = stop_error("SIGTERM");
  rig.executor.stop(why);
  rig.client.stop(why);
  while (rig.done.size() < 10 && std::chrono::steady_clock::now() < deadline) {
    rig.engine.poll(std::chrono::milliseconds(5));
    rig.executor.poll_files();
  }
  REQUIRE(rig.done.size() == 10);
  CHECK(rig.executor.idle());
  std::size_t copied = 0, not_done = 0;
  for (const ItemDone& done : rig.done) {
    copied += done.objects_copied;
    for (const ObjectFailure& failure : done.failures) {
      CHECK(failure.kind == static_cast<std::uint8_t>(ErrorKind::cancelled));
      CHECK_FALSE(std::filesystem::exists(dest / failure.key));
      ++not_done;
    }
  }
  CHECK(copied == rig.stats.objects_copied);
  CHECK(copied + not_done == 200);
  CHECK(not_done > 0);
  CHECK(rig.stats.objects_failed == 0);  // given up, not failed
  std::size_t wrong = 0, files = 0;
  for (const auto& [key, object] : objects) {
    if (!std::filesystem::exists(dest / key)) continue;
    ++files;
    wrong += read_file(dest / key) != object.data;
  }
  CHECK(files == copied);
  CHECK(wrong == 0);
  auto others = destination.remove_staging();  // only directories are left in staging
  REQUIRE(others.ok());
  CHECK(list_tree(dest.path()).size() == copied + 5);  // the files and their 5 directories: no temporary file
  // A stopped client fails every later call at once, with the reason.
  Result<ObjectInfo> late = run_sync<ObjectInfo>(rig.engine, [&](auto done) { rig.client.head("bucket", refs[0].key, done); });
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().kind == ErrorKind::cancelled);
}
