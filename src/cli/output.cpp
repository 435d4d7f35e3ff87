#include "cli/output.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <limits>
#include <sstream>
#include <utility>

#include "cli/status.hpp"
#include "cli/usage.hpp"
#include "hyperoru/client.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::cli {

namespace {

/// For -o raw, which prints the bytes as they came: the number of elements of a top-level array,
/// by a scan that follows only strings and nesting (no validation, no model: parsing every page
/// only to count it cost more than fetching it). nullopt for anything but an array.
std::optional<std::size_t> raw_array_size(std::string_view text) {
    std::size_t i = text.find_first_not_of(" \t\r\n");
    if (i == std::string_view::npos || text[i] != '[') return std::nullopt;
    std::size_t depth = 0, commas = 0;
    bool any = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\') ++i;
            }
            any = true;
        } else if (c == '[' || c == '{') {
            if (depth++ > 0) any = true;
        } else if (c == ']' || c == '}') {
            if (--depth == 0) break;
        } else if (c == ',' && depth == 1) {
            ++commas;
        } else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            any = true;
        }
    }
    return any ? commas + 1 : 0;
}

bool is_secret_key(const std::string& key) {
    const auto& keys = json::default_mask_keys();
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

/// How results are shown, beyond the format: --fields and colour.
struct Style {
    const std::vector<std::string>& fields;
    bool colour = false;
};

/// The columns of a table of `rows`: the --fields, else the view's, else the rows' own keys.
std::vector<Column> table_columns(const TableView& view, const json::Value& rows, const Style& style) {
    if (!style.fields.empty()) return columns_for_keys(style.fields);
    return view.columns.empty() ? columns_from_rows(rows) : view.columns;
}

void print_table(std::ostream& out, json::Value value, const TableView& view, const Style& style) {
    mask_secrets(value);
    // With --fields a list is a table of those fields whatever the view.
    if (view.kind == TableView::Kind::rows || !style.fields.empty()) {
        if (const json::Value* rows = list_items(value, view.items_key)) {
            if (rows->items().empty()) {
                out << view.empty_message << '\n';
                return;
            }
            write_table(out, *rows, table_columns(view, *rows, style), style.colour);
            return;
        }
    }
    if (view.kind == TableView::Kind::rows && value.is_object()) {  // a single item: a one-row table
        const json::Value rows = json::Value::array({std::move(value)});
        write_table(out, rows, table_columns(view, rows, style), style.colour);
        return;
    }
    // Key/value lines show the object as --fields leaves it: a field it lacks is left out, as in
    // JSON (only a table, which needs a cell in every row, shows "-" for it).
    keep_fields(value, style.fields);
    write_key_values(out, value, style.colour);
}

}  // namespace

void keep_fields(json::Value& object, const std::vector<std::string>& fields) {
    if (fields.empty() || !object.is_object()) return;
    // A field the object does not have is left out, never added as null: the output shows only
    // what the server sent, and a script can tell "absent" from "null". The names are distinct
    // (checked when parsed); with a duplicate key in the object, its first member is kept.
    auto& members = object.members();
    std::vector<std::size_t> chosen;
    for (const std::string& name : fields) {
        const auto it = std::find_if(members.begin(), members.end(),
                                     [&](const auto& member) { return member.first == name; });
        if (it != members.end()) chosen.push_back(static_cast<std::size_t>(it - members.begin()));
    }
    std::vector<std::pair<std::string, json::Value>> kept;
    kept.reserve(chosen.size());
    for (const std::size_t index : chosen) kept.push_back(std::move(members[index]));
    members = std::move(kept);
}

