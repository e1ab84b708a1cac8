#include "caios2dfs/s3/checksum.hpp"

#include <isa-l/crc.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "caios2dfs/base/text.hpp"

namespace caios {

namespace {

// The three CRCs are reflected (bit 0 of the register is the highest power
// of x) with init = xorout = all ones; these are their polynomials in that
// reflected form.
constexpr std::uint32_t kCrc32Polynomial = 0xEDB88320;      // 0x04C11DB7 normal
constexpr std::uint32_t kCrc32cPolynomial = 0x82F63B78;     // 0x1EDC6F41 normal
constexpr std::uint64_t kCrc64NvmePolynomial = 0x9A6C9329AC4BC9B5;  // 0xAD93D23594C93659 normal

// Slicing-by-8 (Intel's "slicing-by-N" paper): table[k][b] is the CRC
// register after byte b followed by k zero bytes, so eight input bytes
// advance the register with eight lookups and no dependency between them.
using Crc64Tables = std::array<std::array<std::uint64_t, 256>, 8>;

constexpr Crc64Tables make_crc64_tables(std::uint64_t polynomial) {
  Crc64Tables tables{};
  for (std::uint64_t byte = 0; byte < 256; ++byte) {
    std::uint64_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ polynomial : crc >> 1;
    tables[0][byte] = crc;
  }
  for (std::size_t k = 1; k < tables.size(); ++k) {
    for (std::size_t byte = 0; byte < 256; ++byte) {
      const std::uint64_t previous = tables[k - 1][byte];
      tables[k][byte] = (previous >> 8) ^ tables[0][previous & 0xFF];
    }
  }
  return tables;
}

// Built by the compiler: no start-up cost and no lazy initialisation to race on.
constexpr Crc64Tables kCrc64NvmeTables = make_crc64_tables(kCrc64NvmePolynomial);

std::uint64_t load_little_endian64(const unsigned char* bytes) {
  std::uint64_t word = 0;
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(&word, bytes, sizeof word);  // one unaligned load
  } else {
    for (int i = 7; i >= 0; --i) word = word << 8 | bytes[i];
  }
  return word;
}

std::uint64_t crc64nvme_update(std::uint64_t crc, const unsigned char* bytes, std::size_t size) {
  const Crc64Tables& t = kCrc64NvmeTables;
  for (; size >= 8; bytes += 8, size -= 8) {
    crc ^= load_little_endian64(bytes);
    crc = t[7][crc & 0xFF] ^ t[6][(crc >> 8) & 0xFF] ^ t[5][(crc >> 16) & 0xFF] ^ t[4][(crc >> 24) & 0xFF] ^
          t[3][(crc >> 32) & 0xFF] ^ t[2][(crc >> 40) & 0xFF] ^ t[1][(crc >> 48) & 0xFF] ^ t[0][crc >> 56];
  }
  for (; size > 0; ++bytes, --size) crc = t[0][(crc ^ *bytes) & 0xFF] ^ (crc >> 8);
  return crc;
}

std::uint32_t crc32c_update(std::uint32_t crc, const unsigned char* bytes, std::size_t size) {
  // ISA-L takes an int length; it neither inverts on entry nor on exit.
  constexpr std::size_t kMaxSlice = std::size_t{1} << 30;
  while (size > 0) {
    const std::size_t slice = std::min(size, kMaxSlice);
    crc = crc32_iscsi(const_cast<unsigned char*>(bytes), static_cast<int>(slice), crc);
    bytes += slice;
    size -= slice;
  }
  return crc;
}

std::uint32_t crc32_update(std::uint32_t crc, const unsigned char* bytes, std::size_t size) {
  // ISA-L's gzip CRC inverts on entry and exit (as zlib's crc32 does), so it
  // takes and returns finished CRCs: undo that to keep the raw register.
  return ~crc32_gzip_refl(~crc, const_cast<unsigned char*>(bytes), size);
}

// Multiplication modulo the polynomial in GF(2), for a reflected CRC of
// Word's width: the method of zlib's crc32_combine (multmodp, x2nmodp),
// generic over the width. x^0 is the top bit of a Word.
template <typename Word, Word kPolynomial>
struct CrcAlgebra {
  static constexpr int kBits = std::numeric_limits<Word>::digits;
  static constexpr Word kOne = Word{1} << (kBits - 1);

