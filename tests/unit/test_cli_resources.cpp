// The table-driven commands in-process: exact requests, safety (dry-run, confirmation), paging,
// field conversions, the AI stream and chat, and `api`.
#include <catch2/catch.hpp>

#include <fstream>

#include "cli/commands/spec.hpp"
#include "client/exact_json_detail.hpp"
#include "support/cli_fixture.hpp"

using namespace hyperoru;
using hyperoru::test::Cli;
using hyperoru::test::k_json;
using hyperoru::test::LoggedIn;

namespace {

const std::string& k_base = hyperoru::test::k_production_url;

std::optional<std::string> header(const http::Request& r, const char* name) {
    return http::find_header(r.headers, name);
}

}  // namespace

TEST_CASE("resources: order create sends exact numbers, a default name, and asks only on a terminal",
          "[resources]") {
    LoggedIn cli;
    cli.server->respond(201, R"({"id":42,"status":"pending"})",
                        {{"Content-Type", "application/json"}, {"X-Request-Id", "req_7"}});
    CHECK(cli.run({"order", "create", "--account", "1", "--symbol", "BTC", "--side", "buy", "--type", "limit",
                   "--quantity", "0.010", "--price", "67000.50"}) == 0);
    CHECK(cli.request().method == "POST");
    CHECK(cli.request().url == k_base + "/api/orders/create");
    CHECK(
        cli.request().body ==
        R"({"account_id":1,"symbol":"BTC","name":"buy BTC","side":"buy","order_type":"limit","quantity":0.010,"price":67000.50})");
    CHECK(cli.out == "{\n  \"id\": 42,\n  \"status\": \"pending\"\n}\n");
    CHECK(cli.err == "request_id: req_7\n");
    CHECK(cli.prompts.empty());

    SECTION("a limit order without a price is refused before sending") {
        CHECK(cli.run({"order", "create", "--account", "1", "--symbol", "BTC", "--side", "buy", "--type",
                       "limit", "--quantity", "1"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: a limit order needs --price\n"
              "Run 'hyperoru order create --help' for usage.\n");
        CHECK(cli.server->requests.size() == 1);
    }
    SECTION("enums are checked") {
        CHECK(cli.run({"order", "create", "--account", "1", "--symbol", "BTC", "--side", "hold", "--type",
                       "market", "--quantity", "1"}) == 2);
        CHECK(cli.run({"order", "create", "--account", "1", "--symbol", "BTC", "--side", "buy", "--type",
                       "market", "--quantity", "lots"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: --quantity expects a number, got 'lots'\n"
              "Run 'hyperoru order create --help' for usage.\n");
        CHECK(cli.server->requests.size() == 1);
    }
    SECTION("on a terminal it asks, and 'n' sends nothing") {
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        cli.answers = {"n"};
        CHECK(cli.run({"order", "create", "--account", "acc-7", "--symbol", "ETH", "--side", "sell", "--type",
                       "market", "--quantity", "2", "--name", "exit"}) == 2);
        REQUIRE(cli.prompts.size() == 1);
        CHECK(cli.prompts[0].first == "Place a market order on account acc-7 (ETH sell 2)? [y/N] ");
        CHECK(cli.err == "hyperoru: error: order create: cancelled\n");
        CHECK(cli.server->requests.size() == 1);
    }
    SECTION("on a terminal, 'y' sends it and a success line in words follows; -v adds the HTTP line") {
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        cli.stderr_tty = true;
        cli.answers = {"y"};
        cli.server->respond(201, R"({"id":42,"status":"pending"})",
                            {{"Content-Type", "application/json"}, {"X-Request-Id", "req_7"}});
        CHECK(cli.run({"-v", "order", "create", "--account", "1", "--symbol", "BTC", "--side", "buy",
                       "--type", "limit", "--quantity", "0.01", "--price", "60000"}) == 0);
        REQUIRE(cli.prompts.size() == 1);
        CHECK(cli.prompts[0].first == "Place a limit order on account 1 (BTC buy 0.01 @ 60000)? [y/N] ");
        CHECK(cli.err.starts_with("hyperoru: POST " + k_base + "/api/orders/create\n"));
        CHECK(cli.err.ends_with("request_id: req_7\nPlaced order 42: BTC buy 0.01 @ 60000.\n"));
        CHECK(cli.server->requests.size() == 2);
    }
}

TEST_CASE("resources: --dry-run prints the exact request and sends nothing", "[resources]") {
    LoggedIn cli;
    CHECK(cli.run({"account", "delete", "3", "--dry-run"}) == 0);
    CHECK(cli.out == "DELETE " + k_base +
                         "/api/account/3\nAccept: application/json\nAuthorization: Bearer <redacted>\n");
    CHECK(cli.run({"order", "create", "--account", "1", "--symbol", "BTC", "--side", "buy", "--type",
                   "market", "--quantity", "0.01", "--dry-run"}) == 0);
    CHECK(
        cli.out ==
        "POST " + k_base +
            "/api/orders/create\nAccept: application/json\nAuthorization: Bearer <redacted>\nContent-Type: "
            "application/json\n\n"
            R"({"account_id":1,"symbol":"BTC","name":"buy BTC","side":"buy","order_type":"market","quantity":0.01})"
            "\n");
    CHECK(cli.server->requests.empty());
}

TEST_CASE("resources: deletes, cancels and process-all refuse off a terminal without --yes", "[resources]") {
    LoggedIn cli;
    for (const auto& args : std::vector<std::vector<std::string>>{{"order", "cancel", "42"},
                                                                  {"order", "process-all"},
                                                                  {"prompt", "delete", "1"},
                                                                  {"account", "delete", "1"}}) {
        CHECK(cli.run(args) == 2);
        CHECK_THAT(cli.err, Catch::StartsWith("hyperoru: error: refusing to run '"));
    }
    CHECK(cli.server->requests.empty());
    cli.server->respond(200, R"({"status":"ok","order_id":42,"request_id":"req_b"})", k_json);
    CHECK(cli.run({"order", "cancel", "42", "--yes"}) == 0);
    CHECK(cli.request().url == k_base + "/api/orders/cancel/42");
    CHECK_FALSE(cli.request().body);
    CHECK_FALSE(header(cli.request(), "Content-Type"));
    CHECK(cli.err == "request_id: req_b\n");
    // order execute is money too, but off a terminal it does not ask.
    cli.server->respond(200, R"({"status":"ok"})", k_json);
    CHECK(cli.run({"order", "execute", "42"}) == 0);
    CHECK(cli.request(1).url == k_base + "/api/orders/execute/42");
}

TEST_CASE("resources: order list picks its endpoint and prints order columns", "[resources]") {
    LoggedIn cli;
    CHECK(cli.run({"order", "list"}) == 2);
    CHECK(cli.run({"order", "list", "--pending", "--account", "1"}) == 2);
    cli.server->respond(200, R"([{"id":42,"symbol":"BTC","side":"buy","status":"executed","quantity":0.01}])",
                        k_json);
    cli.stdout_tty = true;
    CHECK(cli.run({"order", "list", "--account", "a/b"}) == 0);
    CHECK(cli.request().url == k_base + "/api/orders/account/a%2Fb");
    CHECK(cli.out ==
          "ID  ACCOUNT  SYMBOL  SIDE  TYPE  QUANTITY  PRICE  STATUS\n42  -        BTC     buy   -     0.01   "
          "   -      \x1b[32mexecuted\x1b[0m\n");
    cli.server->respond(200, "[]", k_json);
    CHECK(cli.run({"order", "list", "--user", "7"}) == 0);
    CHECK(cli.request(1).url == k_base + "/api/orders/user/7");
    CHECK(cli.out == "No orders.\n");
}

TEST_CASE("resources: --all pages until a short page", "[resources]") {
    LoggedIn cli;
    cli.server->respond(200, R"([{"id":1},{"id":2}])", k_json);
    cli.server->respond(200, R"([{"id":3},{"id":4}])", k_json);
    cli.server->respond(200, R"([{"id":5}])", k_json);
    CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "ndjson"}) == 0);
    CHECK(cli.out == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n{\"id\":4}\n{\"id\":5}\n");
    REQUIRE(cli.server->requests.size() == 3);
    CHECK(cli.request(0).url == k_base + "/api/programs/?page=1&per_page=2");
    CHECK(cli.request(2).url == k_base + "/api/programs/?page=3&per_page=2");

    SECTION("an envelope with next null stops, json prints one array") {
        cli.server->respond(200, R"({"items":[{"id":1},{"id":2}],"next":2})", k_json);
        cli.server->respond(200, R"({"items":[{"id":3},{"id":4}],"next":null})", k_json);
        CHECK(cli.run({"prompt", "list", "--all", "--per-page", "2"}) == 0);
        CHECK(cli.out ==
              "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  },\n  {\n    \"id\": 3\n  },\n  {\n    "
              "\"id\": 4\n  }\n]\n");
        CHECK(cli.server->requests.size() == 5);
    }
    SECTION("a server that ignores paging is asked once; what came is printed, then exit 10") {
        cli.server->respond(200, R"([{"id":1},{"id":2},{"id":3}])", k_json);
        CHECK(cli.run({"factor", "list", "--all", "--per-page", "2", "-o", "ndjson"}) == 10);
        CHECK(cli.server->requests.size() == 4);
        CHECK(cli.out == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
        CHECK(cli.err ==
              "{\"error\":\"invalid response: page 1 holds 3 items, more than the 2 asked for: the server "
              "ignores paging; stopped after 1 page\",\"exit_code\":10}\n");
    }
    SECTION("--limit caps the total across pages") {
        cli.server->respond(200, R"([{"id":1},{"id":2}])", k_json);
        cli.server->respond(200, R"([{"id":3},{"id":4}])", k_json);
        CHECK(cli.run({"account", "list", "--all", "--per-page", "2", "--limit", "3", "-o", "ndjson"}) == 0);
        CHECK(cli.out == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
        CHECK(cli.server->requests.size() == 5);
    }
    SECTION("without --all, paging flags pass through") {
        cli.server->respond(200, "[]", k_json);
        CHECK(cli.run({"users", "list", "--page", "2", "--per-page", "50", "--limit", "5"}) == 0);
        CHECK(cli.request(3).url == k_base + "/api/users/?page=2&per_page=50&limit=5");
    }
}

TEST_CASE("resources: --all and tables print the same through either JSON reader", "[resources]") {
    // The reference reader (nlohmann's, for small answers) and the fast one (simdjson, once a
    // process has read 64 KiB): pages and rows are read from the text by either, with no model.
    const bool fast = GENERATE(false, true);
    INFO((fast ? "fast reader" : "reference reader"));
    hyperoru::json::detail::fast_reader_enabled() = fast;
    hyperoru::json::detail::fast_reader_after() = 0;
    LoggedIn cli;
    const auto three_pages = [&] {
        cli.server->respond(200, R"([{"id": 1, "n": 0.10}, {"id": 2, "api_key": "sk-1"}])", k_json);
        cli.server->respond(200, R"({"items": [{"id": 3, "x": [1e400]}, {"id": 4}], "next": 3})", k_json);
        cli.server->respond(200, R"([{"id": "5\u00e9"}])", k_json);
    };
    SECTION("json: one array of every page's elements, exact and masked") {
        three_pages();
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2"}) == 0);
        CHECK(cli.out ==
              "[\n  {\n    \"id\": 1,\n    \"n\": 0.10\n  },\n  {\n    \"id\": 2,\n    \"api_key\": "
              "\"********\"\n  },\n  {\n    \"id\": 3,\n    \"x\": [\n      1e400\n    ]\n  },\n  {\n    "
              "\"id\": 4\n  },\n  {\n    \"id\": \"5\xC3\xA9\"\n  }\n]\n");
        CHECK(cli.server->requests.size() == 3);
    }
    SECTION("ndjson, with --limit") {
        three_pages();
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "--limit", "3", "-o", "ndjson"}) == 0);
        CHECK(cli.out ==
              "{\"id\":1,\"n\":0.10}\n{\"id\":2,\"api_key\":\"********\"}\n{\"id\":3,\"x\":[1e400]}\n");
        CHECK(cli.server->requests.size() == 2);
    }
    SECTION("the same ids again: exit 10, what came printed") {
        cli.server->respond(200, R"([{"id": 1}, {"id": 2}])", k_json);
        cli.server->respond(200, R"([{"id": 1, "at": 2}, {"id": 2}])", k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "json"}) == 10);
        CHECK(cli.out == "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  }\n]\n");
    }
    SECTION("a page that fails ends a closed array of what came, then the error") {
        cli.server->respond(200, R"([{"id": 1}, {"id": 2}])", k_json);
        cli.server->respond(200, R"([{"id": 3},)", k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2"}) == 10);
        CHECK(cli.out == "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  }\n]\n");
        CHECK(cli.err ==
              "hyperoru: error: invalid response: invalid JSON at byte 12 (line 1, column 12): syntax error "
              "while "
              "parsing value - unexpected end of input; expected '[', '{', or a literal\n");
    }
    SECTION("a page that holds no list after a list: the list closed, then that page") {
        cli.server->respond(200, R"([{"id": 1}, {"id": 2}])", k_json);
        cli.server->respond(200, R"({"a": 1})", k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2"}) == 0);
        CHECK(cli.out == "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  }\n]\n{\n  \"a\": 1\n}\n");
    }
    SECTION("a table: its columns' cells, secrets masked, server text made harmless") {
        cli.server->respond(
            200,
            R"([{"id": 1, "name": "a\u001b[2Jb", "model": "m1", "llm_model": null, "initial_capital": 2000.0,)"
            R"( "is_active": true, "show_on_dashboard": {"api_key": "k", "n": 1}},)"
            R"( {"account_id": 2, "name": "\u00e9t\u00e9", "llm_model": "m2", "current_cash": -0}, 7])",
            k_json);
        CHECK(cli.run({"account", "list", "-o", "table"}) == 0);
        CHECK(cli.out ==
              "ID  NAME       MODEL  TYPE  CAPITAL  CASH  ACTIVE  DASHBOARD\n"
              "1   a\\x1B[2Jb  m1     -     2000.0   -     true    {\"api_key\":\"********\",\"n\":1}\n"
              "2   \xC3\xA9t\xC3\xA9        m2     -     -        -0    -       -\n"
              "7\n");
    }
    hyperoru::json::detail::fast_reader_enabled() = true;
}

TEST_CASE("resources: --all -o raw pages by counting elements, strings and nesting included", "[resources]") {
    LoggedIn cli;
    const std::string first = R"([{"a":"x,]\"}{"},{"b":[1,{"c":2}]}])";
    const std::string second = R"( [ "s,t" , 7 ] )";
    cli.server->respond(200, first, k_json);
    cli.server->respond(200, second, k_json);
    cli.server->respond(200, R"([{"id":5}])", k_json);
    CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "raw"}) == 0);
    CHECK(cli.out == first + "\n" + second + "\n" + R"([{"id":5}])" + "\n");
    CHECK(cli.server->requests.size() == 3);
    SECTION("an empty page stops") {
        cli.server->respond(200, "[]", k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "raw"}) == 0);
        CHECK(cli.server->requests.size() == 4);
    }
    SECTION("a page that says it is not JSON is an invalid response and ends the paging") {
        cli.server->respond(200, "[a,b]", {{"Content-Type", "text/plain"}});
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "raw"}) == 10);
        CHECK(cli.out.empty());
        CHECK(cli.err == "hyperoru: error: invalid response: expected JSON, got text/plain: [a,b]\n");
        CHECK(cli.server->requests.size() == 4);
    }
}

