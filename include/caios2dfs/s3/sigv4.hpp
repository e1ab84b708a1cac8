// AWS Signature Version 4 for S3 requests: a pure function.
//
// No I/O, no clock, no environment: the request, the credentials and the
// signing time come in, the canonical request, string to sign, signature and
// the headers to add come out. Each stage is exposed so tests can check it
// against AWS's published test suite and the S3 documentation examples.
// Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caios2dfs/http/http_types.hpp"

namespace caios {

/// Secrets. Never logged: to_string() of anything holding this prints only the key id.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< empty when not using temporary credentials
};

/// A query parameter as *decoded* text; the signer encodes it exactly once.
using QueryParam = std::pair<std::string, std::string>;

/// How the canonical URI is built from the path.
enum class PathNormalization {
  s3,       ///< S3: path used exactly as given ("//a/./b" stays); only percent-encoded
  generic,  ///< other AWS services: remove dot segments and collapse "//" first
};

struct SigningRequest {
  std::string method;               ///< "GET", "PUT", ...
  std::string path;                 ///< *decoded* path, e.g. "/bucket/a b+c.txt"; encoded once by the signer
  std::vector<QueryParam> query;    ///< decoded parameters, any order
  std::vector<HttpHeader> headers;  ///< must include Host; may repeat names
  /// Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD". Empty body: sha256_hex("").
  std::string payload_hash;
};

struct SigningParams {
  std::string region;   ///< "us-east-1"
  std::string service;  ///< "s3"
  std::chrono::system_clock::time_point time;  ///< signing time (injected, never read here)
  PathNormalization normalization = PathNormalization::s3;
  /// Add and sign x-amz-content-sha256 (S3 and RGW require it). The generic
  /// test suite has it off.
  bool add_content_sha256_header = true;
};

struct SignedRequest {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      ///< lowercase hex
  std::string authorization;  ///< value of the Authorization header
  /// Headers the caller must send in addition to its own: X-Amz-Date,
  /// x-amz-content-sha256 (if requested), X-Amz-Security-Token (if a token
  /// is set), Authorization. The signer never mutates the input.
  std::vector<HttpHeader> headers_to_add;
};

/// Sign `request`. Headers named x-amz-date / x-amz-security-token already in
/// the request are used as they are instead of being added.
SignedRequest sign_v4(const SigningRequest& request, const Credentials& credentials,
                      const SigningParams& params);

/// "20150830T123600Z"
std::string amz_date(std::chrono::system_clock::time_point time);

/// RFC 3986 encoding as SigV4 wants it: unreserved A-Z a-z 0-9 - . _ ~ kept,
/// everything else %XX (uppercase hex) per UTF-8 byte. `keep_slash` keeps '/'
/// (for paths); query keys and values encode '/' too.
std::string uri_encode(std::string_view text, bool keep_slash);

/// The canonical query string: each key and value encoded with uri_encode,
/// sorted by encoded key then encoded value, joined with '&'. Also what the
/// HTTP client puts on the wire, so what is signed is exactly what is sent.
std::string canonical_query_string(const std::vector<QueryParam>& query);

/// Lowercase hex SHA-256 of `data` (OpenSSL EVP).
std::string sha256_hex(std::string_view data);

/// HMAC-SHA256 (raw 32 bytes) of `data` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view data);

/// sha256_hex("") : the payload hash of every bodiless request.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

}  // namespace caios
