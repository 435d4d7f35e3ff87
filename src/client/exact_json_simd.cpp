// The public exact JSON readers and text printers, fast: parse(), for_each_item(), is_valid(),
// write_text(), write_ndjson_items(), compact() and peek().
//
// simdjson (Debian's libsimdjson-dev) does the byte-level work: its first stage, chosen at run
// time for the CPU (AVX-512, AVX2, SSE4.2 or portable), checks the UTF-8, finds every string
// and refuses raw control characters in them, and lists the position of every structural
// character and token; its string decoder unescapes. The second stage is here (Stage2): one
// pass over those positions that checks the grammar and hands each value to a visitor that
// checks, prints or builds. Exactness: a number is copied as its token after a check against
// the JSON grammar; a string without escapes is copied as it came; one with escapes is decoded,
// checked for well-formed UTF-8 (a lone surrogate) and escaped as the reference printer does.
// Objects keep their order and duplicate keys.
//
// Anything the fast reader refuses goes to the reference reader (detail::sax_*, nlohmann/json):
// it either words the error the way it always has, or accepts the text (a leading byte order
// mark) and is then used for the whole text. So the fast reader never accepts what the
// reference refuses (the exact_json fuzz target compares the two on every input), and never
// changes an error message.
//
// Loading: the library is opened (dlopen) the first time a process has read 64 KiB of JSON in
// all, or one text that big: a one-shot command with a small answer never pays the 1.5 ms a
// shared library and the libstdc++ it needs cost at start-up, while a big answer, --all and a
// stream switch over early. Until then, or for good if the library cannot be opened, the
// reference reader does the work, with the same results. Only virtual functions of the library
// are called, through the one entry point found with dlsym, so nothing is linked.
//
// Memory: a top-level array, the shape of every large answer, is read in windows of whole
// elements of about 256 KiB (detail::window_bytes()), each copied into a padded buffer and
// indexed on its own, so a 30 MB list never costs an index of 30 MB (4 bytes per token). Output
// that must not start before the whole text is known valid (write_text, write_ndjson_items,
// for_each_item) takes two passes over the windows when there are several: the first checks,
// the second prints or builds. A text of one window is read once, its output held until the end.
#include <dlfcn.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
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

using simdjson::error_code;
using simdjson::SUCCESS;

/// The CPU's implementation in the opened library (simdjson::get_active_implementation()).
const simdjson::implementation* g_implementation = nullptr;

bool open_library() {
    void* library = dlopen(HYPERORU_SIMDJSON_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) return false;
    using Active = simdjson::internal::atomic_ptr<const simdjson::implementation>& (*)();
    // simdjson::get_active_implementation(), by its C++ (Itanium ABI) name.
    void* symbol = dlsym(library, "_ZN8simdjson25get_active_implementationEv");
    if (symbol == nullptr) return false;
    g_implementation = reinterpret_cast<Active>(symbol)();
    return g_implementation != nullptr;  // the active implementation is one this CPU runs
}

std::atomic<int> g_state{0};  // 0: not opened yet, 1: opened, -1: cannot be opened

/// Whether to read a text of `bytes` with simdjson (see "Loading" above).
bool use_fast_reader(std::size_t bytes) {
    static std::atomic<std::size_t> seen{0};
    if (!detail::fast_reader_enabled()) return false;
    if (const int now = g_state.load(std::memory_order_acquire); now != 0) return now > 0;
    if (seen.fetch_add(bytes) + bytes < detail::fast_reader_after()) return false;
    static const bool opened = open_library();
    g_state.store(opened ? 1 : -1, std::memory_order_release);
    return opened;
}

/// A reader whose buffers grew beyond this is released after use (the library may live long).
constexpr std::size_t k_keep = std::size_t{8} << 20;

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// A string literal's content, from just after its opening quote to its closing quote.
struct Literal {
    std::string_view content;
    bool escaped = false;
};

/// Reads the literal whose content starts at `p`. The first stage has checked that every string
/// is closed (so the scan ends inside the buffer) and holds no raw control character.
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
// (`raw`: no escapes) or decoded. What they are given lives until the next call.

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

/// Keeps the top-level string and number members named in `keys` (the first of each name) of
/// an object, building nothing else: the look-up that classifies a stream message
/// (read_message).
class Peek {
public:
    explicit Peek(std::initializer_list<std::string_view> keys) : m_keys(keys), m_found(keys.size()) {}

    void open(bool array) {
        if (m_depth++ == 0) m_object = !array;
        m_wanted = k_none;
    }
    void item(std::size_t) {}
    void key(std::size_t, std::string_view key, bool) {
        m_wanted = k_none;
        if (m_depth != 1) return;
        const auto at = std::find(m_keys.begin(), m_keys.end(), key);
        const auto index = static_cast<std::size_t>(at - m_keys.begin());
        if (at == m_keys.end() || index >= 64 || (m_seen >> index & 1U) != 0) return;
        m_seen |= std::uint64_t{1} << index;  // the first member of a name, as Value::find
        m_wanted = index;
    }
    void close(bool, std::size_t) { --m_depth; }
    void scalar(Value::Kind kind, std::string_view text) {
        if (m_wanted != k_none && kind == Value::Kind::number)
            m_found[m_wanted] = Value::number(std::string(text));
        m_wanted = k_none;
    }
    void string(std::string_view content, bool) {
        if (m_wanted != k_none) m_found[m_wanted] = Value::string(std::string(content));
        m_wanted = k_none;
    }

