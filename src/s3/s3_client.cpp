// The S3 client (see s3_client.hpp): signing, sending and retrying calls, and
// the calls themselves. The checks of a ranged GET are in ranged_get.cpp;
// put_multipart, used only to seed tests and benchmarks, is in
// s3_multipart.cpp; what s3_client.cpp and s3_multipart.cpp share is in
// s3_client_internal.hpp.
#include "caios2dfs/s3/etag.hpp"
#include "caios2dfs/s3/s3_client.hpp"

#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "caios2dfs/s3/s3_error.hpp"
#include "caios2dfs/s3/s3_time.hpp"
#include "s3_client_internal.hpp"

namespace caios {

namespace s3_client_detail {

std::string subject_of(std::string_view bucket, std::string_view key) {
  return key.empty() ? std::string(bucket) : fmt::format("{}/{}", bucket, key);
}

// Small bodies are signed with their hash; large ones as UNSIGNED-PAYLOAD so
// seeding a benchmark bucket does not hash gigabytes twice.
std::string payload_hash_for(const char* data, std::size_t size) {
  constexpr std::size_t kHashLimit = 1 << 20;
  return size <= kHashLimit ? sha256_hex(std::string_view(data, size)) : std::string(kUnsignedPayload);
}

}  // namespace s3_client_detail

using namespace s3_client_detail;

namespace {

std::int64_t mtime_from_head(const HttpResponseHead& head) {
  if (head.last_modified.empty()) return 0;
  return parse_http_date_ns(head.last_modified).value_or(0);
}

// One GET over all its attempts: what reached the sink so far, and what the
// current attempt's response promised. The checks themselves are the pure
// functions of ranged_get.hpp; this only keeps the counts between callbacks.
struct GetState {
  GetRequest request;
  GetOptions options;
  RangeSink sink;
  std::string subject;
  std::uint64_t delivered = 0;           ///< bytes given to the sink over all attempts
  std::optional<RangeResponse> attempt;  ///< set once the current response's head passed
  std::uint64_t attempt_received = 0;    ///< body bytes of the current response
  bool head_reported = false;            ///< on_first_head has run
  GetResult result;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  // The request of the next attempt: it asks for what is still missing.
  S3Operation next_operation() {
    attempt.reset();
    attempt_received = 0;
    S3Operation operation;
    operation.method = "GET";
    operation.bucket = request.bucket;
    operation.key = request.key;
    if (std::optional<std::string> range = range_header(request, delivered)) {
      operation.headers.push_back({"Range", std::move(*range)});
    }
    if (!request.if_match.empty()) operation.headers.push_back({"If-Match", request.if_match});
    if (options.checksum_mode) operation.headers.push_back({"x-amz-checksum-mode", "ENABLED"});
    return operation;
  }

  Status accept_head(const HttpResponseHead& head) {
    Result<RangeResponse> checked = check_range_response(request, delivered, head, subject);
    if (!checked) return std::move(checked).error();
    attempt = checked.value();
    result.object_size = checked->object_size;
    result.etag = head.etag;
    result.mtime_ns = mtime_from_head(head);
    result.md5chksum = head.meta_md5chksum;
    result.etag_not_md5 = encryption_hides_md5(head.server_side_encryption, head.sse_customer_algorithm);
    result.checksum = response_checksum(head);
    if (!head_reported && options.on_first_head) options.on_first_head(head);
    head_reported = true;
    return ok_status();
  }

  // A piece of the body: the head is checked before the first byte of each
  // response reaches the sink.
  std::optional<Error> accept_body(const HttpResponseHead& head, const char* data, std::size_t size) {
    if (!attempt) {
      if (Status checked = accept_head(head); !checked) return std::move(checked).error();
    }
    const std::uint64_t position = request.offset + delivered;
    if (!sink(position, data, size)) {
      return make_error(ErrorKind::cancelled, "GET", subject, "the receiver refused the data", position);
    }
    delivered += size;
    attempt_received += size;
    return std::nullopt;
  }

