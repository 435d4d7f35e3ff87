// price SYMBOL...: one call per coin, printed as one answer.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands/commands.hpp"
#include "cli/output.hpp"

namespace hyperoru::cli {

namespace {

struct PriceOptions {
    std::vector<std::string> symbols;
};

int run_price(Context& context, const PriceOptions& options) {
    // One call per symbol, in order, on the same connection; the first failure ends the command
    // with its exit code and nothing on stdout, so a script never sees a partial answer.
    std::vector<RawReply> replies;
    for (const auto& symbol : options.symbols) replies.push_back(context.client().price(symbol).raw);
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
    price->footer(example("hyperoru price BTC | jq .price"));
    price->callback(
        [&action, options] { action = [options](Context& c) { return run_price(c, *options); }; });
}

}  // namespace hyperoru::cli
