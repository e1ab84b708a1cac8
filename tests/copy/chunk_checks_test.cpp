// Checking chunked objects from their chunks' digests: the part layout, the
// plan, the per-part digests at chunk and part boundaries, and the verdict.
// Expected values are computed part by part here, independently of
// PartDigester's boundary logic.
#include <catch2/catch.hpp>

#include <random>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/copy/chunk_checks.hpp"

using namespace caios;

namespace {

std::string random_bytes(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random() & 0xff);
  return bytes;
}

std::string md5_of(std::string_view bytes) {
  Md5 md5;
  md5.update(bytes.data(), bytes.size());
  const Md5Digest digest = md5.finish().value();
  return std::string(digest.begin(), digest.end());
}

std::string sum_of(ChecksumAlgorithm algorithm, std::string_view bytes) {
  Checksummer sum(algorithm);
  sum.update(bytes.data(), bytes.size());
  return sum.finish().value();
}

/// The digests of every part of `data`, end to end, computed part by part.
std::string part_digests(std::string_view data, std::uint64_t part_size, bool md5, ChecksumAlgorithm algorithm) {
  std::string all;
  for (std::size_t at = 0; at < data.size(); at += part_size) {
    const std::string_view part = data.substr(at, part_size);
    all += md5 ? md5_of(part) : sum_of(algorithm, part);
  }
  return all;
}

/// Feed `data` through one PartDigester per chunk of `chunk_size`, in uneven
/// pieces, as the executor's sink would; the chunks' digests and lengths.
void digest_chunks(const ChunkCheckPlan& plan, std::string_view data, std::uint64_t chunk_size,
                   std::vector<std::string>& digests, std::vector<std::uint64_t>& lengths) {
  for (std::size_t offset = 0; offset < data.size(); offset += chunk_size) {
    const std::string_view chunk = data.substr(offset, chunk_size);
    PartDigester digester(plan.digest, plan.algorithm, plan.layout.part_size, offset);
    for (std::size_t at = 0, piece = 1; at < chunk.size(); at += piece, piece = piece * 3 + 1) {
      const std::string_view bytes = chunk.substr(at, piece);
      digester.update(bytes.data(), bytes.size());
    }
    digests.push_back(digester.finish().value());
    lengths.push_back(chunk.size());
  }
}

std::string etag_of(std::string_view data, std::uint64_t part_size) {
  const std::string parts = part_digests(data, part_size, true, ChecksumAlgorithm::crc32);
  const std::string md5 = md5_of(parts);
  // Appended, not chained with +: GCC 12 warns (-Wrestrict) on the chain
  // once it is inlined, a false positive (GCC bug 105329).
  std::string etag = "\"";
  etag.append(to_hex(reinterpret_cast<const unsigned char*>(md5.data()), md5.size()));
  etag.append("-").append(std::to_string((data.size() + part_size - 1) / part_size)).append("\"");
  return etag;
}

}  // namespace

TEST_CASE("a part layout is used only when it can be the object's", "[chunk_checks]") {
  const std::string etag3 = "\"900150983cd24fb0d6963f7d28e17f72-3\"";
  REQUIRE(uniform_part_layout(12, etag3, 5, 3));
  CHECK(uniform_part_layout(12, etag3, 5, 3)->part_size == 5);
  CHECK(uniform_part_layout(15, etag3, 5, 3));
  CHECK_FALSE(uniform_part_layout(10, etag3, 5, 3));  // the last part would be empty
  CHECK_FALSE(uniform_part_layout(16, etag3, 5, 3));  // a part would be longer
  CHECK_FALSE(uniform_part_layout(12, etag3, 5, 4));  // not the ETag's count
  CHECK_FALSE(uniform_part_layout(12, etag3, 5, 0));  // no x-amz-mp-parts-count (RGW 16.2)
  CHECK_FALSE(uniform_part_layout(12, etag3, 0, 3));
  CHECK(uniform_part_layout(12, "\"opaque\"", 5, 3));  // a composite checksum's layout, ETag not multipart
  CHECK(uniform_part_layout(5ull << 40, "\"x\"", 512ull << 20, 10240));  // 5 TiB in parts of 512 MiB
}

