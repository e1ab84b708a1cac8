// rclone's --files-from list: one path per line, relative to the source root.
// Pure: the caller reads the file (or stdin) in chunks of any size and feeds
// them here, so a list of millions of lines is never held as one string.
//
// Each line, as rclone reads it: a trailing "\r" (CRLF files) and leading and
// trailing white space are removed (the Unicode white space of Go's
// strings.TrimSpace, which rclone uses); empty lines and lines starting with
// '#' or ';' are skipped; leading '/' are dropped (paths are relative to the
// source root either way). Unlike rclone, a line ending in '/' is skipped:
// `rclone lsf -R` lists directories that way, and we copy files.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caios {

class FilesFromParser {
 public:
  /// Feeds the next chunk of the file; each line completed by it is
  /// appended to `out` as a relative path. A line may span any number of
  /// chunks; the unfinished tail is kept until the next feed() or finish().
  void feed(std::string_view chunk, std::vector<std::string>& out);

  /// Ends the input: a last line without a newline is appended to `out`.
  /// The parser is then empty and may be reused for another file.
  void finish(std::vector<std::string>& out);

 private:
  std::string unfinished_line_;
};

/// The line to write for `relative_path` in a list that --files-from will
/// read back (our failed-keys file): the path followed by "\n". nullopt
/// when the path would not read back as itself: empty, containing '\n',
/// with leading or trailing white space, starting with '#', ';' or '/', or
/// ending in '/'. Callers report such paths some other way.
std::optional<std::string> format_files_from_line(std::string_view relative_path);

}  // namespace caios
