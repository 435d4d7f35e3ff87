// Output niceties in-process: when hyperoru may prompt (both ends on a terminal, no --no-input).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/cli_fixture.hpp"

using namespace hyperoru;
using hyperoru::test::Cli;
using hyperoru::test::k_json;

namespace {

const std::string k_base = "https://api.production.hyperoru.com";

}  // namespace

TEST_CASE("prompts: only with stdin and stdout on a terminal and without --no-input", "[output]") {
    Cli cli;
    SECTION("login: stdin on a terminal, stdout a pipe") {
        cli.stdin_tty = true;
        CHECK(cli.run({"login"}) == 2);
        CHECK(cli.err == "hyperoru: error: --email or --username is required (stdout is not a terminal)\n");
        CHECK(cli.run({"login", "--email", "a@b.c"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: no password: pipe it with --password-stdin (stdout is not a terminal)\n");
    }
    SECTION("login: --no-input on a terminal") {
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        CHECK(cli.run({"--no-input", "login"}) == 2);
        CHECK(cli.err == "hyperoru: error: --email or --username is required (--no-input)\n");
        CHECK(cli.run({"login", "--email", "a@b.c", "--no-input"}) == 2);
        CHECK(cli.err == "hyperoru: error: no password: pipe it with --password-stdin (--no-input)\n");
    }
    SECTION("login: --password-stdin on a terminal needs the email as an option") {
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        CHECK(cli.run({"login", "--password-stdin"}, "pw\n") == 2);
        CHECK(cli.err ==
              "hyperoru: error: --email or --username is required (standard input holds the password)\n");
    }
    SECTION("register: --no-input on a terminal") {
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        CHECK(cli.run({"register", "--username", "trader2", "--no-input"}) == 2);
        CHECK(cli.err == "hyperoru: error: no password: pipe it with --password-stdin (--no-input)\n");
    }
    SECTION("a destructive command is refused, an order execute proceeds") {
        cli.login_state();
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        CHECK(cli.run({"--no-input", "order", "cancel", "42"}) == 2);
        CHECK(
            cli.err ==
            "hyperoru: error: refusing to run 'order cancel' without --yes (--no-input; --dry-run shows the "
            "request)\n");
        CHECK(cli.server->requests.empty());
        cli.stdout_tty = false;
        CHECK(cli.run({"order", "cancel", "42"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: refusing to run 'order cancel' without --yes (stdout is not a terminal; "
              "--dry-run shows the request)\n");
        CHECK(cli.server->requests.empty());
        cli.stdout_tty = true;
        cli.server->respond(200, R"({"status":"ok","order_id":42})", k_json);
        CHECK(cli.run({"--no-input", "order", "execute", "42"}) == 0);
        CHECK(cli.out == "status    ok\norder_id  42\n");
        REQUIRE(cli.server->requests.size() == 1);
        CHECK(cli.request().url == k_base + "/api/orders/execute/42");
    }
    CHECK(cli.prompts.empty());
}
