// End-to-end error handling of the real binary against the stand-in: exit codes per HTTP status,
// the one-line error report, retries (§1.9), redirects (§1.1), network faults and bad bodies.
// Retry waits are always zero (Retry-After: 0 or --retries 0), so nothing really waits.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "hyperoru/version.hpp"
#include "support/process.hpp"
#include "support/standin.hpp"
#include "support/temp_dir.hpp"

namespace {

using namespace hyperoru::test;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

const std::string k_token = k_standin_token;
const std::string k_profile = "GET /api/users/profile";
const std::string k_health = "GET /api/health";
const std::string k_create = "POST /api/account/";

struct Run {
    ProcessResult result;
    Steady::duration elapsed{};
};

/// Runs `hyperoru --base-url http://127.0.0.1:<port> args...` with a fresh config directory as
/// HOME and HYPERORU_CONFIG_DIR, and only PATH and the token (unless empty) in the environment.
Run run_cli(int port, const std::vector<std::string>& args, const std::string& token = k_token,
            const std::string& stdin_data = {}) {
    const TempDir home;
    const char* path = std::getenv("PATH");
    ProcessOptions options;
    options.argv = {HYPERORU_BINARY, "--base-url", "http://127.0.0.1:" + std::to_string(port)};
    options.argv.insert(options.argv.end(), args.begin(), args.end());
    options.env = {{"PATH", path != nullptr ? path : "/usr/bin:/bin"},
                   {"HOME", home.path().string()},
                   {"HYPERORU_CONFIG_DIR", home.path().string()}};
    if (!token.empty()) options.env["HYPERORU_TOKEN"] = token;
    options.stdin_data = stdin_data;
    options.timeout = 20s;
    const auto start = Steady::now();
    Run run;
    run.result = run_process(options);
    run.elapsed = Steady::now() - start;
    return run;
}

void check_run(const Run& run, int exit_code, const std::string& out, const std::string& err) {
    CHECK(run.result.exit_code == exit_code);
    CHECK(run.result.out == out);
    CHECK(run.result.err == err);
}

/// A failed run whose one-line stderr starts with `err_prefix`.
void check_failed(const Run& run, int exit_code, const std::string& err_prefix) {
    CHECK(run.result.exit_code == exit_code);
    CHECK(run.result.out == "");
    CHECK(run.result.err.starts_with(err_prefix));
    CHECK(std::count(run.result.err.begin(), run.result.err.end(), '\n') == 1);
}

/// Queues `responses` (a JSON array text) for `route` ("METHOD /path") on the stand-in.
void script(StandIn& server, const std::string& route, const std::string& responses) {
    const auto space = route.find(' ');
    server.script(R"({"method": ")" + route.substr(0, space) + R"(", "path": ")" + route.substr(space + 1) +
                  R"(", "responses": )" + responses + "}");
}

/// One scripted response with the documented error body (§1.8).
std::string error_reply(int status, const std::string& message, const std::string& code,
                        const std::string& request_id, const std::string& headers = "{}") {
    return R"({"status": )" + std::to_string(status) + R"(, "headers": )" + headers +
           R"(, "json": {"error": ")" + message + R"(", "code": ")" + code + R"(", "request_id": ")" +
           request_id + R"("}})";
}

/// The stand-in received exactly `count` requests, all `route` ("METHOD /path").
void check_log(StandIn& server, std::size_t count, const std::string& route) {
    std::vector<std::string> lines;
    for (const auto& request : server.requests()) lines.push_back(request.method + " " + request.path);
    CHECK(lines == std::vector<std::string>(count, route));
}

/// The lines of `text` that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    for (std::size_t begin = 0, end = 0; begin < text.size(); begin = end + 1) {
        end = std::min(text.find('\n', begin), text.size());
        if (text.compare(begin, prefix.size(), prefix) == 0) out.push_back(text.substr(begin, end - begin));
    }
    return out;
}

/// Checks that the log holds exactly `count` requests, each `route` with `body`; returns the log.
std::vector<LoggedRequest> check_each(StandIn& server, std::size_t count, const std::string& route,
                                      const std::string& body) {
    const auto log = server.requests();
    CHECK(log.size() == count);
    for (const auto& request : log) {
        CHECK(request.method + " " + request.path == route);
        CHECK(request.body == body);
    }
    return log;
}

}  // namespace