TEST_CASE("a part layout is guessed from the ETag's part count where the store does not say it",
          "[chunk_checks]") {
  constexpr std::uint64_t MiB = 1ull << 20;
  const auto guess = [](std::uint64_t size, std::uint32_t parts) {
    const std::optional<PartLayout> layout =
        guess_part_layout(size, "\"900150983cd24fb0d6963f7d28e17f72-" + std::to_string(parts) + "\"");
    return layout ? layout->part_size / MiB : 0;
  };
  // The only whole MiB that fits: rclone's 5 MiB parts of a large object.
  CHECK(guess(1000 * MiB + 7, 201) == 5);
  // Several fit: the uploaders' usual sizes first (AWS CLI 8 MiB, rclone
  // 5 MiB, a --s3-chunk-size of 64M for a 1 GiB checkpoint in 16 parts).
  CHECK(guess(20 * MiB, 3) == 8);   // 7, 8 or 9 MiB
  CHECK(guess(11 * MiB + 12345, 3) == 5);  // 4 or 5 MiB
  CHECK(guess(1024 * MiB, 16) == 64);  // 64 to 68 MiB
  // None of those: the largest power of two in the range.
  CHECK(guess(3000 * MiB, 2) == 2048);  // 1500 to 2999 MiB
  CHECK(guess(70 * MiB, 2) == 64);      // 35 to 69 MiB: of the usual sizes, 64 comes before 50
  // No whole MiB fits, one part, or no multipart ETag: no guess.
  CHECK(guess(3 * MiB + 1, 3) == 0);  // (1, 1.5] MiB holds none: 1 MiB parts would need 4
  CHECK(guess(10 * MiB, 1) == 0);
  CHECK_FALSE(guess_part_layout(10 * MiB, "\"900150983cd24fb0d6963f7d28e17f72\""));
  CHECK_FALSE(guess_part_layout(0, "\"900150983cd24fb0d6963f7d28e17f72-2\""));
  // What is guessed is a layout the object can have.
  for (std::uint32_t parts : {2u, 3u, 16u, 201u, 10000u}) {
    for (std::uint64_t size : {parts * 5 * MiB, parts * 8 * MiB - 1, (parts - 1) * 64 * MiB + 1}) {
      const std::string etag = "\"900150983cd24fb0d6963f7d28e17f72-" + std::to_string(parts) + "\"";
      if (const std::optional<PartLayout> layout = guess_part_layout(size, etag)) {
        CHECK(layout->parts == parts);
        CHECK((parts - 1) * layout->part_size < size);
        CHECK(size <= parts * layout->part_size);
      }
    }
  }
}

TEST_CASE("a full-object CRC comes first, then a composite checksum, then the multipart ETag", "[chunk_checks]") {
  const std::string etag = "\"900150983cd24fb0d6963f7d28e17f72-3\"";
  const PartLayout layout{5, 3};
  const StoredChecksum full{ChecksumAlgorithm::crc64nvme, std::string(8, 'x'), false, 0};
  const StoredChecksum composite{ChecksumAlgorithm::crc32c, std::string(4, 'y'), true, 3};
  const StoredChecksum sha_full{ChecksumAlgorithm::sha256, std::string(32, 'z'), false, 0};

  ChunkCheckPlan plan = plan_chunk_checks(true, etag, false, full, std::nullopt);
  CHECK(plan.digest == ChunkDigest::chunk_crc);  // no layout needed
  CHECK(plan.algorithm == ChecksumAlgorithm::crc64nvme);
  CHECK(plan.method == VerifiedBy::checksum);
  CHECK(plan.expected == full.digest);

  plan = plan_chunk_checks(true, etag, false, composite, layout);
  CHECK(plan.digest == ChunkDigest::part_checksum);
  CHECK(plan.method == VerifiedBy::composite);
  CHECK(plan_chunk_checks(true, etag, false, composite, std::nullopt).digest == ChunkDigest::none);

  plan = plan_chunk_checks(true, etag, false, std::nullopt, layout);
  CHECK(plan.digest == ChunkDigest::part_md5);
  CHECK(plan.method == VerifiedBy::etag_parts);
  CHECK(to_hex(reinterpret_cast<const unsigned char*>(plan.expected.data()), plan.expected.size()) ==
        "900150983cd24fb0d6963f7d28e17f72");
  // A SHA of the whole object does not combine: the ETag's parts serve.
  CHECK(plan_chunk_checks(true, etag, false, sha_full, layout).digest == ChunkDigest::part_md5);
  CHECK(plan_chunk_checks(true, etag, true, std::nullopt, layout).digest == ChunkDigest::none);  // SSE-KMS
  CHECK(plan_chunk_checks(true, etag, false, std::nullopt, std::nullopt).digest == ChunkDigest::none);
  CHECK(plan_chunk_checks(false, etag, false, full, layout).digest == ChunkDigest::none);  // --ignore-checksum
  CHECK(plan_chunk_checks(true, "\"900150983cd24fb0d6963f7d28e17f72\"", false, std::nullopt, layout).digest ==
        ChunkDigest::none);  // single-part: read back against the ETag instead
}

