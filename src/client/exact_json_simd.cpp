// The public exact JSON readers and text printers on simdjson's On Demand API (Debian's
// libsimdjson-dev): parse(), for_each_item(), is_valid(), write_text() and write_ndjson_items().
//
// Exactness: a number is printed as its raw token, after a check against the JSON grammar (On
// Demand does not check a token it is not asked to convert); a string without escapes is
// copied as it came (simdjson has checked its UTF-8 and refused raw control characters); one
// with escapes is decoded by simdjson, checked for well-formed UTF-8 (a lone surrogate) and
// printed as the reference printer escapes it. Keys likewise; objects keep their order and
// duplicate keys.
//
// Anything the fast reader refuses goes to the reference reader (detail::sax_*, nlohmann/json):
// it either words the error the way it always has, or accepts the text (a leading byte order
// mark, nesting deeper than simdjson allows) and is then used for the whole text. So the fast
// reader never accepts what the reference refuses (the exact_json fuzz target compares the two),
// and never changes an error message.
//
// Memory: a top-level array, the shape of every large answer, is read in windows of whole
// elements of about a megabyte (detail::window_bytes()), each copied into a padded buffer and indexed on its
// own, so a 30 MB list never costs simdjson's index of 30 MB (4 bytes per structural character). Output that
// must not start before the whole text is known valid (write_text, write_ndjson_items, for_each_item) takes
// two passes over the windows when there are several: the first checks, the second prints or builds. A text
// of one window is read once, its output held until the end.
#include <simdjson.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/exact_json_detail.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::json {

namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

