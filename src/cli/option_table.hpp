// The flags of caios2dfs-mpi, one table entry each: how the parser finds a
// flag, how --help shows it and what it stores. Adding a flag is adding an
// entry in option_table.cpp (and a sample value in option_table_test.cpp);
// the parser and the help text follow.
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "caios2dfs/cli/copy_options.hpp"

namespace caios {

/// What the flags have stored so far. A few flags land here rather than in
/// CopyOptions because their meaning depends on other flags; the checks
/// after parsing (command_line.cpp) turn them into options.
struct FlagState {
  enum class Request { none, help, version };

  CopyOptions options;
  int verbose_count = 0;                       ///< -v, --verbose[=N]
  bool quiet = false;                          ///< -q, --quiet
  std::optional<Addressing> addressing;        ///< --addressing
  std::optional<Addressing> force_path_style;  ///< --s3-force-path-style
  std::vector<std::string_view> given;         ///< the table's names of the flags seen, in order (parser adds)
  Request request = Request::none;             ///< --help or --version: the parser stops there
};

/// One use of a flag, as the parser hands it to the flag's setter.
struct FlagUse {
  std::string_view name;  ///< the long name, also when the flag was given as -x
  /// Always set for a flag with a metavar; for a switch only from "--switch=VALUE".
  std::optional<std::string_view> value;
};

/// Parses the value of one use (with the value parsers of option_values.hpp)
/// and stores it in the state. Throws UsageError (usage_error.hpp).
using Setter = void (*)(FlagState& state, const FlagUse& use);

/// The sections of --help, in their order there.
enum class HelpSection { source_and_destination, performance, selection, output, benchmark, config_and_credentials };

struct OptionSpec {
  std::string_view name = {};           ///< "--transfers"
  char short_name = 0;                  ///< 'v' for -v, 0 for none; only switches have one
  std::string_view metavar = {};        ///< "N", "SIZE": the flag takes a value; empty for a switch
  std::string_view switch_values = {};  ///< --help shows a switch as --name[=switch_values]; empty: --name
  HelpSection section = HelpSection::source_and_destination;
  std::string_view help = {};  ///< the --help lines, '\n' between them; each at most 69 columns
  Setter set = nullptr;
};

/// Every flag, in --help order within each section.
std::span<const OptionSpec> option_table();

/// For a flag that rclone users carry over from `rclone copy` and that
/// caios2dfs-mpi spells differently or does without: what to write
/// instead ("did you mean --retries?"). Empty for any other name.
std::string_view rclone_hint(std::string_view name);

}  // namespace caios
