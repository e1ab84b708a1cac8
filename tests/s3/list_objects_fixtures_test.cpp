// Every recorded body in tests/data/s3-xml (see its README.md for what each
// one shows), parsed as a listing and as an error document. Synthetic bodies
// for the cases no recorded body covers are in list_objects_test.cpp.
#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "caios2dfs/s3/list_objects.hpp"
#include "caios2dfs/s3/s3_error.hpp"
#include "s3_xml_test_support.hpp"

namespace caios {
namespace {

using namespace caios::testing;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

// ---------------------------------------------------------------- listings

void check_01_v2_real_truncated(const std::string& body) {
  const ListPage page = parse_ok(body);
  CHECK(page.is_truncated);
  CHECK_FALSE(page.url_encoded);
  // Token is opaque: '+', '/' and '=' stay exactly as sent.
  CHECK(page.next_continuation_token ==
        "1SL9nYFaimMAwnR9dJnF4M5NMfm3Em6/ClPUVLEH3GOSw5yjeI+wCBLj3THB8DuJSUFhKNy5cGK5QBb/"
        "SvE+MKMZurarr0ZhOhQae2SQ8B4QQPkqQHKp9MeJXsYe4UH8/okpqJUZNS2AQt7gXrz7mFdIJXPuSckj02e06"
        "tvxZAOkHu7ER4xTJ+odI774K2xB+pcD3H0pqTUt+TebzB83BzA==");
  CHECK(page.common_prefixes.empty());
  REQUIRE(page.objects.size() == 3);
  CHECK(page.objects[0].key ==
        "0431cddc-a418-4a79-a34d-6c041394e8e4/a6ddcc84-8e4d-4c68-885c-2d51168eec97.FPKM-UQ.txt.gz");
  CHECK(page.objects[0].size == 386910);
  CHECK(page.objects[0].etag == "\"446fc665f99183cd0540d7656a79d3ed\"");
  CHECK(page.objects[0].mtime_ns == 1580158611 * kNs);  // 2020-01-27T20:56:51.000Z
  CHECK(page.objects[1].key ==
        "04a0a508-459a-4758-ac40-c3e8cb966683/30520ecd-c6bd-4039-9b1a-d3f999235598.FPKM-UQ.txt.gz");
  CHECK(page.objects[1].size == 388349);
  CHECK(page.objects[1].etag == "\"a2c6997aa0c6a9fd697af3e0517d96be\"");
  CHECK(page.objects[1].mtime_ns == 1580158610 * kNs);  // 2020-01-27T20:56:50.000Z
  CHECK(page.objects[2].key ==
        "0541851c-ac0c-496e-93d2-3c03921fa6bd/"
        "c92f3dc4-24ea-457b-b90a-d6d599b14a73.rna_seq.star_gene_counts.tsv.gz");
  CHECK(page.objects[2].size == 396626);
  CHECK(page.objects[2].etag == "\"f2c4e159c9b2f4233c4c0c27f4c25472\"");
  CHECK(page.objects[2].mtime_ns == 1580158611 * kNs);
}

void check_02a_v2_real_regular_bucket(const std::string& body) {
  const ListPage page = parse_ok(body);
  CHECK_FALSE(page.is_truncated);
  CHECK(page.next_continuation_token.empty());
  CHECK(page.common_prefixes.empty());
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "ferris.png");
  CHECK(page.objects[0].size == 58413);
  CHECK(page.objects[0].etag == "\"1316cc7c39e43c50c160f0aa8168db41\"");
  CHECK(page.objects[0].mtime_ns == 1706759308 * kNs);  // 2024-02-01T03:48:28.000Z
}

void check_02b_v2_real_s3_express_bucket(const std::string& body) {
  // <Prefix/> self-closing; ETag and ChecksumAlgorithm before Key.
  const ListPage page = parse_ok(body);
  CHECK_FALSE(page.is_truncated);
  CHECK(page.next_continuation_token.empty());
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "hello-world.txt");
  CHECK(page.objects[0].size == 14);
  CHECK(page.objects[0].etag == "\"b357dc928b454965a8dd11716a37dab8\"");
  CHECK(page.objects[0].mtime_ns == 1706553144 * kNs);  // 2024-01-29T18:32:24.000Z
}

void check_03_v2_aws_doc_commonprefixes(const std::string& body) {
  // Indented, with a blank line; the zero-byte "folder" object is listed.
  const ListPage page = parse_ok(body);
  CHECK_FALSE(page.is_truncated);
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "photos/2006/");
  CHECK(page.objects[0].size == 0);
  CHECK(page.objects[0].etag == "\"d41d8cd98f00b204e9800998ecf8427e\"");
  CHECK(page.objects[0].mtime_ns == 1462060289 * kNs);  // 2016-04-30T23:51:29.000Z
  CHECK(page.common_prefixes ==
        std::vector<std::string>{"photos/2006/February/", "photos/2006/January/"});
}

