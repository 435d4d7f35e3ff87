// watch and the one-shot stream commands in-process, over the in-memory WebSocket server.
#include <catch2/catch.hpp>

#include <stdlib.h>
#include <time.h>

#include <deque>
#include <fstream>

#include "support/cli_fixture.hpp"

using namespace hyperoru;
using namespace std::chrono_literals;
using hyperoru::test::Cli;
using hyperoru::test::LoggedIn;
using hyperoru::test::WsStep;

TEST_CASE("watch: off a terminal one line of compact JSON per message, numbers exact; stops at --count",
          "[watch]") {
    LoggedIn cli;
    const std::string trade = R"({"type": "trades", "data": {"symbol": "BTC", "price": 67012.50}})";
    cli.ws.open({WsStep::message(trade), WsStep::binary(12), WsStep::message("not json \x1b[31m"),
                 WsStep::message(R"({"type":"later"})")});
    CHECK(cli.run({"watch", "trades", "positions", "--account", "7", "--bootstrap", "--count", "2"}) == 0);
    // A message that is not JSON becomes a JSON string: every line stays one JSON text.
    CHECK(cli.out == R"({"type":"trades","data":{"symbol":"BTC","price":67012.50}})"
                     "\n\"not json \\u001b[31m\"\n");
    CHECK(cli.err == "hyperoru: binary frame of 12 bytes ignored\n");
    REQUIRE(cli.ws.connections.size() == 1);
    CHECK(cli.ws.connections[0].sent ==
          std::vector<std::string>{
              R"({"type":"subscribe","request_id":"1","data":{"channels":["trades","positions"]}})",
              R"({"type":"switch_account","request_id":"2","data":{"account_id":7}})",
              R"({"type":"bootstrap","request_id":"3"})"});
    CHECK(cli.ws.connections[0].close_code == 1000);
}

TEST_CASE("watch: --count counts pushed updates; replies to our own requests are printed, not counted",
          "[watch]") {
    LoggedIn cli;
    cli.ws.open({WsStep::message(R"({"type":"subscribed","request_id":"1","data":{"channels":["trades"]}})"),
                 WsStep::message(R"({"type":"account_switched","request_id":"2","data":{"account_id":7}})"),
                 WsStep::message(R"({"type":"trades","data":{"n":1}})"),
                 WsStep::message(R"({"type":"bootstrap","request_id":"3","data":{"accounts":[]}})"),
                 WsStep::message(R"({"type":"trades","data":{"n":2}})"),
                 WsStep::message(R"({"type":"trades","data":{"n":3}})"),
                 WsStep::message(R"({"type":"trades","data":{"n":4}})")});
    CHECK(cli.run({"watch", "trades", "--account", "7", "--bootstrap", "--count", "3"}) == 0);
    CHECK(cli.out ==
          "{\"type\":\"subscribed\",\"request_id\":\"1\",\"data\":{\"channels\":[\"trades\"]}}\n"
          "{\"type\":\"account_switched\",\"request_id\":\"2\",\"data\":{\"account_id\":7}}\n"
          "{\"type\":\"trades\",\"data\":{\"n\":1}}\n"
          "{\"type\":\"bootstrap\",\"request_id\":\"3\",\"data\":{\"accounts\":[]}}\n"
          "{\"type\":\"trades\",\"data\":{\"n\":2}}\n"
          "{\"type\":\"trades\",\"data\":{\"n\":3}}\n");
    CHECK(cli.err.empty());
    REQUIRE(cli.ws.connections.size() == 1);
    CHECK(cli.ws.connections[0].close_code == 1000);
}

