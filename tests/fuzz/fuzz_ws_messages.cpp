// WebSocket message handling, end to end: the CLI runs in-process (tests/support/cli_fixture.hpp)
// against the in-memory WebSocket server, which plays the fuzzer's messages on one connection.
// Each input runs `watch` and `ws request` twice: off a terminal (JSON) and on one (readable).
// Properties:
//  - watch, JSON: stdout is one line per text message, in order: the message as compact JSON with
//    its secrets masked, or a message that is not JSON as a JSON string;
//    all of them up to the last update when the stream stops at --count (exit 0; a reply to
//    watch's own subscribe, request_id "1", is printed but not counted), else a prefix, ended by a
//    rejected token (exit 4) or a lost connection (exit 9); a binary frame is only a note on stderr;
//  - watch, terminal: one line per printed message, and neither stdout nor the error line on
//    stderr can drive the terminal: valid UTF-8 without C0 controls (other than the line feeds
//    ending lines), DEL, C1 controls or bidi controls (src/cli/table.hpp);
//  - ws request: exits 0 with one JSON document (JSON) or clean text (terminal), or with a
//    documented error code (1 error reply, 4 rejected, 9 timeout or lost connection).
// Input: messages separated by '\n' (or by 0xFF when the input starts with 0xFF). A message
// starting with 0x01 is a close frame (next byte: code, rest: reason), 0x02 a dropped connection,
// 0x03 a binary frame.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "hyperoru/exact_json.hpp"
#include "support/cli_fixture.hpp"

namespace {

using hyperoru::test::Cli;
using hyperoru::test::WsStep;

constexpr std::size_t k_max_steps = 64;
constexpr std::array<int, 6> k_close_codes = {1000, 1001, 1008, 1011, 4401, 4403};

struct Script {
    std::deque<WsStep> steps;
    std::vector<std::string> texts;       // the text messages, in order
    std::size_t texts_before_end = 0;     // text messages before the first close or drop
    std::size_t updates = 0;              // text messages that are not replies to watch's subscribe
    std::size_t through_last_update = 0;  // text messages up to and including the last update
};

/// A reply to the one request watch sends (subscribe, request_id "1"), which --count skips.
bool is_subscribe_reply(const std::string& text) {
    namespace json = hyperoru::json;
    if (!json::is_valid(text)) return false;
    const json::Value value = json::parse(text);
    const json::Value* id = value.find("request_id");
    return id != nullptr && (id->is_string() || id->is_number()) && id->text() == "1";
}

Script script_of(std::string_view input) {
    char separator = '\n';
    if (input.starts_with('\xFF')) {
        separator = '\xFF';
        input.remove_prefix(1);
    }
    Script script;
    bool ended = false;
    while (!input.empty() && script.steps.size() < k_max_steps) {
        const std::size_t end = input.find(separator);
        const std::string_view item = input.substr(0, end);
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
        if (item.starts_with('\x01')) {
            const auto code = item.size() > 1 ? static_cast<unsigned char>(item[1]) : 0u;
            script.steps.push_back(WsStep::close(k_close_codes[code % k_close_codes.size()],
                                                 std::string(item.substr(item.size() > 1 ? 2 : 1))));
            ended = true;
        } else if (item.starts_with('\x02')) {
            script.steps.push_back(WsStep::drop());
            ended = true;
        } else if (item.starts_with('\x03')) {
            script.steps.push_back(WsStep::binary(item.size()));
        } else {
            script.steps.push_back(WsStep::message(std::string(item)));
            script.texts.emplace_back(item);
            if (!ended) ++script.texts_before_end;
            if (!is_subscribe_reply(script.texts.back())) {
                ++script.updates;
                script.through_last_update = script.texts.size();
            }
        }
    }
    return script;
}

// One harness for all inputs: a temporary config directory per input would cost more than the run.
Cli& cli() {
    static Cli instance;
    static const bool ready = [] {
        instance.env["HYPERORU_TOKEN"] = "tok_fuzz_ws";
        return true;
    }();
    (void)ready;
    return instance;
}

int run(const Script& script, bool tty, const std::vector<std::string>& args) {
    Cli& c = cli();
    c.ws.attempts.clear();
    c.ws.connections.clear();
    c.ws.connects = 0;
    c.clock.sleeps.clear();  // the clock records every wait; a long fuzzing run must not pile them up
    c.ws.open(script.steps);
    c.stdout_tty = tty;
    return c.run(args);
}

/// Text a terminal shows without acting on it: valid UTF-8, no control other than '\n', no C1
/// control (U+0080-U+009F), no bidi control (U+202A-U+202E, U+2066-U+2069).
bool is_terminal_safe(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = hyperoru::fuzz::utf8_length(s.substr(i));
        if (n == 0) return false;
        const auto c0 = static_cast<unsigned char>(s[i]);
        const auto c1 = n > 1 ? static_cast<unsigned char>(s[i + 1]) : 0u;
        const auto c2 = n > 2 ? static_cast<unsigned char>(s[i + 2]) : 0u;
        if (n == 1 && ((c0 < 0x20 && c0 != '\n') || c0 == 0x7F)) return false;
        if (n == 2 && c0 == 0xC2 && c1 <= 0x9F) return false;
        if (n == 3 && c0 == 0xE2 && c1 == 0x80 && c2 >= 0xAA && c2 <= 0xAE) return false;
        if (n == 3 && c0 == 0xE2 && c1 == 0x81 && c2 >= 0xA6 && c2 <= 0xA9) return false;
        i += n;
    }
    return true;
}

