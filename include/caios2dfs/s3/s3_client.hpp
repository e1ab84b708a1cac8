// The S3 client: ListObjectsV2, ranged GET, HEAD and the few write calls the
// tests and benchmarks need (PUT, multipart upload, bucket create/delete),
// all asynchronous on an HttpEngine, all retried per RetryPolicy.
//
// Thread contract: like the HttpEngine it drives, one S3Client belongs to
// one thread; completion callbacks run inside HttpEngine::poll().
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/http/http_engine.hpp"
#include "caios2dfs/s3/checksum.hpp"
#include "caios2dfs/s3/list_objects.hpp"
#include "caios2dfs/s3/ranged_get.hpp"  // GetRequest, and the checks get() applies
#include "caios2dfs/s3/retry_policy.hpp"
#include "caios2dfs/s3/s3_request.hpp"

namespace caios {

using WallClock = std::function<std::chrono::system_clock::time_point()>;

struct ListRequest {
  std::string bucket;
  std::string prefix;
  std::string continuation_token;  ///< opaque, from the previous page
  std::string start_after;         ///< list keys strictly after this one
  int max_keys = 0;                ///< 0: the server's default (1000)
  std::string delimiter;           ///< "/": keys below the next "/" come back as common prefixes
};

/// Receives the body of a GET as it arrives. `object_offset` is the position
/// of `data[0]` in the object, so a resumed transfer continues where the
/// previous attempt stopped. Return false to abort (the GET then fails with
/// kind cancelled; the sink keeps its own reason).
using RangeSink = std::function<bool(std::uint64_t object_offset, const char* data, std::size_t size)>;

struct GetResult {
  std::uint64_t bytes = 0;        ///< body bytes delivered to the sink, all attempts
  std::uint64_t object_size = 0;  ///< from Content-Range or Content-Length
  std::string etag;
  std::int64_t mtime_ns = 0;      ///< Last-Modified, 0 when absent
  std::string md5chksum;          ///< rclone's x-amz-meta-md5chksum (base64), "" when absent
  bool etag_not_md5 = false;      ///< SSE-KMS or SSE-C: the ETag is no MD5 (encryption_hides_md5)
  std::optional<StoredChecksum> checksum;  ///< with GetRequest::checksum_mode, when the store keeps one
  int retries = 0;
  std::chrono::nanoseconds time_to_first_byte{0};  ///< of the attempt that completed
  std::chrono::nanoseconds total_time{0};          ///< all attempts and backoff
};

/// What a GET asks beyond its range.
struct GetOptions {
  /// Send x-amz-checksum-mode: ENABLED: the response then says the object's
  /// additional checksum (S3 gives none for a Range).
  bool checksum_mode = false;
  /// Called once, when the first response head that passed the range checks
  /// is in, before any of its bytes reaches the sink: a receiver that hashes
  /// the bytes learns here what the store says they hash to.
  std::function<void(const HttpResponseHead&)> on_first_head;
};

struct ObjectInfo {
  std::uint64_t size = 0;  ///< with HeadOptions::part_number: the part's
  std::string etag;
  std::int64_t mtime_ns = 0;
  bool etag_not_md5 = false;               ///< SSE-KMS or SSE-C (encryption_hides_md5)
  std::optional<StoredChecksum> checksum;  ///< with HeadOptions::checksum_mode, when the store keeps one
  std::uint32_t parts_count = 0;           ///< x-amz-mp-parts-count (part_number asked), 0 when absent
};

/// What a HEAD asks beyond the object's size, ETag and date.
struct HeadOptions {
  /// HEAD ?partNumber=N: the size of part N of a multipart upload and the
  /// part count. A store that ignores it (Ceph RGW 16.2) answers for the
  /// whole object with no part count.
  std::uint32_t part_number = 0;
  bool checksum_mode = false;  ///< x-amz-checksum-mode: ENABLED
};

/// Counters every request updates (retries by class feed the final report).
struct S3ClientStats {
  std::uint64_t requests = 0;
  std::uint64_t retries = 0;
  std::array<std::uint64_t, 16> retries_by_kind{};  ///< indexed by ErrorKind
};

class S3Client {
 public:
  S3Client(HttpEngine& engine, S3Endpoint endpoint, Credentials credentials, WallClock clock,
           RetryPolicy retry, std::uint64_t random_seed);

