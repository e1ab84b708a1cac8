// Fuzz target: decode_task and decode_result (copy/source_tasks.hpp), the
// listing's requests and answers between ranks. Each input is offered to both.
// Property: decoding any bytes never crashes, reports a sanitizer error or
// allocates without bound; a refused message is a protocol Error; and what
// decodes survives the round trip: decode(encode(decode(x))) equals
// decode(x), field by field (Errors included).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "caios2dfs/copy/source_tasks.hpp"
#include "fuzz_support.hpp"

using namespace caios;

namespace {

auto fields(const ListRequest& r) {
  return std::tie(r.bucket, r.prefix, r.continuation_token, r.start_after, r.max_keys, r.delimiter);
}

auto fields(const ObjectEntry& e) { return std::tie(e.key, e.size, e.etag, e.mtime_ns); }

auto fields(const Error& e) {
  return std::tie(e.kind, e.operation, e.subject, e.message, e.offset, e.http_status, e.s3_code, e.sys_errno,
                  e.retryable, e.retry_after_ms);
}

bool same(const ObjectEntry& a, const ObjectEntry& b) { return fields(a) == fields(b); }

bool same(const Result<ObjectEntry>& a, const Result<ObjectEntry>& b) {
  if (a.ok() != b.ok()) return false;
  return a.ok() ? same(a.value(), b.value()) : fields(a.error()) == fields(b.error());
}

bool same(const ListPage& a, const ListPage& b) {
  return std::equal(a.objects.begin(), a.objects.end(), b.objects.begin(), b.objects.end(),
                    [](const ObjectEntry& x, const ObjectEntry& y) { return same(x, y); }) &&
         std::tie(a.common_prefixes, a.is_truncated, a.next_continuation_token, a.url_encoded) ==
             std::tie(b.common_prefixes, b.is_truncated, b.next_continuation_token, b.url_encoded);
}

bool same(const SourceResult& a, const SourceResult& b) {
  if (a.id != b.id || a.page_error.has_value() != b.page_error.has_value() || !same(a.page, b.page)) return false;
  if (a.page_error && fields(*a.page_error) != fields(*b.page_error)) return false;
  return std::equal(a.heads.begin(), a.heads.end(), b.heads.begin(), b.heads.end(),
                    [](const Result<ObjectEntry>& x, const Result<ObjectEntry>& y) { return same(x, y); });
}

void check_task(std::string_view bytes) {
  const Result<SourceTask> task = decode_task(bytes);
  if (!task.ok()) {
    fuzz::check(task.error().kind == ErrorKind::protocol, "a bad source task is a protocol error");
    return;
  }
  const Result<SourceTask> again = decode_task(encode_task(task.value()));
  fuzz::check(again.ok() && again->id == task->id && fields(again->list) == fields(task->list) &&
                  again->head_keys == task->head_keys,
              "a source task survives encode and decode");
}

void check_result(std::string_view bytes) {
  const Result<SourceResult> result = decode_result(bytes);
  if (!result.ok()) {
    fuzz::check(result.error().kind == ErrorKind::protocol, "a bad source result is a protocol error");
    return;
  }
  const Result<SourceResult> again = decode_result(encode_result(result.value()));
  fuzz::check(again.ok() && same(result.value(), again.value()), "a source result survives encode and decode");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  check_task(bytes);
  check_result(bytes);
  return 0;
}
