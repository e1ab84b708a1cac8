// The S3 client (see s3_client.hpp). put_multipart, used only to seed tests and
// benchmarks, is in s3_multipart.cpp; what both files share is in
// s3_client_internal.hpp.
#include "caios2dfs/s3/s3_client.hpp"

#include <fmt/format.h>

#include <charconv>

#include "caios2dfs/s3/s3_error.hpp"
#include "s3_client_internal.hpp"

namespace caios {

namespace s3_client_detail {

std::string subject_of(std::string_view bucket, std::string_view key) {
  return key.empty() ? std::string(bucket) : fmt::format("{}/{}", bucket, key);
}

Error protocol_error(std::string_view operation, std::string subject, std::uint64_t offset, std::string message,
                     bool retryable) {
  Error error;
  error.kind = ErrorKind::protocol;
  error.operation = std::string(operation);
  error.subject = std::move(subject);
  error.offset = offset;
  error.message = std::move(message);
  error.retryable = retryable;
  return error;
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

bool parse_u64(std::string_view text, std::uint64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

std::int64_t mtime_from_head(const HttpResponseHead& head) {
  if (head.last_modified.empty()) return 0;
  return parse_http_date_ns(head.last_modified).value_or(0);
}

}  // namespace

bool parse_content_range(std::string_view value, std::uint64_t& start, std::uint64_t& end, std::uint64_t& total) {
  if (value.rfind("bytes ", 0) != 0) return false;
  value.remove_prefix(6);
  const auto dash = value.find('-');
  const auto slash = value.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos || dash > slash) return false;
  if (!parse_u64(value.substr(0, dash), start) || !parse_u64(value.substr(dash + 1, slash - dash - 1), end)) {
    return false;
  }
  const std::string_view total_text = value.substr(slash + 1);
  if (total_text == "*") {
    total = end + 1;
  } else if (!parse_u64(total_text, total)) {
    return false;
  }
  return start <= end && end < total;
}

S3Client::S3Client(HttpEngine& engine, S3Endpoint endpoint, Credentials credentials, WallClock clock,
                   RetryPolicy retry, std::uint64_t random_seed)
    : engine_(engine),
      endpoint_(std::move(endpoint)),
      credentials_(std::move(credentials)),
      clock_(std::move(clock)),
      retry_(retry),
      random_(random_seed) {}

double S3Client::next_uniform() { return std::uniform_real_distribution<double>(0.0, 1.0)(random_); }

void S3Client::execute(std::shared_ptr<Call> call) {
  ++stats_.requests;
  call->body_error.reset();
  HttpRequest request = build_s3_request(endpoint_, credentials_, clock_(), call->make_operation());
  request.body = call->body;
  request.body_size = call->body_size;
  HttpHandlers handlers;
  if (call->on_body) handlers.on_body = call->on_body;
  handlers.on_done = [this, call](HttpOutcome&& outcome) {
    const std::uint64_t offset = call->error_offset ? call->error_offset() : 0;
    std::optional<Error> error;
    if (call->body_error) {
      error = std::move(call->body_error);
    } else if (outcome.curl_code != CURLE_OK) {
      error = map_curl_error(outcome.curl_code, outcome.curl_detail, call->operation_name, call->subject, offset);
    } else if (outcome.head.status < 200 || outcome.head.status >= 300) {
      const long retry_after =
          outcome.head.retry_after.empty()
              ? -1
              : parse_retry_after_ms(outcome.head.retry_after,
                                     std::chrono::duration_cast<std::chrono::nanoseconds>(
                                         clock_().time_since_epoch())
                                         .count());
      error = map_s3_error(outcome.head.status, outcome.body, call->operation_name, call->subject, retry_after);
      error->offset = offset;
    } else if (call->check_success) {
      Status status = call->check_success(outcome);
      if (!status.ok()) error = status.error();
    }
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
  };
  engine_.submit(std::move(request), std::move(handlers));
}

void S3Client::list_page(const ListRequest& request, std::function<void(Result<ListPage>)> done) {
  auto call = std::make_shared<Call>();
  call->operation_name = "ListObjectsV2";
  call->subject = request.prefix.empty() ? request.bucket : fmt::format("{}/{}", request.bucket, request.prefix);
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

void S3Client::get(GetRequest request, RangeSink sink, std::function<void(Result<GetResult>)> done) {
  struct State {
    GetRequest request;
    RangeSink sink;
    std::uint64_t delivered = 0;  ///< bytes given to the sink over all attempts
    std::uint64_t attempt_start = 0;
    std::uint64_t attempt_expected = 0;  ///< body bytes the current response promised
    std::uint64_t attempt_received = 0;
    bool attempt_validated = false;
    GetResult result;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  };
  auto state = std::make_shared<State>();
  state->request = std::move(request);
  state->sink = std::move(sink);

  auto call = std::make_shared<Call>();
  call->operation_name = "GET";
  call->subject = subject_of(state->request.bucket, state->request.key);
  call->error_offset = [state] { return state->request.offset + state->delivered; };
  call->make_operation = [state] {
    state->attempt_validated = false;
    state->attempt_received = 0;
    state->attempt_start = state->request.offset + state->delivered;
    S3Operation operation;
    operation.method = "GET";
    operation.bucket = state->request.bucket;
    operation.key = state->request.key;
    const GetRequest& r = state->request;
    if (r.length > 0) {
      const std::uint64_t last = r.offset + r.length - 1;
      operation.headers.push_back({"Range", fmt::format("bytes={}-{}", state->attempt_start, last)});
    } else if (state->delivered > 0) {
      operation.headers.push_back({"Range", fmt::format("bytes={}-", state->attempt_start)});
    }
    if (!r.if_match.empty()) operation.headers.push_back({"If-Match", r.if_match});
    return operation;
  };
  std::weak_ptr<Call> weak_call = call;
  call->on_body = [state, weak_call](const HttpResponseHead& head, const char* data, std::size_t size) {
    auto call = weak_call.lock();
    if (!state->attempt_validated) {
      // Check what the server is sending before a byte reaches the file.
      const GetRequest& r = state->request;
      std::uint64_t start = 0, end = 0, total = 0;
      std::optional<Error> error;
      if (head.status == 206) {
        if (!parse_content_range(head.content_range, start, end, total)) {
          error = protocol_error("GET", call->subject, state->attempt_start,
                                 fmt::format("bad Content-Range '{}'", head.content_range), true);
        } else if (start != state->attempt_start) {
          error = protocol_error("GET", call->subject, state->attempt_start,
                                 fmt::format("asked for bytes from {}, got Content-Range '{}'",
                                             state->attempt_start, head.content_range),
                                 false);
        } else {
          const std::uint64_t wanted_last = r.length > 0 ? r.offset + r.length - 1 : total - 1;
          if (end != std::min(wanted_last, total - 1)) {
            error = protocol_error("GET", call->subject, state->attempt_start,
                                   fmt::format("asked for bytes {}-{}, got Content-Range '{}'", state->attempt_start,
                                               wanted_last, head.content_range),
                                   false);
          }
          state->attempt_expected = end - start + 1;
          state->result.object_size = total;
        }
      } else {
        // 200: the whole object. Only right when we asked for it from byte 0
        // (a server that ignores Range must not have its bytes put at an offset).
        const std::uint64_t whole = head.content_length >= 0 ? static_cast<std::uint64_t>(head.content_length) : 0;
        const bool asked_whole = state->attempt_start == 0 && (r.length == 0 || r.length >= whole);
        if (!asked_whole) {
          error = protocol_error("GET", call->subject, state->attempt_start,
                                 "server ignored the Range header and sent the whole object", false);
        }
        state->attempt_expected = whole;
        state->result.object_size = whole;
      }
      if (!error && !r.if_match.empty() && !head.etag.empty() && head.etag != r.if_match) {
        error = Error{};
        error->kind = ErrorKind::changed;
        error->operation = "GET";
        error->subject = call->subject;
        error->offset = state->attempt_start;
        error->message = fmt::format("object changed during copy: ETag {} is now {}", r.if_match, head.etag);
      }
      if (error) {
        call->body_error = std::move(error);
        return false;
      }
      state->result.etag = head.etag;
      state->result.mtime_ns = mtime_from_head(head);
      state->attempt_validated = true;
    }
    const std::uint64_t position = state->request.offset + state->delivered;
    if (!state->sink(position, data, size)) {
      Error error;
      error.kind = ErrorKind::cancelled;
      error.operation = "GET";
      error.subject = call->subject;
      error.offset = position;
      error.message = "the receiver refused the data";
      call->body_error = std::move(error);
      return false;
    }
    state->delivered += size;
    state->attempt_received += size;
    return true;
  };
  call->check_success = [state, weak_call](const HttpOutcome& outcome) -> Status {
    auto call = weak_call.lock();
    if (!state->attempt_validated) {
      // No body arrived at all: fine only for an empty object or range.
      HttpResponseHead head = outcome.head;
      if (head.status == 200 && head.content_length <= 0) {
        state->result.etag = head.etag;
        state->result.mtime_ns = mtime_from_head(head);
        state->result.object_size = 0;
        return ok_status();
      }
      std::uint64_t start = 0, end = 0, total = 0;
      if (head.status == 206 && parse_content_range(head.content_range, start, end, total)) {
        state->attempt_expected = end - start + 1;
      }
    }
    if (state->attempt_received != state->attempt_expected) {
      return protocol_error("GET", call->subject, state->request.offset + state->delivered,
                            fmt::format("response ended after {} of {} bytes", state->attempt_received,
                                        state->attempt_expected),
                            true);
    }
    return ok_status();
  };
  call->done = [state, weak_call, done = std::move(done)](Result<HttpOutcome> outcome) {
    auto call = weak_call.lock();
    if (!outcome.ok()) return done(outcome.error());
    state->result.bytes = state->delivered;
    state->result.retries = call ? call->retries : 0;
    state->result.total_time = std::chrono::steady_clock::now() - state->started;
    if (state->result.time_to_first_byte.count() == 0) {
      state->result.time_to_first_byte = outcome.value().time_to_first_byte;
    }
    done(std::move(state->result));
  };
  execute(std::move(call));
}

void S3Client::head(const std::string& bucket, const std::string& key, std::function<void(Result<ObjectInfo>)> done) {
  auto call = fixed_call("HEAD", S3Operation{"HEAD", bucket, key, {}, {}, std::string(kEmptyPayloadSha256)});
  call->done = [done = std::move(done)](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return done(outcome.error());
    const HttpResponseHead& head = outcome.value().head;
    ObjectInfo info;
    info.size = head.content_length >= 0 ? static_cast<std::uint64_t>(head.content_length) : 0;
    info.etag = head.etag;
    info.mtime_ns = mtime_from_head(head);
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
