#pragma once
// The contract's tolerant error-body reader (§1.8).
#include <string_view>

#include "hyperoru/errors.hpp"

namespace hyperoru {

/// Reads an error response body.
/// message: `error` if a string; else `message` if a string; else `detail` (a string as is; a
/// list of {loc, msg, type} items as "loc.joined.by.dots: msg", items joined with "; ").
/// code: `code` if a string (a number is kept as its text). request_id: `request_id` if a
/// string. details: compact JSON of `details` when present and not null.
/// When the body is not a JSON object or has none of the message fields: message is
/// "HTTP <status> <reason>" followed by ": " and the body made printable (control characters
/// and newlines collapsed to single spaces, trimmed, cut to 300 bytes at a UTF-8 boundary with
/// "..." appended when longer); an empty body gives just "HTTP <status> <reason>" (the reason
/// omitted when empty). code/request_id are still taken from a JSON object when present.
ErrorBody read_error_body(long status, std::string_view reason, std::string_view body);

}  // namespace hyperoru
