// remote_config: rclone and AWS settings to an S3Remote. The pure cores get
// text and a fake environment; the shells get real temporary files.
#include "caios2dfs/config/remote_config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config_test_support.hpp"

using namespace caios;
using namespace caios::testing;

namespace {

Environment env_of(std::map<std::string, std::string> vars) {
  return Environment{[vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  }};
}

const Environment kNoEnv = env_of({{"HOME", "/root"}});

void require_clean(const S3Remote& r) {
  require_no_secret(r.origin);
  require_no_secret(r.endpoint);
  require_no_secret(describe(r));
  for (const auto& w : r.warnings) require_no_secret(w);
}

const std::string kCaios = "[caios]\n"
                           "type = s3\n"
                           "provider = Other\n"
                           "access_key_id = " + kKeyId + "\n"
                           "secret_access_key = " + kSecret + "\n"
                           "endpoint = cwobject.com\n";

}  // namespace

// ---------------------------------------------------------------- rclone

TEST_CASE("rclone remote from the config file", "[remote_config][rclone]") {
  const auto config = ini(kCaios);
  const S3Remote& r = success(remote_from_rclone(config, "caios", kNoEnv));
  CHECK(r.endpoint == "https://cwobject.com");  // scheme added as rclone does
  CHECK(r.region == "us-east-1");
  CHECK(r.addressing == Addressing::path);  // force_path_style defaults to true
  CHECK(r.credentials.access_key_id == kKeyId);
  CHECK(r.credentials.secret_access_key == kSecret);
  CHECK(r.credentials.session_token.empty());
  CHECK(r.provider == "Other");
  CHECK(r.ca_bundle.empty());
  CHECK(r.origin == "rclone config /root/.config/rclone/rclone.conf [caios]");
  CHECK(r.warnings.empty());
  require_clean(r);

  // "caios:" as typed in "caios:bucket/path" names the same remote.
  CHECK(success(remote_from_rclone(config, "caios:", kNoEnv)).endpoint == "https://cwobject.com");
}

TEST_CASE("rclone options: region, token, path style, http endpoint with port", "[remote_config][rclone]") {
  const auto config = ini("[rgw]\ntype = s3\nprovider = Ceph\naccess_key_id = " + kKeyId +
                          "\nsecret_access_key = " + kSecret + "\nsession_token = " + kToken +
                          "\nregion = default\nendpoint = HTTP://127.0.0.1:7480/\nforce_path_style = false\n");
  const S3Remote& r = success(remote_from_rclone(config, "rgw", kNoEnv));
  CHECK(r.endpoint == "http://127.0.0.1:7480");
  CHECK(r.region == "default");
  CHECK(r.addressing == Addressing::virtual_hosted);
  CHECK(r.credentials.session_token == kToken);
  require_clean(r);
}

TEST_CASE("rclone force_path_style and provider quirks", "[remote_config][rclone]") {
  auto addressing = [](const std::string& extra) {
    const auto config = ini(kCaios + extra);
    return success(remote_from_rclone(config, "caios", kNoEnv)).addressing;
  };
  CHECK(addressing("") == Addressing::path);
  CHECK(addressing("force_path_style = true\n") == Addressing::path);
  CHECK(addressing("force_path_style = false\n") == Addressing::virtual_hosted);
  CHECK(addressing("force_path_style = F\n") == Addressing::virtual_hosted);
  CHECK(addressing("force_path_style =\n") == Addressing::path);  // empty means unset
  // rclone forces virtual-hosted style for AWS-like providers, whatever the option says.
  CHECK(addressing("provider = AWS\nforce_path_style = true\n") == Addressing::virtual_hosted);
  CHECK(addressing("provider = Wasabi\n") == Addressing::virtual_hosted);
  CHECK(addressing("provider = Minio\n") == Addressing::path);

  const auto config = ini(kCaios + "force_path_style = maybe\n");
  const std::string message = failure(remote_from_rclone(config, "caios", kNoEnv));
  CHECK(contains(message, "force_path_style"));
  CHECK(contains(message, "true or false"));
}

