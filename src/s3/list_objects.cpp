// ListObjectsV2 pages and S3 <Error> documents -> values, with pugixml.
//
// Real S3 XML is loose (tests/data/s3-xml/README.md): element order differs
// between S3 flavours, documentation examples are indented, <Prefix/> and
// <Prefix></Prefix> both occur, and the namespace may or may not be declared.
// So elements are looked up by local name among all children, never by
// position, and only the fields the copy needs are read.
#include "caios2dfs/s3/list_objects.hpp"

#include <charconv>
#include <chrono>
#include <cstddef>
#include <limits>
#include <string>

#include <pugixml.hpp>

#include "caios2dfs/s3/s3_error.hpp"

namespace caios {
namespace {

constexpr std::string_view kListOperation = "ListObjectsV2";

// Default options plus parse_ws_pcdata_single: a key made only of spaces
// (`<Key>  </Key>`) is a valid S3 key and must not vanish, while indentation
// between elements (which has siblings) is still dropped.
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

// "s3:Key" -> "Key". S3 declares a default namespace (no prefix), but an
// S3-compatible server or a proxy may use a prefix; the name is what matters.
std::string_view local_name(pugi::xml_node node) {
  const std::string_view name = node.name();
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_element(pugi::xml_node parent, std::string_view name) {
  for (pugi::xml_node node = parent.first_child(); node; node = node.next_sibling()) {
    if (node.type() == pugi::node_element && local_name(node) == name) return node;
  }
  return {};
}

// All character data directly inside `node`: a key may be split into text and
// CDATA pieces, which child_value() would cut at the first one.
std::string text_of(pugi::xml_node node) {
  std::string text;
  for (pugi::xml_node piece = node.first_child(); piece; piece = piece.next_sibling()) {
    if (piece.type() == pugi::node_pcdata || piece.type() == pugi::node_cdata) text += piece.value();
  }
  return text;
}

std::string child_text(pugi::xml_node parent, std::string_view name) {
  return text_of(child_element(parent, name));
}

// The <Error> element of an error document: the root itself (S3), or inside
// an <ErrorResponse> wrapper (the AWS query-protocol form some S3-compatible
// stores use).
pugi::xml_node error_element(pugi::xml_node root) {
  if (local_name(root) == "Error") return root;
  if (local_name(root) == "ErrorResponse") return child_element(root, "Error");
  return {};
}

Error protocol_error(std::string message) {
  Error error;
  error.kind = ErrorKind::protocol;
  error.operation = std::string(kListOperation);
  error.message = std::move(message);
  return error;
}

// Fixed-width decimal field text[pos, pos+width); false unless all digits.
bool read_digits(std::string_view text, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  out = value;
  return true;
}

// Civil date and time (UTC) -> ns since the epoch; nullopt when a field is
// out of range or the instant does not fit int64 ns (years 1678..2262).
std::optional<std::int64_t> to_epoch_ns(int year, int month, int day, int hour, int minute,
                                        int second, std::int64_t fraction_ns,
                                        std::int64_t utc_offset_s) {
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  // Second 60 is a leap second (RFC 3339 allows it); it lands on the next minute.
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
  const std::int64_t seconds =
      days * 86'400 + hour * 3'600 + minute * 60 + second - utc_offset_s;
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, kNsPerSecond, &ns) ||
      __builtin_add_overflow(ns, fraction_ns, &ns)) {
    return std::nullopt;
  }
  return ns;
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
  if (!key) return protocol_error("a <Contents> element has no <Key>");
  entry.key = url_encoded ? decode_form_url(text_of(key)) : text_of(key);

  // Size is required: without it the copy cannot know how many bytes to
  // expect, and guessing 0 would silently produce an empty file.
  const pugi::xml_node size = child_element(contents, "Size");
  if (!size) return protocol_error("object " + quoted(entry.key) + " has no <Size>");
  const std::optional<std::uint64_t> size_bytes = parse_uint64(text_of(size));
  if (!size_bytes) {
    return protocol_error("object " + quoted(entry.key) + ": <Size> " + quoted(text_of(size)) +
                          " is not an unsigned 64-bit integer");
  }
  entry.size = *size_bytes;

  entry.etag = child_text(contents, "ETag");  // as sent, quotes included: it goes back in If-Match

  if (const pugi::xml_node modified = child_element(contents, "LastModified")) {
    const std::optional<std::int64_t> mtime_ns = parse_iso8601_ns(text_of(modified));
    if (!mtime_ns) {
      return protocol_error("object " + quoted(entry.key) + ": <LastModified> " +
                            quoted(text_of(modified)) + " is not an ISO 8601 date");
    }
    entry.mtime_ns = *mtime_ns;
  }
  return entry;
}

}  // namespace

