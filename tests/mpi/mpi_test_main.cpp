// The Catch2 main of the MPI tests: MPI is started (as a singleton, one
// process, no mpirun) before the first test and finalized after the last,
// because MPI_Init may be called once per process.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "caios2dfs/mpi/comm.hpp"

int main(int argc, char** argv) {
  Catch::Session session;
  if (const int status = session.applyCommandLine(argc, argv); status != 0) return status;
  // Listing the tests (catch_discover_tests does it at build time) needs no
  // MPI, so the build never depends on the MPI runtime starting.
  const Catch::ConfigData& config = session.configData();
  if (config.showHelp || config.listTests || config.listTestNamesOnly || config.listTags || config.listReporters) {
    return session.run();
  }
  caios::MpiSession mpi(argc, argv);
  return session.run();
}