TEST_CASE("rclone environment overrides beat the config file", "[remote_config][rclone][env]") {
  const auto config = ini(kCaios + "region = file-region\n");
  const auto env = env_of({{"RCLONE_CONFIG_CAIOS_ENDPOINT", "http://10.0.0.1:8080"},
                           {"RCLONE_CONFIG_CAIOS_ACCESS_KEY_ID", kEnvKeyId},
                           {"RCLONE_CONFIG_CAIOS_SECRET_ACCESS_KEY", kEnvSecret},
                           {"RCLONE_CONFIG_CAIOS_FORCE_PATH_STYLE", "false"}});
  const S3Remote& r = success(remote_from_rclone(config, "caios", env));
  CHECK(r.endpoint == "http://10.0.0.1:8080");
  CHECK(r.credentials.access_key_id == kEnvKeyId);
  CHECK(r.credentials.secret_access_key == kEnvSecret);
  CHECK(r.addressing == Addressing::virtual_hosted);
  CHECK(r.region == "file-region");
  require_clean(r);
}

TEST_CASE("rclone precedence: remote variable, then RCLONE_S3_*, then file", "[remote_config][rclone][env]") {
  const auto config = ini(kCaios + "region = file-region\n");
  CHECK(success(remote_from_rclone(config, "caios", env_of({{"RCLONE_S3_REGION", "backend-region"}}))).region ==
        "backend-region");
  CHECK(success(remote_from_rclone(config, "caios",
                                   env_of({{"RCLONE_S3_REGION", "backend-region"},
                                           {"RCLONE_CONFIG_CAIOS_REGION", "remote-region"}})))
            .region == "remote-region");
  // RCLONE_S3_TYPE is not a thing: type only comes from the remote.
  CHECK(rclone_option(&config, "caios", "type", env_of({{"RCLONE_S3_TYPE", "drive"}})) == "s3");
  CHECK(rclone_option(&config, "caios", "region", kNoEnv) == "file-region");
  CHECK_FALSE(rclone_option(&config, "caios", "session_token", kNoEnv).has_value());
  CHECK_FALSE(rclone_option(nullptr, "caios", "type", kNoEnv).has_value());
}

TEST_CASE("rclone remote defined only in the environment", "[remote_config][rclone][env]") {
  const auto env = env_of({{"RCLONE_CONFIG_ENVONLY_TYPE", "s3"},
                           {"RCLONE_CONFIG_ENVONLY_ACCESS_KEY_ID", kEnvKeyId},
                           {"RCLONE_CONFIG_ENVONLY_SECRET_ACCESS_KEY", kEnvSecret},
                           {"RCLONE_CONFIG_ENVONLY_SESSION_TOKEN", kEnvToken},
                           {"RCLONE_CONFIG_ENVONLY_ENDPOINT", "https://cwobject.com"},
                           {"RCLONE_CONFIG_ENVONLY_REGION", "US-EAST-04A"}});
  // With no config file at all...
  const S3Remote& r = success(remote_from_rclone(nullptr, "envonly", env));
  CHECK(r.endpoint == "https://cwobject.com");
  CHECK(r.region == "US-EAST-04A");
  CHECK(r.credentials.session_token == kEnvToken);
  CHECK(r.origin == "rclone environment RCLONE_CONFIG_ENVONLY_*");
  require_clean(r);
  // ...and with a config file that lacks the section.
  const auto config = ini(kCaios);
  CHECK(success(remote_from_rclone(config, "envonly", env)).credentials.access_key_id == kEnvKeyId);
}

TEST_CASE("rclone remote names with dashes use either variable spelling", "[remote_config][rclone][env]") {
  const std::map<std::string, std::string> base = {{"ACCESS_KEY_ID", kEnvKeyId},
                                                    {"SECRET_ACCESS_KEY", kEnvSecret},
                                                    {"ENDPOINT", "https://cwobject.com"},
                                                    {"TYPE", "s3"}};
  for (const std::string prefix : {"RCLONE_CONFIG_MY-REMOTE_", "RCLONE_CONFIG_MY_REMOTE_"}) {
    std::map<std::string, std::string> vars;
    for (const auto& [k, v] : base) vars[prefix + k] = v;
    INFO(prefix);
    CHECK(success(remote_from_rclone(nullptr, "my-remote", env_of(vars))).credentials.access_key_id == kEnvKeyId);
  }
}

