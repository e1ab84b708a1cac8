// The SigV4 signer against AWS's published vectors: the SigV4 test suite in
// tests/data/sigv4 and the S3 documentation examples. The S3 specifics the
// vectors do not cover are in sigv4_test.cpp.
#include "caios2dfs/s3/sigv4.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "sigv4_test_support.hpp"

#ifndef CAIOS_TESTDATA_DIR
#error "CAIOS_TESTDATA_DIR must be the absolute path of tests/data (a string literal)"
#endif

namespace {

using caios::Credentials;
using caios::HttpHeader;
using caios::PathNormalization;
using caios::QueryParam;
using caios::SignedRequest;
using caios::SigningParams;
using caios::SigningRequest;
using caios::testing::split;
using caios::testing::time_from_amz_date;
namespace fs = std::filesystem;

const fs::path kSigV4DataDir = fs::path(CAIOS_TESTDATA_DIR) / "sigv4";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  throw std::invalid_argument(std::string("not a hex digit: ") + c);
}

std::string percent_decode(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      decoded.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      decoded.push_back(text[i]);
    }
  }
  return decoded;
}

/// A query string as on the wire ("a=1&b=%E1%88%B4") -> decoded pairs.
std::vector<QueryParam> parse_query(std::string_view query) {
  std::vector<QueryParam> params;
  if (query.empty()) return params;
  for (const std::string& item : split(query, '&')) {
    const std::size_t equals = item.find('=');
    if (equals == std::string::npos) {
      params.emplace_back(percent_decode(item), "");
    } else {
      params.emplace_back(percent_decode(item.substr(0, equals)),
                          percent_decode(item.substr(equals + 1)));
    }
  }
  return params;
}

/// A suite .req: request line, headers (folded continuation lines kept raw
/// with their line break, so the signer's folding is what is tested), blank
/// line, body. The path in the suite is raw text; the query is percent-encoded.
SigningRequest parse_req(const std::string& text) {
  const std::size_t blank = text.find("\n\n");
  const std::string head = blank == std::string::npos ? text : text.substr(0, blank);
  const std::string body = blank == std::string::npos ? "" : text.substr(blank + 2);

  SigningRequest request;
  std::vector<std::string> lines = split(head, '\n');
  for (std::string& line : lines) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
  }
  const std::string& request_line = lines.at(0);
  const std::size_t first_space = request_line.find(' ');
  const std::size_t last_space = request_line.rfind(' ');
  request.method = request_line.substr(0, first_space);
  // The target may contain spaces (get-space): it runs up to " HTTP/1.1".
  const std::string target = request_line.substr(first_space + 1, last_space - first_space - 1);
  const std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = parse_query(target.substr(question + 1));

  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty()) continue;
    if (line.front() == ' ' || line.front() == '\t') {
      request.headers.back().value.append("\n").append(line);
      continue;
    }
    const std::size_t colon = line.find(':');
    request.headers.push_back({line.substr(0, colon), line.substr(colon + 1)});
  }
  request.payload_hash = caios::sha256_hex(body);
  return request;
}

struct SuiteCase {
  std::string name;  ///< folder name, e.g. "get-slashes"
  fs::path dir;
  std::string file(const char* extension) const { return read_text(dir / (name + extension)); }
};

/// Every folder holding a .req, at any depth (normalize-path/*, post-sts-token/*).
std::vector<SuiteCase> find_suite_cases() {
  std::vector<SuiteCase> cases;
  for (const auto& entry :
       fs::recursive_directory_iterator(kSigV4DataDir / "aws-sig-v4-test-suite")) {
    if (entry.is_regular_file() && entry.path().extension() == ".req") {
      cases.push_back({entry.path().stem().string(), entry.path().parent_path()});
    }
  }
  std::sort(cases.begin(), cases.end(),
            [](const SuiteCase& a, const SuiteCase& b) { return a.dir < b.dir; });
  return cases;
}

SignedRequest sign_suite_case(const SuiteCase& suite_case, PathNormalization normalization) {
  Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  if (suite_case.name == "get-vanilla-with-session-token") {
    credentials.session_token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
  }
  SigningParams params;
  params.region = "us-east-1";
  params.service = "service";
  params.time = time_from_amz_date("20150830T123600Z");
  params.normalization = normalization;
  params.add_content_sha256_header = false;
  return caios::sign_v4(parse_req(suite_case.file(".req")), credentials, params);
}