TEST_CASE("watch: a pretty-printed message is one line; secrets are masked off a terminal and on one",
          "[watch]") {
    const std::string pushed =
        "{\n  \"type\": \"bootstrap\",\n  \"data\": {\n    \"accounts\": [{\"id\": 1, \"llm_api_key\": "
        "\"sk-live-1\", "
        "\"equity\": 10000.10}],\n    \"session_token\": \"tok-2\"\n  }\n}";
    SECTION("off a terminal") {
        LoggedIn cli;
        cli.ws.open({WsStep::message(pushed)});
        CHECK(cli.run({"watch", "--count", "1"}) == 0);
        CHECK(cli.out == R"({"type":"bootstrap","data":{"accounts":[{"id":1,"llm_api_key":"********",)"
                         R"("equity":10000.10}],"session_token":"********"}})"
                         "\n");
    }
    SECTION("on a terminal") {
        LoggedIn cli;
        cli.stdout_tty = true;
        cli.ws.open({WsStep::message(pushed)});
        CHECK(cli.run({"watch", "--count", "1"}) == 0);
        CHECK(
            cli.out ==
            "00:00:00 UTC  bootstrap  accounts=[{\"id\":1,\"llm_api_key\":\"********\",\"equity\":10000.10}]"
            "  session_token=********\n");
    }
    SECTION("-o raw prints the message as received") {
        LoggedIn cli;
        cli.ws.open({WsStep::message(pushed)});
        CHECK(cli.run({"-o", "raw", "watch", "--count", "1"}) == 0);
        CHECK(cli.out == pushed + "\n");
    }
}

TEST_CASE("watch: readable lines on a terminal, control characters neutralised", "[watch]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    cli.ws.open({WsStep::message(
                     R"({"type":"model_chat","data":{"account_id":1,"reasoning":"Buy\u001b[2J now\nok"}})"),
                 WsStep::message(R"({"type":"trades","symbol":"BTC","price":67012.50})")});
    CHECK(cli.run({"watch", "--count", "2"}) == 0);
    CHECK(cli.out ==
          "00:00:00 UTC  model_chat  account_id=1  reasoning=Buy\\x1B[2J now\\nok\n"
          "00:00:00 UTC  trades  symbol=BTC  price=67012.50\n");
}

TEST_CASE("watch: a terminal shows local time with its zone, as TZ says", "[watch]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    ::setenv("TZ", "JST-9", 1);  // the runner's UTC0 is put back below
    ::tzset();
    cli.ws.open({WsStep::message(R"({"type":"trades","symbol":"BTC"})")});
    const int code = cli.run({"watch", "--count", "1"});
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
    CHECK(code == 0);
    CHECK(cli.out == "09:00:00 JST  trades  symbol=BTC\n");  // the fake clock's midnight UTC
}

TEST_CASE("watch: --fields keeps those fields of each event, values exact", "[watch]") {
    LoggedIn cli;
    const std::deque<WsStep> script = {
        WsStep::message(R"({"type": "trades", "request_id": "9", "data": {"symbol": "PEPE", "side": "buy",)"
                        R"( "price": 0.00000012, "api_key": "k"}})"),
        WsStep::message(R"({"type":"trades","symbol":"BTC","price":67012.50,"side":"sell"})"),
        WsStep::message(R"({"type":"note","data":"plain"})"), WsStep::message("not json"),
        WsStep::message("[1,2]")};
    cli.ws.open(script);
    CHECK(cli.run({"watch", "--count", "5", "--fields", "price,api_key,absent"}) == 0);
    CHECK(cli.out ==
          "{\"type\":\"trades\",\"request_id\":\"9\",\"data\":{\"price\":0.00000012,\"api_key\":\"********\"}"
          "}\n"
          "{\"type\":\"trades\",\"price\":67012.50}\n"
          "{\"type\":\"note\"}\n"
          "\"not json\"\n"
          "[1,2]\n");

    cli.stdout_tty = true;
    cli.ws.open(script);
    CHECK(cli.run({"watch", "--count", "2", "--fields", "side,price"}) == 0);
    CHECK(cli.out ==
          "00:00:00 UTC  trades  side=buy  price=0.00000012\n"
          "00:00:00 UTC  trades  side=sell  price=67012.50\n");
}

