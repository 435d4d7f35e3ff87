#pragma once
// Server-Sent Events reader for the Hyper AI chat stream (contract §4). Fed with bytes as they
// arrive from the network, in pieces of any size (an event, a line or even a UTF-8 sequence may
// be split across reads); hands out complete events.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace hyperoru {

struct SseEvent {
    /// `event:` field; else a string `type` or `event` key of the JSON data; else "message".
    /// "done" when the data is exactly "[DONE]", whatever the event field says.
    std::string kind;
    std::string data;   ///< the `data:` lines joined with '\n'; may be empty ("data" alone)
    bool done = false;  ///< kind "done", or data exactly "[DONE]": the terminal event of a turn
};

class SseReader {
public:
    using Handler = std::function<void(const SseEvent&)>;
    explicit SseReader(Handler on_event);

    /// Consumes the next bytes of the stream. Lines end with "\n", "\r\n" or "\r" (a "\r" at
    /// the very end of a chunk may be followed by "\n" in the next). Comment lines (":"...), `id:`
    /// and `retry:` are ignored; "field:value" and "field: value" (one space removed) are both
    /// accepted; a blank line dispatches the event if it has data. The UTF-8 BOM at the start of
    /// the stream is skipped.
    void feed(std::string_view bytes);

    /// End of stream: an event not yet ended by a blank line is dropped, as standard SSE says
    /// (a cut stream must not show a fragment). The reader is then empty; no handler call.
    void finish();

    /// Bytes held for an incomplete line; bounded by the caller's response cap.
    /// (Not thread-safe: one reader belongs to one stream and its thread.)
    std::size_t buffered() const noexcept { return m_line.size(); }

private:
    void line(std::string_view text);
    void dispatch();  // moves the pending event out before calling the handler: it may throw

    Handler m_on_event;
    std::string m_line;
    std::string m_event;
    std::string m_data;
    bool m_has_data = false;  // a data field was seen: "data" alone still makes an event
    bool m_after_cr = false;  // the last chunk ended in CR: an LF starting the next is the same end
    bool m_started = false;   // past the optional BOM; until then m_line holds a BOM prefix
};

/// The text of a token event per §4: the first string among `content`, `text`, `token` and
/// `delta` in the event's JSON object; nullopt when the data is not such an object.
std::optional<std::string> sse_token_text(const SseEvent& event);

}  // namespace hyperoru
