// The listing's frontier; see list_frontier.hpp.
#include "caios2dfs/copy/list_frontier.hpp"

#include <algorithm>
#include <array>

namespace caios {

namespace {

/// The length of the UTF-8 character that starts with `lead`, and the range
/// its second byte must be in (no overlong forms, no surrogates, nothing
/// above U+10FFFF); 0 for a byte that never leads.
struct Lead {
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
};
Lead utf8_lead(unsigned char lead) {
  if (lead < 0x80) return {1};
  if (lead >= 0xC2 && lead <= 0xDF) return {2};
  if (lead >= 0xE0 && lead <= 0xEF) {
    return {3, static_cast<unsigned char>(lead == 0xE0 ? 0xA0 : 0x80), static_cast<unsigned char>(lead == 0xED ? 0x9F : 0xBF)};
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    return {4, static_cast<unsigned char>(lead == 0xF0 ? 0x90 : 0x80), static_cast<unsigned char>(lead == 0xF4 ? 0x8F : 0xBF)};
  }
  return {};
}

/// Make `point` whole UTF-8: its last character, when cut short, becomes
/// the smallest one that starts with its bytes. False when that cannot be
/// (bytes that start no character, or invalid before the end). S3 keys and
/// start-after are UTF-8: a store may refuse half a character or, worse,
/// read it as something else and skip keys. No valid key lies between a
/// partial character and its smallest completion, so ranges still tile.
bool complete_utf8(std::string& point) {
  std::size_t at = 0;
  while (at < point.size()) {
    const Lead lead = utf8_lead(static_cast<unsigned char>(point[at]));
    if (lead.length == 0) return false;
    for (std::size_t i = 1; i < lead.length; ++i) {
      if (at + i == point.size()) {  // cut short here: complete it
        point.push_back(static_cast<char>(i == 1 ? lead.low : 0x80));
        continue;
      }
      const auto byte = static_cast<unsigned char>(point[at + i]);
      const unsigned char low = i == 1 ? lead.low : 0x80;
      const unsigned char high = i == 1 ? lead.high : 0xBF;
      if (byte < low || byte > high) return false;
    }
    at += lead.length;
  }
  return true;
}

}  // namespace

std::vector<std::string> split_points(std::string_view prefix, const std::vector<std::string_view>& keys,
                                      const std::optional<std::string>& last) {
  if (keys.empty()) return {};
  const std::string_view first = keys.front();
  const std::string_view after = keys.back();
  if (after.size() <= prefix.size()) return {};
  const std::size_t differ = static_cast<std::size_t>(
      std::mismatch(first.begin(), first.end(), after.begin(), after.end()).second - after.begin());
  // The characters the page's keys use where they vary (past the prefix for
  // a page of one key): the alphabet of the keys beyond it, most likely.
  std::array<bool, 256> used{};
  const std::size_t from = differ < after.size() ? differ : prefix.size();
  for (const std::string_view key : keys) {
    for (std::size_t i = from; i < key.size(); ++i) used[static_cast<unsigned char>(key[i])] = true;
  }
  for (std::size_t p = std::min(differ, after.size() - 1) + 1; p-- > prefix.size();) {
    std::vector<std::string> points;
    for (unsigned c = static_cast<unsigned char>(after[p]) + 1; c < 256; ++c) {
      if (!used[c]) continue;
      std::string point(after.substr(0, p));
      point.push_back(static_cast<char>(c));
      if (!complete_utf8(point)) continue;
      if (last && point >= *last) break;  // (point, last] would be empty
      if (!points.empty() && point <= points.back()) continue;
      points.push_back(std::move(point));
    }
    if (!points.empty()) return points;
  }
  return {};
}

ListFrontier::ListFrontier(std::string prefix, std::size_t parallel)
    : ListFrontier(std::vector<std::string>{std::move(prefix)}, parallel) {}

ListFrontier::ListFrontier(const std::vector<std::string>& prefixes, std::size_t parallel)
    : parallel_(std::max<std::size_t>(parallel, 1)) {
  // One at a time, a flat listing takes the fewest pages; with more, the
  // first level fans out on "/".
  for (const std::string& prefix : prefixes) add(prefix, parallel_ > 1, "", std::nullopt);
}

void ListFrontier::add(std::string prefix, bool delimited, std::string start_after, std::optional<std::string> last) {
  ListCursor cursor;
  cursor.id = next_id_++;
  cursor.prefix = std::move(prefix);
  cursor.delimited = delimited;
  cursor.start_after = std::move(start_after);
  cursor.last = std::move(last);
  ready_.push_back(std::move(cursor));
}

std::optional<ListCursor> ListFrontier::take() {
  if (ready_.empty() || in_flight_.size() >= parallel_) return std::nullopt;
  ListCursor cursor = std::move(ready_.front());
  ready_.pop_front();
  in_flight_.emplace(cursor.id, cursor);
  return cursor;
}

void ListFrontier::page_failed(std::uint64_t id) { in_flight_.erase(id); }

PageVerdict ListFrontier::page_done(std::uint64_t id, const ListedPage& page) {
  PageVerdict verdict;
  auto found = in_flight_.find(id);
  if (found == in_flight_.end()) return verdict;
  ListCursor cursor = std::move(found->second);
  in_flight_.erase(found);

  const auto& keys = page.keys;
  verdict.keys = cursor.last ? static_cast<std::size_t>(std::upper_bound(keys.begin(), keys.end(),
                                                                         std::string_view(*cursor.last)) -
                                                        keys.begin())
                             : keys.size();
  bool beyond = verdict.keys < keys.size();
  for (const std::string_view common : page.prefixes) {
    // A prefix past the range is the next range's to name.
    if (cursor.last && common > std::string_view(*cursor.last)) {
      beyond = true;
      continue;
    }
    if (prefixes_seen_.emplace(common).second) {
      // Whole subtrees once enough cursors are open: a page per directory
      // would cost more than it gains.
      add(std::string(common), open() < parallel_, "", std::nullopt);
    }
  }
  if (!page.truncated || beyond) return verdict;
  if (!page.next_token.empty()) {
    cursor.token = std::string(page.next_token);
    cursor.start_after.clear();
  } else if (verdict.keys > 0) {
    // A store that pages without a token still pages by key.
    cursor.token.clear();
    cursor.start_after = std::string(keys[verdict.keys - 1]);
  } else {
    verdict.stuck = true;  // nothing to continue from: the caller reports it
    return verdict;
  }
  if (open() + 1 < parallel_ && verdict.keys > 0) cut(cursor, page, verdict.keys);
  ready_.push_back(std::move(cursor));
  return verdict;
}

void ListFrontier::cut(ListCursor& cursor, const ListedPage& page, std::size_t keys) {
  const std::vector<std::string_view> listed(page.keys.begin(), page.keys.begin() + static_cast<std::ptrdiff_t>(keys));
  std::vector<std::string> points = split_points(cursor.prefix, listed, cursor.last);
  if (points.empty()) return;
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::optional<std::string> last = i + 1 < points.size() ? std::optional<std::string>(points[i + 1]) : cursor.last;
    add(cursor.prefix, cursor.delimited, points[i], std::move(last));
  }
  cursor.last = std::move(points.front());
}

}  // namespace caios
