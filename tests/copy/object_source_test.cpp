// The object source against a fake object store on loopback: listing page
// by page, passes, --files-from lookups, SOURCE naming one object, and the
// errors that end a listing.
#include <catch2/catch.hpp>

#include "caios2dfs/copy/object_source.hpp"
#include "support/fake_s3_objects.hpp"
#include "support/temp_dir.hpp"

using namespace caios;
using namespace caios::testing;

namespace {

std::map<std::string, FakeObject> objects(const std::vector<std::string>& keys) {
  std::map<std::string, FakeObject> result;
  for (const std::string& key : keys) result.emplace(key, FakeObject{"data of " + key});
  return result;
}

struct Rig {
  FakeHttpServer server;
  HttpEngine engine{HttpEngineOptions{4, 2000, 10, 512 * 1024, {}, false}};
  S3Client client;
  RankStats stats;
  LocalRequests requests{client, stats};
  std::vector<ObjectEntry> listed;
  std::vector<std::pair<std::string, ErrorKind>> unusable;
  int batch_ends = 0;

  explicit Rig(FakeS3Objects store)
      : server(std::move(store)),
        client(fake_store_client(engine, server, 0)) {}

  ObjectSource source(std::string prefix, std::optional<std::string> files_from = std::nullopt, int passes = 1,
                      int pages = 1, bool may_name_object = false) {
    return ObjectSource(client, requests,
                        ObjectSource::Spec{"bucket", std::move(prefix), may_name_object, std::move(files_from), passes,
                                           pages},
                        ObjectSource::Callbacks{
                            [this](ObjectEntry&& entry) { listed.push_back(std::move(entry)); },
                            [this](const std::string& key, const Error& error) { unusable.emplace_back(key, error.kind); },
                            [this] { ++batch_ends; }});
  }

  /// Drive until done (at most 20 s: never hang).
  void drain(ObjectSource& source) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!source.done() && std::chrono::steady_clock::now() < deadline) {
      source.drive();
      engine.poll(std::chrono::milliseconds(5));
    }
    REQUIRE(source.done());
  }

  std::vector<std::string> keys() const {
    std::vector<std::string> result;
    for (const ObjectEntry& entry : listed) result.push_back(entry.key);
    return result;
  }
};

}  // namespace

TEST_CASE("a listing arrives page by page, every object once, in key order", "[object_source]") {
  Rig rig(FakeS3Objects("bucket", objects({"d/a", "d/b", "d/c", "d/e", "d/f", "other"}), /*page_size=*/2));
  ObjectSource source = rig.source("d/");
  REQUIRE(source.start().empty());
  CHECK(rig.listed.size() == 2);  // start() took the first page
  rig.drain(source);
  CHECK(rig.keys() == std::vector<std::string>{"d/a", "d/b", "d/c", "d/e", "d/f"});
  CHECK(rig.batch_ends == 3);
  CHECK(source.complete());
  CHECK(rig.listed.front().size == std::string("data of d/a").size());
  CHECK(rig.listed.front().etag == FakeObject{}.etag);
  CHECK(rig.listed.front().mtime_ns == kFakeMtimeNs);
}

TEST_CASE("each --iterations pass lists everything again", "[object_source]") {
  Rig rig(FakeS3Objects("bucket", objects({"a", "b", "c"}), 2));
  ObjectSource source = rig.source("", std::nullopt, 3);
  REQUIRE(source.start().empty());
  rig.drain(source);
  CHECK(rig.listed.size() == 9);
}

TEST_CASE("a missing bucket is a start-up error that names it", "[object_source]") {
  Rig rig(FakeS3Objects("another-bucket", objects({"a"})));
  ObjectSource source = rig.source("");
  const std::string error = source.start();
  CHECK_THAT(error, Catch::Contains("NoSuchBucket"));
}

