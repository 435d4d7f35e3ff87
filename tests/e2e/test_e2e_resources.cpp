// End-to-end: paging with --all, the safety of money and destructive commands (--dry-run, --yes,
// the terminal question), request ids, tables on a terminal, time ranges, and `hyperoru api` with
// each method, with the real binary against the stand-in.
#include "e2e/resources.hpp"

using namespace e2e_resources;

TEST_CASE("e2e: api --all fetches 100 a page until the short third page, bare or in an envelope") {
    for (const bool envelope : {false, true}) {
        INFO("--envelope: " << envelope);
        StandIn server(envelope ? std::vector<std::string>{"--envelope"} : std::vector<std::string>{});
        const TokenEnv env;
        seed(server, R"({"kind": "accounts", "count": 250})");  // ids 3..252, all visible
        const auto page = [](int n) {
            return req("GET", "/api/account/list?page=" + std::to_string(n) + "&per_page=100");
        };
        const auto count_lines = [](const std::string& text) {
            return std::count(text.begin(), text.end(), '\n');
        };
        const std::string last = R"({"id":252,"user_id":1,"name":"Trader 0250",)";

        const auto all = cli(env, at(server, {"account", "list", "--all", "-o", "ndjson"}));
        CHECK(all.rc == 0);
        CHECK(all.err.empty());
        CHECK(count_lines(all.out) == 251);  // the seeded hidden account stays hidden
        CHECK(all.out.starts_with(R"({"id":1,"user_id":1,"name":"Main Account",)"));
        CHECK(all.out.substr(all.out.rfind('\n', all.out.size() - 2) + 1).starts_with(last));
        CHECK(describe(server.requests()) == describe({page(1), page(2), page(3)}));

        server.reset();
        seed(server, R"({"kind": "accounts", "count": 250})");
        const auto limited =
            cli(env, at(server, {"account", "list", "--all", "--limit", "150", "-o", "ndjson"}));
        CHECK(limited.rc == 0);
        CHECK(count_lines(limited.out) == 150);
        CHECK(contains(limited.out, R"({"id":151,"user_id":1,"name":"Trader 0149",)"));
        CHECK_FALSE(contains(limited.out, R"("id":152,)"));
        CHECK(describe(server.requests()) == describe({page(1), page(2)}));

        server.reset();
        seed(server, R"({"kind": "accounts", "count": 250})");
        const auto api = cli(env, at(server, {"api", "/api/account/list", "--paginate", "-o", "ndjson"}));
        CHECK(api.rc == 0);
        CHECK(api.out == all.out);
        CHECK(describe(server.requests()) == describe({page(1), page(2), page(3)}));
    }
}

TEST_CASE("e2e: api --dry-run prints the exact request and sends nothing") {
    StandIn server;
    const TokenEnv env;
    const std::string url = server.base_url();
    const std::string auth = "Accept: application/json\nAuthorization: Bearer <redacted>\n";
    const std::vector<std::pair<std::vector<std::string>, std::string>> rows = {
        {{"order", "create", "--account", "1", "--symbol", "BTC", "--side", "sell", "--type", "market",
          "--quantity", "0.010"},
         "POST " + url + "/api/orders/create\n" + auth + "Content-Type: application/json\n\n" +
             R"({"account_id":1,"symbol":"BTC","name":"sell BTC","side":"sell","order_type":"market",)"
             R"("quantity":0.010})"
             "\n"},
        {{"order", "execute", "42"}, "POST " + url + "/api/orders/execute/42\n" + auth},
        {{"order", "cancel", "42"}, "POST " + url + "/api/orders/cancel/42\n" + auth},
        {{"order", "process-all"}, "POST " + url + "/api/orders/process-all\n" + auth},
        {{"account", "delete", "1"}, "DELETE " + url + "/api/account/1\n" + auth},
        {{"program", "delete", "1"}, "DELETE " + url + "/api/programs/1\n" + auth},
        {{"prompt", "delete", "1"}, "DELETE " + url + "/api/prompts/1\n" + auth},
        {{"signal", "definition", "delete", "1"}, "DELETE " + url + "/api/signals/definitions/1\n" + auth},
        {{"factor", "delete", "a/b"}, "DELETE " + url + "/api/factors/custom/a%2Fb\n" + auth},
    };
    for (const auto& [args, request] : rows) {
        INFO("hyperoru " + joined(args) + " --dry-run");
        auto dry = args;
        dry.emplace_back("--dry-run");
        const auto r = cli(env, at(server, dry));
        CHECK(r.rc == 0);
        CHECK(r.out == request);
        CHECK(r.err.empty());
    }
    CHECK(server.requests().empty());
}

