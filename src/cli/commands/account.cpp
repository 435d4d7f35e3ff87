// account create (the other account commands are table rows in catalog.cpp).
#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands/commands.hpp"
#include "cli/output.hpp"
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
    print_reply(context, reply.raw, {});
    if (reply.value.id) {
        context.err() << "Created account " << sanitize_for_terminal(reply.value.id->text) << ".\n";
    }
    return k_exit_ok;
}

}  // namespace

void register_account(CLI::App& app, Action& action, const Selection& only) {
    if (!only.wants("account")) return;
    auto* account = app.add_subcommand(
        "account", "AI traders (accounts): list, create, update, delete, overview, strategy");
    account->require_subcommand(1);
    account->footer(example("hyperoru account list"));

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
}

}  // namespace hyperoru::cli
