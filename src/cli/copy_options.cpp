// What CopyOptions mean for the file backend. See copy_options.hpp; the
// parsing lives in command_line.cpp, the --help text in usage.cpp.
#include "caios2dfs/cli/copy_options.hpp"

#include <fmt/format.h>

#include "caios2dfs/base/units.hpp"
#include "caios2dfs/fileio/file_sink.hpp"

namespace caios {

std::uint64_t direct_io_min_size(const CopyOptions& options) {
  if (options.io != IoBackend::posix) return kNoDirectIo;
  switch (options.direct_io) {
    case DirectIo::always: return 0;
    case DirectIo::never: return kNoDirectIo;
    case DirectIo::automatic: break;
  }
  // Large objects stream into their files in big sequential pieces that this
  // node will not read again: copying them into the page cache costs CPU
  // (1-2.5 s of system time per GiB on the test VM against 0.07 s for
  // O_DIRECT) and memory, and buys nothing. Small files keep the page cache,
  // which absorbs their many small writes.
  return options.multi_thread_cutoff;
}

std::string describe_io(const CopyOptions& options) {
  if (options.io == IoBackend::mpiio) return "mpiio";
  const std::uint64_t min_size = direct_io_min_size(options);
  if (min_size == kNoDirectIo) return "posix";
  if (min_size <= 4096) return "posix, O_DIRECT";
  return fmt::format("posix, O_DIRECT for files of {} or more", format_bytes(min_size));
}

}  // namespace caios