/// A reader whose buffers grew beyond this is released after use (the library may live long).
constexpr std::size_t k_keep = std::size_t{8} << 20;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim_end(std::string_view s) {
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

/// A string literal's content, from just after its opening quote to its closing quote.
struct Literal {
    std::string_view content;
    bool escaped = false;
};

/// Reads the literal whose content starts at `p`. simdjson's first stage has checked that every
/// string is closed (so the scan ends inside the buffer) and holds no raw control character.
Literal scan_literal(const char* p) {
    Literal literal;
    const char* q = p;
    for (; *q != '"'; ++q) {
        if (*q == '\\') {
            literal.escaped = true;
            ++q;
        }
    }
    literal.content = std::string_view(p, static_cast<std::size_t>(q - p));
    return literal;
}

// Visitors of the walk: Check (nothing), Print (into a Sink) and Build (a Value).
// open/close frame a container; item precedes each element and key each member's value;
// scalar gets a number lexeme or true/false/null; string gets a content either as it came
// (`raw`: no escapes) or decoded.

struct Check {
    void open(bool) {}
    void item(std::size_t) {}
    void key(std::size_t, std::string_view, bool) {}
    void close(bool, std::size_t) {}
    void scalar(Value::Kind, std::string_view) {}
    void string(std::string_view, bool) {}
};

class Print {
public:
    Print(detail::Sink& sink, bool pretty, const std::vector<std::string>& mask_keys, std::size_t base)
        : m_sink(sink), m_pretty(pretty), m_mask_keys(mask_keys), m_depth(base) {}

    void open(bool array) {
        m_sink.put(array ? '[' : '{');
        ++m_depth;
        m_masked = false;
    }
    void item(std::size_t index) {
        if (index > 0) m_sink.put(',');
        if (m_pretty) m_sink.indent(m_depth);
    }
    void key(std::size_t index, std::string_view key, bool raw) {
        item(index);
        put_string(key, raw);
        m_sink.put(m_pretty ? std::string_view(": ") : std::string_view(":"));
        m_masked = !m_mask_keys.empty() && detail::is_mask_key(key, m_mask_keys);
    }
    void close(bool array, std::size_t count) {
        --m_depth;
        if (m_pretty && count > 0) m_sink.indent(m_depth);
        m_sink.put(array ? ']' : '}');
    }
    void scalar(Value::Kind, std::string_view text) {
        m_masked = false;
        m_sink.put(text);
    }
    void string(std::string_view content, bool raw) {
        if (m_masked && !content.empty()) {
            m_sink.put(detail::k_mask);
        } else {
            put_string(content, raw);
        }
        m_masked = false;
    }

private:
    void put_string(std::string_view content, bool raw) {
        if (!raw) return detail::put_quoted(m_sink, content);
        // As it came: valid UTF-8 without quotes, backslashes or control characters, which the
        // reference escaping would leave unchanged.
        m_sink.put('"');
        m_sink.put(content);
        m_sink.put('"');
    }

    detail::Sink& m_sink;
    bool m_pretty;
    const std::vector<std::string>& m_mask_keys;
    std::size_t m_depth;
    bool m_masked = false;
};

class Build {
public:
    void open(bool array) { m_stack.push_back(Frame{array ? Value::array() : Value::object(), {}}); }
    void item(std::size_t) {}
    void key(std::size_t, std::string_view key, bool) { m_stack.back().key.assign(key); }
    void close(bool, std::size_t) {
        Value done = std::move(m_stack.back().value);
        m_stack.pop_back();
        emit(std::move(done));
    }
    void scalar(Value::Kind kind, std::string_view text) {
        switch (kind) {
            case Value::Kind::number: return emit(Value::number(std::string(text)));
            case Value::Kind::boolean: return emit(Value::boolean(text == "true"));
            default: return emit(Value::null());
        }
    }
    void string(std::string_view content, bool) { emit(Value::string(std::string(content))); }

    Value take() { return std::move(m_root); }

private:
    struct Frame {
        Value value;
        std::string key;  // key of the member being read, for objects
    };

    void emit(Value&& v) {
        if (m_stack.empty()) {
            m_root = std::move(v);
        } else if (Frame& top = m_stack.back(); top.value.is_array()) {
            top.value.items().push_back(std::move(v));
        } else {
            top.value.members().emplace_back(std::move(top.key), std::move(v));
        }
    }

    std::vector<Frame> m_stack;
    Value m_root;
};

/// The string `v` (a string token `token`) handed to the visitor.
template <class Visitor, class Source>
error_code visit_string(Source& v, std::string_view token, Visitor& visitor) {
    const Literal literal = scan_literal(token.data() + 1);
    if (!literal.escaped) {
        visitor.string(literal.content, true);
        return SUCCESS;
    }
    std::string_view decoded;
    if (auto error = v.get_string().get(decoded)) return error;
    if (!simdjson::validate_utf8(decoded.data(), decoded.size())) return simdjson::STRING_ERROR;
    visitor.string(decoded, false);
    return SUCCESS;
}

/// A scalar (`type` is not array or object) handed to the visitor; `v` is a value or a document.
template <class Visitor, class Source>
error_code visit_scalar(Source& v, od::json_type type, std::string_view token, Visitor& visitor) {
    switch (type) {
        case od::json_type::number:
            if (!detail::is_json_number(token)) return simdjson::NUMBER_ERROR;
            visitor.scalar(Value::Kind::number, token);
            return SUCCESS;
        case od::json_type::string: return visit_string(v, token, visitor);
        case od::json_type::boolean: {
            bool b = false;
            if (auto error = v.get_bool().get(b)) return error;
            visitor.scalar(Value::Kind::boolean, b ? "true" : "false");
            return SUCCESS;
        }
        case od::json_type::null: {
            bool null = false;
            if (auto error = v.is_null().get(null)) return error;
            if (!null) return simdjson::INCORRECT_TYPE;
            visitor.scalar(Value::Kind::null, "null");
            return SUCCESS;
        }
        default: return simdjson::INCORRECT_TYPE;
    }
}

/// Walks `v`, which sits inside `depth` containers, refusing a container at `max_depth` the way
/// the reference reader does. Recursion is bounded by max_depth.
template <class Visitor>
error_code walk(od::value& v, Visitor& visitor, std::size_t depth, std::size_t max_depth) {
    od::json_type type{};
    if (auto error = v.type().get(type)) return error;
    if (type == od::json_type::array) {
        if (depth >= max_depth) return simdjson::DEPTH_ERROR;
        od::array array;
        if (auto error = v.get_array().get(array)) return error;
        visitor.open(true);
        std::size_t count = 0;
        for (auto element : array) {
            od::value item;
            if (auto error = std::move(element).get(item)) return error;
            visitor.item(count++);
            if (auto error = walk(item, visitor, depth + 1, max_depth)) return error;
        }
        visitor.close(true, count);
        return SUCCESS;
    }
    if (type == od::json_type::object) {
        if (depth >= max_depth) return simdjson::DEPTH_ERROR;
        od::object object;
        if (auto error = v.get_object().get(object)) return error;
        visitor.open(false);
        std::size_t count = 0;
        for (auto member : object) {
            od::field field;
            if (auto error = std::move(member).get(field)) return error;
            const Literal key = scan_literal(field.key().raw());
            std::string_view name = key.content;
            if (key.escaped) {
                if (auto error = field.unescaped_key().get(name)) return error;
                if (!simdjson::validate_utf8(name.data(), name.size())) return simdjson::STRING_ERROR;
            }
            visitor.key(count++, name, !key.escaped);
            if (auto error = walk(field.value(), visitor, depth + 1, max_depth)) return error;
        }
        visitor.close(false, count);
        return SUCCESS;
    }
    return visit_scalar(v, type, trim_end(v.raw_json_token()), visitor);
}

/// Walks a whole document: `text` is its text without the padding; anything after the root
/// value but whitespace is refused.
template <class Visitor>
error_code walk_document(od::document& doc, std::string_view text, Visitor& visitor, std::size_t max_depth) {
    od::json_type type{};
    if (auto error = doc.type().get(type)) return error;
    if (type == od::json_type::array || type == od::json_type::object) {
        od::value root;
        if (auto error = doc.get_value().get(root)) return error;
        if (auto error = walk(root, visitor, 0, max_depth)) return error;
        const char* rest = nullptr;
        return doc.current_location().get(rest) == SUCCESS ? simdjson::TRAILING_CONTENT : SUCCESS;
    }
    std::string_view token;
    if (auto error = doc.raw_json_token().get(token)) return error;
    if (token.data() + token.size() != text.data() + text.size()) return simdjson::TRAILING_CONTENT;
    return visit_scalar(doc, type, trim_end(token), visitor);
}

/// Where a top-level array's text is cut into windows of whole elements.
class Windows {
public:
    /// Splits `text` when it is one array (whitespace around it); otherwise, and for any shape
    /// the scan cannot vouch for, the text is one window read as a whole document.
    explicit Windows(std::string_view text) : m_text(text) {
        const std::size_t window = detail::window_bytes();
        const auto open = text.find_first_not_of(" \t\r\n");
        if (open == std::string_view::npos || text[open] != '[') return;
        std::vector<std::size_t> cuts{open};
        std::size_t depth = 0;
        std::size_t close = std::string_view::npos;
        for (std::size_t i = open; i < text.size() && close == std::string_view::npos; ++i) {
            switch (text[i]) {
                case '"':
                    for (++i; i < text.size() && text[i] != '"'; ++i) {
                        if (text[i] == '\\') ++i;
                    }
                    break;
                case '[':
                case '{': ++depth; break;
                case ']':
                case '}':
                    if (--depth == 0) close = i;
                    break;
                case ',':
                    if (depth == 1 && i - cuts.back() >= window) cuts.push_back(i);
                    break;
                default: break;
            }
        }
        if (close == std::string_view::npos) return;
        if (text.find_first_not_of(" \t\r\n", close + 1) != std::string_view::npos) return;
        m_array = true;
        m_cuts = std::move(cuts);
        m_close = close;
    }

    /// Whether the text is an array read window by window (each window an array of some of its
    /// elements); false: one window, the whole text.
    bool array() const { return m_array; }
    std::size_t size() const { return m_array ? m_cuts.size() : 1; }

    /// Window `i` as a document text: the elements between two cuts inside brackets. Every
    /// window but the only one has at least one element, so `[1,,2]` can never pass as valid
    /// windows `[1]`, `[]`, `[2]`. Returns false for an empty one.
    bool text(std::size_t i, std::string& out) const {
        out.clear();
        if (!m_array) {
            out.append(m_text);
            return true;
        }
        const std::size_t from = m_cuts[i];  // the '[' or the comma before the window
        const std::size_t to = i + 1 < m_cuts.size() ? m_cuts[i + 1] : m_close + 1;
        const std::string_view inner = m_text.substr(from + 1, to - from - 1);
        if (m_cuts.size() > 1 && inner.find_first_not_of(" \t\r\n]") == std::string_view::npos) return false;
        out.push_back('[');
        out.append(inner);
        if (i + 1 < m_cuts.size()) out.push_back(']');
        return true;
    }

private:
    std::string_view m_text;
    bool m_array = false;
    std::vector<std::size_t> m_cuts;  // m_cuts[0] is the '['; then commas between windows
    std::size_t m_close = 0;
};

/// A parser and a padded buffer, one per thread, lent to one reading at a time (a callback of
/// for_each_item that reads JSON itself gets a reader of its own).
class Reader {
public:
    od::parser parser;
    std::string buffer;
    bool busy = false;

    /// Starts reading `buffer` (its text, followed by simdjson's padding).
    simdjson::simdjson_result<od::document> iterate() {
        const std::size_t size = buffer.size();
        buffer.append(simdjson::SIMDJSON_PADDING, ' ');
        return parser.iterate(simdjson::padded_string_view(buffer.data(), size, buffer.size()));
    }
    std::string_view text() const {
        return std::string_view(buffer).substr(0, buffer.size() - simdjson::SIMDJSON_PADDING);
    }

    /// Reads `text` as one document: `on_document(document&, text)`.
    template <class OnDocument>
    error_code read_document(std::string_view text, OnDocument&& on_document) {
        buffer.assign(text);
        od::document doc;
        if (auto error = iterate().get(doc)) return error;
        return on_document(doc, this->text());
    }
};

class Lease {
public:
    Lease() {
        thread_local Reader shared;
        if (shared.busy) {
            m_own = std::make_unique<Reader>();
            m_reader = m_own.get();
        } else {
            m_reader = &shared;
        }
        m_reader->busy = true;
    }
    ~Lease() {
        m_reader->busy = false;
        if (m_reader->buffer.capacity() > k_keep) {
            m_reader->buffer = std::string();
            m_reader->parser = od::parser();
        }
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Reader* operator->() const { return m_reader; }

private:
    std::unique_ptr<Reader> m_own;
    Reader* m_reader;
};

/// Reads every window of `windows` in order. In array mode `on_element(value&)` gets each element
/// of the top-level array; otherwise `on_document(document&, text)` gets the whole document.
template <class OnElement, class OnDocument>
error_code read(const Windows& windows, OnElement&& on_element, OnDocument&& on_document) {
    Lease reader;
    for (std::size_t i = 0; i < windows.size(); ++i) {
        if (!windows.text(i, reader->buffer)) return simdjson::TAPE_ERROR;
        od::document doc;
        if (auto error = reader->iterate().get(doc)) return error;
        if (!windows.array()) return on_document(doc, reader->text());
        od::array array;
        if (auto error = doc.get_array().get(array)) return error;
        for (auto element : array) {
            od::value item;
            if (auto error = std::move(element).get(item)) return error;
            if (auto error = on_element(item)) return error;
        }
    }
    return SUCCESS;
}

/// Checks the whole text (one pass, nothing built).
error_code check(const Windows& windows, std::size_t max_depth) {
    Check visitor;
    return read(
        windows, [&](od::value& v) { return walk(v, visitor, 1, max_depth); },
        [&](od::document& doc, std::string_view text) {
            return walk_document(doc, text, visitor, max_depth);
        });
}

/// The printers' common shape: a top-level array element by element (`element(sink, value)`,
/// then `close(sink, count)`), anything else with `document`. Output goes to `out` only once the
/// text is known valid: buffered for one window, after a checking pass for several. Returns
/// false, writing nothing, when the fast reader refused the text.
template <class Element, class Close, class Document>
bool print(std::ostream& out, const Windows& windows, std::size_t max_depth, Element&& element, Close&& close,
           Document&& document) {
    const bool one_pass = windows.size() == 1;
    if (!one_pass && check(windows, max_depth) != SUCCESS) return false;
    detail::Sink sink(one_pass ? nullptr : &out);
    std::size_t count = 0;
    const error_code error = read(
        windows, [&](od::value& v) { return element(sink, v, count++); },
        [&](od::document& doc, std::string_view text) { return document(sink, doc, text); });
    if (error != SUCCESS) return false;  // only possible in one pass: nothing was written
    if (windows.array()) close(sink, count);
    if (one_pass) {
        const std::string text = sink.take();
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    } else {
        sink.flush();
    }
    return true;
}

}  // namespace

std::size_t& detail::window_bytes() {
    static std::size_t bytes = std::size_t{1} << 20;
    return bytes;
}

Value parse(std::string_view text, const Limits& limits) {
    const Windows windows(text);
    Build visitor;
    if (windows.array()) visitor.open(true);
    const error_code error = read(
        windows, [&](od::value& v) { return walk(v, visitor, 1, limits.max_depth); },
        [&](od::document& doc, std::string_view whole) {
            return walk_document(doc, whole, visitor, limits.max_depth);
        });
    if (error != SUCCESS) return detail::sax_parse(text, limits);
    if (windows.array()) visitor.close(true, 0);
    return visitor.take();
}

bool for_each_item(std::string_view text, const std::function<void(Value&)>& on_item, const Limits& limits) {
    const Windows windows(text);
    if (!windows.array()) return detail::sax_for_each_item(text, on_item, limits);
    if (check(windows, limits.max_depth) != SUCCESS) return detail::sax_for_each_item(text, on_item, limits);
    read(
        windows,
        [&](od::value& v) {
            Build visitor;
            if (auto error = walk(v, visitor, 1, limits.max_depth)) return error;  // not reached: checked
            Value item = visitor.take();
            on_item(item);
            return SUCCESS;
        },
        [](od::document&, std::string_view) { return SUCCESS; });
    return true;
}

bool is_valid(std::string_view text, const Limits& limits) {
    return check(Windows(text), limits.max_depth) == SUCCESS || detail::sax_is_valid(text, limits);
}

void write_text(std::ostream& out, std::string_view text, const PrintOptions& options) {
    const Limits limits;
    const Windows windows(text);
    const bool printed = print(
        out, windows, limits.max_depth,
        [&](detail::Sink& sink, od::value& v, std::size_t index) {
            sink.put(index == 0 ? '[' : ',');
            if (options.pretty) sink.indent(1);
            Print visitor(sink, options.pretty, options.mask_keys, 1);
            return walk(v, visitor, 1, limits.max_depth);
        },
        [&](detail::Sink& sink, std::size_t count) {
            if (count == 0) return sink.put("[]");
            if (options.pretty) sink.indent(0);
            sink.put(']');
        },
        [&](detail::Sink& sink, od::document& doc, std::string_view whole) {
            Print visitor(sink, options.pretty, options.mask_keys, 0);
            return walk_document(doc, whole, visitor, limits.max_depth);
        });
    if (printed) return;
    // The reference reader: it throws the worded DecodeError, or prints what it accepts.
    detail::Sink sink(&out);
    bool first = true;
    const bool streamed = detail::sax_for_each_item(
        text,
        [&](Value& item) {
            sink.put(first ? '[' : ',');
            first = false;
            if (options.pretty) sink.indent(1);
            detail::print(sink, item, options.pretty, options.mask_keys, 1);
        },
        limits);
    if (!streamed) {
        detail::print(sink, detail::sax_parse(text, limits), options.pretty, options.mask_keys);
    } else if (first) {
        sink.put("[]");
    } else {
        if (options.pretty) sink.indent(0);
        sink.put(']');
    }
    sink.flush();
}

bool compact(std::string_view text, std::string& out, const std::vector<std::string>& mask_keys) {
    const Limits limits;
    const std::size_t start = out.size();
    detail::Sink sink(nullptr);
    Print visitor(sink, false, mask_keys, 0);
    const error_code error = Lease()->read_document(text, [&](od::document& doc, std::string_view whole) {
        return walk_document(doc, whole, visitor, limits.max_depth);
    });
    if (error == SUCCESS) {
        out.append(sink.take());
        return true;
    }
    if (!detail::sax_is_valid(text, limits)) return false;
    detail::Sink reference(nullptr);
    detail::print(reference, detail::sax_parse(text, limits), false, mask_keys);
    out.resize(start);
    out.append(reference.take());
    return true;
}

std::vector<Value> peek(std::string_view text, std::initializer_list<std::string_view> keys) {
    std::vector<Value> found(keys.size());
    std::vector<bool> seen(keys.size());
    const error_code status = Lease()->read_document(text, [&](od::document& doc, std::string_view) {
        od::object object;
        if (auto error = doc.get_object().get(object)) return error;
        for (auto member : object) {
            od::field field;
            if (auto error = std::move(member).get(field)) return error;
            const Literal key = scan_literal(field.key().raw());
            std::string_view name = key.content;
            if (key.escaped && field.unescaped_key().get(name) != SUCCESS) return simdjson::STRING_ERROR;
            const auto wanted = std::find(keys.begin(), keys.end(), name);
            if (wanted == keys.end()) continue;
            const auto index = static_cast<std::size_t>(wanted - keys.begin());
            if (seen[index]) continue;  // the first member of a name, as Value::find
            seen[index] = true;
            Value& slot = found[index];
            od::json_type type{};
            if (auto error = field.value().type().get(type)) return error;
            if (type == od::json_type::string) {
                std::string_view content;
                if (auto error = field.value().get_string().get(content)) return error;
                slot = Value::string(std::string(content));
            } else if (type == od::json_type::number) {
                const std::string_view token = trim_end(field.value().raw_json_token());
                if (detail::is_json_number(token)) slot = Value::number(std::string(token));
            }
        }
        return SUCCESS;
    });
    if (status != SUCCESS) return {};
    return found;
}

bool write_ndjson_items(std::ostream& out, std::string_view text, const std::vector<std::string>& mask_keys) {
    const Limits limits;
    const Windows windows(text);
    if (!windows.array())
        return detail::sax_for_each_item(
            text, [](Value&) {}, limits);
    const bool printed = print(
        out, windows, limits.max_depth,
        [&](detail::Sink& sink, od::value& v, std::size_t) {
            Print visitor(sink, false, mask_keys, 0);
            if (auto error = walk(v, visitor, 1, limits.max_depth)) return error;
            sink.put('\n');
            return SUCCESS;
        },
        [](detail::Sink&, std::size_t) {},
        [](detail::Sink&, od::document&, std::string_view) { return SUCCESS; });
    if (printed) return true;
    detail::Sink sink(&out);
    const bool streamed = detail::sax_for_each_item(
        text,
        [&](Value& item) {
            detail::print(sink, item, false, mask_keys);
            sink.put('\n');
        },
        limits);
    sink.flush();
    return streamed;
}

}  // namespace hyperoru::json