/// The six cases whose path S3 must not normalize, with the canonical URI an
/// S3 signer produces for them: the path exactly as sent.
const std::map<std::string, std::string> kS3VerbatimUris = {
    {"get-relative", "/example/.."},
    {"get-relative-relative", "/example1/example2/../.."},
    {"get-slash", "//"},
    {"get-slash-dot-slash", "/./"},
    {"get-slash-pointless-dot", "/./example"},
    {"get-slashes", "//example//"},
};

/// Just enough JSON for s3-doc-examples.json: objects, arrays, strings with
/// one-character escapes, and literals / numbers kept as text. Throws on malformed input so a
/// broken data file fails loudly.
struct Json {
  std::string text;  ///< a string's value, or a literal / number as written
  std::vector<Json> items;
  // Object members as two parallel vectors: std::pair<std::string, Json> would
  // need Json complete here, which libc++/clang rejects.
  std::vector<std::string> member_names;
  std::vector<Json> member_values;

  const Json& operator[](std::string_view key) const {
    for (std::size_t i = 0; i < member_names.size(); ++i) {
      if (member_names[i] == key) return member_values[i];
    }
    throw std::out_of_range("JSON key not found: " + std::string(key));
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view input) : input_(input) {}

  Json read_document() {
    Json value = read_value();
    skip_space();
    if (pos_ != input_.size()) fail("trailing characters");
    return value;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("JSON: " + what + " at offset " + std::to_string(pos_));
  }
  void skip_space() {
    while (pos_ < input_.size() &&
           std::string_view(" \t\r\n").find(input_[pos_]) != std::string_view::npos)
      ++pos_;
  }
  char peek() {
    skip_space();
    if (pos_ >= input_.size()) fail("unexpected end");
    return input_[pos_];
  }
  void expect(char c) {
    if (peek() != c) fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  Json read_value() {
    Json value;
    const char c = peek();
    if (c == '{') {
      ++pos_;
      if (peek() == '}') return ++pos_, value;
      do {
        std::string name = read_string();
        expect(':');
        value.member_names.push_back(std::move(name));
        value.member_values.push_back(read_value());
      } while (peek() == ',' && ++pos_);
      expect('}');
    } else if (c == '[') {
      ++pos_;
      if (peek() == ']') return ++pos_, value;
      do {
        value.items.push_back(read_value());
      } while (peek() == ',' && ++pos_);
      expect(']');
    } else if (c == '"') {
      value.text = read_string();
    } else {
      const std::size_t start = pos_;
      while (pos_ < input_.size() &&
             std::string_view(",]} \t\r\n").find(input_[pos_]) == std::string_view::npos)
        ++pos_;
      if (pos_ == start) fail("expected a value");
      value.text = std::string(input_.substr(start, pos_ - start));
    }
    return value;
  }

  std::string read_string() {
    expect('"');
    std::string out;
    while (true) {
      if (pos_ >= input_.size()) fail("unterminated string");
      const char c = input_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= input_.size()) fail("unterminated escape");
      // The data file needs only the one-character escapes; \uXXXX fails loudly.
      constexpr std::string_view kEscaped = "\"\\/bfnrt";
      constexpr std::string_view kMeaning = "\"\\/\b\f\n\r\t";
      const std::size_t which = kEscaped.find(input_[pos_++]);
      if (which == std::string_view::npos) fail("unsupported escape");
      out.push_back(kMeaning[which]);
    }
  }

  std::string_view input_;
  std::size_t pos_ = 0;
};

}  // namespace

TEST_CASE("sigv4 suite: all 34 cases are found, none twice", "[sigv4]") {
  const std::vector<SuiteCase> cases = find_suite_cases();
  REQUIRE(cases.size() == 34);
  std::set<std::string> names;
  for (const SuiteCase& suite_case : cases) names.insert(suite_case.name);
  CHECK(names.size() == 34);
  for (const auto& [name, uri] : kS3VerbatimUris) CHECK(names.count(name) == 1);
}

TEST_CASE("sigv4 suite: generic normalization matches every case", "[sigv4]") {
  for (const SuiteCase& suite_case : find_suite_cases()) {
    INFO("case " << suite_case.name);
    const SignedRequest signed_request = sign_suite_case(suite_case, PathNormalization::generic);
    CHECK(signed_request.canonical_request == suite_case.file(".creq"));
    CHECK(signed_request.string_to_sign == suite_case.file(".sts"));
    CHECK(signed_request.authorization == suite_case.file(".authz"));
  }
}

