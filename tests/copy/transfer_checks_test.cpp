// The executor's checks of the bytes (copy/integrity.hpp) against a fake
// object store that can corrupt a response: MD5 of a single-part ETag and of
// rclone's md5chksum, refetches, a final mismatch, --ignore-checksum, and
// the read-back of a chunked object's file (verify items). The same against
// the real RGW through scripts/fault-proxy: integrity_rgw_test.sh.
#include <catch2/catch.hpp>

#include "caios2dfs/copy/work_plan.hpp"
#include "executor_rig.hpp"

using namespace caios;
using namespace caios::testing;

TEST_CASE("bytes are checked against a single-part ETag; a corrupted fetch is fetched again", "[executor][integrity]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  std::map<std::string, FakeObject> objects;
  std::vector<ObjectRef> refs;
  for (int i = 0; i < 6; ++i) {
    const std::string key = fmt::format("obj{}", i);
    objects[key] = FakeObject{pattern(150 * 1024 + i, static_cast<char>('a' + i))};  // several 64 KiB buffers
    objects[key].etag = md5_etag(objects[key].data);
    refs.push_back(ObjectRef{key, key, objects[key].data.size(), objects[key].etag, kFakeMtimeNs});
  }
  objects["multipart"] = FakeObject{pattern(1000, 'm')};  // keeps the default, multipart ETag
  refs.push_back(ref("multipart", 1000));
  objects["kms"] = FakeObject{pattern(3000, 'k')};  // SSE-KMS: a 32-hex ETag that is no MD5
  objects["kms"].etag = md5_etag("not these bytes");
  objects["kms"].encryption = "aws:kms";
  refs.push_back(ObjectRef{"kms", "kms", 3000, objects["kms"].etag, kFakeMtimeNs});
  objects["rclone"] = FakeObject{pattern(70000, 'r')};  // multipart, with rclone's MD5
  objects["rclone"].md5chksum = md5chksum(objects["rclone"].data);
  refs.push_back(ref("rclone", 70000));
  // The first GET of obj1, obj4 and rclone has one byte flipped, length kept.
  auto gets = std::make_shared<std::map<std::string, int>>();
  const Tamper flip_first = [gets](const RecordedRequest& request, ScriptedResponse& response) {
    const std::string line = request.request_line;
    for (const char* key : {"/bucket/obj1 ", "/bucket/obj4 ", "/bucket/rclone "}) {
      if (line.find(key) != std::string::npos && (*gets)[key]++ == 0) response.body[1000] ^= 0x20;
    }
  };
  ExecutorOptions options;
  options.transfers = 3;
  Rig rig(objects, &destination, options, kNoDirectIo, flip_first);
  rig.run({batch(refs)});
  CHECK(rig.stats.objects_copied == 9);
  CHECK(rig.stats.objects_failed == 0);
  CHECK(rig.stats.verified_by_method[static_cast<std::size_t>(VerifiedBy::etag_md5)] == 6);
  CHECK(rig.stats.verified_by_method[static_cast<std::size_t>(VerifiedBy::md5chksum)] == 1);
  CHECK(rig.stats.unverified_by_reason[static_cast<std::size_t>(Unverified::multipart)] == 1);
  CHECK(rig.stats.unverified_by_reason[static_cast<std::size_t>(Unverified::no_md5)] == 1);  // kms
  CHECK(rig.stats.retries_by_kind[static_cast<std::size_t>(ErrorKind::checksum)] == 3);
  std::size_t wrong = 0;
  for (const auto& [key, object] : objects) wrong += read_file(dest / key) != object.data;
  CHECK(wrong == 0);
  CHECK(list_tree(dest.path()).size() == 9);
}

