// health, profile, price: one call each, printed as the server sent it.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands/commands.hpp"
#include "cli/output.hpp"

namespace hyperoru::cli {

namespace {

struct PriceOptions {
    std::vector<std::string> symbols;
};

int run_health(Context& context) {
    const auto reply = context.client().health();
    print_reply(context, reply.raw, {});
    return k_exit_ok;
}

int run_profile(Context& context) {
    const auto reply = context.client().profile();
    print_reply(context, reply.raw, {});
    return k_exit_ok;
}

int run_price(Context& context, const PriceOptions& options) {
    // One call per symbol, in order, on the same connection; the first failure ends the command
    // with its exit code and nothing on stdout, so a script never sees a partial answer.
    std::vector<RawReply> replies;
    for (const auto& symbol : options.symbols) replies.push_back(context.client().price(symbol).raw);
    TableView view;
    view.kind = TableView::Kind::rows;
    view.columns = {{"SYMBOL", {"symbol"}}, {"PRICE", {"price"}}, {"TIMESTAMP", {"timestamp"}}};
    view.empty_message = "No prices.";
    print_replies(context, replies, view);
    return k_exit_ok;
}

}  // namespace

void register_basic(CLI::App& app, Action& action, const Selection& only) {
    if (only.wants("health")) {
        auto* health =
            app.add_subcommand("health", "Check that the API is up (GET /api/health; no login needed)");
        health->footer(example("hyperoru health"));
        health->callback([&action] { action = run_health; });
    }
    if (only.wants("profile")) {
        auto* profile = app.add_subcommand("profile", "Show the logged-in user (GET /api/users/profile)");
        profile->footer(example("hyperoru profile -o json"));
        profile->callback([&action, profile] {
            if (profile->get_subcommands().empty()) action = run_profile;  // not `profile update`
        });
    }
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
