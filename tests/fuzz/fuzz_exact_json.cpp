// The exact JSON model and its printers (include/hyperoru/exact_json.hpp): what the user sees is
// the server's data, with the same keys in the same order and the same number text.
// Properties:
//  - is_valid() and parse() agree: parse throws (DecodeError only) exactly when is_valid is false;
//  - whatever nlohmann/json accepts, at a depth within the limit, is valid here too;
//  - the indented, compact and NDJSON outputs re-parse to the same document: same kinds, same
//    keys in the same order, equal strings and every number's text unchanged; printing is
//    idempotent, and write() and to_string() agree;
//  - with mask keys, exactly the non-empty string members under those keys become "********";
//  - ObjectWriter::add_json keeps the value exactly, and refuses invalid JSON with UsageError;
//  - the fast reader (simdjson) and the reference reader (nlohmann/json SAX) agree on every
//    input, whatever the window size the first byte picks: same validity, same document, same
//    error message, the same text from write_text and write_ndjson_items as from the model's
//    printers, and nothing written for an invalid text; read_list (the pages of --all: elements
//    printed, ids, next) and for_each_row (a table's cells) give the same by either reader.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "client/exact_json_detail.hpp"
#include "fuzz/fuzz_check.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace {

using hyperoru::json::PrintOptions;
using hyperoru::json::Value;

bool is_masked(const std::string& key, const Value& value, const std::vector<std::string>& mask_keys) {
    if (!value.is_string() || value.text().empty()) return false;
    for (const auto& k : mask_keys) {
        if (k == key) return true;
    }
    return false;
}

/// `printed` is `original` after a print and a parse: same structure and text everywhere, except
/// that masked members read "********".
bool same(const Value& original, const Value& printed, const std::vector<std::string>& mask_keys = {}) {
    if (original.kind() != printed.kind()) return false;
    switch (original.kind()) {
        case Value::Kind::array: {
            const auto& a = original.items();
            const auto& b = printed.items();
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (!same(a[i], b[i], mask_keys)) return false;
            }
            return true;
        }
        case Value::Kind::object: {
            const auto& a = original.members();
            const auto& b = printed.members();
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (a[i].first != b[i].first) return false;
                if (is_masked(a[i].first, a[i].second, mask_keys)) {
                    if (!b[i].second.is_string() || b[i].second.text() != "********") return false;
                } else if (!same(a[i].second, b[i].second, mask_keys)) {
                    return false;
                }
            }
            return true;
        }
        default: return original.text() == printed.text();  // number lexeme, string content, literal
    }
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        lines.push_back(text.substr(start, end - start));
    }
    FUZZ_CHECK(start == text.size());  // every line, the last one included, ends with '\n'
    return lines;
}

void check_printers(const Value& value) {
    for (const bool pretty : {true, false}) {
        const PrintOptions options{pretty, {}};
        const std::string text = hyperoru::json::to_string(value, options);
        std::ostringstream stream;
        hyperoru::json::write(stream, value, options);
        FUZZ_CHECK(stream.str() == text);
        if (!pretty) FUZZ_CHECK(text.find_first_of("\n\r\t") == std::string::npos);
        FUZZ_CHECK(hyperoru::json::is_valid(text));
        const Value again = hyperoru::json::parse(text);
        FUZZ_CHECK(same(value, again));
        FUZZ_CHECK(hyperoru::json::to_string(again, options) == text);
    }

    std::ostringstream ndjson;
    hyperoru::json::write_ndjson(ndjson, value);
    const std::vector<std::string> lines = lines_of(ndjson.str());
    if (value.is_array()) {
        FUZZ_CHECK(lines.size() == value.items().size());
        for (std::size_t i = 0; i < lines.size(); ++i) {
            FUZZ_CHECK(same(value.items()[i], hyperoru::json::parse(lines[i])));
        }
    } else {
        FUZZ_CHECK(lines.size() == 1);
        FUZZ_CHECK(same(value, hyperoru::json::parse(lines[0])));
    }

    const auto& mask_keys = hyperoru::json::default_mask_keys();
    const std::string masked = hyperoru::json::to_string(value, PrintOptions{false, mask_keys});
    FUZZ_CHECK(same(value, hyperoru::json::parse(masked), mask_keys));
}

std::string decode_error(const auto& action) {
    try {
        action();
    } catch (const hyperoru::DecodeError& e) {
        return e.what();
    }
    return {};
}

