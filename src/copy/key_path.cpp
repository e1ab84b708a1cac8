// Object key -> path under DEST. See key_path.hpp.
#include "caios2dfs/copy/key_path.hpp"

#include <cstdint>

namespace caios {
namespace {

constexpr std::string_view kTempPrefix = ".caios2dfs-";
constexpr std::string_view kTempSuffix = ".part";
constexpr std::string_view kStateSuffix = ".state";
constexpr std::size_t kTempHashDigits = 16;

Error refuse(std::string_view key, std::string reason) {
  Error e;
  e.kind = ErrorKind::invalid_key;
  e.operation = "map key";
  e.subject = std::string(key);
  e.message = "skipped: " + std::move(reason);
  return e;
}

// Checks one component of a relative path; returns the refusal reason or "".
std::string component_problem(std::string_view component) {
  if (component.empty()) return "the key has an empty path component ('//'), which POSIX paths cannot keep";
  if (component == "." || component == "..") {
    return "the key has a '" + std::string(component) +
           "' path component, which could point outside the destination";
  }
  if (component.size() > kMaxNameBytes) {
    return "a path component is " + std::to_string(component.size()) + " bytes long, above the " +
           std::to_string(kMaxNameBytes) + "-byte file name limit (NAME_MAX)";
  }
  if (is_temp_name(component)) {
    return "a path component has the form of caios2dfs's temporary files, which reruns overwrite";
  }
  return {};
}

}  // namespace

std::string normalize_source_prefix(std::string_view prefix) {
  std::string normalized(prefix);
  if (!normalized.empty() && normalized.back() != '/') normalized += '/';
  return normalized;
}

Result<MappedKey> map_key_to_path(std::string_view key, std::string_view prefix) {
  const std::string normalized_prefix = normalize_source_prefix(prefix);
  if (key.substr(0, normalized_prefix.size()) != normalized_prefix) {
    return refuse(key, "the key is not under the source prefix '" + normalized_prefix + "'");
  }
  std::string_view relative = key.substr(normalized_prefix.size());

  MappedKey mapped;
  if (relative.empty()) {
    // The key equals a non-empty prefix ("dir/"): the marker of DEST itself.
    // With an empty prefix this is the empty key, which names nothing.
    if (normalized_prefix.empty()) return refuse(key, "the key is empty");
    mapped.kind = KeyKind::directory_marker;
    return mapped;
  }
  if (relative.size() > kMaxRelativePathBytes) {
    return refuse(key, "the path below the prefix is " + std::to_string(relative.size()) +
                           " bytes long, above the " + std::to_string(kMaxRelativePathBytes) +
                           "-byte path limit (PATH_MAX)");
  }
  if (relative.find('\0') != std::string_view::npos) {
    return refuse(key, "the key contains a NUL byte, which POSIX file names cannot hold");
  }
  if (relative.front() == '/') {
    return refuse(key, "the path below the prefix starts with '/', which would be an absolute path");
  }
  if (relative.back() == '/') {
    mapped.kind = KeyKind::directory_marker;
    relative.remove_suffix(1);
  }

  if (relative.substr(0, relative.find('/')) == kStagingDirectory) {
    return refuse(key, "its top directory " + std::string(kStagingDirectory) +
                           " is caios2dfs's staging area in DEST, emptied at the end of every run");
  }
  // Every component is checked, so no sequence of them can climb above DEST.
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = relative.find('/', start);
    const std::string_view component =
        relative.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (std::string problem = component_problem(component); !problem.empty()) return refuse(key, std::move(problem));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  mapped.relative_path = std::string(relative);
  return mapped;
}

std::uint64_t fnv1a_64(std::string_view bytes) noexcept {
  std::uint64_t hash = 14695981039346656037ULL;  // FNV offset basis
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;  // FNV prime
  }
  return hash;
}

namespace {

std::string hashed_name(std::string_view key, std::string_view suffix) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::uint64_t hash = fnv1a_64(key);
  std::string name(kTempPrefix);
  name.resize(kTempPrefix.size() + kTempHashDigits);
  for (std::size_t i = 0; i < kTempHashDigits; ++i) {
    name[name.size() - 1 - i] = kHexDigits[hash & 0xF];
    hash >>= 4;
  }
  name += suffix;
  return name;
}

bool is_hashed_name(std::string_view file_name, std::string_view suffix) {
  if (file_name.size() != kTempPrefix.size() + kTempHashDigits + suffix.size()) return false;
  if (file_name.substr(0, kTempPrefix.size()) != kTempPrefix) return false;
  if (file_name.substr(file_name.size() - suffix.size()) != suffix) return false;
  for (const char c : file_name.substr(kTempPrefix.size(), kTempHashDigits)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string temp_name_for(std::string_view /*final_name*/, std::string_view key) {
  return hashed_name(key, kTempSuffix);
}

std::string state_name_for(std::string_view key) { return hashed_name(key, kStateSuffix); }

bool is_temp_name(std::string_view file_name) {
  return is_hashed_name(file_name, kTempSuffix) || is_hashed_name(file_name, kStateSuffix);
}

std::string_view parent_directory(std::string_view relative_path) {
  const std::size_t slash = relative_path.rfind('/');
  if (slash == std::string_view::npos) return {};
  return relative_path.substr(0, slash);
}

}  // namespace caios
