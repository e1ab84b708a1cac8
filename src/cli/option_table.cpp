// The flags of caios2dfs-mpi. See option_table.hpp.
//
// Names are rclone's wherever the meaning is the same. Defaults written in
// the help lines must match CopyOptions (usage_test checks them).
#include "option_table.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <chrono>
#include <string>
#include <utility>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/cli/option_values.hpp"
#include "caios2dfs/copy/filter.hpp"
#include "usage_error.hpp"

namespace caios {
namespace {

using Request = FlagState::Request;
using enum HelpSection;

// The value of a flag with a metavar: the parser always supplies one.
std::string_view text(const FlagUse& use) { return *use.value; }

// A switch alone means true; "--switch=false" turns it off again.
bool switch_on(const FlagUse& use) { return !use.value || value_or_fail(parse_switch_value(use.name, *use.value)); }

std::string nonempty(const FlagUse& use, std::string_view what) {
  return value_or_fail(parse_nonempty(use.name, what, text(use)));
}

void no_value(const FlagUse& use) {
  if (use.value) fail(fmt::format("{} takes no value, got '{}'", use.name, *use.value));
}

void add_filter(FlagState& state, const FlagUse& use, bool include) {
  FilterRule rule{include, std::string(text(use))};
  // Compiled here too, so a bad glob is a usage error that names its flag.
  if (auto compiled = PathFilter::compile({rule}); !compiled.ok()) fail(compiled.error().message);
  state.options.filters.push_back(std::move(rule));
}

DirectIo direct_io(const FlagUse& use) {
  if (!use.value) return DirectIo::always;
  if (const std::optional<bool> on = parse_go_bool(*use.value)) return *on ? DirectIo::always : DirectIo::never;
  auto mode = parse_choice<DirectIo>(
      use.name, *use.value,
      {{"auto", DirectIo::automatic}, {"always", DirectIo::always}, {"never", DirectIo::never}});
  if (!mode.ok()) {
    fail(fmt::format("--direct-io takes auto, always or never, got '{}' (--direct-io alone means always)",
                     *use.value));
  }
  return mode.value();
}

constexpr std::array kOptions{
    // Source and destination.
    OptionSpec{.name = "--io", .metavar = "posix|mpiio", .section = source_and_destination,
               .help = "how files in DEST are written (default posix)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.io = value_or_fail(parse_choice<IoBackend>(
                     use.name, text(use), {{"posix", IoBackend::posix}, {"mpiio", IoBackend::mpiio}}));
               }},
    OptionSpec{.name = "--direct-io", .switch_values = "auto|always|never", .section = source_and_destination,
               .help = "posix: write with O_DIRECT, past the page cache (less CPU; bytes\n"
                       "are on the device when the run ends). auto (the default): objects\n"
                       "of --multi-thread-cutoff or more; alone: always",
               .set = [](FlagState& s, const FlagUse& use) { s.options.direct_io = direct_io(use); }},
    OptionSpec{.name = "--ignore-existing", .section = source_and_destination,
               .help = "skip every object whose DEST file exists (see Skipping)",
               .set = [](FlagState& s, const FlagUse& use) { s.options.ignore_existing = switch_on(use); }},
    OptionSpec{.name = "--checksum", .short_name = 'c', .section = source_and_destination,
               .help = "skip files with the object's size and MD5, not size and mtime",
               .set = [](FlagState& s, const FlagUse& use) { s.options.checksum = switch_on(use); }},
    OptionSpec{.name = "--ignore-checksum", .section = source_and_destination,
               .help = "do not check bytes against the object's MD5 (see Integrity)",
               .set = [](FlagState& s, const FlagUse& use) { s.options.ignore_checksum = switch_on(use); }},
    OptionSpec{.name = "--dry-run", .short_name = 'n', .section = source_and_destination,
               .help = "list what would be copied or skipped, transfer nothing",
               .set = [](FlagState& s, const FlagUse& use) { s.options.dry_run = switch_on(use); }},

    // Performance.
    OptionSpec{.name = "--transfers", .metavar = "N", .section = performance,
               .help = "requests in flight per rank, 1 to 1024 (default 16)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.transfers = value_or_fail(parse_whole_int(use.name, text(use), 1, 1024));
               }},
    OptionSpec{.name = "--checkers", .metavar = "N", .section = performance,
               .help = "listing requests in flight over the job, 1 to 1024 (default 64)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.checkers = value_or_fail(parse_whole_int(use.name, text(use), 1, 1024));
               }},
    OptionSpec{.name = "--s3-list-chunk", .metavar = "N", .section = performance,
               .help = "keys asked for per listing page, 1 to 1000 (default 1000)",
               .set = [](FlagState& s, const FlagUse& use) {
                 // S3 answers at most 1000 whatever is asked; rclone's default.
                 s.options.list_chunk = value_or_fail(parse_whole_int(use.name, text(use), 1, 1000));
               }},
    OptionSpec{.name = "--file-threads", .metavar = "N", .section = performance,
               .help = "most threads per rank making file-system calls, 1 to 1024\n"
                       "(default 2 x --transfers, 4 to 64; --io mpiio: none)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.file_threads = value_or_fail(parse_whole_int(use.name, text(use), 1, 1024));
               }},
    OptionSpec{.name = "--multi-thread-cutoff", .metavar = "SIZE", .section = performance,
               .help = "split objects of this size or more into chunks (default 64M)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.multi_thread_cutoff = value_or_fail(parse_size_at_least(use.name, text(use), 0));
               }},
    OptionSpec{.name = "--chunk-size", .metavar = "SIZE", .section = performance,
               .help = "chunk size of split objects, above 0 (default 64M)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.chunk_size = value_or_fail(parse_size_at_least(use.name, text(use), 1));
               }},
    OptionSpec{.name = "--buffer-size", .metavar = "SIZE", .section = performance,
               .help = "write buffer per transfer, at least 64K (default 4M)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.buffer_size = value_or_fail(parse_size_at_least(use.name, text(use), 64 * 1024));
               }},
    OptionSpec{.name = "--retries", .metavar = "N", .section = performance,
               .help = "retries per request after the first try (default 10)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.retries = value_or_fail(parse_whole_int(use.name, text(use), 0));
               }},
    OptionSpec{.name = "--timeout", .metavar = "DURATION", .section = performance,
               .help = "retry a request stalled this long (default 60s; 0: never)",
               .set = [](FlagState& s, const FlagUse& use) {
                 // 0 turns the stall check off (HttpEngine); a fraction of a second rounds up, never to off.
                 s.options.stall_timeout = std::chrono::ceil<std::chrono::seconds>(
                     value_or_fail(parse_duration_value(use.name, text(use))));
               }},
    OptionSpec{.name = "--max-duration", .metavar = "DURATION", .section = performance,
               .help = "stop in order after this long, exit 10 (default 0: never)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.max_duration = value_or_fail(parse_duration_value(use.name, text(use)));
               }},
    OptionSpec{.name = "--cutoff-mode", .metavar = "hard|soft", .section = performance,
               .help = "at --max-duration: hard ends transfers, soft lets them finish",
               .set = [](FlagState& s, const FlagUse& use) {
                 std::string mode(text(use));
                 for (char& c : mode) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                 if (mode != "hard" && mode != "soft") {
                   fail(fmt::format("--cutoff-mode takes hard or soft (rclone's cautious is not supported), got '{}'",
                                    text(use)));
                 }
                 s.options.cutoff_soft = mode == "soft";
               }},
    OptionSpec{.name = "--contimeout", .metavar = "DURATION", .section = performance,
               .help = "TCP/TLS connect timeout, above 0 (default 10s)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.connect_timeout = value_or_fail(parse_duration_value(use.name, text(use)));
                 if (s.options.connect_timeout.count() == 0) {
                   fail(fmt::format("--contimeout needs a duration above 0 like 10s, got '{}'", text(use)));
                 }
               }},

    // Selection.
    OptionSpec{.name = "--files-from", .metavar = "FILE", .section = selection,
               .help = "the paths to copy, one a line, relative to SOURCE ('-': stdin)",
               .set = [](FlagState& s, const FlagUse& use) {
                 // rclone reads every --files-from given; we take one list.
                 if (s.options.files_from) {
                   fail("--files-from given twice: give one list (concatenate the files into one)");
                 }
                 s.options.files_from = nonempty(use, "FILE");
               }},
    OptionSpec{.name = "--include", .metavar = "GLOB", .section = selection,
               .help = "copy only paths matching GLOB (repeatable)",
               .set = [](FlagState& s, const FlagUse& use) { add_filter(s, use, true); }},
    OptionSpec{.name = "--exclude", .metavar = "GLOB", .section = selection,
               .help = "skip paths matching GLOB (repeatable)",
               .set = [](FlagState& s, const FlagUse& use) { add_filter(s, use, false); }},

    // Output.
    OptionSpec{.name = "--stats", .metavar = "DURATION", .section = output,
               .help = "print progress this often (default 10s; 0: never)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.stats_interval = value_or_fail(parse_duration_value(use.name, text(use)));
               }},
    OptionSpec{.name = "--progress", .short_name = 'P', .section = output,
               .help = "on a terminal, a progress block redrawn in place (else lines)",
               .set = [](FlagState& s, const FlagUse& use) { s.options.progress = switch_on(use); }},
    OptionSpec{.name = "--report", .metavar = "FILE", .section = output,
               .help = "write a JSON report at the end (default: none)",
               .set = [](FlagState& s, const FlagUse& use) { s.options.report = nonempty(use, "FILE"); }},
    OptionSpec{.name = "--failed-list", .metavar = "FILE", .section = output,
               .help = "failed paths, for --files-from (default REPORT.failed)",
               .set = [](FlagState& s, const FlagUse& use) { s.options.failed_list = nonempty(use, "FILE"); }},
    OptionSpec{.name = "--verbose", .short_name = 'v', .section = output,
               .help = "more messages; repeat for more (-vv)",
               .set = [](FlagState& s, const FlagUse& use) {
                 // pflag's count flag: each use adds one, "--verbose=N" sets N.
                 s.verbose_count = use.value ? value_or_fail(parse_whole_int(use.name, *use.value, 0))
                                             : s.verbose_count + 1;
               }},
    OptionSpec{.name = "--quiet", .short_name = 'q', .section = output, .help = "errors only",
               .set = [](FlagState& s, const FlagUse& use) { s.quiet = switch_on(use); }},
    OptionSpec{.name = "--help", .short_name = 'h', .section = output, .help = "print this help",
               .set = [](FlagState& s, const FlagUse& use) {
                 no_value(use);
                 s.request = Request::help;
               }},
    OptionSpec{.name = "--version", .short_name = 'V', .section = output,
               .help = "print the version, and those of libcurl, OpenSSL and MPI",
               .set = [](FlagState& s, const FlagUse& use) {
                 no_value(use);
                 s.request = Request::version;
               }},

    // Benchmark.
    OptionSpec{.name = "--bench", .metavar = "read|write|list", .section = benchmark,
               .help = "read: S3 read bandwidth, data discarded; write: file system write\n"
                       "bandwidth with generated files; list: listing rate, keys counted",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.bench = value_or_fail(parse_choice<BenchMode>(
                     use.name, text(use), {{"read", BenchMode::read}, {"write", BenchMode::write}, {"list", BenchMode::list}}));
               }},
    OptionSpec{.name = "--iterations", .metavar = "N", .section = benchmark,
               .help = "repeat the measurement N times (default 1)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.iterations = value_or_fail(parse_whole_int(use.name, text(use), 1));
               }},
    OptionSpec{.name = "--bench-files", .metavar = "N", .section = benchmark,
               .help = "write: number of files (default 16)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.bench_files = value_or_fail(parse_whole_number(use.name, text(use), 1));
               }},
    OptionSpec{.name = "--bench-size", .metavar = "SIZE", .section = benchmark,
               .help = "write: size of each file (default 64M)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.bench_size = value_or_fail(parse_size_at_least(use.name, text(use), 1));
               }},
    OptionSpec{.name = "--keep", .section = benchmark,
               .help = "write: keep the files (default: delete them at the end)",
               .set = [](FlagState& s, const FlagUse& use) { s.options.keep = switch_on(use); }},

    // Config and credentials.
    OptionSpec{.name = "--config", .metavar = "FILE", .section = config_and_credentials,
               .help = "rclone config (default $RCLONE_CONFIG, else\n~/.config/rclone/rclone.conf)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.connection.config_path = nonempty(use, "FILE");
               }},
    OptionSpec{.name = "--endpoint", .metavar = "URL", .section = config_and_credentials,
               .help = "S3 endpoint, e.g. https://cwobject.com; https:// if no scheme",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.connection.overrides.endpoint = nonempty(use, "URL like https://cwobject.com");
               }},
    OptionSpec{.name = "--region", .metavar = "NAME", .section = config_and_credentials,
               .help = "SigV4 region (else us-east-1)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.connection.overrides.region = nonempty(use, "NAME");
               }},
    OptionSpec{.name = "--addressing", .metavar = "path|virtual", .section = config_and_credentials,
               .help = "bucket in the URL path or in the host name",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.addressing = value_or_fail(parse_choice<Addressing>(use.name, text(use),
                                                                       {{"path", Addressing::path},
                                                                        {"virtual", Addressing::virtual_hosted},
                                                                        {"virtual-hosted", Addressing::virtual_hosted,
                                                                         /*listed=*/false}}));
               }},
    OptionSpec{.name = "--s3-force-path-style", .switch_values = "false", .section = config_and_credentials,
               .help = "rclone's spelling of --addressing path (false: virtual)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.force_path_style = switch_on(use) ? Addressing::path : Addressing::virtual_hosted;
               }},
    OptionSpec{.name = "--ca-bundle", .metavar = "FILE", .section = config_and_credentials,
               .help = "PEM certificates to verify the endpoint (else the system store)",
               .set = [](FlagState& s, const FlagUse& use) {
                 s.options.connection.overrides.ca_bundle = nonempty(use, "FILE");
               }},
};

}  // namespace

std::span<const OptionSpec> option_table() { return kOptions; }

std::string_view rclone_hint(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kHints{{
      {"--low-level-retries", "did you mean --retries?"},
      {"--multi-thread-chunk-size", "did you mean --chunk-size?"},
      {"--s3-chunk-size", "did you mean --chunk-size?"},
      {"--multi-thread-streams", "use --transfers: every transfer of every rank fetches chunks"},
      {"--s3-endpoint", "did you mean --endpoint?"},
      {"--s3-region", "did you mean --region?"},
      {"--ca-cert", "did you mean --ca-bundle?"},
  }};
  for (const auto& [flag, hint] : kHints) {
    if (flag == name) return hint;
  }
  return {};
}

}  // namespace caios
