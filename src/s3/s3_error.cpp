// S3 <Error> bodies, and HTTP status + body -> Error. See s3_error.hpp for the contract.
#include "caios2dfs/s3/s3_error.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/s3/s3_time.hpp"
#include "xml_reader.hpp"

namespace caios {
namespace {

struct Classification {
  ErrorKind kind;
  bool retryable;
  std::string_view hint;  ///< what the user should fix; empty when nothing to suggest
};

struct CodeRule {
  std::string_view code;
  Classification classification;
};

constexpr std::string_view kRedirectHint =
    "the bucket must be reached through another endpoint: check region, endpoint and "
    "addressing style (path vs virtual-hosted)";

// S3 error codes whose meaning does not depend on the status they came with.
// Codes not listed fall back to the status (classify_status).
constexpr std::array kCodeRules{
    CodeRule{"SlowDown", {ErrorKind::throttled, true, {}}},
    CodeRule{"Throttling", {ErrorKind::throttled, true, {}}},
    CodeRule{"ThrottlingException", {ErrorKind::throttled, true, {}}},
    CodeRule{"TooManyRequests", {ErrorKind::throttled, true, {}}},
    CodeRule{"TooManyRequestsException", {ErrorKind::throttled, true, {}}},
    CodeRule{"RequestLimitExceeded", {ErrorKind::throttled, true, {}}},
    CodeRule{"InternalError", {ErrorKind::server, true, {}}},
    CodeRule{"ServiceUnavailable", {ErrorKind::server, true, {}}},
    // A 501 will not start working on retry: the store lacks a feature we use.
    CodeRule{"NotImplemented",
             {ErrorKind::server, false,
              "the server does not implement this request (an S3-compatible store?)"}},
    CodeRule{"RequestTimeout", {ErrorKind::timeout, true, {}}},
    CodeRule{"AccessDenied",
             {ErrorKind::auth, false,
              "check that the credentials may read the bucket and its objects "
              "(s3:ListBucket, s3:GetObject) and the bucket policy"}},
    CodeRule{"SignatureDoesNotMatch",
             {ErrorKind::auth, false, "check secret_access_key / region"}},
    CodeRule{"InvalidAccessKeyId", {ErrorKind::auth, false, "check access_key_id"}},
    CodeRule{"RequestTimeTooSkewed",
             {ErrorKind::auth, false,
              "the local clock differs from the server's; sync it (chrony/ntp)"}},
    CodeRule{"ExpiredToken",
             {ErrorKind::auth, false, "the session token has expired; renew session_token"}},
    CodeRule{"InvalidToken", {ErrorKind::auth, false, "check session_token"}},
    CodeRule{"AuthorizationHeaderMalformed", {ErrorKind::auth, false, "check region"}},
    CodeRule{"NoSuchKey",
             {ErrorKind::not_found, false, "the object may have been deleted since it was listed"}},
    // NoSuchBucket's hint names the bucket, so it is built in map_s3_error.
    CodeRule{"NoSuchBucket", {ErrorKind::not_found, false, {}}},
    CodeRule{"PreconditionFailed", {ErrorKind::changed, false, "object changed during copy"}},
    CodeRule{"InvalidRange",
             {ErrorKind::client, false,
              "the byte range is outside the object; it may have shrunk since it was listed"}},
    CodeRule{"InvalidObjectState",
             {ErrorKind::client, false,
              "the object is archived (Glacier / Deep Archive); restore it before copying"}},
    CodeRule{"PermanentRedirect", {ErrorKind::client, false, kRedirectHint}},
    // Listed so that these are not retried when they arrive inside a 200
    // (an unknown code in a 2xx is treated as a server fault, see below).
    CodeRule{"InvalidArgument", {ErrorKind::client, false, {}}},
    CodeRule{"InvalidRequest", {ErrorKind::client, false, {}}},
    CodeRule{"InvalidBucketName", {ErrorKind::client, false, "check the bucket name"}},
};

std::optional<Classification> classify_code(std::string_view code) {
  for (const CodeRule& rule : kCodeRules) {
    if (rule.code == code) return rule.classification;
  }
  return std::nullopt;
}

Classification classify_status(int status, bool has_code) {
  if (status == 429) return {ErrorKind::throttled, true, {}};
  if (status == 408) return {ErrorKind::timeout, true, {}};
  if (status >= 500 && status <= 599) return {ErrorKind::server, true, {}};
  if (status == 401 || status == 403) {
    return {ErrorKind::auth, false, "check the credentials and their permissions on the bucket"};
  }
  if (status == 404) {
    return {ErrorKind::not_found, false, "check the bucket name, the key and the endpoint"};
  }
  if (status == 412) return {ErrorKind::changed, false, "object changed during copy"};
  if (status == 416) {
    return {ErrorKind::client, false,
            "the byte range is outside the object; it may have shrunk since it was listed"};
  }
  if (status >= 400 && status <= 499) return {ErrorKind::client, false, {}};
  if (status >= 300 && status <= 399) return {ErrorKind::client, false, kRedirectHint};
  // An <Error> with an unknown code inside a 2xx: S3 sends these when a long
  // request (CopyObject, CompleteMultipartUpload) fails after the status line
  // went out, and they are almost always InternalError-like. The SDKs retry
  // them as a 500 (botocore rewrites the status), so we do too.
  if (has_code && status >= 200 && status <= 299) return {ErrorKind::server, true, {}};
  // A 1xx/2xx without an error document, or a status outside HTTP's range:
  // whatever this is, it is not an S3 answer we understand.
  return {ErrorKind::protocol, false, "the response is not an S3 error"};
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 301: return "Moved Permanently";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return {};
  }
}

// Server text goes into one-line logs: fold whitespace runs (the doc-style
// bodies are indented), replace control characters, and cap the length so a
// misbehaving server cannot flood the log.
std::string one_line(std::string_view text) {
  constexpr std::size_t kMaxBytes = 512;
  std::string out;
  bool pending_space = false;
  for (char c : trim(text)) {
    if (is_space(c)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7f) ? '?' : c;
  }
  if (out.size() > kMaxBytes) {
    std::size_t cut = kMaxBytes;
    // Back off to a UTF-8 character boundary (continuation bytes are 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

// The bucket a NoSuchBucket is about: the body's <BucketName> or <Resource>
// ("/bucket" or "/bucket/key"), else the caller's subject ("bucket[/key]").
std::string_view bucket_of(std::string_view resource_or_subject) {
  std::string_view name = resource_or_subject;
  if (!name.empty() && name.front() == '/') name.remove_prefix(1);
  return name.substr(0, name.find('/'));
}

Classification classify(int http_status, const S3ErrorBody& s3) {
  if (std::optional<Classification> by_code = classify_code(s3.code)) return *by_code;
  return classify_status(http_status, !s3.code.empty());
}

// "<status> <Code or reason>: <server Message> (request id X)".
std::string describe_response(int http_status, const S3ErrorBody& s3) {
  std::string message = std::to_string(http_status);
  if (!s3.code.empty()) {
    message += ' ';
    message += one_line(s3.code);
  } else if (std::string_view reason = reason_phrase(http_status); !reason.empty()) {
    message += ' ';
    message += reason;
  }
  if (std::string server_message = one_line(s3.message); !server_message.empty()) {
    message += ": ";
    message += server_message;
  }
  if (std::string request_id = one_line(s3.request_id); !request_id.empty()) {
    message += " (request id " + request_id + ")";
  }
  return message;
}

// What the user should fix, or "" when there is nothing to suggest.
std::string hint_for(const Classification& classification, const S3ErrorBody& s3, bool body_is_s3_xml,
                     std::string_view body, std::string_view subject) {
  std::string hint(classification.hint);
  if (s3.code == "NoSuchBucket") {
    const std::string_view bucket = bucket_of(s3.resource.empty() ? subject : s3.resource);
    hint = (bucket.empty() ? std::string("bucket") : "bucket \"" + one_line(bucket) + "\"") +
           " not found: check the bucket name, the endpoint and the addressing style "
           "(path vs virtual-hosted)";
  }
  if (!body_is_s3_xml && !trim(body).empty()) {
    // Typically a proxy or load balancer answering instead of S3; saying so
    // saves a round of guessing. The body itself is not quoted.
    hint = hint.empty() ? "the body is not an S3 XML error (a proxy?)"
                        : hint + "; the body is not an S3 XML error (a proxy?)";
  }
  return hint;
}

}  // namespace

std::optional<S3ErrorBody> parse_s3_error(std::string_view body) {
  using namespace xml_reader;
  pugi::xml_document document;
  if (!load(document, body)) return std::nullopt;
  const pugi::xml_node error = error_element(document.document_element());
  if (!error) return std::nullopt;

  S3ErrorBody fields;
  fields.code = std::string(trim(child_text(error, "Code")));
  fields.message = child_text(error, "Message");
  for (std::string_view name : {"Resource", "BucketName", "Key"}) {
    if (const pugi::xml_node node = child_element(error, name)) {
      fields.resource = std::string(trim(text_of(node)));
      break;
    }
  }
  fields.request_id = std::string(trim(child_text(error, "RequestId")));
  return fields;
}

Error map_s3_error(int http_status, std::string_view body, std::string_view operation,
                   std::string_view subject, long retry_after_ms) {
  const std::optional<S3ErrorBody> parsed = parse_s3_error(body);
  const S3ErrorBody s3 = parsed.value_or(S3ErrorBody{});
  const Classification classification = classify(http_status, s3);

  std::string message = describe_response(http_status, s3);
  if (const std::string hint = hint_for(classification, s3, parsed.has_value(), body, subject); !hint.empty()) {
    message += "; " + hint;
  }
  Error error = make_error(classification.kind, std::string(operation),
                           std::string(subject.empty() ? std::string_view(s3.resource) : subject), std::move(message));
  error.retryable = classification.retryable;
  error.http_status = http_status;
  error.s3_code = s3.code;
  error.retry_after_ms = retry_after_ms;
  return error;
}

long parse_retry_after_ms(std::string_view header_value, std::int64_t now_ns) {
  const std::string_view value = trim(header_value);
  if (value.empty()) return -1;

  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    long seconds = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc{} || end != value.data() + value.size()) return -1;
    if (seconds > std::numeric_limits<long>::max() / 1000) return -1;
    return seconds * 1000;
  }

  const std::optional<std::int64_t> date_ns = parse_http_date_ns(value);
  if (!date_ns) return -1;
  if (*date_ns <= now_ns) return 0;
  // Round up: coming back a fraction of a millisecond early would defeat it.
  // date > now, so the difference is positive and fits uint64 even where the
  // signed subtraction would overflow (a far-future date, a bogus clock).
  const std::uint64_t wait_ns =
      static_cast<std::uint64_t>(*date_ns) - static_cast<std::uint64_t>(now_ns);
  const std::uint64_t wait_ms = wait_ns / 1'000'000 + (wait_ns % 1'000'000 != 0 ? 1 : 0);
  if (wait_ms > static_cast<std::uint64_t>(std::numeric_limits<long>::max())) return -1;
  return static_cast<long>(wait_ms);
}

}  // namespace caios
