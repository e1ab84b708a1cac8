// From argv to flag uses. See option_parser.hpp.
#include "option_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>

#include "usage_error.hpp"

namespace caios {
namespace {

using Table = std::span<const OptionSpec>;

const OptionSpec* find_long(Table table, std::string_view name) {
  const auto it = std::find_if(table.begin(), table.end(), [&](const OptionSpec& o) { return o.name == name; });
  return it == table.end() ? nullptr : &*it;
}

const OptionSpec* find_short(Table table, char letter) {
  const auto it =
      std::find_if(table.begin(), table.end(), [&](const OptionSpec& o) { return o.short_name == letter; });
  return it == table.end() ? nullptr : &*it;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The flag `name` was probably meant to be: rclone's spelling first, then a near miss.
std::string suggestion(Table table, std::string_view name) {
  if (const std::string_view hint = rclone_hint(name); !hint.empty()) return std::string(hint);
  if (name.rfind("--", 0) != 0) return {};
  // Suggest only near misses (a typo, a swapped pair), not other words:
  // "--foo" is two edits from "--io" but is not a typo of it.
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(1, name.size() / 5) + 1;
  for (const OptionSpec& option : table) {
    const std::size_t distance = edit_distance(name, option.name);
    if (distance < best_distance) {
      best = option.name;
      best_distance = distance;
    }
  }
  return best.empty() ? std::string() : fmt::format("did you mean {}?", best);
}

[[noreturn]] void unknown_option(Table table, std::string_view name) {
  const std::string hint = suggestion(table, name);
  fail(hint.empty() ? fmt::format("unknown option {} (see --help)", name)
                    : fmt::format("unknown option {}: {} (see --help)", name, hint));
}

bool looks_like_option(std::string_view text) {
  // "-" alone is a value (stdin for --files-from); "-1" is a (bad) number
  // that the flag's own check reports better.
  return text.size() > 1 && text[0] == '-' && !(text[1] >= '0' && text[1] <= '9') && text[1] != '.';
}

void apply(const OptionSpec& spec, std::optional<std::string_view> value, FlagState& state) {
  state.given.push_back(spec.name);
  spec.set(state, FlagUse{spec.name, value});
}

// args[index] is "--name" or "--name=value"; returns the index of the last
// argument used (index + 1 when the value is the next argument).
std::size_t apply_long_option(Table table, const std::vector<std::string>& args, std::size_t index,
                              FlagState& state) {
  const std::string_view arg = args[index];
  const auto equals = arg.find('=');
  const std::string_view name = arg.substr(0, equals);
  const OptionSpec* spec = find_long(table, name);
  if (spec == nullptr) unknown_option(table, name);
  std::optional<std::string_view> value;
  if (equals != std::string_view::npos) value = arg.substr(equals + 1);
  if (!spec->metavar.empty() && !value) {
    const std::string_view metavar = spec->metavar;
    if (index + 1 >= args.size()) {
      fail(fmt::format("{} needs a {} ({} {} or {}={})", name, metavar, name, metavar, name, metavar));
    }
    value = args[++index];
    if (looks_like_option(*value)) {
      fail(fmt::format("{} needs a {} before '{}' (for a value starting with '-', write {}=VALUE)", name, metavar,
                       *value, name));
    }
  }
  apply(*spec, value, state);
  return index;
}

std::string short_letters(Table table) {
  std::string letters;
  for (const OptionSpec& option : table) {
    if (option.short_name != 0) letters += fmt::format("{}-{}", letters.empty() ? "" : " ", option.short_name);
  }
  return letters;
}

// `arg` is "-x" or a cluster of short switches "-xyz".
void apply_short_switches(Table table, std::string_view arg, FlagState& state) {
  // "-transfers": a long option with one dash is the likeliest mistake.
  if (arg.size() > 2 && find_long(table, fmt::format("-{}", arg.substr(0, arg.find('='))))) {
    fail(fmt::format("unknown option {}: long options take two dashes, write -{}", arg, arg));
  }
  for (const char letter : arg.substr(1)) {
    const OptionSpec* spec = find_short(table, letter);
    const std::string option = fmt::format("-{}", letter);
    if (spec == nullptr) {
      if (arg.size() == 2) unknown_option(table, option);
      fail(fmt::format("unknown option {} in '{}' (short options: {}; see --help)", option, arg,
                       short_letters(table)));
    }
    // Only switches have a short letter (option_table_test checks it).
    if (!spec->metavar.empty()) fail(fmt::format("{} needs a value: write {} {}", option, spec->name, spec->metavar));
    apply(*spec, std::nullopt, state);
    if (state.request != FlagState::Request::none) return;
  }
}

}  // namespace

std::vector<std::string> apply_options(Table table, const std::vector<std::string>& args, FlagState& state) {
  std::vector<std::string> positionals;
  bool options_ended = false;
  for (std::size_t i = 1; i < args.size() && state.request == FlagState::Request::none; ++i) {
    const std::string_view arg = args[i];
    if (options_ended || arg.size() < 2 || arg[0] != '-') {
      positionals.emplace_back(arg);
    } else if (arg == "--") {
      options_ended = true;
    } else if (arg[1] == '-') {
      i = apply_long_option(table, args, i, state);
    } else {
      apply_short_switches(table, arg, state);
    }
  }
  return positionals;
}

}  // namespace caios
