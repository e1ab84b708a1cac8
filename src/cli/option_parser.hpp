// From argv to flag uses: the conventions of rclone's flag library (pflag).
// "--flag value" and "--flag=value"; switches take no value or a joined one
// ("--dry-run=false"); short switches cluster ("-vv", "-nv"); a repeated
// flag is applied again (single-valued flags keep the last value); "--"
// ends the options. Knows no flag itself: the table says which exist.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "option_table.hpp"

namespace caios {

/// Applies each option among args[1..] (args[0] is the program name) to
/// `state` through its entry's setter, in command-line order, recording its
/// long name in state.given, and returns the other arguments (the
/// positionals) in order. Stops at the first --help or --version (see
/// state.request). Throws UsageError: unknown options (with a hint for
/// rclone's spellings and near misses), a missing value, a bad value.
std::vector<std::string> apply_options(std::span<const OptionSpec> table, const std::vector<std::string>& args,
                                       FlagState& state);

}  // namespace caios
