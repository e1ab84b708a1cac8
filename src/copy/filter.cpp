// rclone-style include/exclude globs. See filter.hpp.
//
// A glob compiles to a token list per brace alternative; matching runs all
// alternatives at once as an NFA over token positions (a bit set of active
// states), so its cost is bounded by tokens x characters whatever the
// pattern, unlike a backtracking matcher on "**a**a**a**b".
#include "caios2dfs/copy/filter.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace caios {
namespace {

// Bytes that are not valid UTF-8 map above the Unicode range, so they count
// as one character each and only ever match the same byte.
constexpr std::uint32_t kInvalidByteBase = 0x110000;
constexpr std::size_t kMaxAlternatives = 1024;

// Decodes the character at `pos` and advances past it.
std::uint32_t next_character(std::string_view text, std::size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  std::uint32_t smallest = 0;  // below this the encoding is overlong
  if (lead < 0x80) {
    ++pos;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1Fu, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0Fu, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07u, smallest = 0x10000;
  }
  bool valid = length != 0 && pos + length <= text.size();
  for (std::size_t i = 1; valid && i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[pos + i]);
    valid = (next & 0xC0) == 0x80;
    code_point = (code_point << 6) | (next & 0x3Fu);
  }
  if (valid && code_point >= smallest && code_point <= 0x10FFFF && !(code_point >= 0xD800 && code_point <= 0xDFFF)) {
    pos += length;
    return code_point;
  }
  ++pos;
  return kInvalidByteBase + lead;
}

}  // namespace

// Turns the pattern text into Glob's token list; a friend of Glob.
class GlobParser {
 public:
  GlobParser(std::string_view body, Glob& glob) : body_(body), glob_(glob) {}

  /// Fills glob.tokens_, classes_ and start_states_; returns "" or what is
  /// wrong and how to fix it.
  std::string parse() {
    std::vector<std::vector<Sequence>> segments;  // each: its alternatives
    Sequence plain;
    std::vector<Sequence> alternatives;
    bool in_braces = false;
    while (pos_ < body_.size()) {
      Sequence& target = in_braces ? alternatives.back() : plain;
      const char c = body_[pos_];
      if (c == '*') {
        std::size_t stars = 0;
        while (pos_ < body_.size() && body_[pos_] == '*') ++stars, ++pos_;
        if (stars > 2) return "too many stars: use '*' within a path element or '**' across elements";
        target.push_back({stars == 1 ? TokenKind::star : TokenKind::double_star, 0, 0});
      } else if (c == '?') {
        ++pos_;
        target.push_back({TokenKind::any_char, 0, 0});
      } else if (c == '[') {
        if (std::string problem = parse_class(target); !problem.empty()) return problem;
      } else if (c == ']') {
        return "']' without '[': write '\\]' for a literal ']'";
      } else if (c == '{') {
        if (pos_ + 1 < body_.size() && body_[pos_ + 1] == '{') {
          return "regular expressions ({{...}}) are not supported: use a glob";
        }
        if (in_braces) return "'{' inside '{...}': alternatives cannot be nested; write '\\{' for a literal '{'";
        ++pos_;
        segments.push_back({std::move(plain)});
        plain.clear();
        alternatives.assign(1, {});
        in_braces = true;
      } else if (c == ',' && in_braces) {
        ++pos_;
        alternatives.emplace_back();
      } else if (c == '}') {
        if (!in_braces) return "'}' without '{': write '\\}' for a literal '}'";
        ++pos_;
        segments.push_back(std::move(alternatives));
        alternatives.clear();
        in_braces = false;
      } else {
        if (c == '\\' && ++pos_ == body_.size()) return "'\\' at the end escapes nothing: write '\\\\' for a literal '\\'";
        target.push_back({TokenKind::literal, next_character(body_, pos_), 0});
      }
    }
    if (in_braces) return "unclosed '{': close the alternatives with '}' or write '\\{' for a literal '{'";
    segments.push_back({std::move(plain)});
    return expand(segments);
  }

 private:
  using TokenKind = Glob::TokenKind;
  using Sequence = std::vector<Glob::Token>;

  static bool is_repeat(TokenKind kind) { return kind == TokenKind::star || kind == TokenKind::double_star; }

  // One character inside [...]; '\' escapes. Returns false at the end of the pattern.
  bool class_character(std::uint32_t& character) {
    if (body_[pos_] == '\\' && ++pos_ == body_.size()) return false;
    character = next_character(body_, pos_);
    return pos_ < body_.size();
  }

