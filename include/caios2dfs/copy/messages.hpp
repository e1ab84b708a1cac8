// The messages ranks exchange during a copy: their tags, the progress
// payload, and what a rank does with a message it cannot understand.
// Work items and done records have their encoding in work_item.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/copy/timeline.hpp"
#include "caios2dfs/mpi/comm.hpp"

namespace caios {

enum MessageTag : int {
  kStealRequest = 1,  ///< worker -> worker: give me half your queue (no payload)
  kStealReply = 2,    ///< worker -> thief: encode_items(), possibly empty
  kItemDone = 3,      ///< worker -> rank 0: encode_done()
  kProgress = 4,      ///< worker -> rank 0: encode_progress()
  kTerminate = 5,     ///< rank 0 -> workers: every item is done (no payload)
  kWork = 6,          ///< rank 0 -> worker: encode_items() dealt to it
  kSourceTask = 7,    ///< rank 0 -> any rank: encode_task(), a listing page or HEADs to run
  kSourceResult = 8,  ///< that rank -> rank 0: encode_result(), what the store said
  kStopRequest = 9,   ///< any rank -> rank 0: stop the job (a signal here, DEST failed): encode_stop()
  kStop = 10,         ///< rank 0 -> workers: the job is stopping (payload: encode_stop())
  kStolen = 11,       ///< thief -> rank 0: encode_stolen(), work it took from another rank
};

/// What a rank has done so far: bytes, requests in flight, retries.
std::string encode_progress(const RankProgress& progress);
Result<RankProgress> decode_progress(std::string_view payload);

/// A successful steal, told to rank 0 so that its dealer counts the bytes on
/// the rank that now has them (ByteDealer::move): without it, a rank that
/// stole while the listing was still being dealt got its full share on top.
struct Stolen {
  int victim = 0;
  std::uint64_t bytes = 0;
};
std::string encode_stolen(const Stolen& stolen);
Result<Stolen> decode_stolen(std::string_view payload);

/// The reason a job stopped by --max-duration gives (exit status 10, as
/// rclone's; a signal's is its name and status 4).
inline constexpr std::string_view kMaxDurationStop = "--max-duration";

/// kStop's payload: why, and whether the transfers in flight may finish
/// (--cutoff-mode soft) or end now.
struct StopOrder {
  std::string reason;
  bool soft = false;
  /// DEST failed for every object (disk full...): what was not copied has
  /// failed (exit 1, in the failed list), not merely stopped.
  bool failed = false;
};
std::string encode_stop(const StopOrder& order);
StopOrder decode_stop(std::string_view payload);

/// What an object not copied because the job stopped failed with (kind
/// cancelled): `reason` is what stopped it ("SIGTERM", ...).
Error stop_error(const std::string& reason);

/// A message that breaks the protocol means the ranks no longer agree on
/// the state of the job: say so and end every rank (MPI_Abort, status 3).
[[noreturn]] void abort_on_broken_protocol(Comm& comm, const Error& error);

}  // namespace caios