  // A response completed: it must have carried every byte it promised. One
  // without a body byte (an empty object, or a cut-off) is checked here first.
  Status check_end(const HttpOutcome& outcome) {
    if (!attempt) {
      if (Status checked = accept_head(outcome.head); !checked) return checked;
    }
    return check_range_complete(*attempt, attempt_received, request.offset + delivered, subject);
  }

  GetResult finish(const HttpOutcome& outcome, int retries) {
    result.bytes = delivered;
    result.retries = retries;
    result.total_time = std::chrono::steady_clock::now() - started;
    result.time_to_first_byte = outcome.time_to_first_byte;
    return std::move(result);
  }
};

}  // namespace

S3Client::S3Client(HttpEngine& engine, S3Endpoint endpoint, Credentials credentials, WallClock clock,
                   RetryPolicy retry, std::uint64_t random_seed)
    : engine_(engine),
      endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      clock_(std::move(clock)),
      retry_(retry),
      random_(random_seed) {}

double S3Client::next_uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }

void S3Client::stop(const Error& why) {
  if (stopped_) return;
  stopped_ = why;
  engine_.cancel_all();
}

void S3Client::execute(std::shared_ptr<Call> call) {
  if (stopped_) {
    engine_.run_at(std::chrono::steady_clock::now(), [call, why = *stopped_]() mutable { call->done(std::move(why)); });
    return;
  }
  ++stats_.requests;
  call->body_error.reset();
  HttpRequest request = build_s3_request(endpoint_, credentials_, clock_(), call->make_operation());
  request.body = call->body;
  request.body_size = call->body_size;
  HttpHandlers handlers;
  if (call->on_body) handlers.on_body = call->on_body;
  handlers.on_done = [this, call](HttpOutcome&& outcome) { complete(call, std::move(outcome)); };
  engine_.submit(std::move(request), std::move(handlers));
}

std::optional<Error> S3Client::outcome_error(Call& call, const HttpOutcome& outcome) {
  const std::uint64_t offset = call.error_offset ? call.error_offset() : 0;
  // The receiver's own reason beats curl's "write error" that it caused.
  if (call.body_error) return std::move(call.body_error);
  if (outcome.curl_code != CURLE_OK) {
    return map_curl_error(outcome.curl_code, outcome.curl_detail, call.operation_name, call.subject, offset);
  }
  if (outcome.head.status < 200 || outcome.head.status >= 300) {
    const long retry_after_ms =
        outcome.head.retry_after.empty()
            ? -1
            : parse_retry_after_ms(
                  outcome.head.retry_after,
                  std::chrono::duration_cast<std::chrono::nanoseconds>(clock_().time_since_epoch()).count());
    Error error = map_s3_error(outcome.head.status, outcome.body, call.operation_name, call.subject, retry_after_ms);
    error.offset = offset;
    return error;
  }
  if (call.check_success) {
    Status status = call.check_success(outcome);
    if (!status.ok()) return std::move(status).error();
  }
  return std::nullopt;
}

void S3Client::complete(const std::shared_ptr<Call>& call, HttpOutcome&& outcome) {
  // Whatever the attempt ended with, a stopped client says why it stopped.
  if (stopped_) return call->done(*stopped_);
  std::optional<Error> error = outcome_error(*call, outcome);
  if (!error) {
    call->done(std::move(outcome));
    return;
  }
  if (should_retry(retry_, *error, call->retries)) {
    ++call->retries;
    ++stats_.retries;
    ++stats_.retries_by_kind[static_cast<std::size_t>(error->kind)];
    const auto delay = backoff_delay(retry_, call->retries, error->retry_after_ms, next_uniform());
    engine_.run_at(std::chrono::steady_clock::now() + delay, [this, call] { execute(call); });
    return;
  }
  if (call->retries > 0 && error->retryable) {
    error->message += fmt::format(" (gave up after {} retries)", call->retries);
  }
  call->done(std::move(*error));
}