void check_04_v2_aws_doc_continuation_token(const std::string& body) {
  const ListPage page = parse_ok(body);
  CHECK(page.is_truncated);
  CHECK(page.next_continuation_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  // KeyCount says 1000 but the doc shows one entry: KeyCount is not trusted.
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "happyface.jpg");
  CHECK(page.objects[0].size == 11);
  CHECK(page.objects[0].etag == "\"70ee1738b6b21e2c8a43f3a5ab0eee71\"");
  CHECK(page.objects[0].mtime_ns == 1416598805 * kNs);  // 2014-11-21T19:40:05.000Z
}

void check_05_v2_empty_bucket_encodingtype_url(const std::string& body) {
  const ListPage page = parse_ok(body);
  CHECK(page.url_encoded);
  CHECK(page.objects.empty());
  CHECK(page.common_prefixes.empty());
  CHECK_FALSE(page.is_truncated);
  CHECK(page.next_continuation_token.empty());
}

void check_06_v1_encodingtype_url_aws_reported(const std::string& body) {
  // ListObjects V1, accepted for its url-encoded key: a+b.txt sent as a%2Bb.txt.
  const ListPage page = parse_ok(body);
  CHECK(page.url_encoded);
  CHECK_FALSE(page.is_truncated);
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "a+b.txt");
  CHECK(page.objects[0].size == 10);
  CHECK(page.objects[0].etag == "\"6761d6772dc789aa1a2be9e51757c93b\"");
  CHECK(page.objects[0].mtime_ns == 1774279768 * kNs);  // 2026-03-23T15:29:28.000Z
}

// ---------------------------------------------------------------- error documents

void check_07_error_nosuchbucket_real(const std::string& body) {
  const S3ErrorBody fields = error_body_ok(body);
  CHECK(fields.code == "NoSuchBucket");
  CHECK(fields.message == "The specified bucket does not exist");
  CHECK(fields.resource == "copydestination");
  CHECK(fields.request_id == "4F0CF319C5535975");
  const Error error = map_s3_error(404, body, "CopyObject", "copydestination");
  CHECK(error.kind == ErrorKind::not_found);
  CHECK_FALSE(error.retryable);
  CHECK(error.http_status == 404);
  CHECK(error.s3_code == "NoSuchBucket");
  CHECK_THAT(error.message,
             StartsWith("404 NoSuchBucket: The specified bucket does not exist "
                        "(request id 4F0CF319C5535975); bucket \"copydestination\""));
  CHECK_THAT(error.message, Contains("check the bucket name"));
  CHECK_THAT(error.message, Contains("addressing style"));
  CHECK_THAT(error.message, !Contains("hdZyHOm7VK"));  // HostId is never quoted
}

void check_07b_error_internalerror_real(const std::string& body) {
  const S3ErrorBody fields = error_body_ok(body);
  CHECK(fields.code == "InternalError");
  CHECK(fields.request_id == "EF6FA7A639CAFF15");
  CHECK(fields.resource.empty());
  const Error error = map_s3_error(500, body, "GET", "b/k");
  CHECK(error.kind == ErrorKind::server);
  CHECK(error.retryable);
  CHECK(error.message ==
        "500 InternalError: We encountered an internal error. Please try again. "
        "(request id EF6FA7A639CAFF15)");
}

void check_08_error_accessdenied(const std::string& body) {
  const S3ErrorBody fields = error_body_ok(body);
  CHECK(fields.code == "AccessDenied");
  CHECK(fields.message == "Access Denied");
  CHECK(fields.request_id == "9C7D5181867045BB");
  const Error error = map_s3_error(403, body, "ListObjectsV2", "bucket");
  CHECK(error.kind == ErrorKind::auth);
  CHECK_FALSE(error.retryable);
  CHECK(error.http_status == 403);
  CHECK_THAT(error.message,
             StartsWith("403 AccessDenied: Access Denied (request id 9C7D5181867045BB); "));
}

void check_09a_error_slowdown_botocore(const std::string& body) {
  const S3ErrorBody fields = error_body_ok(body);
  CHECK(fields.code == "SlowDown");
  CHECK(fields.request_id.empty());
  // Sent with HTTP 200: the listing parser must still see a throttle.
  const Error error = parse_fails(body);
  CHECK(error.kind == ErrorKind::throttled);
  CHECK(error.retryable);
  CHECK(error.http_status == 200);
  CHECK(error.s3_code == "SlowDown");
  CHECK(error.operation == "ListObjectsV2");
  CHECK(error.message == "200 SlowDown: Please reduce your request rate.");
}

void check_09b_error_slowdown_aws_sdk_kotlin(const std::string& body) {
  const S3ErrorBody fields = error_body_ok(body);
  CHECK(fields.code == "SlowDown");
  CHECK(fields.request_id == "K2H6N7ZGQT6WHCEG");
  const Error error = map_s3_error(503, body, "GET", "b/k", 2000);
  CHECK(error.kind == ErrorKind::throttled);
  CHECK(error.retryable);
  CHECK(error.retry_after_ms == 2000);
  CHECK(error.message ==
        "503 SlowDown: Please reduce your request rate. (request id K2H6N7ZGQT6WHCEG)");
  const Error in_200 = parse_fails(body);
  CHECK(in_200.kind == ErrorKind::throttled);
  CHECK(in_200.retryable);
}