  std::string parse_class(Sequence& target) {
    static constexpr const char* kUnclosed =
        "unclosed '[': close the character class with ']' or write '\\[' for a literal '['";
    Glob::CharClass char_class;
    ++pos_;  // '['
    if (pos_ < body_.size() && (body_[pos_] == '!' || body_[pos_] == '^')) char_class.negated = true, ++pos_;
    for (bool first = true;; first = false) {
      if (pos_ >= body_.size()) return kUnclosed;
      // A ']' right after the opening is a member, as in POSIX, so "[]]" works.
      if (body_[pos_] == ']' && !first) break;
      std::uint32_t low = 0;
      if (!class_character(low)) return kUnclosed;
      std::uint32_t high = low;
      if (body_[pos_] == '-' && pos_ + 1 < body_.size() && body_[pos_ + 1] != ']') {
        ++pos_;
        if (!class_character(high)) return kUnclosed;
        if (high < low) return "reversed range in '[...]': write the lower character first, as in [a-z]";
      }
      char_class.ranges.emplace_back(low, high);
    }
    ++pos_;  // ']'
    target.push_back({TokenKind::char_class, static_cast<std::uint32_t>(glob_.classes_.size()), 0});
    glob_.classes_.push_back(std::move(char_class));
    return {};
  }

  // Every combination of one alternative per segment, each closed by an
  // accept token, concatenated into one token list.
  std::string expand(const std::vector<std::vector<Sequence>>& segments) {
    std::size_t combinations = 1;
    for (const auto& alternatives : segments) {
      combinations *= alternatives.size();
      if (combinations > kMaxAlternatives) {
        return "more than " + std::to_string(kMaxAlternatives) + " alternatives in total: split the pattern into several rules";
      }
    }
    std::vector<std::size_t> starts;
    std::vector<std::size_t> choice(segments.size(), 0);
    for (std::size_t n = 0; n < combinations; ++n) {
      starts.push_back(glob_.tokens_.size());
      for (std::size_t s = 0; s < segments.size(); ++s) {
        const Sequence& part = segments[s][choice[s]];
        glob_.tokens_.insert(glob_.tokens_.end(), part.begin(), part.end());
      }
      glob_.tokens_.push_back({TokenKind::accept, 0, 0});
      // Odometer: advance the last segment first.
      for (std::size_t s = segments.size(); s-- > 0;) {
        if (++choice[s] < segments[s].size()) break;
        choice[s] = 0;
      }
    }
    // Stars never end an alternative's token list (accept does), so i + 1 exists.
    for (std::size_t i = glob_.tokens_.size(); i-- > 0;) {
      Glob::Token& token = glob_.tokens_[i];
      token.closure_end = is_repeat(token.kind) ? glob_.tokens_[i + 1].closure_end : static_cast<std::uint32_t>(i);
    }
    glob_.start_states_.assign((glob_.tokens_.size() + 63) / 64, 0);
    for (const std::size_t start : starts) {
      for (std::size_t i = start; i <= glob_.tokens_[start].closure_end; ++i) {
        glob_.start_states_[i / 64] |= std::uint64_t{1} << (i % 64);
      }
    }
    return {};
  }

  std::string_view body_;
  Glob& glob_;
  std::size_t pos_ = 0;
};

Result<Glob> Glob::compile(std::string_view pattern) {
  Glob glob;
  glob.pattern_ = std::string(pattern);
  std::string problem;
  if (pattern.empty()) {
    problem = "the pattern is empty: give a glob such as '*.bin'";
  } else {
    glob.anchored_ = pattern.front() == '/';
    std::string body(pattern.substr(glob.anchored_ ? 1 : 0));
    // rclone: a trailing '/' names a directory; we copy files, so the rule
    // applies to everything below it.
    if (pattern.back() == '/') body += "**";
    problem = GlobParser(body, glob).parse();
  }
  if (problem.empty()) return glob;
  Error e;
  e.kind = ErrorKind::config;
  e.operation = "parse filter";
  e.subject = std::string(pattern);
  e.message = "invalid pattern '" + std::string(pattern) + "': " + problem;
  return e;
}

bool Glob::token_accepts(const Token& token, std::uint32_t character) const {
  switch (token.kind) {
    case TokenKind::literal: return character == token.value;
    case TokenKind::any_char:
    case TokenKind::star: return character != '/';
    case TokenKind::double_star: return true;
    case TokenKind::char_class: {
      if (character == '/') return false;
      const CharClass& char_class = classes_[token.value];
      bool member = false;
      for (const auto& [low, high] : char_class.ranges) member = member || (character >= low && character <= high);
      return member != char_class.negated;
    }
    case TokenKind::accept: return false;
  }
  return false;
}

