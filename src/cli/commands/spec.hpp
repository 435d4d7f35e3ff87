#pragma once
// Commands described as data. Most endpoints are "fill a path, a query and a JSON body from
// flags, send, print": one CommandSpec row each, served by one piece of code (run_spec), so
// dry-run, confirmation, pagination, request ids and output behave the same everywhere.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands/commands.hpp"
#include "cli/output.hpp"
#include "hyperoru/endpoints.hpp"

namespace hyperoru::cli {

enum class FieldType {
    string,        ///< JSON string
    number,        ///< JSON number, sent with the user's exact text
    integer,       ///< JSON integer
    boolean,       ///< true or false
    json,          ///< any JSON value, sent compactly with its number text intact
    id,            ///< §1.4: digits without a leading zero as a number, anything else as a string
    ids,           ///< comma-separated ids, as a JSON array
    strings,       ///< comma-separated strings, as a JSON array
    file_text,     ///< the contents of a file ("-" for stdin), as a JSON string
    time,          ///< now, 24h, 7d or ISO 8601, sent as ISO 8601 UTC
    flag,          ///< a flag without a value; "true" when given
    stdin_secret,  ///< a flag: the value is read from stdin and kept out of every trace
};

/// One flag or positional argument of a command, and where its value goes in the request. An
/// aggregate, so rows name what they set: Field{.flag = "--symbol", .key = "symbol", .required = true}.
struct Field {
    std::string flag{};  ///< "--symbol"; a name without dashes ("symbol") is a positional argument
    std::string key{};   ///< JSON member or query parameter; "config.symbols" nests one level
    FieldType type = FieldType::string;
    std::string help{};
    std::vector<std::string> choices{};  ///< allowed values (checked before sending)
    bool required = false;
    bool query = false;      ///< a query parameter instead of a body member
    std::string fallback{};  ///< JSON text sent when the flag is not given (empty: nothing)
    bool local = false;      ///< never sent: read by the row's own runner (klines --chart)
};

/// How careful a command must be (money and destructive commands).
enum class Safety {
    none,
    mutation,         ///< prints the server's request_id afterwards
    ask_on_terminal,  ///< + --dry-run and --yes; asks on a terminal, proceeds off one
    confirm,          ///< + --dry-run and --yes; asks on a terminal, refuses off one without --yes
};

/// How a command says what it does, in words with its key values: the question of a confirmation
/// and the line a mutation prints on a terminal when it succeeded. The texts are templates:
/// {ID} is the positional argument of that name, {--flag} the value given for the flag, {.key} a
/// member of the item looked up (`details`) or of the reply (`done`); a part in [brackets] is left
/// out when a placeholder in it has no value. See fill_wording.
struct Wording {
    std::string ask{};  ///< "Cancel order {ID}": the question, before the details, without "?"
    /// The details in parentheses after `ask`: "{.symbol} {.side} {.quantity}[ @ {.price}]".
    std::string details{};
    /// A GET whose reply holds the item named by the first argument, for {.key} in `details`: the
    /// item itself, or a list (or an object holding one) searched for the item with that id.
    /// Asked only when the question is asked; any failure leaves the details out.
    const api::Endpoint* lookup = nullptr;
    std::string done{};  ///< "Cancelled order {ID}." ({.key}: from the reply)
};

/// Fills a Wording template; `value(name)` gives a placeholder's value ("ID", "--symbol",
/// ".price"), nullopt when it has none. Values are made safe for a terminal.
std::string fill_wording(std::string_view pattern,
                         const std::function<std::optional<std::string>(std::string_view)>& value);

struct CommandSpec;
struct Given;
/// What a command does when selected: run_spec, or code of its own (which may choose between
/// endpoints or check the flags, then usually calls run_spec or send).
using SpecRunner = std::function<int(Context&, const CommandSpec&, const Given&)>;

/// One command as data. Every member has a default, so rows use designated initializers and name
/// only what they set.
struct CommandSpec {
    std::vector<std::string> words{};  ///< {"order", "cancel"}
    const api::Endpoint* endpoint = nullptr;
    std::string summary{};
    std::string example{};
    std::vector<std::string> args{};  ///< positional names, one per path parameter, in order
    std::vector<Field> fields{};
    bool list = false;          ///< --page, --per-page, --limit, --all
    bool extra_fields = false;  ///< --set key=value and --body FILE
    Safety safety = Safety::none;
    /// Required for every command with a safety other than none: the success line, and for
    /// ask_on_terminal and confirm the question.
    Wording wording{};
    TableView view{};
    SpecRunner run{};  ///< empty: run_spec
};

/// The description and example of a noun created on the way to its commands ({"signal"},
/// {"signal", "definition"}), shown by `hyperoru signal --help`.
struct NounHelp {
    std::vector<std::string> words;
    std::string description;
    std::string example;
};

/// What the user gave for one command.
/// --all stops after this many pages unless --max-pages says otherwise.
inline constexpr long k_default_max_pages = 1000;
/// --all stops once the pages add up to more than this many times --max-response-size (256 MiB
/// by default): memory stays bounded, since json and table output keep the items until the end.
inline constexpr std::size_t k_paged_bytes_factor = 4;

struct Given {
    std::vector<std::string> args;
    std::map<std::string, std::string> fields;  ///< by flag
    std::vector<std::string> set;
    std::optional<std::string> body_file;
    std::optional<long> page, per_page, limit;
    long max_pages = k_default_max_pages;
    bool all = false;
    bool dry_run = false;
    bool yes = false;
};

/// The value given for `flag` (a positional's name for a positional), if any.
std::optional<std::string> given_field(const Given& given, const std::string& flag);

/// One request, ready to send.
struct Call {
    const api::Endpoint* endpoint = nullptr;
    std::vector<std::string> path_args;
    std::vector<QueryParam> query;
    std::optional<std::string> body;
    std::vector<std::string> secrets;  ///< values the verbose trace must never show
};

/// Adds the command (creating the noun subcommands on the way) with its flags, and makes it
/// store spec.run (run_spec when empty) as the action when selected. `spec` must outlive `app`.
/// Returns the new subcommand.
CLI::App* add_command(CLI::App& app, Action& action, const CommandSpec& spec);

/// What every noun file calls: adds the rows whose noun `only` wants, in order (the order of
/// --help), then gives the nouns in `help` that it wants their description and example. `rows`
/// must outlive `app`.
void add_rows(CLI::App& app, Action& action, const Selection& only, const std::vector<CommandSpec>& rows,
              const std::vector<NounHelp>& help = {});

/// A table of rows with these columns (none: derived from the rows), `empty` when there are none;
/// `items_key`: where an object answer keeps its list (§1.10), e.g. "positions".
TableView row_view(std::vector<Column> columns, std::string empty = "Nothing to show.",
                   std::string items_key = {});

/// Builds the call for `spec` from what was given: path from args, query and body from fields,
/// --set and --body. Throws UsageError for bad values, naming the flag.
Call build_call(Context& context, const CommandSpec& spec, const Given& given);

/// Sends `call` the way `spec` says (dry-run, confirmation, pagination, request id) and prints.
int send(Context& context, const CommandSpec& spec, const Given& given, const Call& call);

/// build_call + send.
int run_spec(Context& context, const CommandSpec& spec, const Given& given);

/// The JSON text for a value given for `field` (see FieldType).
std::string field_json(Context& context, const Field& field, const std::string& value);

/// Reads a file named on the command line ("-": standard input), at most k_max_input_bytes.
/// Throws UsageError naming `flag` when it cannot be read or is larger.
std::string read_input(Context& context, const std::string& flag, const std::string& path);

/// Fetches one page of a list (pages count from 1).
using PageFetcher = std::function<RawReply(long page, long per_page)>;

struct PageOptions {
    std::optional<long> first_page;
    std::optional<long> per_page;  ///< default 100
    std::optional<long> limit;     ///< at most this many items in total
    TableView view;
    long max_pages = k_default_max_pages;
};

/// --all: fetches page after page (on the same connection) until a short or empty page, an
/// envelope whose `next` is null, the limit, or a server that ignores paging (a page longer
/// than asked for). Prints one JSON array (or a table), or with -o ndjson one item per line as
/// pages arrive. An answer that is not a list is printed as it is.
/// Never endless: a page that repeats the one before (the same bytes, or the same first and last
/// ids) ends it with exit 10, as a server that ignores `page`; after `max_pages` pages, or past
/// k_paged_bytes_factor × --max-response-size in all, it ends with exit 11. What was received
/// is printed first.
int paginate(Context& context, const PageFetcher& fetch, const PageOptions& options);

}  // namespace hyperoru::cli
