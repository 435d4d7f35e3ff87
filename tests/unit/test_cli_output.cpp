// Output niceties in-process: --fields in every format, colour of status words in tables on a
// terminal, and when hyperoru may prompt (both ends on a terminal, no --no-input).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/cli_fixture.hpp"

using namespace hyperoru;
using hyperoru::test::Cli;
using hyperoru::test::k_json;
using hyperoru::test::LoggedIn;

namespace {

const std::string& k_base = hyperoru::test::k_production_url;

/// Two accounts: exact number text, a secret, a nested value, an escaped newline, a missing member.
const std::string k_accounts =
    R"([{"id":1,"name":"Main\nDesk","price":67012.50,"api_key":"sk-live","tiny":0.00000012,)"
    R"("meta":{"tags":["a","b"],"n":1.0}},)"
    R"({"id":2,"name":"B","price":0.10}])";

const std::string k_envelope =
    R"({"items":[{"id":1,"name":"Main","price":67012.50},{"id":2,"name":"B"}],"total":2,"next":null})";

const std::string k_orders = R"([{"id":1,"account_id":1,"symbol":"BTC","side":"buy","order_type":"market",)"
                             R"("quantity":0.01,"status":"pending"},)"
                             R"({"id":22,"account_id":1,"symbol":"ETH","side":"sell","order_type":"limit",)"
                             R"("quantity":2,"price":3000.5,"status":"FILLED"},)"
                             R"({"id":3,"account_id":1,"symbol":"SOL","side":"buy","order_type":"market",)"
                             R"("quantity":1,"status":"executed"}])";

}  // namespace

TEST_CASE("fields: JSON keeps the named members of each element, in the order given, values exact",
          "[output]") {
    LoggedIn cli;
    cli.server->respond(200, k_accounts, k_json);
    CHECK(cli.run({"--fields", "tiny,name,api_key,meta,price", "account", "list"}) == 0);
    CHECK(cli.out ==
          "[\n"
          "  {\n"
          "    \"tiny\": 0.00000012,\n"
          "    \"name\": \"Main\\nDesk\",\n"
          "    \"api_key\": \"********\",\n"
          "    \"meta\": {\n"
          "      \"tags\": [\n"
          "        \"a\",\n"
          "        \"b\"\n"
          "      ],\n"
          "      \"n\": 1.0\n"
          "    },\n"
          "    \"price\": 67012.50\n"
          "  },\n"
          "  {\n"
          "    \"name\": \"B\",\n"
          "    \"price\": 0.10\n"
          "  }\n"
          "]\n");
    CHECK(cli.err.empty());
    CHECK(cli.request().url == k_base + "/api/account/list");

    // Every member in the original order: exactly what plain JSON output prints.
    const std::string all = R"([{"id":1,"name":"a","n":[1.50,{"x":null}]},{"id":2,"name":"b","n":[]}])";
    cli.server->respond(200, all, k_json);
    REQUIRE(cli.run({"account", "list"}) == 0);
    const std::string plain = cli.out;
    cli.server->respond(200, all, k_json);
    CHECK(cli.run({"account", "list", "--fields", "id,name,n"}) == 0);
    CHECK(cli.out == plain);

    // An element with none of the fields is an empty object; one that is not an object is kept.
    cli.server->respond(200, R"([{"x":1},{"id":5},"text",7])", k_json);
    CHECK(cli.run({"account", "list", "--fields", "id"}) == 0);
    CHECK(cli.out == "[\n  {},\n  {\n    \"id\": 5\n  },\n  \"text\",\n  7\n]\n");
    cli.server->respond(200, "[]", k_json);
    CHECK(cli.run({"account", "list", "--fields", "id"}) == 0);
    CHECK(cli.out == "[]\n");
}

TEST_CASE("fields: a name no result has is a usage error naming the fields there are", "[output]") {
    LoggedIn cli;
    for (const char* format : {"json", "ndjson", "table"}) {
        INFO(format);
        cli.server->respond(200, R"([{"id":1,"name":"a"},{"id":2,"name":"b","price":3}])", k_json);
        CHECK(cli.run({"-o", format, "account", "list", "--fields", "id,nmae"}) == 2);
        CHECK(cli.out.empty());  // before anything is printed: a table of "-" or [{}, {}] helps no one
        CHECK(cli.err == (std::string(format) == "table"
                              ? "hyperoru: error: --fields: no result has \"nmae\"; did you mean \"name\"? "
                                "(fields: id name "
                                "price)\n"
                                "Run 'hyperoru account list --help' for usage.\n"
                              : "{\"error\":\"--fields: no result has \\\"nmae\\\"; did you mean "
                                "\\\"name\\\"? (fields: id "
                                "name price)\",\"exit_code\":2}\n"));
    }
    // --all: the first page decides, before it is printed.
    cli.server->respond(200, R"([{"id":1}])", k_json);
    CHECK(cli.run({"-o", "ndjson", "account", "list", "--all", "--fields", "nope"}) == 2);
    CHECK(cli.out.empty());
}