TEST_CASE("resources: --all stops fetching pages once the reader of stdout has gone", "[resources]") {
    LoggedIn cli;
    for (int page = 0; page < 3; ++page) cli.server->respond(200, R"([{"id":1},{"id":2}])", k_json);
    cli.out_capacity = 10;  // `| head -c 10`
    SECTION("ndjson") {
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "ndjson"}) == 0);
    }
    SECTION("raw") {
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "raw"}) == 0);
    }
    CHECK(cli.err.empty());
    CHECK(cli.server->requests.size() == 1);
}

TEST_CASE("resources: klines resolves times and checks the interval", "[resources]") {
    LoggedIn cli;
    cli.server->respond(
        200,
        R"([{"timestamp":"2026-11-24T00:00:00Z","open":67000.0,"high":67500.0,"low":66800.0,"close":67200.0,"volume":500.0}])",
        k_json);
    cli.stdout_tty = true;
    CHECK(cli.run({"klines", "BTC", "--interval", "1h", "--start", "7d", "--end", "now"}) == 0);
    CHECK(cli.request().url ==
          k_base +
              "/api/klines/"
              "data?symbol=BTC&interval=1h&start=2026-11-18T00%3A00%3A00Z&end=2026-11-25T00%3A00%3A00Z");
    CHECK(cli.out ==
          "TIME                  OPEN     HIGH     LOW      CLOSE    VOLUME\n"
          "2026-11-24T00:00:00Z  67000.0  67500.0  66800.0  67200.0  500.0\n");
    CHECK(cli.run({"klines"}) == 2);
    CHECK(cli.run({"klines", "BTC", "--interval", "2h"}) == 2);
    CHECK(cli.run({"klines", "BTC", "--start", "yesterday"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: invalid time 'yesterday': use now, a duration like 24h or 7d, or an ISO 8601 "
          "date/time\n"
          "Run 'hyperoru klines --help' for usage.\n");
    cli.server->respond(200, R"({"symbols":["BTC","ETH"]})", k_json);
    CHECK(cli.run({"klines", "symbols"}) == 0);
    CHECK(cli.request(1).url == k_base + "/api/klines/supported-symbols");
    CHECK(cli.out == "SYMBOL\nBTC\nETH\n");
}

TEST_CASE("resources: bodies built from flags, files, --set and --body", "[resources]") {
    LoggedIn cli;
    const auto code = cli.dir.path() / "grid.py";
    std::ofstream(code) << "class Strategy:\n    \"\"\"grid\"\"\"\n";
    cli.server->respond(201, R"({"id":1})", k_json);
    CHECK(cli.run({"program", "create", "--name", "Grid Bot", "--code-file", code.string(), "--enabled",
                   "true", "--set", "tags=[\"x\"]"}) == 0);
    CHECK(cli.request(0).url == k_base + "/api/programs/");
    CHECK(
        cli.request(0).body ==
        R"({"name":"Grid Bot","code":"class Strategy:\n    \"\"\"grid\"\"\"\n","enabled":true,"tags":["x"]})");

    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"signal", "pool", "create", "--name", "P", "--signal-ids", "1,abc"}) == 0);
    CHECK(cli.request(1).body == R"({"name":"P","signal_ids":[1,"abc"],"logic":"and"})");

    cli.server->respond(202, "{}", k_json);
    CHECK(cli.run({"program", "backtest", "--program", "7", "--symbols", "BTC,ETH", "--start", "2025-01-01",
                   "--interval", "1h", "--initial-balance", "10000.0"}) == 0);
    CHECK(
        cli.request(2).body ==
        R"({"program_id":7,"config":{"symbols":["BTC","ETH"],"start_date":"2025-01-01","interval":"1h","initial_balance":10000.0}})");

    const auto body = cli.dir.path() / "task.json";
    std::ofstream(body) << R"({"prompt_id": 3, "config": {"initial_balance": 10000.00}})";
    cli.server->respond(202, R"({"id":1,"status":"queued"})", k_json);
    CHECK(cli.run({"prompt-backtest", "create", "--body", body.string()}) == 0);
    CHECK(cli.request(3).body == R"({"prompt_id":3,"config":{"initial_balance":10000.00}})");

    std::ofstream(body) << "{\"prompt_id\": }";
    CHECK(cli.run({"prompt-backtest", "create", "--body", body.string()}) == 2);
    CHECK_THAT(cli.err,
               Catch::StartsWith("hyperoru: error: --body " + body.string() + ": invalid JSON at byte"));
    CHECK(cli.run({"program", "create", "--name", "x", "--code-file", "/nonexistent/file.py"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --code-file: cannot read '/nonexistent/file.py'\n"
          "Run 'hyperoru program create --help' for usage.\n");
    CHECK(cli.server->requests.size() == 4);
}

TEST_CASE("resources: endpoints chosen by arguments", "[resources]") {
    LoggedIn cli;
    for (int i = 0; i < 8; ++i) cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"account", "overview"}) == 0);
    CHECK(cli.run({"account", "overview", "5"}) == 0);
    CHECK(cli.run({"factor", "effectiveness"}) == 0);
    CHECK(cli.run({"factor", "effectiveness", "vol/mom", "--history"}) == 0);
    CHECK(cli.run({"factor", "effectiveness", "vol", "--by-window"}) == 0);
    CHECK(cli.run({"exchange-config"}) == 0);
    CHECK(cli.run({"analytics", "summary", "--days", "7"}) == 0);
    CHECK(cli.run({"analytics", "by", "trigger-type"}) == 0);
    const std::vector<std::string> urls = {"/api/account/overview",
                                           "/api/account/5/overview",
                                           "/api/factors/effectiveness",
                                           "/api/factors/effectiveness/vol%2Fmom/history",
                                           "/api/factors/effectiveness/vol/by-window",
                                           "/api/users/exchange-config",
                                           "/api/analytics/summary?days=7",
                                           "/api/analytics/by-trigger-type"};
    REQUIRE(cli.server->requests.size() == urls.size());
    for (std::size_t i = 0; i < urls.size(); ++i) CHECK(cli.request(i).url == k_base + urls[i]);
    CHECK(cli.run({"factor", "effectiveness", "vol"}) == 2);
    CHECK(cli.run({"factor", "effectiveness", "--history"}) == 2);
}

