// The MPI copy: rank 0 lists (or reads --files-from) and plans work while
// every rank, rank 0 included, transfers; idle ranks steal from random
// victims; rank 0 ends the run when every item it created has been reported
// done, then all ranks drain their messages and reduce statistics together.
//
// Collective: every rank of `comm` constructs a Copier with the same options
// and calls run() once. run() never throws across ranks: local failures are
// values (failed objects), and only a broken invariant aborts the job.
#pragma once

#include <memory>
#include <string>

#include "caios2dfs/mpi/comm.hpp"
#include "caios2dfs/cli/copy_options.hpp"
#include "caios2dfs/copy/copy_stats.hpp"
#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/copy/filter.hpp"
#include "caios2dfs/s3/location.hpp"
#include "caios2dfs/s3/s3_client.hpp"

namespace caios {

struct CopyJob {
  CopyOptions options;
  S3Location source;
  PathFilter filter;
  /// Rank 0 deals new work to all ranks by bytes (the normal mode). Off, all
  /// work starts at rank 0 and spreads by stealing alone: a test of stealing
  /// and termination (CAIOS2DFS_TEST_STEAL_ONLY=1 in the environment).
  bool deal_work = true;
};

/// Run the copy (or --bench read). Returns the exit status all ranks agree
/// on: 0 everything copied or rightly skipped, 1 some object failed or the
/// listing broke off, 2 the bucket was unreachable before any data moved.
/// Rank 0 prints progress and the summary and writes the report.
int run_copy(Comm& comm, S3Client& client, FileBackend& backend, const CopyJob& job);

/// Collective: every rank's counters, at rank 0 (empty elsewhere).
std::vector<RankStats> gather_rank_stats(Comm& comm, const RankStats& mine);

}  // namespace caios
