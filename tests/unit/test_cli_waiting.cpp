// What hyperoru shows on stderr while a person waits at a terminal: a notice for each retry, the
// --all progress line, and a final network error that says what was tried and what to check.
// None of it off a terminal or with -q. The fake clock makes every wait instant.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "support/cli_fixture.hpp"

using namespace hyperoru;
using hyperoru::test::Cli;
using hyperoru::test::k_json;
using hyperoru::test::LoggedIn;
using namespace std::chrono_literals;

namespace {

const std::string k_local = "http://127.0.0.1:33919";

/// A 503 with its reason phrase, as a real server sends it.
void unavailable(Cli& cli, http::Headers headers = {}) {
    http::Response response;
    response.status = 503;
    response.reason = "Service Unavailable";
    response.headers = std::move(headers);
    cli.server->outcomes.emplace_back(std::move(response));
}

void refused(Cli& cli, int times) {
    for (int i = 0; i < times; ++i)
        cli.server->fail(http::FailureKind::connect, false, "could not connect: Connection refused");
}

}  // namespace

TEST_CASE("waiting: a retry is one notice on a terminal's stderr, none off it or with -q", "[waiting]") {
    Cli cli;
    cli.stderr_tty = true;
    SECTION("a 503, then the answer") {
        unavailable(cli);
        cli.server->respond(200, R"({"status":"healthy"})", k_json);
        CHECK(cli.run({"--base-url", k_local, "health"}) == 0);
        CHECK(cli.out == "{\n  \"status\": \"healthy\"\n}\n");
        // backoff 1 s + half of the 250 ms jitter (the fake clock's random is 0.5)
        CHECK(cli.err ==
              "hyperoru: 503 Service Unavailable from 127.0.0.1:33919; retrying in 1.1 s (1 of 3)\n");
    }
    SECTION("Retry-After: 0 retries now; the default port is not named") {
        unavailable(cli, {{"Retry-After", "0"}});
        unavailable(cli, {{"Retry-After", "3"}});
        cli.server->respond(200, R"({"status":"healthy"})", k_json);
        CHECK(cli.run({"health"}) == 0);
        CHECK(cli.err ==
              "hyperoru: 503 Service Unavailable from api.production.hyperoru.com; retrying now (1 of 3)\n"
              "hyperoru: 503 Service Unavailable from api.production.hyperoru.com; retrying in 3.0 s (2 of "
              "3)\n");
    }
    SECTION("connection refused, then the answer") {
        refused(cli, 1);
        cli.server->respond(200, R"({"status":"healthy"})", k_json);
        CHECK(cli.run({"--base-url", k_local, "health"}) == 0);
        CHECK(
            cli.err ==
            "hyperoru: cannot connect to 127.0.0.1:33919 (connection refused); retrying in 1.1 s (1 of 3)\n");
    }
    SECTION("off a terminal: nothing") {
        cli.stderr_tty = false;
        unavailable(cli);
        cli.server->respond(200, R"({"status":"healthy"})", k_json);
        CHECK(cli.run({"--base-url", k_local, "health"}) == 0);
        CHECK(cli.err == "");
    }
    SECTION("-q: nothing") {
        unavailable(cli);
        cli.server->respond(200, R"({"status":"healthy"})", k_json);
        CHECK(cli.run({"-q", "--base-url", k_local, "health"}) == 0);
        CHECK(cli.err == "");
        unavailable(cli);
        cli.server->respond(200, R"({"status":"healthy"})", k_json);
        CHECK(cli.run({"--base-url", k_local, "--quiet", "health"}) == 0);
        CHECK(cli.err == "");
    }
    CHECK(cli.server->outcomes.empty());
}

