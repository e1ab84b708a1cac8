// Building signed S3 HTTP requests: endpoint + operation + credentials + time
// in, an HttpRequest (URL, headers) out. Pure: no network, no clock.
//
// Addressing (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html):
//   path style     http://host[:port]/BUCKET/KEY
//   virtual-hosted http://BUCKET.host[:port]/KEY   (required by CoreWeave AI Object Storage)
// The key is percent-encoded exactly once, by the same function that the
// signer uses for the canonical URI, so what is signed is what is sent.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/http/http_types.hpp"
#include "caios2dfs/s3/sigv4.hpp"

namespace caios {

enum class Addressing {
  path,            ///< https://host/bucket/key
  virtual_hosted,  ///< https://bucket.host/key
};

/// "path" or "virtual-hosted".
const char* addressing_name(Addressing addressing) noexcept;

struct S3Endpoint {
  std::string scheme;  ///< "http" or "https"
  std::string host;    ///< "127.0.0.1", "cwobject.com"
  int port = 0;        ///< 0: the scheme's default (not written in Host)
  Addressing addressing = Addressing::path;
  std::string region = "us-east-1";
};

/// Parse "http[s]://host[:port]" (a trailing "/" is tolerated; a path is not).
Result<S3Endpoint> parse_endpoint(std::string_view url, Addressing addressing, std::string region);

/// One S3 call before signing.
struct S3Operation {
  std::string method;               ///< GET, HEAD, PUT, POST, DELETE
  std::string bucket;
  std::string key;                  ///< decoded object key; empty for bucket operations
  std::vector<QueryParam> query;    ///< decoded parameters
  std::vector<HttpHeader> headers;  ///< extra headers to send and sign (Range, If-Match)
  std::string payload_hash{kEmptyPayloadSha256};
};

/// The Host header value for `bucket` under `endpoint`'s addressing.
std::string s3_host(const S3Endpoint& endpoint, std::string_view bucket);

/// URL and signed headers for `operation`. The body (if any) is attached by the caller.
HttpRequest build_s3_request(const S3Endpoint& endpoint, const Credentials& credentials,
                             std::chrono::system_clock::time_point now, const S3Operation& operation);

/// True when `bucket` is a valid S3 bucket name (3-63 chars of a-z 0-9 . -,
/// starting and ending with a letter or digit). Virtual-hosted addressing
/// needs it to be a DNS label sequence.
bool is_valid_bucket_name(std::string_view bucket);

}  // namespace caios
