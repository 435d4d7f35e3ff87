// Redaction of secrets in trace lines. The rules are structural (header names, query
// parameters, JSON members) plus a literal search for the caller's known secrets, which catches
// them wherever the structure is unfamiliar.
#include "http/redact.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace hyperoru::http {

namespace {

// Secrets shorter than this are not searched for literally: a password like "abc" would turn
// every "abc" in the trace into <redacted>, making it unreadable, and the pattern of
// replacements would itself give the secret away. The structural rules still hide them.
constexpr std::size_t k_min_secret_length = 4;

constexpr std::array<std::string_view, 4> k_secret_headers = {"authorization", "proxy-authorization",
                                                              "cookie", "set-cookie"};
constexpr std::array<std::string_view, 4> k_secret_params = {"session_token", "token", "password", "api_key"};
constexpr std::array<std::string_view, 5> k_secret_members = {"password", "session_token", "token", "api_key",
                                                              "llm_api_key"};

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(),
                                                   [](char a, char b) { return lower(a) == lower(b); });
}

// `name` (any case) at the start of `s`, immediately followed by `next`.
bool starts_with_name(std::string_view s, std::string_view name, char next) {
    return istarts_with(s, name) && s.size() > name.size() && s[name.size()] == next;
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

// The secret header name at the start of `s` when it is followed by ':', else empty.
std::string_view secret_header_at(std::string_view s) {
    for (const auto name : k_secret_headers) {
        if (starts_with_name(s, name, ':')) return name;
    }
    return {};
}

bool is_auth_header(std::string_view name) {
    return name.ends_with("authorization");
}

// Replaces the header value in line[start, end). For the two authorization headers a "Bearer"
// or "Basic" scheme stays visible: which scheme was sent helps debugging and is no secret.
void redact_value(std::string& line, std::size_t start, std::size_t end, bool is_auth) {
    while (start < end && is_space(line[start])) ++start;
    if (is_auth) {
        for (const std::string_view scheme : {"bearer", "basic"}) {
            const std::string_view rest = std::string_view{line}.substr(start, end - start);
            if (istarts_with(rest, scheme) && rest.size() > scheme.size() && is_space(rest[scheme.size()])) {
                start += scheme.size();
                while (start < end && is_space(line[start])) ++start;
                break;
            }
        }
    }
    if (start < end) line.replace(start, end - start, k_redacted);
}

// "Authorization: ...", possibly behind curl's verbose markers ("> ", "< ", "* ").
void redact_header_line(std::string& line) {
    std::size_t pos = 0;
    while (pos < line.size() &&
           (line[pos] == '>' || line[pos] == '<' || line[pos] == '*' || is_space(line[pos]))) {
        ++pos;
    }
    const std::string_view name = secret_header_at(std::string_view{line}.substr(pos));
    if (name.empty()) return;
    redact_value(line, pos + name.size() + 1, line.size(), is_auth_header(name));
}

// curl's HTTP/2 and HTTP/3 info lines: "[HTTP/2] [1] [authorization: Bearer abc]". The value
// runs to the last ']' so that a ']' inside a cookie cannot end it early.
void redact_bracketed_headers(std::string& line) {
    for (auto pos = line.find('['); pos != std::string::npos; pos = line.find('[', pos + 1)) {
        const std::string_view name = secret_header_at(std::string_view{line}.substr(pos + 1));
        if (name.empty()) continue;
        const std::size_t start = pos + 1 + name.size() + 1;
        const std::size_t close = line.rfind(']');
        const std::size_t end = close == std::string::npos || close < start ? line.size() : close;
        redact_value(line, start, end, is_auth_header(name));
        return;  // everything up to the closing bracket is already hidden
    }
}

// "?session_token=abc&x=1" and form bodies. The name must start a parameter, so "token="
// inside "session_token=" or "csrf_token=" is not matched on its own. ']' also ends the value
// because a valid query never contains it raw and HTTP/2 info lines close with it.
void redact_query_params(std::string& line) {
    for (std::size_t pos = 0; pos < line.size(); ++pos) {
        if (pos > 0 && is_name_char(line[pos - 1])) continue;
        for (const auto name : k_secret_params) {
            if (!starts_with_name(std::string_view{line}.substr(pos), name, '=')) continue;
            const std::size_t start = pos + name.size() + 1;
            const std::size_t end = line.find_first_of("& \t#\"]", start);
            const std::size_t stop = end == std::string::npos ? line.size() : end;
            if (stop > start) line.replace(start, stop - start, k_redacted);
            pos = start;
            break;
        }
    }
}

// "password": "abc" → "password": "<redacted>". Escaped quotes inside the value are skipped;
// an unterminated value (a line cut short) is hidden to the end of the line.
void redact_json_members(std::string& line) {
    for (auto pos = line.find('"'); pos != std::string::npos; pos = line.find('"', pos + 1)) {
        for (const auto name : k_secret_members) {
            if (!starts_with_name(std::string_view{line}.substr(pos + 1), name, '"')) continue;
            std::size_t i = pos + 1 + name.size() + 1;
            while (i < line.size() && is_space(line[i])) ++i;
            if (i >= line.size() || line[i] != ':') break;
            ++i;
            while (i < line.size() && is_space(line[i])) ++i;
            if (i >= line.size() || line[i] != '"') break;
            const std::size_t start = i + 1;
            std::size_t end = start;
            while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2u : 1u;
            end = std::min(end, line.size());
            line.replace(start, end - start, k_redacted);
            pos = start + std::string_view{k_redacted}.size();
            break;
        }
    }
}

bool is_unreserved(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view s, const char* hex) {
    std::string out;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (is_unreserved(b)) {
            out += c;
        } else {
            out += '%';
            out += hex[b >> 4];
            out += hex[b & 0x0F];
        }
    }
    return out;
}

