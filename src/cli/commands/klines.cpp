// Market candles: klines SYMBOL (the noun is a command too), and the stored data and its
// backfill as subcommands.
#include "cli/commands/spec.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::cli {

namespace {

// klines SYMBOL: candles; the noun's subcommands (coverage, symbols, ...) are table rows.
int run_klines(Context& context, const CommandSpec& spec, const Given& given) {
    if (!given_field(given, "symbol"))
        throw UsageError("klines needs a SYMBOL (or a subcommand: see --help)");
    return run_spec(context, spec, given);
}

const std::vector<CommandSpec>& klines_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"klines"},
         .endpoint = &api::kline_data,
         .summary = "Market candles: klines SYMBOL, or a subcommand",
         .example = "hyperoru klines BTC --interval 1h --start 7d --end now",
         .fields = {Field{.flag = "symbol", .key = "symbol", .help = "coin, e.g. BTC", .query = true},
                    Field{.flag = "--interval",
                          .key = "interval",
                          .help = "candle interval",
                          .choices = {"1m", "5m", "15m", "1h", "4h", "1d"},
                          .query = true},
                    Field{.flag = "--start",
                          .key = "start",
                          .type = FieldType::time,
                          .help = "from: now, 24h, 7d or ISO 8601",
                          .query = true},
                    Field{.flag = "--end",
                          .key = "end",
                          .type = FieldType::time,
                          .help = "to: now, 24h, 7d or ISO 8601",
                          .query = true}},
         .list = true,
         .view = row_view({{"TIME", {"timestamp"}},
                           {"OPEN", {"open"}},
                           {"HIGH", {"high"}},
                           {"LOW", {"low"}},
                           {"CLOSE", {"close"}},
                           {"VOLUME", {"volume"}}},
                          "No candles."),
         .run = run_klines},
        {.words = {"klines", "coverage"},
         .endpoint = &api::kline_coverage,
         .summary = "Stored candle range per symbol",
         .example = "hyperoru klines coverage",
         .view = row_view({{"SYMBOL", {"symbol"}},
                           {"INTERVAL", {"interval"}},
                           {"EARLIEST", {"earliest"}},
                           {"LATEST", {"latest"}},
                           {"CANDLES", {"total_candles"}}})},
        {.words = {"klines", "symbols"},
         .endpoint = &api::kline_symbols,
         .summary = "Symbols with candle data",
         .example = "hyperoru klines symbols -o ndjson",
         .view = row_view({{"SYMBOL", {}}}, "Nothing to show.", "symbols")},
        {.words = {"klines", "backfill-tasks"},
         .endpoint = &api::kline_backfill_tasks,
         .summary = "List candle backfill tasks",
         .example = "hyperoru klines backfill-tasks",
         .list = true,
         .view = row_view({{"ID", {"id"}},
                           {"SYMBOL", {"symbol"}},
                           {"INTERVAL", {"interval", "period"}},
                           {"STATUS", {"status"}},
                           {"PROGRESS", {"progress_pct"}}})},
        {.words = {"klines", "backfill"},
         .endpoint = &api::kline_backfill,
         .summary = "Start loading historical candles",
         .example = "hyperoru klines backfill --exchange hyperliquid --symbol BTC --interval 1h --start 30d",
         .fields = {Field{.flag = "--exchange",
                          .key = "exchange",
                          .help = "exchange to load from, e.g. hyperliquid",
                          .required = true},
                    Field{.flag = "--symbol", .key = "symbol", .help = "coin, e.g. BTC", .required = true},
                    Field{.flag = "--start",
                          .key = "start",
                          .type = FieldType::time,
                          .help = "from: now, 24h, 7d or ISO 8601"},
                    Field{.flag = "--end",
                          .key = "end",
                          .type = FieldType::time,
                          .help = "to: now, 24h, 7d or ISO 8601"},
                    Field{.flag = "--interval",
                          .key = "period",
                          .help = "candle interval",
                          .choices = {"1m", "5m", "15m", "1h", "4h", "1d"}},
                    Field{.flag = "--environment",
                          .key = "environment",
                          .help = "exchange network, e.g. mainnet"}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording =
             {.done = "Started loading {--symbol} candles from {--exchange}[ (task {.id})][ ({.status})]."}},
        {.words = {"klines", "backfill-status"},
         .endpoint = &api::kline_backfill_status,
         .summary = "Progress of one backfill task",
         .example = "hyperoru klines backfill-status bf-001",
         .args = {"ID"}},
    };
    return rows;
}

}  // namespace

void register_klines(CLI::App& app, Action& action, const Selection& only) {
    add_rows(app, action, only, klines_rows());
}

}  // namespace hyperoru::cli
