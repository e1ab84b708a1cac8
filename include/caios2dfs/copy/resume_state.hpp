// What a rerun needs to fetch only the bytes an interrupted run did not
// write into a chunked object's temporary file: the byte ranges written,
// kept in a small text file beside it (key_path.hpp: state_name_for), with
// the object's size, ETag and Last-Modified, so that a changed object starts
// over. Rank 0 is the file's only writer; it appends one line per chunk
// that a rank reports written (whole, or as far as it got when the job
// stopped), each with one write(2), so a killed run leaves whole lines and
// at most a cut last one, which the reader ignores.
//
// The format (text, one record per line):
//   caios2dfs-resume 1 size=SIZE mtime_ns=NS etag=ETAG
//   w OFFSET LENGTH
//   ...
// Pure: no file-system calls here (destination.hpp reads and writes it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace caios {

struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint64_t end() const { return offset + length; }
  bool operator==(const ByteRange&) const = default;
};

/// What must still be true of the object for its written ranges to count.
struct ObjectIdentity {
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t mtime_ns = 0;
  bool operator==(const ObjectIdentity&) const = default;
};

/// Disjoint, sorted byte ranges; adjacent and overlapping ones merge.
class RangeSet {
 public:
  void add(ByteRange range);
  const std::vector<ByteRange>& ranges() const { return ranges_; }
  std::uint64_t bytes() const;
  /// The ranges of [0, size) not in the set, in order, each widened to
  /// whole blocks of `alignment` bytes (within the object), so that their
  /// writes can stay O_DIRECT.
  std::vector<ByteRange> missing(std::uint64_t size, std::uint64_t alignment = 1) const;

 private:
  std::vector<ByteRange> ranges_;
};

struct ResumeState {
  ObjectIdentity identity;
  RangeSet written;
};

/// The first line of a new state file.
std::string state_header(const ObjectIdentity& identity);
/// The line that records `range` as written.
std::string state_line(ByteRange range);
/// The state in `text`; nullopt when its header is missing or not this
/// format, or a range lies outside the object (then the state is not
/// trusted at all). A last line without its newline is ignored.
std::optional<ResumeState> parse_state(std::string_view text);

}  // namespace caios
