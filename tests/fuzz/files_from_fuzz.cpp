// Fuzz target: FilesFromParser and format_files_from_line
// (copy/files_from.hpp). Input: two bytes that seed the chunk sizes, then
// the --files-from text.
// Property: no crash and no sanitizer report; the text fed in chunks of
// random sizes (empty ones too) gives the same paths as fed whole; finish()
// leaves the parser empty, so feeding the text again gives the same paths
// again; each path is non-empty, has no '\n', does not start or end with '/';
// and a path that format_files_from_line accepts reads back as itself alone.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/copy/files_from.hpp"
#include "fuzz_support.hpp"

using namespace caios;
using Paths = std::vector<std::string>;

namespace {

Paths parse_whole(std::string_view text) {
  FilesFromParser parser;
  Paths paths;
  parser.feed(text, paths);
  parser.finish(paths);
  return paths;
}

// Chunks of 0 to 15 bytes, from a xorshift generator seeded by the input.
Paths parse_in_chunks(FilesFromParser& parser, std::string_view text, std::uint32_t seed) {
  Paths paths;
  std::uint32_t state = seed | 1;
  while (!text.empty()) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    const std::size_t chunk = state % 16;
    parser.feed(text.substr(0, chunk), paths);
    text.remove_prefix(std::min(chunk, text.size()));
  }
  parser.finish(paths);
  return paths;
}

void check_path(const std::string& path) {
  fuzz::check(!path.empty(), "paths are non-empty");
  fuzz::check(path.find('\n') == std::string::npos, "paths hold no newline");
  fuzz::check(path.front() != '/' && path.back() != '/', "paths do not start or end with '/'");
  if (const auto line = format_files_from_line(path)) {
    fuzz::check(parse_whole(*line) == Paths{path}, "a formatted line reads back as its path");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint32_t seed = data[0] | (static_cast<std::uint32_t>(data[1]) << 8);
  const std::string_view text = fuzz::as_text(data + 2, size - 2);
  const Paths whole = parse_whole(text);
  FilesFromParser parser;
  fuzz::check(parse_in_chunks(parser, text, seed) == whole, "chunked input gives the same paths as whole");
  fuzz::check(parse_in_chunks(parser, text, seed + 1) == whole, "a finished parser can be reused");
  for (const std::string& path : whole) check_path(path);
  if (const auto line = format_files_from_line(text)) {
    fuzz::check(parse_whole(*line) == Paths{std::string(text)}, "a formatted line reads back as its path");
  }
  return 0;
}
