// The CLI in-process: parsing, settings precedence, output formats, error lines and exit codes.
// A fake transport stands in for the network and a fake clock for time; the config directory is
// a fresh temporary directory.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <deque>
#include <fstream>
#include <sstream>

#include "cli/app.hpp"
#include "hyperoru/config.hpp"
#include "support/cli_fixture.hpp"
#include "support/fake_transport.hpp"
#include "support/temp_dir.hpp"

using namespace hyperoru;
using hyperoru::test::Cli;
using hyperoru::test::FakeClock;
using hyperoru::test::FakeServer;
using hyperoru::test::k_json;

TEST_CASE("cli: --version and --help", "[cli]") {
    Cli cli;
    CHECK(cli.run({"--version"}) == 0);
    CHECK(cli.out == "hyperoru 0.1.0\n");
    CHECK(cli.run({"--help"}) == 0);
    CHECK_THAT(cli.out, Catch::Contains("Exit codes:") && Catch::Contains("9 network, TLS or timeout") &&
                            Catch::Contains("HYPERORU_TOKEN"));
    for (const auto& sub : std::vector<std::vector<std::string>>{{"health"},
                                                                 {"login"},
                                                                 {"logout"},
                                                                 {"auth", "status"},
                                                                 {"auth", "token"},
                                                                 {"profile"},
                                                                 {"account", "list"},
                                                                 {"account", "create"},
                                                                 {"price"},
                                                                 {"context", "list"},
                                                                 {"context", "use"},
                                                                 {"context", "show"},
                                                                 {"context", "delete"},
                                                                 {"config", "get"},
                                                                 {"config", "set"},
                                                                 {"config", "list"},
                                                                 {"config", "path"}}) {
        auto args = sub;
        args.push_back("--help");
        INFO(sub.front());
        CHECK(cli.run(args) == 0);
        CHECK_THAT(cli.out, Catch::Contains("\nExample:\n  ") && Catch::Contains("hyperoru " + sub.front()));
    }
    CHECK(cli.server->requests.empty());
}

TEST_CASE("cli: only the named command is built, found after global options of every form", "[cli]") {
    // run() builds just the command the first word names; every command must still work alone.
    Cli cli;
    for (const auto& path : cli::command_paths()) {
        std::vector<std::string> args{"-o", "json", "--timeout", "5", "-v"};
        std::istringstream words(path);
        for (std::string word; words >> word;) args.push_back(word);
        args.push_back("--help");
        INFO(path);
        CHECK(cli.run(args) == 0);
        CHECK_THAT(cli.out, Catch::Contains("Usage: hyperoru " + path));
    }
    const std::string price = R"({"symbol":"BTC","price":67012.5})";
    cli.env["HYPERORU_TOKEN"] = "tok_env";
    ConfigStore(cli.dir.path()).update([](Config& c) {
        c.contexts["price"].base_url = test::k_production_url;
    });
    for (const auto& prefix : std::vector<std::vector<std::string>>{{"--output=json"},
                                                                    {"-ojson"},
                                                                    {"-o", "json"},
                                                                    {"--base-url", "http://127.0.0.1:1"},
                                                                    {"--context", "price"}}) {
        auto args = prefix;
        args.push_back("price");
        args.push_back("BTC");
        INFO(args.front());
        cli.server->respond(200, price, k_json);
        CHECK(cli.run(args) == 0);
        CHECK(cli.out == "{\n  \"symbol\": \"BTC\",\n  \"price\": 67012.5\n}\n");
    }
    CHECK(cli.run({"--version"}) == 0);
    CHECK(cli.out == "hyperoru 0.1.0\n");
    CHECK(cli.run({"-v", "--help"}) == 0);  // no command named: all of them are listed
    CHECK_THAT(cli.out, Catch::Contains("\n  price ") && Catch::Contains("\n  watch ") &&
                            Catch::Contains("\n  signal ") && Catch::Contains("\n  api "));
    CHECK(cli.run({"--output", "json", "frobnicate"}) == 2);  // not a command, nor close to one
    CHECK(cli.err ==
          "hyperoru: error: unknown command \"frobnicate\" for \"hyperoru\"\nRun 'hyperoru --help' for "
          "usage.\n");
}

TEST_CASE("cli: the command to build is the first word that is not an option or its value", "[cli]") {
    using Args = std::vector<std::string>;
    CHECK(cli::selected_command({"price", "BTC"}) == "price");
    CHECK(cli::selected_command({"--context", "price", "account", "list"}) == "account");
    CHECK(cli::selected_command({"-o", "json", "--timeout", "5", "--retries", "0", "watch"}) == "watch");
    CHECK(cli::selected_command({"--output=json", "health"}) == "health");
    CHECK(cli::selected_command({"-ojson", "-v", "--insecure", "--allow-http", "profile"}) == "profile");
    CHECK(cli::selected_command({"--base-url", "http://h", "--cacert", "ca.pem", "--max-response-size", "1M",
                                 "--connect-timeout", "2", "order", "list"}) == "order");
    CHECK(cli::selected_command({"--version"}) == "");
    CHECK(cli::selected_command({"--help"}) == std::nullopt);
    CHECK(cli::selected_command(Args{}) == std::nullopt);
    CHECK(cli::selected_command({"-v", "-o", "json"}) == std::nullopt);
}

TEST_CASE("cli: usage errors exit 2 without a request", "[cli]") {
    Cli cli;
    CHECK(cli.run({}) == 2);
    CHECK(cli.run({"frobnicate"}) == 2);
    CHECK(cli.run({"-o", "yaml", "health"}) == 2);
    CHECK(cli.run({"--retries", "-1", "health"}) == 2);
    CHECK(cli.run({"price"}) == 2);
    CHECK(cli.run({"account", "create"}) == 2);
    CHECK(cli.run({"login", "--email", "a@b.c", "--username", "u", "--password-stdin"}, "pw\n") == 2);
    CHECK(cli.run({"login", "--password", "pw"}) == 2);
    CHECK_THAT(cli.err, Catch::StartsWith("hyperoru: error: "));
    CHECK(cli.server->requests.empty());
}

