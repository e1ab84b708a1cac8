// The listing's policy when many pages are listed at once (--checkers), pure
// and unit-tested without network or MPI: which ListObjectsV2 pages to ask
// for next, and how the key space under SOURCE is cut so that every key is
// listed exactly once, with no gap and no duplicate.
//
// The frontier is a set of cursors, each an open range of the key space:
// keys under `prefix`, after `start_after`, up to and including `last`. A
// page request continues one cursor. Two ways to cut:
//  - on "/" (delimiter listing): each common prefix a page names becomes a
//    cursor of its own, once, whichever range named it (a prefix straddling
//    two ranges is named by both). Subtrees are listed whole (no delimiter)
//    once enough cursors are open, so a tree of many small directories does
//    not cost a page per directory;
//  - by key range: a cursor whose page came back full, while fewer cursors
//    are open than pages may be in flight, is cut after its page's last key
//    L at boundaries L[0..p) + c for the characters c above L[p] among those
//    the page's keys use where they vary. p is the position where they
//    start to differ, moved up towards the prefix until a character above
//    L[p] exists: zero-padded numbers and hex names split where they vary, and
//    the range beyond the last boundary is cut again when its own page is
//    full. Ranges tile: (L, b1], (b1, b2], ..., (bk, last].
// A page may run past its cursor's range (the store does not know it): the
// keys beyond `last` are dropped here, since the next range lists them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace caios {

/// One open range of the key space, and the page to ask for it next.
struct ListCursor {
  std::uint64_t id = 0;
  std::string prefix;       ///< ListObjectsV2 prefix
  bool delimited = false;   ///< delimiter "/": fan out on common prefixes
  std::string start_after;  ///< exclusive lower bound (the first page only)
  std::string token;        ///< continuation token of the next page ("": the first)
  std::optional<std::string> last;  ///< inclusive upper bound; nullopt: the end of `prefix`
};

/// What a page said, as the frontier needs it (keys and prefixes in order).
struct ListedPage {
  std::vector<std::string_view> keys;
  std::vector<std::string_view> prefixes;  ///< common prefixes (delimited cursors)
  bool truncated = false;
  std::string_view next_token;
};

/// What to do with a page's keys and prefixes.
struct PageVerdict {
  std::size_t keys = 0;  ///< the leading keys that belong to the cursor (the rest are another's)
  /// A truncated page with no token and no key to continue after: the
  /// store gave no way on, so the cursor ends and the listing is incomplete.
  bool stuck = false;
};

class ListFrontier {
 public:
  /// The key space under `prefix` (SOURCE's, "" for the bucket), listed
  /// with at most `parallel` pages in flight (--checkers, at least 1; 1
  /// lists one page after another, as a single lister does).
  ListFrontier(std::string prefix, std::size_t parallel);
  /// The same over several disjoint prefixes (a filter's listing roots).
  ListFrontier(const std::vector<std::string>& prefixes, std::size_t parallel);

  /// The next page to ask for (its cursor is then in flight), or nullopt
  /// when none may go now: all in flight, or `parallel` reached.
  std::optional<ListCursor> take();
  /// The page of cursor `id` arrived: the cursor continues, is cut, or
  /// ends; new cursors for its prefixes.
  PageVerdict page_done(std::uint64_t id, const ListedPage& page);
  /// The cursor's page failed for good: it is dropped (the listing is then
  /// incomplete, which the caller reports).
  void page_failed(std::uint64_t id);

  bool done() const { return ready_.empty() && in_flight_.empty(); }
  std::size_t in_flight() const { return in_flight_.size(); }
  std::size_t open() const { return ready_.size() + in_flight_.size(); }

 private:
  void add(std::string prefix, bool delimited, std::string start_after, std::optional<std::string> last);
  void cut(ListCursor& cursor, const ListedPage& page, std::size_t keys);

  std::size_t parallel_;
  std::uint64_t next_id_ = 0;
  std::deque<ListCursor> ready_;
  std::unordered_map<std::uint64_t, ListCursor> in_flight_;
  std::unordered_set<std::string> prefixes_seen_;  ///< common prefixes given a cursor
};

/// The boundaries to cut (after, last] at, after a full page whose keys
/// (sorted, all under `prefix`) end with `after`: see the file comment.
/// Empty when no boundary lies inside the range. Pure, for the tests.
std::vector<std::string> split_points(std::string_view prefix, const std::vector<std::string_view>& keys,
                                      const std::optional<std::string>& last);

}  // namespace caios
