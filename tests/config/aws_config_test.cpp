// aws_config: the AWS environment and shared files to an S3Remote. Pure: text
// and a fake environment in; load_aws_remote is tested in
// config_shell_test.cpp.
#include "caios2dfs/config/aws_config.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "config_test_support.hpp"

using namespace caios;
using namespace caios::testing;

TEST_CASE("AWS environment credentials", "[remote_config][aws]") {
  const auto env = env_of({{"HOME", "/root"},
                           {"AWS_ACCESS_KEY_ID", kEnvKeyId},
                           {"AWS_SECRET_ACCESS_KEY", kEnvSecret},
                           {"AWS_SESSION_TOKEN", kEnvToken},
                           {"AWS_ENDPOINT_URL", "https://cwobject.com"},
                           {"AWS_CA_BUNDLE", "/etc/ssl/ca.pem"}});
  const S3Remote& r = success(remote_from_aws(env, std::nullopt, std::nullopt));
  CHECK(r.endpoint == "https://cwobject.com");
  CHECK(r.region == "us-east-1");
  CHECK(r.addressing == Addressing::path);
  CHECK(r.credentials.access_key_id == kEnvKeyId);
  CHECK(r.credentials.secret_access_key == kEnvSecret);
  CHECK(r.credentials.session_token == kEnvToken);
  CHECK(r.ca_bundle == "/etc/ssl/ca.pem");
  CHECK(r.origin == "AWS environment");
  CHECK(r.provider.empty());
  require_clean(r);
}

TEST_CASE("AWS environment beats the profile; profile used otherwise", "[remote_config][aws]") {
  const TextFile credentials{"/root/.aws/credentials",
                             "[default]\naws_access_key_id = " + kKeyId + "\naws_secret_access_key = " +
                                 kProfileSecret + "\naws_session_token = " + kToken + "\n",
                             false};
  const TextFile config{"/root/.aws/config",
                        "[default]\nregion = profile-region\nendpoint_url = http://profile:9000\n", false};
  const auto env = env_of({{"HOME", "/root"},
                           {"AWS_ACCESS_KEY_ID", kEnvKeyId},
                           {"AWS_SECRET_ACCESS_KEY", kEnvSecret}});
  const S3Remote& from_env = success(remote_from_aws(env, credentials, config));
  CHECK(from_env.credentials.access_key_id == kEnvKeyId);
  CHECK(from_env.credentials.session_token.empty());  // the profile's token is not mixed in
  CHECK(from_env.origin == "AWS environment");
  CHECK(from_env.endpoint == "http://profile:9000");  // settings still come from the profile
  CHECK(from_env.region == "profile-region");

  const S3Remote& from_profile = success(remote_from_aws(kNoEnv, credentials, config));
  CHECK(from_profile.credentials.access_key_id == kKeyId);
  CHECK(from_profile.credentials.secret_access_key == kProfileSecret);
  CHECK(from_profile.credentials.session_token == kToken);
  CHECK(from_profile.origin == "AWS profile 'default' in /root/.aws/credentials");
  require_clean(from_profile);
}

TEST_CASE("AWS_PROFILE selects [name] and [profile name]", "[remote_config][aws]") {
  const TextFile credentials{"/c", "[default]\naws_access_key_id = DEFAULTDEFAULTDEF\naws_secret_access_key = d\n"
                                   "[x]\naws_access_key_id = " + kKeyId + "\naws_secret_access_key = " +
                                       kProfileSecret + "\n", false};
  const TextFile config{"/cfg",
                        "[default]\nregion = wrong\n"
                        "[profile x]\nregion = x-region\nendpoint_url = http://outer\nca_bundle = /x/ca.pem\n"
                        "s3 =\n  addressing_style = virtual\n  endpoint_url = http://inner:1\n",
                        false};
  const auto env = env_of({{"AWS_PROFILE", "x"}});
  const S3Remote& r = success(remote_from_aws(env, credentials, config));
  CHECK(r.credentials.access_key_id == kKeyId);
  CHECK(r.region == "x-region");
  CHECK(r.endpoint == "http://inner:1");  // s3-specific beats the profile-wide endpoint_url
  CHECK(r.addressing == Addressing::virtual_hosted);
  CHECK(r.ca_bundle == "/x/ca.pem");
  CHECK(r.origin == "AWS profile 'x' in /c");
}

