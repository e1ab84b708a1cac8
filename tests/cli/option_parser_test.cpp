// option_parser: argv to flag uses with pflag's conventions, and the
// errors for options it does not know.
#include "option_parser.hpp"

#include <catch2/catch.hpp>

#include "parse_helpers.hpp"
#include "usage_error.hpp"

using namespace caios;
using namespace caios::test;

namespace {

struct Applied {
  FlagState state;
  std::vector<std::string> positionals;
};

Applied apply(std::vector<std::string> args) {
  args.insert(args.begin(), "caios2dfs-mpi");
  Applied applied;
  applied.positionals = apply_options(option_table(), args, applied.state);
  return applied;
}

}  // namespace

TEST_CASE("apply_options: positionals in order, flags recorded by their long name", "[option_parser]") {
  const Applied a = apply({"a", "--transfers", "4", "b", "-nv", "--stats=1s", "-", "c"});
  CHECK(a.positionals == std::vector<std::string>{"a", "b", "-", "c"});
  CHECK(a.state.given == std::vector<std::string_view>{"--transfers", "--dry-run", "--verbose", "--stats"});
  CHECK(a.state.options.transfers == 4);
  CHECK(a.state.verbose_count == 1);
  CHECK(a.state.request == FlagState::Request::none);

  // "--" ends the options: what follows is positional even when it looks like a flag.
  const Applied ended = apply({"--", "--transfers", "-v", "--"});
  CHECK(ended.positionals == std::vector<std::string>{"--transfers", "-v", "--"});
  CHECK(ended.state.given.empty());

  // A value may start with '-' when joined with '='; "-1" is taken as a (bad) value, not a flag.
  CHECK(apply({"--report=-r.json"}).state.options.report == std::optional<std::string>("-r.json"));
  CHECK(contains(usage_error({"--retries", "-1", "s3://bucket", "d"}), "--retries needs a whole number"));
}

TEST_CASE("apply_options: stops at --help or --version", "[option_parser]") {
  const Applied help = apply({"x", "--help", "--transfers=bad", "y"});
  CHECK(help.state.request == FlagState::Request::help);
  CHECK(help.positionals == std::vector<std::string>{"x"});
  CHECK(apply({"-Vq"}).state.request == FlagState::Request::version);
  CHECK_FALSE(apply({"-Vq"}).state.quiet);
  // An error before --help is still an error.
  CHECK_THROWS_AS(apply({"--transfers=bad", "--help"}), UsageError);
}

TEST_CASE("switches: alone, =true, =false", "[copy_options]") {
  CHECK(copy_with({"--ignore-existing"}).ignore_existing);
  CHECK(copy_with({"--ignore-existing=true"}).ignore_existing);
  CHECK_FALSE(copy_with({"--ignore-existing", "--ignore-existing=false"}).ignore_existing);
  CHECK(copy_with({"--ignore-checksum"}).ignore_checksum);
  CHECK(copy_with({"--checksum"}).checksum);
  CHECK(copy_with({"-c"}).checksum);
  CHECK(copy_with({"--dry-run"}).dry_run);
  CHECK(copy_with({"-n"}).dry_run);
  CHECK(copy_with({"--dry-run=1"}).dry_run);
  CHECK_FALSE(copy_with({"--dry-run=F"}).dry_run);
  CHECK(copy_with({"-v"}).verbosity == 1);
  CHECK(copy_with({"-vv"}).verbosity == 2);
  CHECK(copy_with({"-v", "--verbose", "-v"}).verbosity == 3);
  CHECK(copy_with({"--verbose=0"}).verbosity == 0);
  CHECK(copy_with({"--verbose=2"}).verbosity == 2);
  // A switch never takes the next argument: that "2" is SOURCE, then one too many.
  CHECK(contains(usage_error({"--verbose", "2", "s3://bucket", "d"}), "unexpected argument 'd'"));
  CHECK(copy_with({"-q"}).verbosity == -1);
  CHECK(copy_with({"--quiet"}).verbosity == -1);
  CHECK(copy_with({"--quiet=false"}).verbosity == 0);
  const CopyOptions clustered = copy_with({"-nv"});
  CHECK(clustered.dry_run);
  CHECK(clustered.verbosity == 1);
  CHECK(parsed({"--bench", "write", "--keep", "/d"}).keep);
  CHECK(copy_with({"--direct-io"}).direct_io == DirectIo::always);
  CHECK(copy_with({}).direct_io == DirectIo::automatic);
  CHECK(copy_with({"--direct-io=never"}).direct_io == DirectIo::never);
  CHECK(copy_with({"--direct-io=false"}).direct_io == DirectIo::never);
  CHECK(copy_with({"--direct-io=auto"}).direct_io == DirectIo::automatic);
  CHECK(copy_with({"--direct-io=always"}).direct_io == DirectIo::always);
  CHECK(contains(usage_error({"--direct-io=sometimes", "s3://bucket", "d"}), "auto, always or never"));
  CHECK(parsed({"--bench", "write", "--keep=true", "/d"}).keep);
  CHECK_FALSE(parsed({"--bench", "write", "--keep=false", "/d"}).keep);
  CHECK(copy_with({"--s3-force-path-style"}).connection.overrides.addressing ==
        std::optional<Addressing>(Addressing::path));
  CHECK(copy_with({"--s3-force-path-style=false"}).connection.overrides.addressing ==
        std::optional<Addressing>(Addressing::virtual_hosted));
  CHECK(copy_with({"--s3-force-path-style=true", "--addressing", "path"}).connection.overrides.addressing ==
        std::optional<Addressing>(Addressing::path));
}