TEST_CASE("e2e: errors a rejected token is exit 4 with the server's message and request id") {
    StandIn server;
    check_run(run_cli(server.port(), {"profile"}, "bad"), 4, "",
              "hyperoru: error: Invalid or expired session token; run 'hyperoru login' (HTTP 401, code "
              "UNAUTHORIZED, request_id req_000001)\n");
    const auto log = server.requests();
    REQUIRE(log.size() == 1);
    CHECK(log[0].method + " " + log[0].path == k_profile);
    const std::vector<std::pair<std::string, std::string>> headers{
        {"Host", "127.0.0.1:" + std::to_string(server.port())},
        {"User-Agent", std::string("hyperoru/") + hyperoru::k_version},
        {"Accept", "application/json"},
        {"Authorization", "Bearer bad"}};
    CHECK(log[0].headers == headers);
}

TEST_CASE("e2e: errors each 4xx status has its exit code, is sent once, and -o json reports it as JSON") {
    const std::pair<int, int> cases[] = {{400, 3}, {401, 4}, {403, 5}, {404, 6},
                                         {405, 3}, {409, 3}, {418, 3}, {422, 3}};
    StandIn server;
    for (const auto& [status, exit_code] : cases) {
        CAPTURE(status);
        server.reset();
        const std::string text = std::to_string(status);
        script(server, "GET /api/users/profile",
               "[" + error_reply(status, "Refused " + text, "CODE_" + text, "req_" + text) + "]");
        // Default retries (3): none of these is ever retried.
        const std::string hint = status == 401 ? "; run 'hyperoru login'" : "";
        check_run(run_cli(server.port(), {"profile"}), exit_code, "",
                  "hyperoru: error: Refused " + text + hint + " (HTTP " + text + ", code CODE_" + text +
                      ", request_id req_" + text + ")\n");
        check_log(server, 1, k_profile);
    }
    // -o json: the error is one JSON object on stderr.
    server.reset();
    script(server, "GET /api/users/profile",
           "[" + error_reply(404, "Account not found", "ACCOUNT_NOT_FOUND", "req_x") + "]");
    check_run(
        run_cli(server.port(), {"-o", "json", "profile"}), 6, "",
        R"({"error":"Account not found","status":404,"code":"ACCOUNT_NOT_FOUND","request_id":"req_x","exit_code":6})"
        "\n");
}

TEST_CASE("e2e: errors 503 twice then 200 is retried and succeeds") {
    StandIn server;
    script(server, "GET /api/users/profile",
           R"([{"status": 503, "headers": {"Retry-After": "0"}},
               {"status": 503, "headers": {"Retry-After": "0"}},
               {"status": 200, "body": "{\"id\": 1, \"username\": \"trader1\"}"}])");
    const std::string profile = "{\n  \"id\": 1,\n  \"username\": \"trader1\"\n}\n";
    SECTION("quietly") {
        check_run(run_cli(server.port(), {"profile"}), 0, profile, "");
    }
    SECTION("with -v every retry is logged, and the token never shows") {
        const auto run = run_cli(server.port(), {"-v", "profile"});
        CHECK(run.result.exit_code == 0);
        CHECK(run.result.out == profile);
        const std::vector<std::string> retries{
            "* retry 1 of 3 in 0.000 s: HTTP 503 Service Unavailable (Retry-After: 0)",
            "* retry 2 of 3 in 0.000 s: HTTP 503 Service Unavailable (Retry-After: 0)"};
        CHECK(lines_starting(run.result.err, "* retry ") == retries);
        CHECK(lines_starting(run.result.err, "> Authorization: ") ==
              std::vector<std::string>(3, "> Authorization: Bearer <redacted>"));
        CHECK(run.result.err.find(k_token) == std::string::npos);
        CHECK(run.result.err.find("0123456789abcdef") == std::string::npos);
    }
    check_log(server, 3, k_profile);
}