TEST_CASE("AWS endpoint and region precedence", "[remote_config][aws]") {
  const TextFile config{"/cfg", "[default]\nregion = file-region\nendpoint_url = http://file\n", false};
  std::map<std::string, std::string> vars = {{"AWS_ACCESS_KEY_ID", kEnvKeyId}, {"AWS_SECRET_ACCESS_KEY", kEnvSecret}};
  auto run = [&] { return success(remote_from_aws(env_of(vars), std::nullopt, config)); };
  CHECK(run().endpoint == "http://file");
  CHECK(run().region == "file-region");
  vars["AWS_ENDPOINT_URL"] = "http://global";
  vars["AWS_DEFAULT_REGION"] = "default-region";
  CHECK(run().endpoint == "http://global");
  CHECK(run().region == "default-region");
  vars["AWS_ENDPOINT_URL_S3"] = "http://s3-specific";
  vars["AWS_REGION"] = "region";
  CHECK(run().endpoint == "http://s3-specific");
  CHECK(run().region == "region");
  vars["AWS_REGION"] = "";  // empty counts as unset
  CHECK(run().region == "default-region");
}

TEST_CASE("AWS credentials in the config file", "[remote_config][aws]") {
  const TextFile config{"/cfg", "[profile p]\naws_access_key_id = " + kKeyId + "\naws_secret_access_key = " +
                                    kProfileSecret + "\nendpoint_url = http://h\n", true};
  const S3Remote& r = success(remote_from_aws(env_of({{"AWS_PROFILE", "p"}}), std::nullopt, config));
  CHECK(r.credentials.secret_access_key == kProfileSecret);
  CHECK(r.origin == "AWS profile 'p' in /cfg");
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "chmod 600 /cfg"));
}

TEST_CASE("AWS addressing_style values", "[remote_config][aws]") {
  auto run = [](const std::string& style) {
    const TextFile config{"/cfg", "[default]\nendpoint_url = http://h\ns3 =\n  addressing_style = " + style + "\n",
                          false};
    return remote_from_aws(env_of({{"AWS_ACCESS_KEY_ID", kEnvKeyId}, {"AWS_SECRET_ACCESS_KEY", kEnvSecret}}),
                           std::nullopt, config);
  };
  CHECK(success(run("path")).addressing == Addressing::path);
  CHECK(success(run("auto")).addressing == Addressing::path);
  CHECK(success(run("virtual")).addressing == Addressing::virtual_hosted);
  CHECK(contains(failure(run("sideways")), "path, virtual, auto"));
}