TEST_CASE("fields: NDJSON, one trimmed element per line", "[output]") {
    LoggedIn cli;
    cli.server->respond(200, k_accounts, k_json);
    CHECK(cli.run({"-o", "ndjson", "account", "list", "--fields", "price,id,api_key,tiny"}) == 0);
    CHECK(cli.out ==
          "{\"price\":67012.50,\"id\":1,\"api_key\":\"********\",\"tiny\":0.00000012}\n"
          "{\"price\":0.10,\"id\":2}\n");
    cli.server->respond(200, R"([[1,2],{"id":3}])", k_json);  // an array element stays one line
    CHECK(cli.run({"-o", "ndjson", "account", "list", "--fields", "id"}) == 0);
    CHECK(cli.out == "[1,2]\n{\"id\":3}\n");
}

TEST_CASE("fields: a table has exactly these columns, headers upper-cased, - when missing", "[output]") {
    LoggedIn cli;
    cli.server->respond(200, k_accounts, k_json);
    CHECK(cli.run({"-o", "table", "account", "list", "--fields", "price,name,api_key,tiny"}) == 0);
    CHECK(cli.out ==
          "PRICE     NAME        API_KEY   TINY\n"
          "67012.50  Main\\nDesk  ********  0.00000012\n"
          "0.10      B           -         -\n");
    cli.server->respond(200, "[]", k_json);
    CHECK(cli.run({"-o", "table", "account", "list", "--fields", "id"}) == 0);
    CHECK(cli.out == "No accounts.\n");
}

TEST_CASE("fields: an envelope is kept and its items trimmed", "[output]") {
    LoggedIn cli;
    cli.server->respond(200, k_envelope, k_json);
    CHECK(cli.run({"account", "list", "--fields", "price,id"}) == 0);
    CHECK(cli.out ==
          "{\n"
          "  \"items\": [\n"
          "    {\n"
          "      \"price\": 67012.50,\n"
          "      \"id\": 1\n"
          "    },\n"
          "    {\n"
          "      \"id\": 2\n"
          "    }\n"
          "  ],\n"
          "  \"total\": 2,\n"
          "  \"next\": null\n"
          "}\n");
    cli.server->respond(200, k_envelope, k_json);
    CHECK(cli.run({"-o", "ndjson", "account", "list", "--fields", "price,id"}) == 0);
    CHECK(cli.out == "{\"price\":67012.50,\"id\":1}\n{\"id\":2}\n");
    cli.server->respond(200, k_envelope, k_json);
    CHECK(cli.run({"-o", "table", "account", "list", "--fields", "name,price"}) == 0);
    CHECK(cli.out == "NAME  PRICE\nMain  67012.50\nB     -\n");
}

TEST_CASE("fields: a single object keeps the named members, also as key/value lines", "[output]") {
    Cli cli;
    const std::string health = R"({"status":"healthy","uptime":1.50,"version":"2.1"})";
    cli.server->respond(200, health, k_json);
    CHECK(cli.run({"health", "--fields", "uptime,status"}) == 0);
    CHECK(cli.out == "{\n  \"uptime\": 1.50,\n  \"status\": \"healthy\"\n}\n");
    cli.server->respond(200, health, k_json);
    CHECK(cli.run({"health", "-o", "ndjson", "--fields", "uptime,status"}) == 0);
    CHECK(cli.out == "{\"uptime\":1.50,\"status\":\"healthy\"}\n");
    cli.server->respond(200, health, k_json);
    CHECK(cli.run({"health", "-o", "table", "--fields", "version,uptime"}) == 0);
    CHECK(cli.out == "version  2.1\nuptime   1.50\n");

    // A single object under a view of rows is a one-row table of the fields.
    LoggedIn logged_in;
    logged_in.server->respond(200, R"({"symbol":"PEPE","price":0.00000012,"timestamp":"t"})", k_json);
    CHECK(logged_in.run({"price", "PEPE", "-o", "table", "--fields", "price,symbol"}) == 0);
    CHECK(logged_in.out == "PRICE       SYMBOL\n0.00000012  PEPE\n");
}