TEST_CASE("e2e: errors 500 is retried at most --retries times, then exit 8") {
    StandIn server;
    const std::string reply =
        error_reply(500, "Internal error", "INTERNAL", "req_5", R"({"Retry-After": "0"})");
    script(server, "GET /api/users/profile", "[" + reply + ", " + reply + ", " + reply + ", " + reply + "]");
    const std::string message =
        "hyperoru: error: Internal error (HTTP 500, code INTERNAL, request_id req_5)\n";
    SECTION("default: 3 retries, 4 requests") {
        check_run(run_cli(server.port(), {"profile"}), 8, "", message);
        check_log(server, 4, k_profile);
    }
    SECTION("--retries 1: 2 requests") {
        check_run(run_cli(server.port(), {"--retries", "1", "profile"}), 8, "", message);
        check_log(server, 2, k_profile);
    }
}

TEST_CASE("e2e: errors a POST is retried on 503 and on 429") {
    StandIn server;
    const std::string first = GENERATE(as<std::string>{}, "503", "429");
    script(server, "POST /api/account/", R"([{"status": )" + first + R"(, "headers": {"Retry-After": "0"}},
               {"status": 201, "body": "{\"id\": 7, \"name\": \"X\"}"}])");
    check_run(run_cli(server.port(), {"account", "create", "--name", "X"}), 0,
              "{\n  \"id\": 7,\n  \"name\": \"X\"\n}\n", "");
    check_each(server, 2, k_create, R"({"name":"X"})");
}

TEST_CASE("e2e: errors a POST that reached the server is never sent twice") {
    StandIn server;
    std::vector<std::string> args{"account", "create", "--name", "X"};
    int exit_code = 9;
    std::string message = "hyperoru: error: failed receiving the response: Empty reply from server\n";
    SECTION("answered 500") {
        script(
            server, "POST /api/account/",
            "[" + error_reply(500, "Internal error", "INTERNAL", "req_p", R"({"Retry-After": "0"})") + "]");
        exit_code = 8;
        message = "hyperoru: error: Internal error (HTTP 500, code INTERNAL, request_id req_p)\n";
    }
    SECTION("connection closed without an answer") {
        script(server, "POST /api/account/", R"([{"action": "close"}])");
    }
    SECTION("no answer within the timeout") {
        script(server, "POST /api/account/", R"([{"delay": 3}])");
        args.insert(args.begin(), {"--timeout", "1"});
        message = "hyperoru: error: no answer from 127.0.0.1:" + std::to_string(server.port()) +
                  " within 1 s (--timeout; 1 attempt); ";
    }
    const auto run = run_cli(server.port(), args);
    CHECK(run.elapsed < 3s);
    check_failed(run, exit_code, message);
    check_log(server, 1, k_create);
}

// libcurl re-sends on its own a request whose reused connection dies before any answer.
TEST_CASE("e2e: errors a POST retried after a 503 is not sent a third time when the connection drops") {
    StandIn server;
    script(server, "POST /api/account/",
           R"([{"status": 503, "headers": {"Retry-After": "0"}}, {"action": "close"}])");
    const auto run = run_cli(server.port(), {"account", "create", "--name", "X"});
    check_log(server, 2, k_create);
    check_run(run, 9, "", "hyperoru: error: failed receiving the response: Empty reply from server\n");
}

TEST_CASE("e2e: errors Retry-After over 60 s stops at once, a date in the past retries now") {
    StandIn server;
    SECTION("120 s: exit 7 at once") {
        script(
            server, "GET /api/users/profile",
            "[" +
                error_reply(429, "Too many requests", "RATE_LIMITED", "req_r", R"({"Retry-After": "120"})") +
                "]");
        const auto run = run_cli(server.port(), {"profile"});
        CHECK(run.elapsed < 2s);
        check_run(
            run, 7, "",
            "hyperoru: error: Too many requests (the server asked to retry after 120 s, longer than the 60 s "
            "the client waits) (HTTP 429, code RATE_LIMITED, request_id req_r)\n");
        check_log(server, 1, k_profile);
    }
    SECTION("a past HTTP date: retried at once") {
        script(server, "GET /api/users/profile",
               R"([{"status": 429, "headers": {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}},
                   {"status": 200, "body": "{\"id\": 1}"}])");
        const auto run = run_cli(server.port(), {"profile"});
        CHECK(run.elapsed < 2s);  // neither the date nor the 1 s backoff is waited for
        check_run(run, 0, "{\n  \"id\": 1\n}\n", "");
        check_log(server, 2, k_profile);
    }
}