TEST_CASE("AWS errors say exactly what to set", "[remote_config][aws]") {
  const auto endpoint_only = env_of({{"HOME", "/root"}, {"AWS_ENDPOINT_URL", "https://cwobject.com"}});
  SECTION("no credentials anywhere") {
    const std::string message = failure(remote_from_aws(endpoint_only, std::nullopt, std::nullopt));
    CHECK(contains(message, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"));
    CHECK(contains(message, "[default]"));
    CHECK(contains(message, "/root/.aws/credentials"));
    CHECK(contains(message, "AWS_PROFILE"));
  }
  SECTION("only one variable") {
    const auto env = env_of({{"AWS_ACCESS_KEY_ID", kEnvKeyId}});
    const std::string message = failure(remote_from_aws(env, std::nullopt, std::nullopt));
    CHECK(contains(message, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"));
    CHECK(contains(failure(remote_from_aws(env_of({{"AWS_SECRET_ACCESS_KEY", kEnvSecret}}), std::nullopt,
                                           std::nullopt)),
                   "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"));
  }
  SECTION("AWS_PROFILE names a missing profile") {
    const TextFile credentials{"/c", "[default]\naws_access_key_id = A\naws_secret_access_key = " + kProfileSecret +
                                         "\n[dev]\naws_access_key_id = A\naws_secret_access_key = B\n", false};
    const TextFile config{"/cfg", "[profile staging]\nregion = r\n", false};
    const auto env = env_of({{"AWS_PROFILE", "prod"}, {"AWS_ENDPOINT_URL", "https://h"}});
    const std::string message = failure(remote_from_aws(env, credentials, config));
    CHECK(contains(message, "AWS_PROFILE='prod'"));
    CHECK(contains(message, "default, dev, staging"));
  }
  SECTION("profile without keys") {
    const TextFile credentials{"/c", "[default]\nregion = r\n", false};
    const std::string message = failure(remote_from_aws(endpoint_only, credentials, std::nullopt));
    CHECK(contains(message, "no aws_access_key_id"));
    CHECK(contains(message, "[default] in /c"));
  }
  SECTION("profile with half the keys") {
    const TextFile credentials{"/c", "[default]\naws_secret_access_key = " + kProfileSecret + "\n", false};
    CHECK(contains(failure(remote_from_aws(endpoint_only, credentials, std::nullopt)),
                   "aws_secret_access_key but no aws_access_key_id"));
  }
  SECTION("role or SSO profile") {
    const TextFile config{"/cfg", "[default]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\n", false};
    const std::string message = failure(remote_from_aws(endpoint_only, std::nullopt, config));
    CHECK(contains(message, "role_arn"));
    CHECK(contains(message, "aws configure export-credentials --profile default"));
  }
  SECTION("no endpoint") {
    const auto env = env_of({{"AWS_ACCESS_KEY_ID", kEnvKeyId}, {"AWS_SECRET_ACCESS_KEY", kEnvSecret}});
    const std::string message = failure(remote_from_aws(env, std::nullopt, std::nullopt));
    CHECK(contains(message, "--endpoint"));
    CHECK(contains(message, "AWS_ENDPOINT_URL"));
  }
  SECTION("bad endpoint variable") {
    const auto env = env_of({{"AWS_ACCESS_KEY_ID", kEnvKeyId},
                             {"AWS_SECRET_ACCESS_KEY", kEnvSecret},
                             {"AWS_ENDPOINT_URL", "s3://bucket"}});
    CHECK(contains(failure(remote_from_aws(env, std::nullopt, std::nullopt)), "AWS_ENDPOINT_URL"));
  }
  SECTION("unparsable credentials file") {
    const TextFile credentials{"/c", "[default]\n" + kBareSecret + "\n", false};
    CHECK(contains(failure(remote_from_aws(endpoint_only, credentials, std::nullopt)), "/c:2"));
  }
}

TEST_CASE("AWS warnings: readable credentials file, ignored AWS_PROFILE", "[remote_config][aws]") {
  const TextFile credentials{"/root/.aws/credentials",
                             "[default]\naws_access_key_id = " + kKeyId + "\naws_secret_access_key = " +
                                 kProfileSecret + "\n", true};
  const auto env = env_of({{"AWS_ENDPOINT_URL", "https://h"}});
  const S3Remote& r = success(remote_from_aws(env, credentials, std::nullopt));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == "AWS credentials file /root/.aws/credentials holds secrets and is readable by other "
                         "users; run chmod 600 /root/.aws/credentials");
  require_clean(r);

  // The environment wins, so the readable file is not used: no warning about it,
  // but a note that AWS_PROFILE points nowhere.
  const auto env2 = env_of({{"AWS_ENDPOINT_URL", "https://h"},
                            {"AWS_PROFILE", "ghost"},
                            {"AWS_ACCESS_KEY_ID", kEnvKeyId},
                            {"AWS_SECRET_ACCESS_KEY", kEnvSecret}});
  const S3Remote& r2 = success(remote_from_aws(env2, credentials, std::nullopt));
  REQUIRE(r2.warnings.size() == 1);
  CHECK(contains(r2.warnings[0], "'ghost'"));
}

TEST_CASE("default AWS file paths", "[remote_config][paths]") {
  const auto d = default_aws_files(env_of({{"HOME", "/home/u"}}));
  CHECK(d.credentials == "/home/u/.aws/credentials");
  CHECK(d.config == "/home/u/.aws/config");
  const auto e = default_aws_files(
      env_of({{"HOME", "/home/u"}, {"AWS_SHARED_CREDENTIALS_FILE", "/c"}, {"AWS_CONFIG_FILE", "/cfg"}}));
  CHECK(e.credentials == "/c");
  CHECK(e.config == "/cfg");
}
