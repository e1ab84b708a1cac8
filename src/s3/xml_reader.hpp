// Private to src/s3/: looking up elements in the XML that S3 sends, shared by
// the ListObjectsV2 parser (list_objects.cpp) and the <Error> parser
// (s3_error.cpp).
//
// Real S3 XML is loose (tests/data/s3-xml/README.md): element order differs
// between S3 flavours, documentation examples are indented, <Prefix/> and
// <Prefix></Prefix> both occur, and the namespace may or may not be declared.
// So elements are looked up by local name among all children, never by
// position.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

namespace caios::xml_reader {

/// Parse `body` with the options S3 bodies need (see xml_reader.cpp).
pugi::xml_parse_result load(pugi::xml_document& document, std::string_view body);

/// "s3:Key" -> "Key": the element name without its namespace prefix.
std::string_view local_name(pugi::xml_node node);

/// The first child element of `parent` named `name` (any prefix); null when none.
pugi::xml_node child_element(pugi::xml_node parent, std::string_view name);

/// All character data directly inside `node` (text and CDATA pieces joined).
std::string text_of(pugi::xml_node node);

/// text_of(child_element(parent, name)): "" when the child is absent.
std::string child_text(pugi::xml_node parent, std::string_view name);

/// The <Error> element of an error document: `root` itself (S3), or the one
/// inside an <ErrorResponse> wrapper; null when `root` is neither.
pugi::xml_node error_element(pugi::xml_node root);

}  // namespace caios::xml_reader
