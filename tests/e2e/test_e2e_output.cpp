// End-to-end: output niceties with the real binary against the stand-in: no prompt with
// --no-input.
#include "e2e/resources.hpp"

using namespace e2e_resources;

TEST_CASE("e2e: --no-input on a terminal: login and a destructive command ask nothing") {
    StandIn server;
    const TokenEnv env;
    const auto login = cli_pty(Env{}, at(server, {"--no-input", "login"}));
    CHECK(login.exit_code == 2);
    CHECK(login.output == "hyperoru: error: --email or --username is required (--no-input)\n");
    const auto password =
        cli_pty(Env{}, at(server, {"login", "--email", "trader@example.com", "--no-input"}));
    CHECK(password.exit_code == 2);
    CHECK(password.output == "hyperoru: error: no password: pipe it with --password-stdin (--no-input)\n");

    seed(server, R"({"kind": "orders", "count": 1})");
    const auto cancel = cli_pty(env, at(server, {"order", "cancel", "42", "--no-input"}));
    CHECK(cancel.exit_code == 2);
    CHECK(cancel.output ==
          "hyperoru: error: refusing to run 'order cancel' without --yes (--no-input; --dry-run shows the "
          "request)\n");
    CHECK(server.requests().empty());
}