TEST_CASE("resources: positional body fields and PATCH", "[resources]") {
    LoggedIn cli;
    cli.server->respond(204);
    CHECK(cli.run({"prompt", "rename", "1", "BTC Momentum v2"}) == 0);
    CHECK(cli.request().method == "PATCH");
    CHECK(cli.request().url == k_base + "/api/prompts/1/name");
    CHECK(cli.request().body == R"({"name":"BTC Momentum v2"})");
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"program", "test-run", "1", "--symbol", "BTC"}) == 0);
    CHECK(cli.request(1).body == R"({"program_id":1,"symbol":"BTC"})");
    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"profile", "update", "--email", "new@example.com"}) == 0);
    CHECK(cli.request(2).method == "PUT");
    CHECK(cli.request(2).body == R"({"email":"new@example.com"})");
}

TEST_CASE("resources: hyperliquid positions table reads the positions key", "[resources]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    cli.server->respond(
        200,
        R"({"positions":[{"symbol":"BTC","side":"long","size":0.05,"unrealized_pnl":75.0}],"total_count":1})",
        k_json);
    CHECK(cli.run({"hyperliquid", "positions", "1"}) == 0);
    CHECK(cli.request().url == k_base + "/api/hyperliquid/accounts/1/positions");
    CHECK(cli.out ==
          "SYMBOL  SIDE  SIZE  ENTRY  MARK  LEVERAGE  LIQUIDATION  PNL\n"
          "BTC     long  0.05  -      -     -         -            75.0\n");
}