    /// What was found, or nothing when the text is not an object.
    std::vector<Value> take() { return m_object ? std::move(m_found) : std::vector<Value>{}; }

private:
    static constexpr std::size_t k_none = static_cast<std::size_t>(-1);
    std::initializer_list<std::string_view> m_keys;  // the caller's, alive for the whole walk
    std::vector<Value> m_found;
    std::uint64_t m_seen = 0;  // per key (the first 64): a member of that name was met
    std::size_t m_depth = 0;
    std::size_t m_wanted = k_none;
    bool m_object = false;
};

/// Two visitors in one walk: a stream message classified (Peek) and printed (Print) at once.
template <class First, class Second>
class Both {
public:
    Both(First& first, Second& second) : m_first(first), m_second(second) {}

    void open(bool array) {
        m_first.open(array);
        m_second.open(array);
    }
    void item(std::size_t index) {
        m_first.item(index);
        m_second.item(index);
    }
    void key(std::size_t index, std::string_view key, bool raw) {
        m_first.key(index, key, raw);
        m_second.key(index, key, raw);
    }
    void close(bool array, std::size_t count) {
        m_first.close(array, count);
        m_second.close(array, count);
    }
    void scalar(Value::Kind kind, std::string_view text) {
        m_first.scalar(kind, text);
        m_second.scalar(kind, text);
    }
    void string(std::string_view content, bool raw) {
        m_first.string(content, raw);
        m_second.string(content, raw);
    }

private:
    First& m_first;
    Second& m_second;
};

/// Hands the elements of a window's array to `inner`, without the window's own brackets:
/// `begin()` before each element, `end()` after it.
template <class Inner, class Begin, class End>
class Elements {
public:
    Elements(Inner& inner, Begin& begin, End& end) : m_inner(inner), m_begin(begin), m_end(end) {}

    void open(bool array) {
        if (m_depth++ > 0) m_inner.open(array);
    }
    void item(std::size_t index) {
        if (m_depth == 1) {
            m_begin();
        } else {
            m_inner.item(index);
        }
    }
    void key(std::size_t index, std::string_view key, bool raw) { m_inner.key(index, key, raw); }
    void close(bool array, std::size_t count) {
        if (--m_depth == 0) return;
        m_inner.close(array, count);
        if (m_depth == 1) m_end();
    }
    void scalar(Value::Kind kind, std::string_view text) {
        m_inner.scalar(kind, text);
        if (m_depth == 1) m_end();
    }
    void string(std::string_view content, bool raw) {
        m_inner.string(content, raw);
        if (m_depth == 1) m_end();
    }

private:
    Inner& m_inner;
    Begin& m_begin;
    End& m_end;
    std::size_t m_depth = 0;
};

/// One element of a list as a table row (for_each_row): its top-level members named in `keys`,
/// strings decoded, containers printed compact. Sits inside Elements, so its depth starts at 0
/// for every element.
class Cells {
public:
    Cells(const std::vector<std::string>& keys, const std::vector<std::string>& mask_keys)
        : m_keys(keys), m_mask_keys(mask_keys), m_print(m_sink, false, mask_keys, 0) {}

    /// Before each element.
    void begin() {
        m_row.object = false;
        m_row.fields.clear();
        m_depth = 0;
        m_take = m_capture = false;
    }
    const Row& row() const { return m_row; }

