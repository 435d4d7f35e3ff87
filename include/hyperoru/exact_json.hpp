#pragma once
/// Exact JSON: a small ordered document model that keeps every number's original text, its
/// printers (indented, compact, NDJSON) and a writer for request bodies.
///
/// Server data shown to the user goes through here, so key order and number text are exactly
/// as received (`0.00000012` never becomes `1.2e-07`). Parsing uses nlohmann/json's SAX
/// interface, which hands over the original lexeme of floating-point numbers.
#include <cstddef>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hyperoru::json {

/// Bounds on what the parser accepts (sizes are capped earlier, by the transport).
struct Limits {
    /// Deeper nesting is a DecodeError, never a stack overflow. Parsing and printing do not
    /// recurse; destroying a Value does, so this cap is also what keeps destruction safe.
    std::size_t max_depth = 512;
};

/// One JSON value. Objects keep member order and duplicate keys as received.
/// A plain value type: copies are deep; no shared state, so distinct Values may be used from
/// different threads.
class Value {
public:
    enum class Kind { null, boolean, number, string, array, object };

    Value() = default;  ///< null
    static Value null();
    static Value boolean(bool b);
    /// `lexeme` must be a valid JSON number: it is not checked, and printed exactly as given.
    static Value number(std::string lexeme);
    static Value string(std::string text);  ///< decoded UTF-8 content, unescaped
    static Value array(std::vector<Value> items = {});
    /// Members in the order given; duplicate keys are kept.
    static Value object(std::vector<std::pair<std::string, Value>> members = {});

    Kind kind() const noexcept { return m_kind; }
    bool is_null() const noexcept { return m_kind == Kind::null; }
    bool is_bool() const noexcept { return m_kind == Kind::boolean; }
    bool is_number() const noexcept { return m_kind == Kind::number; }
    bool is_string() const noexcept { return m_kind == Kind::string; }
    bool is_array() const noexcept { return m_kind == Kind::array; }
    bool is_object() const noexcept { return m_kind == Kind::object; }

    /// Number lexeme, string content, "true"/"false", or "null". Empty for arrays/objects.
    const std::string& text() const noexcept { return m_text; }
    /// An array's elements; empty for the other kinds (and only printed for an array).
    const std::vector<Value>& items() const noexcept { return m_items; }
    std::vector<Value>& items() noexcept { return m_items; }
    /// An object's members (key, value) in order; empty for the other kinds (and only printed
    /// for an object).
    const std::vector<std::pair<std::string, Value>>& members() const noexcept { return m_members; }
    std::vector<std::pair<std::string, Value>>& members() noexcept { return m_members; }

    /// First member named `key` of an object; nullptr if absent or not an object.
    const Value* find(std::string_view key) const noexcept;

private:
    static Value scalar(Kind kind, std::string text);

    Kind m_kind = Kind::null;
    std::string m_text = "null";
    std::vector<Value> m_items;
    std::vector<std::pair<std::string, Value>> m_members;
};

/// Parses JSON text (RFC 8259; no comments). Throws hyperoru::DecodeError on empty input,
/// invalid JSON, invalid UTF-8, trailing garbage or nesting deeper than limits.max_depth; the
/// message reads "invalid JSON at byte N (line L, column C): <reason>" and never echoes the
/// input. Numbers keep their text, including ones a double cannot hold (`1e400`, `-0`).
Value parse(std::string_view text, const Limits& limits = {});

/// When `text` is a JSON array: checks the whole text (DecodeError as parse() would, before any
/// call), then hands each element to `on_item` as it is parsed, so memory holds one element at
/// a time however long the array; returns true. Returns false, calling nothing, for any other
/// JSON value (or text that does not start with '[').
bool for_each_item(std::string_view text, const std::function<void(Value&)>& on_item,
                   const Limits& limits = {});

/// One element of a list as a table row (for_each_row): its members, or for an element that is
/// not an object the element itself as one field with an empty key.
struct Row {
    struct Field {
        std::string key;
        Value::Kind kind = Value::Kind::null;
        /// A string's content (decoded), a number's lexeme, "true", "false" or "null", or an
        /// array or object printed compact.
        std::string text;
    };
    bool object = false;
    std::vector<Field> fields;
};

/// for_each_item for a table, with no document model: `on_row` gets each element's top-level
/// members named in `keys` (every such member, in order, duplicates included), with the
/// string values of `mask_keys` printed "********" at every depth (as PrintOptions::mask_keys).
/// The Row is reused from one element to the next. Returns false, calling nothing, when `text`
/// is not an array; DecodeError (before any call) as for_each_item.
bool for_each_row(std::string_view text, const std::vector<std::string>& keys,
                  const std::vector<std::string>& mask_keys, const std::function<void(const Row&)>& on_row,
                  const Limits& limits = {});

/// True when `text` is one complete, valid JSON value (surrounding whitespace allowed) within
/// `limits`. Never throws for bad input.
bool is_valid(std::string_view text, const Limits& limits = {});