void check_10_error_nosuchkey_aws_doc(const std::string& body) {
  const S3ErrorBody fields = error_body_ok(body);
  CHECK(fields.code == "NoSuchKey");
  CHECK(fields.message == "The resource you requested does not exist");
  CHECK(fields.resource == "/mybucket/myfoto.jpg");
  CHECK(fields.request_id == "4442587FB7D0A2F9");
  const Error error = map_s3_error(404, body, "GET", "");
  CHECK(error.kind == ErrorKind::not_found);
  CHECK_FALSE(error.retryable);
  CHECK(error.s3_code == "NoSuchKey");
  CHECK(error.subject == "/mybucket/myfoto.jpg");  // from <Resource> when none given
  CHECK_THAT(error.message,
             StartsWith("404 NoSuchKey: The resource you requested does not exist "
                        "(request id 4442587FB7D0A2F9)"));
}

void check_11_error_invalidargument_aws_reported(const std::string& body) {
  const S3ErrorBody fields = error_body_ok(body);
  CHECK(fields.code == "InvalidArgument");
  CHECK(fields.request_id == "ZMJXWHS6JMNDZCJQ");
  const Error error = map_s3_error(400, body, "ListObjectsV2", "bucket");
  CHECK(error.kind == ErrorKind::client);
  CHECK_FALSE(error.retryable);
  CHECK(error.message ==
        "400 InvalidArgument: Invalid Encoding Method specified in Request "
        "(request id ZMJXWHS6JMNDZCJQ)");
  // Our own mistake stays non-retryable even inside a 200.
  const Error in_200 = parse_fails(body);
  CHECK(in_200.kind == ErrorKind::client);
  CHECK_FALSE(in_200.retryable);
}

using FixtureCheck = std::function<void(const std::string& body)>;

// One check per fixture file, keyed by file name. The directory test below
// fails when a file has no entry here, so a new fixture cannot go untested.
const std::map<std::string, FixtureCheck>& fixture_checks() {
  static const std::map<std::string, FixtureCheck> checks{
      {"01-v2-real-truncated-next-continuation-token.xml", check_01_v2_real_truncated},
      {"02a-v2-real-regular-bucket.xml", check_02a_v2_real_regular_bucket},
      {"02b-v2-real-s3-express-bucket.xml", check_02b_v2_real_s3_express_bucket},
      {"03-v2-aws-doc-example3-prefix-delimiter-commonprefixes.xml", check_03_v2_aws_doc_commonprefixes},
      {"04-v2-aws-doc-example4-continuation-token.xml", check_04_v2_aws_doc_continuation_token},
      {"05-v2-empty-bucket-encodingtype-url.xml", check_05_v2_empty_bucket_encodingtype_url},
      {"06-v1-encodingtype-url-aws-reported.xml", check_06_v1_encodingtype_url_aws_reported},
      {"07-error-NoSuchBucket-real.xml", check_07_error_nosuchbucket_real},
      {"07b-error-InternalError-real.xml", check_07b_error_internalerror_real},
      {"08-error-AccessDenied.xml", check_08_error_accessdenied},
      {"09a-error-SlowDown-botocore.xml", check_09a_error_slowdown_botocore},
      {"09b-error-SlowDown-aws-sdk-kotlin.xml", check_09b_error_slowdown_aws_sdk_kotlin},
      {"10-error-NoSuchKey-aws-doc.xml", check_10_error_nosuchkey_aws_doc},
      {"11-error-InvalidArgument-aws-reported.xml", check_11_error_invalidargument_aws_reported},
  };
  return checks;
}

}  // namespace

TEST_CASE("every s3-xml fixture is parsed and checked", "[list_objects][fixtures]") {
  std::set<std::string> seen;
  for (const auto& entry : std::filesystem::directory_iterator(xml_dir())) {
    const std::string name = entry.path().filename().string();
    INFO("fixture " << name);
    if (name == "README.md") continue;
    // Anything else must be an .xml fixture with its own check.
    REQUIRE(entry.path().extension() == ".xml");
    const auto check = fixture_checks().find(name);
    REQUIRE(check != fixture_checks().end());
    const std::string body = read_whole_file(entry.path());
    check->second(body);

    // Common to all: a listing is not an error document and vice versa, and
    // every error document read as a listing keeps its code and HTTP 200.
    const std::optional<S3ErrorBody> as_error = parse_s3_error(body);
    if (name.find("-error-") != std::string::npos) {
      REQUIRE(as_error.has_value());
      const Result<ListPage> as_list = parse_list_objects_v2(body);
      REQUIRE_FALSE(as_list.ok());
      CHECK(as_list.error().s3_code == as_error->code);
      CHECK(as_list.error().http_status == 200);
    } else {
      CHECK_FALSE(as_error.has_value());
    }
    seen.insert(name);
  }
  CHECK(seen.size() == 14);
  CHECK(seen.size() == fixture_checks().size());
}

}  // namespace caios