  static constexpr Word multiply(Word a, Word b) {
    Word product = 0;
    for (Word bit = kOne; bit != 0; bit >>= 1) {
      if (a & bit) product ^= b;
      b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
    }
    return product;
  }

  // powers[k] = x^(2^k) mod P, enough for x^(8 * length) with any 64-bit length.
  static constexpr std::array<Word, 64 + 3> make_powers() {
    std::array<Word, 64 + 3> powers{};
    powers[0] = kOne >> 1;  // x^1
    for (std::size_t k = 1; k < powers.size(); ++k) powers[k] = multiply(powers[k - 1], powers[k - 1]);
    return powers;
  }
  static constexpr std::array<Word, 64 + 3> kPowers = make_powers();

  // Appending n bytes multiplies A's contribution by x^(8n); the all-ones
  // init and xorout of A and B cancel out, so the finished CRCs combine as they are.
  static Word combine(Word crc_a, Word crc_b, std::uint64_t length_b) {
    Word shift = kOne;
    for (std::size_t k = 3; length_b != 0; length_b >>= 1, ++k) {
      if (length_b & 1) shift = multiply(kPowers[k], shift);
    }
    return multiply(shift, crc_a) ^ crc_b;
  }
};

std::uint64_t crc_mask(ChecksumAlgorithm algorithm) {
  return checksum_size(algorithm) == 8 ? ~std::uint64_t{0} : std::uint64_t{0xFFFFFFFF};
}

std::string crc_to_digest(std::uint64_t crc, std::size_t size) {
  std::string digest(size, '\0');
  for (std::size_t i = 0; i < size; ++i) digest[i] = static_cast<char>(crc >> (8 * (size - 1 - i)));
  return digest;
}

std::uint64_t crc_from_digest(std::string_view digest) {
  std::uint64_t crc = 0;
  for (char byte : digest) crc = crc << 8 | static_cast<unsigned char>(byte);
  return crc;
}

const char* sha_fetch_name(ChecksumAlgorithm algorithm) {
  return algorithm == ChecksumAlgorithm::sha1 ? "SHA1" : "SHA256";
}

}  // namespace

const char* checksum_name(ChecksumAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case ChecksumAlgorithm::crc32: return "crc32";
    case ChecksumAlgorithm::crc32c: return "crc32c";
    case ChecksumAlgorithm::crc64nvme: return "crc64nvme";
    case ChecksumAlgorithm::sha1: return "sha1";
    case ChecksumAlgorithm::sha256: return "sha256";
  }
  return "unknown";
}

std::size_t checksum_size(ChecksumAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case ChecksumAlgorithm::crc32:
    case ChecksumAlgorithm::crc32c: return 4;
    case ChecksumAlgorithm::crc64nvme: return 8;
    case ChecksumAlgorithm::sha1: return 20;
    case ChecksumAlgorithm::sha256: return 32;
  }
  return 0;
}

bool checksum_combines(ChecksumAlgorithm algorithm) noexcept {
  return algorithm == ChecksumAlgorithm::crc32 || algorithm == ChecksumAlgorithm::crc32c ||
         algorithm == ChecksumAlgorithm::crc64nvme;
}

std::optional<StoredChecksum> parse_stored_checksum(ChecksumAlgorithm algorithm, std::string_view value,
                                                   std::string_view type) {
  StoredChecksum stored;
  stored.algorithm = algorithm;
  if (type == "COMPOSITE") {
    stored.composite = true;
  } else if (!type.empty() && type != "FULL_OBJECT") {
    return std::nullopt;
  }
  // '-' is not in the base64 alphabet, so the first one starts the suffix.
  const std::size_t dash = value.find('-');
  if (dash != std::string_view::npos) {
    const std::string_view count = value.substr(dash + 1);
    const auto [end, error] = std::from_chars(count.data(), count.data() + count.size(), stored.parts);
    if (error != std::errc{} || end != count.data() + count.size() || stored.parts == 0) return std::nullopt;
    stored.composite = true;
    value = value.substr(0, dash);
  }
  std::optional<std::string> digest = base64_decode(value);
  if (!digest || digest->size() != checksum_size(algorithm)) return std::nullopt;
  stored.digest = std::move(*digest);
  return stored;
}

