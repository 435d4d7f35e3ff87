// End-to-end: account list and account create with the real binary: exact output in each format,
// the exact request body (number text and field order kept), and API keys never shown.
#include "e2e/e2e.hpp"

namespace {

using namespace e2e;

const std::string k_token = k_standin_token;

/// The stand-in's seeded visible account, indented as hyperoru prints it (number text as sent).
const std::string k_main_account =
    "  {\n"
    "    \"id\": 1,\n"
    "    \"user_id\": 1,\n"
    "    \"name\": \"Main Account\",\n"
    "    \"model\": \"gpt-4o\",\n"
    "    \"account_type\": \"prompt\",\n"
    "    \"initial_capital\": 1000.0,\n"
    "    \"current_cash\": 1000.0,\n"
    "    \"frozen_cash\": 0.0,\n"
    "    \"is_active\": true,\n"
    "    \"show_on_dashboard\": true,\n"
    "    \"hyperliquid_enabled\": false,\n"
    "    \"hyperliquid_environment\": \"mainnet\",\n"
    "    \"default_leverage\": 1,\n"
    "    \"max_leverage\": 3\n"
    "  }";

const std::string k_hidden_account =
    "  {\n"
    "    \"id\": 2,\n"
    "    \"user_id\": 1,\n"
    "    \"name\": \"Hidden Scalper\",\n"
    "    \"model\": \"claude-sonnet-4-20250514\",\n"
    "    \"account_type\": \"program\",\n"
    "    \"initial_capital\": 500.0,\n"
    "    \"current_cash\": 480.25,\n"
    "    \"frozen_cash\": 0.0,\n"
    "    \"is_active\": true,\n"
    "    \"show_on_dashboard\": false,\n"
    "    \"hyperliquid_enabled\": false,\n"
    "    \"hyperliquid_environment\": \"mainnet\",\n"
    "    \"default_leverage\": 1,\n"
    "    \"max_leverage\": 2\n"
    "  }";

const std::vector<std::string> k_create_args{"account",
                                             "create",
                                             "--name",
                                             "BTC Trend",
                                             "--llm-provider",
                                             "openai",
                                             "--llm-model",
                                             "gpt-4o",
                                             "--llm-api-key-stdin",
                                             "--set",
                                             "initial_capital=5000.00",
                                             "--set",
                                             R"(tags=["a",1.50])"};

const std::string k_create_body =
    R"({"name":"BTC Trend","llm_provider":"openai","llm_model":"gpt-4o","llm_api_key":"sk-test-KEY",)"
    R"("initial_capital":5000.00,"tags":["a",1.50]})";

/// The stand-in's 201 answer to k_create_body (Python floats: 5000.0, 1.5), indented.
std::string created_json(int id) {
    return "{\n"
           "  \"id\": " +
           std::to_string(id) +
           ",\n"
           "  \"user_id\": 1,\n"
           "  \"name\": \"BTC Trend\",\n"
           "  \"model\": \"gpt-4o\",\n"
           "  \"base_url\": null,\n"
           "  \"account_type\": \"prompt\",\n"
           "  \"initial_capital\": 5000.0,\n"
           "  \"current_cash\": 5000.0,\n"
           "  \"frozen_cash\": 0.0,\n"
           "  \"is_active\": true,\n"
           "  \"show_on_dashboard\": true,\n"
           "  \"llm_provider\": \"openai\",\n"
           "  \"tags\": [\n"
           "    \"a\",\n"
           "    1.5\n"
           "  ]\n"
           "}\n";
}

/// argv for hyperoru with --base-url of `server` in front of `args`.
std::vector<std::string> at(const StandIn& server, std::vector<std::string> args) {
    args.insert(args.begin(), {"--base-url", server.base_url()});
    return args;
}

/// The environment of a user who exported HYPERORU_TOKEN (the stand-in's seeded token).
struct TokenEnv : Env {
    TokenEnv() { set("HYPERORU_TOKEN", k_token); }
};

}  // namespace

TEST_CASE("e2e: account list prints the visible accounts exactly as sent") {
    StandIn server;
    const TokenEnv env;
    const auto r = cli(env, at(server, {"account", "list"}));
    CHECK(r.rc == 0);
    CHECK(r.out == "[\n" + k_main_account + "\n]\n");
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) == describe({get("/api/account/list", bearer(k_token))}));
}

TEST_CASE("e2e: account list --include-hidden asks for and prints both accounts") {
    StandIn server;
    const TokenEnv env;
    const auto r = cli(env, at(server, {"account", "list", "--include-hidden"}));
    CHECK(r.rc == 0);
    CHECK(r.out == "[\n" + k_main_account + ",\n" + k_hidden_account + "\n]\n");
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) ==
          describe({get("/api/account/list?include_hidden=true", bearer(k_token))}));
}

TEST_CASE("e2e: account list on a terminal is a table") {
    StandIn server;
    const TokenEnv env;
    const auto visible = cli_pty(env, at(server, {"account", "list"}));
    CHECK(visible.exit_code == 0);
    CHECK(visible.output ==
          "ID  NAME          MODEL   TYPE    CAPITAL  CASH    ACTIVE  DASHBOARD\n"
          "1   Main Account  gpt-4o  prompt  1000.0   1000.0  true    true\n");
    const auto all = cli_pty(env, at(server, {"account", "list", "--include-hidden"}));
    CHECK(all.exit_code == 0);
    CHECK(all.output ==
          "ID  NAME            MODEL                     TYPE     CAPITAL  CASH    ACTIVE  DASHBOARD\n"
          "1   Main Account    gpt-4o                    prompt   1000.0   1000.0  true    true\n"
          "2   Hidden Scalper  claude-sonnet-4-20250514  program  500.0    480.25  true    false\n");
    CHECK(describe(server.requests()) ==
          describe({get("/api/account/list", bearer(k_token)),
                    get("/api/account/list?include_hidden=true", bearer(k_token))}));
}

