#include "cli/output.hpp"

#include <algorithm>
#include <utility>

#include "client/decode.hpp"

namespace hyperoru::cli {

namespace {

bool is_secret_key(const std::string& key) {
    const auto& keys = json::default_mask_keys();
    return std::find(keys.begin(), keys.end(), key) != keys.end();
}

void print_text_body(std::ostream& out, const std::string& body) {
    out << body;
    if (!body.empty() && body.back() != '\n') out << '\n';
}

/// How the context wants results shown, beyond the format: --fields and colour.
struct Style {
    const std::vector<std::string>& fields;
    bool colour = false;
};

Style style_of(Context& context) {
    return {context.options().fields, context.format() == Format::table && context.colour()};
}

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

void keep_fields_of_result(json::Value& result, const std::vector<std::string>& fields,
                           const std::string& items_key) {
    if (fields.empty()) return;
    if (json::Value* items = list_items(result, items_key)) {
        for (json::Value& item : items->items()) keep_fields(item, fields);
    } else {
        keep_fields(result, fields);
    }
}

const json::Value* list_items(const json::Value& value, const std::string& items_key) {
    if (value.is_array()) return &value;
    if (value.is_object()) {
        if (!items_key.empty()) {
            if (const json::Value* items = value.find(items_key); items != nullptr && items->is_array())
                return items;
        }
        for (const char* key : {"items", "data", "results"}) {
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
    TableWriter table(std::move(columns), style.colour);
    bool empty = true;
    const bool streamed = json::for_each_item(body, [&](json::Value& row) {
        mask_secrets(row);
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

void print_reply(Context& context, const RawReply& reply, const TableView& view) {
    std::ostream& out = context.out();
    const Format format = context.format();
    if (format == Format::raw) {
        out << reply.body;
        return;
    }
    if (reply.body.empty()) return;
    if (!is_json_content_type(reply.content_type)) {
        print_text_body(out, reply.body);
        return;
    }
    print_body(out, format, reply.body, view, style_of(context));
}

void print_parsed(Context& context, json::Value value, const TableView& view) {
    print_value(context.out(), context.format(), std::move(value), view, style_of(context));
}

void print_replies(Context& context, const std::vector<RawReply>& replies, const TableView& view) {
    if (replies.size() == 1) {
        print_reply(context, replies.front(), view);
        return;
    }
    const Format format = context.format();
    if (format == Format::raw) {
        for (const auto& reply : replies) print_text_body(context.out(), reply.body);
        return;
    }
    json::Value all = json::Value::array();
    for (const auto& reply : replies) all.items().push_back(body_value(reply));
    print_value(context.out(), format, std::move(all), view, style_of(context));
}

int report_error(Context& context, const ErrorReport& report) {
    const std::string& output = context.options().output;
    print_error(context.err(), output == "json" || output == "ndjson", context.options().verbose, report);
    return report.exit_code;
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