TEST_CASE("cli: health prints the body exactly, as JSON off a terminal", "[cli]") {
    Cli cli;
    cli.server->respond(200, R"({"status":"healthy","uptime":1.50})", k_json);
    CHECK(cli.run({"health"}) == 0);
    CHECK(cli.out == "{\n  \"status\": \"healthy\",\n  \"uptime\": 1.50\n}\n");
    CHECK(cli.err.empty());
    CHECK(cli.request().url == "https://api.production.hyperoru.com/api/health");
    CHECK_FALSE(http::find_header(cli.request().headers, "Authorization"));
}

TEST_CASE("cli: output formats", "[cli]") {
    Cli cli;
    cli.login_state();
    const std::string body =
        R"([{"id":1,"name":"Main","model":"gpt-4o","api_key":"sk-live"},{"id":2,"name":"B\u001b[31m"}])";
    SECTION("raw: bytes unchanged") {
        cli.server->respond(200, body, k_json);
        CHECK(cli.run({"account", "list", "-o", "raw"}) == 0);
        CHECK(cli.out == body);
    }
    SECTION("ndjson: one element per line, secrets masked") {
        cli.server->respond(200, body, k_json);
        CHECK(cli.run({"-o", "ndjson", "account", "list"}) == 0);
        CHECK(cli.out ==
              "{\"id\":1,\"name\":\"Main\",\"model\":\"gpt-4o\",\"api_key\":\"********\"}\n"
              "{\"id\":2,\"name\":\"B\\u001b[31m\"}\n");
    }
    SECTION("table on a terminal (auto), control characters neutralised") {
        cli.stdout_tty = true;
        cli.server->respond(200, body, k_json);
        CHECK(cli.run({"account", "list"}) == 0);
        CHECK(cli.out ==
              "ID  NAME       MODEL   TYPE  CAPITAL  CASH  ACTIVE  DASHBOARD\n"
              "1   Main       gpt-4o  -     -        -     -       -\n"
              "2   B\\x1B[31m  -       -     -        -     -       -\n");
    }
    SECTION("empty list") {
        cli.server->respond(200, "[]", k_json);
        CHECK(cli.run({"account", "list"}) == 0);
        CHECK(cli.out == "[]\n");
        cli.stdout_tty = true;
        cli.server->respond(200, "[]", k_json);
        CHECK(cli.run({"account", "list"}) == 0);
        CHECK(cli.out == "No accounts.\n");
    }
    SECTION("a non-JSON 2xx body is printed as text by api, an invalid response to a typed command") {
        cli.server->respond(200, "pong", {{"Content-Type", "text/plain"}});
        CHECK(cli.run({"api", "/api/health"}) == 0);
        CHECK(cli.out == "pong\n");
        cli.server->respond(200, "<!DOCTYPE html><title>Wi-Fi login</title>",
                            {{"Content-Type", "text/html"}});
        CHECK(cli.run({"health"}) == 10);
        CHECK(cli.out.empty());
        CHECK(cli.err ==
              "hyperoru: error: invalid response: expected JSON, got text/html: <!DOCTYPE html><title>Wi-Fi "
              "login</title>\n");
    }
    SECTION("malformed JSON is an invalid response") {
        cli.server->respond(200, R"({"status": )", k_json);
        CHECK(cli.run({"health"}) == 10);
        CHECK(cli.out.empty());
        CHECK_THAT(cli.err, Catch::StartsWith("hyperoru: error: invalid response: invalid JSON"));
    }
}

TEST_CASE("cli: price of several symbols is one JSON array, numbers exact", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.server->respond(200, R"({"symbol": "BTC", "price": 67012.50})", k_json);
    cli.server->respond(200, R"({"symbol": "PEPE", "price": 0.00000012})", k_json);
    CHECK(cli.run({"price", "BTC", "PEPE"}) == 0);
    CHECK(cli.out ==
          "[\n  {\n    \"symbol\": \"BTC\",\n    \"price\": 67012.50\n  },\n"
          "  {\n    \"symbol\": \"PEPE\",\n    \"price\": 0.00000012\n  }\n]\n");
    CHECK(cli.request(0).url == "https://api.production.hyperoru.com/api/crypto/price?symbol=BTC");
    CHECK(cli.request(1).url == "https://api.production.hyperoru.com/api/crypto/price?symbol=PEPE");
    CHECK(http::find_header(cli.request(1).headers, "Authorization") == "Bearer tok_stored");

    cli.server->respond(200, R"({"symbol": "BTC", "price": 67012.50})", k_json);
    cli.stdout_tty = true;
    CHECK(cli.run({"price", "BTC"}) == 0);
    CHECK(cli.out == "SYMBOL  PRICE     TIMESTAMP\nBTC     67012.50  -\n");
}

TEST_CASE("cli: price of a symbol in lower case that is not found suggests the upper-case one", "[cli]") {
    Cli cli;
    cli.login_state();
    const std::string unknown = R"({"error":"Unknown symbol: btc","code":"SYMBOL_NOT_FOUND"})";
    cli.server->respond(404, unknown, k_json);
    CHECK(cli.run({"price", "btc"}) == 6);
    CHECK(cli.out.empty());
    CHECK(cli.err ==
          "hyperoru: error: Unknown symbol: btc; symbols are upper case: try 'hyperoru price BTC' (HTTP 404, "
          "code SYMBOL_NOT_FOUND)\n");

    // The suggestion is the whole command, every symbol upper-cased.
    cli.server->respond(200, R"({"symbol": "ETH", "price": 3450.25})", k_json);
    cli.server->respond(404, unknown, k_json);
    CHECK(cli.run({"price", "ETH", "btc", "sol"}) == 6);
    CHECK(cli.out.empty());
    CHECK(cli.err ==
          "hyperoru: error: Unknown symbol: btc; symbols are upper case: try 'hyperoru price ETH BTC SOL' "
          "(HTTP 404, code SYMBOL_NOT_FOUND)\n");

    // Upper case already, or another status: the error as it came.
    cli.server->respond(404, R"({"error":"Unknown symbol: NOPE","code":"SYMBOL_NOT_FOUND"})", k_json);
    CHECK(cli.run({"price", "NOPE"}) == 6);
    CHECK(cli.err == "hyperoru: error: Unknown symbol: NOPE (HTTP 404, code SYMBOL_NOT_FOUND)\n");
    cli.server->respond(400, R"({"error":"bad symbol","code":"VALIDATION_ERROR"})", k_json);
    CHECK(cli.run({"price", "btc"}) == 3);
    CHECK(cli.err == "hyperoru: error: bad symbol (HTTP 400, code VALIDATION_ERROR)\n");
}

TEST_CASE("cli: error lines and exit codes per status", "[cli]") {
    const std::vector<std::pair<long, int>> cases = {{400, 3}, {409, 3}, {422, 3}, {418, 3}, {401, 4},
                                                     {403, 5}, {404, 6}, {429, 7}, {500, 8}, {503, 8}};
    for (const auto& [status, code] : cases) {
        Cli cli;
        cli.login_state();
        for (int i = 0; i < 4; ++i) {
            cli.server->respond(
                status, R"({"error":"Account not found","code":"ACCOUNT_NOT_FOUND","request_id":"req_01J7"})",
                k_json);
        }
        INFO(status);
        CHECK(cli.run({"profile"}) == code);
        CHECK(cli.out.empty());
        const std::string hint = status == 401 ? "; run 'hyperoru login'" : "";
        CHECK(cli.err == "hyperoru: error: Account not found" + hint + " (HTTP " + std::to_string(status) +
                             ", code ACCOUNT_NOT_FOUND, request_id req_01J7)\n");
    }
}

TEST_CASE("cli: -o json errors are one JSON object on stderr", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.server->respond(404, R"({"detail":"Not found"})", k_json);
    CHECK(cli.run({"-o", "json", "profile"}) == 6);
    CHECK(cli.err == "{\"error\":\"Not found\",\"status\":404,\"exit_code\":6}\n");
}

TEST_CASE("cli: verbose shows error details and retries", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.clock.random = 0;
    cli.server->respond(503, R"({"code":"X","details":{"why":"maintenance"},"message":"down"})", k_json);
    cli.server->respond(503, R"({"code":"X","details":{"why":"maintenance"},"message":"down"})", k_json);
    CHECK(cli.run({"-v", "--retries", "1", "profile"}) == 8);
    CHECK(cli.err ==
          "* retry 1 of 1 in 1.000 s: HTTP 503\n"
          "hyperoru: error: down (HTTP 503, code X)\n"
          "hyperoru: details: {\"why\":\"maintenance\"}\n");
    REQUIRE(cli.transport_options);
    CHECK(cli.transport_options->trace != nullptr);
    CHECK(cli.transport_options->secrets == std::vector<std::string>{"tok_stored"});
}

TEST_CASE("cli: transport options from global flags", "[cli]") {
    Cli cli;
    cli.server->respond(200, "{}", k_json);
    const auto ca = cli.dir.path() / "ca.pem";
    std::ofstream(ca) << "x";
    CHECK(cli.run({"--timeout", "2.5", "--connect-timeout", "1", "--cacert", ca.string(), "health"}) == 0);
    REQUIRE(cli.transport_options);
    CHECK(cli.transport_options->timeout == std::chrono::milliseconds{2500});
    CHECK(cli.transport_options->connect_timeout == std::chrono::milliseconds{1000});
    CHECK(cli.transport_options->cacert == ca.string());
    CHECK_FALSE(cli.transport_options->insecure);
    CHECK(cli.transport_options->user_agent == "hyperoru/0.1.0");

    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"--insecure", "health"}) == 0);
    CHECK(cli.transport_options->insecure);
    CHECK_THAT(cli.err, Catch::StartsWith("hyperoru: warning: --insecure"));
}

