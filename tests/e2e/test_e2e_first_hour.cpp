// End-to-end: the mistakes of a first hour, made with the real binary against the stand-in, and
// what hyperoru answers: a mistyped context, a DELETE through api, -f without -X, a lower-case
// symbol. Each answer names the cause and sends nothing it should not.
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