TEST_CASE("e2e: errors connection refused is exit 9 after exactly one attempt") {
    int closed_port = 0;
    {
        const StandIn gone;
        closed_port = gone.port();
    }
    check_failed(run_cli(closed_port, {"--retries", "0", "health"}), 9,
                 "hyperoru: error: cannot connect to 127.0.0.1:" + std::to_string(closed_port) +
                     " (connection refused) after 1 attempt in ");
}

TEST_CASE("e2e: errors a slow server times out with exit 9") {
    StandIn server;
    std::vector<std::string> args{"--timeout", "1", "--retries", "0", "health"};
    auto limit = 3s;
    SECTION("no answer within the timeout") {
        script(server, "GET /api/health", R"([{"delay": 5}])");
    }
    SECTION("headers, then a stall") {
        script(server, "GET /api/health", R"([{"body": "{}", "action": "stall_after_headers", "stall": 5}])");
    }
    SECTION("a body trickling in one byte a second") {
        script(server, "GET /api/health",
               R"([{"body": "0123456789", "action": "trickle", "interval": 1.0}])");
        args[1] = "2";
        limit = 4s;
    }
    const auto run = run_cli(server.port(), args);
    CHECK(run.elapsed < limit);
    check_failed(run, 9,
                 "hyperoru: error: no answer from 127.0.0.1:" + std::to_string(server.port()) + " within " +
                     args[1] + " s (--timeout; 1 attempt); ");
    check_log(server, 1, k_health);
}

TEST_CASE("e2e: errors --timeout is the budget of the whole call, retries included") {
    StandIn server;
    // Every attempt would hang for 10 s: with retries, --timeout 2 must still end within 3 s.
    script(server, "GET /api/health", R"([{"delay": 10}, {"delay": 10}, {"delay": 10}, {"delay": 10}])");
    const auto run = run_cli(server.port(), {"--timeout", "2", "health"});
    CHECK(run.elapsed < 3s);
    check_failed(run, 9,
                 "hyperoru: error: no answer from 127.0.0.1:" + std::to_string(server.port()) +
                     " within 2 s (--timeout; 1 attempt); ");
    check_log(server, 1, k_health);
}

TEST_CASE("e2e: errors a captive portal's HTML answer to price is exit 10, never printed as the price") {
    StandIn server;
    script(server, "GET /api/crypto/price",
           R"([{"body": "<!DOCTYPE html>\n<html><head><title>Hotel Wi-Fi</title></head></html>",
                "headers": {"Content-Type": "text/html; charset=utf-8"}}])");
    check_run(run_cli(server.port(), {"price", "BTC"}), 10, "",
              "hyperoru: error: invalid response: expected JSON, got text/html; charset=utf-8: <!DOCTYPE "
              "html> <html><head><title>Hotel Wi-Fi</title></head ...\n");
}

