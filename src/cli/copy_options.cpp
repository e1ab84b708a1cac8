// The command line of caios2dfs-mpi. See copy_options.hpp.
//
// Conventions are rclone's (pflag's): "--flag value" and "--flag=value",
// switches may be written "--switch=true|false", short switches cluster
// ("-vv", "-nv"), a repeated single-valued flag keeps its last value, and
// "--" ends the options.
#include "caios2dfs/cli/copy_options.hpp"

#include "caios2dfs/fileio/file_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <string_view>
#include <utility>

#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/s3/location.hpp"
#include "caios2dfs/base/units.hpp"

namespace caios {
namespace {

constexpr std::string_view kVersionLine = "caios2dfs-mpi 0.1.0";
constexpr std::string_view kCopyUsage = "usage caios2dfs-mpi [OPTIONS] SOURCE DEST";
constexpr std::string_view kSourceForms = "s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX]";

// Thrown and caught inside parse_command_line only: it keeps each check one
// line instead of threading a Result through every helper.
struct UsageError {
  std::string message;
};

[[noreturn]] void fail(std::string message) { throw UsageError{std::move(message)}; }

struct OptionSpec {
  std::string_view name;
  std::string_view metavar;  ///< empty for switches (no value, or an optional =true|false)
};

constexpr std::array kOptions{
    // Source, destination, configuration.
    OptionSpec{"--config", "FILE"}, OptionSpec{"--endpoint", "URL"}, OptionSpec{"--region", "NAME"},
    OptionSpec{"--addressing", "path|virtual"}, OptionSpec{"--s3-force-path-style", ""},
    OptionSpec{"--ca-bundle", "FILE"}, OptionSpec{"--io", "posix|mpiio"}, OptionSpec{"--direct-io", ""},
    // Performance.
    OptionSpec{"--transfers", "N"}, OptionSpec{"--multi-thread-cutoff", "SIZE"},
    OptionSpec{"--chunk-size", "SIZE"}, OptionSpec{"--buffer-size", "SIZE"}, OptionSpec{"--retries", "N"},
    OptionSpec{"--timeout", "DURATION"}, OptionSpec{"--contimeout", "DURATION"},
    // Selection.
    OptionSpec{"--files-from", "FILE"}, OptionSpec{"--include", "GLOB"}, OptionSpec{"--exclude", "GLOB"},
    OptionSpec{"--ignore-existing", ""}, OptionSpec{"--dry-run", ""},
    // Output.
    OptionSpec{"--stats", "DURATION"}, OptionSpec{"--report", "FILE"}, OptionSpec{"--failed-list", "FILE"},
    OptionSpec{"--verbose", ""}, OptionSpec{"--quiet", ""}, OptionSpec{"--help", ""}, OptionSpec{"--version", ""},
    // Benchmarks.
    OptionSpec{"--bench", "read|write"}, OptionSpec{"--iterations", "N"}, OptionSpec{"--bench-files", "N"},
    OptionSpec{"--bench-size", "SIZE"}, OptionSpec{"--keep", ""},
};

const OptionSpec* find_option(std::string_view name) {
  const auto it = std::find_if(kOptions.begin(), kOptions.end(), [&](const OptionSpec& o) { return o.name == name; });
  return it == kOptions.end() ? nullptr : &*it;
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

// rclone flags users carry over from their `rclone copy` recipes.
std::string rclone_hint(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 9> kHints{{
      {"--progress", "use --stats 1s for frequent progress lines"},
      {"-P", "use --stats 1s for frequent progress lines"},
      {"--low-level-retries", "did you mean --retries?"},
      {"--multi-thread-chunk-size", "did you mean --chunk-size?"},
      {"--s3-chunk-size", "did you mean --chunk-size?"},
      {"--multi-thread-streams", "use --transfers: every transfer of every rank fetches chunks"},
      {"--s3-endpoint", "did you mean --endpoint?"},
      {"--s3-region", "did you mean --region?"},
      {"--ca-cert", "did you mean --ca-bundle?"},
  }};
  for (const auto& [flag, hint] : kHints) {
    if (flag == name) return std::string(hint);
  }
  if (name.rfind("--", 0) != 0) return {};
  // Suggest only near misses (a typo, a swapped pair), not other words:
  // "--foo" is two edits from "--io" but is not a typo of it.
  std::string_view best;
  std::size_t best_distance = std::max<std::size_t>(1, name.size() / 5) + 1;
  for (const OptionSpec& option : kOptions) {
    const std::size_t distance = edit_distance(name, option.name);
    if (distance < best_distance) {
      best = option.name;
      best_distance = distance;
    }
  }
  return best.empty() ? std::string() : fmt::format("did you mean {}?", best);
}

[[noreturn]] void unknown_option(std::string_view name) {
  const std::string hint = rclone_hint(name);
  fail(hint.empty() ? fmt::format("unknown option {} (see --help)", name)
                    : fmt::format("unknown option {}: {} (see --help)", name, hint));
}

bool is_all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::uint64_t whole_number(std::string_view flag, std::string_view text, std::uint64_t min, std::uint64_t max) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (!is_all_digits(text) || ec != std::errc() || ptr != end || value < min || value > max) {
    const bool unbounded = max == std::numeric_limits<std::uint64_t>::max() ||
                           max == static_cast<std::uint64_t>(std::numeric_limits<int>::max());
    fail(unbounded ? fmt::format("{} needs a whole number of at least {}, got '{}'", flag, min, text)
                   : fmt::format("{} needs a whole number from {} to {}, got '{}'", flag, min, max, text));
  }
  return value;
}

int whole_int(std::string_view flag, std::string_view text, int min, int max = std::numeric_limits<int>::max()) {
  return static_cast<int>(
      whole_number(flag, text, static_cast<std::uint64_t>(min), static_cast<std::uint64_t>(max)));
}

std::uint64_t size_value(std::string_view flag, std::string_view text, std::uint64_t min, std::string_view min_text) {
  auto size = parse_size(text);
  if (!size.ok()) fail(fmt::format("{}: {}", flag, size.error().message));
  if (size.value() < min) {
    // rclone's rule makes "--buffer-size 32" mean 32 KiB; say so when a bare number is too small.
    const std::string note = is_all_digits(text) ? ": a bare number means KiB" : "";
    fail(min == 1 ? fmt::format("{} needs a size above 0 like 64M, got '{}'", flag, text)
                  : fmt::format("{} needs at least {}, got '{}' (= {}{})", flag, min_text, text,
                                format_bytes(size.value()), note));
  }
  return size.value();
}

std::chrono::milliseconds duration_value(std::string_view flag, std::string_view text) {
  auto duration = parse_duration(text);
  if (!duration.ok()) fail(fmt::format("{}: {}", flag, duration.error().message));
  return duration.value();
}

// pflag's strconv.ParseBool spellings; nothing for any other text.
std::optional<bool> parse_bool(std::string_view text) {
  for (std::string_view yes : {"1", "t", "T", "true", "TRUE", "True"}) {
    if (text == yes) return true;
  }
  for (std::string_view no : {"0", "f", "F", "false", "FALSE", "False"}) {
    if (text == no) return false;
  }
  return std::nullopt;
}

bool bool_value(std::string_view flag, std::string_view text) {
  if (const std::optional<bool> value = parse_bool(text)) return *value;
  fail(fmt::format("{} takes true or false, got '{}' (or give {} alone for true)", flag, text, flag));
}

DirectIo direct_io_value(std::string_view text) {
  if (text == "auto") return DirectIo::automatic;
  if (text == "always") return DirectIo::always;
  if (text == "never") return DirectIo::never;
  if (const std::optional<bool> value = parse_bool(text)) return *value ? DirectIo::always : DirectIo::never;
  fail(fmt::format("--direct-io takes auto, always or never, got '{}' (--direct-io alone means always)", text));
}

std::string nonempty(std::string_view flag, std::string_view metavar, std::string_view text) {
  if (text.empty()) fail(fmt::format("{} needs a {}, got an empty value", flag, metavar));
  return std::string(text);
}

bool looks_like_option(std::string_view text) {
  // "-" alone is a value (stdin for --files-from); "-1" is a (bad) number
  // that the flag's own check reports better.
  return text.size() > 1 && text[0] == '-' && !(text[1] >= '0' && text[1] <= '9') && text[1] != '.';
}

bool looks_like_s3(std::string_view text) {
  if (text.rfind("s3://", 0) == 0) return true;
  const auto colon = text.find(':');
  return colon != std::string_view::npos && colon > 0 && colon < text.find('/');
}

class Parser {
 public:
  enum class Outcome { run, help, version };