TEST_CASE("e2e: api deletes, cancels and process-all off a terminal need --yes") {
    StandIn server;
    const TokenEnv env;
    seed(server, R"({"kind": "orders", "count": 1})");
    struct Refusal {
        std::vector<std::string> args;
        std::string command;
        Expect request;
    };
    const std::vector<Refusal> rows = {
        {{"order", "cancel", "42"}, "order cancel", req("POST", "/api/orders/cancel/42")},
        {{"order", "process-all"}, "order process-all", req("POST", "/api/orders/process-all")},
        {{"account", "delete", "1"}, "account delete", req("DELETE", "/api/account/1")},
        {{"program", "delete", "1"}, "program delete", req("DELETE", "/api/programs/1")},
        {{"prompt", "delete", "1"}, "prompt delete", req("DELETE", "/api/prompts/1")},
        {{"signal", "definition", "delete", "1"},
         "signal definition delete",
         req("DELETE", "/api/signals/definitions/1")},
        {{"factor", "delete", "1"}, "factor delete", req("DELETE", "/api/factors/custom/1")},
    };
    std::vector<Expect> sent;
    for (const auto& [args, command, request] : rows) {
        INFO("hyperoru " + joined(args));
        const auto refused = cli(env, at(server, args));
        CHECK(refused.rc == 2);
        CHECK(refused.out.empty());
        CHECK(refused.err == "hyperoru: error: refusing to run '" + command +
                                 "' without --yes (stdin is not a terminal; --dry-run shows the request)\n"
                                 "Run 'hyperoru " +
                                 command + " --help' for usage.\n");
        CHECK(describe(server.requests()) == describe(sent));
        auto yes = args;
        yes.emplace_back("--yes");
        const auto done = cli(env, at(server, yes));
        CHECK(done.rc == 0);
        sent.push_back(request);
        CHECK(describe(server.requests()) == describe(sent));
    }
}

TEST_CASE("e2e: api order cancel on a terminal asks first: n sends nothing, y sends it") {
    StandIn server;
    const TokenEnv env;
    seed(server, R"({"kind": "orders", "count": 1})");
    // The question is in words, with the order's details looked up among the pending orders; the
    // success line follows the reply on the terminal.
    const std::string question = "Cancel order 42 (BTC buy 0.01)? [y/N] ";  // a market order: no price
    const auto no = cli_pty(env, at(server, {"order", "cancel", "42"}), {{"[y/N] ", "n\n"}});
    CHECK(no.exit_code == 2);
    CHECK(no.output == question + "n\nhyperoru: error: order cancel: cancelled\n");
    CHECK(describe(server.requests()) == describe({req("GET", "/api/orders/pending")}));
    const auto yes = cli_pty(env, at(server, {"order", "cancel", "42"}), {{"[y/N] ", "y\n"}});
    CHECK(yes.exit_code == 0);
    CHECK(yes.output == question + "y\nstatus    ok\norder_id  42\nCancelled order 42.\n");
    CHECK(describe(server.requests()) ==
          describe({req("GET", "/api/orders/pending"), req("GET", "/api/orders/pending"),
                    req("POST", "/api/orders/cancel/42")}));
    // With -v the HTTP request shows before the question.
    const auto verbose = cli_pty(env, at(server, {"-v", "order", "cancel", "42"}), {{"[y/N] ", "n\n"}});
    CHECK(contains(verbose.output, "hyperoru: POST " + server.base_url() + "/api/orders/cancel/42\n"));
}

