// Element lookups by local name in S3 XML. See xml_reader.hpp.
#include "xml_reader.hpp"

namespace caios::xml_reader {
namespace {

// Default options plus parse_ws_pcdata_single: a key made only of spaces
// (`<Key>  </Key>`) is a valid S3 key and must not vanish, while indentation
// between elements (which has siblings) is still dropped.
constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

}  // namespace

pugi::xml_parse_result load(pugi::xml_document& document, std::string_view body) {
  return document.load_buffer(body.data(), body.size(), kParseOptions);
}

// S3 declares a default namespace (no prefix), but an S3-compatible server or
// a proxy may use a prefix; the name is what matters.
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

// A key may be split into text and CDATA pieces, which child_value() would
// cut at the first one.
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

// The <ErrorResponse> wrapper is the AWS query-protocol form that some
// S3-compatible stores use.
pugi::xml_node error_element(pugi::xml_node root) {
  if (local_name(root) == "Error") return root;
  if (local_name(root) == "ErrorResponse") return child_element(root, "Error");
  return {};
}

}  // namespace caios::xml_reader
