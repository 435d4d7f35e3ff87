// The SSE reader (contract §4): framing, line endings, and that the way the network happens to cut
// the bytes never changes the events a user sees.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "hyperoru/sse.hpp"

using hyperoru::SseEvent;
using hyperoru::SseReader;

namespace {

// One line per event, so a mismatch shows exactly which event differs and how.
std::string describe(const SseEvent& e) {
    return e.kind + (e.done ? " done " : " ") + "[" + e.data + "]";
}

std::vector<std::string> read_chunks(const std::vector<std::string>& chunks, bool finish = true) {
    std::vector<std::string> events;
    SseReader reader([&](const SseEvent& e) { events.push_back(describe(e)); });
    for (const auto& chunk : chunks) reader.feed(chunk);
    if (finish) reader.finish();
    return events;
}

std::vector<std::string> read_whole(const std::string& stream, bool finish = true) {
    return read_chunks({stream}, finish);
}

std::vector<std::string> read_bytewise(const std::string& stream, bool finish = true) {
    std::vector<std::string> chunks;
    for (char c : stream) chunks.emplace_back(1, c);
    return read_chunks(chunks, finish);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

// A chat turn as the server sends it: keep-alives, every documented kind, a kind carried only in
// the JSON, and two- and three-byte UTF-8 characters that byte-wise feeding cuts in half.
const std::string k_chat =
    ": keep-alive\n"
    "event: status\n"
    "data: {\"conversation_id\": 42}\n"
    "\n"
    "event: token\n"
    "data: {\"content\": \"Caf\"}\n"
    "\n"
    ": ping\n"
    "event: token\n"
    "data: {\"content\": \"\xC3\xA9 costs 5 \xE2\x82\xAC\"}\n"
    "\n"
    "data: {\"type\": \"token\", \"delta\": \"!\"}\n"
    "\n"
    "id: 3\n"
    "retry: 1000\n"
    "event: tool_call\n"
    "data: {\"name\": \"get_price\",\n"
    "data:  \"arguments\": {\"symbol\": \"BTC\"}}\n"
    "\n"
    "event: error\n"
    "data: {\"error\": \"rate limited\"}\n"
    "\n"
    "event: done\n"
    "data: [DONE]\n"
    "\n";

const std::vector<std::string> k_chat_events = {
    "status [{\"conversation_id\": 42}]",
    "token [{\"content\": \"Caf\"}]",
    "token [{\"content\": \"\xC3\xA9 costs 5 \xE2\x82\xAC\"}]",
    "token [{\"type\": \"token\", \"delta\": \"!\"}]",
    "tool_call [{\"name\": \"get_price\",\n \"arguments\": {\"symbol\": \"BTC\"}}]",
    "error [{\"error\": \"rate limited\"}]",
    "done done [[DONE]]",
};

}  // namespace

TEST_CASE("sse: a chat stream gives the same events however the bytes are cut", "[sse]") {
    CHECK(read_whole(k_chat) == k_chat_events);
    CHECK(read_whole(k_chat, false) == k_chat_events);  // every event was closed by a blank line
    CHECK(read_bytewise(k_chat) == k_chat_events);
    for (std::size_t cut = 0; cut <= k_chat.size(); ++cut) {
        INFO("cut at byte " << cut);
        REQUIRE(read_chunks({k_chat.substr(0, cut), k_chat.substr(cut)}) == k_chat_events);
    }
}

TEST_CASE("sse: token text is reassembled intact from UTF-8 split across reads", "[sse]") {
    std::string text;
    SseReader reader([&](const SseEvent& e) {
        if (e.kind == "token") text += hyperoru::sse_token_text(e).value_or("<none>");
    });
    for (char c : k_chat) reader.feed(std::string_view(&c, 1));
    CHECK(text == "Caf\xC3\xA9 costs 5 \xE2\x82\xAC!");
}

TEST_CASE("sse: CRLF and lone CR line endings read like LF", "[sse]") {
    const std::string crlf = replace_all(k_chat, "\n", "\r\n");
    const std::string cr = replace_all(k_chat, "\n", "\r");
    CHECK(read_whole(crlf) == k_chat_events);
    CHECK(read_bytewise(crlf) == k_chat_events);
    CHECK(read_whole(cr) == k_chat_events);
    CHECK(read_bytewise(cr) == k_chat_events);
    CHECK(read_whole("data: a\ndata: b\r\ndata: c\rdata: d\n\r\n") ==
          std::vector<std::string>{"message [a\nb\nc\nd]"});
}

TEST_CASE("sse: a CR ending one read and an LF starting the next are one line end", "[sse]") {
    // Were the LF a second line end, the blank line would dispatch "a" alone.
    CHECK(read_chunks({"data: a\r", "\ndata: b\r", "\n\r", "\n"}, false) ==
          std::vector<std::string>{"message [a\nb]"});
    // A CR then another CR is two line ends: the second is the blank line.
    CHECK(read_chunks({"data: a\r", "\r", "data: b\r", "\r"}, false) ==
          std::vector<std::string>{"message [a]", "message [b]"});
}

TEST_CASE("sse: a UTF-8 BOM at the start is skipped, even split across reads", "[sse]") {
    const std::string stream =
        "\xEF\xBB\xBF"
        "data: x\n\n";
    const std::vector<std::string> expected{"message [x]"};
    CHECK(read_whole(stream) == expected);
    CHECK(read_bytewise(stream) == expected);
    CHECK(read_chunks({"\xEF",
                       "\xBB\xBF"
                       "da",
                       "ta: x\n\n"}) == expected);
    // Only one BOM, only at the start: anything else is part of the field name, an unknown field.
    CHECK(read_whole("\xEF\xBB\xBF\xEF\xBB\xBF"
                     "data: x\n\n")
              .empty());
    CHECK(read_whole("\xEF\xBB"
                     "data: x\n\n")
              .empty());
    CHECK(read_whole("data: y\n\n\xEF\xBB\xBF"
                     "data: x\n\n") == std::vector<std::string>{"message [y]"});
}

TEST_CASE("sse: comments, id and retry are ignored, also inside an event", "[sse]") {
    CHECK(read_whole(": ping\n\n:\n\n: ping\n").empty());
    CHECK(read_whole("data: a\n: ping\nid: 9\nretry: 5\ndata: b\n\n") ==
          std::vector<std::string>{"message [a\nb]"});
    CHECK(read_whole("id\nretry\nunknown: 1\n\n").empty());
}

TEST_CASE("sse: finish drops an event the stream ended before its blank line", "[sse]") {
    CHECK(read_whole("event: done\ndata: [DONE]", false).empty());
    CHECK(read_whole("event: done\ndata: [DONE]").empty());
    CHECK(read_whole("data: {\"content\": \"end\"}\n").empty());
    CHECK(read_whole("data: a\r").empty());
    CHECK(read_whole("data: a\n\ndata: b").size() == 1);
    CHECK(read_whole("").empty());

    int calls = 0;
    SseReader reader([&](const SseEvent&) { ++calls; });
    reader.feed("data: x");
    CHECK(reader.buffered() == 7);
    reader.finish();
    reader.finish();
    CHECK(calls == 0);
    CHECK(reader.buffered() == 0);
    reader.feed("data: y\n\n");  // usable again, from a clean state
    CHECK(calls == 1);
}

TEST_CASE("sse: empty data lines and a bare data field carry empty values", "[sse]") {
    CHECK(read_whole("data:\n\n") == std::vector<std::string>{"message []"});
    CHECK(read_whole("data\n\n") == std::vector<std::string>{"message []"});
    CHECK(read_whole("data: a\ndata:\ndata\ndata: b\n\n") == std::vector<std::string>{"message [a\n\n\nb]"});
    CHECK(read_whole("data: \n\n") == std::vector<std::string>{"message []"});
    // A blank line without data dispatches nothing and forgets the event field.
    CHECK(read_whole("event: status\n\ndata: x\n\n\n\n") == std::vector<std::string>{"message [x]"});
}

TEST_CASE("sse: one space after the colon is removed, no more", "[sse]") {
    CHECK(read_whole("data:x\n\n") == read_whole("data: x\n\n"));
    CHECK(read_whole("data:x\n\n") == std::vector<std::string>{"message [x]"});
    CHECK(read_whole("data:  x\n\n") == std::vector<std::string>{"message [ x]"});
    CHECK(read_whole("data: a: b\n\n") == std::vector<std::string>{"message [a: b]"});
    CHECK(read_whole("event:token\ndata:1\n\n") == read_whole("event: token\ndata: 1\n\n"));
    CHECK(read_whole("event:token\ndata:1\n\n") == std::vector<std::string>{"token [1]"});
    CHECK(read_whole("Data: x\n\n").empty());  // field names are case-sensitive
}

TEST_CASE("sse: the kind comes from the event field, else the JSON type or event key", "[sse]") {
    CHECK(read_whole("event: status\ndata: {\"type\": \"token\"}\n\n") ==
          std::vector<std::string>{"status [{\"type\": \"token\"}]"});
    CHECK(read_whole("data: {\"event\": \"tool_call\"}\n\n") ==
          std::vector<std::string>{"tool_call [{\"event\": \"tool_call\"}]"});
    CHECK(read_whole("data: {\"event\": \"a\", \"type\": \"b\"}\n\n")[0].substr(0, 2) == "b ");
    CHECK(read_whole("data: {\"type\": 7, \"event\": \"error\"}\n\n")[0].substr(0, 6) == "error ");
    CHECK(read_whole("data: {\"type\": null}\n\n")[0].substr(0, 8) == "message ");
    CHECK(read_whole("data: {\"type\": \"done\"}\n\n") ==
          std::vector<std::string>{"done done [{\"type\": \"done\"}]"});
    CHECK(read_whole("data: [\"type\"]\n\n")[0].substr(0, 8) == "message ");
    CHECK(read_whole("data: {not json\n\n") == std::vector<std::string>{"message [{not json]"});
    CHECK(read_whole("event:\ndata: x\n\n") == std::vector<std::string>{"message [x]"});
    CHECK(read_whole("event: a\nevent: b\ndata: x\n\n") == std::vector<std::string>{"b [x]"});
}

TEST_CASE("sse: data exactly [DONE] is done whatever the event field says", "[sse]") {
    CHECK(read_whole("data: [DONE]\n\n") == std::vector<std::string>{"done done [[DONE]]"});
    CHECK(read_whole("event: token\ndata: [DONE]\n\n") == std::vector<std::string>{"done done [[DONE]]"});
    CHECK(read_whole("event: done\ndata: {}\n\n") == std::vector<std::string>{"done done [{}]"});
    CHECK(read_whole("data: [DONE] \n\n") == std::vector<std::string>{"message [[DONE] ]"});
    CHECK(read_whole("data: [DONE]\ndata: x\n\n") == std::vector<std::string>{"message [[DONE]\nx]"});
}

TEST_CASE("sse: token text is the first string among content, text, token, delta", "[sse]") {
    const auto text = [](const std::string& data) {
        return hyperoru::sse_token_text(SseEvent{"token", data});
    };
    CHECK(text(R"({"delta": "d", "token": "t", "text": "x", "content": "c"})") == "c");
    CHECK(text(R"({"content": null, "text": 5, "token": "t", "delta": "d"})") == "t");
    CHECK(text(R"({"delta": ""})") == "");
    CHECK(text(R"({"content": {"text": "nested"}})") == std::nullopt);
    CHECK(text(R"({"message": "m"})") == std::nullopt);
    CHECK(text(R"(["content", "c"])") == std::nullopt);
    CHECK(text(R"("content")") == std::nullopt);
    CHECK(text("[DONE]") == std::nullopt);
    CHECK(text("") == std::nullopt);
    CHECK(text("{\"content\": \"caf\xC3\xA9\"") == std::nullopt);  // truncated JSON
}

TEST_CASE("sse: a handler that throws leaves the reader usable", "[sse]") {
    std::vector<std::string> events;
    SseReader reader([&](const SseEvent& e) {
        if (e.data == "boom") throw std::runtime_error("stop");
        events.push_back(describe(e));
    });
    CHECK_THROWS_AS(reader.feed("event: error\ndata: boom\n\ndata: half"), std::runtime_error);
    reader.feed("data: next\n\n");
    reader.finish();
    CHECK(events == std::vector<std::string>{"message [next]"});
}
