#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "caios2dfs/copy/key_path.hpp"

using namespace caios;

namespace {

// The relative path of an accepted key, or "<refused>" (never a valid path).
std::string mapped_path(std::string_view key, std::string_view prefix = "") {
  auto mapped = map_key_to_path(key, prefix);
  return mapped.ok() ? mapped->relative_path : "<refused>";
}

bool path_stays_under_dest(const std::string& path) {
  if (path.empty()) return true;
  if (path.front() == '/' || path.back() == '/') return false;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string component = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (component.empty() || component == "." || component == "..") return false;
    if (slash == std::string::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

TEST_CASE("the source prefix is a directory", "[key_path]") {
  CHECK(normalize_source_prefix("") == "");
  CHECK(normalize_source_prefix("dir") == "dir/");
  CHECK(normalize_source_prefix("dir/") == "dir/");
  CHECK(normalize_source_prefix("a/b") == "a/b/");
}

TEST_CASE("keys map to the path below the prefix, as rclone copy does", "[key_path]") {
  auto mapped = map_key_to_path("PREFIX/a/b.bin", "PREFIX");
  REQUIRE(mapped.ok());
  CHECK(mapped->kind == KeyKind::file);
  CHECK(mapped->relative_path == "a/b.bin");
  CHECK(mapped_path("PREFIX/a/b.bin", "PREFIX/") == "a/b.bin");
  CHECK(mapped_path("a/b/c") == "a/b/c");
  // "dir" selects the directory dir/, not every key starting with "dir".
  CHECK_FALSE(map_key_to_path("dirty/x", "dir").ok());
  CHECK_FALSE(map_key_to_path("other/x", "dir").ok());
}

TEST_CASE("unusual but safe names are kept byte for byte", "[key_path]") {
  for (const char* key : {"a b+c%~=é/😊.bin", "...", "..a", "a..", ".hidden", "a/b/c", "a\\b", "x/.../y"}) {
    INFO(key);
    auto mapped = map_key_to_path(key, "");
    REQUIRE(mapped.ok());
    CHECK(mapped->kind == KeyKind::file);
    CHECK(mapped->relative_path == key);
  }
  const std::string invalid_utf8 = "bad\xff\xfe.bin";
  CHECK(mapped_path(invalid_utf8) == invalid_utf8);
}

TEST_CASE("keys ending in '/' are directory markers", "[key_path]") {
  auto folder = map_key_to_path("dir/", "");
  REQUIRE(folder.ok());
  CHECK(folder->kind == KeyKind::directory_marker);
  CHECK(folder->relative_path == "dir");

  auto nested = map_key_to_path("p/a/b/", "p");
  REQUIRE(nested.ok());
  CHECK(nested->kind == KeyKind::directory_marker);
  CHECK(nested->relative_path == "a/b");

  // The marker object of the prefix itself stands for DEST.
  auto root = map_key_to_path("p/", "p");
  REQUIRE(root.ok());
  CHECK(root->kind == KeyKind::directory_marker);
  CHECK(root->relative_path.empty());

  CHECK_FALSE(map_key_to_path("dir//", "").ok());
  CHECK_FALSE(map_key_to_path("p//", "p").ok());
  CHECK_FALSE(map_key_to_path("../", "").ok());
}

TEST_CASE("keys that could escape DEST or that POSIX cannot store are refused", "[key_path]") {
  const std::string long_component = "x/" + std::string(256, 'y');
  const std::string nul_key("a\0b", 3);
  for (const std::string& key : {std::string("../escape"), std::string("a/../../escape2"), std::string("/abs"),
                                 std::string("./dot"), std::string("a//b"), std::string("a/./b"),
                                 std::string("a/.."), std::string(".."), std::string("."), std::string("a/."),
                                 std::string(""), long_component, nul_key}) {
    INFO(key);
    auto mapped = map_key_to_path(key, "");
    REQUIRE_FALSE(mapped.ok());
    CHECK(mapped.error().kind == ErrorKind::invalid_key);
    CHECK(mapped.error().subject == key);
    CHECK(mapped.error().message.rfind("skipped: ", 0) == 0);
  }
  // A leading '/' after the prefix is an absolute path too.
  CHECK_FALSE(map_key_to_path("p//abs", "p").ok());
  CHECK_FALSE(map_key_to_path("p/../x", "p").ok());
}

TEST_CASE("refusals say why", "[key_path]") {
  CHECK_THAT(map_key_to_path("a/../b", "").error().message, Catch::Contains("'..'"));
  CHECK_THAT(map_key_to_path("a//b", "").error().message, Catch::Contains("empty path component"));
  CHECK_THAT(map_key_to_path("/a", "").error().message, Catch::Contains("absolute"));
  CHECK_THAT(map_key_to_path("x/" + std::string(256, 'y'), "").error().message, Catch::Contains("NAME_MAX"));
  CHECK_THAT(map_key_to_path(std::string(4096, 'a'), "").error().message, Catch::Contains("PATH_MAX"));
  CHECK_THAT(map_key_to_path(std::string("a\0b", 3), "").error().message, Catch::Contains("NUL"));
  CHECK_THAT(map_key_to_path("x", "dir").error().message, Catch::Contains("not under the source prefix"));
}

TEST_CASE("length limits are inclusive", "[key_path]") {
  CHECK(mapped_path("x/" + std::string(255, 'y')) == "x/" + std::string(255, 'y'));

  // 4095 bytes in components of at most 255 bytes: accepted; one more is not.
  std::string path;
  while (path.size() + 256 <= 4095) path += std::string(255, 'a') + "/";
  path += std::string(4095 - path.size(), 'b');
  REQUIRE(path.size() == 4095);
  CHECK(mapped_path(path) == path);
  CHECK(mapped_path(path + "b") == "<refused>");
  // The limits apply below the prefix, not to the whole key.
  CHECK(mapped_path("prefix/" + path, "prefix") == path);
}

TEST_CASE("a key shaped like our temporary files is refused", "[key_path]") {
  const std::string temp = temp_name_for("b.bin", "a/b.bin");
  CHECK_FALSE(map_key_to_path("a/" + temp, "").ok());
  CHECK_FALSE(map_key_to_path(temp + "/x", "").ok());
  CHECK(mapped_path("a/" + temp + "x") == "a/" + temp + "x");
  // Nor may a key land in the staging directory, at the top of DEST only.
  CHECK_FALSE(map_key_to_path(".caios2dfs-staging/x", "").ok());
  CHECK_FALSE(map_key_to_path("pre/.caios2dfs-staging", "pre").ok());
  CHECK(mapped_path("a/.caios2dfs-staging/x") == "a/.caios2dfs-staging/x");
}

TEST_CASE("no accepted key escapes DEST (random keys)", "[key_path]") {
  const std::vector<std::string> pieces = {"a", "..", ".", "/", "b/"};
  std::mt19937 random(20240611);  // fixed seed: failures must reproduce
  std::uniform_int_distribution<std::size_t> piece_index(0, pieces.size() - 1);
  std::uniform_int_distribution<int> piece_count(1, 8);
  int accepted = 0;
  int refused = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string key;
    for (int i = piece_count(random); i > 0; --i) key += pieces[piece_index(random)];
    for (const std::string_view prefix : {"", "p"}) {
      const std::string full_key = std::string(prefix.empty() ? "" : "p/") + key;
      auto mapped = map_key_to_path(full_key, prefix);
      if (!mapped.ok()) {
        ++refused;
        CHECK(mapped.error().kind == ErrorKind::invalid_key);
        continue;
      }
      ++accepted;
      INFO("key '" << full_key << "' -> '" << mapped->relative_path << "'");
      CHECK(path_stays_under_dest(mapped->relative_path));
      if (mapped->relative_path.empty()) CHECK(mapped->kind == KeyKind::directory_marker);
      // Accepted keys are kept, not rewritten: the path is the key minus
      // the prefix and, for markers, minus the trailing '/'.
      const std::string expected = mapped->kind == KeyKind::directory_marker && !key.empty() ? key.substr(0, key.size() - 1) : key;
      CHECK(mapped->relative_path == expected);
    }
  }
  // The generator must exercise both outcomes for the property to mean anything.
  CHECK(accepted > 100);
  CHECK(refused > 100);
}

TEST_CASE("FNV-1a 64 matches the published test vectors", "[key_path]") {
  CHECK(fnv1a_64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a_64("a") == 0xaf63dc4c8601ec8cULL);
  CHECK(fnv1a_64("foobar") == 0x85944171f73967e8ULL);
}

TEST_CASE("temporary names are deterministic, short and recognisable", "[key_path]") {
  const std::string name = temp_name_for("a.bin", "dir/a.bin");
  CHECK(name == ".caios2dfs-9d979b1c54eed297.part");
  CHECK(temp_name_for("a.bin", "dir/a.bin") == name);
  CHECK(temp_name_for("a.bin", "other/a.bin") != name);
  CHECK(temp_name_for(std::string(255, 'n'), std::string(4000, 'k')).size() <= kMaxNameBytes);
  CHECK(temp_name_for("", "").front() == '.');
  CHECK(temp_name_for("", "") == ".caios2dfs-cbf29ce484222325.part");

  CHECK(is_temp_name(name));
  CHECK(is_temp_name(temp_name_for("x", "y")));
  CHECK_FALSE(is_temp_name("a.bin"));
  CHECK(is_temp_name(state_name_for("y")));
  CHECK(state_name_for("y").substr(0, 27) == temp_name_for("x", "y").substr(0, 27));
  CHECK_FALSE(is_temp_name(".caios2dfs-9D979B1C54EED297.part"));  // we only write lowercase
  CHECK_FALSE(is_temp_name(".caios2dfs-9d979b1c54eed29.part"));
  CHECK_FALSE(is_temp_name(".caios2dfs-9d979b1c54eed297.parts"));
  CHECK_FALSE(is_temp_name(".caios2dfs-9d979b1c54eed2g7.part"));
  CHECK_FALSE(is_temp_name("x.caios2dfs-9d979b1c54eed297.part"));
}

TEST_CASE("parent_directory drops the last component", "[key_path]") {
  CHECK(parent_directory("a/b/c") == "a/b");
  CHECK(parent_directory("a/b") == "a");
  CHECK(parent_directory("c") == "");
  CHECK(parent_directory("") == "");
}