void S3Client::list_page(const ListRequest& request, std::function<void(Result<ListPage>)> done) {
  auto call = std::make_shared<Call>();
  call->operation_name = "ListObjectsV2";
  call->subject = subject_of(request.bucket, request.prefix);
  call->make_operation = [request] {
    S3Operation operation;
    operation.method = "GET";
    operation.bucket = request.bucket;
    operation.query = {{"list-type", "2"}, {"encoding-type", "url"}};
    if (!request.prefix.empty()) operation.query.emplace_back("prefix", request.prefix);
    if (!request.continuation_token.empty()) {
      operation.query.emplace_back("continuation-token", request.continuation_token);
    }
    if (!request.start_after.empty()) operation.query.emplace_back("start-after", request.start_after);
    if (request.max_keys > 0) operation.query.emplace_back("max-keys", std::to_string(request.max_keys));
    if (!request.delimiter.empty()) operation.query.emplace_back("delimiter", request.delimiter);
    return operation;
  };
  // A 200 that carries an <Error> or broken XML is parsed here so that it is
  // retried like any other failure of its class.
  auto page = std::make_shared<std::optional<ListPage>>();
  call->check_success = [page, subject = call->subject](const HttpOutcome& outcome) -> Status {
    Result<ListPage> parsed = parse_list_objects_v2(outcome.body);
    if (!parsed.ok()) {
      Error error = parsed.error();
      error.operation = "ListObjectsV2";
      error.subject = subject;
      // A 200 whose body does not parse was most likely cut or damaged on
      // the way (a proxy, a reset mid-body): asking again is the only way
      // on, within the retry policy's bound like any transient failure.
      if (error.kind == ErrorKind::protocol) error.retryable = true;
      return error;
    }
    page->emplace(std::move(parsed).value());
    return ok_status();
  };
  call->done = [page, done = std::move(done)](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return done(outcome.error());
    done(std::move(**page));
  };
  execute(std::move(call));
}

void S3Client::list_all(ListRequest request, std::function<bool(ListPage&&)> on_page,
                        std::function<void(Status)> done) {
  list_page(request, [this, request, on_page = std::move(on_page), done = std::move(done)](
                         Result<ListPage> page) mutable {
    if (!page.ok()) return done(page.error());
    ListPage& value = page.value();
    const bool truncated = value.is_truncated;
    ListRequest next = request;
    next.continuation_token = value.next_continuation_token;
    // Servers that answer V2 without a token (seen on V1-only gateways) still
    // page correctly by key.
    if (next.continuation_token.empty() && !value.objects.empty()) {
      next.start_after = value.objects.back().key;
    }
    const bool progressed = !next.continuation_token.empty() || !value.objects.empty();
    if (!on_page(std::move(value))) return done(ok_status());
    if (!truncated) return done(ok_status());
    if (!progressed) {
      return done(protocol_error("ListObjectsV2", request.bucket, 0,
                                 "server said the listing is truncated but gave no way to continue", false));
    }
    list_all(std::move(next), std::move(on_page), std::move(done));
  });
}

void S3Client::get(GetRequest request, RangeSink sink, std::function<void(Result<GetResult>)> done,
                   GetOptions options) {
  auto state = std::make_shared<GetState>();
  state->subject = subject_of(request.bucket, request.key);
  state->request = std::move(request);
  state->options = std::move(options);
  state->sink = std::move(sink);

  auto call = std::make_shared<Call>();
  call->operation_name = "GET";
  call->subject = state->subject;
  call->error_offset = [state] { return state->request.offset + state->delivered; };
  call->make_operation = [state] { return state->next_operation(); };
  // The callbacks live in the call; a weak reference back avoids a cycle.
  std::weak_ptr<Call> weak_call = call;
  call->on_body = [state, weak_call](const HttpResponseHead& head, const char* data, std::size_t size) {
    std::optional<Error> error = state->accept_body(head, data, size);
    if (!error) return true;
    if (auto call = weak_call.lock()) call->body_error = std::move(error);
    return false;
  };
  call->check_success = [state](const HttpOutcome& outcome) { return state->check_end(outcome); };
  call->done = [state, weak_call, done = std::move(done)](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return done(outcome.error());
    auto call = weak_call.lock();
    done(state->finish(outcome.value(), call ? call->retries : 0));
  };
  execute(std::move(call));
}