TEST_CASE("e2e: an empty account list is success: [] or No accounts.") {
    StandIn server;
    const TokenEnv env;
    server.script(R"({"method":"GET","path":"/api/account/list","responses":[)"
                  R"({"status":200,"body":"[]"},{"status":200,"body":"[]"}]})");
    const auto piped = cli(env, at(server, {"account", "list"}));
    CHECK(piped.rc == 0);
    CHECK(piped.out == "[]\n");
    CHECK(piped.err.empty());
    const auto terminal = cli_pty(env, at(server, {"account", "list"}));
    CHECK(terminal.exit_code == 0);
    CHECK(terminal.output == "No accounts.\n");
    CHECK(server.requests().size() == 2);
}

TEST_CASE("e2e: account create sends the flags, --set values and the key from stdin exactly") {
    StandIn server;
    const TokenEnv env;
    const auto r = cli(env, at(server, k_create_args), "sk-test-KEY\n");
    CHECK(r.rc == 0);
    CHECK(r.out == created_json(3));
    CHECK(r.err.empty());  // "Created account 3." is for a terminal (see the pty test)
    CHECK(describe(server.requests()) ==
          describe({post_json("/api/account/", bearer(k_token), k_create_body)}));
}

TEST_CASE("e2e: account create -v shows the API key nowhere") {
    StandIn server;
    const TokenEnv env;
    auto args = k_create_args;
    args.insert(args.begin(), "-v");
    const auto r = cli(env, at(server, args), "sk-test-KEY\n");
    CHECK(r.rc == 0);
    CHECK(r.out == created_json(3));
    CHECK(contains(r.err, "POST /api/account/ HTTP/1.1"));
    CHECK_FALSE(contains(r.out, "sk-test-KEY"));
    CHECK_FALSE(contains(r.err, "sk-test-KEY"));
    CHECK_FALSE(contains(r.err, k_token));
    CHECK(describe(server.requests()) ==
          describe({post_json("/api/account/", bearer(k_token), k_create_body)}));
}

TEST_CASE("e2e: account create without --name is a usage error and sends nothing") {
    StandIn server;
    const TokenEnv env;
    const auto r = cli(env, at(server, {"account", "create", "--llm-model", "gpt-4o"}));
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: \"hyperoru account create\" needs --name\nRun 'hyperoru account create --help' "
          "for usage.\n");
    CHECK(server.requests().empty());
}

TEST_CASE("e2e: account create rejected with a 422 detail list exits 3") {
    StandIn server;
    const TokenEnv env;
    server.script(R"({"method":"POST","path":"/api/account/","responses":[{"status":422,"body":)"
                  R"("{\"detail\":[{\"loc\":[\"body\",\"name\"],\"msg\":\"field required\",)"
                  R"(\"type\":\"value_error.missing\"}]}"}]})");
    const auto r = cli(env, at(server, {"account", "create", "--name", "X"}));
    CHECK(r.rc == 3);
    CHECK(r.out.empty());
    CHECK(r.err == "hyperoru: error: body.name: field required (HTTP 422)\n");
    CHECK(describe(server.requests()) ==
          describe({post_json("/api/account/", bearer(k_token), R"({"name":"X"})")}));
}

TEST_CASE("e2e: an API key in a created account is printed as stars") {
    StandIn server;
    const TokenEnv env;
    const std::string leaky =
        R"({\"id\": 7, \"name\": \"Leaky\", \"llm_api_key\": \"sk-leak\", \"nested\": {\"api_key\": \"sk-leak\"}})";
    server.script(R"({"method":"POST","path":"/api/account/","responses":[)"
                  R"({"status":201,"body":")" +
                  leaky + R"("},{"status":201,"body":")" + leaky + R"("}]})");
    const auto r = cli(env, at(server, {"account", "create", "--name", "Leaky"}));
    CHECK(r.rc == 0);
    CHECK(r.out ==
          "{\n"
          "  \"id\": 7,\n"
          "  \"name\": \"Leaky\",\n"
          "  \"llm_api_key\": \"********\",\n"
          "  \"nested\": {\n"
          "    \"api_key\": \"********\"\n"
          "  }\n"
          "}\n");
    CHECK(r.err.empty());
    const auto nd = cli(env, at(server, {"-o", "ndjson", "account", "create", "--name", "Leaky"}));
    CHECK(nd.rc == 0);
    CHECK(nd.out == R"({"id":7,"name":"Leaky","llm_api_key":"********","nested":{"api_key":"********"}})"
                    "\n");
    CHECK(nd.err.empty());
    CHECK(describe(server.requests()) ==
          describe({post_json("/api/account/", bearer(k_token), R"({"name":"Leaky"})"),
                    post_json("/api/account/", bearer(k_token), R"({"name":"Leaky"})")}));
}

TEST_CASE("e2e: account update with nothing to change is a usage error and sends nothing") {
    StandIn server;
    const TokenEnv env;
    const auto r = cli(env, at(server, {"account", "update", "1"}));
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: nothing to change: give at least one of --name, --description, --llm-provider, "
          "--llm-model, ..., --set key=value, --body FILE\n"
          "Run 'hyperoru account update --help' for usage.\n");
    CHECK(server.requests().empty());
}
