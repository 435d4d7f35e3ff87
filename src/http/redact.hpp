#pragma once
// Redaction of secrets in verbose trace lines. Every line the HTTP layer writes to the trace goes
// through redact_line first, whatever channel it came from (request/response headers, info text,
// HTTP/2 pseudo-header lines such as "[HTTP/2] [1] [authorization: Bearer ...]").
#include <string>
#include <string_view>
#include <vector>

namespace hyperoru::http {

inline constexpr const char* k_redacted = "<redacted>";

/// Returns `line` with secrets replaced by k_redacted:
/// - the value of Authorization, Proxy-Authorization, Cookie and Set-Cookie headers (case-
///   insensitive name, also inside HTTP/2 "[name: value]" info lines); for "Bearer X" and
///   "Basic X" the scheme word is kept: "Authorization: Bearer <redacted>";
/// - the value of session_token=, token=, password= and api_key= parameters in URLs and query
///   strings (up to the next '&', whitespace, '#', '"' or end);
/// - JSON members "password", "session_token", "token", "api_key", "llm_api_key" with string
///   values ("password":"<redacted>");
/// - every occurrence of each string in `secrets` of 4 bytes or more (shorter ones would
///   blank out ordinary text), verbatim and in its percent-encoded form (both upper- and
///   lower-case hex), case-sensitively. Lines are redacted one at a time, so a secret that
///   itself contains CR or LF is only found within a line.
std::string redact_line(std::string_view line, const std::vector<std::string>& secrets = {});

}  // namespace hyperoru::http