TEST_CASE("rclone missing remote lists the remotes that exist", "[remote_config][rclone]") {
  const auto config = ini(kCaios + "[backup]\ntype = s3\n[gdrive]\ntype = drive\n");
  const std::string message = failure(remote_from_rclone(config, "nosuch", kNoEnv));
  CHECK(contains(message, "'nosuch' not found"));
  CHECK(contains(message, "/root/.config/rclone/rclone.conf"));
  CHECK(contains(message, "caios, backup, gdrive"));
  CHECK(contains(message, "RCLONE_CONFIG_NOSUCH_TYPE=s3"));

  const std::string no_file = failure(remote_from_rclone(nullptr, "caios", kNoEnv));
  CHECK(contains(no_file, "no rclone config file"));
  CHECK(contains(no_file, "RCLONE_CONFIG_CAIOS_TYPE=s3"));

  CHECK(contains(failure(remote_from_rclone(config, "", kNoEnv)), "REMOTE:bucket"));
}

TEST_CASE("rclone remote of another type or without a type", "[remote_config][rclone]") {
  const auto config = ini("[gdrive]\ntype = drive\n[notype]\nendpoint = x\n");
  const std::string message = failure(remote_from_rclone(config, "gdrive", kNoEnv));
  CHECK(contains(message, "type 'drive'"));
  CHECK(contains(message, "not s3"));
  CHECK(contains(failure(remote_from_rclone(config, "notype", kNoEnv)), "add type = s3"));
  // The environment may change the type too.
  const auto cfg2 = ini(kCaios);
  CHECK(contains(failure(remote_from_rclone(cfg2, "caios", env_of({{"RCLONE_CONFIG_CAIOS_TYPE", "swift"}}))),
                 "type 'swift'"));
}

TEST_CASE("rclone missing or partial keys say what to set", "[remote_config][rclone]") {
  const auto none = ini("[caios]\ntype = s3\nendpoint = cwobject.com\n");
  const std::string message = failure(remote_from_rclone(none, "caios", kNoEnv));
  CHECK(contains(message, "no access_key_id and secret_access_key"));
  CHECK(contains(message, "RCLONE_CONFIG_CAIOS_ACCESS_KEY_ID"));
  CHECK(contains(message, "env_auth = true"));

  const auto only_id = ini("[caios]\ntype = s3\nendpoint = cwobject.com\naccess_key_id = " + kKeyId + "\n");
  const std::string partial = failure(remote_from_rclone(only_id, "caios", kNoEnv));
  CHECK(contains(partial, "no secret_access_key"));
  CHECK(contains(partial, "RCLONE_CONFIG_CAIOS_SECRET_ACCESS_KEY"));

  const auto only_secret = ini("[caios]\ntype = s3\nendpoint = cwobject.com\nsecret_access_key = " + kSecret + "\n");
  CHECK(contains(failure(remote_from_rclone(only_secret, "caios", kNoEnv)), "no access_key_id"));

  // Keys are case-sensitive in rclone: a capitalised key is not the option.
  const auto capitalised = ini("[caios]\ntype = s3\nendpoint = e\nAccess_Key_Id = " + kKeyId +
                               "\nSecret_Access_Key = " + kSecret + "\n");
  CHECK(contains(failure(remote_from_rclone(capitalised, "caios", kNoEnv)), "no access_key_id"));
}

TEST_CASE("rclone keys with spaces are rejected without echoing them", "[remote_config][rclone]") {
  const auto config = ini(kCaios, "/c");
  const auto env = env_of({{"RCLONE_CONFIG_CAIOS_SECRET_ACCESS_KEY", kSecret + " tail"}});
  CHECK(contains(failure(remote_from_rclone(config, "caios", env)), "copy-paste"));
}