TEST_CASE("watch: drops, reconnects and gives up per the flags", "[watch]") {
    SECTION("reconnect notices on stderr, then the limit") {
        LoggedIn cli;
        cli.clock.random = 0.5;
        cli.ws.open({WsStep::message("a"), WsStep::drop()});
        cli.ws.open({WsStep::message("b"), WsStep::close(1011, "going away")});
        CHECK(cli.run({"watch", "--max-reconnects", "1"}) == 9);
        CHECK(cli.out == "\"a\"\n\"b\"\n");
        CHECK(cli.err ==
              "hyperoru: connection lost: connection reset by peer; reconnecting in 0.5 s (attempt 1)\n"
              "hyperoru: reconnected after 0.5 s; subscribed again\n"
              "hyperoru: error: stream lost: closed by the server (1011 going away)\n");
    }
    SECTION("a close reason from the server is shown with its control characters neutralised") {
        LoggedIn cli;
        cli.clock.random = 0.5;
        cli.ws.open({WsStep::message("a"), WsStep::close(1011, "bye \x1b[2J\x1b]0;pwned\x07")});
        cli.ws.open({WsStep::message("b"), WsStep::drop()});
        CHECK(cli.run({"watch", "--max-reconnects", "1"}) == 9);
        CHECK_THAT(cli.err,
                   Catch::StartsWith("hyperoru: connection lost: closed by the server (1011 bye \\x1B"));
        CHECK(cli.err.find('\x1b') == std::string::npos);
        CHECK(cli.err.find('\x07') == std::string::npos);
        CHECK_THAT(cli.err, Catch::Contains("bye \\x1B[2J\\x1B]0;pwned\\x07"));
    }
    SECTION("--exit-on-disconnect") {
        LoggedIn cli;
        cli.ws.open({WsStep::drop()});
        CHECK(cli.run({"watch", "--exit-on-disconnect"}) == 9);
        CHECK(cli.ws.connects == 1);
    }
    SECTION("a rejected token exits 4 at once") {
        LoggedIn cli;
        cli.ws.fail(ws::Failure{ws::Failure::Kind::auth, "HTTP 401 Unauthorized", 0, {}});
        CHECK(cli.run({"watch"}) == 4);
        CHECK(
            cli.err ==
            "hyperoru: error: the stream rejected the token (HTTP 401 Unauthorized); run 'hyperoru login'\n");
        CHECK(cli.ws.connects == 1);
    }
    SECTION("--duration") {
        LoggedIn cli;
        cli.ws.open({WsStep::message("a"), WsStep::silence(10min)});
        CHECK(cli.run({"watch", "--duration", "2m"}) == 0);
        CHECK(cli.out == "\"a\"\n");
        CHECK(cli.clock.current - std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} == 2min);
        CHECK(cli.run({"watch", "--duration", "soon"}) == 2);
    }
}

TEST_CASE("watch: needs a token; the URL carries it, or a connect message does", "[watch]") {
    Cli cli;
    CHECK(cli.run({"watch"}) == 4);
    CHECK(cli.ws.connects == 0);
    LoggedIn logged;
    logged.ws.open({WsStep::message("x")});
    CHECK(logged.run({"watch", "--auth-message", "--count", "1"}) == 0);
    CHECK(logged.ws.connections[0].sent.front() ==
          R"({"type":"connect","request_id":"1","data":{"session_token":"tok_stored"}})");
}