TEST_CASE("resources: program dev-guide prints Markdown on a terminal", "[resources]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    cli.server->respond(200, R"({"guide":"# Guide\n\n## Context"})", k_json);
    CHECK(cli.run({"program", "dev-guide"}) == 0);
    CHECK(cli.out == "# Guide\n\n## Context\n");
}

TEST_CASE("resources: register reads the password from stdin and sends no token", "[resources]") {
    Cli cli;
    cli.server->respond(201, R"({"id":2,"username":"trader2"})", k_json);
    CHECK(cli.run({"register", "--username", "trader2", "--email", "t2@example.com", "--password-stdin"},
                  "pw-123\n") == 0);
    CHECK(cli.request().url == k_base + "/api/users/register");
    CHECK(cli.request().body == R"({"username":"trader2","email":"t2@example.com","password":"pw-123"})");
    CHECK_FALSE(header(cli.request(), "Authorization"));
    CHECK(cli.transport_options->secrets == std::vector<std::string>{"pw-123"});
    CHECK(cli.run({"register", "--username", "x"}) == 2);
}

TEST_CASE("resources: api calls any path", "[resources]") {
    LoggedIn cli;
    cli.server->respond(200, R"({"status":"healthy"})", k_json);
    CHECK(cli.run({"api", "/api/health"}) == 0);
    CHECK(cli.request(0).method == "GET");
    CHECK(cli.request(0).url == k_base + "/api/health");
    CHECK(header(cli.request(0), "Authorization") == "Bearer tok_stored");
    CHECK(cli.out == "{\n  \"status\": \"healthy\"\n}\n");

    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"api", "-X", "get", "/api/crypto/price?x=1", "-f", "symbol=A B", "-H", "X-Trace: 1"}) ==
          0);
    CHECK(cli.request(1).url == k_base + "/api/crypto/price?x=1&symbol=A%20B");
    CHECK(header(cli.request(1), "X-Trace") == "1");

    cli.server->respond(201, "{}", k_json);
    CHECK(cli.run({"api", "/api/orders/create", "-f", "quantity=0.010", "-f", "symbol=BTC"}) == 0);
    CHECK(cli.request(2).method == "POST");
    CHECK(cli.request(2).body == R"({"quantity":0.010,"symbol":"BTC"})");

    cli.server->respond(200, "{}", k_json);
    CHECK(cli.run({"api", "-X", "PUT", "/api/prompts/1", "--input", "-"}, R"({"content": "x"})") == 0);
    CHECK(cli.request(3).body == R"({"content": "x"})");
    CHECK(header(cli.request(3), "Content-Type") == "application/json");

    CHECK(cli.run({"api", "api/health"}) == 2);
    CHECK(cli.run({"api", "/x", "-H", "Authorization: Bearer other"}) == 2);
    CHECK(cli.run({"api", "/x", "-H", "X-A: 1\r\nX-B: 2"}) == 2);
    CHECK(cli.server->requests.size() == 4);

    cli.server->respond(404, R"({"detail":"Not Found"})", k_json);
    CHECK(cli.run({"api", "/api/nope"}) == 6);
    CHECK(cli.err == "hyperoru: error: Not Found (HTTP 404)\n");
}