TEST_CASE("help and version: exit 0 with text, wherever they appear", "[copy_options]") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"s3://bucket", "d", "--help"}, {"-vh"}, {"--transfers", "4", "-h"}}) {
    const auto result = parse(args);
    INFO(joined(args));
    CHECK(result.exit_code == 0);
    CHECK_FALSE(result.options.has_value());
    CHECK(result.message == usage_text());
    CHECK_FALSE(result.version);
  }
  for (const auto& args : std::vector<std::vector<std::string>>{{"--version"}, {"-V"}, {"s3://bucket", "-V"}}) {
    const auto result = parse(args);
    INFO(joined(args));
    CHECK(result.exit_code == 0);
    CHECK_FALSE(result.options.has_value());
    CHECK(result.message == "caios2dfs-mpi 0.1.0");
    CHECK(result.version);  // run_command adds runtime_versions() below it
  }
  CHECK(contains(usage_error({"--help=yes"}), "--help takes no value"));
  CHECK(contains(usage_error({"--version=1"}), "--version takes no value"));
}

TEST_CASE("usage errors: unknown options and missing values", "[copy_options]") {
  check_usage_errors({
      {{"--foo", "s3://bucket", "d"}, "unknown option --foo (see --help)"},
      {{"--foo=1", "s3://bucket", "d"}, "unknown option --foo (see --help)"},
      {{"-x", "s3://bucket", "d"}, "unknown option -x (see --help)"},
      {{"-vx", "s3://bucket", "d"}, "unknown option -x in '-vx'"},
      {{"-vx", "s3://bucket", "d"}, "(short options: -c -n -P -v -q -h -V; see --help)"},
      {{"-transfers", "4", "s3://bucket", "d"}, "long options take two dashes, write --transfers"},
      {{"-transfers=4", "s3://bucket", "d"}, "long options take two dashes, write --transfers=4"},
      {{"--tranfsers", "4", "s3://bucket", "d"}, "unknown option --tranfsers: did you mean --transfers?"},
      {{"--dryrun", "s3://bucket", "d"}, "unknown option --dryrun: did you mean --dry-run?"},
      {{"--chunksize=1M", "s3://bucket", "d"}, "unknown option --chunksize: did you mean --chunk-size?"},
      {{"--low-level-retries", "3", "s3://bucket", "d"}, "did you mean --retries?"},
      {{"--s3-endpoint", "u", "s3://bucket", "d"}, "unknown option --s3-endpoint: did you mean --endpoint?"},
      {{"--multi-thread-streams=4", "s3://bucket", "d"}, "use --transfers"},
      {{"s3://bucket", "d", "--transfers"}, "--transfers needs a N (--transfers N or --transfers=N)"},
      {{"--report", "--dry-run", "s3://bucket", "d"}, "--report needs a FILE before '--dry-run'"},
      {{"--report", "-v", "s3://bucket", "d"}, "(for a value starting with '-', write --report=VALUE)"},
  });
}