/// How write(), to_string() and write_text() print.
struct PrintOptions {
    bool pretty = true;  ///< indented with 2 spaces, like `jq .`; false: compact, no spaces
    /// String values of object members with these keys are printed as "********"
    /// (api_key, llm_api_key, session_token: §5.25). Empty or null values are left alone.
    std::vector<std::string> mask_keys;
};

/// The keys the client masks whenever it prints server data: api_key, llm_api_key and
/// session_token.
const std::vector<std::string>& default_mask_keys();

/// Writes `value` as JSON; numbers use their original lexeme; strings are escaped the way
/// nlohmann/json's dump() escapes them (non-ASCII UTF-8 kept as is, other control characters
/// as \u00xx). Bytes that are not valid UTF-8 (only possible in Values built by the program)
/// are written as U+FFFD, so the output is always valid JSON. No trailing newline.
/// Output goes to `out` in large blocks; the stream is not flushed.
void write(std::ostream& out, const Value& value, const PrintOptions& options = {});
/// What write() would print, as a string.
std::string to_string(const Value& value, const PrintOptions& options = {});

/// NDJSON: an array prints one compact element per line; any other value prints as one compact
/// line. Every line ends with '\n'. An empty array prints nothing.
void write_ndjson(std::ostream& out, const Value& value, const std::vector<std::string>& mask_keys = {});

/// write(out, parse(text), options), with a top-level array printed element by element (see
/// for_each_item): a 30 MB list never becomes a document model. DecodeError before any output
/// when `text` is not valid JSON.
void write_text(std::ostream& out, std::string_view text, const PrintOptions& options = {});

/// When `text` is a JSON array, its elements as NDJSON, parsed one at a time; returns true.
/// Otherwise writes nothing and returns false. DecodeError (before any output) as
/// for_each_item.
bool write_ndjson_items(std::ostream& out, std::string_view text,
                        const std::vector<std::string>& mask_keys = {});

/// Appends `text`, printed compactly (write_text with pretty off), to `out` and returns true;
/// returns false, appending nothing, when `text` is not valid JSON. One pass for a stream
/// message: no document model, no exception for an invalid one.
bool compact(std::string_view text, std::string& out, const std::vector<std::string>& mask_keys = {});

/// A stream message classified and printed in one pass (no document model): compact() into
/// `out`, and for each of `keys` the first top-level member of that name if it is a string
/// (decoded) or a number (its lexeme), else null. The members are found only when `text` is an
/// object (otherwise the vector is empty); nullopt, appending nothing, when `text` is not JSON.
std::optional<std::vector<Value>> read_message(std::string_view text,
                                               std::initializer_list<std::string_view> keys,
                                               const std::vector<std::string>& mask_keys, std::string& out);

/// What read_list() found in one page of a list.
struct ListPage {
    bool list = false;       ///< false: the text is JSON but holds no list; nothing was printed
    std::size_t count = 0;   ///< elements of the list
    std::string first_id{};  ///< the first element's `id` as compact JSON; "" when it has none or null
    std::string last_id{};   ///< the same for the last element
    bool next_null = false;  ///< the text is an object whose first `next` member is null
};

/// One page of a list (--all) in one pass, with no document model. The list is `text` itself
/// when it is an array, else the first member named by `keys` (tried in order; the first member
/// of a name counts) of an object that is an array. Appends its first `max_items` elements to
/// `out`, printed per `options`: pretty, each after '[' (element `first_index` == 0) or ',' and
/// a new line indented one level, so that the pages' elements followed by close_list() print
/// what write() prints of one array of them all; compact, each on a line of its own (NDJSON).
/// Throws DecodeError as parse() does when `text` is not valid JSON, appending nothing.
ListPage read_list(std::string_view text, const std::vector<std::string>& keys, const PrintOptions& options,
                   std::size_t first_index, std::size_t max_items, std::string& out);

/// Ends a list printed pretty by read_list() after `count` elements in all ("[]" when none).
void close_list(std::string& out, std::size_t count);

/// `s` as a JSON string literal, quotes included, escaped as write() escapes strings.
std::string quote(std::string_view s);

/// Builds a JSON object body member by member, keeping each value's text exactly as given.
/// Adding a key that is already present replaces that member's value in place: the member
/// keeps its original position and the body never carries a duplicate key.
class ObjectWriter {
public:
    /// `value` as a JSON string (escaped as quote() does).
    ObjectWriter& add_string(std::string_view key, std::string_view value);
    /// `json_text` must be valid JSON; it is re-emitted compactly with its number text intact.
    /// Throws hyperoru::UsageError if it is not valid JSON.
    ObjectWriter& add_json(std::string_view key, std::string_view json_text);
    /// `value` printed compactly, its number text intact; never masked.
    ObjectWriter& add_value(std::string_view key, const Value& value);
    /// Whether a member named `key` (exact) has been added.
    bool has(std::string_view key) const;
    /// Compact object text, members in insertion order ("{}" when none), e.g. {"a":1,"b":"x"}.
    std::string str() const;

private:
    std::vector<std::pair<std::string, std::string>> m_members;  // key, compact value text
};

}  // namespace hyperoru::json
