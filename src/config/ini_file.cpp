// INI files as rclone and the AWS SDKs read them. See ini_file.hpp for the
// contract. Pure: no file system, no environment.
#include "caios2dfs/config/ini_file.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "caios2dfs/base/text.hpp"

namespace caios {

const IniSection* IniFile::find(std::string_view name) const {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<std::string> IniFile::section_names() const {
  std::vector<std::string> names;
  for (const auto& s : sections) names.push_back(s.name);
  return names;
}

namespace {

// "PATH:LINE: what", the position of a parse error. Never the line itself: it
// may be a secret pasted without its key.
Error line_error(const std::string& path, int line_number, const std::string& what) {
  return config_error("parse config", path, path + ":" + std::to_string(line_number) + ": " + what);
}

// rclone writes "# Encrypted rclone configuration File" then
// "RCLONE_ENCRYPT_V0:<base64>"; the latter would otherwise parse as a key.
bool is_encryption_marker(std::string_view line) {
  return line == "# Encrypted rclone configuration File" || line.substr(0, 16) == "RCLONE_ENCRYPT_V";
}

Error encrypted_error(const std::string& path) {
  return config_error("rclone config", path,
                      "rclone config " + path +
                          " is encrypted and caios2dfs cannot decrypt it; write a plain copy with "
                          "`rclone config show > plain.conf && chmod 600 plain.conf` and pass "
                          "--config plain.conf, or define the remote with RCLONE_CONFIG_<REMOTE>_* "
                          "environment variables");
}

// The section named `name`, created at the end when new: goconfig merges
// repeated sections.
IniSection& section_named(IniFile& file, const std::string& name) {
  for (auto& s : file.sections)
    if (s.name == name) return s;
  return file.sections.emplace_back(IniSection{name, {}});
}

// "key = value" or "key: value" (trimmed `line`), with goconfig's quoting:
// `value` and """value""" keep inner white space.
Result<IniEntry> parse_entry(std::string_view line, const std::string& path, int line_number) {
  const auto sep = line.find_first_of("=:");
  if (sep == std::string_view::npos || sep == 0) {
    return line_error(path, line_number, "expected 'key = value', '[section]' or a comment");
  }
  IniEntry entry;
  entry.key = std::string(trim(line.substr(0, sep)));
  std::string_view value = trim(line.substr(sep + 1));
  const std::string_view quote = value.size() >= 2 && value.front() == '`'                ? "`"
                                 : value.size() >= 6 && value.substr(0, 3) == "\"\"\"" ? "\"\"\""
                                                                                         : "";
  if (!quote.empty()) {
    const auto close = value.substr(quote.size()).rfind(quote);
    if (close == std::string_view::npos) {
      return line_error(path, line_number,
                        "unterminated " + std::string(quote) + " quote in the value of '" + entry.key + "'");
    }
    value = value.substr(quote.size(), close);
  }
  entry.value = std::string(value);
  entry.line = line_number;
  return entry;
}

}  // namespace

Result<IniFile> parse_ini(std::string_view text, std::string_view path) {
  IniFile file;
  file.path = std::string(path);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM

  IniSection* current = nullptr;
  std::string nest_parent;  // AWS: key with an empty value that opens an indented block
  int line_number = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto end = std::min(text.find('\n', pos), text.size());
    const std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const std::string_view line = trim(raw);
    if (line.empty()) continue;
    if (is_encryption_marker(line)) return encrypted_error(file.path);
    if (line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      const std::string name(trim(line.substr(1, line.size() - 2)));
      if (name.empty()) return line_error(file.path, line_number, "empty section name []");
      current = &section_named(file, name);
      nest_parent.clear();
      continue;
    }
    Result<IniEntry> entry = parse_entry(line, file.path, line_number);
    if (!entry) return std::move(entry).error();
    const bool indented = !raw.empty() && is_space(raw.front());
    if (indented && !nest_parent.empty()) {
      entry->subsection = nest_parent;
    } else {
      nest_parent = entry->value.empty() ? entry->key : std::string();
    }
    if (!current) current = &section_named(file, "DEFAULT");
    current->entries.push_back(std::move(entry).value());
  }
  return file;
}

Result<IniFile> parse_ini(const TextFile& file) {
  auto parsed = parse_ini(file.text, file.path);
  if (parsed) parsed->readable_by_others = file.readable_by_others;
  return parsed;
}

}  // namespace caios