TEST_CASE("ws request, snapshot, asset-curve and bootstrap print the reply's data", "[watch]") {
    LoggedIn cli;
    cli.ws.open({WsStep::message(R"({"type":"trades","seq":1})"),
                 WsStep::message(
                     R"({"type":"snapshot","request_id":"1","data":{"equity":10000.0,"positions":[]}})")});
    CHECK(cli.run({"snapshot", "1"}) == 0);
    CHECK(cli.out == "{\n  \"equity\": 10000.0,\n  \"positions\": []\n}\n");
    CHECK(cli.ws.connections[0].sent ==
          std::vector<std::string>{R"({"type":"get_snapshot","request_id":"1","data":{"account_id":1}})"});

    cli.ws.open({WsStep::message(R"({"type":"asset_curve","request_id":"1","data":{"points":[]}})")});
    CHECK(cli.run({"asset-curve", "acc-1", "-o", "ndjson"}) == 0);
    CHECK(
        cli.ws.connections[1].sent ==
        std::vector<std::string>{
            R"({"type":"get_asset_curve","request_id":"1","data":{"account_id":"acc-1","timeframe":"7d"}})"});
    CHECK(cli.out == "{\"points\":[]}\n");

    cli.ws.open({WsStep::message(R"({"type":"bootstrap","request_id":"1","data":{"accounts":[]}})")});
    CHECK(cli.run({"ws", "bootstrap"}) == 0);
    CHECK(cli.ws.connections[2].sent == std::vector<std::string>{R"({"type":"bootstrap","request_id":"1"})"});

    cli.ws.open({WsStep::message(
        R"({"type":"error","request_id":"1","data":{"error":"unknown message type: nope","code":"UNKNOWN_TYPE"}})")});
    CHECK(cli.run({"ws", "request", "nope"}) == 1);
    CHECK(cli.err == "hyperoru: error: unknown message type: nope (code UNKNOWN_TYPE)\n");

    cli.ws.open({WsStep::silence(1h)});
    CHECK(cli.run({"ws", "request", "get_snapshot", "--data", "{\"account_id\":1}", "--timeout", "3"}) == 9);
    CHECK(cli.err == "hyperoru: error: no reply to get_snapshot within 3.0 s\n");
    CHECK(cli.run({"ws", "request", "x", "--data", "[1]"}) == 2);
}

TEST_CASE("ws request: secrets in the reply are masked in json, ndjson and table; raw keeps them",
          "[watch]") {
    const std::string reply =
        R"({"type":"bootstrap","request_id":"1","data":{"accounts":[{"id":1,"llm_api_key":"sk-live"}],)"
        R"("session_token":"tok-9"}})";
    const std::vector<std::pair<std::vector<std::string>, std::string>> rows = {
        {{"-o", "json"},
         "{\n  \"accounts\": [\n    {\n      \"id\": 1,\n      \"llm_api_key\": \"********\"\n    }\n  ],\n"
         "  \"session_token\": \"********\"\n}\n"},
        {{"-o", "ndjson"},
         R"({"accounts":[{"id":1,"llm_api_key":"********"}],"session_token":"********"})"
         "\n"},
        {{"-o", "table"},
         "accounts       [{\"id\":1,\"llm_api_key\":\"********\"}]\nsession_token  ********\n"},
        {{"-o", "raw"}, reply},
    };
    for (const auto& [format, expected] : rows) {
        INFO(format[1]);
        LoggedIn cli;
        cli.ws.open({WsStep::message(reply)});
        std::vector<std::string> args = format;
        args.insert(args.end(), {"ws", "request", "bootstrap"});
        CHECK(cli.run(args) == 0);
        CHECK(cli.out == expected);
    }
}

TEST_CASE("watch: the stream URL, TLS options and trace come from the global options", "[watch]") {
    LoggedIn cli;
    cli.login_state("https://api.example.test");
    const auto ca = cli.dir.path() / "ca.pem";
    std::ofstream(ca) << "x";
    cli.ws.open({WsStep::message("m")});
    CHECK(cli.run({"--cacert", ca.string(), "--connect-timeout", "2", "-v", "watch", "--count", "1"}) == 0);
    REQUIRE(cli.ws.last_options);
    CHECK(cli.ws.last_options->url == "wss://api.example.test/ws?session_token=tok_stored");
    CHECK(cli.ws.last_options->cacert == ca.string());
    CHECK_FALSE(cli.ws.last_options->insecure);
    CHECK(cli.ws.last_options->connect_timeout == std::chrono::milliseconds{2000});
    CHECK(cli.ws.last_options->trace != nullptr);
    CHECK(cli.ws.last_options->secrets == std::vector<std::string>{"tok_stored"});
    CHECK(cli.ws.last_options->user_agent == "hyperoru/0.1.0");

    cli.ws.open({WsStep::message("m")});
    CHECK(cli.run({"--insecure", "watch", "--count", "1", "--auth-message"}) == 0);
    CHECK(cli.ws.last_options->insecure);
    CHECK(cli.ws.last_options->url == "wss://api.example.test/ws");
    CHECK_THAT(cli.err, Catch::StartsWith("hyperoru: warning: --insecure"));
}
