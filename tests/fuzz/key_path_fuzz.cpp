// Fuzz target: map_key_to_path (copy/key_path.hpp), the only guard between
// object keys, which anyone who can write to the bucket chooses, and the
// local file system. Input: one byte N, then a source prefix of N bytes (or
// what remains), then the key.
// Property: no crash and no sanitizer report, and the contract of the header:
// an accepted path is relative ('/'-separated, not starting or ending with
// '/'), has no empty, "." or ".." component, no NUL, no component over
// kMaxNameBytes or of the temporary-file form, is at most
// kMaxRelativePathBytes long, is not in the staging directory, and is empty
// only for the marker of DEST itself; it is the key with the prefix cut off
// (and a directory marker's trailing '/'), never a rewritten name. A refusal
// is kind invalid_key, operation "map key", subject the key, "skipped: ...".
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caios2dfs/copy/key_path.hpp"
#include "fuzz_support.hpp"

using namespace caios;

namespace {

void check_component(std::string_view component, bool top) {
  fuzz::check(!component.empty(), "no empty component");
  fuzz::check(component != "." && component != "..", "no '.' or '..' component");
  fuzz::check(component.size() <= kMaxNameBytes, "no component over NAME_MAX");
  fuzz::check(!is_temp_name(component), "no component of the temporary-file form");
  fuzz::check(!top || component != kStagingDirectory, "nothing in the staging directory");
}

void check_relative_path(std::string_view path) {
  fuzz::check(path.size() <= kMaxRelativePathBytes, "the path fits PATH_MAX");
  fuzz::check(path.find('\0') == std::string_view::npos, "no NUL in the path");
  fuzz::check(path.front() != '/' && path.back() != '/', "the path is relative, without a trailing '/'");
  std::size_t start = 0;
  for (bool top = true;; top = false) {
    const std::size_t slash = path.find('/', start);
    check_component(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start),
                    top);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

void check_accepted(std::string_view key, std::string_view prefix, const MappedKey& mapped) {
  const std::string& path = mapped.relative_path;
  const bool marker = mapped.kind == KeyKind::directory_marker;
  fuzz::check(marker == (!key.empty() && key.back() == '/'), "directory markers are the keys ending in '/'");
  if (path.empty()) {
    fuzz::check(marker && key == normalize_source_prefix(prefix), "only the marker of DEST maps to DEST");
    return;
  }
  check_relative_path(path);
  fuzz::check(key == normalize_source_prefix(prefix) + path + (marker ? "/" : ""),
              "the path is the key below the prefix, not rewritten");
  const Result<MappedKey> again = map_key_to_path(path, "");
  fuzz::check(again.ok() && again->relative_path == path && again->kind == KeyKind::file,
              "an accepted path maps to itself as a key without a prefix");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  const std::string_view prefix = rest.substr(0, data[0]);
  const std::string_view key = rest.substr(prefix.size());
  const Result<MappedKey> mapped = map_key_to_path(key, prefix);
  if (mapped.ok()) {
    check_accepted(key, prefix, mapped.value());
    return 0;
  }
  const Error& error = mapped.error();
  fuzz::check(error.kind == ErrorKind::invalid_key && error.operation == "map key" && error.subject == key &&
                  error.message.rfind("skipped: ", 0) == 0,
              "a refusal is an invalid_key Error of 'map key' on the key, saying 'skipped: '");
  return 0;
}
