// Picking the checksum out of a response head; see checksum.hpp.
#include <array>
#include <utility>

#include "caios2dfs/http/http_types.hpp"
#include "caios2dfs/s3/checksum.hpp"

namespace caios {

std::optional<StoredChecksum> response_checksum(const HttpResponseHead& head) {
  const std::array<std::pair<ChecksumAlgorithm, const std::string*>, kChecksumAlgorithms> headers{{
      {ChecksumAlgorithm::crc64nvme, &head.checksum_crc64nvme},
      {ChecksumAlgorithm::crc32c, &head.checksum_crc32c},
      {ChecksumAlgorithm::crc32, &head.checksum_crc32},
      {ChecksumAlgorithm::sha256, &head.checksum_sha256},
      {ChecksumAlgorithm::sha1, &head.checksum_sha1},
  }};
  for (const auto& [algorithm, value] : headers) {
    if (value->empty()) continue;
    if (std::optional<StoredChecksum> parsed = parse_stored_checksum(algorithm, *value, head.checksum_type)) {
      return parsed;
    }
  }
  return std::nullopt;
}

}  // namespace caios
