// AWS Signature Version 4: the contract is in sigv4.hpp.
// Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
#include "caios2dfs/s3/sigv4.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <climits>
#include <map>
#include <stdexcept>

#include "caios2dfs/base/text.hpp"

namespace caios {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Trim, and collapse every run of white space (is_space: CR/LF and tabs too)
// to one space, so that a folded (obsolete multi-line) value becomes one
// line: the suite's get-header-value-multiline wants "value1 value2 value3".
// This is what botocore does (' '.join(value.split())).
std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

// RFC 3986 5.2.4 remove_dot_segments, plus collapsing "//", as non-S3
// services expect. The result always starts with '/'; it ends with '/' when
// the input did or when its last segment was "." or "..", as RFC 3986 says.
std::string normalize_generic_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  const std::size_t last_slash = path.rfind('/');
  const std::string_view last_segment =
      last_slash == std::string_view::npos ? path : path.substr(last_slash + 1);
  const bool trailing_slash = last_segment.empty() || last_segment == "." || last_segment == "..";

  std::string normalized = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) normalized.push_back('/');
    normalized.append(segments[i]);
  }
  if (trailing_slash && !segments.empty()) normalized.push_back('/');
  return normalized;
}

std::string canonical_uri(std::string_view path, PathNormalization normalization) {
  if (path.empty()) return "/";
  if (normalization == PathNormalization::generic) {
    return uri_encode(normalize_generic_path(path), /*keep_slash=*/true);
  }
  // S3 keys may legitimately contain "//", "./" and "../": the path is signed
  // exactly as sent. The absolute path always starts with '/', so a caller
  // that forgot it still gets the path the server will see.
  std::string encoded = uri_encode(path, /*keep_slash=*/true);
  if (encoded.front() != '/') encoded.insert(encoded.begin(), '/');
  return encoded;
}

const HttpHeader* find_header(const std::vector<HttpHeader>& headers, std::string_view lower_name) {
  for (const HttpHeader& header : headers) {
    if (ascii_lower(header.name) == lower_name) return &header;
  }
  return nullptr;
}

struct CanonicalHeaders {
  std::string lines;           ///< "name:value\n" per distinct name, sorted
  std::string signed_headers;  ///< "name;name;..."
};

CanonicalHeaders canonicalize_headers(const std::vector<HttpHeader>& headers) {
  // std::map sorts by byte value, which is the order SigV4 wants; repeated
  // names are joined with ',' in the order they appear in the request.
  std::map<std::string, std::string> by_name;
  for (const HttpHeader& header : headers) {
    auto [it, inserted] = by_name.try_emplace(ascii_lower(header.name));
    if (!inserted) it->second.push_back(',');
    it->second.append(canonical_header_value(header.value));
  }
  CanonicalHeaders canonical;
  for (const auto& [name, value] : by_name) {
    canonical.lines.append(name).append(":").append(value).append("\n");
    if (!canonical.signed_headers.empty()) canonical.signed_headers.push_back(';');
    canonical.signed_headers.append(name);
  }
  return canonical;
}

void append_padded(std::string& out, long long value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  out.append(digits);
}

std::string hex_signature(std::string_view secret_access_key, std::string_view date,
                          std::string_view region, std::string_view service,
                          std::string_view string_to_sign) {
  std::string key = "AWS4";
  key.append(secret_access_key);
  std::string signing_key = hmac_sha256(key, date);
  OPENSSL_cleanse(key.data(), key.size());
  signing_key = hmac_sha256(signing_key, region);
  signing_key = hmac_sha256(signing_key, service);
  signing_key = hmac_sha256(signing_key, "aws4_request");
  const std::string signature = hmac_sha256(signing_key, string_to_sign);
  OPENSSL_cleanse(signing_key.data(), signing_key.size());
  return to_hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace

std::string amz_date(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto whole_seconds = floor<seconds>(time);
  const auto day = floor<days>(whole_seconds);
  const year_month_day date{day};
  const hh_mm_ss clock{whole_seconds - day};
  // Built by hand rather than with strftime: no locale, no TZ, no gmtime.
  std::string text;
  text.reserve(16);
  append_padded(text, static_cast<int>(date.year()), 4);
  append_padded(text, static_cast<unsigned>(date.month()), 2);
  append_padded(text, static_cast<unsigned>(date.day()), 2);
  text.push_back('T');
  append_padded(text, clock.hours().count(), 2);
  append_padded(text, clock.minutes().count(), 2);
  append_padded(text, clock.seconds().count(), 2);
  text.push_back('Z');
  return text;
}

std::string uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (is_unreserved(byte) || (keep_slash && c == '/')) {
      encoded.push_back(c);
    } else {
      encoded.push_back('%');
      encoded.push_back(kDigits[byte >> 4]);
      encoded.push_back(kDigits[byte & 0x0F]);
    }
  }
  return encoded;
}

