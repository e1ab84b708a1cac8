// The two date formats S3 sends, as ns since the Unix epoch (UTC). Pure.
//  - ISO 8601 / RFC 3339 in XML bodies: <LastModified> of a listing.
//  - RFC 7231 IMF-fixdate in headers: Last-Modified, Retry-After.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace caios {

/// "2009-10-12T17:50:30.000Z" -> ns since the epoch. A fraction of any
/// length (digits past ns ignored) and a "+HH:MM"/"-HH:MM" offset are
/// accepted; a time without a zone is not. Surrounding white space is
/// ignored. nullopt when malformed or outside int64 ns (years 1678..2262).
std::optional<std::int64_t> parse_iso8601_ns(std::string_view text);

/// "Wed, 12 Oct 2009 17:50:30 GMT" (IMF-fixdate only, not the obsolete
/// RFC 850 and asctime forms) -> ns since the epoch; nullopt when malformed.
std::optional<std::int64_t> parse_http_date_ns(std::string_view text);

}  // namespace caios