void S3Client::head(const std::string& bucket, const std::string& key, std::function<void(Result<ObjectInfo>)> done) {
  head(bucket, key, HeadOptions{}, std::move(done));
}

void S3Client::head(const std::string& bucket, const std::string& key, HeadOptions options,
                    std::function<void(Result<ObjectInfo>)> done) {
  S3Operation operation{"HEAD", bucket, key, {}, {}, std::string(kEmptyPayloadSha256)};
  if (options.part_number > 0) operation.query.emplace_back("partNumber", std::to_string(options.part_number));
  if (options.checksum_mode) operation.headers.push_back({"x-amz-checksum-mode", "ENABLED"});
  auto call = fixed_call("HEAD", std::move(operation));
  call->done = [done = std::move(done)](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return done(outcome.error());
    const HttpResponseHead& head = outcome.value().head;
    ObjectInfo info;
    info.size = head.content_length >= 0 ? static_cast<std::uint64_t>(head.content_length) : 0;
    info.etag = head.etag;
    info.mtime_ns = mtime_from_head(head);
    info.etag_not_md5 = encryption_hides_md5(head.server_side_encryption, head.sse_customer_algorithm);
    info.checksum = response_checksum(head);
    std::uint32_t parts = 0;
    const std::string& count = head.mp_parts_count;
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), parts);
    if (ec == std::errc() && end == count.data() + count.size()) info.parts_count = parts;
    done(info);
  };
  execute(std::move(call));
}

void S3Client::put(const std::string& bucket, const std::string& key, const char* data, std::size_t size,
                   std::function<void(Result<std::string>)> done) {
  auto call = fixed_call("PUT", S3Operation{"PUT", bucket, key, {}, {}, payload_hash_for(data, size)});
  call->body = data;
  call->body_size = size;
  call->done = [done = std::move(done)](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return done(outcome.error());
    done(outcome.value().head.etag);
  };
  execute(std::move(call));
}

std::shared_ptr<S3Client::Call> S3Client::fixed_call(std::string operation_name, S3Operation operation) {
  auto call = std::make_shared<Call>();
  call->operation_name = std::move(operation_name);
  call->subject = subject_of(operation.bucket, operation.key);
  call->make_operation = [operation = std::move(operation)] { return operation; };
  return call;
}

void S3Client::status_call(std::string operation_name, std::string method, const std::string& bucket,
                           const std::string& key, std::function<void(Status)> done) {
  auto call = fixed_call(std::move(operation_name),
                         S3Operation{std::move(method), bucket, key, {}, {}, std::string(kEmptyPayloadSha256)});
  call->done = [done = std::move(done)](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return done(outcome.error());
    done(ok_status());
  };
  execute(std::move(call));
}

void S3Client::create_bucket(const std::string& bucket, std::function<void(Status)> done) {
  status_call("CreateBucket", "PUT", bucket, "", std::move(done));
}

void S3Client::delete_object(const std::string& bucket, const std::string& key, std::function<void(Status)> done) {
  status_call("DELETE", "DELETE", bucket, key, std::move(done));
}

void S3Client::delete_bucket(const std::string& bucket, std::function<void(Status)> done) {
  status_call("DeleteBucket", "DELETE", bucket, "", std::move(done));
}

}  // namespace caios
