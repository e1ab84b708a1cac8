// What the cli tests share: parse a command line the way main does and
// check that it succeeded or failed with a one-line usage error.
#pragma once

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <functional>
#include <string>
#include <vector>

#include "caios2dfs/cli/copy_options.hpp"

namespace caios::test {

inline constexpr std::uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;

inline std::string joined(const std::vector<std::string>& args) {
  std::string text;
  for (const auto& arg : args) text += (text.empty() ? "" : " ") + arg;
  return text;
}

/// parse_command_line with the program name in front.
inline ParsedCommandLine parse(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"caios2dfs-mpi"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_command_line(argv);
}

/// The options of a command line that must parse.
inline CopyOptions parsed(const std::vector<std::string>& args) {
  const auto result = parse(args);
  INFO(joined(args) << " -> " << result.message);
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.options.has_value());
  CHECK(result.message.empty());
  return *result.options;
}

/// A copy with `flag_args` before the usual SOURCE and DEST.
inline CopyOptions copy_with(std::vector<std::string> flag_args) {
  flag_args.push_back("cw:bucket/prefix");
  flag_args.push_back("/lustre/dest");
  return parsed(flag_args);
}

/// The message of a command line that must fail: exit 2, one line.
inline std::string usage_error(const std::vector<std::string>& args) {
  const auto result = parse(args);
  INFO(joined(args) << " -> " << result.message);
  CHECK(result.exit_code == 2);
  CHECK_FALSE(result.options.has_value());
  CHECK_FALSE(result.message.empty());
  CHECK(result.message.find('\n') == std::string::npos);
  return result.message;
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// Parses "FLAG VALUE" and "FLAG=VALUE" (with `context` flags and the
/// positionals of a copy) and runs `check` on both results.
inline void both_forms(const std::string& flag, const std::string& value,
                       const std::function<void(const CopyOptions&)>& check, std::vector<std::string> context = {},
                       std::vector<std::string> positionals = {"s3://bucket", "/dest"}) {
  for (const bool joined_form : {false, true}) {
    std::vector<std::string> args = context;
    if (joined_form) {
      args.push_back(flag + "=" + value);
    } else {
      args.push_back(flag);
      args.push_back(value);
    }
    args.insert(args.end(), positionals.begin(), positionals.end());
    INFO(joined(args));
    check(parsed(args));
  }
}

/// A usage error case: the command line and a piece of its message.
struct ErrorCase {
  std::vector<std::string> args;
  std::string expected;
};

inline void check_usage_errors(const std::vector<ErrorCase>& cases) {
  for (const ErrorCase& c : cases) {
    const std::string message = usage_error(c.args);
    INFO(joined(c.args) << " -> " << message);
    CHECK(contains(message, c.expected));
  }
}

/// Every field of `o` on one line, to compare two parses field by field.
inline std::string dump(const CopyOptions& o) {
  const auto& overrides = o.connection.overrides;
  auto text = [](const std::optional<std::string>& value) { return value ? "'" + *value + "'" : std::string("-"); };
  std::string filters;
  for (const FilterRule& rule : o.filters) filters += fmt::format("{}{} ", rule.include ? '+' : '-', rule.pattern);
  return fmt::format(
      "source={} dest={} config={} endpoint={} region={} addressing={} ca={} transfers={} checkers={} list_chunk={} file_threads={} cutoff={} chunk={} "
      "buffer={} files_from={} filters=[{}] ignore={} nocheck={} checksum={} dry={} io={} direct={} stats={} progress={} report={} failed={} "
      "retries={} timeout={} contimeout={} max_duration={} soft={} verbosity={} bench={} iterations={} files={} size={} "
      "keep={}",
      o.source, o.dest, text(o.connection.config_path), text(overrides.endpoint), text(overrides.region),
      overrides.addressing ? static_cast<int>(*overrides.addressing) : -1, text(overrides.ca_bundle), o.transfers, o.checkers,
      o.list_chunk, o.file_threads, o.multi_thread_cutoff, o.chunk_size, o.buffer_size, text(o.files_from), filters, o.ignore_existing, o.ignore_checksum, o.checksum, o.dry_run,
      static_cast<int>(o.io), static_cast<int>(o.direct_io), o.stats_interval.count(), o.progress, text(o.report),
      text(o.failed_list), o.retries, o.stall_timeout.count(), o.connect_timeout.count(), o.max_duration.count(),
      o.cutoff_soft, o.verbosity,
      static_cast<int>(o.bench), o.iterations, o.bench_files, o.bench_size, o.keep);
}

}  // namespace caios::test