TEST_CASE("e2e: errors --all against a server that ignores paging stops, prints what came, exits non-zero") {
    StandIn server;
    const std::string page =
        R"({"body": "[{\"id\": 1}, {\"id\": 2}]", "headers": {"Content-Type": "application/json"}})";
    std::vector<std::string> args{"-o", "ndjson", "account", "list", "--all", "--per-page", "2"};
    std::string out = "{\"id\":1}\n{\"id\":2}\n";
    std::string err;
    int exit_code = 0;
    std::size_t requests = 0;
    SECTION("the same page for ever") {
        script(server, "GET /api/account/list", "[" + page + "," + page + "," + page + "]");
        exit_code = 10;
        requests = 2;
        err =
            "invalid response: page 2 repeats the page before it: the server ignores paging; stopped after 1 "
            "page";
    }
    SECTION("more items than asked for") {
        script(
            server, "GET /api/account/list",
            R"([{"body": "[{\"id\": 1}, {\"id\": 2}, {\"id\": 3}]", "headers": {"Content-Type": "application/json"}}])");
        out += "{\"id\":3}\n";
        exit_code = 10;
        requests = 1;
        err =
            "invalid response: page 1 holds 3 items, more than the 2 asked for: the server ignores paging; "
            "stopped after 1 page";
    }
    SECTION("pages without end: the page cap") {
        std::string pages;
        for (int i = 1; i <= 5; ++i) {
            pages += std::string(pages.empty() ? "" : ",") + R"({"body": "[{\"id\": )" +
                     std::to_string(2 * i - 1) + R"(}, {\"id\": )" + std::to_string(2 * i) +
                     R"(}]", "headers": {"Content-Type": "application/json"}})";
        }
        script(server, "GET /api/account/list", "[" + pages + "]");
        args.insert(args.end(), {"--max-pages", "3"});
        out += "{\"id\":3}\n{\"id\":4}\n{\"id\":5}\n{\"id\":6}\n";
        exit_code = 11;
        requests = 3;
        err = "stopped after 3 pages (--max-pages); the list may go on";
    }
    check_run(run_cli(server.port(), args), exit_code, out,
              R"({"error":")" + err + R"(","exit_code":)" + std::to_string(exit_code) + "}\n");
    CHECK(server.requests().size() == requests);
}

TEST_CASE("e2e: errors a connection closed before the whole answer is exit 9") {
    StandIn server;
    std::string expected;
    SECTION("in the middle of the body") {
        script(server, "GET /api/health", R"([{"body": "0123456789", "action": "close_mid_body"}])");
        expected = "transfer closed with 5 bytes remaining to read";
    }
    SECTION("before any response") {
        script(server, "GET /api/health", R"([{"action": "close"}])");
        expected = "Empty reply from server";
    }
    check_run(run_cli(server.port(), {"--retries", "0", "health"}), 9, "",
              "hyperoru: error: failed receiving the response: " + expected + "\n");
    check_log(server, 1, k_health);
}

TEST_CASE("e2e: errors a 200 body is decoded only when it says it is JSON") {
    StandIn server;
    std::string prefix;
    SECTION("invalid JSON is exit 10") {
        script(server, "GET /api/health", R"([{"body": "{not json"}])");
        prefix = "hyperoru: error: invalid response: invalid JSON at byte 3: ";
    }
    SECTION("100 000 nested arrays are exit 10, not a crash") {
        script(server, "GET /api/health", R"([{"body": ")" + std::string(100'000, '[') + R"("}])");
        prefix = "hyperoru: error: invalid response: invalid JSON: nested deeper than ";
    }
    SECTION("text/plain is printed as text by api") {
        script(server, "GET /api/health", R"([{"body": "pong", "headers": {"Content-Type": "text/plain"}}])");
        check_run(run_cli(server.port(), {"api", "/api/health"}), 0, "pong\n", "");
        return;
    }
    check_failed(run_cli(server.port(), {"health"}), 10, prefix);
    check_log(server, 1, k_health);
}

TEST_CASE("e2e: errors a proxy's HTML 502 page is shown on one line") {
    StandIn server;
    script(server, "GET /api/health",
           R"([{"status": 502, "headers": {"Content-Type": "text/html"},
                "body": "<html>\n<body>Bad Gateway</body>\n</html>"}])");
    check_run(run_cli(server.port(), {"--retries", "0", "health"}), 8, "",
              "hyperoru: error: HTTP 502 Bad Gateway: <html> <body>Bad Gateway</body> </html> (HTTP 502)\n");
    check_log(server, 1, k_health);
}