TEST_CASE("e2e: api mutations print the request_id the server sends, on stderr") {
    StandIn server;
    const TokenEnv env;
    server.script(R"({"method":"POST","path":"/api/factors/custom","responses":[{"status":201,)"
                  R"("headers":{"X-Request-Id":"req_hdr_1"},"body":"{\"id\": 9}"}]})");
    server.script(R"({"method":"DELETE","path":"/api/prompts/1","responses":[{"status":200,)"
                  R"("body":"{\"status\": \"ok\", \"request_id\": \"req_body_2\"}"}]})");
    const auto created = cli(env, at(server, {"factor", "create", "--name", "f", "--expression", "x"}));
    CHECK(created.rc == 0);
    CHECK(created.out == "{\n  \"id\": 9\n}\n");
    CHECK(created.err == "request_id: req_hdr_1\n");
    const auto deleted = cli(env, at(server, {"-o", "ndjson", "prompt", "delete", "1", "--yes"}));
    CHECK(deleted.rc == 0);
    CHECK(deleted.out == R"({"status":"ok","request_id":"req_body_2"})"
                         "\n");
    CHECK(deleted.err == "request_id: req_body_2\n");
}

TEST_CASE("e2e: api tables on a terminal") {
    StandIn server;
    const TokenEnv env;
    seed(server, R"({"kind": "orders", "count": 2})");
    const std::vector<std::pair<std::vector<std::string>, std::string>> rows = {
        {{"order", "list", "--account", "1"},
         "ID  ACCOUNT  SYMBOL  SIDE  TYPE    QUANTITY  PRICE  STATUS\n"
         "42  1        BTC     buy   market  0.01      -      pending\n"
         "43  1        ETH     sell  market  0.01      -      pending\n"},
        {{"klines", "BTC", "--start", "2026-04-01", "--end", "2026-04-01T03:00:00Z"},
         "TIME                  OPEN     HIGH     LOW      CLOSE    VOLUME\n"
         "2026-04-01T00:00:00Z  67000.0  67500.0  66800.0  67200.0  500.0\n"
         "2026-04-01T01:00:00Z  67200.0  67500.0  66850.0  67050.0  420.5\n"
         "2026-04-01T02:00:00Z  67050.0  67450.0  66850.0  67150.0  610.0\n"},
        {{"hyperliquid", "positions", "1"},
         "SYMBOL  SIDE   SIZE  ENTRY    MARK      LEVERAGE  LIQUIDATION  PNL\n"
         "BTC     long   0.05  65500.0  67012.50  3         45210.75     75.625\n"
         "ETH     short  1.2   3500.25  3450.25   2         -            60.0\n"},
        {{"account", "list", "--all", "--per-page", "1", "--include-hidden"},
         "ID  NAME            MODEL                     TYPE     CAPITAL  CASH    ACTIVE  DASHBOARD\n"
         "1   Main Account    gpt-4o                    prompt   1000.0   1000.0  true    true\n"
         "2   Hidden Scalper  claude-sonnet-4-20250514  program  500.0    480.25  true    false\n"},
    };
    for (const auto& [args, table] : rows) {
        INFO("hyperoru " + joined(args));
        const auto r = cli_pty(env, at(server, args));
        CHECK(r.exit_code == 0);
        CHECK(r.output == table);
    }
    const auto hidden = [](int n) {
        return req("GET", "/api/account/list?include_hidden=true&page=" + std::to_string(n) + "&per_page=1");
    };
    CHECK(describe(server.requests()) ==
          describe({req("GET", "/api/orders/account/1"),
                    req("GET", "/api/klines/data?symbol=BTC&start=2026-04-01&end=2026-04-01T03%3A00%3A00Z"),
                    req("GET", "/api/hyperliquid/accounts/1/positions"), hidden(1), hidden(2), hidden(3)}));
}