TEST_CASE("rclone env_auth takes credentials from the AWS environment or profile", "[remote_config][rclone][aws]") {
  const auto config = ini("[caios]\ntype = s3\nenv_auth = true\nendpoint = https://cwobject.com\n");
  SECTION("AWS variables") {
    const auto env = env_of({{"AWS_ACCESS_KEY_ID", kEnvKeyId},
                             {"AWS_SECRET_ACCESS_KEY", kEnvSecret},
                             {"AWS_SESSION_TOKEN", kEnvToken}});
    const S3Remote& r = success(remote_from_rclone(config, "caios", env));
    CHECK(r.credentials.access_key_id == kEnvKeyId);
    CHECK(r.credentials.session_token == kEnvToken);
    CHECK(contains(r.origin, "credentials from AWS environment"));
    require_clean(r);
  }
  SECTION("AWS profile from AWS_PROFILE") {
    AwsSharedFiles aws;
    aws.credentials = TextFile{"/root/.aws/credentials",
                               "[default]\naws_access_key_id = WRONGWRONGWRONG\naws_secret_access_key = x\n"
                               "[work]\naws_access_key_id = " + kKeyId + "\naws_secret_access_key = " +
                                   kProfileSecret + "\n",
                               false};
    const S3Remote& r = success(remote_from_rclone(config, "caios", env_of({{"AWS_PROFILE", "work"}}), aws));
    CHECK(r.credentials.access_key_id == kKeyId);
    CHECK(r.credentials.secret_access_key == kProfileSecret);
    CHECK(contains(r.origin, "AWS profile 'work' in /root/.aws/credentials"));
    require_clean(r);
  }
  SECTION("rclone's profile option beats AWS_PROFILE") {
    const auto with_profile = ini("[caios]\ntype = s3\nenv_auth = true\nprofile = work\nendpoint = e.com\n");
    AwsSharedFiles aws;
    aws.credentials = TextFile{"/c", "[work]\naws_access_key_id = " + kKeyId + "\naws_secret_access_key = " +
                                         kProfileSecret + "\n", false};
    CHECK(success(remote_from_rclone(with_profile, "caios", env_of({{"AWS_PROFILE", "other"}}), aws))
              .credentials.access_key_id == kKeyId);
  }
  SECTION("keys in the remote win over env_auth") {
    const auto both = ini(kCaios + "env_auth = true\n");
    const auto env = env_of({{"AWS_ACCESS_KEY_ID", kEnvKeyId}, {"AWS_SECRET_ACCESS_KEY", kEnvSecret}});
    CHECK(success(remote_from_rclone(both, "caios", env)).credentials.access_key_id == kKeyId);
  }
  SECTION("nothing found") {
    const std::string message = failure(remote_from_rclone(config, "caios", kNoEnv));
    CHECK(contains(message, "env_auth = true"));
    CHECK(contains(message, "AWS_ACCESS_KEY_ID"));
    CHECK(contains(message, "/root/.aws/credentials"));
  }
}

TEST_CASE("rclone warns when a config holding secrets is readable by others", "[remote_config][rclone]") {
  const auto readable = ini(kCaios, "/home/u/rclone.conf", true);
  const S3Remote& r = success(remote_from_rclone(readable, "caios", kNoEnv));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0] == "rclone config /home/u/rclone.conf holds secrets and is readable by other users; "
                         "run chmod 600 /home/u/rclone.conf");
  require_clean(r);

  // The secret comes from the environment: the file holds none we use.
  const auto env = env_of({{"RCLONE_CONFIG_CAIOS_SECRET_ACCESS_KEY", kEnvSecret}});
  CHECK(success(remote_from_rclone(readable, "caios", env)).warnings.empty());
  // Private file: nothing to say.
  CHECK(success(remote_from_rclone(ini(kCaios, "/p", false), "caios", kNoEnv)).warnings.empty());
}

TEST_CASE("rclone warns about quoted keys without printing them", "[remote_config][rclone]") {
  const auto config = ini("[caios]\ntype = s3\nendpoint = e.com\naccess_key_id = " + kKeyId +
                          "\nsecret_access_key = \"" + kSecret + "\"\n");
  const S3Remote& r = success(remote_from_rclone(config, "caios", kNoEnv));
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "secret_access_key"));
  CHECK(contains(r.warnings[0], "quotes"));
  require_clean(r);
}

