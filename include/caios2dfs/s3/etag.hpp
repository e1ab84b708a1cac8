// What an object's ETag says about its bytes. S3 and its clones (RGW, MinIO,
// CAIOS) give a single-part object without SSE-KMS/SSE-C the MD5 of its
// bytes as ETag, 32 hex digits in quotes; a multipart object gets the MD5 of
// its parts' MD5s with "-<parts>" appended, which says nothing about the
// bytes without the part sizes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace caios {

using Md5Digest = std::array<std::uint8_t, 16>;

/// The MD5 a single-part ETag carries ("\"9e107d9d372bb6826bd81d3542a419d6\"",
/// quotes optional, hex in either case); nullopt for any other ETag
/// (multipart, empty, or another form).
std::optional<Md5Digest> etag_md5(std::string_view etag);

/// True when the object's encryption makes its ETag something other than
/// the MD5 of its bytes even for a single-part upload: SSE-KMS ("aws:kms",
/// "aws:kms:dsse") and SSE-C (any customer algorithm), as AWS documents.
/// SSE-S3 ("AES256") keeps the MD5. Arguments: the response's
/// x-amz-server-side-encryption and ...-customer-algorithm headers.
bool encryption_hides_md5(std::string_view server_side_encryption, std::string_view customer_algorithm);

/// The part count of a multipart ETag ("\"<32 hex>-<parts>\""); nullopt for
/// any other ETag.
std::optional<std::uint32_t> etag_parts(std::string_view etag);

/// The MD5 of the parts' MD5s a multipart ETag carries before "-<parts>";
/// nullopt for any other ETag.
std::optional<Md5Digest> etag_multipart_md5(std::string_view etag);

/// The MD5 in base64 ("kAFQmDzST7DWlj99KOF/cg=="), as in Content-MD5 and
/// rclone's x-amz-meta-md5chksum; nullopt unless exactly 16 bytes decode.
std::optional<Md5Digest> md5_from_base64(std::string_view text);

/// The base64 form of an MD5 (24 characters), as md5_from_base64 reads it.
std::string md5_to_base64(const Md5Digest& digest);

/// Lower-case hex of a digest, for messages.
std::string md5_hex(const Md5Digest& digest);

}  // namespace caios