TEST_CASE("cli: base URL and context precedence: flag > environment > config > default", "[cli]") {
    Cli cli;
    cli.login_state("https://stored.example");
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"health"}) == 0);
    CHECK(cli.request(0).url == "https://stored.example/api/health");

    cli.env["HYPERORU_BASE_URL"] = "https://env.example/";
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"health"}) == 0);
    CHECK(cli.request(1).url == "https://env.example/api/health");

    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"--base-url", "https://flag.example", "health"}) == 0);
    CHECK(cli.request(2).url == "https://flag.example/api/health");

    cli.env.erase("HYPERORU_BASE_URL");
    cli.env["HYPERORU_CONTEXT"] = "other";
    CHECK(cli.run({"health"}) == 2);  // a context that does not exist is a mistake, not an empty one
    CHECK(cli.err ==
          "hyperoru: error: unknown context \"other\" (HYPERORU_CONTEXT) (known: default)\n"
          "Run 'hyperoru health --help' for usage.\n");
    ConfigStore(cli.dir.path()).update([](Config& c) { c.contexts["other"].email = "o@example.com"; });
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"health"}) == 0);
    CHECK(cli.request(3).url == "https://api.production.hyperoru.com/api/health");
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"--context", "default", "health"}) == 0);
    CHECK(cli.request(4).url == "https://stored.example/api/health");
}

TEST_CASE("cli: HYPERORU_TOKEN wins over the config file", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.env["HYPERORU_TOKEN"] = "tok_env";
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"profile"}) == 0);
    CHECK(http::find_header(cli.request().headers, "Authorization") == "Bearer tok_env");
}

