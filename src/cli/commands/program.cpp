// Code strategies: test-run, dev-guide (Markdown, printed as text to people), the program records, and their
// backtests.
#include "cli/commands/spec.hpp"

namespace hyperoru::cli {

namespace {

/// The fields of program create (where name and code are required) and program update.
std::vector<Field> program_fields(bool create) {
    return {
        Field{.flag = "--name", .key = "name", .help = "program name", .required = create},
        Field{.flag = "--code-file",
              .key = "code",
              .type = FieldType::file_text,
              .help = "source file (- for stdin)",
              .required = create},
        Field{.flag = "--description", .key = "description", .help = "free text"},
        Field{.flag = "--enabled", .key = "enabled", .type = FieldType::boolean, .help = "true or false"},
    };
}

const std::vector<CommandSpec>& program_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"program", "test-run"},
         .endpoint = &api::program_test_run,
         .summary = "Dry-run a program (places no orders)",
         .example = "hyperoru program test-run 1 --symbol BTC",
         .fields = {Field{.flag = "id",
                          .key = "program_id",
                          .type = FieldType::id,
                          .help = "program id",
                          .required = true},
                    Field{.flag = "--symbol", .key = "symbol", .help = "coin to test with"}},
         .extra_fields = true},
        {.words = {"program", "dev-guide"},
         .endpoint = &api::program_dev_guide,
         .summary = "The program developer guide (Markdown)",
         .example = "hyperoru program dev-guide | jq -r .guide | less",
         // §2.7: the guide is Markdown text, shown as text to people (the printer's text view).
         .view = {.kind = TableView::Kind::text, .items_key = "guide"}},
        {.words = {"program", "list"},
         .endpoint = &api::program_list,
         .summary = "List code strategies",
         .example = "hyperoru program list",
         .list = true,
         .view = row_view(
             {{"ID", {"id"}}, {"NAME", {"name"}}, {"ENABLED", {"enabled"}}, {"CREATED", {"created_at"}}},
             "No programs.")},
        {.words = {"program", "show"},
         .endpoint = &api::program_get,
         .summary = "Show a program with its code",
         .example = "hyperoru program show 1",
         .args = {"ID"}},
        {.words = {"program", "create"},
         .endpoint = &api::program_create,
         .summary = "Upload a code strategy",
         .example = "hyperoru program create --name 'Grid Bot' --code-file grid.py",
         .fields = program_fields(true),
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Created program {--name}[ (id {.id})]."}},
        {.words = {"program", "update"},
         .endpoint = &api::program_update,
         .summary = "Change a program (only the given fields)",
         .example = "hyperoru program update 1 --code-file grid.py",
         .args = {"ID"},
         .fields = program_fields(false),
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Updated program {ID}."}},
        {.words = {"program", "delete"},
         .endpoint = &api::program_delete,
         .summary = "Delete a program",
         .example = "hyperoru program delete 1 --yes",
         .args = {"ID"},
         .safety = Safety::confirm,
         .wording = {.ask = "Delete program {ID}",
                     .details = "{.name}",
                     .lookup = &api::program_get,
                     .done = "Deleted program {ID}."}},
        {.words = {"program", "validate"},
         .endpoint = &api::program_validate,
         .summary = "Check program code without saving it",
         .example = "hyperoru program validate --code-file grid.py",
         .fields = {Field{.flag = "--code-file",
                          .key = "code",
                          .type = FieldType::file_text,
                          .help = "source file (- for stdin)",
                          .required = true}},
         .extra_fields = true},
        {.words = {"program", "signal-pools"},
         .endpoint = &api::program_signal_pools,
         .summary = "Signal pools programs can use",
         .example = "hyperoru program signal-pools",
         .view = row_view({{"ID", {"id"}}, {"NAME", {"name"}}, {"SIGNALS", {"signals_count"}}})},
        {.words = {"program", "accounts"},
         .endpoint = &api::program_accounts,
         .summary = "Accounts programs can be bound to",
         .example = "hyperoru program accounts",
         .view = row_view({{"ID", {"id"}}, {"NAME", {"name"}}, {"TYPE", {"account_type"}}})},
        {.words = {"program", "backtest"},
         .endpoint = &api::program_backtest,
         .summary = "Backtest a program on history",
         .example =
             "hyperoru program backtest --program 1 --symbols BTC,ETH --start 2025-01-01 --end 2025-06-01",
         .fields =
             {Field{.flag = "--program", .key = "program_id", .type = FieldType::id, .help = "program id"},
              Field{.flag = "--symbols",
                    .key = "config.symbols",
                    .type = FieldType::strings,
                    .help = "comma-separated coins"},
              Field{.flag = "--start", .key = "config.start_date", .type = FieldType::time, .help = "from"},
              Field{.flag = "--end", .key = "config.end_date", .type = FieldType::time, .help = "to"},
              Field{.flag = "--interval",
                    .key = "config.interval",
                    .help = "candle interval",
                    .choices = {"1m", "5m", "15m", "1h", "4h", "1d"}},
              Field{.flag = "--initial-balance",
                    .key = "config.initial_balance",
                    .type = FieldType::number,
                    .help = "starting balance in USD"},
              Field{.flag = "--slippage-pct",
                    .key = "config.slippage_pct",
                    .type = FieldType::number,
                    .help = "slippage in percent"},
              Field{.flag = "--maker-fee-pct",
                    .key = "config.maker_fee_pct",
                    .type = FieldType::number,
                    .help = "maker fee in percent"},
              Field{.flag = "--taker-fee-pct",
                    .key = "config.taker_fee_pct",
                    .type = FieldType::number,
                    .help = "taker fee in percent"}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Started a backtest of program {--program}[ (id {.id})][ ({.status})]."}},
    };
    return rows;
}

}  // namespace

void register_program(CLI::App& app, Action& action, const Selection& only) {
    add_rows(app, action, only, program_rows(),
             {{{"program"}, "Code strategies and their backtests", "hyperoru program list"}});
}

}  // namespace hyperoru::cli