    void open(bool array) {
        if (m_depth == 0 && !array) {
            m_row.object = true;
        } else if (m_depth == 0 || (m_depth == 1 && m_take)) {
            if (m_depth == 0) m_row.fields.push_back(Row::Field{});
            m_row.fields.back().kind = array ? Value::Kind::array : Value::Kind::object;
            m_capture = true;
            m_capture_depth = m_depth;
        }
        m_take = false;
        if (m_capture) m_print.open(array);
        ++m_depth;
    }
    void item(std::size_t index) {
        if (m_capture) m_print.item(index);
    }
    void key(std::size_t index, std::string_view key, bool raw) {
        if (m_capture) return m_print.key(index, key, raw);
        m_take = m_depth == 1 && std::find(m_keys.begin(), m_keys.end(), key) != m_keys.end();
        if (!m_take) return;
        m_row.fields.push_back(Row::Field{std::string(key), Value::Kind::null, {}});
        m_masked = !m_mask_keys.empty() && detail::is_mask_key(key, m_mask_keys);
    }
    void close(bool array, std::size_t count) {
        --m_depth;
        if (!m_capture) return;
        m_print.close(array, count);
        if (m_depth == m_capture_depth) {
            m_capture = false;
            m_row.fields.back().text = m_sink.take();
        }
    }
    void scalar(Value::Kind kind, std::string_view text) {
        if (m_capture) return m_print.scalar(kind, text);
        if (!wanted()) return;
        m_row.fields.back().kind = kind;
        m_row.fields.back().text.assign(text);
    }
    void string(std::string_view content, bool raw) {
        if (m_capture) return m_print.string(content, raw);
        if (!wanted()) return;
        const bool masked = m_depth == 1 && m_masked && !content.empty();
        m_row.fields.back().kind = Value::Kind::string;
        m_row.fields.back().text.assign(masked ? std::string_view("********") : content);
    }

private:
    /// Whether the scalar that comes is a field: a member taken, or the element itself.
    bool wanted() {
        if (m_depth == 0) {
            m_row.fields.push_back(Row::Field{});
            return true;
        }
        const bool take = m_depth == 1 && m_take;
        m_take = false;
        return take;
    }

    const std::vector<std::string>& m_keys;
    const std::vector<std::string>& m_mask_keys;
    detail::Sink m_sink{nullptr};
    Print m_print;
    Row m_row;
    std::size_t m_depth = 0;
    std::size_t m_capture_depth = 0;
    bool m_take = false;
    bool m_masked = false;
    bool m_capture = false;
};

constexpr std::size_t k_no_member = static_cast<std::size_t>(-1);

/// The top-level members of an object that read_list needs: which member holds the list (the
/// first of `keys`, in their order, whose first member of that name is an array) and whether
/// the first `next` is null. Builds nothing.
class Envelope {
public:
    explicit Envelope(const std::vector<std::string>& keys)
        : m_keys(keys), m_member(keys.size(), k_no_member), m_seen(keys.size(), false) {}

    void open(bool array) {
        if (m_depth == 0) m_object = !array;
        if (m_depth == 1) value(array, false);
        ++m_depth;
    }
    void item(std::size_t) {}
    void key(std::size_t index, std::string_view key, bool) {
        if (m_depth != 1) return;
        m_index = index;
        for (std::size_t i = 0; i < m_keys.size(); ++i) {
            if (!m_seen[i] && m_keys[i] == key) {
                m_seen[i] = true;
                m_pending.push_back(i);
            }
        }
        if (!m_next_seen && key == "next") m_next_seen = m_next_pending = true;
    }
    void close(bool, std::size_t) { --m_depth; }
    void scalar(Value::Kind kind, std::string_view) {
        if (m_depth == 1) value(false, kind == Value::Kind::null);
    }
    void string(std::string_view, bool) {
        if (m_depth == 1) value(false, false);
    }

    bool object() const { return m_object; }
    bool next_null() const { return m_next_null; }
    /// The index of the member holding the list, or k_no_member.
    std::size_t list_member() const {
        for (const std::size_t member : m_member) {
            if (member != k_no_member) return member;
        }
        return k_no_member;
    }

private:
    /// The value of member m_index: an array or not, null or not.
    void value(bool array, bool null) {
        for (const std::size_t i : m_pending) {
            if (array) m_member[i] = m_index;
        }
        m_pending.clear();
        if (m_next_pending) m_next_null = null;
        m_next_pending = false;
    }

    const std::vector<std::string>& m_keys;
    std::vector<std::size_t> m_member;  // per key: the index of its first member if an array
    std::vector<bool> m_seen;
    std::vector<std::size_t> m_pending;  // keys whose first member's value comes next
    std::size_t m_depth = 0;
    std::size_t m_index = 0;
    bool m_object = false;
    bool m_next_seen = false;
    bool m_next_pending = false;
    bool m_next_null = false;
};

/// Hands `inner` only the value of the top-level member number `member` of an object, as if it
/// were the whole text.
template <class Inner>
class Within {
public:
    Within(Inner& inner, std::size_t member) : m_inner(inner), m_member(member) {}

    void open(bool array) {
        if (m_inside) m_inner.open(array);
        ++m_depth;
    }
    void item(std::size_t index) {
        if (m_inside) m_inner.item(index);
    }
    void key(std::size_t index, std::string_view key, bool raw) {
        if (m_depth == 1) {
            m_inside = index == m_member;
        } else if (m_inside) {
            m_inner.key(index, key, raw);
        }
    }
    void close(bool array, std::size_t count) {
        if (--m_depth == 0 || !m_inside) return;
        m_inner.close(array, count);
        if (m_depth == 1) m_inside = false;
    }
    void scalar(Value::Kind kind, std::string_view text) {
        if (!m_inside) return;
        m_inner.scalar(kind, text);
        if (m_depth == 1) m_inside = false;
    }
    void string(std::string_view content, bool raw) {
        if (!m_inside) return;
        m_inner.string(content, raw);
        if (m_depth == 1) m_inside = false;
    }

private:
    Inner& m_inner;
    std::size_t m_member;
    std::size_t m_depth = 0;
    bool m_inside = false;
};

