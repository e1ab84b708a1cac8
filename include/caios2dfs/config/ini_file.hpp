// INI files as both rclone (goconfig) and the AWS SDKs write them: sections,
// "key = value" or "key: value" entries, whole-line comments, and AWS's
// indented nested blocks ("s3 =\n  addressing_style = path").
//
// Pure: parse_ini takes text and returns values; reading the file is the
// caller's job (read_text_file in text_file.hpp). The parser keeps every
// entry as written (keys case-sensitive, repeated keys all kept); which
// spelling wins is the reader's business (rclone and AWS differ), see
// remote_config.hpp and aws_config.hpp.
//
// Line contents are never quoted in errors, because the offending line may
// hold a secret.
// Spec: https://rclone.org/docs/#config-file
// AWS: https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/config/text_file.hpp"

namespace caios {

struct IniEntry {
  std::string key;    ///< as written (trimmed)
  std::string value;  ///< trimmed; `...` and """...""" quoting removed as goconfig does
  /// AWS nested form: for "s3 =\n  addressing_style = path" the inner entry
  /// has subsection "s3". Empty for ordinary entries.
  std::string subsection;
  int line = 0;  ///< 1-based line number in the file
};

struct IniSection {
  std::string name;  ///< text between the brackets, trimmed
  std::vector<IniEntry> entries;  ///< in file order; a repeated key: the last one wins
};

struct IniFile {
  std::string path;  ///< for messages only
  bool readable_by_others = false;
  std::vector<IniSection> sections;  ///< in file order; repeated headers are merged

  /// The section named exactly `name`, or nullptr.
  const IniSection* find(std::string_view name) const;
  std::vector<std::string> section_names() const;
};

/// Parse an INI file as rclone (goconfig) and the AWS SDKs read theirs.
/// Lines before the first section header go to a section named "DEFAULT".
/// Errors (kind config): an encrypted rclone config (tells how to get a plain
/// copy), a line that is neither a comment, a [section] nor key = value (the
/// message gives the line number, not the line).
Result<IniFile> parse_ini(std::string_view text, std::string_view path);
/// Same, keeping the file's readable_by_others flag for permission warnings.
Result<IniFile> parse_ini(const TextFile& file);

}  // namespace caios