  Outcome parse(const std::vector<std::string>& args) {
    bool options_ended = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
      const std::string_view arg = args[i];
      if (options_ended || arg.size() < 2 || arg[0] != '-') {
        positionals_.emplace_back(arg);
      } else if (arg == "--") {
        options_ended = true;
      } else if (arg[1] == '-') {
        const auto equals = arg.find('=');
        const std::string_view name = arg.substr(0, equals);
        const OptionSpec* spec = find_option(name);
        if (spec == nullptr) unknown_option(name);
        std::optional<std::string_view> value;
        if (equals != std::string_view::npos) value = arg.substr(equals + 1);
        if (!spec->metavar.empty() && !value) {
          if (i + 1 >= args.size()) {
            fail(fmt::format("{} needs a {} ({} {} or {}={})", name, spec->metavar, name, spec->metavar, name,
                             spec->metavar));
          }
          value = args[++i];
          if (looks_like_option(*value)) {
            fail(fmt::format("{} needs a {} before '{}' (for a value starting with '-', write {}=VALUE)", name,
                             spec->metavar, *value, name));
          }
        }
        if (const Outcome outcome = apply(*spec, value); outcome != Outcome::run) return outcome;
      } else if (const Outcome outcome = apply_short_switches(arg); outcome != Outcome::run) {
        return outcome;
      }
    }
    finish();
    return Outcome::run;
  }

