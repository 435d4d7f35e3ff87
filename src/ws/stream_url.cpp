// The WebSocket URL derived from the REST base URL (§1.1, §3.1). No Beast here.
#include "hyperoru/client.hpp"
#include "hyperoru/ws.hpp"

namespace hyperoru::ws {

std::string stream_url(std::string_view base_url, const std::optional<std::string>& token) {
    std::string url(base_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (url.starts_with("https://")) {
        url = "wss://" + url.substr(8);
    } else if (url.starts_with("http://")) {
        url = "ws://" + url.substr(7);
    }
    url += "/ws";
    if (token) url += "?session_token=" + percent_encode(*token);
    return url;
}

}  // namespace hyperoru::ws
