// RAII helpers for curl and the one mapping of curl codes to Errors.
#include "caios2dfs/http/curl_easy.hpp"

#include <fmt/format.h>

#include <mutex>

namespace caios {

void ensure_curl_global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string curl_runtime_version() {
  // The library loaded at run time, which may be newer than the headers.
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (info == nullptr || info->version == nullptr) return "libcurl (version unknown)";
  return fmt::format("libcurl {} ({})", info->version, info->ssl_version ? info->ssl_version : "no TLS");
}

namespace {

// What a curl code means for the caller: its kind, whether a retry can help,
// and the message prefix. Codes not listed are protocol errors.
struct CurlClassification {
  ErrorKind kind;
  bool retryable;
  std::string_view what;  ///< "{}" is replaced by curl's own words
};

CurlClassification classify_curl_code(CURLcode code) {
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
      return {ErrorKind::network, true, "connection failed: {}"};
    case CURLE_OPERATION_TIMEDOUT:
      return {ErrorKind::timeout, true, "timed out or stalled: {}"};
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return {ErrorKind::network, false,
              "TLS certificate verification failed: {} (set --ca-bundle or AWS_CA_BUNDLE to the CA "
              "that signed the endpoint's certificate)"};
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_WRITE_ERROR:
      return {ErrorKind::cancelled, false, "transfer stopped by the receiver: {}"};
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {ErrorKind::config, false, "bad endpoint URL: {}"};
    default:
      return {ErrorKind::protocol, false, {}};
  }
}

}  // namespace

Error map_curl_error(CURLcode code, std::string_view detail, std::string_view operation,
                     std::string_view subject, std::uint64_t offset) {
  const std::string what = detail.empty() ? std::string(curl_easy_strerror(code)) : std::string(detail);
  const CurlClassification classification = classify_curl_code(code);
  std::string message = classification.what.empty()
                            ? fmt::format("curl error {}: {}", static_cast<int>(code), what)
                            : fmt::format(fmt::runtime(classification.what), what);
  Error error = make_error(classification.kind, std::string(operation), std::string(subject), std::move(message),
                           offset);
  error.retryable = classification.retryable;
  return error;
}

}  // namespace caios
