// The user's own records: profile (and profile update), register, users list, exchange-config.
#include <CLI/CLI.hpp>

#include "cli/commands/spec.hpp"
#include "cli/terminal.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

namespace {

int run_profile(Context& context) {
    const auto reply = context.client().profile();
    context.printer().reply(reply.raw);
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

const std::vector<CommandSpec>& profile_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"profile", "update"},
         .endpoint = &api::profile_update,
         .summary = "Change your username or email (PUT /api/users/profile)",
         .example = "hyperoru profile update --email new@example.com",
         .fields = {Field{.flag = "--email", .key = "email", .help = "new email"},
                    Field{.flag = "--username", .key = "username", .help = "new username"}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Updated your profile."}},
    };
    return rows;
}

/// `exchange-config` alone runs this row too.
const CommandSpec& exchange_config_get() {
    static const CommandSpec row{.words = {"exchange-config", "get"},
                                 .endpoint = &api::exchange_config_get,
                                 .summary = "Show the selected exchange (GET /api/users/exchange-config)",
                                 .example = "hyperoru exchange-config get"};
    return row;
}

const std::vector<CommandSpec>& users_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"register"},
         .endpoint = &api::user_register,
         .summary = "Create a Hyperoru user (POST /api/users/register)",
         .example = "echo \"$PASSWORD\" | hyperoru register --username newtrader --email you@example.com "
                    "--password-stdin",
         .fields = {Field{.flag = "--username", .key = "username", .help = "unique handle", .required = true},
                    Field{.flag = "--email", .key = "email", .help = "email (needed to log in by email)"},
                    Field{.flag = "--password-stdin",
                          .type = FieldType::flag,
                          .help = "read the password from standard input"}},
         .safety = Safety::mutation,
         .wording = {.done = "Registered {--username}."},
         .run = run_register},
        {.words = {"users", "list"},
         .endpoint = &api::user_list,
         .summary = "List users (GET /api/users/)",
         .example = "hyperoru users list",
         .list = true,
         .view = row_view(
             {{"ID", {"id"}}, {"USERNAME", {"username"}}, {"EMAIL", {"email"}}, {"ACTIVE", {"is_active"}}},
             "No users.")},
        exchange_config_get(),
        {.words = {"exchange-config", "set"},
         .endpoint = &api::exchange_config_set,
         .summary = "Select the exchange (POST /api/users/exchange-config)",
         .example = "hyperoru exchange-config set --exchange binance",
         .fields = {Field{.flag = "--exchange",
                          .key = "selected_exchange",
                          .help = "hyperliquid or binance",
                          .choices = {"hyperliquid", "binance"},
                          .required = true}},
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Saved the exchange config."}},
    };
    return rows;
}

}  // namespace

void register_profile(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("profile")) return;
    auto* profile = app.add_subcommand("profile", "Show the logged-in user (GET /api/users/profile)");
    profile->footer(example("hyperoru profile -o json"));
    profile->callback([&action, profile] {
        if (profile->get_subcommands().empty()) action = run_profile;  // not `profile update`
    });
    add_rows(app, action, only, profile_rows());
}

void register_users(CLI::App& app, Action& action, const Selection& only) {
    add_rows(app, action, only, users_rows(),
             {{{"users"}, "Users of the platform", "hyperoru users list"},
              {{"exchange-config"},
               "The exchange your traders use (alone: show it)",
               "hyperoru exchange-config"}});

    // `exchange-config` alone means `exchange-config get`.
    if (!only.wants("exchange-config")) return;
    auto* exchange = app.get_subcommand("exchange-config");
    exchange->require_subcommand(0, 1);
    exchange->callback([&action, exchange] {
        if (!exchange->get_subcommands().empty()) return;
        action = [](Context& c) { return run_spec(c, exchange_config_get(), Given{}); };
    });
}

}  // namespace hyperoru::cli
