// Tests for curl_easy.hpp: the one mapping of curl result codes to Errors.
#include "caios2dfs/http/curl_easy.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace caios {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("map_curl_error keeps what failed, on what and where", "[curl_easy]") {
  const Error error = map_curl_error(CURLE_RECV_ERROR, "Connection reset by peer", "GET", "b/k", 4096);
  CHECK(error.operation == "GET");
  CHECK(error.subject == "b/k");
  CHECK(error.offset == 4096);
  CHECK(error.message == "connection failed: Connection reset by peer");
  CHECK(error.http_status == 0);
  // Without curl's error buffer, curl's name for the code.
  CHECK(map_curl_error(CURLE_RECV_ERROR, "", "GET", "b/k", 0).message ==
        std::string("connection failed: ") + curl_easy_strerror(CURLE_RECV_ERROR));
}

TEST_CASE("map_curl_error classifies each family of codes", "[curl_easy]") {
  struct Expected {
    CURLcode code;
    ErrorKind kind;
    bool retryable;
    const char* message_start;
  };
  for (const Expected& e : {
           Expected{CURLE_COULDNT_CONNECT, ErrorKind::network, true, "connection failed: "},
           Expected{CURLE_COULDNT_RESOLVE_HOST, ErrorKind::network, true, "connection failed: "},
           Expected{CURLE_SEND_ERROR, ErrorKind::network, true, "connection failed: "},
           Expected{CURLE_GOT_NOTHING, ErrorKind::network, true, "connection failed: "},
           Expected{CURLE_PARTIAL_FILE, ErrorKind::network, true, "connection failed: "},
           Expected{CURLE_HTTP2_STREAM, ErrorKind::network, true, "connection failed: "},
           Expected{CURLE_SSL_CONNECT_ERROR, ErrorKind::network, true, "connection failed: "},
           Expected{CURLE_OPERATION_TIMEDOUT, ErrorKind::timeout, true, "timed out or stalled: "},
           Expected{CURLE_PEER_FAILED_VERIFICATION, ErrorKind::network, false, "TLS certificate verification failed: "},
           Expected{CURLE_SSL_CACERT_BADFILE, ErrorKind::network, false, "TLS certificate verification failed: "},
           Expected{CURLE_WRITE_ERROR, ErrorKind::cancelled, false, "transfer stopped by the receiver: "},
           Expected{CURLE_ABORTED_BY_CALLBACK, ErrorKind::cancelled, false, "transfer stopped by the receiver: "},
           Expected{CURLE_URL_MALFORMAT, ErrorKind::config, false, "bad endpoint URL: "},
           Expected{CURLE_UNSUPPORTED_PROTOCOL, ErrorKind::config, false, "bad endpoint URL: "},
           Expected{CURLE_BAD_CONTENT_ENCODING, ErrorKind::protocol, false, "curl error 61: "},
       }) {
    INFO("curl code " << static_cast<int>(e.code));
    const Error error = map_curl_error(e.code, "detail", "GET", "b/k", 0);
    CHECK(error.kind == e.kind);
    CHECK(error.retryable == e.retryable);
    CHECK_THAT(error.message, StartsWith(e.message_start) && Contains("detail"));
  }
}

TEST_CASE("a certificate failure says how to fix it", "[curl_easy]") {
  const Error error = map_curl_error(CURLE_PEER_FAILED_VERIFICATION, "unable to get local issuer certificate",
                                     "ListObjectsV2", "bucket", 0);
  CHECK_THAT(error.message, Contains("unable to get local issuer certificate") && Contains("--ca-bundle") &&
                               Contains("AWS_CA_BUNDLE"));
}

}  // namespace caios
