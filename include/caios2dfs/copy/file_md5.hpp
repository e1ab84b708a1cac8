// The MD5 of a file's bytes, read back: the check of a chunked object once
// its chunks are in, and --checksum's skip check of an existing file.
#pragma once

#include <cstdint>
#include <string>

#include "caios2dfs/base/error.hpp"
#include "caios2dfs/s3/etag.hpp"

namespace caios {

/// The MD5 of the first `size` bytes of the file at `path`, read back in
/// large pieces (the page cache is told to drop them: no one reads them
/// again here). Errors: the file cannot be read, is shorter than `size`, or
/// this OpenSSL has no MD5 (kind config: --ignore-checksum skips the check).
Result<Md5Digest> hash_file(const std::string& path, std::uint64_t size);

}  // namespace caios
