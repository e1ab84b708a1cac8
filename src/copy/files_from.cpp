// --files-from lists. See files_from.hpp.
#include "caios2dfs/copy/files_from.hpp"

namespace caios {
namespace {

// Byte length of the white-space character starting at `pos`, or 0. The set
// is Go's unicode.IsSpace, so we trim exactly what rclone trims.
std::size_t space_length_at(std::string_view text, std::size_t pos) {
  auto byte = [&](std::size_t i) { return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i]) : 0u; };
  switch (byte(0)) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': return 1;
    case 0xC2: return byte(1) == 0x85 || byte(1) == 0xA0 ? 2 : 0;                      // U+0085, U+00A0
    case 0xE1: return byte(1) == 0x9A && byte(2) == 0x80 ? 3 : 0;                      // U+1680
    case 0xE3: return byte(1) == 0x80 && byte(2) == 0x80 ? 3 : 0;                      // U+3000
    case 0xE2:
      if (byte(1) == 0x80) {
        const unsigned third = byte(2);
        const bool space = (third >= 0x80 && third <= 0x8A)  // U+2000..U+200A
                           || third == 0xA8 || third == 0xA9  // U+2028, U+2029
                           || third == 0xAF;                  // U+202F
        return space ? 3 : 0;
      }
      return byte(1) == 0x81 && byte(2) == 0x9F ? 3 : 0;  // U+205F
    default: return 0;
  }
}

std::string_view trim_space(std::string_view text) {
  while (std::size_t length = space_length_at(text, 0)) text.remove_prefix(length);
  while (!text.empty()) {
    std::size_t length = 0;
    for (std::size_t candidate = 1; candidate <= 3 && candidate <= text.size() && length == 0; ++candidate) {
      if (space_length_at(text, text.size() - candidate) == candidate) length = candidate;
    }
    if (length == 0) break;
    text.remove_suffix(length);
  }
  return text;
}

// The relative path a line names, or "" when the line names none.
std::string_view path_of_line(std::string_view line) {
  line = trim_space(line);
  if (line.empty() || line.front() == '#' || line.front() == ';') return {};
  if (line.back() == '/') return {};  // a directory, as `rclone lsf -R` lists them
  while (!line.empty() && line.front() == '/') line.remove_prefix(1);
  return line;
}

void take_line(std::string_view line, std::vector<std::string>& out) {
  const std::string_view path = path_of_line(line);
  if (!path.empty()) out.emplace_back(path);
}

}  // namespace

void FilesFromParser::feed(std::string_view chunk, std::vector<std::string>& out) {
  std::size_t newline = chunk.find('\n');
  if (newline == std::string_view::npos) {
    unfinished_line_.append(chunk);
    return;
  }
  // Complete the line carried over from earlier chunks, then take the lines
  // wholly inside this chunk without copying them.
  if (!unfinished_line_.empty()) {
    unfinished_line_.append(chunk.substr(0, newline));
    take_line(unfinished_line_, out);
    unfinished_line_.clear();
  } else {
    take_line(chunk.substr(0, newline), out);
  }
  std::size_t start = newline + 1;
  while ((newline = chunk.find('\n', start)) != std::string_view::npos) {
    take_line(chunk.substr(start, newline - start), out);
    start = newline + 1;
  }
  unfinished_line_.assign(chunk.substr(start));
}

void FilesFromParser::finish(std::vector<std::string>& out) {
  take_line(unfinished_line_, out);
  unfinished_line_.clear();
}

std::optional<std::string> format_files_from_line(std::string_view relative_path) {
  if (relative_path.empty() || relative_path.find('\n') != std::string_view::npos) return std::nullopt;
  if (trim_space(relative_path).size() != relative_path.size()) return std::nullopt;
  const char first = relative_path.front();
  if (first == '#' || first == ';' || first == '/' || relative_path.back() == '/') return std::nullopt;
  std::string line(relative_path);
  line += '\n';
  return line;
}

}  // namespace caios