std::string canonical_query_string(const std::vector<QueryParam>& query) {
  std::vector<QueryParam> encoded;
  encoded.reserve(query.size());
  for (const auto& [key, value] : query) {
    encoded.emplace_back(uri_encode(key, false), uri_encode(value, false));
  }
  // Sorting the encoded pairs (not the decoded ones) is what the spec says and
  // gives a different order for e.g. UTF-8 keys versus "%"-prefixed ones.
  std::sort(encoded.begin(), encoded.end());
  std::string joined;
  for (const auto& [key, value] : encoded) {
    if (!joined.empty()) joined.push_back('&');
    joined.append(key).append("=").append(value);
  }
  return joined;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  // Fails only if OpenSSL cannot allocate: not a condition a caller can handle.
  if (EVP_Digest(data.data(), data.size(), digest, &digest_size, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("sigv4: OpenSSL SHA-256 failed");
  }
  return to_hex(digest, digest_size);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  if (key.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::length_error("sigv4: HMAC key too long");
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &mac_size) == nullptr) {
    throw std::runtime_error("sigv4: OpenSSL HMAC-SHA256 failed");
  }
  std::string raw(reinterpret_cast<const char*>(mac), mac_size);
  OPENSSL_cleanse(mac, sizeof mac);
  return raw;
}

SignedRequest sign_v4(const SigningRequest& request, const Credentials& credentials,
                      const SigningParams& params) {
  SignedRequest signed_request;
  std::vector<HttpHeader> headers = request.headers;

  // A date already in the request is what the server will check the
  // signature against, so it wins over params.time.
  std::string date_time;
  if (const HttpHeader* existing = find_header(headers, "x-amz-date")) {
    date_time = canonical_header_value(existing->value);
  } else {
    date_time = amz_date(params.time);
    signed_request.headers_to_add.push_back({"X-Amz-Date", date_time});
  }
  if (params.add_content_sha256_header && !find_header(headers, "x-amz-content-sha256")) {
    signed_request.headers_to_add.push_back({"x-amz-content-sha256", request.payload_hash});
  }
  if (!credentials.session_token.empty() && !find_header(headers, "x-amz-security-token")) {
    signed_request.headers_to_add.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  headers.insert(headers.end(), signed_request.headers_to_add.begin(),
                 signed_request.headers_to_add.end());
  const CanonicalHeaders canonical_headers = canonicalize_headers(headers);

  signed_request.canonical_request.append(request.method).append("\n");
  signed_request.canonical_request.append(canonical_uri(request.path, params.normalization))
      .append("\n");
  signed_request.canonical_request.append(canonical_query_string(request.query)).append("\n");
  signed_request.canonical_request.append(canonical_headers.lines).append("\n");
  signed_request.canonical_request.append(canonical_headers.signed_headers).append("\n");
  signed_request.canonical_request.append(request.payload_hash);

  const std::string date = date_time.substr(0, 8);
  const std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";
  signed_request.string_to_sign.append(kAlgorithm).append("\n");
  signed_request.string_to_sign.append(date_time).append("\n");
  signed_request.string_to_sign.append(scope).append("\n");
  signed_request.string_to_sign.append(sha256_hex(signed_request.canonical_request));

  signed_request.signature = hex_signature(credentials.secret_access_key, date, params.region,
                                           params.service, signed_request.string_to_sign);

  signed_request.authorization.append(kAlgorithm)
      .append(" Credential=")
      .append(credentials.access_key_id)
      .append("/")
      .append(scope)
      .append(", SignedHeaders=")
      .append(canonical_headers.signed_headers)
      .append(", Signature=")
      .append(signed_request.signature);
  signed_request.headers_to_add.push_back({"Authorization", signed_request.authorization});
  return signed_request;
}

}  // namespace caios