TEST_CASE("keys of a --files-from list are looked up once each; a missing key is reported", "[object_source]") {
  TempDir dir;
  write_file(dir / "list.txt", "a\n# comment\nmissing\n\nsub/b\na\n");
  Rig rig(FakeS3Objects("bucket", objects({"p/a", "p/sub/b", "p/unlisted"})));
  ObjectSource source = rig.source("p/", dir / "list.txt");
  REQUIRE(source.start().empty());
  rig.drain(source);
  std::vector<std::string> keys = rig.keys();
  std::sort(keys.begin(), keys.end());
  CHECK(keys == std::vector<std::string>{"p/a", "p/sub/b"});
  REQUIRE(rig.unusable.size() == 1);
  CHECK(rig.unusable.front() == std::pair<std::string, ErrorKind>{"p/missing", ErrorKind::not_found});
  CHECK(source.complete());
}

TEST_CASE("an unreadable --files-from is a start-up error", "[object_source]") {
  Rig rig(FakeS3Objects("bucket", objects({"a"})));
  ObjectSource source = rig.source("", std::string("/nonexistent/list.txt"));
  CHECK_THAT(source.start(), Catch::Contains("cannot read --files-from /nonexistent/list.txt"));
}

TEST_CASE("with several pages in flight, directories and ranges are listed at once, every key once",
          "[object_source]") {
  std::vector<std::string> keys;
  for (int d = 0; d < 5; ++d) {
    for (int k = 0; k < 10; ++k) keys.push_back("d" + std::to_string(d) + "/k0" + std::to_string(k));
  }
  for (int i = 100; i < 160; ++i) keys.push_back("x" + std::to_string(i));
  Rig rig(FakeS3Objects("bucket", objects(keys), /*page_size=*/4));
  ObjectSource source = rig.source("", std::nullopt, 1, 8);
  REQUIRE(source.start().empty());
  rig.drain(source);
  std::vector<std::string> listed = rig.keys();
  std::sort(listed.begin(), listed.end());
  std::sort(keys.begin(), keys.end());
  CHECK(listed == keys);
  CHECK(source.complete());
}

TEST_CASE("SOURCE naming an object is that object alone, under its parent's prefix", "[object_source]") {
  Rig rig(FakeS3Objects("bucket", objects({"ckpt/model.bin", "ckpt/model.bin.idx", "ckpt/other"})));
  ObjectSource source = rig.source("ckpt/model.bin/", std::nullopt, 1, 1, /*may_name_object=*/true);
  REQUIRE(source.start().empty());
  rig.drain(source);
  CHECK(rig.keys() == std::vector<std::string>{"ckpt/model.bin"});
  CHECK(rig.listed.front().size == std::string("data of ckpt/model.bin").size());
  CHECK(source.prefix() == "ckpt/");
  CHECK(source.note().empty());
  CHECK(source.complete());
}

TEST_CASE("an object that is also a prefix is copied alone, as rclone does, with a note", "[object_source]") {
  Rig rig(FakeS3Objects("bucket", objects({"run", "run/step1", "run/step2"})));
  ObjectSource source = rig.source("run/", std::nullopt, 3, 1, /*may_name_object=*/true);
  REQUIRE(source.start().empty());
  rig.drain(source);
  CHECK(rig.keys() == std::vector<std::string>{"run", "run", "run"});  // one per --iterations pass
  CHECK(source.prefix().empty());
  CHECK_THAT(source.note(), Catch::Contains("'run' is an object and also a prefix") &&
                                Catch::Contains("end SOURCE with '/'"));
}

TEST_CASE("SOURCE that names no object, or ends with '/', is a prefix", "[object_source]") {
  Rig rig(FakeS3Objects("bucket", objects({"run", "run/step1", "d/x"})));
  ObjectSource prefix_only = rig.source("d/", std::nullopt, 1, 1, /*may_name_object=*/true);
  REQUIRE(prefix_only.start().empty());
  rig.drain(prefix_only);
  CHECK(rig.keys() == std::vector<std::string>{"d/x"});
  CHECK(prefix_only.prefix() == "d/");
  rig.listed.clear();
  ObjectSource slash = rig.source("run/", std::nullopt, 1, 1, /*may_name_object=*/false);
  REQUIRE(slash.start().empty());
  rig.drain(slash);
  CHECK(rig.keys() == std::vector<std::string>{"run/step1"});
  CHECK(slash.note().empty());
}