TEST_CASE("a mismatch on every fetch fails the object, with nothing under its name", "[executor][integrity]") {
  std::map<std::string, FakeObject> objects{{"bad", FakeObject{pattern(5000, 'b')}}, {"good", FakeObject{pattern(4000, 'g')}}};
  objects["good"].etag = md5_etag(objects["good"].data);
  objects["bad"].etag = md5_etag("something else");  // the store's bytes do not match its ETag
  const std::vector<ObjectRef> refs{ObjectRef{"bad", "bad", 5000, objects["bad"].etag, kFakeMtimeNs},
                                    ObjectRef{"good", "good", 4000, objects["good"].etag, kFakeMtimeNs}};
  for (const bool verify : {true, false}) {
    TempDir dest;
    Destination destination(dest.path(), SkipRule::size_and_mtime);
    ExecutorOptions options;
    options.verify = verify;
    options.retries = 1;  // two fetches in all
    Rig rig(objects, &destination, options);
    rig.run({batch(refs)});
    CHECK(read_file(dest / "good") == objects["good"].data);
    if (verify) {
      CHECK(rig.stats.objects_failed == 1);
      CHECK(rig.stats.verified_by_method[static_cast<std::size_t>(VerifiedBy::etag_md5)] == 1);
      CHECK(rig.stats.requests == 3);
      CHECK(rig.stats.retries_by_kind[static_cast<std::size_t>(ErrorKind::checksum)] == 1);
      CHECK(rig.stats.errors_by_kind[static_cast<std::size_t>(ErrorKind::checksum)] == 1);
      REQUIRE(rig.done.size() == 1);
      REQUIRE(rig.done[0].failures.size() == 1);
      CHECK(rig.done[0].failures[0].kind == static_cast<std::uint8_t>(ErrorKind::checksum));
      CHECK(list_tree(dest.path()) == std::vector<std::string>{"good"});
    } else {  // --ignore-checksum: both land, neither is verified
      CHECK(rig.stats.objects_failed == 0);
      CHECK(rig.stats.verified_by_method == std::array<std::uint64_t, kVerifiedMethods>{});
      CHECK(rig.stats.unverified_by_reason[static_cast<std::size_t>(Unverified::disabled)] == 2);
      CHECK(read_file(dest / "bad") == objects["bad"].data);
    }
  }
}

TEST_CASE("a verify item reads a chunked object's file back and says whether it matches", "[executor][integrity]") {
  TempDir dest;
  Destination destination(dest.path(), SkipRule::size_and_mtime);
  const std::string data = pattern(5 * 1024 * 1024 + 3, 'v');  // more than one 4 MiB piece
  const ObjectRef object{"dir/big.bin", "dir/big.bin", data.size(), "\"0123456789abcdef0123456789abcdef-2\"",
                         kFakeMtimeNs};
  const FilePaths paths = destination.paths(object);
  std::filesystem::create_directories(dest / "dir");
  write_file(paths.temp_path, data);
  WorkPlanner planner(PlanLimits{});
  Rig rig({}, &destination);
  std::vector<WorkItem> items{planner.verify(object, 5, md5_to_base64(md5_of(data))),
                              planner.verify(object, 6, md5_to_base64(md5_of("other bytes")))};
  auto missing = object;
  missing.key = missing.relative_path = "dir/missing.bin";
  items.push_back(planner.verify(missing, 7, md5_to_base64(md5_of(data))));
  rig.run(items);
  CHECK(rig.stats.requests == 0);
  REQUIRE(rig.done.size() == 3);
  std::map<std::uint64_t, const ItemDone*> by_object;
  for (const ItemDone& done : rig.done) by_object[done.object_id] = &done;
  CHECK(by_object.at(5)->chunk_ok);
  CHECK(by_object.at(5)->failures.empty());
  CHECK_FALSE(by_object.at(6)->chunk_ok);
  REQUIRE(by_object.at(6)->failures.size() == 1);
  CHECK(by_object.at(6)->failures[0].kind == static_cast<std::uint8_t>(ErrorKind::checksum));
  CHECK_FALSE(by_object.at(7)->chunk_ok);
  REQUIRE(by_object.at(7)->failures.size() == 1);
  CHECK(by_object.at(7)->failures[0].kind == static_cast<std::uint8_t>(ErrorKind::io));
  CHECK(read_file(paths.temp_path) == data);  // rank 0 publishes or removes it, not the reader
  CHECK(rig.stats.objects_failed == 0);        // nor does it count failures: rank 0 decides
}
