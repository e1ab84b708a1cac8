// The transfer executor's test rig: a fake object store on loopback
// (support/fake_s3_objects.hpp), an engine, a client and an executor over a
// real destination. For transfer_executor_test.cpp and transfer_checks_test.cpp.
#pragma once

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fmt/format.h>

#include <functional>
#include <memory>

#include "caios2dfs/copy/transfer_executor.hpp"
#include "caios2dfs/s3/md5.hpp"
#include "support/fake_s3_objects.hpp"
#include "support/temp_dir.hpp"

namespace caios::testing {


inline std::string pattern(std::size_t size, char seed) {
  std::string data(size, '\0');
  for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<char>(seed + (i * 31 + i / 251) % 61);
  return data;
}

inline ObjectRef ref(const std::string& key, std::uint64_t size) {
  return ObjectRef{key, key, size, FakeObject{}.etag, kFakeMtimeNs};
}

inline WorkItem batch(std::vector<ObjectRef> objects) {
  WorkItem item;
  item.id = 7;
  item.kind = WorkKind::batch;
  item.objects = std::move(objects);
  return item;
}

inline WorkItem chunk(const ObjectRef& object, std::uint64_t offset, std::uint64_t length, std::uint32_t index) {
  WorkItem item;
  item.id = 10 + index;
  item.kind = WorkKind::chunk;
  item.objects = {object};
  item.offset = offset;
  item.length = length;
  item.chunk_index = index;
  item.chunk_count = 2;
  item.object_id = 3;
  return item;
}

inline Md5Digest md5_of(const std::string& data) {
  Md5 md5;
  md5.update(data.data(), data.size());
  return *md5.finish();
}

/// The ETag a single-part upload of `data` gets: its MD5 in quotes.
inline std::string md5_etag(const std::string& data) {
  return "\"" + md5_hex(md5_of(data)) + "\"";
}

/// rclone's x-amz-meta-md5chksum for `data`: its MD5 in base64.
inline std::string md5chksum(const std::string& data) { return md5_to_base64(md5_of(data)); }

/// Changes a response before it leaves the fake store (a bad network path).
using Tamper = std::function<void(const RecordedRequest&, ScriptedResponse&)>;

struct Rig {
  Destination* destination;
  FakeHttpServer server;
  HttpEngine engine{HttpEngineOptions{4, 2000, 10, 512 * 1024, {}, false}};
  S3Client client;
  std::unique_ptr<FileBackend> backend;
  RankStats stats;
  std::vector<ItemDone> done;
  TransferExecutor executor;

  Rig(std::map<std::string, FakeObject> objects, Destination* destination_, ExecutorOptions options = {},
      std::uint64_t direct_io_min_size = kNoDirectIo, Tamper tamper = {})
      : destination(destination_),
        server([store = FakeS3Objects("bucket", std::move(objects)), tamper](const RecordedRequest& request) {
          ScriptedResponse response = store(request);
          if (tamper) tamper(request, response);
          return response;
        }),
        client(fake_store_client(engine, server, 1)),
        backend(make_posix_backend(direct_io_min_size)),
        executor(client, *backend, destination_, with_bucket(options), stats,
                 [this](ItemDone&& item) { done.push_back(std::move(item)); }) {}

  static ExecutorOptions with_bucket(ExecutorOptions options) {
    options.bucket = "bucket";
    options.buffer_bytes = 64 * 1024;  // several buffers per object below
    options.verbosity = -1;
    return options;
  }

  /// Run items, and `added_before` items given to add() already, until each
  /// has reported done (at most 20 s: never hang).
  void run(std::vector<WorkItem> items, std::size_t added_before = 0) {
    const std::size_t expected = done.size() + added_before + items.size();
    for (WorkItem& item : items) executor.add(std::move(item));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (done.size() < expected && std::chrono::steady_clock::now() < deadline) {
      engine.poll(std::chrono::milliseconds(5));
      executor.poll_files();
    }
    REQUIRE(done.size() == expected);
    CHECK(executor.idle());
    if (destination != nullptr) {
      // Staged files were linked into place and unlinked: nothing is left
      // for the end of the job to remove.
      const std::string staging = destination->root() + "/.caios2dfs-staging";
      if (std::filesystem::exists(staging)) {
        for (const std::string& entry : list_tree(staging)) CHECK(std::filesystem::is_directory(staging + "/" + entry));
      }
      auto others = destination->remove_staging();
      REQUIRE(others.ok());
      CHECK(others->empty());
    }
  }
};

inline std::int64_t mtime_ns(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mtim.tv_sec * 1'000'000'000ll + st.st_mtim.tv_nsec;
}


}  // namespace caios::testing
