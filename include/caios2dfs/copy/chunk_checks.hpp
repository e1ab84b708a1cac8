// Checking an object fetched in chunks across ranks without reading its file
// back: each chunk digests its bytes as they stream (PartDigester), and rank
// 0 judges the object from the chunks' digests once all are in
// (judge_chunk_digests). Pure policy plus the streaming hashers; the
// coordinator asks the store (HEAD) and the executor hashes.
//
// Three ways, in order of preference (plan_chunk_checks):
//  1. a full-object CRC (x-amz-checksum-type FULL_OBJECT): each chunk's CRC,
//     combined in object order, must give it; chunks may split anywhere;
//  2. a COMPOSITE checksum ("<base64>-<parts>"): the checksum of the parts'
//     checksums, so chunks are cut on part boundaries and digest each part;
//  3. a multipart ETag ("<md5 of the parts' MD5s>-<parts>"): the same with MD5.
// 2 and 3 need the part layout, which the store gives on HEAD ?partNumber=1
// (the part's length, x-amz-mp-parts-count). We take the parts to be of one
// size but the last, as every S3 uploader we know cuts them (AWS CLI and
// SDKs, rclone, s5cmd); a layout that contradicts the object's size or part
// count is not used. Where none applies, the object is read back and hashed
// as integrity.hpp says, or copied unverified.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/copy/integrity.hpp"
#include "caios2dfs/copy/work_item.hpp"
#include "caios2dfs/s3/checksum.hpp"
#include "caios2dfs/s3/md5.hpp"

namespace caios {

/// A multipart upload's parts: all `part_size` long but the last.
struct PartLayout {
  std::uint64_t part_size = 0;
  std::uint32_t parts = 0;
};

/// The layout HEAD ?partNumber=1 said (`part_size`: its Content-Length,
/// `parts_count`: x-amz-mp-parts-count) for an object of `size`, when it can
/// be one: parts_count > 0, (parts_count - 1) x part_size < size <=
/// parts_count x part_size, and the ETag's part count (when multipart)
/// equal. nullopt otherwise, as for a store that ignores partNumber (no
/// parts count) or a single-part object.
std::optional<PartLayout> uniform_part_layout(std::uint64_t size, std::string_view etag, std::uint64_t part_size,
                                              std::uint32_t parts_count);

/// The layout of a multipart upload of `size` whose ETag says it has N >= 2
/// parts, guessed for a store that does not answer HEAD ?partNumber=1 (Ceph
/// RGW before Reef, among others). The part size p must satisfy
/// (N - 1) x p < size <= N x p; of the whole MiB in that range it takes the
/// only one, else the first of the uploaders' usual sizes (8 MiB: AWS CLI,
/// SDKs, s5cmd's own; 5 MiB: rclone; 16, 64, 32, 50, 100, 128, 256, 512 MiB,
/// rclone's and s5cmd's common --chunk-size / -p choices), else the largest
/// power of two. nullopt for a single-part ETag, one part, or no whole MiB
/// in the range. A guess is only a guess: a chunked check under it that does
/// not match proves nothing about the bytes, and the object falls back to
/// the check it would have had without it (ChunkCheckPlan::layout_guessed).
std::optional<PartLayout> guess_part_layout(std::uint64_t size, std::string_view etag);

/// How a chunked object's chunks are digested and what the digests must give.
struct ChunkCheckPlan {
  ChunkDigest digest = ChunkDigest::none;  ///< none: read back or unverified (integrity.hpp)
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::crc64nvme;  ///< chunk_crc, part_checksum
  PartLayout layout;        ///< part_*: chunks are cut on its boundaries
  std::string expected;     ///< raw digest the chunks must give: the CRC, the composite, the ETag's MD5
  VerifiedBy method = VerifiedBy::checksum;
  /// The part layout is guess_part_layout's: a mismatch means "no check",
  /// not "bad bytes" (the object is then read back, or copied unverified).
  bool layout_guessed = false;
};

/// Choose how to check a chunked object with `etag`, given what a HEAD
/// said: its checksum (asked with x-amz-checksum-mode) and its part layout
/// (uniform_part_layout, nullopt when unknown). `etag_not_md5`: SSE-KMS or
/// SSE-C, where a multipart ETag is no MD5 of MD5s either. `verify` false:
/// --ignore-checksum.
ChunkCheckPlan plan_chunk_checks(bool verify, std::string_view etag, bool etag_not_md5,
                                 const std::optional<StoredChecksum>& checksum,
                                 const std::optional<PartLayout>& layout);

/// The chunk size the planner uses under `plan`: `chunk_size` rounded to a
/// whole number of parts (at least one) for the part digests, unchanged
/// otherwise.
std::uint64_t aligned_chunk_size(const ChunkCheckPlan& plan, std::uint64_t chunk_size);

/// The chunks' digests (ItemDone::digests, by chunk index) and lengths in
/// object order, against the plan: true when they give `expected`. False
/// also when a digest is missing or of the wrong size, or the part count is
/// not the layout's (which then cannot be the object's).
bool judge_chunk_digests(const ChunkCheckPlan& plan, const std::vector<std::string>& chunk_digests,
                         const std::vector<std::uint64_t>& chunk_lengths);

/// What judge_chunk_digests computed, for the mismatch message: the
/// combined value as base64 (or hex for an ETag), "" when it could not be
/// computed.
std::string combined_digest_text(const ChunkCheckPlan& plan, const std::vector<std::string>& chunk_digests,
                                 const std::vector<std::uint64_t>& chunk_lengths);

/// Digests one chunk's bytes as they stream, as `digest` asks: one CRC of
/// them all, or one digest per part, a new one at each part boundary.
class PartDigester {
 public:
  /// `offset`: the chunk's first byte in the object (on a part boundary for
  /// part digests).
  PartDigester(ChunkDigest digest, ChecksumAlgorithm algorithm, std::uint64_t part_size, std::uint64_t offset);
  void update(const char* data, std::size_t size);
  /// The raw digests end to end; nullopt when a hasher failed (no MD5 or SHA
  /// in this OpenSSL).
  std::optional<std::string> finish();

 private:
  void close_part();

  ChunkDigest digest_;
  std::uint64_t part_size_;
  std::uint64_t part_left_;  ///< bytes before the next part boundary
  std::optional<Md5> md5_;
  std::optional<Checksummer> sum_;
  std::string digests_;
  bool failed_ = false;
  bool open_ = false;  ///< the current part has had bytes (an empty chunk still has one digest)
};

}  // namespace caios
