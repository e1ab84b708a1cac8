#include "caios2dfs/s3/md5.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>


namespace caios {

std::string openssl_runtime_version() { return OpenSSL_version(OPENSSL_VERSION); }

struct Md5::Context {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  bool ok = false;

  void start() { ok = context != nullptr && EVP_DigestInit_ex(context.get(), EVP_md5(), nullptr) == 1; }
};

Md5::Md5() : context_(std::make_unique<Context>()) { context_->start(); }
Md5::Md5(Md5&&) noexcept = default;
Md5& Md5::operator=(Md5&&) noexcept = default;
Md5::~Md5() = default;

void Md5::update(const void* data, std::size_t size) {
  if (context_->ok && size > 0) context_->ok = EVP_DigestUpdate(context_->context.get(), data, size) == 1;
}

std::optional<Md5Digest> Md5::finish() {
  Md5Digest digest{};
  unsigned int size = 0;
  const bool ok = context_->ok && EVP_DigestFinal_ex(context_->context.get(), digest.data(), &size) == 1 &&
                  size == digest.size();
  context_->start();
  if (!ok) return std::nullopt;
  return digest;
}

}  // namespace caios
