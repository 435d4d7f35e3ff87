#pragma once
// The one printer of results (stdout) and errors (stderr). Commands hand it what the server
// sent; it alone looks at the output format.
#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "cli/table.hpp"
#include "hyperoru/client.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

/// How a result looks in table format. JSON formats always print the server's data as is.
struct TableView {
    /// key_values: "key  value" lines; rows: a table; text: the string member `items_key` of
    /// the answer printed as text (the developer guide's Markdown), for people.
    enum class Kind { key_values, rows, text } kind = Kind::key_values;
    std::vector<Column> columns{};  ///< rows: the columns; empty means derived from the rows
    std::string empty_message{};    ///< rows: printed instead of an empty table
    std::string items_key{};  ///< rows: where an object answer keeps its list (§1.10); text: the member
};

/// What one page of a list gave (see Printer::Pages).
struct PageResult {
    bool list = false;         ///< false: the answer was no list and has been printed as it is
    std::size_t received = 0;  ///< items on the page
    bool no_next = false;      ///< an envelope said there is no next page (`next` is null)
    bool repeated =
        false;  ///< the same bytes, or the same first and last ids, as the page before: not printed
};

/// The printer (Context::printer()): json, ndjson, table and raw, --fields, masking of secret
/// keys in every format but raw, and terminal safety. On a terminal, every piece of server text
/// it prints (JSON, text bodies, stream messages, SSE text) has its control characters
/// neutralised (sanitize_text_for_terminal, json_for_terminal); off one, JSON and text are
/// exact. Stream messages and events off a terminal are one line each.
class Printer {
public:
    Printer(std::ostream& out, Format format, bool terminal, bool colour, std::vector<std::string> fields);

    /// One response body: raw bytes, JSON re-printed exactly, NDJSON, or a table per `view`. A
    /// non-JSON 2xx body is printed as text (§1.11); an empty body prints nothing. Throws
    /// DecodeError when a JSON body is malformed.
    void reply(const RawReply& reply, const TableView& view = {});
    /// Where a reply's body goes as it arrives, for -o raw off a terminal (nullptr otherwise: on
    /// a terminal raw text is made safe first, and the other formats need the whole body). The
    /// body then goes nowhere else: reply() is not called for it.
    http::BodySink* raw_sink();
    /// Several responses as one JSON array (table: one row each; raw: bodies one per line).
    void replies(const std::vector<RawReply>& replies, const TableView& view);
    /// A value already parsed, in the chosen format (raw: compact JSON on one line).
    void value(json::Value value, const TableView& view = {});
    /// Local data (no server involved): `data` in the JSON formats, `for_people` as a table.
    void local(json::Value data, json::Value for_people, const TableView& view);
    /// `data` in the JSON formats or with --fields; otherwise `for_people` writes its own layout
    /// (it sanitises any text it did not make).
    void layout(const RawReply& data, const std::function<void(std::ostream&)>& for_people);

    /// The pages of one list (--all, --paginate), printed as they arrive: json one array (its
    /// elements page by page, closed by finish()), ndjson one item per line, raw each body as it
    /// came; table (and json with --fields) as one list at finish(). finish() also ends what came
    /// when a later page fails, so the output is always whole; it prints once.
    class Pages {
    public:
        PageResult add(const RawReply& page);
        bool full() const;    ///< the --limit is reached
        bool closed() const;  ///< the reader went away (EPIPE): fetch no more
        void finish();
        /// Whether add() prints each page as it comes (all but a table and json with --fields).
        bool streams() const;

    private:
        friend class Printer;
        Pages(Printer& printer, TableView view, std::optional<long> limit);
        Printer& m_printer;
        TableView m_view;
        std::optional<long> m_limit;
        /// json and ndjson without --fields: each page read once and its elements printed as it
        /// comes, from its text (json::read_list), never held.
        bool fast() const;
        PageResult add_fast(const RawReply& page);
        /// Whether a page's first and last ids (both known) are those of the page before; they
        /// are kept for the next page otherwise.
        bool repeats(std::string first_id, std::string last_id);
        json::Value m_all;
        std::size_t m_count = 0;
        bool m_listed = false;  ///< a page was a list (json: its array is open until finish())
        bool m_finished = false;
        std::string m_previous_body;
        std::optional<std::pair<std::string, std::string>> m_previous_ids;
    };
    Pages pages(const TableView& view, std::optional<long> limit);

    /// One message of the live stream: on a terminal (table) a readable line, time first; off
    /// one, one line of compact JSON (exact numbers, secrets masked, --fields applied), a
    /// message that is not JSON as a JSON string; raw: the bytes as received. Buffered: the
    /// caller flushes when its input is drained (flush()). False when the reader went away.
    /// `compact`: the message already printed compact and masked (ws::Message::compact), used
    /// as it is when the format needs nothing else.
    bool message(std::string_view text, std::chrono::system_clock::time_point at,
                 const std::optional<std::string>& compact = std::nullopt);
    /// Writes out what is buffered; false when the reader went away.
    bool flush();
    /// The reply to a one-shot stream request: its `data` (or the whole message) as a reply.
    void stream_reply(const std::string& text);
    /// One event of a stream of events (SSE chat, AI task chunks): off a terminal `json_line`
    /// (compact JSON) on a line of its own; for people its `text`, if any, as it arrives.
    void event(const std::string& json_line, const std::optional<std::string>& text);
    /// Ends the text of events for people with a newline, when any was printed.
    void end_text();

    /// A request as it would be sent (--dry-run): "METHOD URL", each header (the Authorization
    /// value redacted), then a blank line and the body when there is one.
    void request(const http::Request& request);

private:
    void emit_json(const std::string& text);
    void emit_text(std::string_view text);
    std::ostream& m_out;
    Format m_format;
    bool m_terminal;
    bool m_colour;
    std::vector<std::string> m_fields;
    std::string m_line;  // a stream message's compact text, reused from one message to the next
    /// -o raw off a terminal: each piece of the body written as it comes; a download may be
    /// sent again after a retryable status, as nothing of it was written.
    class RawSink final : public http::BodySink {
    public:
        explicit RawSink(std::ostream& out) : m_out(out) {}
        bool write(std::string_view chunk) override {
            m_out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
            return static_cast<bool>(m_out);
        }
        bool repeatable() const noexcept override { return true; }

    private:
        std::ostream& m_out;
    };
    RawSink m_raw_sink{m_out};
    bool m_text_open = false;
};

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

/// A network failure of a call (exit 9) for people: what was tried, for how long, and what to
/// check: "cannot connect to 127.0.0.1:33919 (connection refused) after 4 attempts in 7.2 s; is
/// the server running? check --base-url"; likewise for a host that does not resolve and a call
/// that got no answer within --timeout. Other kinds keep the error's text.
ErrorReport network_error(const TransportError& error, const GlobalOptions& options);

/// Prints `report` on the context's stderr (JSON with -o json or ndjson); returns its exit code.
int report_error(Context& context, const ErrorReport& report);

}  // namespace hyperoru::cli
