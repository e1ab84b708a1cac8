// S3's additional checksums: CRC32/CRC32C (ISA-L), CRC64NVME (our table),
// SHA-1/SHA-256 (OpenSSL) against published check values, streaming in
// pieces, crc_combine at any split and at lengths over 4 GiB, and the
// x-amz-checksum-* header values.
//
// Expected values not quoted from a named source were computed outside this
// code: python3's zlib.crc32 and hashlib, and a bit-by-bit reflected CRC in
// python3 (poly 0xEDB88320 / 0x82F63B78 / 0x9A6C9329AC4BC9B5, init = xorout
// = all ones); long zero runs by a plain byte-table CRC in C fed real zeros,
// cross-checked against zlib.crc32 and ISA-L's crc32_iscsi.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/s3/checksum.hpp"
#include "caios2dfs/s3/md5.hpp"

using namespace caios;

namespace {

constexpr ChecksumAlgorithm kAll[] = {ChecksumAlgorithm::crc32, ChecksumAlgorithm::crc32c,
                                      ChecksumAlgorithm::crc64nvme, ChecksumAlgorithm::sha1,
                                      ChecksumAlgorithm::sha256};
constexpr ChecksumAlgorithm kCrcs[] = {ChecksumAlgorithm::crc32, ChecksumAlgorithm::crc32c,
                                       ChecksumAlgorithm::crc64nvme};

std::string hex(const std::string& digest) {
  return to_hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

std::string digest_of(ChecksumAlgorithm algorithm, std::string_view bytes) {
  Checksummer checksummer(algorithm);
  checksummer.update(bytes.data(), bytes.size());
  auto digest = checksummer.finish();
  REQUIRE(digest);
  return *digest;
}

std::string hex_of(ChecksumAlgorithm algorithm, std::string_view bytes) { return hex(digest_of(algorithm, bytes)); }

std::string random_bytes(std::mt19937_64& random, std::size_t size) {
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  return bytes;
}

// The CRC of `length` zero bytes by combining alone (doubling, plus one byte
// where `length` has a bit), so lengths far beyond memory stay cheap.
std::string crc_of_zeros(ChecksumAlgorithm algorithm, std::uint64_t length) {
  const std::string one_zero = digest_of(algorithm, std::string(1, '\0'));
  std::string crc = digest_of(algorithm, "");
  std::uint64_t done = 0;
  for (int bit = 63; bit >= 0; --bit) {
    crc = crc_combine(algorithm, crc, crc, done);
    done *= 2;
    if ((length >> bit) & 1) {
      crc = crc_combine(algorithm, crc, one_zero, 1);
      done += 1;
    }
  }
  REQUIRE(done == length);
  return crc;
}

}  // namespace

TEST_CASE("each algorithm has its header name and digest size and only the CRCs combine", "[checksum]") {
  const std::pair<std::string, std::size_t> expected[] = {
      {"crc32", 4}, {"crc32c", 4}, {"crc64nvme", 8}, {"sha1", 20}, {"sha256", 32}};
  for (std::size_t i = 0; i < kChecksumAlgorithms; ++i) {
    CHECK(checksum_name(kAll[i]) == expected[i].first);
    CHECK(checksum_size(kAll[i]) == expected[i].second);
    CHECK(checksum_combines(kAll[i]) == (i < 3));
  }
}

TEST_CASE("check values of 123456789 and abc and of the empty input", "[checksum]") {
  // The CRC catalogue's check values (reveng.sourceforge.io CRC-32/ISO-HDLC,
  // CRC-32/ISCSI, CRC-64/NVME), big-endian as S3 sends them.
  CHECK(hex_of(ChecksumAlgorithm::crc32, "123456789") == "cbf43926");
  CHECK(hex_of(ChecksumAlgorithm::crc32c, "123456789") == "e3069283");
  CHECK(hex_of(ChecksumAlgorithm::crc64nvme, "123456789") == "ae8b14860a799888");
  // FIPS 180-2 examples.
  CHECK(hex_of(ChecksumAlgorithm::sha1, "abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(hex_of(ChecksumAlgorithm::sha256, "abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // python3 ref: zlib.crc32(b"abc") and the bit-by-bit CRCs.
  CHECK(hex_of(ChecksumAlgorithm::crc32, "abc") == "352441c2");
  CHECK(hex_of(ChecksumAlgorithm::crc32c, "abc") == "364b3fb7");
  CHECK(hex_of(ChecksumAlgorithm::crc64nvme, "abc") == "05e5cabb3fc1faeb");

  CHECK(hex_of(ChecksumAlgorithm::crc32, "") == "00000000");
  CHECK(hex_of(ChecksumAlgorithm::crc32c, "") == "00000000");
  CHECK(hex_of(ChecksumAlgorithm::crc64nvme, "") == "0000000000000000");
  CHECK(hex_of(ChecksumAlgorithm::sha1, "") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(hex_of(ChecksumAlgorithm::sha256, "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("CRC64NVME matches the values AWS and NVMe implementations publish", "[checksum]") {
  // awslabs/aws-c-s3 tests/s3_checksums_crc64nvme_tests.c ("NIST test case 1").
  CHECK(hex_of(ChecksumAlgorithm::crc64nvme, "aaaaaaaaaa") == "0c1a80036d65c555");
  // awslabs/aws-c-checksums tests/crc64_test.c: 32 zeros, and bytes 0..31.
  CHECK(hex_of(ChecksumAlgorithm::crc64nvme, std::string(32, '\0')) == "cf3473434d4ecf3b");
  std::string counting(32, '\0');
  for (std::size_t i = 0; i < counting.size(); ++i) counting[i] = static_cast<char>(i);
  CHECK(hex_of(ChecksumAlgorithm::crc64nvme, counting) == "b9d9d4a8492cbd7f");
  // spdk/spdk test/unit/lib/util/crc64.c/crc64_ut.c (NVM Command Set Specification 1.0c): 4 KiB of 0x00 and of 0xFF.
  CHECK(hex_of(ChecksumAlgorithm::crc64nvme, std::string(4096, '\0')) == "6482d367eb22b64e");
  CHECK(hex_of(ChecksumAlgorithm::crc64nvme, std::string(4096, '\xFF')) == "c0ddba7302eca3ac");
  // robertgrimm/crc64nvme's README: `echo 'Hello, World!' | crc64nvme | base64`, as S3 would show it.
  CHECK(checksum_to_base64(digest_of(ChecksumAlgorithm::crc64nvme, "Hello, World!\n")) == "SoXXbx67KpE=");
}

TEST_CASE("a checksum streamed in uneven pieces equals the one-shot checksum", "[checksum]") {
  std::mt19937_64 random(20240601);
  const std::string data = random_bytes(random, 100'003);
  const std::size_t pieces[] = {0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 4095, 4097};
  for (ChecksumAlgorithm algorithm : kAll) {
    INFO(checksum_name(algorithm));
    Checksummer checksummer(algorithm);
    std::size_t offset = 0;
    for (std::size_t i = 0; offset < data.size(); ++i) {
      const std::size_t size = std::min(pieces[i % std::size(pieces)], data.size() - offset);
      checksummer.update(data.data() + offset, size);  // every alignment of the start, too
      offset += size;
    }
    CHECK(checksummer.finish() == digest_of(algorithm, data));
  }
}

TEST_CASE("finish starts the checksum over and a moved checksummer carries on", "[checksum]") {
  for (ChecksumAlgorithm algorithm : kAll) {
    INFO(checksum_name(algorithm));
    Checksummer checksummer(algorithm);
    CHECK(checksummer.algorithm() == algorithm);
    checksummer.update("12345", 5);
    Checksummer moved(std::move(checksummer));
    moved.update("6789", 4);
    CHECK(moved.finish() == digest_of(algorithm, "123456789"));
    CHECK(moved.finish() == digest_of(algorithm, ""));
    moved.update("abc", 3);
    CHECK(moved.finish() == digest_of(algorithm, "abc"));
    Checksummer assigned(ChecksumAlgorithm::crc32);
    assigned = std::move(moved);
    assigned.update("abc", 3);
    CHECK(assigned.algorithm() == algorithm);
    CHECK(assigned.finish() == digest_of(algorithm, "abc"));
  }
}

TEST_CASE("CRCs of the pieces at random split points combine into the CRC of the whole", "[checksum]") {
  std::mt19937_64 random(7);
  const std::string data = random_bytes(random, 3000);
  for (ChecksumAlgorithm algorithm : kCrcs) {
    INFO(checksum_name(algorithm));
    const std::string whole = digest_of(algorithm, data);
    const std::string empty = digest_of(algorithm, "");
    CHECK(crc_combine(algorithm, whole, empty, 0) == whole);
    CHECK(crc_combine(algorithm, empty, whole, data.size()) == whole);
    for (int round = 0; round < 200; ++round) {
      // 0 to 8 cuts, repeated cuts giving empty pieces, at the ends too.
      std::vector<std::size_t> cuts{0, data.size()};
      for (std::size_t n = random() % 9; n > 0; --n) cuts.push_back(random() % (data.size() + 1));
      std::sort(cuts.begin(), cuts.end());
      std::string folded = empty;
      for (std::size_t i = 1; i < cuts.size(); ++i) {
        const std::string_view piece = std::string_view(data).substr(cuts[i - 1], cuts[i] - cuts[i - 1]);
        folded = crc_combine(algorithm, folded, digest_of(algorithm, piece), piece.size());
      }
      REQUIRE(folded == whole);
    }
  }
}

TEST_CASE("crc_combine with a run of zero bytes equals feeding the zeros", "[checksum]") {
  std::mt19937_64 random(11);
  const std::string head = random_bytes(random, 777);
  const std::size_t lengths[] = {0, 1, 7, 8, 9, 4096, (std::size_t{1} << 20) + 3};
  for (ChecksumAlgorithm algorithm : kCrcs) {
    for (std::size_t length : lengths) {
      INFO(checksum_name(algorithm) << " " << length << " zeros");
      const std::string zeros(length, '\0');
      const std::string fed = digest_of(algorithm, head + zeros);
      CHECK(crc_combine(algorithm, digest_of(algorithm, head), digest_of(algorithm, zeros), length) == fed);
      CHECK(crc_of_zeros(algorithm, length) == digest_of(algorithm, zeros));
    }
  }
}

TEST_CASE("crc_combine handles lengths over 4 GiB", "[checksum]") {
  // 3 GiB of zeros: CRC64NVME from awslabs/aws-c-checksums tests/crc64_test.c
  // (test_large_buffer_crc64); CRC32 from python3 zlib.crc32 fed zeros; CRC32C
  // from a byte-table CRC in C fed zeros, equal to ISA-L's crc32_iscsi.
  constexpr std::uint64_t k3GiB = std::uint64_t{3} << 30;
  CHECK(hex(crc_of_zeros(ChecksumAlgorithm::crc64nvme, k3GiB)) == "a1dddd7c6fd17075");
  CHECK(hex(crc_of_zeros(ChecksumAlgorithm::crc32, k3GiB)) == "480bbe37");
  CHECK(hex(crc_of_zeros(ChecksumAlgorithm::crc32c, k3GiB)) == "16177d2f");
  // 5 GiB + 3 zeros, computed the same ways.
  constexpr std::uint64_t k5GiBAnd3 = (std::uint64_t{5} << 30) + 3;
  CHECK(hex(crc_of_zeros(ChecksumAlgorithm::crc64nvme, k5GiBAnd3)) == "64d628ec6ecfd8e0");
  CHECK(hex(crc_of_zeros(ChecksumAlgorithm::crc32, k5GiBAnd3)) == "5335f577");
  CHECK(hex(crc_of_zeros(ChecksumAlgorithm::crc32c, k5GiBAnd3)) == "561c92c5");

  // Combining is associative for any CRC values and lengths: (AB)C == A(BC).
  std::mt19937_64 random(13);
  for (ChecksumAlgorithm algorithm : kCrcs) {
    for (int round = 0; round < 100; ++round) {
      const std::string a = random_bytes(random, checksum_size(algorithm));
      const std::string b = random_bytes(random, checksum_size(algorithm));
      const std::string c = random_bytes(random, checksum_size(algorithm));
      const std::uint64_t length_b = random() >> 2;
      const std::uint64_t length_c = random() >> 2;
      REQUIRE(crc_combine(algorithm, crc_combine(algorithm, a, b, length_b), c, length_c) ==
              crc_combine(algorithm, a, crc_combine(algorithm, b, c, length_c), length_b + length_c));
    }
  }
}

TEST_CASE("crc_combine refuses SHAs and digests of the wrong size", "[checksum]") {
  const std::string sha1 = digest_of(ChecksumAlgorithm::sha1, "abc");
  CHECK_THROWS_AS(crc_combine(ChecksumAlgorithm::sha1, sha1, sha1, 3), std::invalid_argument);
  const std::string crc32 = digest_of(ChecksumAlgorithm::crc32, "abc");
  CHECK_THROWS_AS(crc_combine(ChecksumAlgorithm::crc64nvme, crc32, crc32, 3), std::invalid_argument);
  CHECK_THROWS_AS(crc_combine(ChecksumAlgorithm::crc32, crc32, "", 3), std::invalid_argument);
}

TEST_CASE("a stored checksum is the whole object's or composite with its part count", "[checksum]") {
  // CRC32 of 123456789 is CB F4 39 26, in base64 y/Q5Jg== (python3 base64.b64encode).
  auto full = parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==", "FULL_OBJECT");
  REQUIRE(full);
  CHECK(full->algorithm == ChecksumAlgorithm::crc32);
  CHECK(hex(full->digest) == "cbf43926");
  CHECK_FALSE(full->composite);
  CHECK(full->parts == 0u);
  auto untyped = parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==", "");
  REQUIRE(untyped);
  CHECK_FALSE(untyped->composite);

  auto composite = parse_stored_checksum(ChecksumAlgorithm::crc32c, "4waSgw==-3", "COMPOSITE");
  REQUIRE(composite);
  CHECK(hex(composite->digest) == "e3069283");
  CHECK(composite->composite);
  CHECK(composite->parts == 3u);
  auto suffix_wins = parse_stored_checksum(ChecksumAlgorithm::crc32c, "4waSgw==-10000", "FULL_OBJECT");
  REQUIRE(suffix_wins);
  CHECK(suffix_wins->composite);
  CHECK(suffix_wins->parts == 10000u);

  // A GET of ?partNumber=N: the part's own checksum, no suffix.
  const std::string sha256 = digest_of(ChecksumAlgorithm::sha256, "abc");
  auto part = parse_stored_checksum(ChecksumAlgorithm::sha256, checksum_to_base64(sha256), "COMPOSITE");
  REQUIRE(part);
  CHECK(part->composite);
  CHECK(part->parts == 0u);
  CHECK(part->digest == sha256);

  auto crc64 = parse_stored_checksum(ChecksumAlgorithm::crc64nvme, "rosUhgp5mIg=", "FULL_OBJECT");
  REQUIRE(crc64);
  CHECK(hex(crc64->digest) == "ae8b14860a799888");
}

TEST_CASE("a stored checksum that is not one is refused", "[checksum]") {
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg=", ""));           // bad base64
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg== ", ""));         // white space
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y*Q5Jg==", ""));          // not the alphabet
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "", ""));                  // no bytes
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc64nvme, "y/Q5Jg==", ""));      // 4 bytes, not 8
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "rosUhgp5mIg=", ""));      // 8 bytes, not 4
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==-0", ""));
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==-x", ""));
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==-", ""));
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==-3x", ""));
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==--3", ""));
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==-+3", ""));
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==-4294967296", ""));  // over 32 bits
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==", "PARTIAL"));
  CHECK_FALSE(parse_stored_checksum(ChecksumAlgorithm::crc32, "y/Q5Jg==", "composite"));
}

TEST_CASE("checksum_to_base64 writes what parse_stored_checksum reads", "[checksum]") {
  std::mt19937_64 random(17);
  for (ChecksumAlgorithm algorithm : kAll) {
    const std::string digest = digest_of(algorithm, random_bytes(random, 1000));
    const std::string text = checksum_to_base64(digest);
    CHECK(text.size() == (checksum_size(algorithm) + 2) / 3 * 4);
    auto parsed = parse_stored_checksum(algorithm, text, "");
    REQUIRE(parsed);
    CHECK(parsed->digest == digest);
  }
  CHECK(checksum_to_base64(digest_of(ChecksumAlgorithm::crc32, "123456789")) == "y/Q5Jg==");
  CHECK(checksum_to_base64(digest_of(ChecksumAlgorithm::sha1, "abc")) == "qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
}

// base64 lives in base/text; it is tested here with its first user.
TEST_CASE("base64 matches RFC 4648 and refuses any other text", "[checksum][base64]") {
  // RFC 4648 section 10 test vectors.
  const std::pair<std::string, std::string> vectors[] = {{"", ""},          {"f", "Zg=="},       {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},   {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    CHECK(base64_encode(bytes) == text);
    CHECK(base64_decode(text) == bytes);
  }
  std::mt19937_64 random(19);
  for (std::size_t size = 0; size < 70; ++size) {
    const std::string bytes = random_bytes(random, size);
    REQUIRE(base64_decode(base64_encode(bytes)) == bytes);
  }
  CHECK(base64_decode("//79") == std::string("\xFF\xFE\xFD"));
  for (std::string_view bad : {"Zg", "Zg=", "Zg===", "Z===", "====", "Zh==", "Zm9=", "Zm=v", "Zg==Zg==", " Zm9v",
                               "Zm9v\n", "Zm9-", "Zm9_"}) {
    INFO(bad);
    CHECK_FALSE(base64_decode(bad));
  }
}

// Hidden ([.bench]): one core's throughput of each hash the checks use, the
// figures behind the README's table. Run: build/tests/s3/s3_tests "[.bench]".
TEST_CASE("throughput of each hash on one core", "[.bench]") {
  const std::string data = std::string(64u << 20, '\x5a');
  const auto rate = [&](auto&& hash_all) {
    double best = 0;
    for (int round = 0; round < 3; ++round) {
      const auto start = std::chrono::steady_clock::now();
      for (int pass = 0; pass < 4; ++pass) hash_all();
      const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
      best = std::max(best, 4.0 * static_cast<double>(data.size()) / took.count() / 1e6);
    }
    return best;
  };
  const double md5 = rate([&] {
    Md5 hash;
    for (std::size_t at = 0; at < data.size(); at += 1u << 20) hash.update(data.data() + at, 1u << 20);
    REQUIRE(hash.finish());
  });
  std::printf("md5        %8.0f MB/s\n", md5);
  for (std::size_t i = 0; i < kChecksumAlgorithms; ++i) {
    const auto algorithm = static_cast<ChecksumAlgorithm>(i);
    const double mbps = rate([&] {
      Checksummer sum(algorithm);
      for (std::size_t at = 0; at < data.size(); at += 1u << 20) sum.update(data.data() + at, 1u << 20);
      REQUIRE(sum.finish());
    });
    std::printf("%-10s %8.0f MB/s\n", checksum_name(algorithm), mbps);
  }
}
