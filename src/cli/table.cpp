// Tables and key/value listings for humans; see table.hpp.
#include "cli/table.hpp"

#include <algorithm>
#include <cstdint>
#include <ostream>

#include <utf8proc.h>

namespace hyperoru::cli {

namespace {

struct Decoded {
    char32_t code_point = 0;
    std::size_t length = 0;  ///< 0: the bytes at the position are not well-formed UTF-8
};

/// Decodes one code point; rejects overlong forms, surrogates and values above U+10FFFF.
Decoded decode_utf8(std::string_view text, std::size_t pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const unsigned char b0 = byte(0);
    if (b0 < 0x80) return {b0, 1};
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        cp = b0 & 0x1Fu;
        min = 0x80;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        cp = b0 & 0x0Fu;
        min = 0x800;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        cp = b0 & 0x07u;
        min = 0x10000;
    } else {
        return {};
    }
    if (text.size() - pos < length) return {};
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0u) != 0x80u) return {};
        cp = (cp << 6) | (byte(i) & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
    return {cp, length};
}

void append_hex(std::string& out, std::string_view prefix, std::uint32_t value, int digits) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    out += prefix;
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
        out += k_hex[(value >> static_cast<unsigned>(shift)) & 0xFu];
    }
}

bool is_bidi_control(char32_t cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/// Whether `text` is printable ASCII only: nearly every cell, which needs neither sanitising
/// nor a Unicode width.
bool is_printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
}

/// Bytes of a table collected before one write to the stream.
constexpr std::size_t k_write_chunk = std::size_t{64} << 10;

void pad(std::string& line, std::size_t count) {
    line.append(count, ' ');
}

/// Ends a line: trailing spaces (from padding before an empty last cell) are dropped.
void end_line(std::ostream& out, std::string& line) {
    line.erase(line.find_last_not_of(' ') + 1);
    line += '\n';
    out << line;
    line.clear();
}

/// The cell for `row` in `column`: the first listed key present with a non-null value.
std::string column_cell(const json::Value& row, const Column& column) {
    for (const std::string& key : column.keys) {
        const json::Value* value = row.find(key);
        if (value != nullptr && !value->is_null()) return cell_text(*value);
    }
    return "-";
}

bool shows_status(const std::string& key) {
    return key == "status" || key == "state";
}

/// `cell` as shown: wrapped in its status colour when it has one.
void append_cell(std::string& line, std::string_view cell, bool coloured) {
    const std::string_view sgr = coloured ? status_colour(cell) : std::string_view();
    if (sgr.empty()) {
        line.append(cell);
        return;
    }
    line.append(sgr).append(cell).append(k_colour_reset);
}

std::string upper_ascii(std::string text) {
    for (char& ch : text) {
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    }
    return text;
}

}  // namespace

std::string_view status_colour(std::string_view word) {
    static constexpr std::string_view k_green = "\x1b[32m", k_yellow = "\x1b[33m", k_red = "\x1b[31m";
    static constexpr std::pair<std::string_view, std::string_view> k_words[] = {
        {"ok", k_green},          {"healthy", k_green},
        {"active", k_green},      {"running", k_green},
        {"filled", k_green},      {"executed", k_green},  // the contract's order status once done
        {"completed", k_green},   {"complete", k_green},
        {"success", k_green},     {"succeeded", k_green},
        {"connected", k_green},   {"enabled", k_green},
        {"pending", k_yellow},    {"open", k_yellow},
        {"new", k_yellow},        {"queued", k_yellow},
        {"processing", k_yellow}, {"partially_filled", k_yellow},
        {"partial", k_yellow},    {"error", k_red},
        {"failed", k_red},        {"failure", k_red},
        {"rejected", k_red},      {"cancelled", k_red},
        {"canceled", k_red},      {"stopped", k_red},
        {"inactive", k_red},      {"disconnected", k_red},
        {"expired", k_red},       {"disabled", k_red},
    };
    const auto same = [](std::string_view a, std::string_view b) {
        return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
                   return (x >= 'A' && x <= 'Z' ? static_cast<char>(x - 'A' + 'a') : x) == y;
               });
    };
    for (const auto& [known, sgr] : k_words) {
        if (same(word, known)) return sgr;
    }
    return {};
}

std::string sanitize_for_terminal(std::string_view text) {
    // Printable ASCII, nearly every cell, is kept as it is.
    if (is_printable_ascii(text)) return std::string(text);
    std::string out;
    out.reserve(text.size());
    std::size_t pos = 0;
    while (pos < text.size()) {
        const Decoded d = decode_utf8(text, pos);
        if (d.length == 0) {
            append_hex(out, "\\x", static_cast<unsigned char>(text[pos]), 2);
            ++pos;
            continue;
        }
        const char32_t cp = d.code_point;
        if (cp == '\t') {
            out += "\\t";
        } else if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp < 0x20 || cp == 0x7F) {
            append_hex(out, "\\x", cp, 2);
        } else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
            append_hex(out, "\\u", cp, 4);
        } else {
            out.append(text.substr(pos, d.length));
        }
        pos += d.length;
    }
    return out;
}

