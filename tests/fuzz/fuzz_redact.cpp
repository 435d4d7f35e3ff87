// The trace redactor (src/http/redact.hpp): every verbose line passes through redact_line, and a
// secret must not survive it in any spelling the redactor promises to catch.
// Properties, for a fuzz-chosen secret injected into a fuzz-chosen line, alone and inside the
// structures a trace carries it in (Authorization and Cookie headers, HTTP/2 info lines,
// session_token= parameters, JSON members), next to a second secret:
//  - the output holds neither secret verbatim, percent-encoded with upper- or lower-case hex
//    (redact.hpp), or JSON-escaped the way nlohmann/json escapes it (redact.cpp);
//  - line endings are kept: the output has as many '\n' as the input;
//  - a spelling of a secret alone on a line is replaced whole, even when the other secret is a
//    part of it (longest first: no remainder stays visible).
// The secret is 8 to 64 bytes without '<' or '>' (so that "<redacted>" next to surviving text
// cannot spell it) and without CR or LF (redact_line works line by line; a secret never
// contains a line break: tokens with CR/LF are refused, passwords are read as one line).
// Input: a length byte; a byte choosing the second secret (a fixed one, the secret plus 4 more
// bytes taken after it, or the secret's first half); the secret; then the line: bytes 0xF7-0xFF
// inject a form of the secret, every other byte is copied.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "http/redact.hpp"

namespace {

// The usual second secret, so that several patterns compete (longest first, one pass).
const std::string k_other_secret = "tok_SECRET_abc/+=";

std::string percent_encoded(std::string_view s, const char* hex) {
    std::string out;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        const bool unreserved = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                                b == '-' || b == '.' || b == '_' || b == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += hex[b >> 4];
            out += hex[b & 0x0F];
        }
    }
    return out;
}

// nlohmann/json's dump() escaping with ensure_ascii off (what the client's request bodies use).
std::string json_escaped(std::string_view s) {
    std::string out;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (b < 0x20) {
                    out += "\\u00";
                    out += "0123456789abcdef"[b >> 4];
                    out += "0123456789abcdef"[b & 0x0F];
                } else {
                    out += c;
                }
        }
    }
    return out;
}

std::array<std::string, 4> spellings(const std::string& secret) {
    return {secret, percent_encoded(secret, "0123456789ABCDEF"), percent_encoded(secret, "0123456789abcdef"),
            json_escaped(secret)};
}

// The places a trace line carries a secret; [i] is injected by byte 0xF7 + i.
std::string injected(unsigned form, const std::string& secret) {
    const auto forms = spellings(secret);
    switch (form) {
        case 0: return forms[0];
        case 1: return forms[1];
        case 2: return forms[2];
        case 3: return forms[3];
        case 4: return "\r\n> Authorization: Bearer " + forms[0] + "\r\n";
        case 5: return "GET /api/ws?session_token=" + forms[1] + "&x=1 HTTP/1.1";
        case 6: return "{\"password\": \"" + forms[3] + "\", \"email\": \"a@b.c\"}";
        case 7: return "[HTTP/2] [1] [authorization: Bearer " + forms[0] + "]";
        default: return "\n< Set-Cookie: sid=" + forms[2] + "; Path=/\n";
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hyperoru::fuzz::Bytes in(data, size);
    const std::size_t length = 8 + in.byte() % 57;
    const unsigned relation = in.byte() % 3u;
    const std::string secret(in.take(length));
    if (secret.size() < length) return 0;
    std::string other = k_other_secret;
    if (relation == 1) other = secret + std::string(in.take(4));        // extends the secret
    if (relation == 2) other = secret.substr(0, 4 + (length - 4) / 2);  // starts the secret
    const std::vector<std::string> secrets = {secret, other};
    for (const std::string& s : secrets) {
        if (s.find_first_of("<>\r\n") != std::string::npos) return 0;
        for (const std::string& spelling : spellings(s)) {
            if (std::string_view(hyperoru::http::k_redacted).find(spelling) != std::string_view::npos)
                return 0;
        }
    }

    std::string line;
    while (!in.rest().empty()) {
        const std::uint8_t b = in.byte();
        if (b >= 0xF7) {
            line += injected(b - 0xF7u, secret);
        } else {
            line += static_cast<char>(b);
        }
    }

    const std::string out = hyperoru::http::redact_line(line, secrets);
    for (const std::string& s : secrets) {
        for (const std::string& spelling : spellings(s)) FUZZ_CHECK(out.find(spelling) == std::string::npos);
    }
    const auto newlines = [](const std::string& s) { return std::count(s.begin(), s.end(), '\n'); };
    FUZZ_CHECK(newlines(out) == newlines(line));

    // A spelling alone, where no structural rule applies, is replaced whole, even when another
    // secret is a part of it: no remainder of it stays visible.
    for (const std::string& s : secrets) {
        for (const std::string& spelling : spellings(s)) {
            if (hyperoru::http::redact_line(spelling) != spelling) continue;
            FUZZ_CHECK(hyperoru::http::redact_line(spelling, secrets) == hyperoru::http::k_redacted);
        }
    }
    return 0;
}