TEST_CASE("resources: ai chat streams tokens, reports errors and early ends", "[resources]") {
    const std::string stream =
        ": ping\n\nevent: status\ndata: {\"conversation_id\": 5}\n\n"
        "event: token\ndata: {\"content\": \"Hello\"}\n\nevent: token\ndata: {\"content\": \" world\"}\n\n"
        "event: tool_call\ndata: {\"name\": \"get_price\"}\n\nevent: done\ndata: [DONE]\n\n";
    const http::Headers sse{{"Content-Type", "text/event-stream"}};
    LoggedIn cli;
    cli.stdout_tty = true;
    cli.server->respond(200, stream, sse);
    CHECK(cli.run({"ai", "chat", "hi", "--conversation", "5"}) == 0);
    CHECK(cli.out == "Hello world\n");
    CHECK(cli.err == "conversation: 5\n");
    CHECK(cli.request().url == k_base + "/api/hyper-ai/chat");
    CHECK(cli.request().body == R"({"context":{},"message":"hi","conversation_id":5})");
    CHECK(header(cli.request(), "Accept") == "text/event-stream");

    cli.stdout_tty = false;
    cli.server->respond(200, stream, sse);
    CHECK(cli.run({"ai", "chat", "hi"}) == 0);
    CHECK(cli.out ==
          "{\"event\":\"status\",\"data\":{\"conversation_id\":5}}\n"
          "{\"event\":\"token\",\"data\":{\"content\":\"Hello\"}}\n"
          "{\"event\":\"token\",\"data\":{\"content\":\" world\"}}\n"
          "{\"event\":\"tool_call\",\"data\":{\"name\":\"get_price\"}}\n{\"event\":\"done\"}\n");

    cli.server->respond(200,
                        "event: error\ndata: {\"message\": \"model unavailable\", \"code\": "
                        "\"MODEL_ERROR\"}\n\ndata: [DONE]\n\n",
                        sse);
    CHECK(cli.run({"ai", "chat", "fail"}) == 1);
    CHECK(cli.err == "hyperoru: error: model unavailable (code MODEL_ERROR)\n");

    cli.server->respond(200, "event: token\ndata: {\"content\": \"cut\"}\n\n", sse);
    CHECK(cli.run({"ai", "chat", "cut"}) == 9);
    CHECK(cli.err == "hyperoru: error: the chat stream ended before it was done\n");

    cli.server->respond(200, R"({"reply":"plain"})", k_json);
    CHECK(cli.run({"ai", "chat", "plain"}) == 0);
    CHECK(cli.out == "{\n  \"reply\": \"plain\"\n}\n");
}

