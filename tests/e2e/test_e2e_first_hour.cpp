// End-to-end: the mistakes of a first hour, made with the real binary against the stand-in, and
// what hyperoru answers: a mistyped context, a DELETE through api, -f without -X, a lower-case
// symbol. Each answer names the cause and sends nothing it should not.
#include <regex>

#include "e2e/resources.hpp"

using namespace e2e_resources;

TEST_CASE("e2e: first hour: a mistyped --context names the context meant and sends nothing") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_standin_token);
    REQUIRE(cli(env, {"--context", "sandbox", "config", "set", "base_url", server.base_url()}).rc == 0);
    const auto r = cli(env, {"--context", "sandbx", "account", "list"});
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: unknown context \"sandbx\"; did you mean \"sandbox\"? (known: sandbox)\n"
          "Run 'hyperoru account list --help' for usage.\n");
    CHECK(server.requests().empty());
}

TEST_CASE("e2e: first hour: api -X DELETE needs --yes off a terminal and asks on one") {
    StandIn server;
    const TokenEnv env;
    const auto refused = cli(env, at(server, {"api", "-X", "DELETE", "/api/account/1"}));
    CHECK(refused.rc == 2);
    CHECK(refused.out.empty());
    CHECK(refused.err == "hyperoru: error: refusing to DELETE " + server.base_url() +
                             "/api/account/1 without --yes (stdin is not a terminal)\n"
                             "Run 'hyperoru api --help' for usage.\n");
    const auto asked =
        cli_pty(env, at(server, {"api", "-X", "DELETE", "/api/account/1"}), {{"[y/N] ", "n\n"}});
    CHECK(asked.exit_code == 2);
    CHECK(contains(asked.output, "Send DELETE " + server.base_url() + "/api/account/1? [y/N] "));
    CHECK(contains(asked.output, "hyperoru: error: api: cancelled\n"));
    CHECK(server.requests().empty());
}

TEST_CASE("e2e: first hour: a 405 to api -f without -X says that -f makes a POST") {
    StandIn server;
    const TokenEnv env;
    const auto r = cli(env, at(server, {"api", "/api/crypto/price", "-f", "symbol=ETH"}));
    CHECK(r.rc == 3);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "(-f makes a POST; add -X GET to send the fields as query parameters)"));
    const auto get = cli(env, at(server, {"api", "-X", "GET", "/api/crypto/price", "-f", "symbol=ETH"}));
    CHECK(get.rc == 0);
}

TEST_CASE("e2e: first hour: price btc is a 404 that names the upper-case symbol") {
    StandIn server;
    const TokenEnv env;
    const auto r = cli(env, at(server, {"price", "btc"}));
    CHECK(r.rc == 6);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "symbols are upper case: try 'hyperoru price BTC'"));
}

TEST_CASE("e2e: first hour: auth status reports a token the server has rejected, until the next login") {
    StandIn server;
    Env env;
    REQUIRE(login(server, env).rc == 0);
    const std::vector<std::string> status = {"--base-url", server.base_url(), "auth", "status"};
    REQUIRE(cli(env, status).rc == 0);
    // The session ends on the server (through api, so the stored token stays); the next call is
    // answered 401 and the rejection is written down with the context.
    REQUIRE(cli(env, {"--base-url", server.base_url(), "api", "-X", "POST", "/api/users/logout"}).rc == 0);
    const auto listed = cli(env, {"--base-url", server.base_url(), "account", "list"});
    CHECK(listed.rc == 4);
    const auto rejected = cli(env, status);
    CHECK(rejected.rc == 4);
    CHECK(contains(rejected.out, "\"logged_in\": false"));
    CHECK(contains(rejected.out, "\"token_rejected_at\": \""));
    CHECK(rejected.err.starts_with("hyperoru: error: the server rejected this token on "));
    CHECK(rejected.err.ends_with("; run 'hyperoru login'\n"));
    REQUIRE(login(server, env).rc == 0);
    const auto again = cli(env, status);
    CHECK(again.rc == 0);
    CHECK(contains(again.out, "\"logged_in\": true"));
}

TEST_CASE(
    "e2e: first hour: a mistyped command or flag is named with the nearest one; a bare command shows help") {
    const Env env;
    struct Mistake {
        std::vector<std::string> args;
        std::string err;
    };
    const std::vector<Mistake> mistakes = {
        {{"acount", "list"},
         "hyperoru: error: unknown command \"acount\" for \"hyperoru\"; did you mean \"account\"?\n"
         "Run 'hyperoru --help' for usage.\n"},
        {{"account", "lst"},
         "hyperoru: error: unknown command \"lst\" for \"hyperoru account\"; did you mean \"list\"?\n"
         "Run 'hyperoru account --help' for usage.\n"},
        {{"positions", "1"},
         "hyperoru: error: unknown command \"positions\" for \"hyperoru\"; did you mean \"hyperoru "
         "hyperliquid positions\"?\nRun 'hyperoru --help' for usage.\n"},
        {{"login", "--password", "secret"},
         "hyperoru: error: unknown flag \"--password\" for \"hyperoru login\"; did you mean "
         "\"--password-stdin\"?\nRun 'hyperoru login --help' for usage.\n"},
        {{"account", "list", "--limit", "0"},
         "hyperoru: error: --limit must be a whole number from 1, got '0'\n"
         "Run 'hyperoru account list --help' for usage.\n"},
        {{"--timeout", "abc", "account", "list"},
         "hyperoru: error: --timeout expects seconds from 0.001 to 31536000, got 'abc'\n"
         "Run 'hyperoru account list --help' for usage.\n"},
    };
    for (const auto& [args, err] : mistakes) {
        INFO("hyperoru " + joined(args));
        const auto r = cli(env, args);
        CHECK(r.rc == 2);
        CHECK(r.out.empty());
        CHECK(r.err == err);
    }
    // A bare command prints its level's help on stderr (exit 2); `help` prints it on stdout (exit 0).
    const auto bare = cli(env, {});
    CHECK(bare.rc == 2);
    CHECK(bare.out.empty());
    CHECK(contains(bare.err, "Usage: hyperoru [OPTIONS] SUBCOMMAND\n"));
    const auto noun = cli(env, {"account"});
    CHECK(noun.rc == 2);
    CHECK(contains(noun.err, "Usage: hyperoru account [OPTIONS] SUBCOMMAND\n"));
    const auto help = cli(env, {"help", "account"});
    CHECK(help.rc == 0);
    CHECK(help.err.empty());
    CHECK(contains(help.out, "Usage: hyperoru account [OPTIONS] SUBCOMMAND\n"));
    CHECK(contains(help.out, "\n  list "));
}

