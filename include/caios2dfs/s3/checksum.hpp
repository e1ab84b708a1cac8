// The additional checksums S3 keeps beside the ETag (x-amz-checksum-*):
// CRC32, CRC32C, CRC64NVME, SHA-1 and SHA-256, of the whole object
// (FULL_OBJECT) or, for a multipart upload, of its parts' checksums
// (COMPOSITE, "<base64>-<parts>"). A client sees them on HEAD and GET when it
// sends `x-amz-checksum-mode: ENABLED`.
//
// A CRC of the whole object needs no read-back of a file written in chunks:
// the CRCs of consecutive byte ranges combine (crc_combine) into the CRC of
// their concatenation, in object order, wherever the ranges split.
//
// Byte order: digests are kept as S3 sends them, base64 of big-endian bytes
// (a CRC32 of 0xCBF43926 is the bytes CB F4 39 26).
// Spec: https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace caios {

enum class ChecksumAlgorithm : std::uint8_t { crc32, crc32c, crc64nvme, sha1, sha256 };
constexpr std::size_t kChecksumAlgorithms = 5;

/// Lower-case name, as in the header x-amz-checksum-<name> ("crc64nvme").
const char* checksum_name(ChecksumAlgorithm algorithm) noexcept;
/// Digest size in bytes: 4, 4, 8, 20, 32.
std::size_t checksum_size(ChecksumAlgorithm algorithm) noexcept;
/// True for the CRCs, whose values over consecutive ranges combine.
bool checksum_combines(ChecksumAlgorithm algorithm) noexcept;

/// What a response said about an object's (or a part's) checksum.
struct StoredChecksum {
  ChecksumAlgorithm algorithm = ChecksumAlgorithm::crc64nvme;
  std::string digest;       ///< checksum_size() raw bytes
  bool composite = false;   ///< COMPOSITE: the checksum of the parts' checksums
  std::uint32_t parts = 0;  ///< composite: the "-<parts>" suffix
};

/// Read x-amz-checksum-<algorithm> (`value`: "<base64>" or
/// "<base64>-<parts>") with x-amz-checksum-type (`type`: "FULL_OBJECT",
/// "COMPOSITE" or "" when absent). A value with a parts suffix is composite
/// whatever the type says; one without is the whole object's unless the type
/// says COMPOSITE (then it is a part's, as a GET of ?partNumber=N gives it).
/// nullopt when the base64 does not decode to checksum_size() bytes, the
/// suffix is no positive number, or the type is another word.
std::optional<StoredChecksum> parse_stored_checksum(ChecksumAlgorithm algorithm, std::string_view value,
                                                   std::string_view type);

/// Base64 of raw digest bytes, as S3 writes them.
std::string checksum_to_base64(std::string_view digest);

/// A streaming checksum of one algorithm (CRCs from ISA-L or our table,
/// SHAs from OpenSSL EVP). Movable, not copyable.
class Checksummer {
 public:
  explicit Checksummer(ChecksumAlgorithm algorithm);
  ~Checksummer();
  Checksummer(Checksummer&&) noexcept;
  Checksummer& operator=(Checksummer&&) noexcept;

  void update(const void* data, std::size_t size);
  /// The digest of everything updated since construction or the last
  /// finish(), in S3's byte order; the checksummer starts over afterwards.
  /// nullopt when OpenSSL could not compute a SHA (as in FIPS mode).
  std::optional<std::string> finish();
  ChecksumAlgorithm algorithm() const noexcept { return algorithm_; }

 private:
  struct Sha;
  ChecksumAlgorithm algorithm_;
  std::uint64_t crc_ = 0;  ///< the running CRC, before its final inversion
  std::unique_ptr<Sha> sha_;
};

/// The CRC of A followed by B from crc(A), crc(B) and B's length, for a
/// combinable algorithm (raw digests in S3's byte order). Combining the CRC
/// of empty input: crc_combine(a, crc(""), 0) == a.
std::string crc_combine(ChecksumAlgorithm algorithm, std::string_view crc_a, std::string_view crc_b,
                        std::uint64_t length_b);

struct HttpResponseHead;

/// The checksum a response carries (asked for with x-amz-checksum-mode:
/// ENABLED), nullopt when it carries none or only malformed ones. S3 keeps
/// one algorithm per object; were there several, the cheapest to check wins
/// (CRC64NVME, CRC32C, CRC32, SHA-256, SHA-1).
std::optional<StoredChecksum> response_checksum(const HttpResponseHead& head);

}  // namespace caios
