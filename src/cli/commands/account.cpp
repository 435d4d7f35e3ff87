// AI traders (accounts): account create, a hand-written command with a typed request, and the
// rows overview, list, update, delete, strategy.
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands/spec.hpp"
#include "cli/output.hpp"
#include "cli/status.hpp"
#include "cli/terminal.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru::cli {

namespace {

struct CreateOptions {
    AccountCreate request;
    std::optional<std::string> description, llm_provider, llm_model, llm_base_url;
    bool llm_api_key_stdin = false;
    std::vector<std::string> set;
};

/// --set key=value: the value is sent as JSON when it is valid JSON (numbers keep their text),
/// otherwise as a JSON string.
std::pair<std::string, std::string> parse_set(const std::string& assignment) {
    const auto equals = assignment.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw UsageError("--set expects key=value, got '" + assignment + "'");
    }
    std::string key = assignment.substr(0, equals);
    std::string value = assignment.substr(equals + 1);
    if (!json::is_valid(value)) value = json::quote(value);
    return {std::move(key), std::move(value)};
}

int run_create(Context& context, CreateOptions options) {
    AccountCreate& request = options.request;
    request.description = options.description;
    request.llm_provider = options.llm_provider;
    request.llm_model = options.llm_model;
    request.llm_base_url = options.llm_base_url;
    std::vector<std::string> secrets;
    if (options.llm_api_key_stdin) {
        std::string key = read_stdin_secret(*context.io().in);
        if (key.empty()) throw UsageError("--llm-api-key-stdin: no key on standard input");
        secrets.push_back(key);
        request.llm_api_key = std::move(key);
    }
    for (const auto& assignment : options.set) request.extra_fields.push_back(parse_set(assignment));

    const auto reply = context.client(secrets).create_account(request);
    context.printer().reply(reply.raw);
    // Like every mutation's success line (Wording::done): on a terminal only.
    if (reply.value.id) context.status().success("Created account " + reply.value.id->text + ".");
    return k_exit_ok;
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

std::vector<Field> account_fields() {
    return {
        Field{.flag = "--name", .key = "name", .help = "display name"},
        Field{.flag = "--description", .key = "description", .help = "free text"},
        Field{.flag = "--llm-provider", .key = "llm_provider", .help = "LLM provider, e.g. openai"},
        Field{.flag = "--llm-model", .key = "llm_model", .help = "LLM model, e.g. gpt-4o"},
        Field{.flag = "--llm-base-url", .key = "llm_base_url", .help = "OpenAI-compatible API base URL"},
        Field{.flag = "--llm-api-key-stdin",
              .key = "llm_api_key",
              .type = FieldType::stdin_secret,
              .help = "read the LLM API key from standard input (never from the command line)"},
    };
}

const std::vector<CommandSpec>& account_rows() {
    static const std::vector<CommandSpec> rows = {
        {.words = {"account", "overview"},
         .endpoint = &api::account_overview_default,
         .summary = "Overview of the default account, or of account ID",
         .example = "hyperoru account overview 1",
         .fields = {Field{
             .flag = "id", .type = FieldType::id, .help = "account id (default: your default account)"}},
         .run = run_account_overview},
        {.words = {"account", "list"},
         .endpoint = &api::account_list,
         .summary = "List your AI traders (GET /api/account/list)",
         .example = "hyperoru account list --include-hidden -o ndjson | jq -r .name",
         .fields = {Field{.flag = "--include-hidden",
                          .key = "include_hidden",
                          .type = FieldType::flag,
                          .help = "also list traders hidden from the dashboard",
                          .query = true}},
         .list = true,
         .view = row_view({{"ID", {"id", "account_id"}},
                           {"NAME", {"name"}},
                           {"MODEL", {"llm_model", "model"}},
                           {"TYPE", {"account_type"}},
                           {"CAPITAL", {"initial_capital"}},
                           {"CASH", {"current_cash"}},
                           {"ACTIVE", {"is_active"}},
                           {"DASHBOARD", {"show_on_dashboard"}}},
                          "No accounts.")},
        {.words = {"account", "update"},
         .endpoint = &api::account_update,
         .summary = "Change an AI trader (PUT /api/account/{id})",
         .example = "hyperoru account update 3 --llm-model gpt-4o",
         .args = {"ID"},
         .fields = account_fields(),
         .extra_fields = true,
         .safety = Safety::mutation,
         .wording = {.done = "Updated account {ID}."}},
        {.words = {"account", "delete"},
         .endpoint = &api::account_delete,
         .summary = "Delete an AI trader (DELETE /api/account/{id})",
         .example = "hyperoru account delete 3 --yes",
         .args = {"ID"},
         .safety = Safety::confirm,
         .wording = {.ask = "Delete account {ID}",
                     .details = "{.name}",
                     .lookup = &api::account_overview,
                     .done = "Deleted account {ID}."}},
        {.words = {"account", "strategy"},
         .endpoint = &api::account_strategy,
         .summary = "Show a trader's strategy binding (GET /api/account/{id}/strategy)",
         .example = "hyperoru account strategy 1",
         .args = {"ID"}},
    };
    return rows;
}

}  // namespace

void register_account(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("account")) return;
    auto* account = app.add_subcommand("account");
    account->require_subcommand(1);

    auto create_options = std::make_shared<CreateOptions>();
    auto* create = account->add_subcommand("create", "Create an AI trader (POST /api/account/)");
    create->add_option("--name", create_options->request.name, "display name")->required()->type_name("NAME");
    create->add_option("--description", create_options->description, "free text")->type_name("TEXT");
    create->add_option("--llm-provider", create_options->llm_provider, "LLM provider, e.g. openai")
        ->type_name("P");
    create->add_option("--llm-model", create_options->llm_model, "LLM model, e.g. gpt-4o")->type_name("M");
    create->add_option("--llm-base-url", create_options->llm_base_url, "OpenAI-compatible API base URL")
        ->type_name("URL");
    create->add_flag("--llm-api-key-stdin", create_options->llm_api_key_stdin,
                     "read the LLM API key from standard input (never from the command line)");
    create
        ->add_option("--set", create_options->set,
                     "further field, repeatable; the value is sent as JSON when valid JSON, else as a string")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    create->footer(
        example("hyperoru account create --name \"BTC Trend\" --llm-provider openai --llm-model gpt-4o "
                "--set initial_capital=5000"));
    create->callback([&action, create_options] {
        action = [create_options](Context& c) { return run_create(c, *create_options); };
    });

    add_rows(app, action, only, account_rows(),
             {{{"account"},
               "AI traders (accounts): list, create, update, delete, overview, strategy",
               "hyperoru account list"}});
}

}  // namespace hyperoru::cli