TEST_CASE("cli: a stored token is never sent to another server", "[cli]") {
    Cli cli;
    cli.login_state("https://api.production.hyperoru.com");
    CHECK(cli.run({"--base-url", "https://elsewhere.example", "profile"}) == 4);
    CHECK(cli.server->requests.empty());
    CHECK(cli.err ==
          "hyperoru: error: the token of context \"default\" was issued by "
          "https://api.production.hyperoru.com and is never sent to https://elsewhere.example; "
          "run 'hyperoru login' for this server or use --context\n");
}

TEST_CASE("cli: not logged in", "[cli]") {
    Cli cli;
    CHECK(cli.run({"profile"}) == 4);
    CHECK(
        cli.err ==
        "hyperoru: error: not logged in (context \"default\"); run 'hyperoru login' or set HYPERORU_TOKEN\n");
    CHECK(cli.run({"auth", "token"}) == 4);
    CHECK(cli.out.empty());
    CHECK(cli.run({"auth", "status"}) == 4);
    CHECK(cli.server->requests.empty());
}

TEST_CASE("cli: plain http only to loopback", "[cli]") {
    Cli cli;
    CHECK(cli.run({"--base-url", "http://api.example", "health"}) == 2);
    CHECK_THAT(cli.err, Catch::Contains("refusing plain http to api.example"));
    CHECK(cli.server->requests.empty());
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"--base-url", "http://127.0.0.1:9", "health"}) == 0);
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"--allow-http", "--base-url", "http://api.example", "health"}) == 0);
    CHECK_THAT(cli.err, Catch::StartsWith("hyperoru: warning: --allow-http"));
}

TEST_CASE("cli: login with --password-stdin saves the token, 0600", "[cli]") {
    Cli cli;
    cli.server->respond(200, R"({"user":{"id":1,"username":"trader1","email":"trader@example.com"},
                                "session_token":"tok_new","expires_at":"2027-05-24T00:00:00Z"})",
                        k_json);
    CHECK(cli.run({"--base-url", "http://127.0.0.1:8080", "login", "--email", "trader@example.com",
                   "--password-stdin"},
                  "s3cret\n") == 0);
    CHECK(cli.request().body == R"({"email":"trader@example.com","password":"s3cret"})");
    CHECK_FALSE(http::find_header(cli.request().headers, "Authorization"));
    CHECK(cli.out.empty());
    const auto file = cli.dir.path() / "config.json";
    CHECK(cli.err == "Logged in to http://127.0.0.1:8080 as trader1.\nToken saved to " + file.string() +
                         " (context \"default\").\n");
    const Config config = cli.config();
    const auto& ctx = config.contexts.at("default");
    CHECK(ctx.session_token == "tok_new");
    CHECK(ctx.base_url == "http://127.0.0.1:8080");
    CHECK(ctx.email == "trader@example.com");
    CHECK(ctx.username == "trader1");
    CHECK(ctx.expires_at == "2027-05-24T00:00:00Z");
    CHECK(ctx.issued_at == "2026-11-25T00:00:00Z");
    CHECK(config.current_context == "default");
    REQUIRE(cli.transport_options);
    CHECK(cli.transport_options->secrets == std::vector<std::string>{"s3cret"});
}

TEST_CASE("cli: login by username into a named context", "[cli]") {
    Cli cli;
    cli.server->respond(200, R"({"session_token":"tok_u"})", k_json);
    CHECK(cli.run({"--context", "staging", "login", "--username", "trader1", "--password-stdin"}, "pw") == 2);
    CHECK(cli.err ==
          "hyperoru: error: context \"staging\" does not exist; give --base-url to create it (stdin is not a "
          "terminal)\n"
          "Run 'hyperoru login --help' for usage.\n");
    CHECK(cli.server->requests.empty());
    CHECK(cli.run({"--context", "staging", "--base-url", test::k_production_url, "login", "--username",
                   "trader1", "--password-stdin"},
                  "pw") == 0);
    CHECK(cli.request().body == R"({"username":"trader1","password":"pw"})");
    const auto ctx = cli.config().contexts.at("staging");
    CHECK(ctx.username == "trader1");
    CHECK_FALSE(ctx.email);
    CHECK_FALSE(ctx.expires_at);
}

TEST_CASE("cli: login prompts on a terminal, the password without echo", "[cli]") {
    Cli cli;
    cli.stdin_tty = true;
    cli.stdout_tty = true;
    cli.answers = {"trader@example.com", "hunter2"};
    cli.server->respond(200, R"({"session_token":"tok_t"})", k_json);
    CHECK(cli.run({"login"}) == 0);
    CHECK(cli.prompts == std::vector<std::pair<std::string, bool>>{{"Email: ", true}, {"Password: ", false}});
    CHECK(cli.request().body == R"({"email":"trader@example.com","password":"hunter2"})");
    // Said before the first question: where the password is about to go.
    CHECK(cli.err.starts_with("Logging in to https://api.production.hyperoru.com (context \"default\")\n"));
}