TEST_CASE("resources: ai chat says the conversation id on stderr, exactly, once", "[resources]") {
    const http::Headers sse{{"Content-Type", "text/event-stream"}};
    // A status event first, and again later as a keep-alive (§4); the id is above 2^53.
    const std::string stream =
        "event: status\ndata: {\"conversation_id\": 12345678901234567}\n\n"
        "event: token\ndata: {\"content\": \"Hi\"}\n\n"
        "event: status\ndata: {\"conversation_id\": 12345678901234567}\n\n"
        "event: done\ndata: [DONE]\n\n";
    LoggedIn cli;
    cli.stdout_tty = true;
    cli.stderr_tty = true;
    cli.server->respond(200, stream, sse);
    CHECK(cli.run({"ai", "chat", "hi"}) == 0);
    CHECK(cli.out == "Hi\n");
    CHECK(cli.err == "conversation: 12345678901234567\n");

    // Off a terminal too: stdout keeps only the events, stderr says the id to continue with.
    cli.stdout_tty = false;
    cli.stderr_tty = false;
    cli.server->respond(200, stream, sse);
    CHECK(cli.run({"ai", "chat", "hi"}) == 0);
    CHECK(cli.out ==
          "{\"event\":\"status\",\"data\":{\"conversation_id\":12345678901234567}}\n"
          "{\"event\":\"token\",\"data\":{\"content\":\"Hi\"}}\n"
          "{\"event\":\"status\",\"data\":{\"conversation_id\":12345678901234567}}\n"
          "{\"event\":\"done\"}\n");
    CHECK(cli.err == "conversation: 12345678901234567\n");

    // A string id, with a control character the terminal must not obey; a status without one.
    cli.server->respond(200,
                        "event: status\ndata: {\"state\": \"thinking\"}\n\n"
                        "event: status\ndata: {\"conversation_id\": \"c-7\\u001b[2J\"}\n\n"
                        "event: done\ndata: [DONE]\n\n",
                        sse);
    CHECK(cli.run({"ai", "chat", "hi"}) == 0);
    CHECK(cli.err == "conversation: c-7\\x1B[2J\n");
}

TEST_CASE("resources: ai stream --follow polls with the cursor and prints each chunk once", "[resources]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    cli.server->respond(
        200,
        R"({"chunks":[{"index":2,"content":"b"},{"index":1,"content":"a"}],"is_done":false,"next_cursor":2})",
        k_json);
    cli.server->respond(
        200,
        R"({"chunks":[{"index":2,"content":"b"},{"index":3,"content":"c\n"}],"is_done":true,"next_cursor":4})",
        k_json);
    CHECK(cli.run({"ai", "stream", "task-1", "--follow", "--interval", "0.5"}) == 0);
    CHECK(cli.out == "abc\n\n");
    CHECK(cli.request(0).url == k_base + "/api/ai-stream/task-1");
    CHECK(cli.request(1).url == k_base + "/api/ai-stream/task-1?since=2");
    CHECK(cli.clock.sleeps == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds{500}});

    cli.server->respond(200, R"({"chunks":[],"done":false,"error":{"message":"quota exceeded"}})", k_json);
    CHECK(cli.run({"ai", "stream", "task-2", "--follow"}) == 1);
    CHECK(cli.err == "hyperoru: error: quota exceeded\n");
}

TEST_CASE("resources: prompt ai-chat sends a ChatStart body; ndjson unwraps envelopes", "[resources]") {
    LoggedIn cli;
    cli.server->respond(200, R"({"status":"queued","task_id":"task-1"})", k_json);
    CHECK(cli.run({"prompt", "ai-chat", "Write a prompt", "--skill-ids", "3,4"}) == 0);
    CHECK(cli.request().url == k_base + "/api/prompts/ai-chat-stream");
    CHECK(cli.request().body == R"({"context":{},"message":"Write a prompt","skill_ids":[3,4]})");
    cli.server->respond(200, R"({"items":[{"id":1},{"id":2}],"total":2,"next":null})", k_json);
    CHECK(cli.run({"program", "list", "-o", "ndjson"}) == 0);
    CHECK(cli.out == "{\"id\":1}\n{\"id\":2}\n");
}