  CopyOptions& options() { return options_; }

 private:
  bool given(std::string_view name) const {
    return std::find(given_.begin(), given_.end(), name) != given_.end();
  }

  Outcome apply(const OptionSpec& spec, std::optional<std::string_view> value) {
    const std::string_view name = spec.name;
    given_.push_back(name);
    CopyOptions& o = options_;
    if (name == "--help" || name == "--version") {
      if (value) fail(fmt::format("{} takes no value, got '{}'", name, *value));
      return name == "--help" ? Outcome::help : Outcome::version;
    }
    if (spec.metavar.empty()) {
      if (name == "--verbose") {
        verbose_count_ = value ? whole_int(name, *value, 0) : verbose_count_ + 1;
        return Outcome::run;
      }
      if (name == "--direct-io") {
        o.direct_io = value ? direct_io_value(*value) : DirectIo::always;
        return Outcome::run;
      }
      const bool on = value ? bool_value(name, *value) : true;
      if (name == "--s3-force-path-style") {
        force_path_style_ = on ? Addressing::path : Addressing::virtual_hosted;
      } else if (name == "--ignore-existing") {
        o.ignore_existing = on;
      } else if (name == "--dry-run") {
        o.dry_run = on;
      } else if (name == "--quiet") {
        quiet_ = on;
      } else if (name == "--keep") {
        o.keep = on;
      }
      return Outcome::run;
    }

    const std::string_view text = *value;
    RemoteOverrides& overrides = o.connection.overrides;
    if (name == "--config") {
      o.connection.config_path = nonempty(name, spec.metavar, text);
    } else if (name == "--endpoint") {
      if (text.empty()) fail("--endpoint needs a URL like https://cwobject.com, got an empty value");
      overrides.endpoint = std::string(text);
    } else if (name == "--region") {
      overrides.region = nonempty(name, spec.metavar, text);
    } else if (name == "--addressing") {
      if (text == "path") {
        addressing_ = Addressing::path;
      } else if (text == "virtual" || text == "virtual-hosted") {
        addressing_ = Addressing::virtual_hosted;
      } else {
        fail(fmt::format("--addressing needs path or virtual, got '{}'", text));
      }
    } else if (name == "--ca-bundle") {
      overrides.ca_bundle = nonempty(name, spec.metavar, text);
    } else if (name == "--io") {
      if (text == "posix") {
        o.io = IoBackend::posix;
      } else if (text == "mpiio") {
        o.io = IoBackend::mpiio;
      } else {
        fail(fmt::format("--io needs posix or mpiio, got '{}'", text));
      }
    } else if (name == "--transfers") {
      o.transfers = whole_int(name, text, 1, 1024);
    } else if (name == "--multi-thread-cutoff") {
      o.multi_thread_cutoff = size_value(name, text, 0, "0");
    } else if (name == "--chunk-size") {
      o.chunk_size = size_value(name, text, 1, "1B");
    } else if (name == "--buffer-size") {
      o.buffer_size = size_value(name, text, 64 * 1024, "64K");
    } else if (name == "--retries") {
      o.retries = whole_int(name, text, 0);
    } else if (name == "--timeout") {
      // 0 turns the stall check off (HttpEngine); a fraction of a second rounds up, never to off.
      o.stall_timeout = std::chrono::ceil<std::chrono::seconds>(duration_value(name, text));
    } else if (name == "--contimeout") {
      o.connect_timeout = duration_value(name, text);
      if (o.connect_timeout.count() == 0) {
        fail(fmt::format("--contimeout needs a duration above 0 like 10s, got '{}'", text));
      }
    } else if (name == "--files-from") {
      // rclone reads every --files-from given; we take one list.
      if (o.files_from) fail("--files-from given twice: give one list (concatenate the files into one)");
      o.files_from = nonempty(name, spec.metavar, text);
    } else if (name == "--include" || name == "--exclude") {
      FilterRule rule{name == "--include", std::string(text)};
      if (auto compiled = PathFilter::compile({rule}); !compiled.ok()) fail(compiled.error().message);
      o.filters.push_back(std::move(rule));
    } else if (name == "--stats") {
      o.stats_interval = duration_value(name, text);
    } else if (name == "--report") {
      o.report = nonempty(name, spec.metavar, text);
    } else if (name == "--failed-list") {
      o.failed_list = nonempty(name, spec.metavar, text);
    } else if (name == "--bench") {
      if (text == "read") {
        o.bench = BenchMode::read;
      } else if (text == "write") {
        o.bench = BenchMode::write;
      } else {
        fail(fmt::format("--bench needs read or write, got '{}'", text));
      }
    } else if (name == "--iterations") {
      o.iterations = whole_int(name, text, 1);
    } else if (name == "--bench-files") {
      o.bench_files = whole_number(name, text, 1, std::numeric_limits<std::uint64_t>::max());
    } else if (name == "--bench-size") {
      o.bench_size = size_value(name, text, 1, "1B");
    }
    return Outcome::run;
  }