/// One element of a list page (read_list): printed when wanted, and the compact text of its
/// first `id` member kept. Sits inside Elements, so its depth starts at 0 for every element.
class Item {
public:
    Item(detail::Sink& sink, const PrintOptions& options)
        : m_print(sink, options.pretty, options.mask_keys, options.pretty ? 1 : 0),
          m_id(m_id_sink, false, m_no_keys, 0) {}

    /// Before each element.
    void begin(bool printing) {
        m_printing = printing;
        m_depth = 0;
        m_seen_id = m_capture = false;
    }
    bool printing() const { return m_printing; }
    /// After each element: its id ("" when none or null).
    std::string id() { return m_id_sink.take(); }

    void open(bool array) {
        if (m_printing) m_print.open(array);
        if (m_capture) m_id.open(array);
        ++m_depth;
    }
    void item(std::size_t index) {
        if (m_printing) m_print.item(index);
        if (m_capture) m_id.item(index);
    }
    void key(std::size_t index, std::string_view key, bool raw) {
        if (m_printing) m_print.key(index, key, raw);
        if (m_capture) return m_id.key(index, key, raw);
        if (m_depth == 1 && !m_seen_id && key == "id") m_seen_id = m_capture = true;
    }
    void close(bool array, std::size_t count) {
        if (m_printing) m_print.close(array, count);
        --m_depth;
        if (!m_capture) return;
        m_id.close(array, count);
        if (m_depth == 1) m_capture = false;
    }
    void scalar(Value::Kind kind, std::string_view text) {
        if (m_printing) m_print.scalar(kind, text);
        if (!m_capture) return;
        if (m_depth > 1 || kind != Value::Kind::null) m_id.scalar(kind, text);
        if (m_depth == 1) m_capture = false;
    }
    void string(std::string_view content, bool raw) {
        if (m_printing) m_print.string(content, raw);
        if (!m_capture) return;
        m_id.string(content, raw);
        if (m_depth == 1) m_capture = false;
    }

private:
    Print m_print;
    const std::vector<std::string> m_no_keys;
    detail::Sink m_id_sink{nullptr};
    Print m_id;
    std::size_t m_depth = 0;
    bool m_printing = false;
    bool m_seen_id = false;
    bool m_capture = false;
};

/// An open container in walk(): an array or an object, and the elements or members so far.
struct WalkFrame {
    bool array;
    std::size_t count;
};

/// A parser's first stage and buffers, one per thread, lent to one reading at a time (a
/// callback of for_each_item that reads JSON itself gets a reader of its own).
class Reader {
public:
    std::string buffer;  ///< the text to read; index() appends the padding
    bool busy = false;
    std::vector<WalkFrame> stack;  ///< walk()'s open containers

    /// The positions of the tokens of `buffer`, found by simdjson's first stage.
    error_code index() {
        m_size = buffer.size();
        buffer.append(simdjson::SIMDJSON_PADDING, ' ');
        if (!m_stage1 || m_stage1->capacity() < m_size) {
            m_stage1.reset();
            const std::size_t capacity = std::max<std::size_t>(m_size, std::size_t{64} << 10);
            if (auto error = g_implementation->create_dom_parser_implementation(capacity, 1024, m_stage1))
                return error;
        }
        return m_stage1->stage1(reinterpret_cast<const std::uint8_t*>(buffer.data()), m_size,
                                simdjson::stage1_mode::regular);
    }
    const char* data() const { return buffer.data(); }
    std::size_t size() const { return m_size; }
    const std::uint32_t* tokens() const { return m_stage1->structural_indexes.get(); }
    std::size_t count() const { return m_stage1->n_structural_indexes; }

    /// The string whose content starts at `p` (escaped), decoded; empty data() when invalid.
    std::string_view decode(const char* p, std::size_t content_size) {
        m_scratch.resize(content_size + simdjson::SIMDJSON_PADDING);
        auto* out = reinterpret_cast<std::uint8_t*>(m_scratch.data());
        const std::uint8_t* end = m_stage1->parse_string(reinterpret_cast<const std::uint8_t*>(p), out);
        if (end == nullptr) return {};
        const std::string_view decoded(m_scratch.data(), static_cast<std::size_t>(end - out));
        if (!g_implementation->validate_utf8(decoded.data(), decoded.size())) return {};
        return decoded;
    }

    void release_if_large() {
        if (buffer.capacity() <= k_keep) return;
        buffer = std::string();
        m_scratch = std::string();
        m_stage1.reset();
    }

private:
    std::unique_ptr<simdjson::internal::dom_parser_implementation> m_stage1;
    std::string m_scratch;
    std::size_t m_size = 0;
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
        m_reader->release_if_large();
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Reader& operator*() const { return *m_reader; }
    Reader* operator->() const { return m_reader; }

private:
    std::unique_ptr<Reader> m_own;
    Reader* m_reader;
};

