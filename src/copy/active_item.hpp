// The executor's records of the work items it has taken and of each object
// (or chunk) on its way, shared by its two source files
// (transfer_executor.cpp, transfer_verify.cpp). Private to src/copy.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include "caios2dfs/copy/chunk_checks.hpp"
#include "caios2dfs/copy/integrity.hpp"
#include "caios2dfs/copy/object_file.hpp"
#include "caios2dfs/copy/destination.hpp"
#include "caios2dfs/fileio/file_sink.hpp"
#include "caios2dfs/fileio/io_buffer.hpp"
#include "caios2dfs/s3/s3_client.hpp"
#include "caios2dfs/copy/work_item.hpp"
#include "caios2dfs/s3/checksum.hpp"
#include "caios2dfs/s3/md5.hpp"

namespace caios {

struct ActiveItem {
  WorkItem item;
  std::size_t next_object = 0;  ///< the next object to start
  int started = 0;              ///< objects started and not yet ended
  ItemDone done;
};

/// One object (or chunk) on its way through the executor.
struct ObjectTransfer : std::enable_shared_from_this<ObjectTransfer> {
  ActiveItem* item = nullptr;
  const ObjectRef* object = nullptr;
  bool is_chunk = false;
  FilePaths paths;
  OpenedObject opened;  ///< stage 1's outcome, written on a file-call thread
  std::unique_ptr<WritableFile> file;
  IoBuffer buffer;  ///< taken on the first piece of the body
  std::size_t buffered = 0;
  std::uint64_t buffer_offset = 0;  ///< object offset of buffer[0]
  std::optional<Error> write_error;
  int pending_writes = 0;  ///< on the file-call threads
  /// A chunk given up as the job stops: the object offset up to which its
  /// bytes are in the file (set by stage 3, from buffer_offset and the tail).
  std::uint64_t written_end = 0;
  bool get_done = false;
  std::optional<Result<GetResult>> result;
  std::optional<Error> error;  ///< stage 3's verdict, written on a file-call thread
  int attempt = 1;             ///< fetches of this object so far, this one included
  CheckPlan check;             ///< what the bytes are checked against (integrity.hpp)
  std::optional<Md5> md5;      ///< the bytes so far, when check.hash is set
  std::optional<Md5Digest> received_md5;  ///< md5's result once the GET is done
  /// A whole object whose response carried a full-object checksum: checked
  /// with it instead of the MD5 (cheaper, and it is there for multipart too).
  std::optional<StoredChecksum> stored;
  std::optional<Checksummer> sum;
  std::optional<PartDigester> digester;  ///< a chunk whose digests rank 0 checks
  std::optional<Error> sum_mismatch;     ///< `sum` disagreed with `stored`
  CheckVerdict verdict;                  ///< the check's outcome then
};

}  // namespace caios