  Outcome apply_short_switches(std::string_view arg) {
    // "-transfers": a long option with one dash is the likeliest mistake.
    if (arg.size() > 2 && find_option(fmt::format("-{}", arg.substr(0, arg.find('='))))) {
      fail(fmt::format("unknown option {}: long options take two dashes, write -{}", arg, arg));
    }
    for (const char letter : arg.substr(1)) {
      switch (letter) {
        case 'v': ++verbose_count_; given_.push_back("--verbose"); break;
        case 'q': quiet_ = true; given_.push_back("--quiet"); break;
        case 'n': options_.dry_run = true; given_.push_back("--dry-run"); break;
        case 'h': return Outcome::help;
        case 'V': return Outcome::version;
        default: {
          const std::string option = fmt::format("-{}", letter);
          if (arg.size() == 2) unknown_option(option);
          fail(fmt::format("unknown option {} in '{}' (short options: -v -q -n -h -V; see --help)", option, arg));
        }
      }
    }
    return Outcome::run;
  }

  void finish() {
    CopyOptions& o = options_;
    if (verbose_count_ > 0 && quiet_) fail("-v and -q cannot be used together: pick one");
    o.verbosity = quiet_ ? -1 : verbose_count_;

    if (addressing_ && force_path_style_ && *addressing_ != *force_path_style_) {
      fail(fmt::format("--addressing {} contradicts --s3-force-path-style={}: give only one",
                       *addressing_ == Addressing::path ? "path" : "virtual",
                       *force_path_style_ == Addressing::path ? "true" : "false"));
    }
    if (addressing_) {
      o.connection.overrides.addressing = addressing_;
    } else if (force_path_style_) {
      o.connection.overrides.addressing = force_path_style_;
    }
    if (o.report && !o.failed_list) o.failed_list = *o.report + ".failed";
    if (o.direct_io == DirectIo::always && o.io == IoBackend::mpiio) {
      fail("--direct-io applies to --io posix (MPI-IO chooses its own way to the file system)");
    }

    check_bench_flags();
    check_positionals();
  }

