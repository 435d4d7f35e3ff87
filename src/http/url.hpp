#pragma once
// URL helpers used by the client for redirects (Origin and origin_of are public: hyperoru/http.hpp).
#include <string>
#include <string_view>

#include "hyperoru/http.hpp"

namespace hyperoru::http {

/// Resolves a Location header value against the URL it answered: absolute URLs as is,
/// "/path" against the origin, other relative forms against the request path's directory.
std::string resolve_location(std::string_view request_url, std::string_view location);

}  // namespace hyperoru::http
