// ListObjectsV2 pages -> values, with pugixml. The element lookups that
// tolerate S3's loose XML are in xml_reader.hpp; only the fields the copy
// needs are read.
#include "caios2dfs/s3/list_objects.hpp"

#include <charconv>
#include <cstddef>
#include <string>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/s3/s3_error.hpp"
#include "caios2dfs/s3/s3_time.hpp"
#include "xml_reader.hpp"

namespace caios {
namespace {

using namespace xml_reader;

constexpr std::string_view kListOperation = "ListObjectsV2";

// The subject is filled in by the caller, who knows the bucket and prefix.
Error list_error(std::string message) {
  return protocol_error(std::string(kListOperation), "", 0, std::move(message));
}

std::optional<std::uint64_t> parse_uint64(std::string_view text) {
  text = trim(text);
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  // from_chars rejects signs, so "-1" and "+1" fail here as they should.
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || stop != end) return std::nullopt;
  return value;
}

std::optional<bool> parse_bool(std::string_view text) {
  text = trim(text);
  if (equals_ignore_case(text, "true")) return true;
  if (equals_ignore_case(text, "false")) return false;
  return std::nullopt;
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

Result<ObjectEntry> parse_contents(pugi::xml_node contents, bool url_encoded) {
  ObjectEntry entry;
  const pugi::xml_node key = child_element(contents, "Key");
  if (!key) return list_error("a <Contents> element has no <Key>");
  entry.key = url_encoded ? decode_form_url(text_of(key)) : text_of(key);

  // Size is required: without it the copy cannot know how many bytes to
  // expect, and guessing 0 would silently produce an empty file.
  const pugi::xml_node size = child_element(contents, "Size");
  if (!size) return list_error("object " + quoted(entry.key) + " has no <Size>");
  const std::optional<std::uint64_t> size_bytes = parse_uint64(text_of(size));
  if (!size_bytes) {
    return list_error("object " + quoted(entry.key) + ": <Size> " + quoted(text_of(size)) +
                      " is not an unsigned 64-bit integer");
  }
  entry.size = *size_bytes;

  entry.etag = child_text(contents, "ETag");  // as sent, quotes included: it goes back in If-Match

  if (const pugi::xml_node modified = child_element(contents, "LastModified")) {
    const std::optional<std::int64_t> mtime_ns = parse_iso8601_ns(text_of(modified));
    if (!mtime_ns) {
      return list_error("object " + quoted(entry.key) + ": <LastModified> " + quoted(text_of(modified)) +
                        " is not an ISO 8601 date");
    }
    entry.mtime_ns = *mtime_ns;
  }
  return entry;
}

// Whether the keys are url-encoded. EncodingType may come after the entries
// it applies to, so it is read before them.
Result<bool> read_encoding(pugi::xml_node root) {
  const pugi::xml_node encoding = child_element(root, "EncodingType");
  if (!encoding) return false;
  const std::string value = text_of(encoding);
  if (!equals_ignore_case(trim(value), "url")) {
    // We asked for url or nothing; any other encoding we cannot undo, and
    // keeping the keys as they are would copy objects under wrong names.
    return list_error("unsupported <EncodingType> " + quoted(value));
  }
  return true;
}

// One child of <ListBucketResult> into `page`; unknown elements are skipped.
Status read_element(pugi::xml_node node, ListPage& page) {
  const std::string_view name = local_name(node);
  if (name == "Contents") {
    Result<ObjectEntry> entry = parse_contents(node, page.url_encoded);
    if (!entry) return std::move(entry).error();
    page.objects.push_back(std::move(entry).value());
  } else if (name == "CommonPrefixes") {
    const pugi::xml_node prefix = child_element(node, "Prefix");
    // Skipping it would silently drop a whole subtree from the copy.
    if (!prefix) return list_error("a <CommonPrefixes> element has no <Prefix>");
    page.common_prefixes.push_back(page.url_encoded ? decode_form_url(text_of(prefix)) : text_of(prefix));
  } else if (name == "IsTruncated") {
    const std::optional<bool> truncated = parse_bool(text_of(node));
    if (!truncated) return list_error("<IsTruncated> " + quoted(text_of(node)) + " is not true or false");
    page.is_truncated = *truncated;
  } else if (name == "NextContinuationToken") {
    page.next_continuation_token = text_of(node);  // opaque: S3 never encodes it
  }
  return ok_status();
}

}  // namespace

Result<ListPage> parse_list_objects_v2(std::string_view body) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed = load(document, body);
  if (!parsed) {
    return list_error("malformed XML in the listing: " + std::string(parsed.description()) + " at byte offset " +
                      std::to_string(parsed.offset));
  }
  const pugi::xml_node root = document.document_element();
  if (error_element(root)) {
    // S3 may answer with an error document under HTTP 200; the classification
    // lives in one place, map_s3_error.
    return map_s3_error(200, body, kListOperation, {});
  }
  if (local_name(root) != "ListBucketResult") {
    return list_error("unexpected root element <" + std::string(root.name()) +
                      "> in the listing (expected <ListBucketResult>)");
  }

  ListPage page;
  Result<bool> url_encoded = read_encoding(root);
  if (!url_encoded) return std::move(url_encoded).error();
  page.url_encoded = *url_encoded;
  for (pugi::xml_node node = root.first_child(); node; node = node.next_sibling()) {
    if (node.type() != pugi::node_element) continue;
    if (Status read = read_element(node, page); !read) return std::move(read).error();
  }

  // A truncated V2 page without a token leaves the caller two bad choices:
  // stop (objects silently not copied) or ask for the first page again forever.
  // A V1 page (it has <Marker>) legitimately omits NextMarker: the caller
  // continues from the last key.
  if (page.is_truncated && page.next_continuation_token.empty() && !child_element(root, "Marker")) {
    return list_error("<IsTruncated> is true but <NextContinuationToken> is missing");
  }
  return page;
}

std::string decode_form_url(std::string_view text) {
  auto hex_value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string decoded;
  decoded.reserve(text.size());
  // One pass is the same as "'+' -> space, then %XX": a decoded byte is never
  // looked at again, so "%2B" gives '+' and not a space.
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      decoded += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      decoded += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      decoded += c;  // includes a '%' that does not start a valid escape
    }
  }
  return decoded;
}

}  // namespace caios
