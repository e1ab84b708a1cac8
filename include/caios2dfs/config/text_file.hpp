// A configuration file as the readers get it: path, text and whether users
// other than the owner may read it (for the warning about secrets). The pure
// readers take a TextFile; read_text_file is the shell that makes one.
#pragma once

#include <optional>
#include <string>

namespace caios {

/// A file read by the shell: its path, its contents, and whether users other
/// than the owner may read it (group or other read bit set).
struct TextFile {
  std::string path;
  std::string text;
  bool readable_by_others = false;
};

/// Read a whole file; nullopt when it does not exist or cannot be read.
/// readable_by_others is set from the group/other read bits of its mode.
std::optional<TextFile> read_text_file(const std::string& path);

/// The same; on failure `error_number` says why (ENOENT: no such file,
/// EISDIR: a directory, EACCES, EIO), else it is 0.
std::optional<TextFile> read_text_file(const std::string& path, int& error_number);

}  // namespace caios
