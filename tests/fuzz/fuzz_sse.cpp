// The Server-Sent Events reader (src/sse.hpp), fed the way the network delivers bytes: in pieces
// of any size, cutting lines, CRLF pairs, the BOM and UTF-8 sequences anywhere.
// Properties:
//  - the events (kind, data, done) are the same whether the stream arrives whole, byte by byte
//    or in fuzz-chosen pieces (empty pieces included), and when every line ending ("\r\n",
//    "\r" or "\n") is written as "\n";
//  - each event is consistent with the header: done exactly when the kind is "done" or the data
//    is "[DONE]" (then the kind is "done"), and data never holds a CR (CR ends a line);
//  - finish() drops an unterminated event without a handler call, and leaves the reader empty.
// Input: the first byte is how many of the next bytes are piece sizes (up to 16); the rest is the
// stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "hyperoru/sse.hpp"

namespace {

using hyperoru::SseEvent;
using hyperoru::SseReader;

struct Seen {
    std::string kind;
    std::string data;
    bool done;
    bool operator==(const Seen&) const = default;
};

std::vector<Seen> read(const std::vector<std::string_view>& pieces) {
    std::vector<Seen> events;
    SseReader reader([&](const SseEvent& e) {
        FUZZ_CHECK(e.done == (e.kind == "done" || e.data == "[DONE]"));
        if (e.data == "[DONE]") FUZZ_CHECK(e.kind == "done");
        FUZZ_CHECK(e.data.find('\r') == std::string::npos);
        events.push_back({e.kind, e.data, e.done});
    });
    for (const auto piece : pieces) reader.feed(piece);
    const std::size_t before_finish = events.size();
    reader.finish();
    FUZZ_CHECK(events.size() == before_finish);
    FUZZ_CHECK(reader.buffered() == 0);
    return events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hyperoru::fuzz::Bytes in(data, size);
    std::vector<std::size_t> sizes(in.byte() % 17);
    for (auto& s : sizes) s = in.byte() % 32;  // 0: an empty read
    const std::string_view stream = in.rest();

    const std::vector<Seen> whole = read({stream});

    std::vector<std::string_view> bytewise;
    for (std::size_t i = 0; i < stream.size(); ++i) bytewise.push_back(stream.substr(i, 1));
    FUZZ_CHECK(read(bytewise) == whole);

    // The chosen sizes, cycled until the stream is used up (a run of zeros ends in one big piece).
    std::vector<std::string_view> pieces;
    std::string_view rest = stream;
    for (std::size_t i = 0, zeros = 0; !rest.empty(); ++i) {
        const std::size_t n = sizes.empty() ? rest.size() : sizes[i % sizes.size()];
        zeros = n == 0 ? zeros + 1 : 0;
        const std::size_t take = zeros > sizes.size() ? rest.size() : n;
        pieces.push_back(rest.substr(0, take));
        rest.remove_prefix(pieces.back().size());
    }
    FUZZ_CHECK(read(pieces) == whole);

    // "\r\n", "\r" and "\n" all end a line: with every line ending written as "\n", nothing changes.
    std::string normalized;
    for (std::size_t i = 0; i < stream.size(); ++i) {
        if (stream[i] != '\r') {
            normalized += stream[i];
        } else if (i + 1 == stream.size() || stream[i + 1] != '\n') {
            normalized += '\n';
        }
    }
    FUZZ_CHECK(read({normalized}) == whole);
    return 0;
}
