// Tests for http_types.hpp: response header lines, as curl hands them over,
// into an HttpResponseHead.
#include "caios2dfs/http/http_types.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace caios {
namespace {

HttpResponseHead head_of(const std::vector<std::string>& lines) {
  HttpResponseHead head;
  for (const std::string& line : lines) read_response_header(head, line);
  return head;
}

}  // namespace

TEST_CASE("a response head is read from its header lines", "[http_types]") {
  const HttpResponseHead head = head_of({"HTTP/1.1 206 Partial Content\r\n", "Content-Length: 400\r\n",
                                         "Content-Range: bytes 100-499/1000\r\n", "ETag: \"e1\"\r\n",
                                         "Last-Modified: Wed, 12 Oct 2009 17:50:30 GMT\r\n",
                                         "x-amz-request-id: 4442587FB7D0A2F9\r\n", "Retry-After: 2\r\n",
                                         "X-Amz-Meta-Md5chksum: kAFQmDzST7DWlj99KOF/cg==\r\n",
                                         "x-amz-server-side-encryption: aws:kms\r\n",
                                         "x-amz-server-side-encryption-customer-algorithm: AES256\r\n",
                                         "Server: AmazonS3\r\n", "\r\n"});
  CHECK(head.status == 206);
  CHECK(head.content_length == 400);
  CHECK(head.content_range == "bytes 100-499/1000");
  CHECK(head.etag == "\"e1\"");
  CHECK(head.last_modified == "Wed, 12 Oct 2009 17:50:30 GMT");
  CHECK(head.request_id == "4442587FB7D0A2F9");
  CHECK(head.retry_after == "2");
  CHECK(head.meta_md5chksum == "kAFQmDzST7DWlj99KOF/cg==");
  CHECK(head.server_side_encryption == "aws:kms");
  CHECK(head.sse_customer_algorithm == "AES256");
}

TEST_CASE("header names are case-insensitive, values trimmed", "[http_types]") {
  const HttpResponseHead head =
      head_of({"HTTP/2 200\r\n", "content-length:5\r\n", "ETAG: \t\"x\" \r\n", "etagx: \"no\"\r\n", "E-Tag: y\r\n"});
  CHECK(head.status == 200);
  CHECK(head.content_length == 5);
  CHECK(head.etag == "\"x\"");
}

TEST_CASE("a new status line starts a new head", "[http_types]") {
  // 100 Continue, then the real answer; or a redirect that curl follows.
  const HttpResponseHead head = head_of({"HTTP/1.1 307 Temporary Redirect\r\n", "ETag: \"old\"\r\n",
                                         "Content-Length: 7\r\n", "\r\n", "HTTP/1.1 200 OK\r\n",
                                         "Content-Length: 3\r\n"});
  CHECK(head.status == 200);
  CHECK(head.content_length == 3);
  CHECK(head.etag.empty());
}

TEST_CASE("a Content-Length that is not a number is unknown", "[http_types]") {
  for (const char* value : {"", "abc", "-1", "12abc", "1.5", "99999999999999999999"}) {
    INFO("Content-Length '" << value << "'");
    CHECK(head_of({"HTTP/1.1 200 OK\r\n", std::string("Content-Length: ") + value + "\r\n"}).content_length == -1);
  }
  CHECK(head_of({"HTTP/1.1 200 OK\r\n"}).content_length == -1);
  CHECK(head_of({"HTTP/1.1 200 OK\r\n", "Content-Length: 0\r\n"}).content_length == 0);
}

TEST_CASE("a status line without a number leaves the status at 0", "[http_types]") {
  CHECK(head_of({"HTTP/1.1\r\n"}).status == 0);
  CHECK(head_of({"HTTP/1.1 abc\r\n"}).status == 0);
  CHECK(head_of({"HTTP/1.1 20\r\n"}).status == 0);
}

}  // namespace caios