TEST_CASE("fields: several replies, and every page of --all", "[output]") {
    LoggedIn cli;
    cli.server->respond(200, R"({"symbol": "BTC", "price": 67012.50, "timestamp": "t1"})", k_json);
    cli.server->respond(200, R"({"symbol": "PEPE", "price": 0.00000012})", k_json);
    CHECK(cli.run({"price", "BTC", "PEPE", "--fields", "price,symbol"}) == 0);
    CHECK(cli.out ==
          "[\n  {\n    \"price\": 67012.50,\n    \"symbol\": \"BTC\"\n  },\n"
          "  {\n    \"price\": 0.00000012,\n    \"symbol\": \"PEPE\"\n  }\n]\n");

    cli.server->respond(200, k_accounts, k_json);
    CHECK(cli.run({"-o", "ndjson", "account", "list", "--all", "--fields", "tiny,id"}) == 0);
    CHECK(cli.out == "{\"tiny\":0.00000012,\"id\":1}\n{\"id\":2}\n");
    CHECK(cli.server->requests.back().url == k_base + "/api/account/list?page=1&per_page=100");
    cli.server->respond(200, k_accounts, k_json);
    CHECK(cli.run({"account", "list", "--all", "--fields", "id"}) == 0);
    CHECK(cli.out == "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  }\n]\n");
}

TEST_CASE("fields: refused with -o raw, and an empty or repeated name is a usage error", "[output]") {
    LoggedIn cli;
    CHECK(cli.run({"-o", "raw", "--fields", "id", "account", "list"}) == 2);
    CHECK(cli.out.empty());
    CHECK(cli.err ==
          "hyperoru: error: --fields does not apply to -o raw\n"
          "Run 'hyperoru account list --help' for usage.\n");
    const std::vector<std::pair<std::string, std::string>> mistakes = {
        {"", "empty list; expected names like id,name"}, {",", "empty name in ','"},
        {"id,,name", "empty name in 'id,,name'"},        {"id,", "empty name in 'id,'"},
        {"id,name,id", "'id' is named twice"},
    };
    for (const auto& [list, message] : mistakes) {
        INFO(list);
        CHECK(cli.run({"account", "list", "--fields", list}) == 2);
        CHECK(cli.out.empty());
        CHECK(cli.err ==
              "hyperoru: error: --fields: " + message + "\nRun 'hyperoru account list --help' for usage.\n");
    }
    CHECK(cli.server->requests.empty());
}

TEST_CASE("colour: status words in tables on a terminal only", "[output]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    const std::string coloured =
        "ID  ACCOUNT  SYMBOL  SIDE  TYPE    QUANTITY  PRICE   STATUS\n"
        "1   1        BTC     buy   market  0.01      -       \x1b[33mpending\x1b[0m\n"
        "22  1        ETH     sell  limit   2         3000.5  \x1b[32mFILLED\x1b[0m\n"
        "3   1        SOL     buy   market  1         -       \x1b[32mexecuted\x1b[0m\n";
    const std::string plain =
        "ID  ACCOUNT  SYMBOL  SIDE  TYPE    QUANTITY  PRICE   STATUS\n"
        "1   1        BTC     buy   market  0.01      -       pending\n"
        "22  1        ETH     sell  limit   2         3000.5  FILLED\n"
        "3   1        SOL     buy   market  1         -       executed\n";
    const std::vector<std::string> list = {"order", "list", "--pending"};
    const auto run = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = list;
        args.insert(args.end(), extra.begin(), extra.end());
        cli.server->respond(200, k_orders, k_json);
        return cli.run(args);
    };

    CHECK(run({}) == 0);
    CHECK(cli.out == coloured);
    CHECK(cli.request().url == k_base + "/api/orders/pending");
    cli.env["NO_COLOR"] = "";  // set but empty: no-color.org says it does not count
    CHECK(run({}) == 0);
    CHECK(cli.out == coloured);
    cli.env["TERM"] = "xterm-256color";
    CHECK(run({}) == 0);
    CHECK(cli.out == coloured);

    CHECK(run({"--no-color"}) == 0);
    CHECK(cli.out == plain);
    cli.env["NO_COLOR"] = "1";
    CHECK(run({}) == 0);
    CHECK(cli.out == plain);
    cli.env.erase("NO_COLOR");
    cli.env["TERM"] = "dumb";
    CHECK(run({}) == 0);
    CHECK(cli.out == plain);
    cli.env.erase("TERM");

    // --fields: a column named status is coloured too.
    CHECK(run({"--fields", "status,id"}) == 0);
    CHECK(cli.out ==
          "STATUS    ID\n"
          "\x1b[33mpending\x1b[0m   1\n"
          "\x1b[32mFILLED\x1b[0m    22\n"
          "\x1b[32mexecuted\x1b[0m  3\n");

    // Never in JSON on a terminal, nor in a table off one.
    CHECK(run({"-o", "json", "--fields", "status"}) == 0);
    CHECK(cli.out ==
          "[\n  {\n    \"status\": \"pending\"\n  },\n  {\n    \"status\": \"FILLED\"\n  },\n"
          "  {\n    \"status\": \"executed\"\n  }\n]\n");
    CHECK(run({"-o", "ndjson", "--fields", "status"}) == 0);
    CHECK(cli.out == "{\"status\":\"pending\"}\n{\"status\":\"FILLED\"}\n{\"status\":\"executed\"}\n");
    cli.stdout_tty = false;
    CHECK(run({"-o", "table"}) == 0);
    CHECK(cli.out == plain);

    // Key/value lines: the value of status.
    cli.stdout_tty = true;
    cli.server->respond(200, R"({"status":"healthy","uptime":1.50})", k_json);
    CHECK(cli.run({"health"}) == 0);
    CHECK(cli.out == "status  \x1b[32mhealthy\x1b[0m\nuptime  1.50\n");
}