TEST_CASE("cli: login to a context that does not exist asks first, or needs --base-url", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.stdin_tty = true;
    cli.stdout_tty = true;
    SECTION("no: nothing is asked further, nothing sent, nothing saved") {
        cli.answers = {"n"};
        CHECK(cli.run({"--context", "sandbx", "login"}) == 2);
        CHECK(cli.prompts ==
              std::vector<std::pair<std::string, bool>>{{"Context \"sandbx\" does not exist. Create it for "
                                                         "https://api.production.hyperoru.com? [y/N] ",
                                                         true}});
        CHECK(cli.err == "hyperoru: error: login: cancelled\n");
        CHECK(cli.server->requests.empty());
        CHECK(cli.config().contexts.count("sandbx") == 0);
    }
    SECTION("yes: the login goes on and creates it") {
        cli.answers = {"y", "trader@example.com", "hunter2"};
        cli.server->respond(200, R"({"session_token":"tok_n"})", k_json);
        CHECK(cli.run({"--context", "sandbx", "login"}) == 0);
        CHECK(cli.config().contexts.at("sandbx").session_token == "tok_n");
    }
    SECTION("with --base-url it is created without a question") {
        cli.answers = {"trader@example.com", "hunter2"};
        cli.server->respond(200, R"({"session_token":"tok_s"})", k_json);
        CHECK(cli.run({"--context", "sandbox", "--base-url", "http://127.0.0.1:8080", "login"}) == 0);
        CHECK(cli.prompts.front().first == "Email: ");
        CHECK(cli.err.starts_with("Logging in to http://127.0.0.1:8080 (context \"sandbox\")\n"));
    }
    SECTION("any other command with a mistyped context is a usage error naming the near one") {
        ConfigStore(cli.dir.path()).update([](Config& c) {
            c.contexts["sandbox"].base_url = "http://127.0.0.1:8080";
        });
        CHECK(cli.run({"--context", "sandbx", "account", "list"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: unknown context \"sandbx\"; did you mean \"sandbox\"? (known: default "
              "sandbox)\n"
              "Run 'hyperoru account list --help' for usage.\n");
        CHECK(cli.server->requests.empty());
    }
}

TEST_CASE("cli: login off a terminal without a password source is a usage error", "[cli]") {
    Cli cli;
    CHECK(cli.run({"login", "--email", "a@b.c"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: no password: pipe it with --password-stdin (stdin is not a terminal)\n"
          "Run 'hyperoru login --help' for usage.\n");
    CHECK(cli.run({"login", "--password-stdin"}, "pw\n") == 2);
    CHECK(cli.err ==
          "hyperoru: error: --email or --username is required (stdin is not a terminal)\n"
          "Run 'hyperoru login --help' for usage.\n");
    CHECK(cli.run({"login", "--email", "a@b.c", "--password-stdin"}, "") == 2);
    CHECK(cli.prompts.empty());
    CHECK(cli.server->requests.empty());
}

TEST_CASE("cli: login failure keeps the old token", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.server->respond(401, R"({"error":"Invalid credentials","code":"INVALID_CREDENTIALS"})", k_json);
    CHECK(cli.run({"login", "--email", "trader@example.com", "--password-stdin"}, "wrong\n") == 4);
    CHECK(cli.config().contexts.at("default").session_token == "tok_stored");
}

TEST_CASE("cli: a 401 from login says to check the credentials, not to log in", "[cli]") {
    Cli cli;
    const std::string rejected =
        R"({"error":"Invalid credentials","code":"INVALID_CREDENTIALS","request_id":"req_1"})";
    cli.server->respond(401, rejected, k_json);
    CHECK(cli.run({"login", "--email", "trader@example.com", "--password-stdin"}, "wrong\n") == 4);
    CHECK(cli.out.empty());
    CHECK(cli.err ==
          "hyperoru: error: Invalid credentials; check the email and password (HTTP 401, code "
          "INVALID_CREDENTIALS, request_id req_1)\n");

    cli.server->respond(401, rejected, k_json);
    CHECK(cli.run({"login", "--username", "trader1", "--password-stdin"}, "wrong\n") == 4);
    CHECK(cli.err ==
          "hyperoru: error: Invalid credentials; check the username and password (HTTP 401, code "
          "INVALID_CREDENTIALS, request_id req_1)\n");

    // Any other command's 401 is an expired or revoked token: logging in again is the fix.
    cli.login_state();
    cli.server->respond(401, R"({"error":"Token expired","code":"TOKEN_EXPIRED"})", k_json);
    CHECK(cli.run({"profile"}) == 4);
    CHECK(cli.err == "hyperoru: error: Token expired; run 'hyperoru login' (HTTP 401, code TOKEN_EXPIRED)\n");
}

TEST_CASE("cli: login with a corrupt config fails before any request", "[cli]") {
    Cli cli;
    std::ofstream(cli.dir.path() / "config.json") << "{not json";
    CHECK(cli.run({"login", "--email", "a@b.c", "--password-stdin"}, "pw\n") == 1);
    CHECK_THAT(cli.err, Catch::Contains((cli.dir.path() / "config.json").string()));
    CHECK(cli.server->requests.empty());
}

TEST_CASE("cli: logout outcomes", "[cli]") {
    const std::string file_note = " (context \"default\").\n";
    SECTION("revoked") {
        Cli cli;
        cli.login_state();
        cli.server->respond(200, "{}", k_json);
        CHECK(cli.run({"logout"}) == 0);
        CHECK(cli.request().url == "https://api.production.hyperoru.com/api/users/logout");
        CHECK(cli.err == "The server revoked the token.\nRemoved the token from " +
                             (cli.dir.path() / "config.json").string() + file_note);
        CHECK_FALSE(cli.config().contexts.at("default").session_token);
        CHECK(cli.config().contexts.at("default").base_url == "https://api.production.hyperoru.com");
    }
    SECTION("no logout endpoint") {
        Cli cli;
        cli.login_state();
        cli.server->respond(404, R"({"detail":"Not Found"})", k_json);
        CHECK(cli.run({"logout"}) == 0);
        CHECK_THAT(cli.err,
                   Catch::StartsWith("This server has no logout: the token stays valid on the server"));
        CHECK_FALSE(cli.config().contexts.at("default").session_token);
    }
    SECTION("token already invalid") {
        Cli cli;
        cli.login_state();
        cli.server->respond(401, "{}", k_json);
        CHECK(cli.run({"logout"}) == 0);
        CHECK_THAT(cli.err, Catch::StartsWith("The token was already invalid on the server.\n"));
    }
    SECTION("already logged out") {
        Cli cli;
        CHECK(cli.run({"logout"}) == 0);
        CHECK(cli.err == "Not logged in (context \"default\"): nothing to do.\n");
        CHECK(cli.server->requests.empty());
    }
    SECTION("server error: deleted locally, error reported") {
        Cli cli;
        cli.login_state();
        cli.server->respond(403, R"({"error":"nope"})", k_json);
        CHECK(cli.run({"logout"}) == 5);
        CHECK(cli.err == "Removed the token from " + (cli.dir.path() / "config.json").string() + file_note +
                             "hyperoru: error: nope (HTTP 403)\n");
        CHECK_FALSE(cli.config().contexts.at("default").session_token);
    }
}

TEST_CASE("cli: auth status and token", "[cli]") {
    Cli cli;
    cli.login_state("https://api.production.hyperoru.com", "2026-12-25T00:00:00Z");
    CHECK(cli.run({"auth", "status"}) == 0);
    const std::string file = (cli.dir.path() / "config.json").string();
    CHECK(cli.out ==
          "{\n  \"context\": \"default\",\n  \"base_url\": \"https://api.production.hyperoru.com\",\n"
          "  \"logged_in\": true,\n  \"username\": \"trader1\",\n  \"email\": \"trader@example.com\",\n"
          "  \"token_source\": \"config\",\n  \"token_location\": \"" +
              file +
              "\",\n"
              "  \"expires_at\": \"2026-12-25T00:00:00Z\",\n  \"expires_source\": \"server\",\n"
              "  \"days_left\": 30\n}\n");
    CHECK(cli.err.empty());

    cli.stdout_tty = true;
    cli.clock.current += std::chrono::days{20};
    CHECK(cli.run({"auth", "status"}) == 0);
    CHECK(cli.out ==
          "Context:   default\nBase URL:  https://api.production.hyperoru.com\n"
          "User:      trader1 (trader@example.com)\nToken:     stored in " +
              file +
              "\n"
              "Expires:   2026-12-25T00:00:00Z (10 days left)\n");
    CHECK(cli.err == "hyperoru: warning: the token expires in 10 days; run 'hyperoru login' to renew it\n");

    cli.clock.current += std::chrono::days{11};
    CHECK(cli.run({"auth", "status"}) == 4);
    CHECK(cli.err == "hyperoru: error: the token expired on 2026-12-25T00:00:00Z; run 'hyperoru login'\n");

    CHECK(cli.run({"auth", "token"}) == 0);
    CHECK(cli.out == "tok_stored\n");
    CHECK(cli.server->requests.empty());
}

TEST_CASE("cli: auth status reports a token the server rejected, until the next login", "[cli]") {
    Cli cli;
    cli.login_state("https://api.production.hyperoru.com", "2026-12-25T00:00:00Z");
    cli.server->respond(401, R"({"error": {"code": "UNAUTHORIZED", "message": "session expired"}})", k_json);
    CHECK(cli.run({"account", "list"}) == 4);
    const std::string rejected_at = "2026-11-25T00:00:00Z";  // the fake clock's time
    CHECK(cli.config().contexts.at("default").token_rejected_at == rejected_at);

    CHECK(cli.run({"auth", "status", "--fields", "logged_in,token_rejected_at"}) == 4);
    CHECK(cli.out == "{\n  \"logged_in\": false,\n  \"token_rejected_at\": \"" + rejected_at + "\"\n}\n");
    CHECK(cli.err ==
          "hyperoru: error: the server rejected this token on " + rejected_at + "; run 'hyperoru login'\n");
    cli.stdout_tty = true;
    CHECK(cli.run({"auth", "status"}) == 4);
    CHECK_THAT(cli.out, Catch::EndsWith("Rejected:  " + rejected_at + " (the server answered 401)\n"));

    // A new login stores a new token and forgets the rejection.
    cli.stdout_tty = false;
    cli.server->respond(200, R"({"session_token": "tok_new", "user": {"username": "trader1"}})", k_json);
    CHECK(cli.run({"login", "--email", "trader@example.com", "--password-stdin"}, "secret\n") == 0);
    CHECK_FALSE(cli.config().contexts.at("default").token_rejected_at);
    CHECK(cli.run({"auth", "status"}) == 0);
}

TEST_CASE("cli: a 401 to HYPERORU_TOKEN, or to another token than the stored one, marks nothing", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.env["HYPERORU_TOKEN"] = "tok_env";
    cli.server->respond(401, R"({"error": {"code": "UNAUTHORIZED", "message": "bad token"}})", k_json);
    CHECK(cli.run({"account", "list"}) == 4);
    CHECK_FALSE(cli.config().contexts.at("default").token_rejected_at);
}

TEST_CASE("cli: auth status assumes 180 days without expires_at", "[cli]") {
    Cli cli;
    cli.login_state("https://api.production.hyperoru.com", std::nullopt);
    cli.stdout_tty = true;
    CHECK(cli.run({"auth", "status"}) == 0);
    CHECK_THAT(
        cli.out,
        Catch::Contains("Expires:   2027-05-19T00:00:00Z (175 days left, assumed: 180 days after login)"));
}

TEST_CASE("cli: account create sends flags, --set values and a key from stdin", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.server->respond(201, R"({"id": 3, "name": "BTC Trend", "llm_api_key": "sk-x"})", k_json);
    CHECK(cli.run({"account",
                   "create",
                   "--name",
                   "BTC Trend",
                   "--description",
                   "d",
                   "--llm-provider",
                   "openai",
                   "--llm-model",
                   "gpt-4o",
                   "--llm-base-url",
                   "https://api.openai.com/v1",
                   "--llm-api-key-stdin",
                   "--set",
                   "initial_capital=5000.00",
                   "--set",
                   "account_type=program",
                   "--set",
                   "flags={\"a\": [1, 2.50]}",
                   "--set",
                   "note=not json {"},
                  "sk-secret-key\n") == 0);
    CHECK(cli.request().url == "https://api.production.hyperoru.com/api/account/");
    CHECK(
        cli.request().body ==
        R"({"name":"BTC Trend","description":"d","llm_provider":"openai","llm_model":"gpt-4o","llm_api_key":"sk-secret-key",)"
        R"("llm_base_url":"https://api.openai.com/v1","initial_capital":5000.00,"account_type":"program","flags":{"a":[1,2.50]},)"
        R"("note":"not json {"})");
    CHECK(cli.out == "{\n  \"id\": 3,\n  \"name\": \"BTC Trend\",\n  \"llm_api_key\": \"********\"\n}\n");
    CHECK(cli.err.empty());  // the success line is for a terminal
    CHECK(cli.transport_options->secrets == std::vector<std::string>{"sk-secret-key", "tok_stored"});

    cli.stderr_tty = true;
    cli.server->respond(201, R"({"id": 3})", k_json);
    CHECK(cli.run({"account", "create", "--name", "BTC Trend"}) == 0);
    CHECK(cli.err == "Created account 3.\n");
    cli.server->respond(201, R"({"id": 3})", k_json);
    CHECK(cli.run({"-q", "account", "create", "--name", "BTC Trend"}) == 0);
    CHECK(cli.err.empty());
    cli.stderr_tty = false;

    CHECK(cli.run({"account", "create", "--name", "x", "--set", "name=y"}) == 2);
    CHECK(cli.run({"account", "create", "--name", "x", "--set", "novalue"}) == 2);
    CHECK(cli.server->requests.size() == 3);
}

TEST_CASE("cli: account list --include-hidden", "[cli]") {
    Cli cli;
    cli.login_state();
    cli.server->respond(200, "[]", k_json);
    CHECK(cli.run({"account", "list", "--include-hidden"}) == 0);
    CHECK(cli.request().url == "https://api.production.hyperoru.com/api/account/list?include_hidden=true");
}

TEST_CASE("cli: network failures exit 9, an interrupt exits 130", "[cli]") {
    Cli cli;
    cli.server->fail(http::FailureKind::connect, false, "could not connect: Connection refused");
    CHECK(cli.run({"--retries", "0", "health"}) == 9);
    CHECK(
        cli.err ==
        "hyperoru: error: cannot connect to api.production.hyperoru.com (connection refused) after 1 attempt "
        "in 0.0 s; is the server running? check --base-url\n");

    interrupt_flag().store(true);
    cli.server->fail(http::FailureKind::aborted, true, "aborted: Callback aborted");
    const int code = cli.run({"health"});
    interrupt_flag().store(false);
    CHECK(code == 130);
    CHECK(cli.err == "hyperoru: error: interrupted\n");
    CHECK(cli.server->requests.size() == 2);
}

TEST_CASE("cli: logout with an empty stored token removes it without a request", "[cli]") {
    Cli cli;
    ConfigStore(cli.dir.path()).update([](Config& c) { c.contexts["default"].session_token = ""; });
    CHECK(cli.run({"logout"}) == 0);
    CHECK(cli.err == "Removed the token from " + (cli.dir.path() / "config.json").string() +
                         " (context \"default\").\n");
    CHECK(cli.server->requests.empty());
    CHECK_FALSE(cli.config().contexts.at("default").session_token);
}

TEST_CASE("cli: the command reference (docs/commands.md) names every command", "[cli]") {
    std::ifstream file(std::string(HYPERORU_SOURCE_DIR) + "/docs/commands.md");
    const std::string readme((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    REQUIRE_FALSE(readme.empty());
    const auto paths = cli::command_paths();
    CHECK(paths.size() > 60);
    for (const auto& path : paths) {
        INFO("hyperoru " << path);
        // As a command reference entry: `hyperoru PATH` followed by a space or the closing backtick.
        const bool listed = readme.find("`hyperoru " + path + " ") != std::string::npos ||
                            readme.find("`hyperoru " + path + "`") != std::string::npos;
        CHECK(listed);
    }
}

TEST_CASE("cli: a config file others can read is warned about, and the next login makes it 0600", "[cli]") {
    Cli cli;
    cli.login_state();
    const auto file = cli.dir.path() / "config.json";
    REQUIRE(::chmod(file.c_str(), 0644) == 0);
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"profile"}) == 0);
    CHECK(cli.err == "hyperoru: warning: " + file.string() +
                         " is readable by other users (mode 0644) and holds your token; run 'chmod 600 " +
                         file.string() + "' (the next login fixes it too)\n");
    cli.server->respond(200, R"({"session_token":"tok_new"})", k_json);
    CHECK(cli.run({"login", "--email", "a@b.c", "--password-stdin"}, "pw\n") == 0);
    struct stat info {};
    REQUIRE(::stat(file.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0600);
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"profile"}) == 0);
    CHECK(cli.err.empty());
}

TEST_CASE("cli: --max-response-size sets the transport's cap", "[cli]") {
    Cli cli;
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"--max-response-size", "512K", "health"}) == 0);
    CHECK(cli.transport_options->max_response_bytes == 512u * 1024u);
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"health"}) == 0);
    CHECK(cli.transport_options->max_response_bytes == 64u * 1024u * 1024u);
    CHECK(cli.run({"--max-response-size", "lots", "health"}) == 2);
    CHECK(cli.run({"--max-response-size", "0", "health"}) == 2);
    CHECK(cli.run({"--max-response-size", "5T", "health"}) == 2);
}

