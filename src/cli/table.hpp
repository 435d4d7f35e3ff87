#pragma once
/// Human-readable output: aligned tables and key/value listings of server data.
///
/// Everything shown here comes from the server, so every piece of text is passed through
/// sanitize_for_terminal() first: a response must not be able to move the cursor, recolour or
/// clear the terminal, or reorder what the user reads (bidi controls).
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

/// One table column. The cell of a row is the value of the first key in `keys` that the row has
/// with a non-null value (so one column can cover a field the server names in two ways).
struct Column {
    std::string header;             ///< shown as is (after sanitising) on the header line
    std::vector<std::string> keys;  ///< member names looked up in order
};

/// Neutralises server text for a terminal. Becomes visible, printable escapes:
///  - C0 controls and DEL: "\x1B" style (two upper-case hex digits), except tab, newline and
///    carriage return, which become the two characters "\t", "\n", "\r";
///  - C1 controls (U+0080-U+009F) and the bidi controls U+202A-U+202E, U+2066-U+2069:
///    "\u202E" style (four upper-case hex digits);
///  - bytes that are not well-formed UTF-8: "\xHH", one per byte.
/// Everything else, including all other non-ASCII text and backslashes, is kept as is, so the
/// result is valid UTF-8 and a single line.
std::string sanitize_for_terminal(std::string_view text);

/// sanitize_for_terminal() for text of several lines (a text body, the developer guide, the AI's
/// reply): newlines and tabs are kept, every other character is treated as there.
std::string sanitize_text_for_terminal(std::string_view text);

/// JSON text made safe for a terminal without changing what it means: DEL, C1 controls and bidi
/// controls (which valid JSON may carry unescaped inside strings) become \u escapes, and a byte
/// that is not well-formed UTF-8 becomes U+FFFD. C0 controls cannot occur unescaped in valid
/// JSON; any that do are escaped too.
std::string json_for_terminal(std::string_view json_text);

/// Text of one table cell: a string's sanitised content; a number's original text; "true" or
/// "false"; "-" for null; an array or object as compact JSON (sanitised).
std::string cell_text(const json::Value& value);

/// Width of `text` in terminal columns, per grapheme cluster, from utf8proc's Unicode data: two
/// for East Asian wide and fullwidth characters (CJK, Hangul, fullwidth forms) and emoji (with
/// their skin tones, ZWJ sequences, variation selector 16 and flags), nothing more for combining
/// marks, one otherwise. Meant for sanitised text; a stray invalid byte counts as one column.
std::size_t display_width(std::string_view text);

/// The SGR sequence that colours a status word on a terminal, or "" for a word that has no
/// colour. Case-insensitive. Green (32) for a good or finished state (ok, healthy, active,
/// running, filled, completed, complete, success, succeeded, connected, enabled), yellow (33)
/// for one still under way (pending, open, new, queued, processing, partially_filled, partial),
/// red (31) for a failed or stopped one (error, failed, failure, rejected, cancelled, canceled,
/// stopped, inactive, disconnected, expired, disabled).
std::string_view status_colour(std::string_view word);

/// Resets the colour after a coloured word.
inline constexpr std::string_view k_colour_reset = "\x1b[0m";

/// Writes `rows` (an array; any other value is shown as a single row) as a table: a header
/// line, then one line per row. Columns are separated by two spaces and left-aligned by display
/// width; the last column is not padded and no line ends in a space. A missing or null cell
/// shows "-". A row that is not an object shows its cell text in the first column. Every line
/// ends with '\n'. With no columns (e.g. an array of strings, see columns_from_rows), each row's
/// cell text is written on a line of its own, without a header.
/// With `colour`, the cells of a column whose keys include "status" or "state" are wrapped in
/// status_colour() and k_colour_reset; alignment still uses the plain text's width.
void write_table(std::ostream& out, const json::Value& rows, const std::vector<Column>& columns,
                 bool colour = false);

/// write_table one row at a time: only each row's cells are kept (a list of 60 000 traders
/// never has to be held as JSON to be shown as a table).
class TableWriter {
public:
    explicit TableWriter(std::vector<Column> columns, bool colour = false);
    void add(const json::Value& row);
    /// The same row, as json::for_each_row hands it (secrets already masked) with the members of
    /// the columns: a table with columns only.
    void add(const json::Row& row);
    void write(std::ostream& out) const;

private:
    void push_cell(std::string_view cell);

    std::vector<Column> m_columns;
    std::vector<bool> m_coloured;  ///< per column: shows a status (only when colour is on)
    // The cells, line by line (the header line, if any, first; one cell a line without columns),
    // kept one after the other in one text: a cell costs its bytes and two numbers.
    std::string m_text;
    std::vector<std::uint32_t> m_sizes;   ///< each cell's size in m_text
    std::vector<std::uint32_t> m_widths;  ///< each cell's display width
};

/// Columns for write_table derived from the data: the union of the keys of all object rows, in
/// first-seen order, each with its key upper-cased (ASCII only) as header. Empty when no row is
/// an object.
std::vector<Column> columns_from_rows(const json::Value& rows);

/// One column per key, in order, each with the key upper-cased (ASCII only) as header.
std::vector<Column> columns_for_keys(const std::vector<std::string>& keys);

/// Writes an object as two columns, "key  value", one member per line in order, keys padded to
/// the widest key; values via cell_text(). No line ends in a space. A value that is not an
/// object is written as cell_text(value) followed by '\n'; an empty object writes nothing.
/// With `colour`, the values of the keys "status" and "state" are coloured as in write_table.
void write_key_values(std::ostream& out, const json::Value& object, bool colour = false);

}  // namespace hyperoru::cli
