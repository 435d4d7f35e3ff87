#pragma once
// URL helpers used by the client: origin comparison for redirects and base-URL checks.
#include <optional>
#include <string>
#include <string_view>

namespace hyperoru::http {

struct Origin {
    std::string scheme;  ///< lower case, "http" or "https"
    std::string host;    ///< lower case
    int port = 0;        ///< explicit or the scheme's default
    bool operator==(const Origin&) const = default;
};

/// The origin of an absolute http(s) URL; nullopt for anything else.
std::optional<Origin> origin_of(std::string_view url);

/// Resolves a Location header value against the URL it answered: absolute URLs as is,
/// "/path" against the origin, other relative forms against the request path's directory.
std::string resolve_location(std::string_view request_url, std::string_view location);

}  // namespace hyperoru::http
