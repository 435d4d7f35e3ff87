#include "http/url.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace hyperoru::http {

namespace {
std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// The authority of scheme://authority/path?query#fragment (userinfo included); nullopt without
/// "://".
std::optional<std::string_view> authority_of(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const std::string_view rest = url.substr(scheme_end + 3);
    return rest.substr(0, rest.find_first_of("/?#"));
}
}  // namespace

bool has_userinfo(std::string_view url) {
    const auto authority = authority_of(url);
    return authority && authority->find('@') != std::string_view::npos;
}

std::optional<Origin> origin_of(std::string_view url) {
    const auto authority = authority_of(url);
    if (!authority) return std::nullopt;
    Origin origin;
    origin.scheme = lower(url.substr(0, url.find("://")));
    if (origin.scheme != "http" && origin.scheme != "https") return std::nullopt;
    std::string_view rest = *authority;
    // Userinfo is never part of the origin; a URL carrying it is still compared by host.
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
    std::string_view host = rest;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {  // IPv6 literal
        const auto close = rest.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        host = rest.substr(0, close + 1);
        if (close + 1 < rest.size()) {
            if (rest[close + 1] != ':') return std::nullopt;
            port_text = rest.substr(close + 2);
        }
    } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        port_text = rest.substr(colon + 1);
    }
    if (host.empty()) return std::nullopt;
    origin.host = lower(host);
    origin.port = origin.scheme == "https" ? 443 : 80;
    if (!port_text.empty()) {
        int port = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port <= 0 || port > 65535) {
            return std::nullopt;
        }
        origin.port = port;
    }
    return origin;
}

bool is_loopback_host(std::string_view host) {
    const std::string name = lower(host);
    if (name == "localhost") return true;
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
        in6_addr v6{};
        if (::inet_pton(AF_INET6, name.substr(1, name.size() - 2).c_str(), &v6) != 1) return false;
        if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
        return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
    }
    in_addr v4{};
    if (::inet_pton(AF_INET, name.c_str(), &v4) != 1) return false;
    return (ntohl(v4.s_addr) >> 24) == 127;
}

std::string resolve_location(std::string_view request_url, std::string_view location) {
    if (location.find("://") != std::string_view::npos) return std::string(location);
    const auto scheme_end = request_url.find("://");
    const auto path_start =
        scheme_end == std::string_view::npos ? std::string_view::npos : request_url.find('/', scheme_end + 3);
    const std::string_view origin_part =
        path_start == std::string_view::npos
            ? request_url.substr(0, request_url.find_first_of(
                                        "?#", scheme_end == std::string_view::npos ? 0 : scheme_end + 3))
            : request_url.substr(0, path_start);
    if (location.starts_with("//")) {
        return std::string(request_url.substr(0, scheme_end)) + ":" + std::string(location);
    }
    if (location.starts_with("/")) return std::string(origin_part) + std::string(location);
    // Relative reference: replace the last path segment of the request URL.
    std::string_view path =
        path_start == std::string_view::npos ? std::string_view("/") : request_url.substr(path_start);
    path = path.substr(0, path.find_first_of("?#"));
    const auto last_slash = path.rfind('/');
    return std::string(origin_part) + std::string(path.substr(0, last_slash + 1)) + std::string(location);
}

}  // namespace hyperoru::http