std::string sanitize_text_for_terminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\n' || text[i] == '\t') {
            out += sanitize_for_terminal(text.substr(start, i - start));
            if (i < text.size()) out += text[i];
            start = i + 1;
        }
    }
    return out;
}

std::string json_for_terminal(std::string_view json_text) {
    std::string out;
    out.reserve(json_text.size());
    std::size_t pos = 0;
    while (pos < json_text.size()) {
        const Decoded d = decode_utf8(json_text, pos);
        if (d.length == 0) {
            out += "\xEF\xBF\xBD";  // U+FFFD
            ++pos;
            continue;
        }
        const char32_t cp = d.code_point;
        if ((cp < 0x20 && cp != '\n' && cp != '\t' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F) ||
            is_bidi_control(cp)) {
            append_hex(out, "\\u", cp, 4);
        } else {
            out.append(json_text.substr(pos, d.length));
        }
        pos += d.length;
    }
    return out;
}

std::string cell_text(const json::Value& value) {
    switch (value.kind()) {
        case json::Value::Kind::null: return "-";
        case json::Value::Kind::string: return sanitize_for_terminal(value.text());
        case json::Value::Kind::array:
        case json::Value::Kind::object:
            return sanitize_for_terminal(json::to_string(value, json::PrintOptions{false, {}}));
        default: return value.text();  // number lexeme, "true", "false"
    }
}

