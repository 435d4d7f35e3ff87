// Server-Sent Events per the WHATWG framing rules, with the contract's (§4) additions: the kind
// may come from the JSON data, "[DONE]" ends the stream, and finish() drops a final event that the
// server did not close with a blank line, as standard SSE does: a stream cut mid-event must not
// show the fragment as if it were the end of the answer.
#include "hyperoru/sse.hpp"

#include <utility>

#include <nlohmann/json.hpp>

namespace hyperoru {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";
constexpr std::string_view k_done_data = "[DONE]";

// Never throws: a server may send any text as data, and a bad payload must not end the stream.
nlohmann::json parse_object(const std::string& data) {
    nlohmann::json value = nlohmann::json::parse(data, nullptr, false);
    if (!value.is_object()) return nlohmann::json{};
    return value;
}

std::string kind_of(const std::string& event_field, const std::string& data) {
    if (!event_field.empty()) return event_field;
    const nlohmann::json object = parse_object(data);
    for (const char* key : {"type", "event"}) {
        const auto it = object.find(key);
        if (it != object.end() && it->is_string()) return it->get<std::string>();
    }
    return "message";
}

}  // namespace

SseReader::SseReader(Handler on_event) : m_on_event(std::move(on_event)) {}

void SseReader::feed(std::string_view bytes) {
    // The BOM may itself arrive split; its bytes wait in m_line until they match or stop matching.
    while (!m_started && !bytes.empty()) {
        if (bytes.front() != k_bom[m_line.size()]) {
            m_started = true;  // not a BOM: what was held is ordinary line content
            break;
        }
        m_line.push_back(bytes.front());
        bytes.remove_prefix(1);
        if (m_line.size() == k_bom.size()) {
            m_line.clear();
            m_started = true;
        }
    }
    while (!bytes.empty()) {
        if (m_after_cr) {
            m_after_cr = false;
            // The LF of a CRLF split across reads: the line already ended at the CR.
            if (bytes.front() == '\n') {
                bytes.remove_prefix(1);
                continue;
            }
        }
        const std::size_t end = bytes.find_first_of("\r\n");
        if (end == std::string_view::npos) {
            m_line.append(bytes);
            return;
        }
        m_line.append(bytes.substr(0, end));
        m_after_cr = bytes[end] == '\r';
        bytes.remove_prefix(end + 1);
        // Moved out first, so a handler that throws leaves the reader in a consistent state.
        const std::string text = std::exchange(m_line, {});
        line(text);
    }
}

void SseReader::finish() {
    m_after_cr = false;
    m_started = true;
    m_line.clear();
    m_event.clear();
    m_data.clear();
    m_has_data = false;
}

void SseReader::line(std::string_view text) {
    if (text.empty()) {
        dispatch();
        return;
    }
    if (text.front() == ':') return;  // comment: a keep-alive
    std::string_view field = text;
    std::string_view value;
    if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
        field = text.substr(0, colon);
        value = text.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "event") {
        m_event = value;
    } else if (field == "data") {
        if (m_has_data) m_data.push_back('\n');
        m_data.append(value);
        m_has_data = true;
    }
    // id, retry and unknown fields: ignored, since the client never reconnects (§4).
}

void SseReader::dispatch() {
    // Per the spec an event without data is not dispatched, and its event field is forgotten.
    const std::string event_field = std::exchange(m_event, {});
    std::string data = std::exchange(m_data, {});
    if (!std::exchange(m_has_data, false)) return;

    SseEvent event;
    event.done = data == k_done_data;
    event.kind = event.done ? "done" : kind_of(event_field, data);
    event.done = event.done || event.kind == "done";
    event.data = std::move(data);
    m_on_event(event);
}

std::optional<std::string> sse_token_text(const SseEvent& event) {
    const nlohmann::json object = parse_object(event.data);
    for (const char* key : {"content", "text", "token", "delta"}) {
        const auto it = object.find(key);
        if (it != object.end() && it->is_string()) return it->get<std::string>();
    }
    return std::nullopt;
}

}  // namespace hyperoru