/// The fast reader against the reference on `text`.
void check_against_reference(std::string_view text) {
    namespace json = hyperoru::json;
    namespace detail = hyperoru::json::detail;
    const json::Limits limits;
    const bool valid = json::is_valid(text);
    FUZZ_CHECK(valid == detail::sax_is_valid(text, limits));
    const auto& mask_keys = json::default_mask_keys();
    std::ostringstream pretty;
    std::ostringstream compact;
    std::ostringstream ndjson;
    bool streamed = false;
    const std::string text_error = decode_error([&] {
        json::write_text(pretty, text, PrintOptions{true, {}});
    });
    decode_error([&] { json::write_text(compact, text, PrintOptions{false, mask_keys}); });
    decode_error([&] { streamed = json::write_ndjson_items(ndjson, text, mask_keys); });
    std::vector<Value> items;
    bool each = false;
    const std::string items_error = decode_error(
        [&] { each = json::for_each_item(text, [&](Value& item) { items.push_back(std::move(item)); }); });
    if (!valid) {
        const std::string reference = decode_error([&] { detail::sax_parse(text, limits); });
        FUZZ_CHECK(!reference.empty());
        FUZZ_CHECK(decode_error([&] { json::parse(text); }) == reference);
        FUZZ_CHECK(text_error == reference);
        FUZZ_CHECK(pretty.str().empty() && compact.str().empty() && ndjson.str().empty() && items.empty());
        if (!items_error.empty()) FUZZ_CHECK(items_error == reference);
        return;
    }
    const Value reference = detail::sax_parse(text, limits);
    const Value value = json::parse(text);
    FUZZ_CHECK(same(reference, value));
    FUZZ_CHECK(text_error.empty() && items_error.empty());
    FUZZ_CHECK(pretty.str() == json::to_string(reference, PrintOptions{true, {}}));
    FUZZ_CHECK(compact.str() == json::to_string(reference, PrintOptions{false, mask_keys}));
    std::ostringstream expected_ndjson;
    if (reference.is_array()) {
        json::write_ndjson(expected_ndjson, reference, mask_keys);
        FUZZ_CHECK(streamed && each && items.size() == reference.items().size());
        for (std::size_t i = 0; i < items.size(); ++i) FUZZ_CHECK(same(reference.items()[i], items[i]));
    } else {
        FUZZ_CHECK(!streamed && !each && items.empty());
    }
    FUZZ_CHECK(ndjson.str() == expected_ndjson.str());
}

/// What read_list() and for_each_row() make of `text`, as one string (the error when it throws).
std::string list_and_rows(std::string_view text) {
    namespace json = hyperoru::json;
    static const std::vector<std::string> keys = {"rows", "items", "data", "results"};
    static const std::vector<std::string> columns = {"id", "a", "", "api_key"};
    std::string out;
    for (const bool pretty : {true, false}) {
        std::string printed = "kept";
        const std::string error = decode_error([&] {
            const json::ListPage page =
                json::read_list(text, keys, PrintOptions{pretty, json::default_mask_keys()}, pretty ? 0 : 1,
                                pretty ? 3 : 1000, printed);
            out += std::to_string(page.list) + std::to_string(page.count) + "|" + page.first_id + "|" +
                   page.last_id + "|" + std::to_string(page.next_null) + "|";
        });
        out += error + "|" + printed + "\n";
    }
    bool rows = false;
    std::string cells;
    const std::string error = decode_error([&] {
        rows = json::for_each_row(text, columns, json::default_mask_keys(), [&](const json::Row& row) {
            cells += row.object ? "{" : "[";
            for (const auto& field : row.fields) {
                cells +=
                    field.key + "=" + std::to_string(static_cast<int>(field.kind)) + ":" + field.text + ",";
            }
        });
    });
    return out + std::to_string(rows) + error + "|" + cells;
}

/// read_list and for_each_row by the fast reader against the same by the reference alone.
void check_lists_against_reference(std::string_view text) {
    const std::string fast = list_and_rows(text);
    hyperoru::json::detail::fast_reader_enabled() = false;
    const std::string reference = list_and_rows(text);
    hyperoru::json::detail::fast_reader_enabled() = true;
    FUZZ_CHECK(fast == reference);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The first byte picks the window of the fast reader: 1 to 16 bytes (a cut at almost every
    // comma), or the default.
    hyperoru::json::detail::fast_reader_after() = 0;  // every input through the fast reader
    std::size_t& window = hyperoru::json::detail::window_bytes();
    const std::size_t default_window = window;
    if (size > 0 && static_cast<unsigned char>(data[0]) < 0x20) window = (data[0] & 0x0F) + 1;
    check_against_reference(text);
    check_lists_against_reference(text);
    FUZZ_CHECK(hyperoru::json::detail::fast_reader_open());
    window = default_window;
    const bool valid = hyperoru::json::is_valid(text);
    // Every '[' or '{' could open a level: inputs this short cannot pass the depth limit.
    if (size <= hyperoru::json::Limits{}.max_depth && nlohmann::json::accept(text)) FUZZ_CHECK(valid);

    Value value;
    try {
        value = hyperoru::json::parse(text);
    } catch (const hyperoru::DecodeError&) {
        FUZZ_CHECK(!valid);
        try {
            hyperoru::json::ObjectWriter().add_json("k", text);
            FUZZ_CHECK(false);  // invalid JSON must be refused
        } catch (const hyperoru::UsageError&) {
        }
        return 0;
    }
    FUZZ_CHECK(valid);
    check_printers(value);

    hyperoru::json::ObjectWriter writer;
    writer.add_string("before", "x").add_json("k", text);
    const Value body = hyperoru::json::parse(writer.str(), hyperoru::json::Limits{1024});  // one level more
    FUZZ_CHECK(body.is_object() && body.members().size() == 2 && body.members()[1].first == "k");
    FUZZ_CHECK(same(value, body.members()[1].second));
    return 0;
}