TEST_CASE("chunks of part digests are cut on whole parts", "[chunk_checks]") {
  ChunkCheckPlan plan;
  CHECK(aligned_chunk_size(plan, 64) == 64);
  plan.digest = ChunkDigest::part_md5;
  plan.layout = PartLayout{5, 10};
  CHECK(aligned_chunk_size(plan, 64) == 65);
  CHECK(aligned_chunk_size(plan, 62) == 60);
  CHECK(aligned_chunk_size(plan, 1) == 5);  // at least one part
}

TEST_CASE("a multipart ETag is checked from the parts each chunk digested", "[chunk_checks]") {
  const std::uint64_t part = 1000;
  const std::string data = random_bytes(5500, 1);
  const std::string etag = etag_of(data, part);
  const ChunkCheckPlan plan = plan_chunk_checks(true, etag, false, std::nullopt,
                                                uniform_part_layout(data.size(), etag, part, 6));
  REQUIRE(plan.digest == ChunkDigest::part_md5);
  for (const std::uint64_t chunk : {aligned_chunk_size(plan, 1), aligned_chunk_size(plan, 2100),
                                    aligned_chunk_size(plan, 1u << 20)}) {
    std::vector<std::string> digests;
    std::vector<std::uint64_t> lengths;
    digest_chunks(plan, data, chunk, digests, lengths);
    CHECK(judge_chunk_digests(plan, digests, lengths));
  }
  std::string bad = data;
  bad[4321] ^= 0x40;
  std::vector<std::string> digests;
  std::vector<std::uint64_t> lengths;
  digest_chunks(plan, bad, 2000, digests, lengths);
  CHECK_FALSE(judge_chunk_digests(plan, digests, lengths));
  CHECK(combined_digest_text(plan, digests, lengths).size() == 32);
  digests.pop_back();  // a part missing
  lengths.pop_back();
  CHECK_FALSE(judge_chunk_digests(plan, digests, lengths));
}

TEST_CASE("a full-object CRC is combined from chunks split anywhere", "[chunk_checks]") {
  const std::string data = random_bytes(10007, 2);
  for (const ChecksumAlgorithm algorithm :
       {ChecksumAlgorithm::crc32, ChecksumAlgorithm::crc32c, ChecksumAlgorithm::crc64nvme}) {
    const StoredChecksum stored{algorithm, sum_of(algorithm, data), false, 0};
    const ChunkCheckPlan plan = plan_chunk_checks(true, "\"x\"", false, stored, std::nullopt);
    REQUIRE(plan.digest == ChunkDigest::chunk_crc);
    for (const std::uint64_t chunk : {1u, 333u, 4096u, 10007u}) {
      std::vector<std::string> digests;
      std::vector<std::uint64_t> lengths;
      digest_chunks(plan, data, chunk, digests, lengths);
      INFO(checksum_name(algorithm) << " in chunks of " << chunk);
      CHECK(judge_chunk_digests(plan, digests, lengths));
    }
    std::string bad = data;
    bad[7] ^= 1;
    std::vector<std::string> digests;
    std::vector<std::uint64_t> lengths;
    digest_chunks(plan, bad, 4096, digests, lengths);
    CHECK_FALSE(judge_chunk_digests(plan, digests, lengths));
    CHECK(combined_digest_text(plan, digests, lengths) == checksum_to_base64(sum_of(algorithm, bad)));
  }
}

TEST_CASE("a composite checksum is checked from the parts' checksums", "[chunk_checks]") {
  const std::uint64_t part = 700;
  const std::string data = random_bytes(2500, 3);
  for (const ChecksumAlgorithm algorithm : {ChecksumAlgorithm::crc32c, ChecksumAlgorithm::sha256}) {
    const StoredChecksum stored{algorithm, sum_of(algorithm, part_digests(data, part, false, algorithm)), true, 4};
    const ChunkCheckPlan plan = plan_chunk_checks(true, "\"x\"", false, stored,
                                                  uniform_part_layout(data.size(), "\"x\"", part, 4));
    REQUIRE(plan.digest == ChunkDigest::part_checksum);
    std::vector<std::string> digests;
    std::vector<std::uint64_t> lengths;
    digest_chunks(plan, data, aligned_chunk_size(plan, 1500), digests, lengths);
    CHECK(digests.size() == 2);
    CHECK(judge_chunk_digests(plan, digests, lengths));
    digests[1][0] ^= 1;
    CHECK_FALSE(judge_chunk_digests(plan, digests, lengths));
  }
}
