// parse_command_line (declared in copy_options.hpp): the option parser
// applies the flag table, then the checks that involve more than one flag
// or the positionals turn what the flags stored into CopyOptions.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "caios2dfs/cli/copy_options.hpp"
#include "caios2dfs/s3/location.hpp"
#include "option_parser.hpp"
#include "option_table.hpp"
#include "usage_error.hpp"

namespace caios {
namespace {

constexpr std::string_view kVersionLine = "caios2dfs-mpi 0.1.0";
constexpr std::string_view kCopyUsage = "usage caios2dfs-mpi [OPTIONS] SOURCE DEST";
constexpr std::string_view kSourceForms = "s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX]";

bool given(const FlagState& state, std::string_view name) {
  return std::find(state.given.begin(), state.given.end(), name) != state.given.end();
}

bool looks_like_s3(std::string_view text) {
  if (text.rfind("s3://", 0) == 0) return true;
  const auto colon = text.find(':');
  return colon != std::string_view::npos && colon > 0 && colon < text.find('/');
}

// The flags whose meaning depends on another flag: -v and -q, the two
// spellings of addressing, --report and --failed-list, --direct-io and --io.
void combine_flags(FlagState& state) {
  CopyOptions& o = state.options;
  if (state.verbose_count > 0 && state.quiet) fail("-v and -q cannot be used together: pick one");
  o.verbosity = state.quiet ? -1 : state.verbose_count;

  const std::optional<Addressing>& addressing = state.addressing;
  const std::optional<Addressing>& force_path_style = state.force_path_style;
  if (addressing && force_path_style && *addressing != *force_path_style) {
    fail(fmt::format("--addressing {} contradicts --s3-force-path-style={}: give only one",
                     *addressing == Addressing::path ? "path" : "virtual",
                     *force_path_style == Addressing::path ? "true" : "false"));
  }
  if (addressing) {
    o.connection.overrides.addressing = addressing;
  } else if (force_path_style) {
    o.connection.overrides.addressing = force_path_style;
  }
  if (o.report && !o.failed_list) o.failed_list = *o.report + ".failed";
  if (o.direct_io == DirectIo::always && o.io == IoBackend::mpiio) {
    fail("--direct-io applies to --io posix (MPI-IO chooses its own way to the file system)");
  }
}

void check_bench_flags(const FlagState& state) {
  const CopyOptions& o = state.options;
  if (o.bench == BenchMode::none) {
    for (std::string_view flag : {"--iterations", "--bench-files", "--bench-size", "--keep"}) {
      if (given(state, flag)) fail(fmt::format("{} only applies with --bench read|write|list", flag));
    }
    return;
  }
  const std::string_view mode = o.bench == BenchMode::read  ? "read"
                                : o.bench == BenchMode::list ? "list"
                                                             : "write";
  if (o.dry_run) fail(fmt::format("--dry-run cannot be used with --bench {}: a benchmark moves data", mode));
  if (o.ignore_existing) fail(fmt::format("--ignore-existing does not apply to --bench {}", mode));
  if (o.checksum) fail(fmt::format("--checksum does not apply to --bench {}", mode));
  if (o.bench == BenchMode::read || o.bench == BenchMode::list) {
    for (std::string_view flag : {"--bench-files", "--bench-size", "--keep"}) {
      if (given(state, flag)) fail(fmt::format("{} only applies to --bench write (--bench {} reads SOURCE)", flag, mode));
    }
  } else {
    if (o.files_from) fail("--files-from cannot be used with --bench write: it writes generated files, not objects");
    if (!o.filters.empty()) {
      fail(fmt::format("{} cannot be used with --bench write: it writes generated files, not objects",
                       o.filters.front().include ? "--include" : "--exclude"));
    }
  }
}

void check_source(std::string_view source, std::string_view dest) {
  if (source.rfind("http://", 0) == 0 || source.rfind("https://", 0) == 0) {
    fail(fmt::format("SOURCE '{}' is a URL: give the endpoint with --endpoint URL and SOURCE as "
                     "s3://BUCKET[/PREFIX]",
                     source));
  }
  if (!looks_like_s3(source)) {
    const std::string_view swap_hint =
        looks_like_s3(dest) ? " (SOURCE comes first: caios2dfs-mpi copies from S3 to DEST)" : "";
    fail(fmt::format("SOURCE '{}' is not an S3 location: write {}{}", source, kSourceForms, swap_hint));
  }
  if (auto location = parse_s3_location(source); !location.ok()) {
    fail(fmt::format("SOURCE '{}': {}", source, location.error().message));
  }
}

void check_dest(std::string_view dest) {
  if (dest.empty()) fail("DEST is empty: give the directory to copy into");
  if (dest.rfind("s3://", 0) == 0) {
    fail(fmt::format("DEST '{}' is an S3 location: DEST must be a directory (caios2dfs-mpi only copies "
                     "from S3)",
                     dest));
  }
}

// A copy takes SOURCE and DEST, --bench read only SOURCE, --bench write only DEST.
void take_positionals(const std::vector<std::string>& positionals, CopyOptions& o) {
  const std::size_t count = positionals.size();
  switch (o.bench) {
    case BenchMode::none:
      if (count == 0) fail(fmt::format("missing SOURCE and DEST: {} (see --help)", kCopyUsage));
      if (count == 1) fail(fmt::format("missing DEST: {}", kCopyUsage));
      if (count > 2) {
        fail(fmt::format("unexpected argument '{}' after SOURCE and DEST: {} (quote globs so the shell "
                         "does not expand them)",
                         positionals[2], kCopyUsage));
      }
      check_source(positionals[0], positionals[1]);
      check_dest(positionals[1]);
      o.source = positionals[0];
      o.dest = positionals[1];
      break;
    case BenchMode::read:
    case BenchMode::list: {
      const char* mode = o.bench == BenchMode::read ? "read" : "list";
      if (count == 0) fail(fmt::format("missing SOURCE: usage caios2dfs-mpi --bench {} [OPTIONS] SOURCE", mode));
      if (count > 1) {
        fail(fmt::format("unexpected argument '{}': --bench {} takes only SOURCE (it writes nothing)",
                         positionals[1], mode));
      }
      check_source(positionals[0], "");
      o.source = positionals[0];
      break;
    }
    case BenchMode::write:
      if (count == 0) fail("missing DEST: usage caios2dfs-mpi --bench write [OPTIONS] DEST");
      if (count > 1) {
        fail(fmt::format("unexpected argument '{}': --bench write takes only DEST (it reads nothing from S3)",
                         positionals[1]));
      }
      check_dest(positionals[0]);
      o.dest = positionals[0];
      break;
  }
}

}  // namespace

ParsedCommandLine parse_command_line(const std::vector<std::string>& args) {
  ParsedCommandLine result;
  try {
    FlagState state;
    const std::vector<std::string> positionals = apply_options(option_table(), args, state);
    switch (state.request) {
      case FlagState::Request::help: result.message = usage_text(); return result;
      case FlagState::Request::version:
        result.message = std::string(kVersionLine);
        result.version = true;
        return result;
      case FlagState::Request::none: break;
    }
    combine_flags(state);
    check_bench_flags(state);
    take_positionals(positionals, state.options);
    result.options = std::move(state.options);
  } catch (const UsageError& error) {
    result.message = error.message;
    result.exit_code = 2;
  }
  return result;
}

}  // namespace caios
