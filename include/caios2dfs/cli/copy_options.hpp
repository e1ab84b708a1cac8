// The command line of caios2dfs-mpi: rclone's flag names wherever the
// meaning is the same. Parsing is pure (argv in, options or a usage error
// out) so every rank parses the same arguments to the same result.
//
// Each flag is one entry of the flag table (src/cli/option_table.cpp), which
// both parse_command_line (command_line.cpp) and usage_text (usage.cpp) read.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/config/connect.hpp"
#include "caios2dfs/base/error.hpp"
#include "caios2dfs/copy/filter.hpp"

namespace caios {

enum class IoBackend { posix, mpiio };
enum class BenchMode { none, read, write, list };
/// --direct-io: when the POSIX backend writes past the page cache (O_DIRECT).
enum class DirectIo {
  automatic,  ///< default: objects of --multi-thread-cutoff or more (the ones split into chunks)
  always,     ///< --direct-io, --direct-io=always: every file of 4 KiB or more
  never,      ///< --direct-io=never: everything through the page cache
};

struct CopyOptions {
  std::string source;  ///< s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX] (empty for --bench write)
  std::string dest;    ///< destination directory (empty for --bench read)
  ConnectionOptions connection;  ///< --config, --endpoint, --region, --addressing, --ca-bundle

  int transfers = 16;                              ///< --transfers: requests in flight per rank
  int checkers = 64;                               ///< --checkers: listing requests in flight over the job
  int list_chunk = 1000;                           ///< --s3-list-chunk: max-keys of each listing page
  int file_threads = -1;                           ///< --file-threads (-1: from --transfers)
  std::uint64_t multi_thread_cutoff = 64ull << 20;  ///< --multi-thread-cutoff
  std::uint64_t chunk_size = 64ull << 20;           ///< --chunk-size
  std::uint64_t buffer_size = 4ull << 20;           ///< --buffer-size: per-transfer write buffer
  std::optional<std::string> files_from;            ///< --files-from
  std::vector<FilterRule> filters;                  ///< --include / --exclude, in order
  bool ignore_existing = false;                     ///< --ignore-existing
  bool ignore_checksum = false;                     ///< --ignore-checksum
  bool checksum = false;                            ///< --checksum (-c): skip by size and MD5
  bool dry_run = false;                             ///< --dry-run / -n
  IoBackend io = IoBackend::posix;                  ///< --io posix|mpiio
  DirectIo direct_io = DirectIo::automatic;         ///< --direct-io[=auto|always|never] (posix only)
  std::chrono::milliseconds stats_interval{10'000};  ///< --stats (0: off)
  bool progress = false;                            ///< -P / --progress: a block redrawn on a terminal
  std::optional<std::string> report;                ///< --report FILE (JSON)
  std::optional<std::string> failed_list;           ///< --failed-list FILE (default: REPORT.failed when --report)
  int retries = 10;                                 ///< --retries: per request
  std::chrono::seconds stall_timeout{60};           ///< --timeout: no byte for this long -> retry
  std::chrono::milliseconds connect_timeout{10'000};  ///< --contimeout
  std::chrono::milliseconds max_duration{0};        ///< --max-duration (0: none)
  bool cutoff_soft = false;                         ///< --cutoff-mode soft: let transfers in flight finish
  int verbosity = 0;                                ///< -v (+1), -q (-1)

  // Benchmark modes (issue 5): --bench read|write, --iterations, --bench-files, --bench-size, --keep
  BenchMode bench = BenchMode::none;
  int iterations = 1;
  std::uint64_t bench_files = 16;
  std::uint64_t bench_size = 64ull << 20;
  bool keep = false;
};

/// The outcome of parsing: options to run with, or text to print and an exit code.
struct ParsedCommandLine {
  std::optional<CopyOptions> options;
  std::string message;  ///< --help / --version text (exit 0), or a usage error (exit 2)
  int exit_code = 0;
  bool version = false;  ///< --version: the caller adds the libraries' versions (runtime_versions)
};

/// Parse argv (argv[0] is the program name). Never exits, never prints.
ParsedCommandLine parse_command_line(const std::vector<std::string>& args);

/// The smallest file the POSIX backend opens O_DIRECT under these options
/// (kNoDirectIo for none): the argument of make_posix_backend().
std::uint64_t direct_io_min_size(const CopyOptions& options);

/// How DEST is written, for reports: "posix", "posix, O_DIRECT for files of
/// 64.00 MiB or more", "posix, O_DIRECT", "mpiio".
std::string describe_io(const CopyOptions& options);

/// The --help text: lines of at most 100 columns, no newline at the end.
std::string usage_text();

/// The man page caios2dfs-mpi(1), in roff, dated `date` (e.g. 2026-12-02):
/// the flags and prose of usage_text(), laid out as a man page.
std::string man_page_text(std::string_view date);

}  // namespace caios