TEST_CASE("cli: a timeout below 1 ms is a usage error, not 'no timeout'", "[cli]") {
    test::LoggedIn cli;
    for (const char* flag : {"--timeout", "--connect-timeout"}) {
        INFO(flag);
        CHECK(cli.run({flag, "0.0004", "health"}) == 2);
        CHECK(cli.err == std::string("hyperoru: error: ") + flag +
                             " expects seconds from 0.001 to 31536000, got '0.0004'\n"
                             "Run 'hyperoru health --help' for usage.\n");
        CHECK(cli.run({flag, "0", "health"}) == 2);
        CHECK(cli.run({flag, "2s", "health"}) == 2);
    }
    CHECK(cli.server->requests.empty());
    cli.server->respond(200, R"({"status":"ok"})", k_json);
    CHECK(cli.run({"--timeout", "0.001", "--connect-timeout", "0.001", "health"}) == 0);
    REQUIRE(cli.transport_options);
    CHECK(cli.transport_options->timeout == std::chrono::milliseconds(1));
    CHECK(cli.transport_options->connect_timeout == std::chrono::milliseconds(1));
}

TEST_CASE("cli: a base URL with user:password@ is refused and never echoed", "[cli]") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"price", "BTC"}, std::vector<std::string>{"watch"},
          std::vector<std::string>{"login", "--email", "a@example.com", "--password-stdin"}}) {
        test::LoggedIn cli;
        std::vector<std::string> line = {"--base-url", "https://trader:hunter2@api.example.test"};
        line.insert(line.end(), args.begin(), args.end());
        INFO(args[0]);
        CHECK(cli.run(line, "secret\n") == 2);
        CHECK(cli.out.empty());
        CHECK(cli.err ==
              "hyperoru: error: the base URL carries a user name or password (user:password@host); hyperoru "
              "never "
              "sends one: drop it from the URL and run 'hyperoru login'\n"
              "Run 'hyperoru " +
                  args[0] + " --help' for usage.\n");
        CHECK(cli.server->requests.empty());
        CHECK(cli.ws.connects == 0);
    }
}