namespace {

/// --fields naming a member that no row of the result has is a typo (it would print `{}` rows or a
/// table of "-"): a usage error naming the members there are. An empty list proves nothing.
void check_fields_known(const json::Value& result, const std::vector<std::string>& fields,
                        const std::string& items_key) {
    if (fields.empty()) return;
    std::vector<const json::Value*> rows;
    if (const json::Value* items = list_items(result, items_key)) {
        for (const json::Value& item : items->items()) rows.push_back(&item);
    } else {
        rows.push_back(&result);
    }
    std::vector<std::string> known;
    for (const json::Value* row : rows) {
        if (!row->is_object()) continue;
        for (const auto& [name, member] : row->members()) {
            if (std::find(known.begin(), known.end(), name) == known.end()) known.push_back(name);
        }
    }
    if (known.empty()) return;
    for (const std::string& field : fields) {
        if (std::find(known.begin(), known.end(), field) != known.end()) continue;
        std::string message = "--fields: no result has \"" + field + "\"";
        if (const auto near = nearest_names(field, known); !near.empty())
            message += "; did you mean \"" + near.front() + "\"?";
        message += " (fields:";
        for (const auto& name : known) message += " " + name;
        throw UsageError(message + ")");
    }
}

}  // namespace

void keep_fields_of_result(json::Value& result, const std::vector<std::string>& fields,
                           const std::string& items_key) {
    if (fields.empty()) return;
    if (json::Value* items = list_items(result, items_key)) {
        for (json::Value& item : items->items()) keep_fields(item, fields);
    } else {
        keep_fields(result, fields);
    }
}

namespace {

/// The members of an object answer that may hold its list, in the order they are tried (§1.10):
/// the view's own key, then items, data and results.
std::vector<std::string> list_keys(const std::string& items_key) {
    std::vector<std::string> keys = {"items", "data", "results"};
    if (!items_key.empty()) keys.insert(keys.begin(), items_key);
    return keys;
}

}  // namespace

const json::Value* list_items(const json::Value& value, const std::string& items_key) {
    if (value.is_array()) return &value;
    if (value.is_object()) {
        for (const std::string& key : list_keys(items_key)) {
            if (const json::Value* items = value.find(key); items != nullptr && items->is_array())
                return items;
        }
    }
    return nullptr;
}

json::Value* list_items(json::Value& value, const std::string& items_key) {
    return const_cast<json::Value*>(list_items(std::as_const(value), items_key));
}

void mask_secrets(json::Value& value) {
    if (value.is_array()) {
        for (auto& item : value.items()) mask_secrets(item);
    } else if (value.is_object()) {
        for (auto& [key, member] : value.members()) {
            if (member.is_string() && !member.text().empty() && is_secret_key(key)) {
                member = json::Value::string("********");
            } else {
                mask_secrets(member);
            }
        }
    }
}

json::Value body_value(const RawReply& reply) {
    if (!is_json_content_type(reply.content_type)) return json::Value::string(reply.body);
    return json::parse(reply.body);
}

