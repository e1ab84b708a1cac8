// The MPI copy (and --bench read): what to copy and how, and the collective
// call that runs it.
//
// Roles, each its own unit:
//  - the coordinator (rank 0 only, coordinator.hpp) lists the source, plans
//    work items by bytes and deals them to ranks while still listing, tracks
//    chunked objects, publishes them, prints progress and the report;
//  - the worker (every rank, rank 0 included, worker.hpp) runs its queue on
//    the transfer executor and steals from random ranks when idle;
//  - run_copy (this header) wires them to one event loop per rank and ends
//    the run: rank 0 says when every item it created was reported done, then
//    all ranks drain their messages and reduce statistics together.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "caios2dfs/copy/destination.hpp"
#include "caios2dfs/copy/filter.hpp"
#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/mpi/comm.hpp"
#include "caios2dfs/s3/location.hpp"
#include "caios2dfs/s3/s3_client.hpp"

namespace caios {

class StopSignals;

enum class CopyMode {
  copy,        ///< objects become files under `dest`
  read_bench,  ///< --bench read: fetch and discard, `iterations` passes
  list_bench,  ///< --bench list: list and count, fetch nothing, `iterations` passes
};

struct CopyJob {
  CopyMode mode = CopyMode::copy;
  S3Location source;
  std::string dest;  ///< DEST directory; unused for read_bench
  PathFilter filter;
  std::optional<std::string> files_from;  ///< a list of keys instead of listing; "-": stdin
  SkipRule skip_rule = SkipRule::size_and_mtime;
  bool dry_run = false;
  int iterations = 1;  ///< read_bench passes
  bool verify = true;  ///< check bytes against the store's MD5 (false: --ignore-checksum)
  int retries = 10;    ///< --retries: per request, and bounds refetches after a mismatch

  int transfers = 16;                                ///< requests in flight per rank
  /// --max-duration (0: none): rank 0 stops the job in order this long
  /// after it started; `cutoff_soft`: the transfers in flight then finish
  /// (rclone's --cutoff-mode soft), else they are abandoned as on a signal.
  std::chrono::milliseconds max_duration{0};
  bool cutoff_soft = false;
  int checkers = 64;                                 ///< listing requests (pages, HEADs) in flight over the job
  int list_chunk = 1000;                             ///< max-keys of each listing page (--s3-list-chunk)
  int file_threads = -1;                             ///< most file-call threads per rank (-1: default)
  std::uint64_t multi_thread_cutoff = 64ull << 20;  ///< objects of this size or more are chunked
  std::uint64_t chunk_size = 64ull << 20;
  std::uint64_t buffer_size = 4ull << 20;  ///< per-transfer write buffer

  std::chrono::milliseconds stats_interval{10'000};  ///< progress lines (0: none)
  bool progress_block = false;                       ///< -P with a terminal on rank 0's standard output
  std::optional<std::string> report;                 ///< JSON report path
  std::optional<std::string> failed_list;            ///< failed keys, --files-from format
  int verbosity = 0;                                 ///< -1 quiet, 0 normal, > 0 verbose
  std::string io_description;                        ///< how DEST is written, for the summary

  /// Rank 0 deals new work to all ranks by bytes (the normal mode). Off, all
  /// work starts at rank 0 and spreads by stealing alone: a test of stealing
  /// and termination (CAIOS2DFS_TEST_STEAL_ONLY=1 in the environment).
  bool deal_work = true;
};

/// Collective: every rank of `comm` calls it once with the same job. Returns
/// the exit status all ranks agree on: 0 everything copied or rightly
/// skipped, 1 some object failed or the listing broke off, 2 the source was
/// unusable before any data moved, 4 a stop signal (`signals`, when given)
/// ended the job before it was done: transfers in flight are abandoned
/// (their temporary files removed), what was published stays, and the
/// report lists the objects dealt out and not done. Never throws across
/// ranks: failures are values (failed objects); only a broken invariant
/// aborts the job.
int run_copy(Comm& comm, S3Client& client, FileBackend& backend, const CopyJob& job,
             const StopSignals* signals = nullptr);

}  // namespace caios
