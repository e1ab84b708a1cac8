// Fuzz target: parse_s3_error, map_s3_error and parse_retry_after_ms
// (s3/s3_error.hpp) on any bytes as the body (or the Retry-After value), with
// statuses that take each path of the mapping: an error inside a 200, a
// redirect, 4xx, 5xx, and one picked by the body's length.
// Property: no crash and no sanitizer report; the parsed code, resource and
// request id are trimmed; the Error keeps what it was given (operation,
// subject, or the body's resource when the subject is empty, status, code,
// Retry-After) and its message starts with the status and is one line,
// whatever the body holds; Retry-After is -1 or a wait of 0 or more.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/s3/s3_error.hpp"
#include "fuzz_support.hpp"

using namespace caios;

namespace {

bool is_trimmed(std::string_view text) { return trim(text).size() == text.size(); }

void check_mapping(int status, std::string_view body, std::string_view subject, const std::optional<S3ErrorBody>& s3) {
  const long retry_after_ms = static_cast<long>(body.size()) - 1;
  const Error error = map_s3_error(status, body, "GET", subject, retry_after_ms);
  fuzz::check(error.operation == "GET", "the Error keeps the operation");
  const std::string resource = s3 ? s3->resource : std::string();
  fuzz::check(error.subject == (subject.empty() ? resource : std::string(subject)),
              "the subject is the caller's, else the body's resource");
  fuzz::check(error.http_status == status, "the Error keeps the status");
  fuzz::check(error.s3_code == (s3 ? s3->code : std::string()), "the Error keeps the body's code");
  fuzz::check(error.retry_after_ms == retry_after_ms, "the Error keeps Retry-After");
  fuzz::check(error.message.rfind(std::to_string(status), 0) == 0, "the message starts with the status");
  fuzz::check(!fuzz::has_control_byte(error.message), "the message is one line without control characters");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = fuzz::as_text(data, size);
  const std::optional<S3ErrorBody> s3 = parse_s3_error(body);
  if (s3) {
    fuzz::check(is_trimmed(s3->code) && is_trimmed(s3->resource) && is_trimmed(s3->request_id),
                "code, resource and request id are trimmed");
  }
  for (const int status : {200, 307, 403, 404, 503, 100 + static_cast<int>(size % 500)}) {
    check_mapping(status, body, "", s3);
  }
  check_mapping(400, body, "bucket/key", s3);

  const long wait_ms = parse_retry_after_ms(body, 1'700'000'000'000'000'000);
  fuzz::check(wait_ms >= -1, "Retry-After is -1 or a wait of 0 ms or more");
  return 0;
}