namespace {

/// The JSON formats print the value exactly (secrets masked); table renders it per the view.
void print_value(std::ostream& out, Format format, json::Value value, const TableView& view,
                 const Style& style) {
    json::PrintOptions options;
    options.mask_keys = json::default_mask_keys();
    switch (format) {
        case Format::json:
            keep_fields_of_result(value, style.fields, view.items_key);
            json::write(out, value, options);
            out << '\n';
            break;
        case Format::ndjson: {
            keep_fields_of_result(value, style.fields, view.items_key);
            // An envelope (§1.10) prints its items one per line, like a bare list.
            const json::Value* items = value.is_object() ? list_items(value, {}) : nullptr;
            json::write_ndjson(out, items != nullptr ? *items : value, options.mask_keys);
            break;
        }
        case Format::table: print_table(out, std::move(value), view, style); break;
        case Format::raw: break;  // handled by the callers: raw never parses
    }
}

/// A top-level array with --fields in json or ndjson, one element at a time (like
/// json::write_text and json::write_ndjson_items, which print elements unchanged): each element
/// is trimmed to the fields, then printed. False, printing nothing, when `body` is not an array.
bool print_selected_items(std::ostream& out, Format format, std::string_view body, const Style& style) {
    const json::PrintOptions options{format == Format::json, json::default_mask_keys()};
    bool first = true;
    std::string text;
    const bool streamed = json::for_each_item(body, [&](json::Value& item) {
        keep_fields(item, style.fields);
        text = json::to_string(item, options);
        if (format == Format::ndjson) {
            text += '\n';
        } else {
            // One level deeper inside the array. A newline in the printed JSON is always
            // indentation: one inside a string is written as the two characters \n.
            std::string indented = first ? "[\n  " : ",\n  ";
            for (const char c : text) {
                indented += c;
                if (c == '\n') indented += "  ";
            }
            text = std::move(indented);
        }
        first = false;
        out << text;
    });
    if (streamed && format == Format::json) out << (first ? "[]\n" : "\n]\n");
    return streamed;
}

/// A table of a top-level array, read one row at a time and keeping only each row's cells. False when
/// there are no fixed columns (neither --fields nor the view's) or the body is not an array.
bool print_table_rows(std::ostream& out, std::string_view body, const TableView& view, const Style& style) {
    std::vector<Column> columns;
    if (!style.fields.empty()) {
        columns = columns_for_keys(style.fields);
    } else if (view.kind == TableView::Kind::rows && !view.columns.empty()) {
        columns = view.columns;
    } else {
        return false;
    }
    // A row holds only the members its columns show, as text: no document model.
    std::vector<std::string> keys;
    for (const Column& column : columns) keys.insert(keys.end(), column.keys.begin(), column.keys.end());
    TableWriter table(std::move(columns), style.colour);
    bool empty = true;
    const bool streamed =
        json::for_each_row(body, keys, json::default_mask_keys(), [&](const json::Row& row) {
            table.add(row);
            empty = false;
        });
    if (!streamed) return false;
    if (empty) {
        out << view.empty_message << '\n';
    } else {
        table.write(out);
    }
    return true;
}

/// A JSON body in the chosen format. A top-level array (the 30 MB account list) is printed as it
/// is parsed, never held as a whole document; anything else goes through print_value.
void print_body(std::ostream& out, Format format, std::string_view body, const TableView& view,
                const Style& style) {
    switch (format) {
        case Format::json:
            if (!style.fields.empty()) {
                if (print_selected_items(out, format, body, style)) return;
                break;
            }
            json::write_text(out, body, json::PrintOptions{true, json::default_mask_keys()});
            out << '\n';
            return;
        case Format::ndjson:
            if (!style.fields.empty() ? print_selected_items(out, format, body, style)
                                      : json::write_ndjson_items(out, body, json::default_mask_keys()))
                return;
            break;
        case Format::table:
            if (print_table_rows(out, body, view, style)) return;
            break;
        case Format::raw: return;
    }
    print_value(out, format, json::parse(body), view, style);
}

}  // namespace

Printer::Printer(std::ostream& out, Format format, bool terminal, bool colour,
                 std::vector<std::string> fields)
    : m_out(out), m_format(format), m_terminal(terminal), m_colour(colour), m_fields(std::move(fields)) {}

void Printer::emit_json(const std::string& text) {
    if (m_terminal) {
        m_out << json_for_terminal(text);
    } else {
        m_out << text;
    }
}

void Printer::emit_text(std::string_view text) {
    if (m_terminal) {
        m_out << sanitize_text_for_terminal(text);
    } else {
        m_out << text;
    }
}

http::BodySink* Printer::raw_sink() {
    return m_format == Format::raw && !m_terminal ? &m_raw_sink : nullptr;
}

