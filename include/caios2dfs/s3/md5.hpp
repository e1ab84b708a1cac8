// Streaming MD5 of object bytes (OpenSSL's EVP, its fastest implementation
// on the CPU at hand), to check a download against its ETag (etag.hpp).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "caios2dfs/s3/etag.hpp"

namespace caios {

/// The OpenSSL library this process hashes and signs with, as it names
/// itself ("OpenSSL 3.0.15 3 Sep 2024"): for --version and bug reports.
std::string openssl_runtime_version();

class Md5 {
 public:
  Md5();
  Md5(Md5&&) noexcept;
  Md5& operator=(Md5&&) noexcept;
  ~Md5();

  void update(const void* data, std::size_t size);
  /// The digest of everything given to update(), and the hasher starts
  /// over; nullopt when OpenSSL could not hash (no memory, or an OpenSSL
  /// without MD5, as in FIPS mode), so the bytes stay unchecked, not wrong.
  std::optional<Md5Digest> finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace caios