TEST_CASE("rclone endpoint validation", "[remote_config][rclone][endpoint]") {
  auto endpoint = [](const std::string& value) {
    const auto config = ini(kCaios + "endpoint = " + value + "\n");
    return remote_from_rclone(config, "caios", kNoEnv);
  };
  CHECK(success(endpoint("https://cwobject.com/")).endpoint == "https://cwobject.com");
  CHECK(success(endpoint("Https://CWObject.com")).endpoint == "https://CWObject.com");
  CHECK(success(endpoint("s3.example.com:9000")).endpoint == "https://s3.example.com:9000");
  CHECK(success(endpoint("http://[::1]:7480")).endpoint == "http://[::1]:7480");
  CHECK(success(endpoint("http://[fd00::2]")).endpoint == "http://[fd00::2]");

  CHECK(contains(failure(endpoint("ftp://host")), "http:// or https://"));
  CHECK(contains(failure(endpoint("https://host/bucket")), "without a path"));
  CHECK(contains(failure(endpoint("https://host?x=1")), "without a path"));
  CHECK(contains(failure(endpoint("https://host:0")), "invalid port"));
  CHECK(contains(failure(endpoint("https://host:65536")), "invalid port"));
  CHECK(contains(failure(endpoint("https://host:12ab")), "invalid port"));
  CHECK(contains(failure(endpoint("https://host:")), "invalid port"));
  CHECK(contains(failure(endpoint("https://:80")), "no host"));
  CHECK(contains(failure(endpoint("https://")), "no valid host"));
  CHECK(contains(failure(endpoint("https://[::1")), "IPv6"));
  CHECK(contains(failure(endpoint("https://::1:80")), "brackets"));
  // Credentials in the URL: rejected, never echoed.
  const std::string message = failure(endpoint("https://" + kKeyId + ":" + kSecret + "@host"));
  CHECK(contains(message, "user:password@"));
  CHECK_FALSE(contains(message, kKeyId));
}

TEST_CASE("rclone missing endpoint, and AWS provider default", "[remote_config][rclone][endpoint]") {
  const auto config = ini("[caios]\ntype = s3\naccess_key_id = " + kKeyId + "\nsecret_access_key = " + kSecret + "\n");
  const std::string message = failure(remote_from_rclone(config, "caios", kNoEnv));
  CHECK(contains(message, "no endpoint"));
  CHECK(contains(message, "--endpoint"));
  CHECK(contains(message, "RCLONE_CONFIG_CAIOS_ENDPOINT"));

  const auto aws = ini("[a]\ntype = s3\nprovider = AWS\nregion = eu-west-1\naccess_key_id = " + kKeyId +
                       "\nsecret_access_key = " + kSecret + "\n");
  const S3Remote& r = success(remote_from_rclone(aws, "a", kNoEnv));
  CHECK(r.endpoint == "https://s3.eu-west-1.amazonaws.com");
  CHECK(r.addressing == Addressing::virtual_hosted);
}

TEST_CASE("rclone region other-v2-signature is refused", "[remote_config][rclone]") {
  const auto config = ini(kCaios + "region = other-v2-signature\n");
  CHECK(contains(failure(remote_from_rclone(config, "caios", kNoEnv)), "signature v2"));
}