Result<ListPage> parse_list_objects_v2(std::string_view body) {
  pugi::xml_document document;
  const pugi::xml_parse_result parsed =
      document.load_buffer(body.data(), body.size(), kParseOptions);
  if (!parsed) {
    return protocol_error("malformed XML in the listing: " + std::string(parsed.description()) +
                          " at byte offset " + std::to_string(parsed.offset));
  }
  const pugi::xml_node root = document.document_element();
  if (error_element(root)) {
    // S3 may answer with an error document under HTTP 200; the classification
    // lives in one place, map_s3_error.
    return map_s3_error(200, body, kListOperation, {});
  }
  if (local_name(root) != "ListBucketResult") {
    return protocol_error("unexpected root element <" + std::string(root.name()) +
                          "> in the listing (expected <ListBucketResult>)");
  }

  ListPage page;
  // EncodingType may come after the entries it applies to, so read it first.
  if (const pugi::xml_node encoding = child_element(root, "EncodingType")) {
    const std::string value = text_of(encoding);
    if (!equals_ignore_case(trim(value), "url")) {
      // We asked for url or nothing; any other encoding we cannot undo, and
      // keeping the keys as they are would copy objects under wrong names.
      return protocol_error("unsupported <EncodingType> " + quoted(value));
    }
    page.url_encoded = true;
  }

  for (pugi::xml_node node = root.first_child(); node; node = node.next_sibling()) {
    if (node.type() != pugi::node_element) continue;
    const std::string_view name = local_name(node);
    if (name == "Contents") {
      Result<ObjectEntry> entry = parse_contents(node, page.url_encoded);
      if (!entry) return std::move(entry).error();
      page.objects.push_back(std::move(entry).value());
    } else if (name == "CommonPrefixes") {
      const pugi::xml_node prefix = child_element(node, "Prefix");
      // Skipping it would silently drop a whole subtree from the copy.
      if (!prefix) return protocol_error("a <CommonPrefixes> element has no <Prefix>");
      page.common_prefixes.push_back(page.url_encoded ? decode_form_url(text_of(prefix))
                                                      : text_of(prefix));
    } else if (name == "IsTruncated") {
      const std::optional<bool> truncated = parse_bool(text_of(node));
      if (!truncated) {
        return protocol_error("<IsTruncated> " + quoted(text_of(node)) + " is not true or false");
      }
      page.is_truncated = *truncated;
    } else if (name == "NextContinuationToken") {
      page.next_continuation_token = text_of(node);  // opaque: S3 never encodes it
    }
  }

  // A truncated V2 page without a token leaves the caller two bad choices:
  // stop (objects silently not copied) or ask for the first page again forever.
  // A V1 page (it has <Marker>) legitimately omits NextMarker: the caller
  // continues from the last key.
  if (page.is_truncated && page.next_continuation_token.empty() &&
      !child_element(root, "Marker")) {
    return protocol_error("<IsTruncated> is true but <NextContinuationToken> is missing");
  }
  return page;
}

std::optional<S3ErrorBody> parse_s3_error(std::string_view body) {
  pugi::xml_document document;
  if (!document.load_buffer(body.data(), body.size(), kParseOptions)) return std::nullopt;
  const pugi::xml_node error = error_element(document.document_element());
  if (!error) return std::nullopt;

  S3ErrorBody fields;
  fields.code = std::string(trim(child_text(error, "Code")));
  fields.message = child_text(error, "Message");
  for (std::string_view name : {"Resource", "BucketName", "Key"}) {
    if (const pugi::xml_node node = child_element(error, name)) {
      fields.resource = std::string(trim(text_of(node)));
      break;
    }
  }
  fields.request_id = std::string(trim(child_text(error, "RequestId")));
  return fields;
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

std::optional<std::int64_t> parse_iso8601_ns(std::string_view text) {
  text = trim(text);
  // YYYY-MM-DDTHH:MM:SS, then optional .fraction, then Z or +HH:MM / -HH:MM.
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !read_digits(text, 0, 4, year) || text[4] != '-' ||
      !read_digits(text, 5, 2, month) || text[7] != '-' || !read_digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't') || !read_digits(text, 11, 2, hour) ||
      text[13] != ':' || !read_digits(text, 14, 2, minute) || text[16] != ':' ||
      !read_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t fraction_ns = 0;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first_digit = pos;
    std::int64_t scale = kNsPerSecond / 10;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction_ns += (text[pos] - '0') * scale;  // digits past ns precision add 0
      scale /= 10;
      ++pos;
    }
    if (pos == first_digit) return std::nullopt;
  }
  std::int64_t utc_offset_s = 0;
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    utc_offset_s = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int offset_hours = 0, offset_minutes = 0;
    if (!read_digits(zone, 1, 2, offset_hours) || !read_digits(zone, 4, 2, offset_minutes) ||
        offset_hours > 23 || offset_minutes > 59) {
      return std::nullopt;
    }
    utc_offset_s = (zone[0] == '-' ? -1 : 1) * (offset_hours * 3'600 + offset_minutes * 60);
  } else {
    // No zone means local time of some unknown place: refuse to guess.
    return std::nullopt;
  }
  return to_epoch_ns(year, month, day, hour, minute, second, fraction_ns, utc_offset_s);
}

std::optional<std::int64_t> parse_http_date_ns(std::string_view text) {
  text = trim(text);
  // IMF-fixdate is fixed width: "Wed, 12 Oct 2009 17:50:30 GMT".
  constexpr std::string_view kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text[7] != ' ' || text[11] != ' ' ||
      text[16] != ' ' || text[19] != ':' || text[22] != ':' || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  bool weekday_ok = false;
  for (std::string_view weekday : kWeekdays) weekday_ok = weekday_ok || text.substr(0, 3) == weekday;
  int month = 0;
  for (int i = 0; i < 12; ++i) {
    if (text.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!weekday_ok || month == 0 || !read_digits(text, 5, 2, day) ||
      !read_digits(text, 12, 4, year) || !read_digits(text, 17, 2, hour) ||
      !read_digits(text, 20, 2, minute) || !read_digits(text, 23, 2, second)) {
    return std::nullopt;
  }
  return to_epoch_ns(year, month, day, hour, minute, second, 0, 0);
}

}  // namespace caios