TEST_CASE("prompts: only with stdin and stdout on a terminal and without --no-input", "[output]") {
    Cli cli;
    SECTION("login: stdin on a terminal, stdout a pipe") {
        cli.stdin_tty = true;
        CHECK(cli.run({"login"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: --email or --username is required (stdout is not a terminal)\n"
              "Run 'hyperoru login --help' for usage.\n");
        CHECK(cli.run({"login", "--email", "a@b.c"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: no password: pipe it with --password-stdin (stdout is not a terminal)\n"
              "Run 'hyperoru login --help' for usage.\n");
    }
    SECTION("login: --no-input on a terminal") {
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        CHECK(cli.run({"--no-input", "login"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: --email or --username is required (--no-input)\n"
              "Run 'hyperoru login --help' for usage.\n");
        CHECK(cli.run({"login", "--email", "a@b.c", "--no-input"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: no password: pipe it with --password-stdin (--no-input)\n"
              "Run 'hyperoru login --help' for usage.\n");
    }
    SECTION("login: --password-stdin on a terminal needs the email as an option") {
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        CHECK(cli.run({"login", "--password-stdin"}, "pw\n") == 2);
        CHECK(cli.err ==
              "hyperoru: error: --email or --username is required (standard input holds the password)\n"
              "Run 'hyperoru login --help' for usage.\n");
    }
    SECTION("register: --no-input on a terminal") {
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        CHECK(cli.run({"register", "--username", "trader2", "--no-input"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: no password: pipe it with --password-stdin (--no-input)\n"
              "Run 'hyperoru register --help' for usage.\n");
    }
    SECTION("a destructive command is refused, an order execute proceeds") {
        cli.login_state();
        cli.stdin_tty = true;
        cli.stdout_tty = true;
        CHECK(cli.run({"--no-input", "order", "cancel", "42"}) == 2);
        CHECK(
            cli.err ==
            "hyperoru: error: refusing to run 'order cancel' without --yes (--no-input; --dry-run shows the "
            "request)\n"
            "Run 'hyperoru order cancel --help' for usage.\n");
        CHECK(cli.server->requests.empty());
        cli.stdout_tty = false;
        CHECK(cli.run({"order", "cancel", "42"}) == 2);
        CHECK(cli.err ==
              "hyperoru: error: refusing to run 'order cancel' without --yes (stdout is not a terminal; "
              "--dry-run shows the request)\n"
              "Run 'hyperoru order cancel --help' for usage.\n");
        CHECK(cli.server->requests.empty());
        cli.stdout_tty = true;
        cli.server->respond(200, R"({"status":"ok","order_id":42})", k_json);
        CHECK(cli.run({"--no-input", "--no-color", "order", "execute", "42"}) == 0);
        CHECK(cli.out == "status    ok\norder_id  42\n");
        REQUIRE(cli.server->requests.size() == 1);
        CHECK(cli.request().url == k_base + "/api/orders/execute/42");
    }
    CHECK(cli.prompts.empty());
}

TEST_CASE("fields: the layouts for people (auth status, dev-guide) give way to key/value lines", "[output]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    CHECK(cli.run({"auth", "status", "--fields", "username,days_left,context"}) == 0);
    CHECK(cli.out == "username   trader1\ndays_left  180\ncontext    default\n");
    CHECK(cli.run({"auth", "status", "-o", "json", "--fields", "logged_in"}) == 0);
    CHECK(cli.out == "{\n  \"logged_in\": true\n}\n");

    cli.server->respond(200, R"({"guide":"# Guide","version":2.10})", k_json);
    CHECK(cli.run({"program", "dev-guide", "--fields", "version"}) == 0);
    CHECK(cli.out == "version  2.10\n");
}
