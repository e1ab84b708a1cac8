// Fuzz target: parse_list_objects_v2 and decode_form_url (s3/list_objects.hpp)
// on any bytes, as a server or a proxy in between could send them.
// Property: no crash and no sanitizer report; every Error has operation
// "ListObjectsV2"; a truncated page has a continuation token unless the body
// is a V1 one (it has <Marker>); the keys and prefixes of a page, decoded,
// have no more bytes together than the body (each comes from its own part of
// it, and decoding only shrinks); decode_form_url never grows its input and
// leaves text without '%' and '+' as it is.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caios2dfs/s3/list_objects.hpp"
#include "fuzz_support.hpp"

using namespace caios;

namespace {

void check_page(std::string_view body, const ListPage& page) {
  fuzz::check(!page.is_truncated || !page.next_continuation_token.empty() ||
                  body.find("Marker") != std::string_view::npos,
              "a truncated V2 page has a NextContinuationToken");
  std::size_t decoded_bytes = 0;
  for (const ObjectEntry& entry : page.objects) decoded_bytes += entry.key.size();
  for (const std::string& prefix : page.common_prefixes) decoded_bytes += prefix.size();
  fuzz::check(decoded_bytes <= body.size(), "keys and prefixes are no longer than the body");
}

void check_decode_form_url(std::string_view text) {
  const std::string decoded = decode_form_url(text);
  fuzz::check(decoded.size() <= text.size(), "decode_form_url never grows its input");
  if (text.find_first_of("%+") == std::string_view::npos) {
    fuzz::check(decoded == text, "decode_form_url keeps text without '%' and '+'");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body = fuzz::as_text(data, size);
  const Result<ListPage> page = parse_list_objects_v2(body);
  if (page.ok()) {
    check_page(body, page.value());
  } else {
    fuzz::check(page.error().operation == "ListObjectsV2", "listing errors have operation ListObjectsV2");
  }
  check_decode_form_url(body);
  return 0;
}