TEST_CASE("sigv4 suite: S3 mode keeps the path verbatim, matches everything else", "[sigv4]") {
  int verbatim_cases = 0;
  int matching_cases = 0;
  for (const SuiteCase& suite_case : find_suite_cases()) {
    INFO("case " << suite_case.name);
    const SignedRequest signed_request = sign_suite_case(suite_case, PathNormalization::s3);
    const auto verbatim = kS3VerbatimUris.find(suite_case.name);
    if (verbatim == kS3VerbatimUris.end()) {
      ++matching_cases;
      CHECK(signed_request.canonical_request == suite_case.file(".creq"));
      CHECK(signed_request.string_to_sign == suite_case.file(".sts"));
      CHECK(signed_request.authorization == suite_case.file(".authz"));
      continue;
    }
    ++verbatim_cases;
    // Same canonical request as the suite's except for the URI line.
    std::vector<std::string> expected = split(suite_case.file(".creq"), '\n');
    std::vector<std::string> actual = split(signed_request.canonical_request, '\n');
    REQUIRE(actual.size() == expected.size());
    CHECK(actual[1] == verbatim->second);
    CHECK(actual[1] != expected[1]);
    actual.erase(actual.begin() + 1);
    expected.erase(expected.begin() + 1);
    CHECK(actual == expected);
    CHECK(signed_request.string_to_sign != suite_case.file(".sts"));
    CHECK(signed_request.authorization != suite_case.file(".authz"));
  }
  CHECK(verbatim_cases == 6);
  CHECK(matching_cases == 28);
}

TEST_CASE("sigv4 suite: session token from credentials is added and signed", "[sigv4]") {
  for (const SuiteCase& suite_case : find_suite_cases()) {
    if (suite_case.name != "get-vanilla-with-session-token") continue;
    const SignedRequest signed_request = sign_suite_case(suite_case, PathNormalization::s3);
    REQUIRE(signed_request.headers_to_add.size() == 2);
    CHECK(signed_request.headers_to_add[0].name == "X-Amz-Security-Token");
    CHECK(signed_request.headers_to_add[0].value ==
          "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267");
    CHECK(signed_request.headers_to_add[1].name == "Authorization");
    CHECK(signed_request.headers_to_add[1].value == suite_case.file(".authz"));
  }
}

TEST_CASE("sigv4 S3 doc examples: canonical request, string to sign, signature", "[sigv4]") {
  const Json doc = JsonReader(read_text(kSigV4DataDir / "s3-doc-examples.json")).read_document();
  const Credentials credentials{doc["access_key_id"].text, doc["secret_access_key"].text, ""};
  SigningParams params;
  params.region = doc["region"].text;
  params.service = doc["service"].text;
  params.time = time_from_amz_date(doc["amz_date"].text);
  params.normalization = PathNormalization::s3;
  params.add_content_sha256_header = true;

  REQUIRE(doc["examples"].items.size() == 4);
  for (const Json& example : doc["examples"].items) {
    INFO("example " << example["name"].text);
    SigningRequest request;
    request.method = example["method"].text;
    request.path = example["path"].text;
    request.query = parse_query(example["query"].text);
    for (const Json& header : example["headers"].items) {
      request.headers.push_back({header.items.at(0).text, header.items.at(1).text});
    }
    request.payload_hash = caios::sha256_hex(example["payload"].text);
    CHECK(request.payload_hash == example["payload_hash"].text);

    const SignedRequest signed_request = caios::sign_v4(request, credentials, params);
    CHECK(signed_request.canonical_request == example["canonical_request"].text);
    CHECK(signed_request.string_to_sign == example["string_to_sign"].text);
    CHECK(signed_request.signature == example["signature"].text);
    // The doc prints no space after the commas; AWS accepts both.
    std::string authorization = signed_request.authorization;
    for (std::size_t at; (at = authorization.find(", ")) != std::string::npos;)
      authorization.erase(at + 1, 1);
    CHECK(authorization == example["authorization"].text);
    // x-amz-date and x-amz-content-sha256 are already in the request.
    REQUIRE(signed_request.headers_to_add.size() == 1);
    CHECK(signed_request.headers_to_add[0].name == "Authorization");
    CHECK(signed_request.headers_to_add[0].value == signed_request.authorization);
  }
}
