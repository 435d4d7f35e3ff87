#pragma once
// Printing results (stdout) and errors (stderr) in the chosen format.
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "cli/table.hpp"
#include "hyperoru/client.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

/// How a result looks in table format. JSON formats always print the server's data as is.
struct TableView {
    enum class Kind { key_values, rows } kind = Kind::key_values;
    std::vector<Column> columns;  ///< rows: the columns; empty means derived from the rows
    std::string empty_message;    ///< rows: printed instead of an empty table
    std::string items_key;        ///< rows: where an object answer keeps its list (§1.10)
};

/// Prints one response body: raw bytes, JSON re-printed exactly, NDJSON, or a table.
/// A non-JSON 2xx body is printed as text (§1.11); an empty body prints nothing.
/// Throws DecodeError when a JSON body is malformed.
void print_reply(Context& context, const RawReply& reply, const TableView& view);

/// Prints several responses as one JSON array (table: one row each; raw: bodies one per line).
void print_replies(Context& context, const std::vector<RawReply>& replies, const TableView& view);

/// A value already parsed (the pages of --all, gathered) in the chosen format; not for raw.
void print_parsed(Context& context, json::Value value, const TableView& view);

/// Parses a JSON body exactly or returns a string value holding a non-JSON body.
json::Value body_value(const RawReply& reply);

/// §1.10: the list in an answer: the array itself, else the array under `items_key` (when not
/// empty), then under items, data or results; nullptr when there is none.
const json::Value* list_items(const json::Value& value, const std::string& items_key);
json::Value* list_items(json::Value& value, const std::string& items_key);

/// --fields on one object: only the members named in `fields`, in that order. Anything but an
/// object, and any object when `fields` is empty, is left as is.
void keep_fields(json::Value& object, const std::vector<std::string>& fields);

/// --fields on a whole result: each item of a list (a top-level array, or the items of an
/// envelope, which itself is kept whole: see list_items), else the object itself.
void keep_fields_of_result(json::Value& result, const std::vector<std::string>& fields,
                           const std::string& items_key);

/// Replaces the string values of secret keys (json::default_mask_keys) everywhere in `value`.
void mask_secrets(json::Value& value);

/// The fields of an error report.
struct ErrorReport {
    std::string message;
    long status = 0;  ///< 0: no HTTP status
    std::optional<std::string> code;
    std::optional<std::string> request_id;
    std::optional<std::string> details;
    int exit_code = 1;
};

/// One line on stderr: "hyperoru: error: <message> (HTTP <status>, code <c>, request_id <id>)";
/// with -o json, one JSON object instead. Server text is neutralised for the terminal.
void print_error(std::ostream& err, bool as_json, bool verbose, const ErrorReport& report);

/// Prints `report` on the context's stderr (JSON with -o json or ndjson); returns its exit code.
int report_error(Context& context, const ErrorReport& report);

}  // namespace hyperoru::cli
