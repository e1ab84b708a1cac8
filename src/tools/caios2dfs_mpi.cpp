// caios2dfs-mpi: copy an S3 bucket onto a file system with every MPI rank.
// Parse, connect, copy, report: the work is in the libraries (cli/command.cpp).
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "caios2dfs/cli/command.hpp"
#include "caios2dfs/config/remote_config.hpp"
#include "caios2dfs/mpi/comm.hpp"

using namespace caios;

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
    return run_command(comm, args, process_environment());
  } catch (const std::exception& e) {
    // Not an ordinary failure (those are values): other ranks may be inside a
    // collective, so end the whole job rather than leave them waiting.
    fmt::print(stderr, "caios2dfs-mpi: rank {}: fatal: {}\n", comm.rank(), e.what());
    comm.abort(3);
  }
}
