// The tolerant error-body reader (src/error_body.hpp): error bodies come from the API, from
// frameworks and from proxies, so any bytes at all may arrive with any status.
// Properties (each one documented in error_body.hpp / errors.hpp):
//  - it never throws, and the message is never empty;
//  - details, when set, is compact JSON;
//  - a body that is not a JSON object gives the fallback message "HTTP <status> <reason>" then
//    ": " and the body made printable: no control characters (C0, DEL, C1), no runs of spaces,
//    trimmed, valid UTF-8, at most 300 bytes plus "..." when cut.
// Input: two bytes choose the status, one byte the reason phrase, the rest is the body.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_check.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace {

using hyperoru::fuzz::Bytes;

struct Reason {
    std::string_view sent;   // the status line's reason phrase
    std::string_view shown;  // how the fallback message shows it
};

// Reasons as servers and proxies send them, including ones that need cleaning.
constexpr std::array<Reason, 6> k_reasons = {{
    {"", ""},
    {"Internal Server Error", "Internal Server Error"},
    {"Bad Gateway", "Bad Gateway"},
    {"  Too  Many\tRequests ", "Too Many Requests"},
    {"Evil\x1b[2J\r\nX-Injected: 1", "Evil [2J X-Injected: 1"},
    {"\xc2\x9b"
     "31m \xe2\x80\xae",
     "31m \xe2\x80\xae"},
}};

// Printable per the header: valid UTF-8 without C0, DEL or C1 controls, single spaces, trimmed.
// Text cut at 300 bytes may end in the space before the cut: trimming comes before cutting.
bool is_printable_line(std::string_view s, bool cut) {
    if (s.starts_with(' ') || (!cut && s.ends_with(' ')) || s.find("  ") != std::string_view::npos) {
        return false;
    }
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = hyperoru::fuzz::utf8_length(s.substr(i));
        if (n == 0) return false;
        const auto c = static_cast<unsigned char>(s[i]);
        if (n == 1 && (c < 0x20 || c == 0x7F)) return false;
        if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) <= 0x9F) return false;
        i += n;
    }
    return true;
}

// True when the header promises the fallback: the body is not a JSON object.
bool is_not_an_object(std::string_view body) {
    if (!nlohmann::json::accept(body)) return true;
    if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // nlohmann skips a leading BOM
    const std::size_t first = body.find_first_not_of(" \t\r\n");
    return first == std::string_view::npos || body[first] != '{';
}

void check_fallback(const std::string& message, long status, const Reason& reason) {
    std::string prefix = "HTTP " + std::to_string(status);
    if (!reason.shown.empty()) prefix += " " + std::string(reason.shown);
    FUZZ_CHECK(message.starts_with(prefix));
    if (message.size() == prefix.size()) return;
    FUZZ_CHECK(message.compare(prefix.size(), 2, ": ") == 0);
    std::string_view shown = std::string_view(message).substr(prefix.size() + 2);
    FUZZ_CHECK(!shown.empty());
    const bool cut = shown.size() > 300;
    if (cut) {
        FUZZ_CHECK(shown.ends_with("..."));
        shown.remove_suffix(3);
        FUZZ_CHECK(shown.size() <= 300);
    }
    FUZZ_CHECK(is_printable_line(shown, cut));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Bytes in(data, size);
    const int high = in.byte();
    const long status = 100 + (high * 256 + in.byte()) % 500;
    const Reason& reason = k_reasons[in.byte() % k_reasons.size()];
    const std::string_view body = in.rest();

    const hyperoru::ErrorBody result = hyperoru::read_error_body(status, reason.sent, body);
    FUZZ_CHECK(!result.message.empty());
    if (result.details) FUZZ_CHECK(hyperoru::json::is_valid(*result.details));
    if (is_not_an_object(body)) {
        check_fallback(result.message, status, reason);
        FUZZ_CHECK(!result.code && !result.request_id && !result.details);
    }
    return 0;
}