TEST_CASE("waiting: the final network error says what was tried, for how long, what to check", "[waiting]") {
    Cli cli;
    SECTION("connection refused: four attempts, 1.1 + 2.1 + 4.1 s of waits") {
        refused(cli, 4);
        CHECK(cli.run({"--base-url", k_local, "health"}) == 9);
        CHECK(cli.err ==
              "hyperoru: error: cannot connect to 127.0.0.1:33919 (connection refused) after 4 attempts in "
              "7.4 s; is the server running? check --base-url\n");
    }
    SECTION("curl's own text adds nothing to the summary: left out") {
        cli.server->fail(http::FailureKind::connect, false,
                         "could not connect: Failed to connect to 127.0.0.1 port 33919 after 0 ms");
        CHECK(cli.run({"--retries", "0", "--base-url", k_local, "health"}) == 9);
        CHECK(cli.err ==
              "hyperoru: error: cannot connect to 127.0.0.1:33919 after 1 attempt in 0.0 s; is the server "
              "running? check --base-url\n");
    }
    SECTION("a host that does not resolve") {
        cli.server->fail(http::FailureKind::resolve, false, "could not resolve host: api.example.test");
        cli.server->fail(http::FailureKind::resolve, false, "could not resolve host: api.example.test");
        CHECK(cli.run({"--retries", "1", "--base-url", "https://api.example.test:8443", "health"}) == 9);
        CHECK(cli.err ==
              "hyperoru: error: cannot resolve host api.example.test after 2 attempts in 1.1 s; check "
              "--base-url and your network\n");
    }
    SECTION("no answer within --timeout") {
        cli.server->clock = &cli.clock;
        cli.server->exchange_time = 60s;  // cut at what is left of the budget
        cli.server->fail(http::FailureKind::timeout, true, "timed out: Operation timed out after 30000 ms");
        CHECK(cli.run({"--retries", "0", "--base-url", k_local, "health"}) == 9);
        CHECK(cli.err ==
              "hyperoru: error: no answer from 127.0.0.1:33919 within 30 s (--timeout; 1 attempt); is the "
              "server overloaded? a larger --timeout waits longer\n");
        cli.server->fail(http::FailureKind::timeout, true, "timed out: Operation timed out after 2500 ms");
        CHECK(cli.run({"--timeout", "2.5", "--retries", "0", "--base-url", k_local, "health"}) == 9);
        CHECK(cli.err ==
              "hyperoru: error: no answer from 127.0.0.1:33919 within 2.5 s (--timeout; 1 attempt); is the "
              "server overloaded? a larger --timeout waits longer\n");
    }
    SECTION("each attempt gave up on its own, before --timeout") {
        cli.server->clock = &cli.clock;
        cli.server->exchange_time = 15s;
        cli.server->fail(http::FailureKind::timeout, true, "timed out: no data for 15 s");
        CHECK(cli.run({"--retries", "0", "--base-url", k_local, "health"}) == 9);
        CHECK(cli.err ==
              "hyperoru: error: no answer from 127.0.0.1:33919 after 1 attempt in 15.0 s (timed out: no data "
              "for 15 s); is the server reachable? check --base-url\n");
    }
    SECTION("other failures keep their text") {
        cli.server->fail(http::FailureKind::certificate, false, "TLS certificate not trusted: self-signed");
        CHECK(cli.run({"--base-url", k_local, "health"}) == 9);
        CHECK(cli.err == "hyperoru: error: TLS certificate not trusted: self-signed\n");
    }
}

TEST_CASE("waiting: --all shows pages, items and bytes so far on a terminal, erased when done", "[waiting]") {
    LoggedIn cli;
    cli.stderr_tty = true;
    const auto pages = [&cli] {
        cli.server->respond(200, R"([{"id":1},{"id":2}])", k_json);  // 19 bytes
        cli.server->respond(200, R"([{"id":3}])", k_json);           // 10 bytes
    };
    SECTION("json with --fields: one list at the end, after the line is erased") {
        pages();
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "--fields", "id"}) == 0);
        CHECK(cli.err == "\r1 page, 2 items, 19 B so far\033[K\r2 pages, 3 items, 29 B so far\033[K\r\033[K");
    }
    SECTION("json and ndjson print each page: the line is erased before each") {
        pages();
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "-o", "ndjson"}) == 0);
        CHECK(cli.out == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");
        const std::string each_page =
            "\r1 page, 2 items, 19 B so far\033[K\r\033[K\r2 pages, 3 items, 29 B so far\033[K\r\033[K";
        CHECK(cli.err == each_page);
        pages();
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2"}) == 0);
        CHECK(cli.out ==
              "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  },\n  {\n    \"id\": 3\n  }\n]\n");
        CHECK(cli.err == each_page);
    }
    SECTION("an error ends it: erased before the error line, what came printed whole") {
        cli.server->respond(200, R"([{"id":1},{"id":2}])", k_json);
        cli.server->respond(404, R"({"error":"gone"})", k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2"}) == 6);
        CHECK(cli.out == "[\n  {\n    \"id\": 1\n  },\n  {\n    \"id\": 2\n  }\n]\n");
        CHECK(cli.err == "\r1 page, 2 items, 19 B so far\033[K\r\033[Khyperoru: error: gone (HTTP 404)\n");
        cli.server->respond(200, R"([{"id":1},{"id":2}])", k_json);
        cli.server->respond(200, R"([{"id":3},)", k_json);
        CHECK(cli.run({"program", "list", "--all", "--per-page", "2", "--fields", "id", "-o", "table"}) ==
              10);
        CHECK(cli.out == "ID\n1\n2\n");
    }
    SECTION("-q, TERM=dumb, or off a terminal: no progress line; -v: its trace only") {
        const std::vector<std::string> all{"program", "list", "--all", "--per-page", "2"};
        pages();
        CHECK(cli.run({"-q", "program", "list", "--all", "--per-page", "2"}) == 0);
        CHECK(cli.err == "");
        cli.env["TERM"] = "dumb";
        pages();
        CHECK(cli.run(all) == 0);
        CHECK(cli.err == "");
        cli.env.erase("TERM");
        pages();
        CHECK(cli.run({"-v", "program", "list", "--all", "--per-page", "2"}) == 0);
        CHECK(cli.err.find('\r') == std::string::npos);
        cli.stderr_tty = false;
        pages();
        CHECK(cli.run(all) == 0);
        CHECK(cli.err == "");
    }
    CHECK(cli.server->outcomes.empty());
}
