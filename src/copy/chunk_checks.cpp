// Checks of chunked objects from their chunks' digests; see chunk_checks.hpp.
#include "caios2dfs/copy/chunk_checks.hpp"

#include <algorithm>
#include <iterator>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/s3/etag.hpp"

namespace caios {

std::optional<PartLayout> uniform_part_layout(std::uint64_t size, std::string_view etag, std::uint64_t part_size,
                                              std::uint32_t parts_count) {
  if (parts_count == 0 || part_size == 0) return std::nullopt;
  if (const std::optional<std::uint32_t> etag_count = etag_parts(etag); etag_count && *etag_count != parts_count) {
    return std::nullopt;
  }
  // Overflow-free: at most 10,000 parts of at most 5 GiB each in S3.
  const unsigned __int128 whole = static_cast<unsigned __int128>(part_size) * parts_count;
  const unsigned __int128 before_last = whole - part_size;
  if (size <= before_last || size > whole) return std::nullopt;
  return PartLayout{part_size, parts_count};
}

std::optional<PartLayout> guess_part_layout(std::uint64_t size, std::string_view etag) {
  const std::optional<std::uint32_t> parts = etag_parts(etag);
  if (!parts || *parts < 2 || size == 0) return std::nullopt;
  constexpr std::uint64_t kMiB = 1ull << 20;
  // Whole MiB p with (parts - 1) x p < size <= parts x p.
  const std::uint64_t lowest = (size + *parts - 1) / *parts;  // ceil(size / parts)
  const std::uint64_t first = (lowest + kMiB - 1) / kMiB;
  const std::uint64_t last = (size - 1) / (*parts - 1) / kMiB;  // the largest p with (parts - 1) x p < size
  if (first == 0 || first > last) return std::nullopt;
  std::uint64_t mib = first;
  if (first < last) {
    static constexpr std::uint64_t kUsual[] = {8, 5, 16, 64, 32, 50, 100, 128, 256, 512};
    const auto usual = std::find_if(std::begin(kUsual), std::end(kUsual),
                                    [&](std::uint64_t candidate) { return candidate >= first && candidate <= last; });
    if (usual != std::end(kUsual)) {
      mib = *usual;
    } else {
      mib = std::uint64_t{1} << (63 - __builtin_clzll(last));  // the largest power of two <= last
      if (mib < first) mib = first;
    }
  }
  return uniform_part_layout(size, etag, mib * kMiB, *parts);
}

namespace {

ChunkCheckPlan with_parts(ChunkDigest digest, const PartLayout& layout, std::string expected, VerifiedBy method) {
  ChunkCheckPlan plan;
  plan.digest = digest;
  plan.layout = layout;
  plan.expected = std::move(expected);
  plan.method = method;
  return plan;
}

}  // namespace

ChunkCheckPlan plan_chunk_checks(bool verify, std::string_view etag, bool etag_not_md5,
                                 const std::optional<StoredChecksum>& checksum,
                                 const std::optional<PartLayout>& layout) {
  if (!verify) return {};
  if (checksum && !checksum->composite && checksum_combines(checksum->algorithm)) {
    ChunkCheckPlan plan;
    plan.digest = ChunkDigest::chunk_crc;
    plan.algorithm = checksum->algorithm;
    plan.expected = checksum->digest;
    plan.method = VerifiedBy::checksum;
    return plan;
  }
  if (!layout) return {};
  if (checksum && checksum->composite && checksum->parts == layout->parts) {
    ChunkCheckPlan plan = with_parts(ChunkDigest::part_checksum, *layout, checksum->digest, VerifiedBy::composite);
    plan.algorithm = checksum->algorithm;
    return plan;
  }
  if (etag_not_md5) return {};
  const std::optional<Md5Digest> md5 = etag_multipart_md5(etag);
  if (!md5 || etag_parts(etag) != layout->parts) return {};
  return with_parts(ChunkDigest::part_md5, *layout, std::string(md5->begin(), md5->end()), VerifiedBy::etag_parts);
}

std::uint64_t aligned_chunk_size(const ChunkCheckPlan& plan, std::uint64_t chunk_size) {
  if (plan.digest != ChunkDigest::part_md5 && plan.digest != ChunkDigest::part_checksum) return chunk_size;
  const std::uint64_t part = plan.layout.part_size;
  return std::max<std::uint64_t>(1, (chunk_size + part / 2) / part) * part;
}

namespace {

std::size_t part_digest_size(const ChunkCheckPlan& plan) {
  return plan.digest == ChunkDigest::part_md5 ? 16 : checksum_size(plan.algorithm);
}

/// The value the chunks' digests give, as raw bytes; nullopt when they
/// cannot give one (missing, malformed, or not the layout's part count).
std::optional<std::string> combine(const ChunkCheckPlan& plan, const std::vector<std::string>& digests,
                                   const std::vector<std::uint64_t>& lengths) {
  if (plan.digest == ChunkDigest::none || digests.empty() || digests.size() != lengths.size()) return std::nullopt;
  if (plan.digest == ChunkDigest::chunk_crc) {
    const std::size_t size = checksum_size(plan.algorithm);
    std::string crc = digests.front();
    if (crc.size() != size) return std::nullopt;
    for (std::size_t i = 1; i < digests.size(); ++i) {
      if (digests[i].size() != size) return std::nullopt;
      crc = crc_combine(plan.algorithm, crc, digests[i], lengths[i]);
    }
    return crc;
  }
  std::string all;
  for (const std::string& digest : digests) all += digest;
  if (all.size() != part_digest_size(plan) * plan.layout.parts) return std::nullopt;
  if (plan.digest == ChunkDigest::part_md5) {
    Md5 md5;
    md5.update(all.data(), all.size());
    const std::optional<Md5Digest> digest = md5.finish();
    if (!digest) return std::nullopt;
    return std::string(digest->begin(), digest->end());
  }
  Checksummer sum(plan.algorithm);
  sum.update(all.data(), all.size());
  return sum.finish();
}

}  // namespace

bool judge_chunk_digests(const ChunkCheckPlan& plan, const std::vector<std::string>& chunk_digests,
                         const std::vector<std::uint64_t>& chunk_lengths) {
  const std::optional<std::string> combined = combine(plan, chunk_digests, chunk_lengths);
  return combined && *combined == plan.expected;
}

std::string combined_digest_text(const ChunkCheckPlan& plan, const std::vector<std::string>& chunk_digests,
                                 const std::vector<std::uint64_t>& chunk_lengths) {
  const std::optional<std::string> combined = combine(plan, chunk_digests, chunk_lengths);
  if (!combined) return {};
  if (plan.digest == ChunkDigest::part_md5) {
    return to_hex(reinterpret_cast<const unsigned char*>(combined->data()), combined->size());
  }
  return checksum_to_base64(*combined);
}

PartDigester::PartDigester(ChunkDigest digest, ChecksumAlgorithm algorithm, std::uint64_t part_size,
                           std::uint64_t offset)
    : digest_(digest),
      part_size_(digest == ChunkDigest::chunk_crc || part_size == 0 ? UINT64_MAX : part_size),
      part_left_(part_size_ == UINT64_MAX ? UINT64_MAX : part_size_ - offset % part_size_) {
  if (digest_ == ChunkDigest::part_md5) {
    md5_.emplace();
  } else if (digest_ != ChunkDigest::none) {
    sum_.emplace(algorithm);
  }
}

void PartDigester::close_part() {
  if (md5_) {
    const std::optional<Md5Digest> digest = md5_->finish();
    if (!digest) failed_ = true;
    if (digest) digests_.append(digest->begin(), digest->end());
  } else if (sum_) {
    const std::optional<std::string> digest = sum_->finish();
    if (!digest) failed_ = true;
    if (digest) digests_ += *digest;
  }
  open_ = false;
  part_left_ = part_size_;
}

void PartDigester::update(const char* data, std::size_t size) {
  while (size > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(part_left_, size));
    if (md5_) md5_->update(data, n);
    if (sum_) sum_->update(data, n);
    open_ = true;
    data += n;
    size -= n;
    part_left_ -= n;
    if (part_left_ == 0) close_part();
  }
}

std::optional<std::string> PartDigester::finish() {
  if (digest_ == ChunkDigest::none) return std::string();
  // The chunk's last part ends with the chunk (a part boundary or the
  // object's end); a chunk_crc of no bytes is still one CRC.
  if (open_ || digests_.empty()) close_part();
  if (failed_) return std::nullopt;
  return std::move(digests_);
}

}  // namespace caios