TEST_CASE("cli: a server that echoes the token in its error never gets it printed", "[cli]") {
    test::LoggedIn cli;
    cli.server->respond(
        400,
        R"({"error":"bad request: Authorization: Bearer tok_stored, token tok_stored","details":{"echo":"tok_stored"}})",
        k_json);
    CHECK(cli.run({"-v", "profile"}) == 3);
    CHECK(cli.err.find("tok_stored") == std::string::npos);
    CHECK(cli.err.find("hyperoru: error: bad request: Authorization: Bearer <redacted>, token <redacted> "
                       "(HTTP 400)\n") != std::string::npos);
    CHECK(cli.err.find("hyperoru: details: {\"echo\":\"<redacted>\"}\n") != std::string::npos);
}

TEST_CASE("cli: a login token with CR, LF, spaces or past 4096 bytes is refused and nothing saved", "[cli]") {
    for (const std::string& token :
         {std::string("tok\\r\\nX-Evil: 1"), std::string("tok with space"), std::string(4097, 'a')}) {
        Cli cli;
        cli.login_state();
        cli.server->respond(
            200, R"({"user":{"id":1,"username":"trader1"},"session_token":")" + token + R"("})", k_json);
        CHECK(cli.run({"login", "--email", "trader@example.com", "--password-stdin"}, "pw\n") == 10);
        CHECK(cli.err.starts_with(
            "hyperoru: error: invalid response: the login response's session_token is not a usable token ("));
        CHECK(cli.err.ends_with("); nothing was saved\n"));
        CHECK(cli.config().contexts.at("default").session_token == "tok_stored");
    }
}

