// The Value type, and the reference reader: nlohmann/json's SAX interface builds an ordered model
// that keeps each number's lexeme; depth is capped without recursion. The public readers are in
// exact_json_simd.cpp; they come here for a text they decline, for this reader's error message.
#include "hyperoru/exact_json.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <ostream>
#include <string>
#include <system_error>

#include <nlohmann/json.hpp>

#include "client/exact_json_detail.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::json {

// ---------------------------------------------------------------------------------------------
// Value

Value Value::null() {
    return Value{};
}

Value Value::boolean(bool b) {
    return scalar(Kind::boolean, b ? "true" : "false");
}

Value Value::number(std::string lexeme) {
    return scalar(Kind::number, std::move(lexeme));
}

Value Value::string(std::string text) {
    return scalar(Kind::string, std::move(text));
}

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
    return s.size() >= 5 && s[0] == '0' && s[1] == '.' && s.find_first_not_of('0', 2) == npos;
}

}  // namespace

bool detail::is_json_number(std::string_view s) {
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

namespace {

using detail::is_json_number;

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
    /// Elements of the root array go to `on_item` one by one instead of into the root.
    void stream_items(const std::function<void(Value&)>* on_item) { m_on_item = on_item; }
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
        } else if (m_on_item != nullptr && m_stack.size() == 1 && m_stack.back().value.is_array()) {
            (*m_on_item)(v);
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
    const std::function<void(Value&)>* m_on_item = nullptr;
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

Value detail::sax_parse(std::string_view text, const Limits& limits) {
    Handler<true> handler(limits.max_depth);
    if (std::string error = run(text, handler, limits.max_depth); !error.empty()) {
        throw DecodeError(error);
    }
    return handler.take_root();
}

bool detail::sax_for_each_item(std::string_view text, const std::function<void(Value&)>& on_item,
                               const Limits& limits) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == npos || text[first] != '[') return false;
    // Check the whole text first, so that nothing is handed out from a body that turns out to
    // be invalid; then a second pass builds one element at a time.
    Handler<false> check(limits.max_depth);
    std::vector<std::string> originals;
    std::string substituted;
    std::string_view input = text;
    if (!nlohmann::json::sax_parse(text.data(), text.data() + text.size(), &check)) {
        if (!check.huge_number()) throw DecodeError(check.error());
        substituted = substitute_huge_numbers(text, originals);
        input = substituted;
        Handler<false> recheck(limits.max_depth);
        recheck.use_originals(&originals);
        if (!nlohmann::json::sax_parse(input.data(), input.data() + input.size(), &recheck)) {
            throw DecodeError(recheck.error());
        }
    }
    Handler<true> handler(limits.max_depth);
    handler.use_originals(originals.empty() ? nullptr : &originals);
    handler.stream_items(&on_item);
    if (!nlohmann::json::sax_parse(input.data(), input.data() + input.size(), &handler)) {
        throw DecodeError(handler.error());  // not reached: the text was checked above
    }
    return true;
}

bool detail::sax_is_valid(std::string_view text, const Limits& limits) {
    Handler<false> handler(limits.max_depth);
    return run(text, handler, limits.max_depth).empty();
}

}  // namespace hyperoru::json