  /// One ListObjectsV2 page (encoding-type=url; keys come back decoded).
  void list_page(const ListRequest& request, std::function<void(Result<ListPage>)> done);

  /// Every page from `request` on, in order: `on_page` returns false to stop
  /// early. `done` runs once, after the last page or the first error.
  void list_all(ListRequest request, std::function<bool(ListPage&&)> on_page,
                std::function<void(Status)> done);

  /// Ranged GET streamed into `sink`. Retries resume from the last byte
  /// received; Content-Range, length and (with if_match) the ETag are checked
  /// as ranged_get.hpp describes, before a byte of a response reaches `sink`.
  void get(GetRequest request, RangeSink sink, std::function<void(Result<GetResult>)> done,
           GetOptions options = {});

  void head(const std::string& bucket, const std::string& key, std::function<void(Result<ObjectInfo>)> done);
  void head(const std::string& bucket, const std::string& key, HeadOptions options,
            std::function<void(Result<ObjectInfo>)> done);

  /// Single PUT. `data` must stay valid until `done`. Returns the ETag.
  void put(const std::string& bucket, const std::string& key, const char* data, std::size_t size,
           std::function<void(Result<std::string>)> done);

  /// Multipart upload of `data` in parts of `part_size` (>= 5 MiB except the
  /// last), sequential parts. For seeding tests and benchmarks.
  void put_multipart(const std::string& bucket, const std::string& key, const char* data, std::size_t size,
                     std::size_t part_size, std::function<void(Result<std::string>)> done);

  void create_bucket(const std::string& bucket, std::function<void(Status)> done);
  void delete_object(const std::string& bucket, const std::string& key, std::function<void(Status)> done);
  void delete_bucket(const std::string& bucket, std::function<void(Status)> done);

  /// The job is stopping: every call in flight ends now with `why` (kind
  /// cancelled), none is retried, and every later call fails with it at
  /// once (asynchronously, like any result). Cancels the engine's requests.
  void stop(const Error& why);
  bool stopped() const { return stopped_.has_value(); }

  const S3ClientStats& stats() const { return stats_; }
  const S3Endpoint& endpoint() const { return endpoint_; }
  HttpEngine& engine() { return engine_; }

 private:
  struct Call;
  /// Sign and send one attempt of `call`. `on_body` may be empty (body collected).
  void execute(std::shared_ptr<Call> call);
  /// The Error an attempt ended with, mapped in the one place for its source;
  /// nullopt when it succeeded.
  std::optional<Error> outcome_error(Call& call, const HttpOutcome& outcome);
  /// After an attempt: done, or retried after a backoff, or failed for good.
  void complete(const std::shared_ptr<Call>& call, HttpOutcome&& outcome);
  double next_uniform();
  /// A call that sends the same request on every attempt (all but GET,
  /// whose Range moves when it resumes); its subject is bucket/key.
  static std::shared_ptr<Call> fixed_call(std::string operation_name, S3Operation operation);
  /// The steps of put_multipart after CreateMultipartUpload (s3_multipart.cpp).
  struct MultipartUpload;
  void upload_part(std::shared_ptr<MultipartUpload> upload, std::size_t index);
  void complete_multipart(std::shared_ptr<MultipartUpload> upload);
  /// A bodiless call whose only result is success or an Error.
  void status_call(std::string operation_name, std::string method, const std::string& bucket, const std::string& key,
                   std::function<void(Status)> done);

  HttpEngine& engine_;
  S3Endpoint endpoint_;
  Credentials credentials_;
  WallClock clock_;
  RetryPolicy retry_;
  std::mt19937_64 random_;
  S3ClientStats stats_;
  std::optional<Error> stopped_;
};

/// Run an asynchronous client call to completion on `engine` (tools, tests).
template <class T, class Start>
Result<T> run_sync(HttpEngine& engine, Start&& start) {
  std::optional<Result<T>> result;
  start([&result](Result<T> r) { result.emplace(std::move(r)); });
  while (!result) engine.poll(std::chrono::milliseconds(100));
  return std::move(*result);
}

}  // namespace caios
