// price SYMBOL...: one call per coin, printed as one answer.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <memory>

#include "cli/commands/commands.hpp"
#include "cli/output.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::cli {

namespace {

struct PriceOptions {
    std::vector<std::string> symbols;
};

bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}

/// A symbol as typed on a command line, with nothing a shell would need quoted: "btc", "1000pepe".
bool is_plain_word(const std::string& symbol) {
    return !symbol.empty() && std::all_of(symbol.begin(), symbol.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || is_lower(c) || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.';
    });
}

/// Symbols are upper case (BTC, not btc): for a 404 on one typed in lower case, the command to
/// try instead, with every symbol upper-cased. nullopt when there is nothing to suggest.
std::optional<std::string> upper_case_hint(const std::string& failed,
                                           const std::vector<std::string>& symbols) {
    if (std::none_of(failed.begin(), failed.end(), is_lower)) return std::nullopt;
    if (!std::all_of(symbols.begin(), symbols.end(), is_plain_word)) return std::nullopt;
    std::string command = "hyperoru price";
    for (const auto& symbol : symbols) {
        command += ' ';
        for (const char c : symbol) command += is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return "symbols are upper case: try '" + command + "'";
}

int run_price(Context& context, const PriceOptions& options) {
    // One call per symbol, in order, on the same connection; the first failure ends the command
    // with its exit code and nothing on stdout, so a script never sees a partial answer.
    std::vector<RawReply> replies;
    for (const auto& symbol : options.symbols) {
        try {
            replies.push_back(context.client().price(symbol).raw);
        } catch (const ApiError& e) {
            const auto hint = e.status() == 404 ? upper_case_hint(symbol, options.symbols) : std::nullopt;
            if (!hint) throw;
            const ErrorBody& body = e.body();
            return report_error(context, {body.message + "; " + *hint, e.status(), body.code, body.request_id,
                                          body.details, k_exit_not_found});
        }
    }
    TableView view;
    view.kind = TableView::Kind::rows;
    view.columns = {{"SYMBOL", {"symbol"}}, {"PRICE", {"price"}}, {"TIMESTAMP", {"timestamp"}}};
    view.empty_message = "No prices.";
    context.printer().replies(replies, view);
    return k_exit_ok;
}

}  // namespace

void register_price(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("price")) return;
    auto options = std::make_shared<PriceOptions>();
    auto* price = app.add_subcommand("price", "Current price of one or more coins (GET /api/crypto/price)");
    price->add_option("symbols", options->symbols, "coin tickers such as BTC ETH SOL")
        ->required()
        ->type_name("SYMBOL...");
    price->footer(example("hyperoru price BTC ETH --fields symbol,price -o ndjson"));
    price->callback(
        [&action, options] { action = [options](Context& c) { return run_price(c, *options); }; });
}

}  // namespace hyperoru::cli
