// remote_config: rclone remotes (config file, environment, env_auth) to an
// S3Remote. Pure: text and a fake environment in; the shells that read files
// are tested in config_shell_test.cpp.
#include "caios2dfs/config/remote_config.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "config_test_support.hpp"

using namespace caios;
using namespace caios::testing;

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
