#include "caios2dfs/cli/command.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>

#include "caios2dfs/base/stop_signals.hpp"
#include "caios2dfs/cli/bench_write.hpp"
#include "caios2dfs/config/connect.hpp"
#include "caios2dfs/copy/key_path.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"
#include "caios2dfs/http/curl_easy.hpp"
#include "caios2dfs/s3/md5.hpp"

namespace caios {

namespace {

std::unique_ptr<FileBackend> make_backend(const CopyOptions& options) {
  return options.io == IoBackend::mpiio ? make_mpiio_backend() : make_posix_backend(direct_io_min_size(options));
}

/// What every rank needs before data moves; an error text when unusable.
struct Setup {
  CopyJob job;
  std::optional<Connection> connection;
  std::string error;
};

Setup check_setup(const Comm& comm, const CopyOptions& options, const Environment& env) {
  Setup setup;
  Result<S3Location> location = parse_s3_location(options.source);
  if (!location.ok()) return setup.error = location.error().to_string(), setup;
  Result<PathFilter> filter = PathFilter::compile(options.filters);
  if (!filter.ok()) return setup.error = filter.error().to_string(), setup;
  Result<Connection> connected = connect(*location, options.connection, env);
  if (!connected.ok()) return setup.error = connected.error().to_string(), setup;
  setup.job = make_copy_job(options, *location, std::move(filter).value());
  setup.connection = std::move(connected).value();
  if (const auto steal_only = env.get ? env.get("CAIOS2DFS_TEST_STEAL_ONLY") : std::nullopt; steal_only == "1") {
    setup.job.deal_work = false;
  }
  if (comm.rank() == 0 && options.bench == BenchMode::none && !options.dry_run) {
    DirectoryMaker directories;
    if (Status made = directories.make(options.dest); !made.ok()) {
      setup.error = fmt::format("cannot create DEST: {}", made.error().to_string());
    } else if (Status writable = probe_writable(options.dest, temp_name_for("", fmt::format("probe {}", ::getpid())));
               !writable.ok()) {
      // Found before any data moves, not as one failure per object.
      setup.error = fmt::format("cannot write in DEST: {}: DEST must be a directory this user may create files in, "
                                "on a file system mounted read-write with space left (--dry-run checks a read-only DEST)",
                                writable.error().to_string());
    }
  }
  return setup;
}

/// The listing requests this rank runs at most at once.
int listing_share(const Comm& comm, int checkers) {
  if (comm.size() == 1) return checkers;
  if (comm.rank() == 0) return 0;
  return (checkers + comm.size() - 2) / (comm.size() - 1);
}

int copy_or_read(Comm& comm, const CopyOptions& options, const Setup& setup) {
  const Connection& connection = *setup.connection;
  if (comm.rank() == 0) {
    for (const std::string& warning : connection.remote.warnings) {
      fmt::print(stderr, "caios2dfs-mpi: warning: {}\n", warning);
    }
    if (options.verbosity > 0) fmt::print("caios2dfs-mpi: {}\n", describe(connection.remote));
  }
  HttpEngineOptions engine_options;
  // The listing's requests (--checkers over the job) come on top of the
  // transfers: on rank 0 alone, or shared by the other ranks
  // (copy/source_requests.hpp).
  engine_options.max_in_flight = options.transfers + listing_share(comm, options.checkers);
  engine_options.ca_bundle = connection.remote.ca_bundle;
  engine_options.stall_timeout_s = options.stall_timeout.count();
  engine_options.connect_timeout_ms = options.connect_timeout.count();
  HttpEngine engine(engine_options);
  RetryPolicy retry;
  retry.max_retries = options.retries;
  S3Client client(engine, connection.endpoint, connection.remote.credentials,
                  [] { return std::chrono::system_clock::now(); }, retry,
                  0xC0FFEEull * static_cast<std::uint64_t>(comm.rank() + 1));
  std::unique_ptr<FileBackend> backend = make_backend(options);
  // SLURM's time limit, scancel, ^C, `sbatch --signal=USR1@120`: stop in
  // order, with a report (copy/run_copy.cpp).
  StopSignals signals;
  return run_copy(comm, client, *backend, setup.job, &signals);
}

/// Each rank holds up to about 3 x --transfers files open (opened ahead,
/// being written, being finished), 256 cached directories and its sockets:
/// past 1,024, the usual soft limit, at --transfers 200 or so. Raise the
/// soft limit to the hard one, as the kernel allows any process to.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

CopyJob make_copy_job(const CopyOptions& options, S3Location source, PathFilter filter) {
  CopyJob job;
  job.mode = options.bench == BenchMode::read   ? CopyMode::read_bench
             : options.bench == BenchMode::list ? CopyMode::list_bench
                                                : CopyMode::copy;
  job.source = std::move(source);
  job.dest = options.dest;
  job.filter = std::move(filter);
  job.files_from = options.files_from;
  // --ignore-existing wins over --checksum, as in rclone.
  job.skip_rule = options.ignore_existing ? SkipRule::exists
                  : options.checksum      ? SkipRule::size_and_checksum
                                          : SkipRule::size_and_mtime;
  job.dry_run = options.dry_run;
  job.iterations = options.iterations;
  job.transfers = options.transfers;
  job.checkers = options.checkers;
  job.list_chunk = options.list_chunk;
  job.max_duration = options.max_duration;
  job.cutoff_soft = options.cutoff_soft;
  job.file_threads = options.file_threads;
  job.verify = !options.ignore_checksum;
  job.retries = options.retries;
  job.multi_thread_cutoff = options.multi_thread_cutoff;
  job.chunk_size = options.chunk_size;
  job.buffer_size = options.buffer_size;
  job.stats_interval = options.stats_interval;
  // Only a terminal can be redrawn; SLURM's output files and pipes get lines.
  job.progress_block = options.progress && ::isatty(STDOUT_FILENO) == 1;
  job.report = options.report;
  job.failed_list = options.failed_list;
  job.verbosity = options.verbosity;
  job.io_description = describe_io(options);
  return job;
}

std::string runtime_versions() {
  return fmt::format("  {}\n  {}\n  {}", curl_runtime_version(), openssl_runtime_version(), mpi_runtime_version());
}

int run_command(Comm& comm, const std::vector<std::string>& args, const Environment& env) {
  raise_open_file_limit();
  ParsedCommandLine parsed = parse_command_line(args);
  if (!parsed.options) {
    if (comm.rank() == 0) fmt::print(parsed.exit_code == 0 ? stdout : stderr, "{}\n", parsed.message);
    if (comm.rank() == 0 && parsed.version) fmt::print("{}\n", runtime_versions());
    return parsed.exit_code;
  }
  const CopyOptions& options = *parsed.options;
  if (options.bench == BenchMode::write) {
    // The file system alone: no bucket, no credentials.
    std::unique_ptr<FileBackend> backend = make_backend(options);
    return run_write_bench(comm, *backend, options);
  }
  // Each rank checks its own setup, then all agree.
  const Setup setup = check_setup(comm, options, env);
  if (!comm.all_agree(setup.error.empty())) {
    if (!setup.error.empty()) {
      fmt::print(stderr, "caios2dfs-mpi: {}{}\n", comm.rank() == 0 ? "" : fmt::format("rank {}: ", comm.rank()),
                 setup.error);
    }
    return 2;
  }
  return copy_or_read(comm, options, setup);
}

}  // namespace caios