  void check_bench_flags() const {
    const CopyOptions& o = options_;
    if (o.bench == BenchMode::none) {
      for (std::string_view flag : {"--iterations", "--bench-files", "--bench-size", "--keep"}) {
        if (given(flag)) fail(fmt::format("{} only applies with --bench read|write", flag));
      }
      return;
    }
    const std::string_view mode = o.bench == BenchMode::read ? "read" : "write";
    if (o.dry_run) fail(fmt::format("--dry-run cannot be used with --bench {}: a benchmark moves data", mode));
    if (o.ignore_existing) fail(fmt::format("--ignore-existing does not apply to --bench {}", mode));
    if (o.bench == BenchMode::read) {
      for (std::string_view flag : {"--bench-files", "--bench-size", "--keep"}) {
        if (given(flag)) fail(fmt::format("{} only applies to --bench write (--bench read reads SOURCE)", flag));
      }
    } else {
      if (o.files_from) fail("--files-from cannot be used with --bench write: it writes generated files, not objects");
      if (!o.filters.empty()) {
        fail(fmt::format("{} cannot be used with --bench write: it writes generated files, not objects",
                         o.filters.front().include ? "--include" : "--exclude"));
      }
    }
  }

  void check_positionals() {
    CopyOptions& o = options_;
    const std::size_t count = positionals_.size();
    switch (o.bench) {
      case BenchMode::none:
        if (count == 0) fail(fmt::format("missing SOURCE and DEST: {} (see --help)", kCopyUsage));
        if (count == 1) fail(fmt::format("missing DEST: {}", kCopyUsage));
        if (count > 2) {
          fail(fmt::format("unexpected argument '{}' after SOURCE and DEST: {} (quote globs so the shell "
                           "does not expand them)",
                           positionals_[2], kCopyUsage));
        }
        check_source(positionals_[0], positionals_[1]);
        check_dest(positionals_[1]);
        o.source = positionals_[0];
        o.dest = positionals_[1];
        break;
      case BenchMode::read:
        if (count == 0) fail("missing SOURCE: usage caios2dfs-mpi --bench read [OPTIONS] SOURCE");
        if (count > 1) {
          fail(fmt::format("unexpected argument '{}': --bench read takes only SOURCE (it writes nothing)",
                           positionals_[1]));
        }
        check_source(positionals_[0], "");
        o.source = positionals_[0];
        break;
      case BenchMode::write:
        if (count == 0) fail("missing DEST: usage caios2dfs-mpi --bench write [OPTIONS] DEST");
        if (count > 1) {
          fail(fmt::format("unexpected argument '{}': --bench write takes only DEST (it reads nothing from S3)",
                           positionals_[1]));
        }
        check_dest(positionals_[0]);
        o.dest = positionals_[0];
        break;
    }
  }