/// The "hyperoru: error: " lines of stderr. Of watch's stderr only those are checked: its
/// reconnect notices ("hyperoru: connection lost: closed by the server (1011 <reason>) ...")
/// still carry the server's close reason unsanitised (corpus/ws_messages/close.txt shows it).
/// `ws request` writes no notices, so all of its stderr is checked.
std::string error_lines(const std::string& err) {
    std::string out;
    for (std::size_t start = 0; start < err.size();) {
        const std::size_t end = err.find('\n', start);
        const std::size_t stop = end == std::string::npos ? err.size() : end + 1;
        const std::string_view line = std::string_view(err).substr(start, stop - start);
        if (line.starts_with("hyperoru: error: ")) out += line;
        start = stop;
    }
    return out;
}

void check_watch(const Script& script, bool tty) {
    const std::size_t count = std::max<std::size_t>(script.updates, 1);
    const int code = run(script, tty, {"watch", "--count", std::to_string(count), "--max-reconnects", "1"});
    const Cli& c = cli();
    FUZZ_CHECK(code == 0 || code == 4 || code == 9);
    FUZZ_CHECK(c.ws.connections.size() == 1);
    std::size_t printed = 0;
    if (tty) {
        FUZZ_CHECK(is_terminal_safe(c.out));
        for (const char ch : c.out) printed += ch == '\n' ? 1 : 0;
        FUZZ_CHECK(c.out.empty() || c.out.back() == '\n');
    } else {
        // Off a terminal: one line per message, each one JSON text: the message printed compactly
        // with its secrets masked, or, when it is not JSON, as a JSON string.
        namespace json = hyperoru::json;
        std::string expected;
        while (expected.size() < c.out.size() && printed < script.texts.size()) {
            const std::string& text = script.texts[printed++];
            expected +=
                json::is_valid(text)
                    ? json::to_string(json::parse(text), json::PrintOptions{false, json::default_mask_keys()})
                    : json::quote(text);
            expected += '\n';
        }
        FUZZ_CHECK(c.out == expected);
        FUZZ_CHECK(std::count(c.out.begin(), c.out.end(), '\n') == static_cast<std::ptrdiff_t>(printed));
    }
    if (code == 0) {
        FUZZ_CHECK(script.updates > 0 && printed == script.through_last_update &&
                   printed <= script.texts_before_end);
        FUZZ_CHECK(c.ws.connections[0].close_code == 1000);
    } else {
        FUZZ_CHECK(printed <= script.texts_before_end);
    }
    FUZZ_CHECK(is_terminal_safe(error_lines(c.err)));
}

void check_request(const Script& script, bool tty) {
    const int code = run(script, tty, {"ws", "request", "get_snapshot", "--timeout", "1"});
    const Cli& c = cli();
    FUZZ_CHECK(code == 0 || code == 1 || code == 4 || code == 9);
    FUZZ_CHECK(c.ws.connections.size() == 1);
    if (code == 0 && !tty) {
        FUZZ_CHECK(c.out.ends_with('\n'));
        FUZZ_CHECK(hyperoru::json::is_valid(c.out));
    }
    if (code != 0) FUZZ_CHECK(c.out.empty());
    if (tty) FUZZ_CHECK(is_terminal_safe(c.out));
    FUZZ_CHECK(is_terminal_safe(c.err));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Script script = script_of(std::string_view(reinterpret_cast<const char*>(data), size));
    for (const bool tty : {false, true}) {
        check_watch(script, tty);
        check_request(script, tty);
    }
    return 0;
}
