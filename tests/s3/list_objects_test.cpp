// Tests for list_objects.hpp on synthetic bodies: the cases no recorded body
// covers (url-encoded keys, odd order, malformed input). The recorded bodies
// of tests/data/s3-xml are checked in list_objects_fixtures_test.cpp.
#include "caios2dfs/s3/list_objects.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "caios2dfs/s3/s3_error.hpp"
#include "s3_xml_test_support.hpp"

namespace caios {
namespace {

using namespace caios::testing;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

}  // namespace

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
}

TEST_CASE("spaces in keys, empty elements and extreme values", "[list_objects][robust]") {
  SECTION("keys keep their own spaces") {
    const ListPage page = parse_ok(list_body(contents("  ") + contents(" lead and trail ")));
    REQUIRE(page.objects.size() == 2);
    CHECK(page.objects[0].key == "  ");
    CHECK(page.objects[1].key == " lead and trail ");
  }
  SECTION("<Prefix/> and <Prefix></Prefix> both mean empty") {
    for (const std::string empty_prefix : {"<Prefix/>", "<Prefix></Prefix>"}) {
      INFO(empty_prefix);
      // At the top level (the prefix asked for) it is skipped, and the entries
      // after it are still read; inside <CommonPrefixes> it is a present but
      // empty prefix, unlike a missing <Prefix>, which is refused.
      const ListPage page = parse_ok(list_body(empty_prefix + contents("k", "5") + "<CommonPrefixes>" +
                                               empty_prefix + "</CommonPrefixes>" +
                                               "<CommonPrefixes><Prefix>p/</Prefix></CommonPrefixes>"));
      REQUIRE(page.objects.size() == 1);
      CHECK(page.objects[0].key == "k");
      CHECK(page.objects[0].size == 5);
      CHECK(page.common_prefixes == std::vector<std::string>{"", "p/"});
    }
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

}  // namespace caios
