// RAII owners for libcurl handles, and the one place curl result codes become
// Errors. Nothing else in the project calls curl_easy_cleanup & co.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"

namespace caios {

struct CurlEasyCleanup {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
struct CurlMultiCleanup {
  void operator()(CURLM* handle) const noexcept { curl_multi_cleanup(handle); }
};
struct CurlSlistFree {
  void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyCleanup>;
using CurlMultiPtr = std::unique_ptr<CURLM, CurlMultiCleanup>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistFree>;

/// curl_global_init once per process, thread-safe; call before any handle.
void ensure_curl_global_init();

/// The libcurl this process runs with and its TLS library, e.g.
/// "libcurl 7.88.1 (OpenSSL/3.0.15)": for --version and bug reports.
std::string curl_runtime_version();

/// Map a transport-level curl failure (no usable HTTP response) to an Error.
/// Connect/reset/DNS/TLS-in-transit -> network (retryable); stalls and
/// timeouts -> timeout (retryable); certificate problems -> network, not
/// retryable, with a hint about the CA bundle; anything else -> protocol.
/// `detail` is curl's error buffer (may be empty).
Error map_curl_error(CURLcode code, std::string_view detail, std::string_view operation,
                     std::string_view subject, std::uint64_t offset);

}  // namespace caios
