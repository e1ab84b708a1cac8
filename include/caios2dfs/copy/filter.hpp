// rclone's --include / --exclude filters (https://rclone.org/filtering/),
// applied to an object's path relative to the source root (the
// relative_path of key_path.hpp). Pure.
//
// Glob syntax, as rclone's:
//   *        any run of characters except '/'
//   **       any run of characters, '/' included
//   ?        one character except '/'
//   [a-z] [abc] [!a-z] [^a-z]
//            one character (not '/') in / not in the class; a ']' right
//            after '[' or '[!' is a member; '\' escapes inside a class too
//   {a,b*}   alternatives, which may contain globs but not other braces
//   \c       the character c itself
// A pattern starting with '/' is anchored at the source root; any other
// pattern matches at the end of the path on whole path elements ("b/x.bin"
// matches "a/b/x.bin" but not "ab/x.bin"). A pattern ending in '/' names a
// directory and matches everything under it ("dir/" is "dir/**").
// Characters are UTF-8 code points, so '?' matches "é"; bytes that are not
// valid UTF-8 count as one character each. Matching is case-sensitive.
//
// Differences from rclone, both for patterns that rclone reads as regexps:
// character classes never match '/', and {{regexp}} is refused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "caios2dfs/base/error.hpp"

namespace caios {

/// One compiled glob. Matching costs O(pattern length x path length) and
/// never backtracks, so "**a**a**a..." cannot blow up.
class Glob {
 public:
  /// Errors (kind config, operation "parse filter", subject the pattern)
  /// for an empty pattern, an unclosed '[' or '{', a stray ']' or '}', a
  /// '{' inside braces, "***", a trailing '\', a reversed range such as
  /// [z-a], or more than 1024 alternatives in total; the message says what
  /// to write instead.
  static Result<Glob> compile(std::string_view pattern);

  /// Whether the glob matches `relative_path` (no leading '/').
  bool matches(std::string_view relative_path) const;

  const std::string& pattern() const noexcept { return pattern_; }

 private:
  enum class TokenKind : std::uint8_t { literal, any_char, char_class, star, double_star, accept };
  struct Token {
    TokenKind kind = TokenKind::literal;
    std::uint32_t value = 0;  // the character for literal, the class index for char_class
    // Last state reachable from this one without consuming input: stars
    // match the empty string, so entering a run of stars enters all of them
    // and the token after.
    std::uint32_t closure_end = 0;
  };
  struct CharClass {
    bool negated = false;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;  // inclusive
  };
  friend class GlobParser;

  bool token_accepts(const Token& token, std::uint32_t character) const;

  std::string pattern_;
  bool anchored_ = false;
  // All brace alternatives, expanded and concatenated, each closed by an
  // `accept` token; they are simulated together as one NFA whose states are
  // token positions.
  std::vector<Token> tokens_;
  std::vector<CharClass> classes_;
  std::vector<std::uint64_t> start_states_;  // start positions plus what they reach without input
};

struct FilterRule {
  bool include = true;  ///< true for --include, false for --exclude
  std::string pattern;
};

/// An ordered list of --include / --exclude rules. Immutable once compiled,
/// so one instance may be shared by threads.
class PathFilter {
 public:
  /// No rules: includes everything.
  PathFilter() = default;

  /// Rules in command-line order. Errors as Glob::compile, with the message
  /// naming the flag ("--include pattern ...").
  static Result<PathFilter> compile(std::vector<FilterRule> rules);

  /// rclone's decision for a file: the first rule (in order) whose pattern
  /// matches decides; when none matches, the path is included unless there
  /// is at least one include rule (rclone adds an implicit "exclude **").
  bool included(std::string_view relative_path) const;

  bool empty() const noexcept { return rules_.empty(); }

  /// Where a listing must look (key prefixes relative to the source root,
  /// as rclone prunes its walk): with include rules that are all anchored
  /// ("/train/**", "/2024-*"), no path outside their literal beginnings
  /// ("train/", "2024-") can be included, so only those are listed, none
  /// inside another. {""} (everything) otherwise.
  std::vector<std::string> listing_roots() const;

 private:
  struct CompiledRule {
    bool include;
    Glob glob;
  };
  std::vector<CompiledRule> rules_;
  bool has_include_rule_ = false;
};

}  // namespace caios
