// Endpoints and S3 requests: URLs, addressing and signing; see s3_request.hpp.
#include "caios2dfs/s3/s3_request.hpp"

#include <fmt/format.h>

#include <charconv>

namespace caios {

const char* addressing_name(Addressing addressing) noexcept {
  return addressing == Addressing::path ? "path" : "virtual-hosted";
}

namespace {

// Every refusal ends with the form that is accepted.
Error endpoint_error(std::string_view url, std::string_view why) {
  return config_error("endpoint", std::string(url),
                      fmt::format("{}; expected http://HOST[:PORT] or https://HOST[:PORT]", why));
}

}  // namespace

Result<S3Endpoint> parse_endpoint(std::string_view url, Addressing addressing, std::string region) {
  S3Endpoint endpoint;
  endpoint.addressing = addressing;
  endpoint.region = region.empty() ? "us-east-1" : std::move(region);
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return endpoint_error(url, "no scheme");
  endpoint.scheme = std::string(url.substr(0, scheme_end));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    return endpoint_error(url, fmt::format("unsupported scheme '{}'", endpoint.scheme));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return endpoint_error(url, "the endpoint must not have a path");
  if (rest.find('@') != std::string_view::npos) {
    return endpoint_error(url, "credentials do not belong in the endpoint URL");
  }
  const auto colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find(']') == std::string_view::npos) {
    const std::string_view port_text = rest.substr(colon + 1);
    int port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port <= 0 || port > 65535) {
      return endpoint_error(url, fmt::format("bad port '{}'", port_text));
    }
    endpoint.port = port;
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return endpoint_error(url, "no host");
  endpoint.host = std::string(rest);
  return endpoint;
}

std::string s3_host(const S3Endpoint& endpoint, std::string_view bucket) {
  std::string host = endpoint.addressing == Addressing::virtual_hosted && !bucket.empty()
                         ? fmt::format("{}.{}", bucket, endpoint.host)
                         : endpoint.host;
  const bool default_port = endpoint.port == 0 || (endpoint.scheme == "http" && endpoint.port == 80) ||
                            (endpoint.scheme == "https" && endpoint.port == 443);
  if (!default_port) host += fmt::format(":{}", endpoint.port);
  return host;
}

HttpRequest build_s3_request(const S3Endpoint& endpoint, const Credentials& credentials,
                             std::chrono::system_clock::time_point now, const S3Operation& operation) {
  // The decoded path; the signer and the URL both encode it once, identically.
  std::string path = "/";
  if (endpoint.addressing == Addressing::path && !operation.bucket.empty()) {
    path += operation.bucket;
    if (!operation.key.empty()) path += '/';
  }
  path += operation.key;

  SigningRequest signing;
  signing.method = operation.method;
  signing.path = path;
  signing.query = operation.query;
  signing.headers.push_back({"Host", s3_host(endpoint, operation.bucket)});
  for (const HttpHeader& header : operation.headers) signing.headers.push_back(header);
  signing.payload_hash = operation.payload_hash;

  SigningParams params;
  params.region = endpoint.region;
  params.service = "s3";
  params.time = now;
  params.normalization = PathNormalization::s3;
  params.add_content_sha256_header = true;
  SignedRequest signed_request = sign_v4(signing, credentials, params);

  HttpRequest request;
  request.method = operation.method;
  request.url = fmt::format("{}://{}{}", endpoint.scheme, signing.headers.front().value,
                            uri_encode(path, /*keep_slash=*/true));
  if (!operation.query.empty()) request.url += "?" + canonical_query_string(operation.query);
  // curl derives Host from the URL, which is the value we signed.
  for (const HttpHeader& header : operation.headers) request.headers.push_back(header);
  for (HttpHeader& header : signed_request.headers_to_add) request.headers.push_back(std::move(header));
  return request;
}

bool is_valid_bucket_name(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) return false;
  for (char c : bucket) {
    if (!alnum(c) && c != '.' && c != '-') return false;
  }
  return bucket.find("..") == std::string_view::npos;
}

}  // namespace caios
