// Tests for list_objects.hpp: every fixture in tests/data/s3-xml (see its
// README.md for what each one shows), then synthetic bodies for the cases no
// recorded body covers (url-encoded keys, odd order, malformed input).
#include "caios2dfs/s3/list_objects.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "caios2dfs/s3/s3_error.hpp"

#ifndef CAIOS_TESTDATA_DIR
#error "CAIOS_TESTDATA_DIR must be the absolute path of tests/data"
#endif

namespace caios {
namespace {

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

constexpr std::int64_t kNs = 1'000'000'000;

std::filesystem::path xml_dir() { return std::filesystem::path(CAIOS_TESTDATA_DIR) / "s3-xml"; }

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ListPage parse_ok(std::string_view body) {
  Result<ListPage> page = parse_list_objects_v2(body);
  INFO((page.ok() ? std::string() : page.error().to_string()));
  REQUIRE(page.ok());
  return std::move(page).value();
}

Error parse_fails(std::string_view body) {
  Result<ListPage> page = parse_list_objects_v2(body);
  REQUIRE_FALSE(page.ok());
  return page.error();
}

S3ErrorBody error_body_ok(std::string_view body) {
  std::optional<S3ErrorBody> fields = parse_s3_error(body);
  REQUIRE(fields.has_value());
  return *fields;
}

// A ListBucketResult around `inner`, in S3's namespace, on one line as S3 sends it.
std::string list_body(const std::string& inner) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
         "<Name>b</Name>" + inner + "</ListBucketResult>";
}

std::string contents(const std::string& key, const std::string& size = "1") {
  return "<Contents><Key>" + key + "</Key><Size>" + size + "</Size></Contents>";
}

using FixtureCheck = std::function<void(const std::string& body)>;

// One check per fixture file, keyed by file name. The directory test below
// fails when a file has no entry here, so a new fixture cannot go untested.
const std::map<std::string, FixtureCheck>& fixture_checks() {
  static const std::map<std::string, FixtureCheck> checks{
      {"01-v2-real-truncated-next-continuation-token.xml",
       [](const std::string& body) {
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
       }},
      {"02a-v2-real-regular-bucket.xml",
       [](const std::string& body) {
         const ListPage page = parse_ok(body);
         CHECK_FALSE(page.is_truncated);
         CHECK(page.next_continuation_token.empty());
         CHECK(page.common_prefixes.empty());
         REQUIRE(page.objects.size() == 1);
         CHECK(page.objects[0].key == "ferris.png");
         CHECK(page.objects[0].size == 58413);
         CHECK(page.objects[0].etag == "\"1316cc7c39e43c50c160f0aa8168db41\"");
         CHECK(page.objects[0].mtime_ns == 1706759308 * kNs);  // 2024-02-01T03:48:28.000Z
       }},
      {"02b-v2-real-s3-express-bucket.xml",
       [](const std::string& body) {
         // <Prefix/> self-closing; ETag and ChecksumAlgorithm before Key.
         const ListPage page = parse_ok(body);
         CHECK_FALSE(page.is_truncated);
         CHECK(page.next_continuation_token.empty());
         REQUIRE(page.objects.size() == 1);
         CHECK(page.objects[0].key == "hello-world.txt");
         CHECK(page.objects[0].size == 14);
         CHECK(page.objects[0].etag == "\"b357dc928b454965a8dd11716a37dab8\"");
         CHECK(page.objects[0].mtime_ns == 1706553144 * kNs);  // 2024-01-29T18:32:24.000Z
       }},
      {"03-v2-aws-doc-example3-prefix-delimiter-commonprefixes.xml",
       [](const std::string& body) {
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
       }},
      {"04-v2-aws-doc-example4-continuation-token.xml",
       [](const std::string& body) {
         const ListPage page = parse_ok(body);
         CHECK(page.is_truncated);
         CHECK(page.next_continuation_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
         // KeyCount says 1000 but the doc shows one entry: KeyCount is not trusted.
         REQUIRE(page.objects.size() == 1);
         CHECK(page.objects[0].key == "happyface.jpg");
         CHECK(page.objects[0].size == 11);
         CHECK(page.objects[0].etag == "\"70ee1738b6b21e2c8a43f3a5ab0eee71\"");
         CHECK(page.objects[0].mtime_ns == 1416598805 * kNs);  // 2014-11-21T19:40:05.000Z
       }},
      {"05-v2-empty-bucket-encodingtype-url.xml",
       [](const std::string& body) {
         const ListPage page = parse_ok(body);
         CHECK(page.url_encoded);
         CHECK(page.objects.empty());
         CHECK(page.common_prefixes.empty());
         CHECK_FALSE(page.is_truncated);
         CHECK(page.next_continuation_token.empty());
       }},
      {"06-v1-encodingtype-url-aws-reported.xml",
       [](const std::string& body) {
         // ListObjects V1, accepted for its url-encoded key: a+b.txt sent as a%2Bb.txt.
         const ListPage page = parse_ok(body);
         CHECK(page.url_encoded);
         CHECK_FALSE(page.is_truncated);
         REQUIRE(page.objects.size() == 1);
         CHECK(page.objects[0].key == "a+b.txt");
         CHECK(page.objects[0].size == 10);
         CHECK(page.objects[0].etag == "\"6761d6772dc789aa1a2be9e51757c93b\"");
         CHECK(page.objects[0].mtime_ns == 1774279768 * kNs);  // 2026-03-23T15:29:28.000Z
       }},
      {"07-error-NoSuchBucket-real.xml",
       [](const std::string& body) {
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
       }},
      {"07b-error-InternalError-real.xml",
       [](const std::string& body) {
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
       }},
      {"08-error-AccessDenied.xml",
       [](const std::string& body) {
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
       }},
      {"09a-error-SlowDown-botocore.xml",
       [](const std::string& body) {
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
       }},
      {"09b-error-SlowDown-aws-sdk-kotlin.xml",
       [](const std::string& body) {
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
       }},
      {"10-error-NoSuchKey-aws-doc.xml",
       [](const std::string& body) {
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
       }},
      {"11-error-InvalidArgument-aws-reported.xml",
       [](const std::string& body) {
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
       }},
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

TEST_CASE("url-encoded keys and prefixes are decoded", "[list_objects][encoding]") {
  const ListPage page = parse_ok(list_body(
      "<EncodingType>url</EncodingType>" + contents("a+b.txt") + contents("a%2Bb.txt") +
      contents("100%25.csv") + contents("%ED%95%9C%EA%B8%80/x.txt") + contents("foo%08") +
      contents("bad%zz") + contents("run+books/x+y%25z") +
      "<CommonPrefixes><Prefix>run+books/</Prefix></CommonPrefixes>"
      "<IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>a+b/c%2B=</NextContinuationToken>"));
  CHECK(page.url_encoded);
  REQUIRE(page.objects.size() == 7);
  CHECK(page.objects[0].key == "a b.txt");
  CHECK(page.objects[1].key == "a+b.txt");
  CHECK(page.objects[2].key == "100%.csv");
  CHECK(page.objects[3].key == "\xED\x95\x9C\xEA\xB8\x80/x.txt");  // 한글/x.txt
  CHECK(page.objects[3].key == "한글/x.txt");
  CHECK(page.objects[4].key == std::string("foo\x08"));
  CHECK(page.objects[5].key == "bad%zz");  // invalid escape kept literally
  CHECK(page.objects[6].key == "run books/x y%z");
  CHECK(page.common_prefixes == std::vector<std::string>{"run books/"});
  CHECK(page.next_continuation_token == "a+b/c%2B=");  // never decoded
}

TEST_CASE("EncodingType after the entries still decodes them", "[list_objects][encoding]") {
  const ListPage page = parse_ok(list_body(
      contents("a+b.txt") + "<CommonPrefixes><Prefix>x%2By/</Prefix></CommonPrefixes>"
                            "<EncodingType>url</EncodingType>"));
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "a b.txt");
  CHECK(page.common_prefixes == std::vector<std::string>{"x+y/"});
}

TEST_CASE("keys are not decoded without EncodingType", "[list_objects][encoding]") {
  const ListPage page = parse_ok(list_body(
      contents("a+b") + contents("a%2Bb") + contents("x &amp; y &lt;z&gt; &quot;q&quot;") +
      contents("<![CDATA[c+d]]>") + "<CommonPrefixes><Prefix>p+q/</Prefix></CommonPrefixes>"));
  CHECK_FALSE(page.url_encoded);
  REQUIRE(page.objects.size() == 4);
  CHECK(page.objects[0].key == "a+b");
  CHECK(page.objects[1].key == "a%2Bb");
  CHECK(page.objects[2].key == "x & y <z> \"q\"");  // XML escapes are always undone
  CHECK(page.objects[3].key == "c+d");
  CHECK(page.common_prefixes == std::vector<std::string>{"p+q/"});
}

TEST_CASE("decode_form_url", "[list_objects][encoding]") {
  CHECK(decode_form_url("") == "");
  CHECK(decode_form_url("plain/key.txt") == "plain/key.txt");
  CHECK(decode_form_url("a+b") == "a b");
  CHECK(decode_form_url("%2B") == "+");
  CHECK(decode_form_url("%2b") == "+");  // lower-case hex too
  CHECK(decode_form_url("+%2B+") == " + ");
  CHECK(decode_form_url("%20") == " ");
  CHECK(decode_form_url("%25zz") == "%zz");  // decoded once, not twice
  CHECK(decode_form_url("%") == "%");
  CHECK(decode_form_url("%4") == "%4");
  CHECK(decode_form_url("abc%") == "abc%");
  CHECK(decode_form_url("%4g") == "%4g");
  CHECK(decode_form_url("%zz%41") == "%zzA");
  CHECK(decode_form_url("foo+%3D+bar+baz+%CE%B1+%CE%B2+%F0%9F%98%8A") == "foo = bar baz α β 😊");
}

TEST_CASE("element order, namespaces and whitespace do not matter", "[list_objects][robust]") {
  SECTION("odd order, no namespace, no declaration") {
    const ListPage page = parse_ok(
        "<ListBucketResult>"
        "<IsTruncated>true</IsTruncated>"
        "<Contents><Size>7</Size><ETag>&quot;e&quot;</ETag>"
        "<LastModified>2009-10-12T17:50:30.000Z</LastModified><Key>k1</Key></Contents>"
        "<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>"
        "<Contents><Key>k2</Key><Size>8</Size></Contents>"
        "<NextContinuationToken>tok</NextContinuationToken>"
        "<Name>b</Name>"
        "</ListBucketResult>");
    CHECK(page.is_truncated);
    CHECK(page.next_continuation_token == "tok");
    REQUIRE(page.objects.size() == 2);
    CHECK(page.objects[0].key == "k1");
    CHECK(page.objects[0].size == 7);
    CHECK(page.objects[0].etag == "\"e\"");
    CHECK(page.objects[0].mtime_ns == 1255369830 * kNs);
    // Optional elements absent: defaults, not an error.
    CHECK(page.objects[1].key == "k2");
    CHECK(page.objects[1].etag.empty());
    CHECK(page.objects[1].mtime_ns == 0);
    CHECK(page.common_prefixes == std::vector<std::string>{"p/"});
  }
  SECTION("prefixed namespace") {
    const ListPage page = parse_ok(
        "<s3:ListBucketResult xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<s3:EncodingType>url</s3:EncodingType>"
        "<s3:Contents><s3:Key>a+b</s3:Key><s3:Size>3</s3:Size></s3:Contents>"
        "</s3:ListBucketResult>");
    REQUIRE(page.objects.size() == 1);
    CHECK(page.objects[0].key == "a b");
    CHECK(page.objects[0].size == 3);
  }
  SECTION("indentation, CRLF, blank lines, padded numbers and booleans") {
    const ListPage page = parse_ok(
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
        "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\r\n"
        "\r\n"
        "  <IsTruncated> false </IsTruncated>\r\n"
        "  <Contents>\r\n"
        "    <Key>k</Key>\r\n"
        "    <Size>\r\n      42\r\n    </Size>\r\n"
        "  </Contents>\r\n"
        "</ListBucketResult>\r\n");
    CHECK_FALSE(page.is_truncated);
    REQUIRE(page.objects.size() == 1);
    CHECK(page.objects[0].key == "k");
    CHECK(page.objects[0].size == 42);
  }
  SECTION("keys keep their own spaces") {
    const ListPage page = parse_ok(list_body(contents("  ") + contents(" lead and trail ")));
    REQUIRE(page.objects.size() == 2);
    CHECK(page.objects[0].key == "  ");
    CHECK(page.objects[1].key == " lead and trail ");
  }
  SECTION("Prefix/ and Prefix></Prefix> both mean empty") {
    CHECK(parse_ok(list_body("<Prefix/>")).objects.empty());
    CHECK(parse_ok(list_body("<Prefix></Prefix>")).objects.empty());
  }
  SECTION("the largest Size") {
    const ListPage page = parse_ok(list_body(contents("big", "18446744073709551615")));
    REQUIRE(page.objects.size() == 1);
    CHECK(page.objects[0].size == 18446744073709551615ULL);
  }
  SECTION("whitespace before the declaration (S3 keep-alive bytes)") {
    const ListPage page = parse_ok("  \n" + list_body(contents("k")));
    CHECK(page.objects.size() == 1);
  }
}

TEST_CASE("malformed bodies are protocol errors", "[list_objects][errors]") {
  const std::string good = read_whole_file(xml_dir() / "01-v2-real-truncated-next-continuation-token.xml");

  SECTION("truncated body") {
    const Error error = parse_fails(std::string_view(good).substr(0, good.size() / 2));
    CHECK(error.kind == ErrorKind::protocol);
    CHECK_FALSE(error.retryable);
    CHECK(error.operation == "ListObjectsV2");
    CHECK_THAT(error.message, StartsWith("malformed XML in the listing: "));
    CHECK_THAT(error.message, Contains(" at byte offset "));
  }
  SECTION("garbled bytes") {
    const Error error = parse_fails("<ListBucketResult><Contents><<Key>>x</Key></Contents>");
    CHECK(error.kind == ErrorKind::protocol);
    CHECK_THAT(error.message, Contains("Could not determine tag type"));
    CHECK_THAT(error.message, Contains("at byte offset 29"));
  }
  SECTION("empty body") {
    const Error error = parse_fails("");
    CHECK(error.kind == ErrorKind::protocol);
    CHECK_THAT(error.message, Contains("No document element found"));
  }
  SECTION("not XML") {
    CHECK(parse_fails("Service Unavailable").kind == ErrorKind::protocol);
  }
  SECTION("wrong root element") {
    const Error error = parse_fails("<html><body>502 Bad Gateway</body></html>");
    CHECK(error.kind == ErrorKind::protocol);
    CHECK_THAT(error.message, Contains("unexpected root element <html>"));
  }
  SECTION("Size that is not a uint64") {
    for (const char* size : {"", "abc", "12abc", "-1", "+1", "1.5", "0x10", "18446744073709551616"}) {
      INFO("Size " << size);
      const Error error = parse_fails(list_body(contents("k", size)));
      CHECK(error.kind == ErrorKind::protocol);
      CHECK_THAT(error.message, Contains("<Size>"));
    }
  }
  SECTION("Contents without Size or Key") {
    CHECK(parse_fails(list_body("<Contents><Key>k</Key></Contents>")).kind == ErrorKind::protocol);
    CHECK(parse_fails(list_body("<Contents><Size>1</Size></Contents>")).kind == ErrorKind::protocol);
  }
  SECTION("CommonPrefixes without Prefix") {
    CHECK(parse_fails(list_body("<CommonPrefixes></CommonPrefixes>")).kind == ErrorKind::protocol);
  }
  SECTION("bad LastModified") {
    const Error error = parse_fails(list_body(
        "<Contents><Key>k</Key><Size>1</Size><LastModified>yesterday</LastModified></Contents>"));
    CHECK(error.kind == ErrorKind::protocol);
    CHECK_THAT(error.message, Contains("yesterday"));
  }
  SECTION("bad IsTruncated") {
    CHECK(parse_fails(list_body("<IsTruncated>yes</IsTruncated>")).kind == ErrorKind::protocol);
  }
  SECTION("truncated without a continuation token") {
    const Error error = parse_fails(list_body("<IsTruncated>true</IsTruncated>" + contents("k")));
    CHECK(error.kind == ErrorKind::protocol);
    CHECK_THAT(error.message, Contains("NextContinuationToken"));
  }
  SECTION("unknown EncodingType") {
    CHECK(parse_fails(list_body("<EncodingType>base64</EncodingType>")).kind == ErrorKind::protocol);
  }
}

TEST_CASE("error documents in a listing are mapped by map_s3_error", "[list_objects][errors]") {
  SECTION("ErrorResponse wrapper") {
    const std::string body =
        "<ErrorResponse><Error><Code>InternalError</Code><Message>m</Message></Error>"
        "<RequestId>r</RequestId></ErrorResponse>";
    const Error error = parse_fails(body);
    CHECK(error.kind == ErrorKind::server);
    CHECK(error.retryable);
    CHECK(error.s3_code == "InternalError");
    CHECK(error_body_ok(body).code == "InternalError");
  }
  SECTION("NoSuchBucket keeps the bucket as subject") {
    const Error error = parse_fails(
        read_whole_file(xml_dir() / "07-error-NoSuchBucket-real.xml"));
    CHECK(error.kind == ErrorKind::not_found);
    CHECK(error.subject == "copydestination");
    CHECK_THAT(error.message, Contains("bucket \"copydestination\""));
  }
}

TEST_CASE("parse_s3_error rejects what is not an error document", "[list_objects][errors]") {
  CHECK_FALSE(parse_s3_error("").has_value());
  CHECK_FALSE(parse_s3_error("<html>oops</html>").has_value());
  CHECK_FALSE(parse_s3_error("<Error><Code>x</Code>").has_value());  // truncated
  CHECK_FALSE(parse_s3_error(list_body("")).has_value());
  const S3ErrorBody fields =
      error_body_ok("<Error>\n  <Code> SlowDown </Code>\n  <Key>a/b</Key>\n</Error>");
  CHECK(fields.code == "SlowDown");
  CHECK(fields.message.empty());
  CHECK(fields.resource == "a/b");
}

TEST_CASE("parse_iso8601_ns", "[list_objects][time]") {
  CHECK(parse_iso8601_ns("2009-10-12T17:50:30.000Z") == 1255369830 * kNs);
  CHECK(parse_iso8601_ns("2009-10-12T17:50:30Z") == 1255369830 * kNs);
  CHECK(parse_iso8601_ns("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso8601_ns("1969-12-31T23:59:59Z") == -kNs);
  CHECK(parse_iso8601_ns("2009-10-12T17:50:30.5Z") == 1255369830 * kNs + 500'000'000);
  CHECK(parse_iso8601_ns("2009-10-12T17:50:30.123456789Z") == 1255369830 * kNs + 123'456'789);
  CHECK(parse_iso8601_ns("2009-10-12T17:50:30.1234567891Z") == 1255369830 * kNs + 123'456'789);
  CHECK(parse_iso8601_ns("2009-10-12T19:50:30+02:00") == 1255369830 * kNs);
  CHECK(parse_iso8601_ns("2009-10-12T16:20:30-01:30") == 1255369830 * kNs);
  CHECK(parse_iso8601_ns("2024-02-29T00:00:00Z").has_value());  // leap day
  CHECK(parse_iso8601_ns(" 2009-10-12T17:50:30Z\n") == 1255369830 * kNs);

  for (const char* bad : {"", "garbage", "2009-10-12T17:50:30", "2009-10-12 17:50:30Z",
                          "2009-13-12T17:50:30Z", "2023-02-29T00:00:00Z", "2009-10-12T24:00:00Z",
                          "2009-10-12T17:60:30Z", "2009-10-12T17:50:30.Z", "2009-10-12T17:50:30ZZ",
                          "2009-10-12T17:50:30+2:00", "09-10-12T17:50:30Z",
                          "2300-01-01T00:00:00Z" /* past int64 ns */}) {
    INFO("input " << bad);
    CHECK_FALSE(parse_iso8601_ns(bad).has_value());
  }
}

TEST_CASE("parse_http_date_ns", "[list_objects][time]") {
  CHECK(parse_http_date_ns("Wed, 12 Oct 2009 17:50:30 GMT") == 1255369830 * kNs);
  CHECK(parse_http_date_ns("Wed, 21 Oct 2015 07:28:00 GMT") == 1445412480 * kNs);
  CHECK(parse_http_date_ns("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
  for (const char* bad : {"", "120", "Wed, 12 Oct 2009 17:50:30 UTC", "Xyz, 12 Oct 2009 17:50:30 GMT",
                          "Wed, 32 Oct 2009 17:50:30 GMT", "Wed, 12 Foo 2009 17:50:30 GMT",
                          "Wed, 12 Oct 2009 25:50:30 GMT", "Wed 12 Oct 2009 17:50:30 GMT",
                          "Wednesday, 12-Oct-09 17:50:30 GMT", "2009-10-12T17:50:30Z"}) {
    INFO("input " << bad);
    CHECK_FALSE(parse_http_date_ns(bad).has_value());
  }
}

}  // namespace caios
