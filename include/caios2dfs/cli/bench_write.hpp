// --bench write: the destination file system's write bandwidth with no
// network in the way, measured like IOR's file-per-process mode: all ranks
// start together (barrier), each writes --bench-files files of --bench-size
// bytes through the same backend a copy uses, and aggregate bandwidth is
// total bytes over the span from the first start to the last end.
#pragma once

#include "caios2dfs/mpi/comm.hpp"
#include "caios2dfs/cli/copy_options.hpp"
#include "caios2dfs/fileio/file_sink.hpp"

namespace caios {

/// Collective. Returns the status every rank agrees on (0 ok, 1 a write
/// failed, 2 DEST unusable). Rank 0 prints the summary and writes --report.
int run_write_bench(Comm& comm, FileBackend& backend, const CopyOptions& options);

}  // namespace caios
