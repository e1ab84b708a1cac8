// Units of work and the records that report them done, with their wire
// encoding for MPI messages. Pure values.
//
// A WorkItem is a batch of whole small objects, one chunk (byte range) of a
// large object, or the check of a chunked object once all its chunks are in
// (its file read back and hashed, on whichever rank takes it). Items are created only by rank 0 (the lister),
// move between ranks by work stealing, and are reported done to rank 0
// exactly once each, which is how rank 0 knows when everything is finished.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/s3/checksum.hpp"

namespace caios {

struct ObjectRef {
  std::string key;            ///< full object key
  std::string relative_path;  ///< where it lands, relative to DEST (checked safe by rank 0)
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t mtime_ns = 0;
};

enum class WorkKind : std::uint8_t { batch = 0, chunk = 1, verify = 2 };

/// What a chunk computes of its bytes as they stream, so that rank 0 can
/// check the whole object from the chunks' digests, with no read-back
/// (copy/integrity.hpp, plan_chunk_checks).
enum class ChunkDigest : std::uint8_t {
  none = 0,
  chunk_crc = 1,      ///< one CRC of the chunk (a full-object CRC combines them)
  part_md5 = 2,       ///< the MD5 of each part in the chunk (a multipart ETag)
  part_checksum = 3,  ///< the checksum of each part in the chunk (a COMPOSITE checksum)
};

struct WorkItem {
  std::uint64_t id = 0;
  WorkKind kind = WorkKind::batch;
  std::vector<ObjectRef> objects;  ///< batch: the objects; chunk: exactly one
  // Chunk only:
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint32_t chunk_index = 0;
  std::uint32_t chunk_count = 0;
  std::uint64_t object_id = 0;  ///< groups the chunks of one object at rank 0
  ChunkDigest digest = ChunkDigest::none;
  ChecksumAlgorithm digest_algorithm = ChecksumAlgorithm::crc64nvme;  ///< chunk_crc, part_checksum
  std::uint64_t part_size = 0;  ///< part_*: the chunk starts on a part boundary; parts are this long
  // Verify only:
  std::string check_md5;     ///< the MD5 (base64) the object's file must have
  bool check_final = false;  ///< check the final file (--checksum's skip check), not the temporary one

  std::uint64_t bytes() const;
};

struct ObjectFailure {
  std::string key;
  std::string error;  ///< one line, no secrets
  std::uint8_t kind = 0;  ///< ErrorKind
};

/// Sent to rank 0 when a rank has finished an item, successfully or not.
struct ItemDone {
  std::uint64_t item_id = 0;
  WorkKind kind = WorkKind::batch;
  std::uint64_t object_id = 0;  ///< chunk, verify: which object
  bool chunk_ok = true;         ///< chunk: all its bytes are in the temp file; verify: they match
  std::uint64_t bytes = 0;      ///< bytes written (or read, in read benchmarks)
  std::uint32_t objects_copied = 0;
  std::uint32_t objects_skipped = 0;
  std::vector<ObjectFailure> failures;
  std::string md5chksum;  ///< chunk: rclone's x-amz-meta-md5chksum as its GET saw it, "" when absent
  bool etag_not_md5 = false;  ///< chunk: its GET said SSE-KMS or SSE-C (the ETag is no MD5)
  std::uint32_t chunk_index = 0;  ///< chunk: which one
  /// chunk: what WorkItem::digest asked for, raw digests end to end (one per
  /// part, in order); "" when it asked for none or the hasher failed.
  std::string digests;
  /// chunk given up because the job stopped: bytes from its start that are
  /// in the file (rank 0 records them for a rerun, resume_state.hpp).
  std::uint64_t chunk_written = 0;
};

/// The record of an item given up before it ran, because the job is
/// stopping: each of its objects failed with `why` (kind cancelled).
ItemDone abandoned_item(const WorkItem& item, const Error& why);

std::string encode_items(const std::vector<WorkItem>& items);
Result<std::vector<WorkItem>> decode_items(std::string_view bytes);
std::string encode_done(const ItemDone& done);
Result<ItemDone> decode_done(std::string_view bytes);

}  // namespace caios