TEST_CASE("resources: an update with nothing to change is a usage error and sends nothing", "[resources]") {
    LoggedIn cli;
    CHECK(cli.run({"account", "update", "3"}) == 2);
    CHECK(cli.out.empty());
    CHECK(cli.err ==
          "hyperoru: error: nothing to change: give at least one of --name, --description, --llm-provider, "
          "--llm-model, ..., --set key=value, --body FILE\n"
          "Run 'hyperoru account update --help' for usage.\n");
    CHECK(cli.run({"profile", "update"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: nothing to change: give at least one of --email, --username, --set key=value, "
          "--body FILE\n"
          "Run 'hyperoru profile update --help' for usage.\n");
    CHECK(cli.server->requests.empty());
}

TEST_CASE("resources: account update takes the API key from stdin and keeps it out of the trace",
          "[resources]") {
    LoggedIn cli;
    cli.server->respond(200, R"({"id":3})", k_json);
    CHECK(cli.run({"account", "update", "3", "--llm-model", "gpt-4o", "--llm-api-key-stdin"},
                  "sk-upd-KEY\n") == 0);
    CHECK(cli.request().method == "PUT");
    CHECK(cli.request().url == k_base + "/api/account/3");
    CHECK(cli.request().body == R"({"llm_model":"gpt-4o","llm_api_key":"sk-upd-KEY"})");
    CHECK(cli.transport_options->secrets == std::vector<std::string>{"sk-upd-KEY", "tok_stored"});
    CHECK(cli.run({"account", "update", "3", "--llm-api-key-stdin"}, "") == 2);
    CHECK(cli.err ==
          "hyperoru: error: --llm-api-key-stdin: nothing on standard input\n"
          "Run 'hyperoru account update --help' for usage.\n");
}

TEST_CASE("resources: --all never runs forever against a server that ignores paging", "[resources]") {
    const std::string page = R"([{"id":1},{"id":2}])";
    SECTION("the same bytes again: exit 10 after the second request, the first page printed once") {
        LoggedIn cli;
        for (int i = 0; i < 5; ++i) cli.server->respond(200, page, k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "ndjson"}) == 10);
        CHECK(cli.out == "{\"id\":1}\n{\"id\":2}\n");
        // -o ndjson: the error is a JSON object on stderr, like every error in the JSON formats.
        CHECK(cli.err ==
              "{\"error\":\"invalid response: page 2 repeats the page before it: the server ignores "
              "paging; stopped after 1 page\",\"exit_code\":10}\n");
        CHECK(cli.server->requests.size() == 2);
    }
    SECTION("the same first and last ids in other bytes: exit 10, json prints what came") {
        LoggedIn cli;
        cli.server->respond(200, R"({"items":[{"id":1},{"id":2}],"at":"09:00:01"})", k_json);
        cli.server->respond(200, R"({"items":[{"id":1},{"id":2}],"at":"09:00:02"})", k_json);
        CHECK(cli.run({"prompt", "list", "--all", "--per-page", "2", "-o", "json"}) == 10);
        CHECK(cli.out == "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  }\n]\n");
        CHECK(cli.server->requests.size() == 2);
    }
    SECTION("more items than per_page: exit 10 after that page, printed") {
        LoggedIn cli;
        cli.server->respond(200, R"([{"id":1},{"id":2}])", k_json);
        cli.server->respond(200, R"([{"id":3},{"id":4},{"id":5}])", k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "ndjson"}) == 10);
        CHECK(cli.out == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n{\"id\":4}\n{\"id\":5}\n");
        CHECK(cli.err ==
              "{\"error\":\"invalid response: page 2 holds 3 items, more than the 2 asked for: the server "
              "ignores paging; stopped after 2 pages\",\"exit_code\":10}\n");
        CHECK(cli.server->requests.size() == 2);
    }
    SECTION("-o raw compares the bytes too") {
        LoggedIn cli;
        for (int i = 0; i < 3; ++i) cli.server->respond(200, page, k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "raw"}) == 10);
        CHECK(cli.out == page + "\n");
        CHECK(cli.server->requests.size() == 2);
    }
    SECTION("--max-pages: exit 11 after that many full pages, all of them printed") {
        LoggedIn cli;
        for (int i = 0; i < 5; ++i) {
            cli.server->respond(
                200,
                "[{\"id\":" + std::to_string(2 * i + 1) + "},{\"id\":" + std::to_string(2 * i + 2) + "}]",
                k_json);
        }
        CHECK(cli.run({"account", "list", "--all", "--per-page", "2", "--max-pages", "3", "-o", "ndjson"}) ==
              11);
        CHECK(cli.out == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n{\"id\":4}\n{\"id\":5}\n{\"id\":6}\n");
        CHECK(cli.err ==
              "{\"error\":\"stopped after 3 pages (--max-pages); the list may go on\",\"exit_code\":11}\n");
        CHECK(cli.server->requests.size() == 3);
    }
    SECTION("the byte cap: 4 x --max-response-size in all") {
        LoggedIn cli;
        const std::string filler(300, 'x');
        for (int i = 0; i < 10; ++i) {
            cli.server->respond(200,
                                "[{\"id\":" + std::to_string(2 * i + 1) + ",\"f\":\"" + filler +
                                    "\"},{\"id\":" + std::to_string(2 * i + 2) + ",\"f\":\"" + filler +
                                    "\"}]",
                                k_json);
        }
        CHECK(cli.run({"--max-response-size", "1K", "program", "list", "--all", "--per-page", "2", "-o",
                       "ndjson"}) == 11);
        // A page is 631 bytes plus its ids' digits: 4 x 633, 634, 2 x 635 = 4436 after the seventh,
        // the first total past 4 x 1024 (3801 after six).
        CHECK(cli.server->requests.size() == 7);
        CHECK(cli.err ==
              "{\"error\":\"stopped after 4436 bytes (more than 4 x --max-response-size); the list "
              "may go on\",\"exit_code\":11}\n");
    }
}

TEST_CASE("resources: api -X DELETE is confirmed like account delete", "[resources]") {
    LoggedIn cli;
    CHECK(cli.run({"api", "-X", "DELETE", "/api/account/1"}) == 2);
    CHECK(cli.err == "hyperoru: error: refusing to DELETE " + k_base +
                         "/api/account/1 without --yes (stdin is not a terminal)\n"
                         "Run 'hyperoru api --help' for usage.\n");
    cli.stdin_tty = true;
    cli.stdout_tty = true;
    cli.answers = {"n"};
    CHECK(cli.run({"api", "-X", "delete", "/api/account/1"}) == 2);
    CHECK(cli.prompts.back().first == "Send DELETE " + k_base + "/api/account/1? [y/N] ");
    CHECK(cli.err == "hyperoru: error: api: cancelled\n");
    CHECK(cli.server->requests.empty());
    cli.answers = {"y"};
    cli.server->respond(200, R"({"status":"ok"})", k_json);
    CHECK(cli.run({"api", "-X", "DELETE", "/api/account/1"}) == 0);
    CHECK(cli.request().method == "DELETE");
}

TEST_CASE("resources: a 405 to api -f without -X says that -f makes a POST", "[resources]") {
    LoggedIn cli;
    cli.server->respond(405, R"({"detail":"Method Not Allowed"})", k_json);
    CHECK(cli.run({"api", "/api/crypto/price", "-f", "symbol=ETH"}) == 3);
    CHECK(cli.request().method == "POST");
    CHECK(cli.err ==
          "hyperoru: error: Method Not Allowed (-f makes a POST; add -X GET to send the fields as query "
          "parameters) (HTTP 405)\n");
    cli.server->respond(405, R"({"detail":"Method Not Allowed"})", k_json);
    CHECK(cli.run({"api", "-X", "PUT", "/api/crypto/price", "-f", "symbol=ETH"}) == 3);  // asked for: no hint
    CHECK(cli.err == "hyperoru: error: Method Not Allowed (HTTP 405)\n");
}

