// The exchange state of a trader on Hyperliquid.
#include "cli/commands/spec.hpp"

namespace hyperoru::cli {

namespace {

const std::vector<CommandSpec>& hyperliquid_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"hyperliquid", "positions"},
         .endpoint = &api::hyperliquid_positions,
         .summary = "Open and closed positions of a trader",
         .example = "hyperoru hyperliquid positions 1",
         .args = {"ACCOUNT"},
         .view = row_view({{"SYMBOL", {"symbol"}},
                           {"SIDE", {"side"}},
                           {"SIZE", {"size"}},
                           {"ENTRY", {"entry_price"}},
                           {"MARK", {"mark_price"}},
                           {"LEVERAGE", {"leverage"}},
                           {"LIQUIDATION", {"liquidation_price"}},
                           {"PNL", {"unrealized_pnl"}}},
                          "No positions.", "positions")},
        {.words = {"hyperliquid", "balance"},
         .endpoint = &api::hyperliquid_balance,
         .summary = "Balance snapshot of a trader",
         .example = "hyperoru hyperliquid balance 1",
         .args = {"ACCOUNT"}},
        {.words = {"hyperliquid", "state"},
         .endpoint = &api::hyperliquid_state,
         .summary = "Latest stored exchange-account snapshot",
         .example = "hyperoru hyperliquid state 1",
         .args = {"ACCOUNT"}},
    };
    return rows;
}

}  // namespace

void register_hyperliquid(CLI::App& app, Action& action, const Selection& only) {
    add_rows(
        app, action, only, hyperliquid_rows(),
        {{{"hyperliquid"}, "Exchange state of a trader on Hyperliquid", "hyperoru hyperliquid positions 1"}});
}

}  // namespace hyperoru::cli
