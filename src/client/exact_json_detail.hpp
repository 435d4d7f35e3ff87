#pragma once
// Private to the exact JSON files (exact_json_parse.cpp, exact_json_simd.cpp,
// exact_json_write.cpp) and their fuzz target: the output buffer and string escaping every
// printer shares, and the nlohmann/json SAX reader that explains invalid text.
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "hyperoru/exact_json.hpp"

namespace hyperoru::json::detail {

/// Output buffer: collects text and hands it to the stream in large writes (a 30 MB response
/// must not cost one virtual call per character). Without a stream it just accumulates.
class Sink {
public:
    static constexpr std::size_t k_chunk = 64 * 1024;  // bytes buffered before one ostream::write

    explicit Sink(std::ostream* out) : m_out(out) {
        if (m_out != nullptr) m_buf.reserve(k_chunk);
    }
    void put(char c) {
        m_buf.push_back(c);
        if (m_buf.size() >= k_chunk) flush();
    }
    void put(std::string_view s) {
        if (m_out != nullptr && m_buf.size() + s.size() >= k_chunk) {
            flush();
            if (s.size() >= k_chunk) {  // a huge run goes straight through
                m_out->write(s.data(), static_cast<std::streamsize>(s.size()));
                return;
            }
        }
        m_buf.append(s);
    }
    void indent(std::size_t depth) {
        put('\n');
        m_buf.append(2 * depth, ' ');
    }
    void flush() {
        if (m_out == nullptr) return;
        m_out->write(m_buf.data(), static_cast<std::streamsize>(m_buf.size()));
        m_buf.clear();
    }
    std::string take() { return std::move(m_buf); }
    /// A sink without a stream goes on from `text` (take() gives it back, with what was put).
    void resume(std::string&& text) { m_buf = std::move(text); }

private:
    std::ostream* m_out;
    std::string m_buf;
};

/// Writes `text` as a JSON string literal, escaped like nlohmann's dump() with ensure_ascii off.
/// Bytes that are not well-formed UTF-8 (possible only in values built by the program, never in
/// parsed ones) become U+FFFD so that the output is always valid JSON.
void put_quoted(Sink& sink, std::string_view text);

/// Prints `root` as JSON, indented (`pretty`) or compact, masking `mask_keys`; `base` is the
/// depth `root` sits at (its inner lines are indented one more level).
void print(Sink& sink, const Value& root, bool pretty, const std::vector<std::string>& mask_keys,
           std::size_t base = 0);

/// The replacement printed for a masked member's value.
inline constexpr std::string_view k_mask = "\"********\"";

/// Whether `key` is one of `mask_keys`.
bool is_mask_key(std::string_view key, const std::vector<std::string>& mask_keys);

/// Whether `s` matches the JSON number grammar exactly (RFC 8259 section 6).
bool is_json_number(std::string_view s);

/// Bytes of JSON a process reads before the fast reader's library is opened (64 KiB); the
/// tests and the fuzz target set 0 so that it reads everything.
std::size_t& fast_reader_after();

/// Whether the fast reader may be used at all: the tests and the fuzz target turn it off to
/// compare what the reference reader alone does.
bool& fast_reader_enabled();

/// Whether the fast reader's library has been opened (it then reads every text).
bool fast_reader_open();

/// Bytes of a top-level array the fast reader indexes at a time (256 KiB). Tests and the fuzz
/// target shrink it to exercise the cuts between windows on small texts.
std::size_t& window_bytes();

// The reference reader, on nlohmann/json's SAX interface: slower, but it words every error
// ("invalid JSON at byte N (line L, column C): <reason>"). The public functions use the fast
// reader (exact_json_simd.cpp) and hand a text it refuses to these, so that the outcome, the
// output and the message are the reference's whenever the fast reader declines.
Value sax_parse(std::string_view text, const Limits& limits);
bool sax_for_each_item(std::string_view text, const std::function<void(Value&)>& on_item,
                       const Limits& limits);
bool sax_is_valid(std::string_view text, const Limits& limits);

}  // namespace hyperoru::json::detail