TEST_CASE("e2e: first hour: login to a context that does not exist asks first on a terminal") {
    StandIn server;
    Env env;
    // On a terminal: the question names the server the new context would use; "n" sends nothing.
    const auto asked =
        cli_pty(env, {"--context", "sandbx", "login", "--email", "trader@example.com"}, {{"[y/N] ", "n\n"}});
    CHECK(asked.exit_code == 2);
    CHECK(asked.output ==
          "Context \"sandbx\" does not exist. Create it for https://api.production.hyperoru.com? [y/N] n\n"
          "hyperoru: error: login: cancelled\n");
    CHECK_FALSE(std::filesystem::exists(env.config_file()));
    // Off a terminal it needs --base-url; with it, the context is created and logged in to.
    const auto refused =
        cli(env, {"--context", "sandbx", "login", "--email", "trader@example.com"}, "secret\n");
    CHECK(refused.rc == 2);
    CHECK(refused.err ==
          "hyperoru: error: context \"sandbx\" does not exist; give --base-url to create it (stdin is not "
          "a terminal)\nRun 'hyperoru login --help' for usage.\n");
    const auto created = cli(env,
                             {"--context", "sandbox", "--base-url", server.base_url(), "login", "--email",
                              "trader@example.com", "--password-stdin"},
                             "secret\n");
    CHECK(created.rc == 0);
    CHECK(created.err.starts_with("Logged in to " + server.base_url() + " as trader1.\n"));
}

TEST_CASE("e2e: first hour: a table with emoji, CJK and combining marks stays aligned on a terminal") {
    StandIn server;
    const TokenEnv env;
    for (const char* name :
         {"\xF0\x9F\x9A\x80 Moon", "\xE6\x97\xA5\xE6\x9C\xAC", "Cafe\xCC\x81 \xE2\x9A\xA1"}) {
        REQUIRE(cli(env, at(server, {"account", "create", "--name", name, "--llm-model", "gpt-4o"})).rc == 0);
    }
    const auto r = cli_pty(env, at(server, {"account", "list", "--fields", "id,name,model"}));
    CHECK(r.exit_code == 0);
    // 🚀 and ⚡ take two columns, 日本 four, e + U+0301 one: MODEL starts in column 15 on every line.
    CHECK(r.output ==
          "ID  NAME          MODEL\n"
          "1   Main Account  gpt-4o\n"
          "3   \xF0\x9F\x9A\x80 Moon       gpt-4o\n"
          "4   \xE6\x97\xA5\xE6\x9C\xAC          gpt-4o\n"
          "5   Cafe\xCC\x81 \xE2\x9A\xA1       gpt-4o\n");
}

TEST_CASE("e2e: first hour: watch --count 1 on a terminal is one update, at local time with its zone") {
    StandIn server({"--demo", "--ws-demo-interval", "0.2"});
    TokenEnv env;
    env.set("TZ", "JST-9");
    const auto r = cli_pty(env, at(server, {"watch", "asset_curve", "--count", "1"}));
    CHECK(r.exit_code == 0);
    INFO(r.output);
    // The acknowledgement of the subscription is shown but not counted: then exactly one update.
    CHECK(std::regex_match(r.output,
                           std::regex("[0-2][0-9]:[0-5][0-9]:[0-5][0-9] JST  subscribed  [^\n]*\n"
                                      "[0-2][0-9]:[0-5][0-9]:[0-5][0-9] JST  asset_curve  [^\n]*\n")));
}

TEST_CASE("e2e: first hour: --all shows its progress on a terminal, erased before the list") {
    StandIn server;
    TokenEnv env;
    env.set("TERM", "xterm");
    seed(server, R"({"kind": "orders", "count": 3})");
    const auto r = cli_pty(
        env, at(server, {"order", "list", "--pending", "--all", "--per-page", "1", "--fields", "id"}));
    CHECK(r.exit_code == 0);
    INFO(r.output);
    CHECK(std::regex_match(r.output, std::regex("\r1 page, 1 item, [0-9]+ B so far\033\\[K"
                                                "\r2 pages, 2 items, [0-9]+ B so far\033\\[K"
                                                "\r3 pages, 3 items, [0-9]+ B so far\033\\[K"
                                                "(\r4 pages, 3 items, [0-9]+ B so far\033\\[K)?"
                                                "\r\033\\[KID\n42\n43\n44\n")));
    const auto piped = cli(env, at(server, {"order", "list", "--pending", "--all", "--per-page", "1", "-o",
                                            "ndjson", "--fields", "id"}));
    CHECK(piped.rc == 0);
    CHECK(piped.out == "{\"id\":42}\n{\"id\":43}\n{\"id\":44}\n");
    CHECK(piped.err.empty());
}
