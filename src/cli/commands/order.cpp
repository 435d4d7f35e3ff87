// Orders: create (checked before sending), list (one of three endpoints), execute, cancel,
// process-all.
#include "cli/commands/spec.hpp"
#include "hyperoru/errors.hpp"

namespace hyperoru::cli {

namespace {

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

const std::vector<CommandSpec>& order_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"order", "create"},
         .endpoint = &api::order_create,
         .summary = "Place an order (POST /api/orders/create)",
         .example = "hyperoru order create --account 1 --symbol BTC --side buy --type market --quantity 0.01",
         .fields = {Field{.flag = "--account",
                          .key = "account_id",
                          .type = FieldType::id,
                          .help = "account (AI trader) id",
                          .required = true},
                    Field{.flag = "--symbol", .key = "symbol", .help = "coin, e.g. BTC", .required = true},
                    Field{
                        .flag = "--name", .key = "name", .help = "order name (default: \"<side> <symbol>\")"},
                    Field{.flag = "--side",
                          .key = "side",
                          .help = "buy or sell",
                          .choices = {"buy", "sell"},
                          .required = true},
                    Field{.flag = "--type",
                          .key = "order_type",
                          .help = "market or limit",
                          .choices = {"market", "limit"},
                          .required = true},
                    Field{.flag = "--quantity",
                          .key = "quantity",
                          .type = FieldType::number,
                          .help = "size in coins (exact decimal text is sent)",
                          .required = true},
                    Field{.flag = "--price",
                          .key = "price",
                          .type = FieldType::number,
                          .help = "limit price (required for --type limit)"}},
         .safety = Safety::ask_on_terminal,
         .wording = {.ask = "Place a {--type} order on account {--account}",
                     .details = "{--symbol} {--side} {--quantity}[ @ {--price}]",
                     .done = "Placed order[ {.id}]: {--symbol} {--side} {--quantity}[ @ {--price}]."},
         .run = run_order_create},
        {.words = {"order", "list"},
         .endpoint = &api::order_pending,
         .summary = "List orders of an account, a user, or all pending",
         .example = "hyperoru order list --account 1",
         .fields = {Field{.flag = "--account", .type = FieldType::id, .help = "orders of this account"},
                    Field{.flag = "--user", .type = FieldType::id, .help = "orders of this user"},
                    Field{.flag = "--pending", .type = FieldType::flag, .help = "every pending order"}},
         .list = true,
         .view = row_view({{"ID", {"id"}},
                           {"ACCOUNT", {"account_id"}},
                           {"SYMBOL", {"symbol"}},
                           {"SIDE", {"side"}},
                           {"TYPE", {"order_type"}},
                           {"QUANTITY", {"quantity"}},
                           {"PRICE", {"price"}},
                           {"STATUS", {"status"}}},
                          "No orders."),
         .run = run_order_list},
        {.words = {"order", "execute"},
         .endpoint = &api::order_execute,
         .summary = "Send a pending order to the exchange (POST /api/orders/execute/{id})",
         .example = "hyperoru order execute 42 --yes",
         .args = {"ID"},
         .safety = Safety::ask_on_terminal,
         .wording = {.ask = "Execute order {ID} now",
                     .details = "{.symbol} {.side} {.quantity}[ @ {.price}]",
                     .lookup = &api::order_pending,
                     .done = "Executed order {ID}[ ({.execution_status})]."}},
        {.words = {"order", "cancel"},
         .endpoint = &api::order_cancel,
         .summary = "Cancel a pending order (POST /api/orders/cancel/{id})",
         .example = "hyperoru order cancel 42 --yes",
         .args = {"ID"},
         .safety = Safety::confirm,
         .wording = {.ask = "Cancel order {ID}",
                     .details = "{.symbol} {.side} {.quantity}[ @ {.price}]",
                     .lookup = &api::order_pending,
                     .done = "Cancelled order {ID}."}},
        {.words = {"order", "process-all"},
         .endpoint = &api::order_process_all,
         .summary = "Execute every pending order (POST /api/orders/process-all)",
         .example = "hyperoru order process-all --dry-run",
         .safety = Safety::confirm,
         .wording =
             {.ask = "Execute every pending order now",
              .done =
                  "Processed[ {.processed}] pending orders[: {.succeeded} succeeded][, {.failed} failed]."}},
    };
    return rows;
}

}  // namespace

void register_order(CLI::App& app, Action& action, const Selection& only) {
    add_rows(
        app, action, only, order_rows(),
        {{{"order"}, "Orders: create, list, execute, cancel, process-all", "hyperoru order list --pending"}});
}

}  // namespace hyperoru::cli
