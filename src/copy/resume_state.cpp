#include "caios2dfs/copy/resume_state.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace caios {

namespace {

constexpr std::string_view kMagic = "caios2dfs-resume 1 ";

/// `text` starts with `name` followed by a number and a space (or the end);
/// the number, and `text` advanced past it.
template <typename Number>
std::optional<Number> take_field(std::string_view& text, std::string_view name) {
  if (text.substr(0, name.size()) != name) return std::nullopt;
  text.remove_prefix(name.size());
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return value;
}

std::optional<ObjectIdentity> parse_header(std::string_view line) {
  if (line.substr(0, kMagic.size()) != kMagic) return std::nullopt;
  line.remove_prefix(kMagic.size());
  ObjectIdentity identity;
  const auto size = take_field<std::uint64_t>(line, "size=");
  const auto mtime = take_field<std::int64_t>(line, "mtime_ns=");
  if (!size || !mtime || line.substr(0, 5) != "etag=") return std::nullopt;
  identity.size = *size;
  identity.mtime_ns = *mtime;
  identity.etag = std::string(line.substr(5));
  return identity;
}

}  // namespace

void RangeSet::add(ByteRange range) {
  if (range.length == 0) return;
  // The first range that ends at or after this one's start may touch it.
  auto first = std::lower_bound(ranges_.begin(), ranges_.end(), range.offset,
                                [](const ByteRange& r, std::uint64_t offset) { return r.end() < offset; });
  auto last = first;
  std::uint64_t start = range.offset;
  std::uint64_t end = range.end();
  while (last != ranges_.end() && last->offset <= end) {
    start = std::min(start, last->offset);
    end = std::max(end, last->end());
    ++last;
  }
  first = ranges_.erase(first, last);
  ranges_.insert(first, ByteRange{start, end - start});
}

std::uint64_t RangeSet::bytes() const {
  std::uint64_t total = 0;
  for (const ByteRange& range : ranges_) total += range.length;
  return total;
}

std::vector<ByteRange> RangeSet::missing(std::uint64_t size, std::uint64_t alignment) const {
  std::vector<ByteRange> gaps;
  const auto add_gap = [&](std::uint64_t start, std::uint64_t end) {
    start = start / alignment * alignment;
    end = std::min(size, (end + alignment - 1) / alignment * alignment);
    if (!gaps.empty() && gaps.back().end() >= start) {
      gaps.back().length = end - gaps.back().offset;
    } else {
      gaps.push_back(ByteRange{start, end - start});
    }
  };
  std::uint64_t at = 0;
  for (const ByteRange& range : ranges_) {
    if (range.offset >= size) break;
    if (range.offset > at) add_gap(at, range.offset);
    at = std::max(at, range.end());
  }
  if (at < size) add_gap(at, size);
  return gaps;
}

std::string state_header(const ObjectIdentity& identity) {
  return fmt::format("{}size={} mtime_ns={} etag={}\n", kMagic, identity.size, identity.mtime_ns, identity.etag);
}

std::string state_line(ByteRange range) { return fmt::format("w {} {}\n", range.offset, range.length); }

std::optional<ResumeState> parse_state(std::string_view text) {
  const std::size_t header_end = text.find('\n');
  if (header_end == std::string_view::npos) return std::nullopt;
  std::optional<ObjectIdentity> identity = parse_header(text.substr(0, header_end));
  if (!identity) return std::nullopt;
  ResumeState state{std::move(*identity), {}};
  text.remove_prefix(header_end + 1);
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) break;  // cut by a crash mid-write: not recorded
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    if (line.substr(0, 2) != "w ") return std::nullopt;
    line.remove_prefix(2);
    const auto offset = take_field<std::uint64_t>(line, "");
    const auto length = take_field<std::uint64_t>(line, "");
    if (!offset || !length || !line.empty() || *offset > state.identity.size ||
        *length > state.identity.size - *offset) {
      return std::nullopt;
    }
    state.written.add(ByteRange{*offset, *length});
  }
  return state;
}

}  // namespace caios