TEST_CASE("command-line overrides beat everything", "[remote_config][rclone][aws]") {
  RemoteOverrides o;
  o.endpoint = "http://override:1234";
  o.region = "override-region";
  o.addressing = Addressing::virtual_hosted;
  o.ca_bundle = "/etc/ca.pem";
  const auto env = env_of({{"RCLONE_CONFIG_CAIOS_ENDPOINT", "http://env"},
                           {"RCLONE_CONFIG_CAIOS_REGION", "env-region"},
                           {"RCLONE_CA_CERT", "/env/ca.pem"}});
  const auto config = ini(kCaios);
  const S3Remote& r = success(remote_from_rclone(config, "caios", env, {}, o));
  CHECK(r.endpoint == "http://override:1234");
  CHECK(r.region == "override-region");
  CHECK(r.addressing == Addressing::virtual_hosted);
  CHECK(r.ca_bundle == "/etc/ca.pem");

  // Without overrides the rclone CA variable applies.
  CHECK(success(remote_from_rclone(config, "caios", env)).ca_bundle == "/env/ca.pem");

  // An endpoint on the command line rescues a remote without one.
  const auto no_endpoint = ini("[caios]\ntype = s3\naccess_key_id = " + kKeyId + "\nsecret_access_key = " + kSecret + "\n");
  RemoteOverrides just_endpoint;
  just_endpoint.endpoint = "cwobject.com";
  CHECK(success(remote_from_rclone(no_endpoint, "caios", kNoEnv, {}, just_endpoint)).endpoint ==
        "https://cwobject.com");

  const auto aws_env = env_of({{"AWS_ACCESS_KEY_ID", kEnvKeyId},
                               {"AWS_SECRET_ACCESS_KEY", kEnvSecret},
                               {"AWS_ENDPOINT_URL", "http://env"},
                               {"AWS_REGION", "env-region"},
                               {"AWS_CA_BUNDLE", "/env/ca.pem"}});
  const S3Remote& a = success(remote_from_aws(aws_env, std::nullopt, std::nullopt, o));
  CHECK(a.endpoint == "http://override:1234");
  CHECK(a.region == "override-region");
  CHECK(a.addressing == Addressing::virtual_hosted);
  CHECK(a.ca_bundle == "/etc/ca.pem");
}

// ---------------------------------------------------------------- AWS

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

// ---------------------------------------------------------------- describe

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

// ---------------------------------------------------------------- default paths

TEST_CASE("default rclone config path", "[remote_config][paths]") {
  CHECK(default_rclone_config_path(env_of({{"HOME", "/home/u"}})) == "/home/u/.config/rclone/rclone.conf");
  CHECK(default_rclone_config_path(env_of({{"HOME", "/home/u"}, {"XDG_CONFIG_HOME", "/xdg"}})) ==
        "/xdg/rclone/rclone.conf");
  CHECK(default_rclone_config_path(
            env_of({{"HOME", "/home/u"}, {"XDG_CONFIG_HOME", "/xdg"}, {"RCLONE_CONFIG", "/etc/rclone.conf"}})) ==
        "/etc/rclone.conf");
  CHECK(default_rclone_config_path(env_of({{"RCLONE_CONFIG", ""}})).empty());  // rclone: no config file
  CHECK(default_rclone_config_path(Environment{}) == "~/.config/rclone/rclone.conf");
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

// ---------------------------------------------------------------- shells

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/remote_config_test.XXXXXX";
    const char* made = ::mkdtemp(pattern);
    REQUIRE(made);
    path = made;
  }
  ~TempDir() {
    const std::string command = "rm -rf '" + path + "'";
    [[maybe_unused]] const int rc = std::system(command.c_str());
  }
  std::string write(const std::string& name, const std::string& text, mode_t mode) const {
    const std::string file = path + "/" + name;
    std::ofstream(file) << text;
    ::chmod(file.c_str(), mode);
    return file;
  }
};

}  // namespace

TEST_CASE("read_text_file reads text and the permission bits", "[remote_config][shell]") {
  TempDir dir;
  const auto private_file = dir.write("private.conf", "[a]\nk = v\n", 0600);
  const auto group_file = dir.write("group.conf", "x", 0640);
  const auto world_file = dir.write("world.conf", "x", 0604);
  auto p = read_text_file(private_file);
  REQUIRE(p);
  CHECK(p->path == private_file);
  CHECK(p->text == "[a]\nk = v\n");
  CHECK_FALSE(p->readable_by_others);
  CHECK(read_text_file(group_file)->readable_by_others);
  CHECK(read_text_file(world_file)->readable_by_others);
  CHECK_FALSE(read_text_file(dir.path + "/missing"));
  CHECK_FALSE(read_text_file(dir.path));  // a directory
}

