// Tests for s3_time.hpp: the ISO 8601 dates of listings and the HTTP dates
// of Last-Modified and Retry-After.
#include "caios2dfs/s3/s3_time.hpp"

#include <catch2/catch.hpp>

#include <cstdint>

namespace caios {
namespace {

constexpr std::int64_t kNs = 1'000'000'000;

}  // namespace

TEST_CASE("parse_iso8601_ns", "[s3_time]") {
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

TEST_CASE("parse_http_date_ns", "[s3_time]") {
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
