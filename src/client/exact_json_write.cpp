// Exact JSON printing: writes the model back with each number's original lexeme, indented,
// compact or as NDJSON, masking secret members; and the request-body ObjectWriter.
#include "hyperoru/exact_json.hpp"

#include <algorithm>
#include <ostream>
#include <string>

#include "client/exact_json_detail.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::json {

using detail::print;
using detail::put_quoted;
using detail::Sink;

// ---------------------------------------------------------------------------------------------
// Printing

namespace {

/// Length of the well-formed UTF-8 sequence starting at `p` (2 to 4), or 0 if it is not one.
std::size_t utf8_sequence(const char* p, const char* end) {
    const auto at = [&](std::size_t i) { return static_cast<unsigned char>(p[i]); };
    const auto avail = static_cast<std::size_t>(end - p);
    const unsigned char b0 = at(0);
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (avail < n || at(1) < lo || at(1) > hi) return 0;
    for (std::size_t i = 2; i < n; ++i) {
        if (at(i) < 0x80 || at(i) > 0xBF) return 0;
    }
    return n;
}

}  // namespace

void detail::put_quoted(Sink& sink, std::string_view text) {
    static constexpr char k_hex[] = "0123456789abcdef";
    sink.put('"');
    const char* const end = text.data() + text.size();
    const char* run = text.data();
    const char* p = run;
    while (p != end) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            ++p;
            continue;
        }
        std::size_t n = 0;
        if (c >= 0x80 && (n = utf8_sequence(p, end)) != 0) {
            p += n;
            continue;
        }
        sink.put(std::string_view(run, static_cast<std::size_t>(p - run)));
        switch (c) {
            case '"': sink.put("\\\""); break;
            case '\\': sink.put("\\\\"); break;
            case '\b': sink.put("\\b"); break;
            case '\f': sink.put("\\f"); break;
            case '\n': sink.put("\\n"); break;
            case '\r': sink.put("\\r"); break;
            case '\t': sink.put("\\t"); break;
            default:
                if (c < 0x20) {
                    const char esc[] = {'\\', 'u', '0', '0', k_hex[c >> 4], k_hex[c & 0xF]};
                    sink.put(std::string_view(esc, sizeof esc));
                } else {
                    sink.put("\xEF\xBF\xBD");
                }
        }
        run = ++p;
    }
    sink.put(std::string_view(run, static_cast<std::size_t>(p - run)));
    sink.put('"');
}

bool detail::is_mask_key(std::string_view key, const std::vector<std::string>& mask_keys) {
    return std::find(mask_keys.begin(), mask_keys.end(), key) != mask_keys.end();
}

namespace {

bool masked(const std::string& key, const Value& value, const std::vector<std::string>& mask_keys) {
    return value.is_string() && !value.text().empty() && detail::is_mask_key(key, mask_keys);
}

}  // namespace

// Iterative (an explicit stack instead of recursion), so the printer's stack use does not grow
// with the document's depth.
void detail::print(Sink& sink, const Value& root, bool pretty, const std::vector<std::string>& mask_keys,
                   std::size_t base) {
    struct Frame {
        const Value* container;
        std::size_t next;
    };
    std::vector<Frame> stack;
    const auto put_value = [&](const Value& v) {
        switch (v.kind()) {
            case Value::Kind::string: put_quoted(sink, v.text()); break;
            case Value::Kind::array:
                if (v.items().empty()) {
                    sink.put("[]");
                } else {
                    sink.put('[');
                    stack.push_back({&v, 0});
                }
                break;
            case Value::Kind::object:
                if (v.members().empty()) {
                    sink.put("{}");
                } else {
                    sink.put('{');
                    stack.push_back({&v, 0});
                }
                break;
            default: sink.put(v.text()); break;  // null, boolean, number: text is the JSON
        }
    };
    put_value(root);
    while (!stack.empty()) {
        const Value& container = *stack.back().container;
        const std::size_t index = stack.back().next++;  // before put_value may grow `stack`
        const bool is_array = container.is_array();
        const std::size_t size = is_array ? container.items().size() : container.members().size();
        if (index == size) {
            stack.pop_back();
            if (pretty) sink.indent(base + stack.size());
            sink.put(is_array ? ']' : '}');
            continue;
        }
        if (index > 0) sink.put(',');
        if (pretty) sink.indent(base + stack.size());
        if (is_array) {
            put_value(container.items()[index]);
            continue;
        }
        const auto& [key, value] = container.members()[index];
        put_quoted(sink, key);
        sink.put(pretty ? std::string_view(": ") : std::string_view(":"));
        if (!mask_keys.empty() && masked(key, value, mask_keys)) {
            sink.put(k_mask);
        } else {
            put_value(value);
        }
    }
}

const std::vector<std::string>& default_mask_keys() {
    static const std::vector<std::string> keys = {"api_key", "llm_api_key", "session_token"};
    return keys;
}

void write(std::ostream& out, const Value& value, const PrintOptions& options) {
    Sink sink(&out);
    print(sink, value, options.pretty, options.mask_keys);
    sink.flush();
}

std::string to_string(const Value& value, const PrintOptions& options) {
    Sink sink(nullptr);
    print(sink, value, options.pretty, options.mask_keys);
    return sink.take();
}

void write_ndjson(std::ostream& out, const Value& value, const std::vector<std::string>& mask_keys) {
    Sink sink(&out);
    if (value.is_array()) {
        for (const Value& item : value.items()) {
            print(sink, item, false, mask_keys);
            sink.put('\n');
        }
    } else {
        print(sink, value, false, mask_keys);
        sink.put('\n');
    }
    sink.flush();
}

std::string quote(std::string_view s) {
    Sink sink(nullptr);
    put_quoted(sink, s);
    return sink.take();
}

// ---------------------------------------------------------------------------------------------
// ObjectWriter

namespace {

void set_member(std::vector<std::pair<std::string, std::string>>& members, std::string_view key,
                std::string text) {
    for (auto& [name, existing] : members) {
        if (name == key) {
            existing = std::move(text);
            return;
        }
    }
    members.emplace_back(std::string(key), std::move(text));
}

}  // namespace

ObjectWriter& ObjectWriter::add_string(std::string_view key, std::string_view value) {
    set_member(m_members, key, quote(value));
    return *this;
}

ObjectWriter& ObjectWriter::add_json(std::string_view key, std::string_view json_text) {
    try {
        return add_value(key, parse(json_text));
    } catch (const DecodeError& e) {
        throw UsageError("value of \"" + std::string(key) + "\" is not valid JSON: " + e.what());
    }
}

ObjectWriter& ObjectWriter::add_value(std::string_view key, const Value& value) {
    set_member(m_members, key, to_string(value, PrintOptions{false, {}}));
    return *this;
}

bool ObjectWriter::has(std::string_view key) const {
    return std::any_of(m_members.begin(), m_members.end(),
                       [&](const auto& member) { return member.first == key; });
}

std::string ObjectWriter::str() const {
    std::string out = "{";
    for (const auto& [key, text] : m_members) {
        if (out.size() > 1) out += ',';
        out.append(quote(key)).append(":").append(text);
    }
    return out + '}';
}

}  // namespace hyperoru::json
