// Commands that are table rows plus a little logic of their own: choosing between endpoints
// (order list, account overview, factor effectiveness), checks before sending (order create,
// register), or a special way of printing (program dev-guide). They reuse the spec machinery.
#include <CLI/CLI.hpp>

#include "cli/commands/spec.hpp"
#include "cli/terminal.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

namespace {

using F = FieldType;

const std::vector<Column> k_order_columns = {
    {"ID", {"id"}},           {"ACCOUNT", {"account_id"}}, {"SYMBOL", {"symbol"}}, {"SIDE", {"side"}},
    {"TYPE", {"order_type"}}, {"QUANTITY", {"quantity"}},  {"PRICE", {"price"}},   {"STATUS", {"status"}}};

TableView order_rows() {
    TableView view;
    view.kind = TableView::Kind::rows;
    view.columns = k_order_columns;
    view.empty_message = "No orders.";
    return view;
}

// order create: §2.5 requires a price for limit orders; the name defaults to "<side> <symbol>".
int run_order_create(Context& context, const CommandSpec& spec, const Given& original) {
    Given given = original;
    if (given_field(given, "--type") == "limit" && !given_field(given, "--price")) {
        throw UsageError("a limit order needs --price");
    }
    if (!given_field(given, "--name")) {
        given.fields["--name"] = *given_field(given, "--side") + " " + *given_field(given, "--symbol");
    }
    return run_spec(context, spec, given);
}

// order list: one of three endpoints, chosen by flag.
int run_order_list(Context& context, const CommandSpec& spec, const Given& given) {
    const auto account = given_field(given, "--account");
    const auto user = given_field(given, "--user");
    const bool pending = given_field(given, "--pending").has_value();
    if (static_cast<int>(account.has_value()) + static_cast<int>(user.has_value()) +
            static_cast<int>(pending) !=
        1) {
        throw UsageError("order list needs exactly one of --account ID, --user ID or --pending");
    }
    CommandSpec chosen = spec;
    Given narrowed = given;
    narrowed.fields.clear();
    chosen.fields.clear();
    if (account) {
        chosen.endpoint = &api::order_by_account;
        narrowed.args = {*account};
    } else if (user) {
        chosen.endpoint = &api::order_by_user;
        narrowed.args = {*user};
    } else {
        chosen.endpoint = &api::order_pending;
    }
    return run_spec(context, chosen, narrowed);
}

// account overview [ID]: the default account's, or one account's (§2.3; both shapes printed as is).
int run_account_overview(Context& context, const CommandSpec& spec, const Given& given) {
    CommandSpec chosen = spec;
    Given narrowed = given;
    narrowed.fields.clear();
    chosen.fields.clear();
    if (const auto id = given_field(given, "id")) {
        chosen.endpoint = &api::account_overview;
        narrowed.args = {*id};
    }
    return run_spec(context, chosen, narrowed);
}

// factor effectiveness [NAME] [--history | --by-window]
int run_factor_effectiveness(Context& context, const CommandSpec& spec, const Given& given) {
    const auto name = given_field(given, "name");
    const bool history = given_field(given, "--history").has_value();
    const bool by_window = given_field(given, "--by-window").has_value();
    if (history && by_window) throw UsageError("--history and --by-window exclude each other");
    if ((history || by_window) && !name) throw UsageError("--history and --by-window need a factor NAME");
    CommandSpec chosen = spec;
    Given narrowed = given;
    narrowed.fields.clear();
    chosen.fields.clear();
    if (name) {
        if (!history && !by_window) throw UsageError("with a factor NAME, choose --history or --by-window");
        chosen.endpoint = history ? &api::factor_history : &api::factor_by_window;
        narrowed.args = {*name};
    }
    return run_spec(context, chosen, narrowed);
}

// klines SYMBOL: candles; the noun's subcommands (coverage, symbols, ...) are table rows.
int run_klines(Context& context, const CommandSpec& spec, const Given& given) {
    if (!given_field(given, "symbol"))
        throw UsageError("klines needs a SYMBOL (or a subcommand: see --help)");
    return run_spec(context, spec, given);
}

// program dev-guide: §2.7 says the guide is printed as Markdown text.
int run_dev_guide(Context& context, const CommandSpec& spec, const Given& given) {
    const RawReply reply = context.client().invoke(*spec.endpoint);
    if (context.format() == Format::table && context.options().fields.empty() && !reply.body.empty()) {
        const json::Value value = body_value(reply);
        if (const json::Value* guide = value.find("guide"); guide != nullptr && guide->is_string()) {
            context.out() << guide->text();
            if (!guide->text().empty() && guide->text().back() != '\n') context.out() << '\n';
            return k_exit_ok;
        }
    }
    (void)given;
    print_reply(context, reply, spec.view);
    return k_exit_ok;
}

// register: §2.2 requires username and password; the password never comes from an option.
int run_register(Context& context, const CommandSpec& spec, const Given& given) {
    Given with_password = given;
    std::string password;
    if (given_field(given, "--password-stdin")) {
        password = read_stdin_secret(*context.io().in);
    } else if (const auto no_prompt = context.prompt_refusal()) {
        throw UsageError("no password: pipe it with --password-stdin (" + *no_prompt + ")");
    } else {
        password = context.io().prompt("Password: ", false).value_or("");
    }
    if (password.empty()) throw UsageError("a password is required");
    with_password.fields.erase("--password-stdin");
    Call call = build_call(context, spec, with_password);
    json::Value body = json::parse(*call.body);
    body.members().emplace_back("password", json::Value::string(password));
    call.body = json::to_string(body, json::PrintOptions{false, {}});
    context.client({password});
    return send(context, spec, given, call);
}

std::vector<CommandSpec> make_specials() {
    std::vector<CommandSpec> c;
    Field side{"--side", "side", F::string, "buy or sell", {"buy", "sell"}, true};
    Field type{"--type", "order_type", F::string, "market or limit", {"market", "limit"}, true};
    c.push_back(
        {{"order", "create"},
         &api::order_create,
         "Place an order (POST /api/orders/create)",
         "hyperoru order create --account 1 --symbol BTC --side buy --type market --quantity 0.01",
         {},
         {Field{"--account", "account_id", F::id, "account (AI trader) id", {}, true},
          Field{"--symbol", "symbol", F::string, "coin, e.g. BTC", {}, true},
          Field{"--name", "name", F::string, "order name (default: \"<side> <symbol>\")"}, side, type,
          Field{"--quantity", "quantity", F::number, "size in coins (exact decimal text is sent)", {}, true},
          Field{"--price", "price", F::number, "limit price (required for --type limit)"}},
         false,
         false,
         Safety::ask_on_terminal,
         {},
         {}});
    c.back().run = run_order_create;
    c.push_back({{"order", "list"},
                 &api::order_pending,
                 "List orders of an account, a user, or all pending",
                 "hyperoru order list --account 1",
                 {},
                 {Field{"--account", "", F::id, "orders of this account"},
                  Field{"--user", "", F::id, "orders of this user"},
                  Field{"--pending", "", F::flag, "every pending order"}},
                 true,
                 false,
                 Safety::none,
                 order_rows(),
                 {}});
    c.back().run = run_order_list;
    c.push_back({{"account", "overview"},
                 &api::account_overview_default,
                 "Overview of the default account, or of account ID",
                 "hyperoru account overview 1",
                 {},
                 {Field{"id", "", F::id, "account id (default: your default account)"}},
                 false,
                 false,
                 Safety::none,
                 {},
                 {}});
    c.back().run = run_account_overview;
    c.push_back(
        {{"factor", "effectiveness"},
         &api::factor_effectiveness,
         "Factor effectiveness; one factor's --history or --by-window",
         "hyperoru factor effectiveness momentum_1d --history",
         {},
         {Field{"name", "", F::string, "factor name"}, Field{"--history", "", F::flag, "IC history of NAME"},
          Field{"--by-window", "", F::flag, "effectiveness of NAME by time window"}},
         false,
         false,
         Safety::none,
         {},
         {}});
    c.back().run = run_factor_effectiveness;
    TableView candles;
    candles.kind = TableView::Kind::rows;
    candles.columns = {{"TIME", {"timestamp"}}, {"OPEN", {"open"}},   {"HIGH", {"high"}},
                       {"LOW", {"low"}},        {"CLOSE", {"close"}}, {"VOLUME", {"volume"}}};
    candles.empty_message = "No candles.";
    c.push_back({{"klines"},
                 &api::kline_data,
                 "Market candles: klines SYMBOL, or a subcommand",
                 "hyperoru klines BTC --interval 1h --start 7d --end now",
                 {},
                 {Field{"symbol", "symbol", F::string, "coin, e.g. BTC", {}, false, true},
                  Field{"--interval",
                        "interval",
                        F::string,
                        "candle interval",
                        {"1m", "5m", "15m", "1h", "4h", "1d"},
                        false,
                        true},
                  Field{"--start", "start", F::time, "from: now, 24h, 7d or ISO 8601", {}, false, true},
                  Field{"--end", "end", F::time, "to: now, 24h, 7d or ISO 8601", {}, false, true}},
                 true,
                 false,
                 Safety::none,
                 candles,
                 {}});
    c.back().run = run_klines;
    c.push_back({{"program", "test-run"},
                 &api::program_test_run,
                 "Dry-run a program (places no orders)",
                 "hyperoru program test-run 1 --symbol BTC",
                 {},
                 {Field{"id", "program_id", F::id, "program id", {}, true},
                  Field{"--symbol", "symbol", F::string, "coin to test with"}},
                 false,
                 true,
                 Safety::none,
                 {},
                 {}});
    c.push_back({{"prompt", "rename"},
                 &api::prompt_rename,
                 "Rename a prompt template",
                 "hyperoru prompt rename 1 'BTC Momentum v2'",
                 {"ID"},
                 {Field{"name", "name", F::string, "new name", {}, true}},
                 false,
                 false,
                 Safety::mutation,
                 {},
                 {}});
    c.push_back({{"program", "dev-guide"},
                 &api::program_dev_guide,
                 "The program developer guide (Markdown)",
                 "hyperoru program dev-guide | less",
                 {},
                 {},
                 false,
                 false,
                 Safety::none,
                 {},
                 {}});
    c.back().run = run_dev_guide;
    c.push_back(
        {{"register"},
         &api::user_register,
         "Create a Hyperoru user (POST /api/users/register)",
         "echo \"$PASSWORD\" | hyperoru register --username trader1 --email you@example.com --password-stdin",
         {},
         {Field{"--username", "username", F::string, "unique handle", {}, true},
          Field{"--email", "email", F::string, "email (needed to log in by email)"},
          Field{"--password-stdin", "", F::flag, "read the password from standard input"}},
         false,
         false,
         Safety::mutation,
         {},
         {}});
    c.back().run = run_register;
    return c;
}

const std::vector<CommandSpec>& specials() {
    static const std::vector<CommandSpec> specs = make_specials();
    return specs;
}

}  // namespace