std::string checksum_to_base64(std::string_view digest) { return base64_encode(digest); }

// Fetched once per checksummer: an explicit fetch spares OpenSSL 3 the
// implicit lookup every EVP_DigestInit_ex would do with EVP_sha256().
struct Checksummer::Sha {
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> digest;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  bool ok = false;

  explicit Sha(const char* name) : digest(EVP_MD_fetch(nullptr, name, nullptr), &EVP_MD_free) { start(); }

  void start() {
    ok = digest != nullptr && context != nullptr && EVP_DigestInit_ex(context.get(), digest.get(), nullptr) == 1;
  }
};

Checksummer::Checksummer(ChecksumAlgorithm algorithm) : algorithm_(algorithm), crc_(crc_mask(algorithm)) {
  if (!checksum_combines(algorithm)) sha_ = std::make_unique<Sha>(sha_fetch_name(algorithm));
}
Checksummer::~Checksummer() = default;
Checksummer::Checksummer(Checksummer&&) noexcept = default;
Checksummer& Checksummer::operator=(Checksummer&&) noexcept = default;

void Checksummer::update(const void* data, std::size_t size) {
  if (size == 0) return;
  const auto* bytes = static_cast<const unsigned char*>(data);
  switch (algorithm_) {
    case ChecksumAlgorithm::crc32:
      crc_ = crc32_update(static_cast<std::uint32_t>(crc_), bytes, size);
      break;
    case ChecksumAlgorithm::crc32c:
      crc_ = crc32c_update(static_cast<std::uint32_t>(crc_), bytes, size);
      break;
    case ChecksumAlgorithm::crc64nvme:
      crc_ = crc64nvme_update(crc_, bytes, size);
      break;
    case ChecksumAlgorithm::sha1:
    case ChecksumAlgorithm::sha256:
      if (sha_ && sha_->ok) sha_->ok = EVP_DigestUpdate(sha_->context.get(), bytes, size) == 1;
      break;
  }
}

std::optional<std::string> Checksummer::finish() {
  const std::size_t size = checksum_size(algorithm_);
  if (checksum_combines(algorithm_)) {
    const std::uint64_t mask = crc_mask(algorithm_);
    std::string digest = crc_to_digest(crc_ ^ mask, size);
    crc_ = mask;
    return digest;
  }
  if (!sha_) return std::nullopt;  // moved from
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  auto* out = reinterpret_cast<unsigned char*>(digest.data());
  unsigned int written = 0;
  const bool ok = sha_->ok && EVP_DigestFinal_ex(sha_->context.get(), out, &written) == 1 && written == size;
  sha_->start();
  if (!ok) return std::nullopt;
  digest.resize(size);
  return digest;
}

std::string crc_combine(ChecksumAlgorithm algorithm, std::string_view crc_a, std::string_view crc_b,
                        std::uint64_t length_b) {
  const std::size_t size = checksum_size(algorithm);
  if (!checksum_combines(algorithm) || crc_a.size() != size || crc_b.size() != size) {
    throw std::invalid_argument(std::string("crc_combine: not two ") + checksum_name(algorithm) + " CRCs");
  }
  const std::uint64_t a = crc_from_digest(crc_a);
  const std::uint64_t b = crc_from_digest(crc_b);
  std::uint64_t combined = 0;
  switch (algorithm) {
    case ChecksumAlgorithm::crc32:
      combined = CrcAlgebra<std::uint32_t, kCrc32Polynomial>::combine(static_cast<std::uint32_t>(a),
                                                                     static_cast<std::uint32_t>(b), length_b);
      break;
    case ChecksumAlgorithm::crc32c:
      combined = CrcAlgebra<std::uint32_t, kCrc32cPolynomial>::combine(static_cast<std::uint32_t>(a),
                                                                      static_cast<std::uint32_t>(b), length_b);
      break;
    default:
      combined = CrcAlgebra<std::uint64_t, kCrc64NvmePolynomial>::combine(a, b, length_b);
      break;
  }
  return crc_to_digest(combined, size);
}

}  // namespace caios
