// The plain values of an HTTP exchange that more than the engine needs: the
// signer signs headers, the S3 layer builds requests and checks response
// heads. No curl here, so the pure S3 code can use them without the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace caios {

struct HttpHeader {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method;  ///< GET, HEAD, PUT, POST, DELETE
  std::string url;     ///< fully encoded; sent as is (no dot-segment removal)
  std::vector<HttpHeader> headers;
  /// Request body for PUT/POST. Not owned: must stay valid until on_done.
  const char* body = nullptr;
  std::size_t body_size = 0;
};

/// The response headers the S3 layer needs, captured once, lowercase names.
struct HttpResponseHead {
  int status = 0;
  std::int64_t content_length = -1;
  std::string content_range;
  std::string etag;
  std::string last_modified;
  std::string retry_after;
  std::string request_id;  ///< x-amz-request-id
  /// x-amz-meta-md5chksum: the base64 MD5 of the whole object that rclone
  /// stores with its multipart uploads (whose ETag is no MD5).
  std::string meta_md5chksum;
  std::string server_side_encryption;  ///< x-amz-server-side-encryption ("AES256", "aws:kms", ...)
  std::string sse_customer_algorithm;  ///< x-amz-server-side-encryption-customer-algorithm (SSE-C)
  /// Additional checksums (x-amz-checksum-<name>, asked for with
  /// x-amz-checksum-mode: ENABLED) and their x-amz-checksum-type.
  std::string checksum_crc32;
  std::string checksum_crc32c;
  std::string checksum_crc64nvme;
  std::string checksum_sha1;
  std::string checksum_sha256;
  std::string checksum_type;
  std::string mp_parts_count;  ///< x-amz-mp-parts-count: parts of a multipart upload (?partNumber=)
};

/// Record one raw header line of a response (as curl hands it over, CRLF
/// included) in `head`. A status line ("HTTP/1.1 206 Partial Content")
/// starts a new head: the one after a 100 Continue or a redirect replaces the
/// first. Header names are case-insensitive, values are trimmed; headers not
/// in HttpResponseHead are ignored. A Content-Length that is not a decimal
/// number leaves content_length at -1 (unknown).
void read_response_header(HttpResponseHead& head, std::string_view line);

}  // namespace caios