/// The second stage: one pass over the tokens the first stage found in `reader`'s text, checking
/// the grammar and handing each value to `visitor`. A container at `max_depth` is refused as the
/// reference refuses it. No recursion: an explicit stack.
template <class Visitor>
error_code walk(Reader& reader, Visitor& visitor, std::size_t max_depth) {
    const char* const text = reader.data();
    const std::uint32_t* const tokens = reader.tokens();
    const std::size_t count = reader.count();
    const std::size_t size = reader.size();
    // Where token k ends at the latest: where the next one starts, or the end of the text.
    const auto limit = [&](std::size_t k) { return text + (k + 1 < count ? tokens[k + 1] : size); };
    const auto only_space = [](const char* p, const char* end) {
        for (; p < end; ++p) {
            if (!is_space(*p)) return false;
        }
        return true;
    };
    std::vector<WalkFrame>& stack = reader.stack;  // reused: no allocation per small message
    stack.clear();
    std::size_t k = 0;
    enum class Next { value, key, after_value } next = Next::value;
    // Reads the string token k; hands its content to `use(content, raw)`.
    const auto string_token = [&](auto&& use) -> error_code {
        const char* start = text + tokens[k] + 1;
        const Literal literal = scan_literal(start);
        const char* after = literal.content.data() + literal.content.size() + 1;
        const char* end = limit(k);
        if (after > end || !only_space(after, end)) return simdjson::TAPE_ERROR;
        if (!literal.escaped) {
            use(literal.content, true);
            return SUCCESS;
        }
        const std::string_view decoded = reader.decode(start, literal.content.size());
        if (decoded.data() == nullptr) return simdjson::STRING_ERROR;
        use(decoded, false);
        return SUCCESS;
    };
    for (;;) {
        if (next == Next::after_value) {
            if (stack.empty()) return k == count ? SUCCESS : simdjson::TRAILING_CONTENT;
            if (k >= count) return simdjson::TAPE_ERROR;
            WalkFrame& frame = stack.back();
            const char c = text[tokens[k++]];
            if (c == ',') {
                if (frame.array) visitor.item(frame.count);
                next = frame.array ? Next::value : Next::key;
                continue;
            }
            if (c != (frame.array ? ']' : '}')) return simdjson::TAPE_ERROR;
            const bool array = frame.array;
            const std::size_t members = frame.count;
            stack.pop_back();
            visitor.close(array, members);
            continue;
        }
        if (next == Next::key) {
            if (k >= count || text[tokens[k]] != '"') return simdjson::TAPE_ERROR;
            WalkFrame& frame = stack.back();
            const std::size_t index = frame.count++;
            if (auto error =
                    string_token([&](std::string_view key, bool raw) { visitor.key(index, key, raw); }))
                return error;
            if (++k >= count || text[tokens[k]] != ':') return simdjson::TAPE_ERROR;
            ++k;
            next = Next::value;
            continue;
        }
        // A value.
        if (k >= count) return simdjson::TAPE_ERROR;
        const char c = text[tokens[k]];
        if (c == '[' || c == '{') {
            if (stack.size() >= max_depth) return simdjson::DEPTH_ERROR;
            const bool array = c == '[';
            visitor.open(array);
            ++k;
            if (k < count && text[tokens[k]] == (array ? ']' : '}')) {
                ++k;
                visitor.close(array, 0);
                next = Next::after_value;
                continue;
            }
            stack.push_back(WalkFrame{array, array ? 1U : 0U});
            if (array) visitor.item(0);
            next = array ? Next::value : Next::key;
            continue;
        }
        if (c == '"') {
            if (auto error = string_token([&](std::string_view s, bool raw) { visitor.string(s, raw); }))
                return error;
        } else {
            std::string_view token(text + tokens[k], static_cast<std::size_t>(limit(k) - (text + tokens[k])));
            while (!token.empty() && is_space(token.back())) token.remove_suffix(1);
            if (token == "true" || token == "false") {
                visitor.scalar(Value::Kind::boolean, token);
            } else if (token == "null") {
                visitor.scalar(Value::Kind::null, token);
            } else if (detail::is_json_number(token)) {
                visitor.scalar(Value::Kind::number, token);
            } else {
                return simdjson::TAPE_ERROR;
            }
        }
        ++k;
        next = Next::after_value;
    }
}