char short_escape(char c) {
    switch (c) {
        case '\b': return 'b';
        case '\f': return 'f';
        case '\n': return 'n';
        case '\r': return 'r';
        case '\t': return 't';
        default: return 0;
    }
}

// The form a secret takes inside a JSON string literal, escaped the way nlohmann/json (and so
// this client's own request bodies) escapes it.
std::string json_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (const char e = short_escape(c); e != 0) {
            out += '\\';
            out += e;
        } else if (b < 0x20) {
            constexpr const char* hex = "0123456789abcdef";
            out += "\\u00";
            out += hex[b >> 4];
            out += hex[b & 0x0F];
        } else {
            out += c;
        }
    }
    return out;
}

// Every spelling of every secret, longest first, so that a secret containing another is
// replaced whole rather than leaving its remainder visible.
std::vector<std::string> secret_patterns(const std::vector<std::string>& secrets) {
    std::vector<std::string> patterns;
    for (const auto& secret : secrets) {
        if (secret.size() < k_min_secret_length) continue;
        patterns.push_back(secret);
        patterns.push_back(percent_encode(secret, "0123456789ABCDEF"));
        patterns.push_back(percent_encode(secret, "0123456789abcdef"));
        patterns.push_back(json_escape(secret));
    }
    std::sort(patterns.begin(), patterns.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    patterns.erase(std::unique(patterns.begin(), patterns.end()), patterns.end());
    return patterns;
}

// One left-to-right pass, so text already replaced is never matched again.
void redact_secrets(std::string& line, const std::vector<std::string>& patterns) {
    if (patterns.empty()) return;
    std::string out;
    for (std::size_t pos = 0; pos < line.size();) {
        const auto hit = std::find_if(patterns.begin(), patterns.end(), [&](const std::string& p) {
            return std::string_view{line}.substr(pos).starts_with(p);
        });
        if (hit == patterns.end()) {
            out += line[pos++];
        } else {
            out += k_redacted;
            pos += hit->size();
        }
    }
    line = std::move(out);
}

std::string redact_content(std::string_view content, const std::vector<std::string>& patterns) {
    std::string line{content};
    redact_header_line(line);
    redact_bracketed_headers(line);
    redact_query_params(line);
    redact_json_members(line);
    redact_secrets(line, patterns);
    return line;
}

}  // namespace

std::string redact_line(std::string_view line, const std::vector<std::string>& secrets) {
    const std::vector<std::string> patterns = secret_patterns(secrets);
    // curl hands over a whole header block in one call; each line in it is redacted on its own
    // so that a header rule never reaches past its line. Line endings are kept byte for byte.
    std::string out;
    while (!line.empty()) {
        const std::size_t newline = line.find('\n');
        std::string_view segment =
            line.substr(0, newline == std::string_view::npos ? line.size() : newline + 1);
        line.remove_prefix(segment.size());
        std::size_t ending = 0;
        if (segment.ends_with('\n')) ++ending;
        if (segment.substr(0, segment.size() - ending).ends_with('\r')) ++ending;
        out += redact_content(segment.substr(0, segment.size() - ending), patterns);
        out += segment.substr(segment.size() - ending);
    }
    return out;
}

}  // namespace hyperoru::http
