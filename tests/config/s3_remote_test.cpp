// s3_remote: printing a remote without its secrets.
#include "caios2dfs/config/s3_remote.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "config_test_support.hpp"

using namespace caios;
using namespace caios::testing;

TEST_CASE("describe masks the key id and never prints secrets", "[remote_config][describe]") {
  S3Remote r;
  r.endpoint = "https://cwobject.com";
  r.region = "US-EAST-04A";
  r.addressing = Addressing::virtual_hosted;
  r.credentials = Credentials{kKeyId, kSecret, kToken};
  r.ca_bundle = "/etc/ca.pem";
  r.provider = "Other";
  r.origin = "rclone config /x [caios]";
  const std::string text = describe(r);
  CHECK(text == "endpoint https://cwobject.com, region US-EAST-04A, virtual-hosted addressing, access key "
                "CWKE\u2026, session token set, provider Other, CA bundle /etc/ca.pem, from rclone config /x [caios]");
  CHECK_FALSE(contains(text, kKeyId));
  require_no_secret(text);

  r.credentials = Credentials{"SHORT", kSecret, ""};
  r.ca_bundle.clear();
  r.provider.clear();
  r.addressing = Addressing::path;
  const std::string short_key = describe(r);
  CHECK(contains(short_key, "path addressing, access key \u2026, from"));
  CHECK_FALSE(contains(short_key, "SHORT"));
  CHECK_FALSE(contains(short_key, "session token"));
}

TEST_CASE("addressing names", "[remote_config]") {
  CHECK(std::string(addressing_name(Addressing::path)) == "path");
  CHECK(std::string(addressing_name(Addressing::virtual_hosted)) == "virtual-hosted");
}