TEST_CASE("process_environment reads the real environment", "[remote_config][shell]") {
  ::setenv("CAIOS2DFS_REMOTE_CONFIG_TEST_VAR", "value", 1);
  ::setenv("CAIOS2DFS_REMOTE_CONFIG_TEST_EMPTY", "", 1);
  const Environment env = process_environment();
  CHECK(env.get("CAIOS2DFS_REMOTE_CONFIG_TEST_VAR") == "value");
  CHECK(env.get("CAIOS2DFS_REMOTE_CONFIG_TEST_EMPTY") == "");
  CHECK_FALSE(env.get("CAIOS2DFS_REMOTE_CONFIG_TEST_UNSET").has_value());
  ::unsetenv("CAIOS2DFS_REMOTE_CONFIG_TEST_VAR");
  ::unsetenv("CAIOS2DFS_REMOTE_CONFIG_TEST_EMPTY");
}

TEST_CASE("load_rclone_remote reads the file or falls back to the environment", "[remote_config][shell]") {
  TempDir dir;
  const auto config = dir.write("rclone.conf", kCaios, 0644);
  const auto env = env_of({{"HOME", dir.path}});
  const S3Remote& r = success(load_rclone_remote(config, "caios", env));
  CHECK(r.endpoint == "https://cwobject.com");
  CHECK(r.origin == "rclone config " + config + " [caios]");
  REQUIRE(r.warnings.size() == 1);
  CHECK(contains(r.warnings[0], "chmod 600 " + config));

  // Missing file, remote in the environment: fine.
  const auto env_remote = env_of({{"HOME", dir.path},
                                  {"RCLONE_CONFIG_E_TYPE", "s3"},
                                  {"RCLONE_CONFIG_E_ACCESS_KEY_ID", kEnvKeyId},
                                  {"RCLONE_CONFIG_E_SECRET_ACCESS_KEY", kEnvSecret},
                                  {"RCLONE_CONFIG_E_ENDPOINT", "http://h:1"}});
  CHECK(success(load_rclone_remote(dir.path + "/missing.conf", "e", env_remote)).endpoint == "http://h:1");
  CHECK(success(load_rclone_remote("", "e", env_remote)).endpoint == "http://h:1");
  CHECK(success(load_rclone_remote("/dev/null", "e", env_remote)).endpoint == "http://h:1");

  // Missing file, nothing in the environment.
  const std::string message = failure(load_rclone_remote(dir.path + "/missing.conf", "caios", env));
  CHECK(contains(message, "does not exist"));
  CHECK(contains(message, "RCLONE_CONFIG_CAIOS_TYPE"));

  // env_auth reads the AWS files named by the environment.
  const auto aws_credentials = dir.write("creds", "[default]\naws_access_key_id = " + kKeyId +
                                                      "\naws_secret_access_key = " + kProfileSecret + "\n", 0600);
  const auto env_auth = dir.write("env_auth.conf", "[c]\ntype = s3\nenv_auth = true\nendpoint = h.com\n", 0600);
  const S3Remote& a = success(load_rclone_remote(
      env_auth, "c", env_of({{"HOME", dir.path}, {"AWS_SHARED_CREDENTIALS_FILE", aws_credentials}})));
  CHECK(a.credentials.secret_access_key == kProfileSecret);
  CHECK(a.warnings.empty());
}

TEST_CASE("load_aws_remote reads the shared files", "[remote_config][shell]") {
  TempDir dir;
  dir.write("credentials", "[default]\naws_access_key_id = " + kKeyId + "\naws_secret_access_key = " +
                               kProfileSecret + "\n", 0600);
  dir.write("config", "[default]\nregion = r1\nendpoint_url = http://h:2\n", 0644);
  const auto env = env_of({{"AWS_SHARED_CREDENTIALS_FILE", dir.path + "/credentials"},
                           {"AWS_CONFIG_FILE", dir.path + "/config"}});
  const S3Remote& r = success(load_aws_remote(env));
  CHECK(r.endpoint == "http://h:2");
  CHECK(r.region == "r1");
  CHECK(r.origin == "AWS profile 'default' in " + dir.path + "/credentials");
  CHECK(r.warnings.empty());  // the readable config file holds no secret
}