TEST_CASE("e2e: errors a same-origin 307 is followed once, with the token") {
    StandIn server;
    SECTION("followed") {
        script(server, "GET /api/users/profile",
               R"([{"status": 307, "headers": {"Location": "/api/health"}}])");
        const auto run = run_cli(server.port(), {"-v", "profile"});
        CHECK(run.result.exit_code == 0);
        CHECK(run.result.out == "{\n  \"status\": \"healthy\"\n}\n");
        CHECK(lines_starting(run.result.err, "* following ") ==
              std::vector<std::string>{"* following HTTP 307 Temporary Redirect to " + server.base_url() +
                                       "/api/health"});
        CHECK(run.result.err.find(k_token) == std::string::npos);
        const auto log = server.requests();
        REQUIRE(log.size() == 2);
        CHECK(log[0].method + " " + log[0].path == k_profile);
        CHECK(log[1].method + " " + log[1].path == k_health);
        CHECK(log[1].header("Authorization") == "Bearer " + k_token);
    }
    SECTION("a POST keeps its method, body and token") {
        script(server, "POST /api/account/", R"([{"status": 308, "headers": {"Location": "/api/account/"}},
                                                   {"status": 201, "body": "{\"id\": 7}"}])");
        check_run(run_cli(server.port(), {"account", "create", "--name", "X"}), 0, "{\n  \"id\": 7\n}\n", "");
        for (const auto& request : check_each(server, 2, k_create, R"({"name":"X"})")) {
            CHECK(request.header("Authorization") == "Bearer " + k_token);
        }
    }
    SECTION("a second redirect is not followed") {
        script(server, "GET /api/users/profile",
               R"([{"status": 307, "headers": {"Location": "/api/users/profile"}},
                   {"status": 307, "headers": {"Location": "/api/users/profile"}}])");
        check_run(run_cli(server.port(), {"profile"}), 1, "",
                  "hyperoru: error: HTTP 307 Temporary Redirect redirect to " + server.base_url() +
                      "/api/users/profile not followed (HTTP 307)\n");
        check_log(server, 2, k_profile);
    }
}

TEST_CASE("e2e: errors a 307 to another port or a 302 is not followed") {
    StandIn server;
    SECTION("307 to another port: the token stays here") {
        StandIn other;
        const std::string target = other.base_url() + "/api/users/profile";
        script(server, "GET /api/users/profile",
               R"([{"status": 307, "headers": {"Location": ")" + target + R"("}}])");
        check_run(run_cli(server.port(), {"profile"}), 1, "",
                  "hyperoru: error: HTTP 307 Temporary Redirect redirect to " + target +
                      " not followed (another host: the token is never sent there) (HTTP 307)\n");
        CHECK(other.requests().empty());
    }
    SECTION("302 to the same origin") {
        script(server, "GET /api/users/profile",
               R"([{"status": 302, "headers": {"Location": "/api/health"}}])");
        check_run(run_cli(server.port(), {"profile"}), 1, "",
                  "hyperoru: error: HTTP 302 Found redirect to " + server.base_url() +
                      "/api/health not followed (HTTP 302)\n");
    }
    check_log(server, 1, k_profile);
}

TEST_CASE("e2e: errors a login retried on 503 with -v never shows the password or token") {
    StandIn server({"--login-token", "hs_issued_token_fedcba9876543210"});
    script(server, "POST /api/users/login", R"([{"status": 503, "headers": {"Retry-After": "0"}}])");
    const auto run = run_cli(
        server.port(), {"-v", "login", "--email", "trader@example.com", "--password-stdin"}, "", "secret\n");
    CHECK(run.result.exit_code == 0);
    CHECK(run.result.out == "");
    CHECK(lines_starting(run.result.err, "* retry ") ==
          std::vector<std::string>(
              1, "* retry 1 of 3 in 0.000 s: HTTP 503 Service Unavailable (Retry-After: 0)"));
    CHECK(run.result.err.find("secret") == std::string::npos);
    CHECK(run.result.err.find("hs_issued_token") == std::string::npos);
    check_each(server, 2, "POST /api/users/login", R"({"email":"trader@example.com","password":"secret"})");
}

TEST_CASE("e2e: errors a body beyond --max-response-size stops the transfer with exit 9") {
    StandIn server;
    const std::string big(5000, 'x');
    SECTION("announced by Content-Length") {
        script(server, k_health, R"([{"body": ")" + big + R"("}])");
    }
    SECTION("without a length") {
        script(server, k_health, R"([{"body": ")" + big + R"(", "action": "no_content_length"}])");
    }
    check_run(run_cli(server.port(), {"--retries", "0", "--max-response-size", "1K", "health"}), 9, "",
              "hyperoru: error: response too large: more than 1024 bytes\n");
    check_log(server, 1, k_health);
}