TEST_CASE("e2e: api klines passes dates as given and turns 24h into a UTC date-time") {
    StandIn server;
    const TokenEnv env;
    const auto dates = cli(
        env, at(server, {"klines", "BTC", "--start", "2026-04-01", "--end", "2026-04-09", "-o", "ndjson"}));
    CHECK(dates.rc == 0);
    CHECK(std::count(dates.out.begin(), dates.out.end(), '\n') == 8 * 24);
    CHECK(describe(server.requests()) ==
          describe({req("GET", "/api/klines/data?symbol=BTC&start=2026-04-01&end=2026-04-09")}));

    server.reset();
    const auto day_ago = [] {
        const std::time_t then = std::time(nullptr) - 24 * 60 * 60;
        std::tm utc{};
        ::gmtime_r(&then, &utc);
        char buffer[32];
        std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H%%3A%M%%3A%SZ", &utc);
        return std::string(buffer);
    };
    const std::string before = day_ago();
    const auto relative = cli(env, at(server, {"klines", "BTC", "--start", "24h", "--limit", "1"}));
    const std::string after = day_ago();
    CHECK(relative.rc == 0);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    INFO("query: " << requests[0].query);
    CHECK((requests[0].query == "symbol=BTC&start=" + before + "&limit=1" ||
           requests[0].query == "symbol=BTC&start=" + after + "&limit=1"));
}

TEST_CASE("e2e: api calls any path with any method") {
    StandIn server;
    const TokenEnv env;
    const std::vector<Row> rows = {
        {{"api", "-X", "GET", "/api/crypto/price", "-f", "symbol=BTC"},
         req("GET", "/api/crypto/price?symbol=BTC"),
         lines({R"({"symbol":"BTC","price":67012.50,"timestamp":"2026-11-25T12:00:00Z"})"})},
        {{"api", "/api/orders/create", "-f", "account_id=1", "-f", "symbol=BTC", "-f", "name=x", "-f",
          "side=buy", "-f", "order_type=market", "-f", "quantity=0.010"},
         req("POST", "/api/orders/create",
             R"({"account_id":1,"symbol":"BTC","name":"x","side":"buy","order_type":"market",)"
             R"("quantity":0.010})"),
         lines(
             {R"({"id":42,"account_id":1,"symbol":"BTC","side":"buy","order_type":"market","quantity":0.01,)"
              R"("status":"pending"})"})},
        {{"api", "-X", "PUT", "/api/prompts/1", "-f", "name=Renamed"},
         req("PUT", "/api/prompts/1", R"({"name":"Renamed"})"),
         lines({R"({"id":1,"name":"Renamed","content":"Analyze BTC price action..."})"})},
        {{"api", "-X", "patch", "/api/prompts/1/name", "-f", "name=Patched"},
         req("PATCH", "/api/prompts/1/name", R"({"name":"Patched"})"),
         lines({R"({"id":1,"name":"Patched","content":"Analyze BTC price action..."})"})},
        {{"api", "-X", "DELETE", "/api/factors/custom/1", "--yes"},
         req("DELETE", "/api/factors/custom/1"),
         lines({R"({"status":"ok"})"})},
        {{"api", "-X", "POST", "/api/prompts/", "--input", "-"},
         req("POST", "/api/prompts/", "{\"name\": \"In\", \"content\": \"c 1.50\"}\n"),
         lines({R"({"id":2,"name":"In","content":"c 1.50","created_at":"2026-04-09T12:00:00Z"})"}),
         {},
         "{\"name\": \"In\", \"content\": \"c 1.50\"}\n"},
    };
    check_rows(rows);

    const auto traced = cli(env, at(server, {"api", "/api/health", "-H", "X-Trace: e2e-1"}));
    CHECK(traced.rc == 0);
    CHECK(traced.out == "{\n  \"status\": \"healthy\"\n}\n");
    auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].header("X-Trace") == "e2e-1");
    CHECK(requests[0].header("Authorization") == k_auth);

    server.reset();
    const auto missing = cli(env, at(server, {"api", "/api/nope"}));
    CHECK(missing.rc == 6);
    CHECK(missing.out.empty());
    CHECK(missing.err == "hyperoru: error: Not Found (HTTP 404)\n");
    CHECK(describe(server.requests()) == describe({req("GET", "/api/nope")}));
}