void Printer::reply(const RawReply& reply, const TableView& view) {
    if (m_format == Format::raw) {
        emit_text(reply.body);
        return;
    }
    if (reply.body.empty()) return;
    if (!is_json_content_type(reply.content_type)) {  // §1.11: a text answer, shown as text
        emit_text(reply.body);
        if (reply.body.back() != '\n') m_out << '\n';
        return;
    }
    if (!m_fields.empty() && json::is_valid(reply.body))
        check_fields_known(json::parse(reply.body), m_fields, view.items_key);
    const Style style{m_fields, m_colour};
    if (view.kind == TableView::Kind::text && m_format == Format::table && m_fields.empty()) {
        const json::Value value = json::parse(reply.body);
        if (const json::Value* text = value.find(view.items_key); text != nullptr && text->is_string()) {
            emit_text(text->text());
            if (!text->text().empty() && text->text().back() != '\n') m_out << '\n';
            return;
        }
    }
    if (!m_terminal || m_format == Format::table) {
        print_body(m_out, m_format, reply.body, view, style);  // tables sanitise every cell
        return;
    }
    std::ostringstream text;
    print_body(text, m_format, reply.body, view, style);
    emit_json(text.str());
}

void Printer::value(json::Value value, const TableView& view) {
    if (m_format == Format::raw) {
        emit_json(json::to_string(value, json::PrintOptions{false, {}}));
        m_out << '\n';
        return;
    }
    const Style style{m_fields, m_colour};
    if (!m_terminal || m_format == Format::table) {
        print_value(m_out, m_format, std::move(value), view, style);
        return;
    }
    std::ostringstream text;
    print_value(text, m_format, std::move(value), view, style);
    emit_json(text.str());
}

void Printer::local(json::Value data, json::Value for_people, const TableView& view) {
    value(m_format == Format::table ? std::move(for_people) : std::move(data), view);
}

void Printer::layout(const RawReply& data, const std::function<void(std::ostream&)>& for_people) {
    if (m_format == Format::table && m_fields.empty()) {
        for_people(m_out);
    } else {
        reply(data);
    }
}

void Printer::replies(const std::vector<RawReply>& replies, const TableView& view) {
    if (replies.size() == 1) {
        reply(replies.front(), view);
        return;
    }
    if (m_format == Format::raw) {
        for (const auto& one : replies) {
            emit_text(one.body);
            if (!one.body.empty() && one.body.back() != '\n') m_out << '\n';
        }
        return;
    }
    json::Value all = json::Value::array();
    for (const auto& one : replies) all.items().push_back(body_value(one));
    value(std::move(all), view);
}

Printer::Pages Printer::pages(const TableView& view, std::optional<long> limit) {
    return Pages(*this, view, limit);
}

Printer::Pages::Pages(Printer& printer, TableView view, std::optional<long> limit)
    : m_printer(printer), m_view(std::move(view)), m_limit(limit), m_all(json::Value::array()) {}

bool Printer::Pages::full() const {
    return m_limit && static_cast<long>(m_count) >= *m_limit;
}

bool Printer::Pages::closed() const {
    return !m_printer.m_out;
}

namespace {

/// The text of an item's `id`, or "" when it has none.
std::string id_text(const json::Value& item) {
    const json::Value* id = item.is_object() ? item.find("id") : nullptr;
    return id != nullptr && !id->is_null() ? json::to_string(*id, json::PrintOptions{false, {}})
                                           : std::string();
}

}  // namespace

bool Printer::Pages::repeats(std::string first_id, std::string last_id) {
    auto ids = std::make_pair(std::move(first_id), std::move(last_id));
    if (!ids.first.empty() && !ids.second.empty() && ids == m_previous_ids) return true;
    m_previous_ids = std::move(ids);
    return false;
}

bool Printer::Pages::fast() const {
    return (m_printer.m_format == Format::json || m_printer.m_format == Format::ndjson) &&
           m_printer.m_fields.empty();
}

bool Printer::Pages::streams() const {
    return fast() || m_printer.m_format == Format::ndjson || m_printer.m_format == Format::raw;
}

