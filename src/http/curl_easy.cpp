#include "caios2dfs/http/curl_easy.hpp"

#include <fmt/format.h>

#include <mutex>

namespace caios {

void ensure_curl_global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

Error map_curl_error(CURLcode code, std::string_view detail, std::string_view operation,
                     std::string_view subject, std::uint64_t offset) {
  Error error;
  error.operation = std::string(operation);
  error.subject = std::string(subject);
  error.offset = offset;
  const std::string what = detail.empty() ? std::string(curl_easy_strerror(code)) : std::string(detail);
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      error.kind = ErrorKind::network;
      error.retryable = true;
      error.message = fmt::format("connection failed: {}", what);
      break;
    case CURLE_OPERATION_TIMEDOUT:
      error.kind = ErrorKind::timeout;
      error.retryable = true;
      error.message = fmt::format("timed out or stalled: {}", what);
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      error.kind = ErrorKind::network;
      error.retryable = false;
      error.message = fmt::format(
          "TLS certificate verification failed: {} (set --ca-bundle or AWS_CA_BUNDLE to the CA "
          "that signed the endpoint's certificate)",
          what);
      break;
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
      error.kind = ErrorKind::cancelled;
      error.retryable = false;
      error.message = fmt::format("transfer stopped by the receiver: {}", what);
      break;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      error.kind = ErrorKind::config;
      error.retryable = false;
      error.message = fmt::format("bad endpoint URL: {}", what);
      break;
    default:
      error.kind = ErrorKind::protocol;
      error.retryable = false;
      error.message = fmt::format("curl error {}: {}", static_cast<int>(code), what);
      break;
  }
  return error;
}

}  // namespace caios