TEST_CASE("resources: wording templates fill placeholders and leave out parts without a value",
          "[resources]") {
    const std::map<std::string, std::string, std::less<>> values = {
        {"ID", "42"}, {"--symbol", "BTC"}, {".price", "60000"}, {".side", "buy"}, {".empty", ""}};
    const auto value = [&](std::string_view name) -> std::optional<std::string> {
        const auto it = values.find(name);
        if (it == values.end()) return std::nullopt;
        return it->second;
    };
    using cli::fill_wording;
    CHECK(fill_wording("Cancel order {ID}", value) == "Cancel order 42");
    CHECK(fill_wording("{--symbol} {.side}[ @ {.price}]", value) == "BTC buy @ 60000");
    CHECK(fill_wording("{--symbol} {.side}[ @ {.missing}]", value) == "BTC buy");
    CHECK(fill_wording("{--symbol}[ @ {.empty}][ ({.side})]", value) == "BTC (buy)");
    // A value missing outside brackets leaves no double or trailing space, nor a space before ".".
    CHECK(fill_wording("Placed order {.id} for {--symbol}.", value) == "Placed order for BTC.");
    CHECK(fill_wording("Created {.id}.", value) == "Created.");
    CHECK(fill_wording("Unclosed {ID", value) == "Unclosed {ID");
    // Values from a server are made safe for the terminal.
    const auto hostile = [](std::string_view) -> std::optional<std::string> { return "x\x1b[2Jy"; };
    CHECK(fill_wording("Delete {ID}", hostile) == "Delete x\\x1B[2Jy");
}

TEST_CASE("resources: a confirmation asks in words, with details looked up when they can be", "[resources]") {
    LoggedIn cli;
    cli.stdin_tty = true;
    cli.stdout_tty = true;
    cli.stderr_tty = true;
    SECTION("account delete: the name from the overview's nested account") {
        cli.server->respond(200, R"({"account": {"id": 3, "name": "BTC Trend"}, "total_assets": 1})", k_json);
        cli.server->respond(200, R"({"status": "ok"})", k_json);
        cli.answers = {"y"};
        CHECK(cli.run({"account", "delete", "3"}) == 0);
        REQUIRE(cli.prompts.size() == 1);
        CHECK(cli.prompts[0].first == "Delete account 3 (BTC Trend)? [y/N] ");
        REQUIRE(cli.server->requests.size() == 2);
        CHECK(cli.server->requests[0].method == "GET");
        CHECK(cli.server->requests[0].url == k_base + "/api/account/3/overview");
        CHECK(cli.server->requests[1].method == "DELETE");
        CHECK(cli.server->requests[1].url == k_base + "/api/account/3");
        CHECK(cli.err == "Deleted account 3.\n");
    }
    SECTION("order execute: the order found in the pending list, a limit price shown") {
        cli.server->respond(
            200,
            R"([{"id": 41, "symbol": "ETH"}, {"id": 42, "symbol": "BTC", "side": "buy", "quantity": 0.010, "price": 60000.0}])",
            k_json);
        cli.answers = {"n"};
        CHECK(cli.run({"order", "execute", "42"}) == 2);
        REQUIRE(cli.prompts.size() == 1);
        CHECK(cli.prompts[0].first == "Execute order 42 now (BTC buy 0.010 @ 60000.0)? [y/N] ");
        CHECK(cli.err == "hyperoru: error: order execute: cancelled\n");
        CHECK(cli.server->requests.size() == 1);
    }
    SECTION("a lookup the server refuses leaves the details out") {
        cli.server->respond(404, R"({"error": {"code": "NOT_FOUND", "message": "no such prompt"}})", k_json);
        cli.answers = {"n"};
        CHECK(cli.run({"prompt", "delete", "9"}) == 2);
        REQUIRE(cli.prompts.size() == 1);
        CHECK(cli.prompts[0].first == "Delete prompt 9? [y/N] ");
    }
    SECTION("an order not among the pending ones: no details") {
        cli.server->respond(200, R"([{"id": 41, "symbol": "ETH"}])", k_json);
        cli.answers = {"n"};
        CHECK(cli.run({"order", "cancel", "42"}) == 2);
        CHECK(cli.prompts.at(0).first == "Cancel order 42? [y/N] ");
    }
    SECTION("a rejected token ends the command at the lookup, before asking") {
        cli.server->respond(401, R"({"error": {"code": "UNAUTHORIZED", "message": "expired"}})", k_json);
        CHECK(cli.run({"program", "delete", "1"}) == 4);
        CHECK(cli.prompts.empty());
        CHECK(cli.server->requests.size() == 1);
    }
    SECTION("--yes asks nothing and looks nothing up") {
        cli.server->respond(200, R"({"status": "ok", "order_id": 42})", k_json);
        CHECK(cli.run({"order", "cancel", "42", "--yes"}) == 0);
        CHECK(cli.prompts.empty());
        REQUIRE(cli.server->requests.size() == 1);
        CHECK(cli.server->requests[0].url == k_base + "/api/orders/cancel/42");
        CHECK(cli.err == "Cancelled order 42.\n");
    }
    SECTION("process-all: the counts in the success line") {
        cli.server->respond(200, R"({"processed": 3, "succeeded": 2, "failed": 1})", k_json);
        CHECK(cli.run({"order", "process-all", "--yes"}) == 0);
        CHECK(cli.err == "Processed 3 pending orders: 2 succeeded, 1 failed.\n");
    }
}