PageResult Printer::Pages::add_fast(const RawReply& page) {
    Printer& p = m_printer;
    const std::vector<std::string> keys = list_keys(m_view.items_key);  // where list_items() looks
    const bool pretty = p.m_format == Format::json;
    const std::size_t room = !m_limit ? std::numeric_limits<std::size_t>::max()
                             : *m_limit > static_cast<long>(m_count)
                                 ? static_cast<std::size_t>(*m_limit) - m_count
                                 : 0;
    std::string printed;
    printed.reserve(page.body.size() + page.body.size() / 2);  // a page prints a third larger or so
    const json::ListPage list =
        is_json_content_type(page.content_type)
            ? json::read_list(page.body, keys, json::PrintOptions{pretty, json::default_mask_keys()}, m_count,
                              room, printed)
            : json::ListPage{};
    if (!list.list) {  // not a list: nothing to page through
        finish();      // a list begun is closed first
        p.reply(page, m_view);
        return {};
    }
    m_listed = true;
    if (list.count > 0 && repeats(list.first_id, list.last_id)) return {true, 0, false, true};
    m_count += std::min(list.count, room);
    p.emit_json(printed);
    p.m_out.flush();  // pages show as they arrive
    return {true, list.count, list.next_null};
}

PageResult Printer::Pages::add(const RawReply& page) {
    Printer& p = m_printer;
    if (!page.body.empty() && page.body == m_previous_body) return {true, 0, false, true};
    m_previous_body = page.body;
    if (fast()) return add_fast(page);
    if (p.m_format == Format::raw) {
        p.emit_text(page.body);
        p.m_out << '\n' << std::flush;
        if (closed()) return {true, 0, true};
        const auto received =
            is_json_content_type(page.content_type) ? raw_array_size(page.body) : std::nullopt;
        if (received) {
            m_count += *received;
            return {true, *received, false};
        }
    }
    json::Value value = body_value(page);
    json::Value* items = list_items(value, m_view.items_key);
    if (items == nullptr) {  // not a list: nothing to page through
        if (p.m_format != Format::raw) p.reply(page, m_view);
        return {};
    }
    if (m_count == 0) check_fields_known(value, p.m_fields, m_view.items_key);  // before anything shows
    PageResult result{true, items->items().size(), false};
    if (!items->items().empty()) {
        if (repeats(id_text(items->items().front()), id_text(items->items().back())))
            return {true, 0, false, true};
    }
    if (const json::Value* next = value.is_object() ? value.find("next") : nullptr; next != nullptr)
        result.no_next = next->is_null();
    for (auto& item : items->items()) {
        if (full()) break;
        ++m_count;
        if (p.m_format == Format::ndjson) {
            keep_fields(item, p.m_fields);
            std::ostringstream line;
            json::write_ndjson(line, item, json::default_mask_keys());
            p.emit_json(line.str());
        } else if (p.m_format != Format::raw) {
            m_all.items().push_back(std::move(item));
        }
    }
    if (p.m_format == Format::ndjson) p.m_out.flush();  // pages show as they arrive
    return result;
}

void Printer::Pages::finish() {
    if (m_finished) return;
    m_finished = true;
    if (fast()) {
        if (m_printer.m_format != Format::json || !m_listed) return;
        std::string end;
        json::close_list(end, m_count);
        m_printer.emit_json(end + '\n');
        return;
    }
    if (m_printer.m_format == Format::json || m_printer.m_format == Format::table)
        m_printer.value(std::move(m_all), m_view);
}

namespace {

/// The time of day for a person: local time (TZ honoured) with its zone, "14:03:07 CET".
std::string clock_text(std::chrono::system_clock::time_point t) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
    std::tm local{};
    if (::localtime_r(&seconds, &local) == nullptr) return "--:--:--";
    char buffer[64];
    if (std::strftime(buffer, sizeof buffer, "%H:%M:%S %Z", &local) == 0) return "--:--:--";
    return buffer;
}