void register_resources(CLI::App& app, Action& action, const Selection& only) {
    add_rows(app, action, only, specials());
    add_rows(app, action, only, catalog());

    // The nouns created on the way get a description and an example of their own.
    const std::pair<std::vector<std::string>, std::pair<const char*, const char*>> nouns[] = {
        {{"users"}, {"Users of the platform", "hyperoru users list"}},
        {{"exchange-config"}, {"The exchange your traders use (alone: show it)", "hyperoru exchange-config"}},
        {{"order"}, {"Orders: create, list, execute, cancel, process-all", "hyperoru order list --pending"}},
        {{"program"}, {"Code strategies and their backtests", "hyperoru program list"}},
        {{"prompt"}, {"Prompt templates of LLM strategies", "hyperoru prompt list"}},
        {{"prompt-backtest"},
         {"Backtests of prompt strategies", "hyperoru prompt-backtest create --body task.json"}},
        {{"signal"}, {"Signal definitions and pools", "hyperoru signal list"}},
        {{"signal", "definition"}, {"One signal definition", "hyperoru signal definition show 1"}},
        {{"signal", "pool"}, {"Signal pools", "hyperoru signal pool create --name P --signal-ids 1,2"}},
        {{"factor"}, {"Custom factors and factor effectiveness", "hyperoru factor effectiveness"}},
        {{"analytics"}, {"Trading performance", "hyperoru analytics summary --days 7"}},
        {{"analytics", "by"}, {"Performance broken down by one dimension", "hyperoru analytics by symbol"}},
        {{"hyperliquid"}, {"Exchange state of a trader on Hyperliquid", "hyperoru hyperliquid positions 1"}},
    };
    for (const auto& [path, text] : nouns) {
        if (!only.wants(path.front())) continue;
        CLI::App* sub = &app;
        for (const auto& word : path) sub = sub->get_subcommand(word);
        sub->description(text.first);
        sub->footer(example(text.second));
    }

    // `exchange-config` alone means `exchange-config get`.
    if (!only.wants("exchange-config")) return;
    auto* exchange = app.get_subcommand("exchange-config");
    exchange->require_subcommand(0, 1);
    exchange->callback([&action, exchange] {
        if (!exchange->get_subcommands().empty()) return;
        const CommandSpec* get = nullptr;
        for (const auto& spec : catalog()) {
            if (spec.endpoint == &api::exchange_config_get) get = &spec;
        }
        action = [get](Context& c) { return run_spec(c, *get, Given{}); };
    });
}

}  // namespace hyperoru::cli
