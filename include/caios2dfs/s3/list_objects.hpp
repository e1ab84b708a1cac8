// Parsing ListObjectsV2 pages. Pure: text in, values out; no network. Robust
// to element order, whitespace, <Prefix/>, missing optional elements, and
// errors returned with HTTP 200. <Error> documents are parsed by s3_error.hpp,
// the dates by s3_time.hpp.
// Spec: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "caios2dfs/base/error.hpp"

namespace caios {

struct ObjectEntry {
  std::string key;            ///< decoded key (url-decoded when EncodingType=url)
  std::uint64_t size = 0;
  std::string etag;           ///< as sent, quotes included: "\"abc\"" or "\"abc-3\""
  std::int64_t mtime_ns = 0;  ///< LastModified as ns since the Unix epoch (0 if absent)
};

struct ListPage {
  std::vector<ObjectEntry> objects;
  std::vector<std::string> common_prefixes;  ///< decoded
  bool is_truncated = false;
  std::string next_continuation_token;  ///< opaque, never url-decoded
  bool url_encoded = false;             ///< response said <EncodingType>url</EncodingType>
};

/// Parse a ListObjectsV2 response body. A body that is an <Error> document
/// (even with HTTP 200) or is not a ListBucketResult gives an Error
/// (kind protocol for malformed XML; an <Error> document is mapped by
/// map_s3_error(200, body) of s3_error.hpp, so it keeps its class and code).
/// Errors have operation "ListObjectsV2"; their subject is empty (the caller
/// knows the bucket) or, for an <Error> document, its <Resource>.
/// Also kind protocol, because going on would copy the wrong set of objects:
/// a <Contents> without <Key> or <Size>, a Size that is not a uint64, a
/// LastModified that is not ISO 8601, a <CommonPrefixes> without <Prefix>,
/// an EncodingType other than url, and IsTruncated=true without
/// NextContinuationToken (allowed only in a V1 body, i.e. one with <Marker>).
/// KeyCount is ignored (documentation examples contradict it).
Result<ListPage> parse_list_objects_v2(std::string_view body);

/// Decode a key as S3 encodes it under encoding-type=url: '+' is a space,
/// then %XX. Invalid escapes are kept literally.
std::string decode_form_url(std::string_view text);

}  // namespace caios
