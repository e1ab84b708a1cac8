// A fake object store for offline tests of the copy layer: a handler for
// FakeHttpServer that answers GET (with Range) and HEAD of a fixed set of
// objects, and ListObjectsV2 in pages of `page_size` keys, the way S3 does.
// Not a server to trust: only what the copy layer asks, path-style, no
// signature check. The copy layer is also tested end to end against the
// real Ceph RGW (copier_rgw_test.cpp).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <string>

#include "caios2dfs/s3/s3_client.hpp"
#include "support/fake_http_server.hpp"

namespace caios::testing {

struct FakeObject {
  std::string data;
  /// A multipart ETag by default: it says nothing about the bytes, so tests
  /// that are not about checks need no real MD5 (md5_etag() makes one).
  std::string etag = "\"0123456789abcdef0123456789abcdef-1\"";
  std::string last_modified = "Mon, 30 Nov 2026 12:00:00 GMT";  ///< HTTP date
  std::string md5chksum = {};  ///< rclone's x-amz-meta-md5chksum (base64), sent when not empty
  std::string encryption = {};  ///< x-amz-server-side-encryption, sent when not empty
  std::string iso_modified = "2026-11-30T12:00:00.000Z";        ///< the same instant, for listings
};

/// 2026-11-30T12:00:00Z in ns since the epoch: the default mtime above.
inline constexpr std::int64_t kFakeMtimeNs = 1796040000ll * 1'000'000'000ll;

inline std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

/// The value of query parameter `name` in `query` ("a=1&b=2"), decoded; "" when absent.
inline std::string query_value(const std::string& query, const std::string& name) {
  std::size_t start = 0;
  while (start <= query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string pair = query.substr(start, end - start);
    if (pair.rfind(name + "=", 0) == 0) return percent_decode(pair.substr(name.size() + 1));
    start = end + 1;
  }
  return {};
}

class FakeS3Objects {
 public:
  FakeS3Objects(std::string bucket, std::map<std::string, FakeObject> objects, std::size_t page_size = 1000)
      : bucket_(std::move(bucket)), objects_(std::move(objects)), page_size_(page_size) {}

  ScriptedResponse operator()(const RecordedRequest& request) const {
    const std::size_t space = request.request_line.find(' ');
    const std::string method = request.request_line.substr(0, space);
    const std::string target = request.request_line.substr(space + 1, request.request_line.rfind(' ') - space - 1);
    const std::string path = target.substr(0, target.find('?'));
    const std::string query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
    const std::string bucket_path = "/" + bucket_;
    if (path == bucket_path || path == bucket_path + "/") return list(query);
    if (path.rfind(bucket_path + "/", 0) != 0) return error(404, "NoSuchBucket");
    const auto object = objects_.find(percent_decode(path.substr(bucket_path.size() + 1)));
    if (object == objects_.end()) return error(404, "NoSuchKey");
    return method == "HEAD" ? head(object->second) : get(object->second, request.header("range"));
  }

 private:
  static ScriptedResponse error(int status, const std::string& code) {
    ScriptedResponse response;
    response.status = status;
    response.body = fmt::format("<Error><Code>{}</Code><Message>fake</Message></Error>", code);
    return response;
  }

  static ScriptedResponse head(const FakeObject& object) {
    ScriptedResponse response;
    response.headers = {{"ETag", object.etag}, {"Last-Modified", object.last_modified}};
    response.head_content_length = static_cast<long>(object.data.size());
    return response;
  }

  static ScriptedResponse get(const FakeObject& object, const std::string& range) {
    ScriptedResponse response;
    response.headers = {{"ETag", object.etag}, {"Last-Modified", object.last_modified}};
    if (!object.md5chksum.empty()) response.headers.emplace_back("X-Amz-Meta-Md5chksum", object.md5chksum);
    if (!object.encryption.empty()) response.headers.emplace_back("x-amz-server-side-encryption", object.encryption);
    if (range.empty()) {
      response.body = object.data;
      return response;
    }
    // "bytes=FIRST-[LAST]"
    const std::size_t dash = range.find('-');
    const std::uint64_t first = std::stoull(range.substr(6, dash - 6));
    const std::string last_text = range.substr(dash + 1);
    std::uint64_t last = last_text.empty() ? object.data.size() - 1 : std::stoull(last_text);
    if (first >= object.data.size()) return error(416, "InvalidRange");
    last = std::min<std::uint64_t>(last, object.data.size() - 1);
    response.status = 206;
    response.body = object.data.substr(first, last - first + 1);
    response.headers.emplace_back("Content-Range", fmt::format("bytes {}-{}/{}", first, last, object.data.size()));
    return response;
  }

  // ListObjectsV2 as S3 answers it: prefix, delimiter (common prefixes),
  // start-after, max-keys (at most the page size) and a continuation token,
  // here "K<key>" or "P<common prefix>" for the last entry of the page.
  ScriptedResponse list(const std::string& query) const {
    const std::string prefix = query_value(query, "prefix");
    const std::string delimiter = query_value(query, "delimiter");
    const std::string token = query_value(query, "continuation-token");
    const std::string max_keys_text = query_value(query, "max-keys");
    const std::size_t max_keys = std::min(max_keys_text.empty() ? page_size_ : std::stoul(max_keys_text), page_size_);
    const std::string after = token.empty() ? query_value(query, "start-after") : token.substr(1);
    const bool after_prefix = !token.empty() && token[0] == 'P';
    std::string contents, prefixes, last_entry;
    std::size_t count = 0;
    bool truncated = false;
    for (auto it = objects_.upper_bound(after); it != objects_.end(); ++it) {
      if (it->first.rfind(prefix, 0) != 0 || (after_prefix && it->first.rfind(after, 0) == 0)) continue;
      std::string common;
      if (const std::size_t cut = delimiter.empty() ? std::string::npos : it->first.find(delimiter, prefix.size());
          cut != std::string::npos) {
        common = it->first.substr(0, cut + delimiter.size());
        if (last_entry == "P" + common) continue;  // rolled up into the prefix just named
      }
      if (count == max_keys) {
        truncated = true;
        break;
      }
      ++count;
      if (!common.empty()) {
        prefixes += fmt::format("<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>", common);
        last_entry = "P" + common;
        continue;
      }
      contents += fmt::format("<Contents><Key>{}</Key><LastModified>{}</LastModified><ETag>{}</ETag>"
                              "<Size>{}</Size></Contents>",
                              it->first, it->second.iso_modified, it->second.etag, it->second.data.size());
      last_entry = "K" + it->first;
    }
    ScriptedResponse response;
    response.body = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><Name>{}</Name><Prefix>{}</Prefix>"
        "<KeyCount>{}</KeyCount><IsTruncated>{}</IsTruncated>{}{}{}</ListBucketResult>",
        bucket_, prefix, count, truncated ? "true" : "false",
        truncated ? fmt::format("<NextContinuationToken>{}</NextContinuationToken>", last_entry) : "", contents,
        prefixes);
    return response;
  }

  std::string bucket_;
  std::map<std::string, FakeObject> objects_;
  std::size_t page_size_;
};

/// A client of `server` on `engine` with fake credentials and quick retries.
inline S3Client fake_store_client(HttpEngine& engine, const FakeHttpServer& server, int max_retries) {
  return S3Client(engine, parse_endpoint(server.endpoint(), Addressing::path, "us-east-1").value(),
                  Credentials{"AKIDTEST", "secret", ""}, [] { return std::chrono::system_clock::now(); },
                  RetryPolicy{max_retries, std::chrono::milliseconds(1), std::chrono::milliseconds(2)}, 1);
}

}  // namespace caios::testing
