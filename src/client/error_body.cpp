// The tolerant error-body reader (§1.8). Error bodies come from the API, from FastAPI-style
// frameworks and from proxies in front of them, so nothing about their shape is trusted.
#include "hyperoru/errors.hpp"

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace hyperoru {

namespace {

using nlohmann::json;

// Enough for any real error body; deeper documents are read as plain text, which keeps the
// recursive dump() of `details` away from stack exhaustion.
constexpr int k_max_depth = 64;

// Long enough to recognise a proxy page, short enough for one terminal line or two.
constexpr std::size_t k_max_shown_bytes = 300;

json parse_object(std::string_view body) {
    bool too_deep = false;
    const json::parser_callback_t limit_depth = [&too_deep](int depth, json::parse_event_t, json&) {
        if (depth > k_max_depth) too_deep = true;
        return !too_deep;
    };
    json doc = json::parse(body, limit_depth, false);
    if (too_deep || doc.is_discarded() || !doc.is_object()) return json{};
    return doc;
}

std::string compact(const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Empty strings are skipped so that the message is never empty.
const std::string* non_empty_string(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_string()) return nullptr;
    const auto& s = it->get_ref<const std::string&>();
    return s.empty() ? nullptr : &s;
}

std::string render_loc(const json& loc) {
    if (loc.is_string()) return loc.get<std::string>();
    if (!loc.is_array()) return compact(loc);
    std::string out;
    for (const auto& part : loc) {
        if (!out.empty()) out += '.';
        out += part.is_string() ? part.get<std::string>() : compact(part);
    }
    return out;
}

// One FastAPI validation item: "body.name: field required". An item the reader does not
// recognise is shown as compact JSON rather than dropped, so no server text is lost.
std::string render_detail_item(const json& item) {
    if (item.is_string()) return item.get<std::string>();
    if (item.is_object()) {
        const std::string* msg = non_empty_string(item, "msg");
        if (msg) {
            const auto loc = item.find("loc");
            const std::string where = loc == item.end() || loc->is_null() ? "" : render_loc(*loc);
            return where.empty() ? *msg : where + ": " + *msg;
        }
    }
    return compact(item);
}

std::string message_from(const json& object) {
    if (object.is_null()) return {};
    if (const auto* error = non_empty_string(object, "error")) return *error;
    if (const auto* message = non_empty_string(object, "message")) return *message;
    if (const auto* detail = non_empty_string(object, "detail")) return *detail;
    const auto detail = object.find("detail");
    if (detail == object.end() || !detail->is_array()) return {};
    std::string out;
    for (const auto& item : *detail) {
        if (!out.empty()) out += "; ";
        out += render_detail_item(item);
    }
    return out;
}

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 if it is not one
// (overlong forms, surrogates and code points above U+10FFFF included, per Unicode table 3-7).
std::size_t utf8_length(std::string_view s) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF)
        len = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        len = 3;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        len = 4;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (s.size() < len || byte(1) < lo || byte(1) > hi) return 0;
    for (std::size_t i = 2; i < len; ++i) {
        if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
    }
    return len;
}

// C0 controls, DEL and the C1 controls (U+0080..U+009F, which include the CSI a terminal
// would act on) become spaces, as does ordinary whitespace, so runs collapse to one space.
bool is_blank(std::string_view ch) {
    const auto b = static_cast<unsigned char>(ch[0]);
    if (ch.size() == 1) return b <= 0x20 || b == 0x7F;
    return ch.size() == 2 && b == 0xC2 && static_cast<unsigned char>(ch[1]) <= 0x9F;
}

// The body as one printable line. Stops reading once the limit is passed, so a 64 MiB proxy
// page costs no more than a short one.
std::string printable(std::string_view body) {
    std::string out;
    bool pending_space = false;
    for (std::size_t i = 0; i < body.size();) {
        const std::size_t len = utf8_length(body.substr(i));
        const std::string_view ch = len == 0 ? std::string_view{"?"} : body.substr(i, len);
        i += len == 0 ? 1 : len;
        if (is_blank(ch)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) {
            if (out.size() + 1 > k_max_shown_bytes) return out + "...";
            out += ' ';
            pending_space = false;
        }
        if (out.size() + ch.size() > k_max_shown_bytes) return out + "...";
        out += ch;
    }
    return out;
}

std::string fallback_message(long status, std::string_view reason, std::string_view body) {
    // Status 0: an error that came without HTTP (an SSE error event, a task's error object).
    std::string out =
        status == 0 ? std::string("the server reported an error") : "HTTP " + std::to_string(status);
    const std::string shown_reason = printable(reason);
    if (!shown_reason.empty()) out += ' ' + shown_reason;
    const std::string shown_body = printable(body);
    if (!shown_body.empty()) out += ": " + shown_body;
    return out;
}

}  // namespace

ErrorBody read_error_body(long status, std::string_view reason, std::string_view body) {
    const json object = parse_object(body);
    ErrorBody result;
    result.message = message_from(object);
    if (result.message.empty()) result.message = fallback_message(status, reason, body);
    if (object.is_null()) return result;

    if (const auto code = object.find("code"); code != object.end()) {
        if (code->is_string())
            result.code = code->get<std::string>();
        else if (code->is_number_integer())
            result.code = compact(*code);
    }
    if (const auto id = object.find("request_id"); id != object.end() && id->is_string()) {
        result.request_id = id->get<std::string>();
    }
    const auto details = object.find("details");
    if (details != object.end() && !details->is_null()) result.details = compact(*details);
    return result;
}

}  // namespace hyperoru