class Windows {
public:
    /// Splits `text` when it is shaped like one array (a '[' and a ']' with whitespace around);
    /// otherwise the text is one window, read as a whole document. The cuts need not be right
    /// for a text that is not valid: every window is read as an array of one or more elements,
    /// so the windows are all valid only when the whole array is (a cut is a comma outside any
    /// string: the scan tracks strings by the parity of unescaped quotes, as JSON does).
    explicit Windows(std::string_view text) : m_text(text) {
        const auto open = text.find_first_not_of(" \t\r\n");
        if (open == std::string_view::npos || text[open] != '[') return;
        const auto close = text.find_last_not_of(" \t\r\n");
        if (close == open || text[close] != ']') return;
        m_array = true;
        m_cuts.push_back(open);
        m_close = close;
        const std::size_t window = detail::window_bytes();
        if (close - open <= window) return;  // one window: no cut to look for
        const char* const p = text.data();
        std::size_t depth = 0;
        for (std::size_t i = open; i < close; ++i) {
            const char c = p[i];
            if (c == '"') {  // to the closing quote: one not preceded by an odd run of backslashes
                for (;;) {
                    const void* quote = std::memchr(p + i + 1, '"', close - i - 1);
                    if (quote == nullptr) return;  // unclosed: one window, which will say so
                    i = static_cast<std::size_t>(static_cast<const char*>(quote) - p);
                    std::size_t backslashes = 0;
                    while (p[i - 1 - backslashes] == '\\') ++backslashes;
                    if (backslashes % 2 == 0) break;
                }
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if (c == ']' || c == '}') {
                --depth;
            } else if (c == ',' && depth == 1 && i - m_cuts.back() >= window) {
                m_cuts.push_back(i);
            }
        }
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

/// Reads each window of `windows` with `visitor`, in order.
template <class Visitor>
error_code read(const Windows& windows, Visitor& visitor, std::size_t max_depth) {
    Lease reader;
    for (std::size_t i = 0; i < windows.size(); ++i) {
        if (!windows.text(i, reader->buffer)) return simdjson::TAPE_ERROR;
        if (auto error = reader->index()) return error;
        if (auto error = walk(*reader, visitor, max_depth)) return error;
    }
    return SUCCESS;
}

/// Reads the elements of the array `windows` with `inner`: `begin()` before each, `end()` after.
template <class Inner, class Begin, class End>
error_code read_elements(const Windows& windows, Inner& inner, std::size_t max_depth, Begin&& begin,
                         End&& end) {
    Elements<Inner, std::remove_reference_t<Begin>, std::remove_reference_t<End>> elements(inner, begin, end);
    return read(windows, elements, max_depth);
}

/// Checks the whole text (one pass, nothing built).
error_code check(const Windows& windows, std::size_t max_depth) {
    Check visitor;
    return read(windows, visitor, max_depth);
}

/// Prints the text of `windows` with `print_into(sink)`, which reads it with a Print visitor.
/// Output goes to `out` only once the text is known valid: held for one window, after a checking
/// pass for several. Returns false, writing nothing, when the fast reader refused the text.
template <class PrintInto>
bool print(std::ostream& out, const Windows& windows, std::size_t max_depth, PrintInto&& print_into) {
    const bool one_pass = windows.size() == 1;
    if (!one_pass && check(windows, max_depth) != SUCCESS) return false;
    detail::Sink sink(one_pass ? nullptr : &out);
    if (print_into(sink) != SUCCESS) return false;  // only possible in one pass: nothing was written
    if (one_pass) {
        const std::string text = sink.take();
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    } else {
        sink.flush();
    }
    return true;
}

/// A top-level array printed element by element (write_text): what goes before element `index`,
/// and the close after `count` elements, so that the result is what print() makes of the array.
void before_element(detail::Sink& sink, std::size_t index, bool pretty) {
    sink.put(index == 0 ? '[' : ',');
    if (pretty) sink.indent(1);
}

void close_elements(detail::Sink& sink, std::size_t count, bool pretty) {
    if (count == 0) return sink.put("[]");
    if (pretty) sink.indent(0);
    sink.put(']');
}

/// Reads all of `text` as one document with `visitor` (no windows: a stream message).
template <class Visitor>
error_code read_whole(std::string_view text, Visitor& visitor) {
    Lease reader;
    reader->buffer.assign(text);
    if (auto error = reader->index()) return error;
    return walk(*reader, visitor, Limits{}.max_depth);
}

/// The reference reader's write_text: the worded DecodeError, or what it accepts printed.
void reference_write_text(std::ostream& out, std::string_view text, const PrintOptions& options) {
    const Limits limits;
    detail::Sink sink(&out);
    std::size_t count = 0;
    const bool streamed = detail::sax_for_each_item(
        text,
        [&](Value& item) {
            before_element(sink, count++, options.pretty);
            detail::print(sink, item, options.pretty, options.mask_keys, 1);
        },
        limits);
    if (!streamed) {
        detail::print(sink, detail::sax_parse(text, limits), options.pretty, options.mask_keys);
    } else {
        close_elements(sink, count, options.pretty);
    }
    sink.flush();
}

}  // namespace

std::size_t& detail::fast_reader_after() {
    static std::size_t bytes = std::size_t{64} << 10;
    return bytes;
}

bool& detail::fast_reader_enabled() {
    static bool enabled = true;
    return enabled;
}

bool detail::fast_reader_open() {
    return g_state.load() > 0;
}

std::size_t& detail::window_bytes() {
    static std::size_t bytes = std::size_t{256} << 10;
    return bytes;
}

Value parse(std::string_view text, const Limits& limits) {
    if (!use_fast_reader(text.size())) return detail::sax_parse(text, limits);
    const Windows windows(text);
    Build visitor;
    error_code error = SUCCESS;
    if (windows.array()) {
        visitor.open(true);
        error = read_elements(
            windows, visitor, limits.max_depth, [] {}, [] {});
        visitor.close(true, 0);
    } else {
        error = read(windows, visitor, limits.max_depth);
    }
    if (error != SUCCESS) return detail::sax_parse(text, limits);
    return visitor.take();
}

bool for_each_item(std::string_view text, const std::function<void(Value&)>& on_item, const Limits& limits) {
    if (!use_fast_reader(text.size())) return detail::sax_for_each_item(text, on_item, limits);
    const Windows windows(text);
    if (!windows.array() || check(windows, limits.max_depth) != SUCCESS) {
        return detail::sax_for_each_item(text, on_item, limits);
    }
    Build visitor;
    (void)read_elements(
        windows, visitor, limits.max_depth, [] {},
        [&] {
            Value item = visitor.take();
            on_item(item);
        });  // checked above: it cannot fail
    return true;
}

bool for_each_row(std::string_view text, const std::vector<std::string>& keys,
                  const std::vector<std::string>& mask_keys, const std::function<void(const Row&)>& on_row,
                  const Limits& limits) {
    if (use_fast_reader(text.size())) {
        const Windows windows(text);
        if (windows.array() && check(windows, limits.max_depth) == SUCCESS) {
            Cells cells(keys, mask_keys);
            (void)read_elements(
                windows, cells, limits.max_depth, [&] { cells.begin(); },
                [&] { on_row(cells.row()); });  // checked above: it cannot fail
            return true;
        }
    }
    // The reference reader: the worded DecodeError, or the rows of the models it builds.
    Row row;
    const auto field = [&](std::string key, const Value& value, bool masked) {
        Row::Field f{std::move(key), value.kind(), {}};
        if (value.is_array() || value.is_object()) {
            detail::Sink sink(nullptr);
            detail::print(sink, value, false, mask_keys);
            f.text = sink.take();
        } else {
            f.text = masked && value.is_string() && !value.text().empty() ? "********" : value.text();
        }
        row.fields.push_back(std::move(f));
    };
    return detail::sax_for_each_item(
        text,
        [&](Value& item) {
            row.object = item.is_object();
            row.fields.clear();
            if (!row.object) {
                field({}, item, false);
            } else {
                for (const auto& [key, member] : item.members()) {
                    if (std::find(keys.begin(), keys.end(), key) == keys.end()) continue;
                    field(key, member, !mask_keys.empty() && detail::is_mask_key(key, mask_keys));
                }
            }
            on_row(row);
        },
        limits);
}

bool is_valid(std::string_view text, const Limits& limits) {
    return (use_fast_reader(text.size()) && check(Windows(text), limits.max_depth) == SUCCESS) ||
           detail::sax_is_valid(text, limits);
}

void write_text(std::ostream& out, std::string_view text, const PrintOptions& options) {
    const std::size_t max_depth = Limits{}.max_depth;
    const Windows windows(text);
    const bool printed =
        use_fast_reader(text.size()) && print(out, windows, max_depth, [&](detail::Sink& sink) {
            if (!windows.array()) {
                Print visitor(sink, options.pretty, options.mask_keys, 0);
                return read(windows, visitor, max_depth);
            }
            Print visitor(sink, options.pretty, options.mask_keys, 1);
            std::size_t count = 0;
            const error_code error = read_elements(
                windows, visitor, max_depth, [&] { before_element(sink, count++, options.pretty); }, [] {});
            close_elements(sink, count, options.pretty);
            return error;
        });
    if (!printed) reference_write_text(out, text, options);
}

bool write_ndjson_items(std::ostream& out, std::string_view text, const std::vector<std::string>& mask_keys) {
    const Limits limits;
    const Windows windows(text);
    // Not shaped like an array: the reference decides (nothing for another value; the elements
    // of an array it accepts in another shape, such as one followed by a NUL byte).
    const bool printed = windows.array() && use_fast_reader(text.size()) &&
                         print(out, windows, limits.max_depth, [&](detail::Sink& sink) {
                             Print visitor(sink, false, mask_keys, 0);
                             return read_elements(
                                 windows, visitor, limits.max_depth, [] {}, [&] { sink.put('\n'); });
                         });
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

bool compact(std::string_view text, std::string& out, const std::vector<std::string>& mask_keys) {
    return read_message(text, {}, mask_keys, out).has_value();
}

namespace {

/// read_list by the fast reader; nullopt when it refuses the text (the reference then decides).
std::optional<ListPage> fast_list(std::string_view text, const std::vector<std::string>& keys,
                                  const PrintOptions& options, std::size_t first_index, std::size_t max_items,
                                  std::string& out) {
    const std::size_t max_depth = Limits{}.max_depth;
    ListPage page;
    // Printed straight after what `out` holds (a list gathered from many pages is not copied
    // page by page); cut back to it when the text is refused.
    const std::size_t before = out.size();
    detail::Sink sink(nullptr);
    sink.resume(std::move(out));
    const auto refused = [&] {
        out = sink.take();
        out.resize(before);
        return std::nullopt;
    };
    Item item(sink, options);
    const auto begin = [&] {
        item.begin(page.count < max_items);
        if (item.printing() && options.pretty) before_element(sink, first_index + page.count, true);
    };
    const auto end = [&] {
        if (item.printing() && !options.pretty) sink.put('\n');
        std::string id = item.id();
        if (page.count++ == 0) page.first_id = id;
        page.last_id = std::move(id);
    };
    const Windows windows(text);
    if (windows.array()) {
        page.list = true;
        if (read_elements(windows, item, max_depth, begin, end) != SUCCESS) return refused();
    } else {
        // An object: one walk finds the member holding the list, a second prints its elements.
        Lease reader;
        reader->buffer.assign(text);
        if (reader->index() != SUCCESS) return refused();
        Envelope envelope(keys);
        if (walk(*reader, envelope, max_depth) != SUCCESS) return refused();
        const std::size_t member = envelope.list_member();
        if (envelope.object() && member != k_no_member) {
            page.list = true;
            page.next_null = envelope.next_null();
            Elements<Item, decltype(begin), decltype(end)> elements(item, begin, end);
            Within<decltype(elements)> within(elements, member);
            (void)walk(*reader, within, max_depth);  // the first walk found the text valid
        }
    }
    out = sink.take();
    return page;
}

/// An `id` as read_list keeps it: compact JSON, "" when absent or null or not an object.
std::string id_text(const Value& item) {
    const Value* id = item.is_object() ? item.find("id") : nullptr;
    if (id == nullptr || id->is_null()) return {};
    detail::Sink sink(nullptr);
    detail::print(sink, *id, false, {});
    return sink.take();
}

}  // namespace

ListPage read_list(std::string_view text, const std::vector<std::string>& keys, const PrintOptions& options,
                   std::size_t first_index, std::size_t max_items, std::string& out) {
    if (use_fast_reader(text.size())) {
        if (auto page = fast_list(text, keys, options, first_index, max_items, out)) return *page;
    }
    // The reference reader: the worded DecodeError, or what it accepts, from its model.
    const Value value = detail::sax_parse(text, Limits{});
    ListPage page;
    const Value* items = value.is_array() ? &value : nullptr;
    if (value.is_object()) {
        for (const std::string& key : keys) {
            if (const Value* member = value.find(key); member != nullptr && member->is_array()) {
                items = member;
                break;
            }
        }
        if (const Value* next = value.find("next"); next != nullptr) page.next_null = next->is_null();
    }
    if (items == nullptr) return ListPage{};
    page.list = true;
    page.count = items->items().size();
    if (page.count > 0) {
        page.first_id = id_text(items->items().front());
        page.last_id = id_text(items->items().back());
    }
    detail::Sink sink(nullptr);
    for (std::size_t i = 0; i < page.count && i < max_items; ++i) {
        if (options.pretty) before_element(sink, first_index + i, true);
        detail::print(sink, items->items()[i], options.pretty, options.mask_keys, options.pretty ? 1 : 0);
        if (!options.pretty) sink.put('\n');
    }
    out.append(sink.take());
    return page;
}

void close_list(std::string& out, std::size_t count) {
    detail::Sink sink(nullptr);
    close_elements(sink, count, true);
    out.append(sink.take());
}

std::optional<std::vector<Value>> read_message(std::string_view text,
                                               std::initializer_list<std::string_view> keys,
                                               const std::vector<std::string>& mask_keys, std::string& out) {
    if (use_fast_reader(text.size())) {
        const std::size_t before = out.size();
        detail::Sink sink(nullptr);
        sink.resume(std::move(out));
        Peek peek(keys);
        Print print(sink, false, mask_keys, 0);
        Both<Peek, Print> both(peek, print);
        const bool read = read_whole(text, both) == SUCCESS;
        out = sink.take();
        if (read) return peek.take();
        out.resize(before);
    }
    // The reference reader builds the model (a small message, until the library is opened).
    Value value;
    try {
        value = detail::sax_parse(text, Limits{});
    } catch (const DecodeError&) {
        return std::nullopt;
    }
    detail::Sink sink(nullptr);
    detail::print(sink, value, false, mask_keys);
    out.append(sink.take());
    std::vector<Value> found;
    if (!value.is_object()) return found;
    for (const std::string_view key : keys) {
        const Value* member = value.find(key);
        found.push_back(member != nullptr && (member->is_string() || member->is_number()) ? *member
                                                                                          : Value());
    }
    return found;
}

}  // namespace hyperoru::json