/// --fields on a stream message: the event's fields are its `data` object when it has one (as
/// on the readable line), else the message's own members, of which `type` and `request_id` are
/// always kept: they say what the message is.
void select_message_fields(json::Value& message, const std::vector<std::string>& fields) {
    if (fields.empty() || !message.is_object()) return;
    const auto data = std::find_if(message.members().begin(), message.members().end(),
                                   [](const auto& member) { return member.first == "data"; });
    if (data != message.members().end() && data->second.is_object()) {
        keep_fields(data->second, fields);
        return;
    }
    std::vector<std::string> with_kind = {"type", "request_id"};
    for (const std::string& field : fields) {
        if (field != "type" && field != "request_id") with_kind.push_back(field);
    }
    keep_fields(message, with_kind);
}

/// One readable line for a terminal: local time with its zone, type, then the payload's fields. Long text
/// (the AI's reasoning) is shown as it is, with control characters made harmless.
std::string readable(const json::Value& value) {
    std::string line;
    const json::Value* type = value.find("type");
    line += type != nullptr && type->is_string() ? sanitize_for_terminal(type->text()) : std::string("?");
    const json::Value* data = value.find("data");
    const json::Value& fields = data != nullptr && data->is_object() ? *data : value;
    if (!fields.is_object()) return line + "  " + cell_text(fields);
    for (const auto& [key, field] : fields.members()) {
        if (&fields == &value && (key == "type" || key == "request_id")) continue;
        line += "  " + sanitize_for_terminal(key) + "=" + cell_text(field);
    }
    return line;
}

}  // namespace

bool Printer::message(std::string_view text, std::chrono::system_clock::time_point at,
                      const std::optional<std::string>& compact) {
    if (m_format == Format::raw) {
        emit_text(text);
        m_out << '\n';
        return static_cast<bool>(m_out);
    }
    if (m_format != Format::table && m_fields.empty()) {
        // The common case, at wire speed: checked and printed in one pass, no document model.
        if (compact) {
            emit_json(*compact);
        } else {
            m_line.clear();
            if (!json::compact(text, m_line, json::default_mask_keys())) m_line = json::quote(text);
            emit_json(m_line);  // one line whatever it holds, and still JSON
        }
        m_out << '\n';
        return static_cast<bool>(m_out);
    }
    // Parsed once: json::parse accepts exactly what json::is_valid does, and says so by throwing.
    std::optional<json::Value> value;
    try {
        value = json::parse(text);
    } catch (const DecodeError&) {
    }
    if (!value) {
        if (m_format == Format::table) {
            m_out << clock_text(at) << "  ?  " << sanitize_for_terminal(text) << '\n';
        } else {
            emit_json(json::quote(text));  // one line whatever it holds, and still JSON
            m_out << '\n';
        }
    } else {
        mask_secrets(*value);
        select_message_fields(*value, m_fields);
        if (m_format == Format::table) {
            m_out << clock_text(at) << "  " << readable(*value) << '\n';
        } else {
            emit_json(json::to_string(*value, json::PrintOptions{false, {}}));
            m_out << '\n';
        }
    }
    return static_cast<bool>(m_out);
}

bool Printer::flush() {
    m_out.flush();
    return static_cast<bool>(m_out);
}

void Printer::stream_reply(const std::string& text) {
    if (m_format == Format::raw) {
        emit_text(text);
        return;
    }
    json::Value value = json::parse(text);
    const json::Value* data = value.find("data");
    RawReply raw;
    raw.content_type = "application/json";
    raw.body = json::to_string(data != nullptr ? *data : value);
    reply(raw);
}

void Printer::event(const std::string& json_line, const std::optional<std::string>& text) {
    if (m_format == Format::table) {
        if (!text) return;
        emit_text(*text);
        m_text_open = true;
    } else {
        emit_json(json_line);
        m_out << '\n';
    }
    m_out.flush();
}