TEST_CASE("cli: input past its cap is a usage error before any request", "[cli]") {
    const std::string too_big(std::size_t{16} << 20 | 1, 'x');  // 16 MiB and one byte
    SECTION("--input - and --body -") {
        test::LoggedIn cli;
        CHECK(cli.run({"api", "-X", "POST", "/api/programs/", "--input", "-"}, too_big) == 2);
        CHECK(cli.err ==
              "hyperoru: error: --input -: more than 16777216 bytes (the limit)\n"
              "Run 'hyperoru api --help' for usage.\n");
        CHECK(cli.run({"program", "create", "--name", "p", "--code-file", "-"}, too_big) == 2);
        CHECK(cli.err ==
              "hyperoru: error: --code-file -: more than 16777216 bytes (the limit)\n"
              "Run 'hyperoru program create --help' for usage.\n");
        CHECK(cli.run({"prompt-backtest", "create", "--body", "-"}, too_big) == 2);
        CHECK(cli.err ==
              "hyperoru: error: --body -: more than 16777216 bytes (the limit)\n"
              "Run 'hyperoru prompt-backtest create --help' for usage.\n");
        CHECK(cli.server->requests.empty());
    }
    SECTION("a file") {
        test::LoggedIn cli;
        const auto file = cli.dir.path() / "big.py";
        std::ofstream(file, std::ios::binary) << too_big;
        CHECK(cli.run({"program", "create", "--name", "p", "--code-file", file.string()}) == 2);
        CHECK(cli.err == "hyperoru: error: --code-file " + file.string() +
                             ": more than 16777216 bytes (the limit)\n"
                             "Run 'hyperoru program create --help' for usage.\n");
        CHECK(cli.server->requests.empty());
    }
    SECTION("a secret on stdin: 4096 bytes and a line ending, no more") {
        Cli cli;
        CHECK(cli.run({"--base-url", "http://127.0.0.1:8080", "login", "--email", "a@example.com",
                       "--password-stdin"},
                      std::string(4097, 'p') + "\n") == 2);
        CHECK(cli.err ==
              "hyperoru: error: standard input (a secret): more than 4096 bytes (the limit)\n"
              "Run 'hyperoru login --help' for usage.\n");
        CHECK(cli.server->requests.empty());
        cli.server->respond(200, R"({"user":{"id":1,"username":"u"},"session_token":"tok_new"})", k_json);
        CHECK(cli.run({"--base-url", "http://127.0.0.1:8080", "login", "--email", "a@example.com",
                       "--password-stdin"},
                      std::string(4096, 'p') + "\r\n") == 0);
        CHECK(cli.request().body ==
              R"({"email":"a@example.com","password":")" + std::string(4096, 'p') + R"("})");
    }
}
