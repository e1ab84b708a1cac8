// The config shells on real temporary files and the real environment:
// read_text_file, process_environment, load_rclone_remote, load_aws_remote.
#include <sys/stat.h>
#include <unistd.h>

#include "caios2dfs/config/remote_config.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "config_test_support.hpp"

using namespace caios;
using namespace caios::testing;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char pattern[] = "/tmp/config_shell_test.XXXXXX";
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
