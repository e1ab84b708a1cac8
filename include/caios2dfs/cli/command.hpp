// The caios2dfs-mpi program behind main(): parse the command line, check the
// setup on every rank, then copy, --bench read or --bench write.
#pragma once

#include <string>
#include <vector>

#include "caios2dfs/cli/copy_options.hpp"
#include "caios2dfs/config/remote_config.hpp"
#include "caios2dfs/copy/copy_job.hpp"
#include "caios2dfs/mpi/comm.hpp"

namespace caios {

/// Collective: every rank calls it with the same arguments. Returns the exit
/// status all ranks agree on (see --help): anything that can go wrong before
/// data moves (usage, config, credentials, DEST) ends with 2 on every rank.
/// `env` is the process environment (credentials, rclone and AWS settings,
/// CAIOS2DFS_TEST_STEAL_ONLY).
int run_command(Comm& comm, const std::vector<std::string>& args, const Environment& env);

/// What --version adds below the program's version: one line each for the
/// libcurl (and its TLS library), OpenSSL and MPI this process runs with, as
/// loaded at run time, for bug reports.
std::string runtime_versions();

/// The copy layer's job for parsed options (pure): `source` and `filter` are
/// the parsed SOURCE and the compiled --include/--exclude rules.
CopyJob make_copy_job(const CopyOptions& options, S3Location source, PathFilter filter);

}  // namespace caios
