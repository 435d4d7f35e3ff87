// Exact JSON: parsing through nlohmann/json's SAX interface into an ordered model that keeps
// number lexemes, and printers that write those lexemes back verbatim.
#include "hyperoru/exact_json.hpp"

#include <algorithm>
#include <charconv>
#include <ostream>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#include "hyperoru/errors.hpp"

namespace hyperoru::json {

// ---------------------------------------------------------------------------------------------
// Value

Value Value::null() { return Value{}; }

Value Value::boolean(bool b) { return scalar(Kind::boolean, b ? "true" : "false"); }

Value Value::number(std::string lexeme) { return scalar(Kind::number, std::move(lexeme)); }

Value Value::string(std::string text) { return scalar(Kind::string, std::move(text)); }

Value Value::array(std::vector<Value> items) {
    Value v = scalar(Kind::array, {});
    v.m_items = std::move(items);
    return v;
}

Value Value::object(std::vector<std::pair<std::string, Value>> members) {
    Value v = scalar(Kind::object, {});
    v.m_members = std::move(members);
    return v;
}

Value Value::scalar(Kind kind, std::string text) {
    Value v;
    v.m_kind = kind;
    v.m_text = std::move(text);
    return v;
}

const Value* Value::find(std::string_view key) const noexcept {
    for (const auto& [name, value] : m_members) {
        if (name == key) return &value;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Parsing

namespace {

using Sax = nlohmann::json_sax<nlohmann::json>;
constexpr auto npos = std::string_view::npos;

// nlohmann's parser rejects numbers whose double value is infinite (error 406), although they
// are valid JSON and we never need their double value. When that happens we parse a copy of
// the text in which every such number is replaced by "0.000…" of the same length (so error
// positions stay right), and map those placeholders back to the original lexemes in order.
bool is_zero_shape(std::string_view s) {
    return s.size() >= 5 && s[0] == '0' && s[1] == '.' &&
           s.find_first_not_of('0', 2) == npos;
}

/// Whether `s` matches the JSON number grammar exactly.
bool is_json_number(std::string_view s) {
    std::size_t i = s.starts_with('-') ? 1 : 0;
    const auto digits = [&] {
        const std::size_t from = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        return i - from;
    };
    const std::size_t whole = digits();
    if (whole == 0 || (whole > 1 && s[i - whole] == '0')) return false;
    if (i < s.size() && s[i] == '.' && (++i, digits() == 0)) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == s.size();
}

/// Copy of `text` with out-of-range numbers replaced; `originals` receives the original text of
/// every zero-shaped number of the copy, in document order.
std::string substitute_huge_numbers(std::string_view text, std::vector<std::string>& originals) {
    std::string out(text);
    std::size_t i = 0;
    while (i < out.size()) {
        const char c = out[i];
        if (c == '"') {  // skip a string literal, escapes included
            for (++i; i < out.size() && out[i] != '"'; ++i) {
                if (out[i] == '\\') ++i;
            }
            ++i;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const std::size_t start = i;
            while (i < out.size() && std::string_view("0123456789+-.eE").find(out[i]) != npos) ++i;
            const std::string_view token(out.data() + start, i - start);
            if (!is_json_number(token)) continue;
            double ignored = 0;
            const auto result = std::from_chars(token.data(), token.data() + token.size(), ignored);
            if (result.ec == std::errc::result_out_of_range && token.size() >= 5) {
                originals.emplace_back(token);
                out.replace(start, i - start, i - start, '0');
                out[start + 1] = '.';
            } else if (is_zero_shape(token)) {
                originals.emplace_back(token);
            }
        } else {
            ++i;
        }
    }
    return out;
}

/// The SAX handler. With `Build`, it assembles a Value; without, it only checks depth (is_valid).
/// Errors are recorded rather than thrown so that both modes share one driver.
template <bool Build>
class Handler final : public Sax {
public:
    explicit Handler(std::size_t max_depth) : m_max_depth(max_depth) {}

    bool null() override { return emit(Value::null()); }
    bool boolean(bool b) override { return emit(Value::boolean(b)); }
    // Non-negative integers arrive as unsigned, so a signed zero can only be "-0"; for every
    // other integer in range, its decimal text is the lexeme (JSON has no leading zeros or '+').
    bool number_integer(number_integer_t v) override {
        return emit(Value::number(v == 0 ? std::string("-0") : std::to_string(v)));
    }
    bool number_unsigned(number_unsigned_t v) override { return emit(Value::number(std::to_string(v))); }
    bool number_float(number_float_t, const string_t& lexeme) override {
        if (!Build) return true;
        if (m_originals != nullptr && is_zero_shape(lexeme) && m_next_original < m_originals->size()) {
            return emit(Value::number((*m_originals)[m_next_original++]));
        }
        return emit(Value::number(lexeme));
    }
    bool string(string_t& s) override { return emit(Value::string(std::move(s))); }
    bool binary(binary_t&) override { return fail("binary values are not JSON"); }
    bool start_object(std::size_t) override { return open(Value::object()); }
    bool key(string_t& k) override {
        if (Build) m_stack.back().key = std::move(k);
        return true;
    }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(Value::array()); }
    bool end_array() override { return close(); }

    bool parse_error(std::size_t position, const std::string& last_token,
                     const nlohmann::detail::exception& ex) override {
        if (ex.id == 406 && m_originals == nullptr) {
            m_huge_number = true;
            return false;
        }
        std::string what = ex.what();
        // Drop the echo of the input (it may be megabytes of server text) and nlohmann's prefix.
        const std::string echo = "; last read: '" + last_token + "'";
        if (const auto at = what.find(echo); at != std::string::npos) what.erase(at, echo.size());
        std::string where;
        if (const auto at = what.find("parse error at "); at != std::string::npos) {
            const auto colon = what.find(": ", at);
            where = " (" + what.substr(at + 15, colon - at - 15) + ")";
            what.erase(0, colon + 2);
        } else if (const auto bracket = what.find("] "); bracket != std::string::npos) {
            what.erase(0, bracket + 2);
        }
        return fail("invalid JSON at byte " + std::to_string(position) + where + ": " + what);
    }

    void use_originals(const std::vector<std::string>* originals) { m_originals = originals; }
    bool huge_number() const { return m_huge_number; }
    std::string error() const { return m_error.empty() ? std::string("invalid JSON") : m_error; }
    Value take_root() { return std::move(m_root); }

private:
    struct Frame {
        Value value;
        std::string key;  // key of the member being read, for objects
    };

    bool fail(std::string message) {
        m_error = std::move(message);
        return false;
    }

    bool emit(Value&& v) {
        if (!Build) return true;
        if (m_stack.empty()) {
            m_root = std::move(v);
        } else if (Frame& top = m_stack.back(); top.value.is_array()) {
            top.value.items().push_back(std::move(v));
        } else {
            top.value.members().emplace_back(std::move(top.key), std::move(v));
        }
        return true;
    }

    bool open(Value&& container) {
        if (m_depth == m_max_depth) {
            return fail("JSON nested deeper than " + std::to_string(m_max_depth) + " levels");
        }
        ++m_depth;
        if (Build) m_stack.push_back(Frame{std::move(container), {}});
        return true;
    }

    bool close() {
        --m_depth;
        if (!Build) return true;
        Value done = std::move(m_stack.back().value);
        m_stack.pop_back();
        return emit(std::move(done));
    }

    std::size_t m_max_depth;
    std::size_t m_depth = 0;
    std::vector<Frame> m_stack;
    Value m_root;
    std::string m_error;
    bool m_huge_number = false;
    const std::vector<std::string>* m_originals = nullptr;
    std::size_t m_next_original = 0;
};

/// Runs the SAX parse, retrying once with substituted numbers if nlohmann refused a huge one.
/// Returns an empty string on success, else the error message.
template <bool Build>
std::string run(std::string_view text, Handler<Build>& handler, std::size_t max_depth) {
    if (nlohmann::json::sax_parse(text.data(), text.data() + text.size(), &handler)) return {};
    if (!handler.huge_number()) return handler.error();
    std::vector<std::string> originals;
    const std::string copy = substitute_huge_numbers(text, originals);
    handler = Handler<Build>(max_depth);
    handler.use_originals(&originals);
    if (nlohmann::json::sax_parse(copy.data(), copy.data() + copy.size(), &handler)) return {};
    return handler.error();
}

}  // namespace

Value parse(std::string_view text, const Limits& limits) {
    Handler<true> handler(limits.max_depth);
    if (std::string error = run(text, handler, limits.max_depth); !error.empty()) {
        throw DecodeError(error);
    }
    return handler.take_root();
}

bool is_valid(std::string_view text, const Limits& limits) {
    Handler<false> handler(limits.max_depth);
    return run(text, handler, limits.max_depth).empty();
}

// ---------------------------------------------------------------------------------------------
// Printing

namespace {

constexpr std::size_t k_chunk = 64 * 1024;  // bytes buffered before one ostream::write
constexpr std::string_view k_mask = "\"********\"";

/// Output buffer: collects text and hands it to the stream in large writes (a 30 MB response
/// must not cost one virtual call per character). Without a stream it just accumulates.
class Sink {
public:
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

private:
    std::ostream* m_out;
    std::string m_buf;
};

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

/// Writes `text` as a JSON string literal, escaped like nlohmann's dump() with ensure_ascii off.
/// Bytes that are not well-formed UTF-8 (possible only in values built by the program, never in
/// parsed ones) become U+FFFD so that the output is always valid JSON.
void put_quoted(Sink& sink, std::string_view text) {
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

bool masked(const std::string& key, const Value& value, const std::vector<std::string>& mask_keys) {
    return value.is_string() && !value.text().empty() &&
           std::find(mask_keys.begin(), mask_keys.end(), key) != mask_keys.end();
}

/// Iterative (an explicit stack instead of recursion), so the printer's stack use does not grow
/// with the document's depth.
void print(Sink& sink, const Value& root, bool pretty, const std::vector<std::string>& mask_keys) {
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
            if (pretty) sink.indent(stack.size());
            sink.put(is_array ? ']' : '}');
            continue;
        }
        if (index > 0) sink.put(',');
        if (pretty) sink.indent(stack.size());
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

}  // namespace

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