std::size_t display_width(std::string_view text) {
    // Widths come from utf8proc (Unicode's East Asian Width and emoji presentation data), per
    // grapheme cluster rather than per code point: a cluster is as wide as its first code point
    // that takes space (a base letter with its combining marks: 1; an emoji with a skin tone, or
    // a ZWJ family: 2), a variation selector 16 asks for emoji presentation (2), and a pair of
    // regional indicators is one flag (2). This is what current terminals draw.
    // Printable ASCII, nearly every cell, is one column a character (no cluster spans two of
    // them): a quarter of a large table's time was spent learning that from utf8proc.
    if (is_printable_ascii(text)) return text.size();
    std::size_t width = 0;
    std::size_t cluster = 0;  // the width of the cluster being read
    utf8proc_int32_t previous = -1;
    utf8proc_int32_t state = 0;
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    std::size_t pos = 0;
    while (pos < text.size()) {
        utf8proc_int32_t cp = -1;
        const utf8proc_ssize_t length =
            utf8proc_iterate(bytes + pos, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
        if (length <= 0 || cp < 0) {  // a stray byte: one column, a cluster of its own
            width += cluster + 1;
            cluster = 0;
            previous = -1;
            state = 0;
            ++pos;
            continue;
        }
        if (previous >= 0 && utf8proc_grapheme_break_stateful(previous, cp, &state)) {
            width += cluster;
            cluster = 0;
        }
        const bool regional = cp >= 0x1F1E6 && cp <= 0x1F1FF;
        if (cluster == 0) {
            cluster = regional ? 2u : static_cast<std::size_t>(std::max(0, utf8proc_charwidth(cp)));
        } else if (cp == 0xFE0F) {
            cluster = 2;
        }
        previous = cp;
        pos += static_cast<std::size_t>(length);
    }
    return width + cluster;
}

TableWriter::TableWriter(std::vector<Column> columns, bool colour) : m_columns(std::move(columns)) {
    for (const Column& column : m_columns) {
        push_cell(sanitize_for_terminal(column.header));
        m_coloured.push_back(colour && std::any_of(column.keys.begin(), column.keys.end(), shows_status));
    }
}

void TableWriter::push_cell(std::string_view cell) {
    // A cell is part of one response body, whose size the transport caps far below 4 GiB.
    m_text.append(cell);
    m_sizes.push_back(static_cast<std::uint32_t>(cell.size()));
    m_widths.push_back(static_cast<std::uint32_t>(display_width(cell)));
}

void TableWriter::add(const json::Value& row) {
    if (m_columns.empty()) {  // e.g. an array of strings: one value per line
        push_cell(cell_text(row));
    } else if (row.is_object()) {
        for (const Column& column : m_columns) push_cell(column_cell(row, column));
    } else {
        push_cell(cell_text(row));
        for (std::size_t c = 1; c < m_columns.size(); ++c) push_cell({});
    }
}

namespace {

/// cell_text() of a field of a json::Row.
std::string field_cell(const json::Row::Field& field) {
    switch (field.kind) {
        case json::Value::Kind::null: return "-";
        case json::Value::Kind::string:
        case json::Value::Kind::array:
        case json::Value::Kind::object: return sanitize_for_terminal(field.text);
        default: return field.text;  // number lexeme, "true", "false"
    }
}

}  // namespace

void TableWriter::add(const json::Row& row) {
    if (m_columns.empty() || !row.object) {
        push_cell(row.fields.empty() ? std::string() : field_cell(row.fields.front()));
        for (std::size_t c = 1; c < m_columns.size(); ++c) push_cell({});
        return;
    }
    // column_cell(): the first of the column's keys whose (first) member is not null.
    for (const Column& column : m_columns) {
        std::string cell = "-";
        for (const std::string& key : column.keys) {
            const auto field = std::find_if(row.fields.begin(), row.fields.end(),
                                            [&](const json::Row::Field& f) { return f.key == key; });
            if (field != row.fields.end() && field->kind != json::Value::Kind::null) {
                cell = field_cell(*field);
                break;
            }
        }
        push_cell(cell);
    }
}

void TableWriter::write(std::ostream& out) const {
    // Lines go out in large writes (a table of 60 000 rows is not 60 000 stream calls).
    std::string text;
    const auto put = [&](bool last) {
        if (!last && text.size() < k_write_chunk) return;
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        text.clear();
    };
    std::size_t at = 0;  // where the next cell starts in m_text
    const auto next_cell = [&](std::size_t i) {
        const std::string_view cell = std::string_view(m_text).substr(at, m_sizes[i]);
        at += m_sizes[i];
        return cell;
    };
    if (m_columns.empty()) {
        for (std::size_t i = 0; i < m_sizes.size(); ++i) {
            text.append(next_cell(i)).push_back('\n');
            put(false);
        }
        return put(true);
    }
    const std::size_t columns = m_columns.size();
    std::vector<std::uint32_t> column_width(columns, 0);
    for (std::size_t i = 0; i < m_widths.size(); ++i) {
        column_width[i % columns] = std::max(column_width[i % columns], m_widths[i]);
    }
    std::string line;
    for (std::size_t i = 0; i < m_sizes.size(); ++i) {
        const std::size_t c = i % columns;
        append_cell(line, next_cell(i), i >= columns && m_coloured[c]);  // the first line: the header
        if (c + 1 < columns) {
            pad(line, column_width[c] - m_widths[i] + 2);
            continue;
        }
        line.erase(line.find_last_not_of(' ') + 1);  // no trailing spaces (an empty last cell)
        text.append(line).push_back('\n');
        line.clear();
        put(false);
    }
    put(true);
}

void write_table(std::ostream& out, const json::Value& rows, const std::vector<Column>& columns,
                 bool colour) {
    TableWriter table(columns, colour);
    if (rows.is_array()) {
        for (const json::Value& row : rows.items()) table.add(row);
    } else {
        table.add(rows);
    }
    table.write(out);
}

std::vector<Column> columns_from_rows(const json::Value& rows) {
    std::vector<Column> columns;
    const auto add_keys = [&](const json::Value& row) {
        if (!row.is_object()) return;
        for (const auto& member : row.members()) {
            const std::string& key = member.first;
            const bool known = std::any_of(columns.begin(), columns.end(),
                                           [&](const Column& c) { return c.keys.front() == key; });
            if (known) continue;
            columns.push_back(Column{upper_ascii(key), {key}});
        }
    };
    if (rows.is_array()) {
        for (const json::Value& row : rows.items()) add_keys(row);
    } else {
        add_keys(rows);
    }
    return columns;
}

std::vector<Column> columns_for_keys(const std::vector<std::string>& keys) {
    std::vector<Column> columns;
    for (const std::string& key : keys) columns.push_back(Column{upper_ascii(key), {key}});
    return columns;
}

void write_key_values(std::ostream& out, const json::Value& object, bool colour) {
    if (!object.is_object()) {
        out << cell_text(object) << '\n';
        return;
    }
    std::vector<std::string> keys;
    std::size_t key_width = 0;
    for (const auto& member : object.members()) {
        keys.push_back(sanitize_for_terminal(member.first));
        key_width = std::max(key_width, display_width(keys.back()));
    }
    std::string line;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        line += keys[i];
        pad(line, key_width - display_width(keys[i]) + 2);
        const auto& [key, value] = object.members()[i];
        append_cell(line, cell_text(value), colour && shows_status(key));
        end_line(out, line);
    }
}

}  // namespace hyperoru::cli