void Printer::request(const http::Request& request) {
    m_out << request.method << ' ' << request.url << '\n';
    for (const auto& header : request.headers) {
        const bool secret = header.name == "Authorization";
        m_out << header.name << ": " << (secret ? "Bearer <redacted>" : header.value) << '\n';
    }
    if (request.body) m_out << '\n' << *request.body << '\n';
}

void Printer::end_text() {
    if (m_text_open) m_out << '\n';
    m_text_open = false;
}

int report_error(Context& context, const ErrorReport& report) {
    context.status().clear();  // a spinner or progress line never shares the error's line
    const std::string& output = context.options().output;
    print_error(context.err(), output == "json" || output == "ndjson", context.options().verbose, report);
    return report.exit_code;
}

namespace {

/// "7.2 s"; "30 s" for whole seconds given by people (--timeout 30), "0.5 s" otherwise.
std::string seconds_text(double seconds, bool tenths) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, tenths ? "%.1f s" : "%g s", seconds);
    return buffer;
}

std::string attempts_text(int attempts) {
    return std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
}

}  // namespace

ErrorReport network_error(const TransportError& error, const GlobalOptions& options) {
    ErrorReport report{error.what(), 0, {}, {}, {}, k_exit_network};
    if (error.authority.empty()) return report;  // not a call of the client (the live stream)
    const std::string failed = describe_failure(error.kind(), error.what(), error.authority);
    const std::string tried = " after " + attempts_text(error.attempts()) + " in " +
                              seconds_text(static_cast<double>(error.elapsed.count()) / 1000.0, true);
    switch (error.kind()) {
        case http::FailureKind::resolve:
            report.message = failed + tried + "; check --base-url and your network";
            break;
        case http::FailureKind::connect:
            report.message = failed + tried + "; is the server running? check --base-url";
            break;
        case http::FailureKind::timeout: {
            // The budget is spent when less than a tenth of a second of it is left.
            const auto budget = std::chrono::duration<double>(options.timeout_seconds);
            if (std::chrono::duration<double>(error.elapsed) + std::chrono::milliseconds(100) >= budget) {
                report.message = "no answer from " + error.authority + " within " +
                                 seconds_text(options.timeout_seconds, false) + " (--timeout; " +
                                 attempts_text(error.attempts()) +
                                 "); is the server overloaded? a larger --timeout waits longer";
            } else {  // each attempt gave up on its own: connect timeout, or no data for a while
                report.message = "no answer from " + error.authority + tried + " (" + error.what() +
                                 "); is the server reachable? check --base-url";
            }
            break;
        }
        default: break;
    }
    return report;
}

void print_error(std::ostream& err, bool as_json, bool verbose, const ErrorReport& report) {
    if (as_json) {
        json::ObjectWriter object;
        object.add_string("error", report.message);
        if (report.status != 0) object.add_json("status", std::to_string(report.status));
        if (report.code) object.add_string("code", *report.code);
        if (report.request_id) object.add_string("request_id", *report.request_id);
        if (report.details && verbose) object.add_json("details", *report.details);
        object.add_json("exit_code", std::to_string(report.exit_code));
        err << object.str() << '\n';
        return;
    }
    err << "hyperoru: error: " << sanitize_for_terminal(report.message);
    std::vector<std::string> parts;
    if (report.status != 0) parts.push_back("HTTP " + std::to_string(report.status));
    if (report.code) parts.push_back("code " + sanitize_for_terminal(*report.code));
    if (report.request_id) parts.push_back("request_id " + sanitize_for_terminal(*report.request_id));
    if (!parts.empty()) {
        err << " (";
        for (std::size_t i = 0; i < parts.size(); ++i) err << (i ? ", " : "") << parts[i];
        err << ')';
    }
    err << '\n';
    if (verbose && report.details)
        err << "hyperoru: details: " << sanitize_for_terminal(*report.details) << '\n';
}

}  // namespace hyperoru::cli