bool Glob::matches(std::string_view path) const {
  const std::size_t words = start_states_.size();
  // Two state sets; on the stack for patterns of up to 512 tokens.
  std::array<std::uint64_t, 16> inline_states{};
  std::vector<std::uint64_t> heap_states;
  std::uint64_t* current = inline_states.data();
  if (2 * words > inline_states.size()) {
    heap_states.assign(2 * words, 0);
    current = heap_states.data();
  }
  std::uint64_t* next = current + words;
  auto enter = [this](std::uint64_t* states, std::size_t state) {
    for (std::size_t i = state; i <= tokens_[state].closure_end; ++i) states[i / 64] |= std::uint64_t{1} << (i % 64);
  };
  auto is_empty = [words](const std::uint64_t* states) {
    for (std::size_t w = 0; w < words; ++w) {
      if (states[w] != 0) return false;
    }
    return true;
  };

  std::memcpy(current, start_states_.data(), words * sizeof(std::uint64_t));
  std::size_t pos = 0;
  while (pos < path.size()) {
    if (is_empty(current)) {
      if (anchored_) return false;
      // Nothing is alive: an unanchored glob can only restart after the next '/'.
      const std::size_t slash = path.find('/', pos);
      if (slash == std::string_view::npos) return false;
      pos = slash + 1;
      std::memcpy(current, start_states_.data(), words * sizeof(std::uint64_t));
      continue;
    }
    const std::uint32_t character = next_character(path, pos);
    std::fill(next, next + words, 0);
    for (std::size_t w = 0; w < words; ++w) {
      for (std::uint64_t bits = current[w]; bits != 0; bits &= bits - 1) {
        const std::size_t state = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
        const Token& token = tokens_[state];
        if (!token_accepts(token, character)) continue;
        const bool repeats = token.kind == TokenKind::star || token.kind == TokenKind::double_star;
        enter(next, repeats ? state : state + 1);
      }
    }
    // An unanchored glob may also start at each path element: "(^|/)glob$".
    if (!anchored_ && character == '/') {
      for (std::size_t w = 0; w < words; ++w) next[w] |= start_states_[w];
    }
    std::swap(current, next);
  }
  for (std::size_t w = 0; w < words; ++w) {
    for (std::uint64_t bits = current[w]; bits != 0; bits &= bits - 1) {
      if (tokens_[w * 64 + static_cast<std::size_t>(std::countr_zero(bits))].kind == TokenKind::accept) return true;
    }
  }
  return false;
}

Result<PathFilter> PathFilter::compile(std::vector<FilterRule> rules) {
  PathFilter filter;
  filter.rules_.reserve(rules.size());
  for (FilterRule& rule : rules) {
    auto glob = Glob::compile(rule.pattern);
    if (!glob.ok()) {
      Error e = std::move(glob).error();
      e.message.insert(std::strlen("invalid "), rule.include ? "--include " : "--exclude ");
      return e;
    }
    filter.has_include_rule_ = filter.has_include_rule_ || rule.include;
    filter.rules_.push_back({rule.include, std::move(glob).value()});
  }
  return filter;
}

bool PathFilter::included(std::string_view relative_path) const {
  for (const CompiledRule& rule : rules_) {
    if (rule.glob.matches(relative_path)) return rule.include;
  }
  return !has_include_rule_;
}

std::vector<std::string> PathFilter::listing_roots() const {
  std::vector<std::string> roots;
  for (const CompiledRule& rule : rules_) {
    if (!rule.include) continue;  // an exclude only removes
    const std::string& pattern = rule.glob.pattern();
    if (pattern.empty() || pattern.front() != '/') return {""};  // matches at any depth
    const std::size_t glob = pattern.find_first_of("*?[{\\", 1);
    roots.push_back(pattern.substr(1, glob == std::string::npos ? std::string::npos : glob - 1));
  }
  if (roots.empty()) return {""};
  std::sort(roots.begin(), roots.end());
  std::vector<std::string> outermost;
  for (std::string& root : roots) {
    if (root.empty()) return {""};
    if (outermost.empty() || root.rfind(outermost.back(), 0) != 0) outermost.push_back(std::move(root));
  }
  return outermost;
}

}  // namespace caios