  static void check_source(std::string_view source, std::string_view dest) {
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

  static void check_dest(std::string_view dest) {
    if (dest.empty()) fail("DEST is empty: give the directory to copy into");
    if (dest.rfind("s3://", 0) == 0) {
      fail(fmt::format("DEST '{}' is an S3 location: DEST must be a directory (caios2dfs-mpi only copies "
                       "from S3)",
                       dest));
    }
  }

  CopyOptions options_;
  std::vector<std::string> positionals_;
  std::vector<std::string_view> given_;  // option names seen, long form
  int verbose_count_ = 0;
  bool quiet_ = false;
  std::optional<Addressing> addressing_;        // from --addressing
  std::optional<Addressing> force_path_style_;  // from --s3-force-path-style
};

}  // namespace

ParsedCommandLine parse_command_line(const std::vector<std::string>& args) {
  ParsedCommandLine result;
  try {
    Parser parser;
    switch (parser.parse(args)) {
      case Parser::Outcome::help: result.message = usage_text(); return result;
      case Parser::Outcome::version: result.message = std::string(kVersionLine); return result;
      case Parser::Outcome::run: result.options = std::move(parser.options()); return result;
    }
  } catch (const UsageError& error) {
    result.message = error.message;
    result.exit_code = 2;
  }
  return result;
}

std::uint64_t direct_io_min_size(const CopyOptions& options) {
  if (options.io != IoBackend::posix) return kNoDirectIo;
  switch (options.direct_io) {
    case DirectIo::always: return 0;
    case DirectIo::never: return kNoDirectIo;
    case DirectIo::automatic: break;
  }
  // Large objects stream into their files in big sequential pieces that this
  // node will not read again: copying them into the page cache costs CPU
  // (1-2.5 s of system time per GiB on the test VM against 0.07 s for
  // O_DIRECT) and memory, and buys nothing. Small files keep the page cache,
  // which absorbs their many small writes.
  return options.multi_thread_cutoff;
}

std::string describe_io(const CopyOptions& options) {
  if (options.io == IoBackend::mpiio) return "mpiio";
  const std::uint64_t min_size = direct_io_min_size(options);
  if (min_size == kNoDirectIo) return "posix";
  if (min_size <= 4096) return "posix, O_DIRECT";
  return fmt::format("posix, O_DIRECT for files of {} or more", format_bytes(min_size));
}

std::string usage_text() {
  // Defaults below must match CopyOptions; copy_options_test checks each flag appears.
  return R"(caios2dfs-mpi 0.1.0: copy an S3 bucket onto a cluster file system, every MPI rank streaming
ranged GETs straight into the files. Flags follow rclone copy's names.

Usage:
  caios2dfs-mpi [OPTIONS] SOURCE DEST          copy the objects under SOURCE into DEST
  caios2dfs-mpi --bench read [OPTIONS] SOURCE  read the objects under SOURCE, write nothing
  caios2dfs-mpi --bench write [OPTIONS] DEST   write test files into DEST, no S3 at all

  SOURCE  s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX] (an rclone remote)
  DEST    a directory: object PREFIX/a/b.bin becomes DEST/a/b.bin, as with rclone copy

Source and destination:
  --io posix|mpiio             how files in DEST are written (default posix)
  --direct-io[=auto|always|never]
                               posix: write with O_DIRECT, past the page cache (less CPU; bytes
                               are on the device when the run ends). auto (the default): objects
                               of --multi-thread-cutoff or more; alone: always
  --ignore-existing            skip every object whose DEST file exists (see Skipping)
  -n, --dry-run                list what would be copied or skipped, transfer nothing

Performance:
  --transfers N                requests in flight per rank, 1 to 1024 (default 16)
  --multi-thread-cutoff SIZE   split objects of this size or more into chunks (default 64M)
  --chunk-size SIZE            chunk size of split objects, above 0 (default 64M)
  --buffer-size SIZE           write buffer per transfer, at least 64K (default 4M)
  --retries N                  retries per request after the first try (default 10)
  --timeout DURATION           retry a request when no byte arrived for this long (default 60s;
                               0: never)
  --contimeout DURATION        TCP/TLS connect timeout, above 0 (default 10s)

Selection (default: every object under SOURCE):
  --files-from FILE            copy only the paths in FILE, one per line, relative to SOURCE
                               ('-': standard input; given once)
  --include GLOB               copy only paths matching GLOB (repeatable)
  --exclude GLOB               skip paths matching GLOB (repeatable)
                               Rules apply in command-line order and the first match decides;
                               with any --include, paths matching no rule are skipped. Quote
                               globs ('*.bin') so the shell leaves them alone.

Output:
  --stats DURATION             print progress this often (default 10s; 0: never)
  --report FILE                write a JSON report at the end (default: none)
  --failed-list FILE           write the failed paths there, ready for --files-from
                               (default: REPORT.failed with --report, else none)
  -v, --verbose                more messages; repeat for more (-vv)
  -q, --quiet                  errors only
  -h, --help                   print this help
  -V, --version                print the version

Benchmark (without --bench, the tool copies):
  --bench read|write           read: S3 read bandwidth, data discarded; write: file system write
                               bandwidth with generated files
  --iterations N               repeat the measurement N times (default 1)
  --bench-files N              write: number of files (default 16)
  --bench-size SIZE            write: size of each file (default 64M)
  --keep                       write: keep the files (default: delete them at the end)

Config and credentials (defaults: from the rclone config or AWS settings below):
  --config FILE                rclone config (default $RCLONE_CONFIG, else
                               ~/.config/rclone/rclone.conf)
  --endpoint URL               S3 endpoint, e.g. https://cwobject.com; https:// if no scheme
  --region NAME                SigV4 region (else us-east-1)
  --addressing path|virtual    bucket in the URL path or in the host name
  --s3-force-path-style[=false]  rclone's spelling of --addressing path (false: virtual)
  --ca-bundle FILE             PEM certificates to verify the endpoint (else the system store)
  REMOTE:  the remote's section of the rclone config above; RCLONE_CONFIG_<REMOTE>_<KEY>
           variables override its keys or define the remote alone (..._TYPE=s3)
  s3://    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_ENDPOINT_URL,
           AWS_REGION; else profile AWS_PROFILE (default "default") of ~/.aws/credentials
           and ~/.aws/config
  --endpoint, --region, --addressing and --ca-bundle beat both.

SIZE: binary as in rclone: 64M = 64MiB = 64MB = 64*2^20 bytes; suffixes B K M G T P; 1.5G.
  A bare number means KiB, as in rclone: 256 is 256K; write 256B for bytes.
DURATION: 10s, 1m30s, 500ms, 2h; a bare number means seconds.
Values go as --flag VALUE or --flag=VALUE; switches take --flag=false; -- ends the options.

Skipping: by default an object is skipped when its DEST file exists with the object's size
and modification time; with --ignore-existing, whenever its DEST file exists.

Exit codes:
  0  every object copied or rightly skipped
  1  some objects failed (see --report, --failed-list); rerun to fetch only what is missing
  2  bad usage, config or credentials, or bucket unreachable: found before any data moves

Examples:
  srun --mpi=pmix -N 4 --ntasks-per-node=8 caios2dfs-mpi cw:models/llama /lustre/models
  mpirun -np 32 --hostfile hosts caios2dfs-mpi --transfers 32 s3://data/train /scratch/train
  srun --mpi=pmix -N 2 caios2dfs-mpi --bench write --bench-size 1G /lustre/bench)";
}

}  // namespace caios
