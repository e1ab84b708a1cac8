// caios2dfs-mpi: copy an S3 bucket onto a file system with every MPI rank.
// Parse, connect, copy, report: the work is in the library (copier.cpp).
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "caios2dfs/cli/bench_write.hpp"
#include "caios2dfs/mpi/comm.hpp"
#include "caios2dfs/config/connect.hpp"
#include "caios2dfs/copy/copier.hpp"
#include "caios2dfs/cli/copy_options.hpp"
#include "caios2dfs/fileio/fs_ops.hpp"

using namespace caios;

namespace {

/// Everything that can go wrong before data moves ends here with status 2 on
/// every rank: each rank checks its own setup, then all agree.
int run(Comm& comm, const std::vector<std::string>& args) {
  ParsedCommandLine parsed = parse_command_line(args);
  if (!parsed.options) {
    if (comm.rank() == 0) fmt::print(parsed.exit_code == 0 ? stdout : stderr, "{}\n", parsed.message);
    return parsed.exit_code;
  }
  const CopyOptions& options = *parsed.options;
  if (options.bench == BenchMode::write) {
    // The file system alone: no bucket, no credentials.
    std::unique_ptr<FileBackend> backend =
        options.io == IoBackend::mpiio ? make_mpiio_backend() : make_posix_backend(direct_io_min_size(options));
    return run_write_bench(comm, *backend, options);
  }

  std::string setup_error;
  CopyJob job;
  job.options = options;
  if (const char* steal_only = std::getenv("CAIOS2DFS_TEST_STEAL_ONLY"); steal_only && std::string(steal_only) == "1") {
    job.deal_work = false;
  }
  std::optional<Connection> connection;
  Result<S3Location> location = parse_s3_location(options.source);
  if (!location.ok()) {
    setup_error = location.error().to_string();
  } else {
    job.source = *location;
    Result<PathFilter> filter = PathFilter::compile(options.filters);
    Result<Connection> connected = connect(*location, options.connection, process_environment());
    if (!filter.ok()) {
      setup_error = filter.error().to_string();
    } else if (!connected.ok()) {
      setup_error = connected.error().to_string();
    } else {
      job.filter = std::move(filter).value();
      connection = std::move(connected).value();
    }
  }
  if (setup_error.empty() && comm.rank() == 0 && options.bench == BenchMode::none && !options.dry_run) {
    DirectoryMaker directories;
    if (Status made = directories.make(options.dest); !made.ok()) {
      setup_error = fmt::format("cannot create DEST: {}", made.error().to_string());
    }
  }
  if (!comm.all_agree(setup_error.empty())) {
    if (!setup_error.empty()) {
      fmt::print(stderr, "caios2dfs-mpi: {}{}\n", comm.rank() == 0 ? "" : fmt::format("rank {}: ", comm.rank()),
                 setup_error);
    }
    return 2;
  }
  if (comm.rank() == 0) {
    for (const std::string& warning : connection->remote.warnings) fmt::print(stderr, "caios2dfs-mpi: warning: {}\n", warning);
    if (options.verbosity > 0) fmt::print("caios2dfs-mpi: {}\n", describe(connection->remote));
  }

  HttpEngineOptions engine_options;
  engine_options.max_in_flight = options.transfers;
  engine_options.ca_bundle = connection->remote.ca_bundle;
  engine_options.stall_timeout_s = options.stall_timeout.count();
  engine_options.connect_timeout_ms = options.connect_timeout.count();
  HttpEngine engine(engine_options);
  RetryPolicy retry;
  retry.max_retries = options.retries;
  S3Client client(engine, connection->endpoint, connection->remote.credentials,
                  [] { return std::chrono::system_clock::now(); }, retry,
                  0xC0FFEEull * static_cast<std::uint64_t>(comm.rank() + 1));
  std::unique_ptr<FileBackend> backend = options.io == IoBackend::mpiio
                                             ? make_mpiio_backend()
                                             : make_posix_backend(direct_io_min_size(options));
  return run_copy(comm, client, *backend, job);
}

}  // namespace

int main(int argc, char** argv) {
  // Our MPI traffic is a few small control messages per work item. Open MPI's
  // UCX layer costs 0.2 s of start-up per job on the test machine (more at
  // scale) and buys nothing here, so the plain ob1 layer is the default; an
  // OMPI_MCA_pml set by the user or the site still wins.
  ::setenv("OMPI_MCA_pml", "ob1", /*overwrite=*/0);
  MpiSession mpi(argc, argv);
  Comm comm;
  std::vector<std::string> args(argv, argv + argc);
  try {
    return run(comm, args);
  } catch (const std::exception& e) {
    // Not an ordinary failure (those are values): other ranks may be inside a
    // collective, so end the whole job rather than leave them waiting.
    fmt::print(stderr, "caios2dfs-mpi: rank {}: fatal: {}\n", comm.rank(), e.what());
    comm.abort(3);
  }
}
