// Self-tests of the test harness: the local stand-in (spoken to over raw sockets, never through
// the library under test), run_process, run_in_pty and TempDir.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/standin.hpp"
#include "support/temp_dir.hpp"
#include "support/wire.hpp"

namespace {

using namespace hyperoru::test;
using namespace std::chrono_literals;

/// A request with Host and Connection: close, plus Content-Length when there is a body.
Wire send(const StandIn& server, const std::string& method, const std::string& target,
          const std::vector<std::string>& headers = {}, const std::string& body = {}) {
    std::string bytes = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& line : headers) bytes += line + "\r\n";
    if (!body.empty() || method == "POST") {
        bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    return talk(server, bytes + "Connection: close\r\n\r\n" + body);
}

const std::string k_auth = std::string("Authorization: Bearer ") + k_standin_token;
const std::string k_json = "Content-Type: application/json";
const std::string k_user =
    R"({"id": 1, "username": "trader1", "email": "trader@example.com", "is_active": true})";
const std::string k_main_account =
    R"({"id": 1, "user_id": 1, "name": "Main Account", "model": "gpt-4o", "account_type": "prompt", "initial_capital": 1000.0, "current_cash": 1000.0, "frozen_cash": 0.0, "is_active": true, "show_on_dashboard": true, "hyperliquid_enabled": false, "hyperliquid_environment": "mainnet", "default_leverage": 1, "max_leverage": 3})";

std::string error_body(const std::string& message, const std::string& code, int id) {
    char request_id[16];
    std::snprintf(request_id, sizeof request_id, "req_%06d", id);
    return R"({"error": ")" + message + R"(", "code": ")" + code + R"(", "request_id": ")" + request_id +
           "\"}";
}

/// run_process without spelling out every ProcessOptions member (-Wmissing-field-initializers
/// flags omitted members even in designated initializers).
ProcessResult run(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
                  std::string stdin_data = {}, std::chrono::milliseconds timeout = 20s) {
    ProcessOptions options;
    options.argv = std::move(argv);
    options.env = std::move(env);
    options.stdin_data = std::move(stdin_data);
    options.timeout = timeout;
    return run_process(options);
}

}  // namespace

TEST_CASE("stand-in: health answers without a token, also to a plain urllib client") {
    StandIn server;
    const auto wire = send(server, "GET", "/api/health");
    CHECK(wire.status == 200);
    CHECK(wire.body == R"({"status": "healthy"})");
    CHECK(wire.header("Content-Type") == "application/json");
    CHECK(wire.header("Content-Length") == "21");
    const auto result = run({HYPERORU_PYTHON, "-c",
                             "import sys, urllib.request as u; r = u.urlopen(sys.argv[1]);"
                             " print(r.status, r.read().decode())",
                             server.base_url() + "/api/health"},
                            python_env());
    CHECK(result.err == "");
    CHECK(result.out == "200 {\"status\": \"healthy\"}\n");
}

TEST_CASE("stand-in: login issues a token that then works for the profile") {
    StandIn server;
    const auto login = send(server, "POST", "/api/users/login", {k_json},
                            R"({"email": "trader@example.com", "password": "secret"})");
    REQUIRE(login.status == 200);
    const auto body = nlohmann::ordered_json::parse(login.body);
    const auto token = body.at("session_token").get<std::string>();
    CHECK(token.size() == 35);
    CHECK(token.rfind("hs_", 0) == 0);
    CHECK(body.at("user").dump() == nlohmann::ordered_json::parse(k_user).dump());
    CHECK(body.at("expires_at") == "2027-05-24T00:00:00Z");
    const auto profile = send(server, "GET", "/api/users/profile", {"Authorization: Bearer " + token});
    CHECK(profile.status == 200);
    CHECK(profile.body == k_user);

    SECTION("wrong credentials, missing fields and a missing content type are refused") {
        const auto wrong = send(server, "POST", "/api/users/login", {k_json},
                                R"({"username": "trader1", "password": "nope"})");
        CHECK(wrong.status == 401);
        CHECK(wrong.body == error_body("Invalid credentials", "INVALID_CREDENTIALS", 1));
        const auto missing =
            send(server, "POST", "/api/users/login", {k_json}, R"({"email": "trader@example.com"})");
        CHECK(missing.status == 422);
        CHECK(
            missing.body ==
            R"({"detail": [{"loc": ["body", "password"], "msg": "field required", "type": "value_error.missing"}]})");
        const auto untyped = send(server, "POST", "/api/users/login", {},
                                  R"({"email": "trader@example.com", "password": "secret"})");
        CHECK(untyped.status == 400);
        CHECK(untyped.body == error_body("Invalid JSON body", "INVALID_JSON", 2));
    }
}

TEST_CASE("stand-in: --login-token fixes the issued token and --token adds valid ones") {
    StandIn server({"--login-token", "hs_fixed", "--token", "hs_extra"});
    const auto login = send(server, "POST", "/api/users/login", {k_json},
                            R"({"username": "trader1", "password": "secret"})");
    CHECK(login.body.find(R"("session_token": "hs_fixed")") != std::string::npos);
    CHECK(send(server, "GET", "/api/users/profile", {"Authorization: Bearer hs_fixed"}).status == 200);
    CHECK(send(server, "GET", "/api/users/profile", {"Authorization: Bearer hs_extra"}).status == 200);
}

TEST_CASE("stand-in: a missing or unknown token is a 401 with a counted request id") {
    StandIn server;
    CHECK(send(server, "GET", "/api/users/profile").status == 401);
    server.reset();
    const auto missing = send(server, "GET", "/api/users/profile");
    CHECK(missing.status == 401);
    CHECK(missing.body == error_body("Invalid or expired session token", "UNAUTHORIZED", 1));
    const auto unknown = send(server, "GET", "/api/account/list", {"Authorization: Bearer hs_nope"});
    CHECK(unknown.body == error_body("Invalid or expired session token", "UNAUTHORIZED", 2));
}

TEST_CASE("stand-in: logout revokes the token until a reset, --no-logout has no route") {
    StandIn server;
    CHECK(send(server, "POST", "/api/users/logout", {k_auth}).body == R"({"status": "ok"})");
    CHECK(send(server, "GET", "/api/users/profile", {k_auth}).status == 401);
    server.reset();
    CHECK(send(server, "GET", "/api/users/profile", {k_auth}).status == 200);

    StandIn old_server({"--no-logout"});
    const auto logout = send(old_server, "POST", "/api/users/logout", {k_auth});
    CHECK(logout.status == 404);
    CHECK(logout.body == R"({"detail": "Not Found"})");
}

TEST_CASE("stand-in: prices are literal texts, byte for byte") {
    StandIn server;
    const std::string stamp = R"(, "timestamp": "2026-11-25T12:00:00Z"})";
    CHECK(send(server, "GET", "/api/crypto/price?symbol=BTC", {k_auth}).body ==
          R"({"symbol": "BTC", "price": 67012.50)" + stamp);
    CHECK(send(server, "GET", "/api/crypto/price?symbol=PEPE", {k_auth}).body ==
          R"({"symbol": "PEPE", "price": 0.00000012)" + stamp);
    CHECK(send(server, "GET", "/api/crypto/price?symbol=ARB", {k_auth}).body ==
          R"({"symbol": "ARB", "price": "0.8125")" + stamp);
    const auto unknown = send(server, "GET", "/api/crypto/price?symbol=X%2FZ", {k_auth});
    CHECK(unknown.status == 404);
    CHECK(unknown.body == error_body("Unknown symbol: X/Z", "SYMBOL_NOT_FOUND", 1));
    const auto missing = send(server, "GET", "/api/crypto/price", {k_auth});
    CHECK(missing.status == 400);
    CHECK(missing.body == error_body("symbol is required", "VALIDATION_ERROR", 2));
}

TEST_CASE("stand-in: the account list shows hidden accounts only when asked") {
    StandIn server;
    CHECK(send(server, "GET", "/api/account/list", {k_auth}).body == "[" + k_main_account + "]");
    CHECK(send(server, "GET", "/api/account/list?include_hidden=false", {k_auth}).body ==
          "[" + k_main_account + "]");
    const auto all =
        nlohmann::json::parse(send(server, "GET", "/api/account/list?include_hidden=true", {k_auth}).body);
    REQUIRE(all.size() == 2);
    CHECK(all[1].at("name") == "Hidden Scalper");
    CHECK(all[1].at("current_cash") == 480.25);
}

TEST_CASE("stand-in: account create answers 201 with the next id and never echoes API keys") {
    StandIn server;
    const auto created = send(
        server, "POST", "/api/account/", {k_auth, k_json},
        R"({"name": "BTC Trend Trader", "llm_provider": "openai", "llm_model": "gpt-4o", "llm_api_key": "sk-secret-1"})");
    CHECK(created.status == 201);
    CHECK(
        created.body ==
        R"({"id": 3, "user_id": 1, "name": "BTC Trend Trader", "model": "gpt-4o", "base_url": null, "account_type": "prompt", "initial_capital": 0.0, "current_cash": 0.0, "frozen_cash": 0.0, "is_active": true, "show_on_dashboard": true, "llm_provider": "openai"})");
    const auto older = send(
        server, "POST", "/api/account/", {k_auth, k_json},
        R"({"name": "BTC Scalper", "model": "gpt-4o", "api_key": "sk-secret-2", "initial_capital": 5000})");
    CHECK(
        older.body ==
        R"({"id": 4, "user_id": 1, "name": "BTC Scalper", "model": "gpt-4o", "base_url": null, "account_type": "prompt", "initial_capital": 5000.0, "current_cash": 5000.0, "frozen_cash": 0.0, "is_active": true, "show_on_dashboard": true})");
    const auto list = send(server, "GET", "/api/account/list", {k_auth}).body;
    CHECK(nlohmann::json::parse(list).size() == 3);
    CHECK(list.find("sk-secret") == std::string::npos);
    const auto nameless = send(server, "POST", "/api/account/", {k_auth, k_json}, R"({"name": ""})");
    CHECK(nameless.status == 422);
    CHECK(nameless.body == error_body("name is required", "VALIDATION_ERROR", 1));
}

TEST_CASE("stand-in: unknown paths are 404 and known paths with another method 405") {
    StandIn server;
    const auto unslashed = send(server, "POST", "/api/account", {k_auth, k_json}, R"({"name": "x"})");
    CHECK(unslashed.status == 404);
    CHECK(unslashed.body == R"({"detail": "Not Found"})");
    const auto wrong_method = send(server, "DELETE", "/api/health");
    CHECK(wrong_method.status == 405);
    CHECK(wrong_method.body == R"({"detail": "Method Not Allowed"})");
}

TEST_CASE("stand-in: scripted responses come first, in order, then the normal route") {
    StandIn server;
    server.script(R"({"method": "GET", "path": "/api/crypto/price?ignored=1", "responses": [
        {"status": 503, "headers": [["Retry-After", "0"]], "json": {"error": "busy"}},
        {"status": 502, "body": "<html>bad gateway</html>", "headers": {"Content-Type": "text/html"}}]})");
    const auto first = send(server, "GET", "/api/crypto/price?symbol=SOL", {k_auth});
    CHECK(first.status == 503);
    CHECK(first.header("Retry-After") == "0");
    CHECK(first.header("Content-Type") == "application/json");
    CHECK(first.body == R"({"error": "busy"})");
    const auto second = send(server, "GET", "/api/crypto/price?symbol=SOL", {k_auth});
    CHECK(second.status == 502);
    CHECK(second.header("Content-Type") == "text/html");
    const auto normal = send(server, "GET", "/api/crypto/price?symbol=SOL", {k_auth});
    CHECK(normal.status == 200);
    CHECK(normal.body == R"({"symbol": "SOL", "price": 142.7, "timestamp": "2026-11-25T12:00:00Z"})");
    CHECK(server.requests().size() == 3);
    CHECK_THROWS_AS(server.script(R"({"method": "GET", "path": "/x", "responses": [{"action": "explode"}]})"),
                    std::runtime_error);
    CHECK_THROWS_AS(server.script("not json"), std::runtime_error);
}

TEST_CASE("stand-in: scripted connection faults") {
    StandIn server;
    server.script(R"({"method": "GET", "path": "/api/health", "responses": [
        {"action": "close"},
        {"body": "0123456789", "action": "close_mid_body"},
        {"body": "no length", "action": "no_content_length"},
        {"body": "slow", "action": "trickle", "interval": 0.001, "delay": 0.01},
        {"body": "late", "action": "stall_after_headers", "stall": 0.01}]})");
    CHECK(send(server, "GET", "/api/health").raw.empty());
    const auto half = send(server, "GET", "/api/health");
    CHECK(half.header("Content-Length") == "10");
    CHECK(half.body == "01234");
    const auto unframed = send(server, "GET", "/api/health");
    CHECK_FALSE(unframed.header("Content-Length").has_value());
    CHECK(unframed.header("Connection") == "close");
    CHECK(unframed.body == "no length");
    CHECK(send(server, "GET", "/api/health").body == "slow");
    CHECK(send(server, "GET", "/api/health").body == "late");
}

TEST_CASE("stand-in: the request log records exactly what was received") {
    StandIn server;
    const std::string body = "{\"name\": \"caf\xC3\xA9\"}";
    talk(server, "POST /api/account/?dry=1&q=%20x HTTP/1.1\r\nHost: h\r\nX-Trace: a  b\r\n" + k_auth +
                     "\r\n" + k_json + "\r\nContent-Length: " + std::to_string(body.size()) +
                     "\r\nConnection: close\r\n\r\n" + body);
    talk(server,
         "PUT /nowhere%2F HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
         "Connection: close\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n");
    server.script(R"({"method": "GET", "path": "/api/health", "responses": []})");  // not logged
    const auto log = server.requests();
    REQUIRE(log.size() == 2);
    CHECK(log[0].method == "POST");
    CHECK(log[0].path == "/api/account/");
    CHECK(log[0].query == "dry=1&q=%20x");
    const std::vector<std::pair<std::string, std::string>> headers{
        {"Host", "h"},
        {"X-Trace", "a  b"},
        {"Authorization", std::string("Bearer ") + k_standin_token},
        {"Content-Type", "application/json"},
        {"Content-Length", std::to_string(body.size())},
        {"Connection", "close"}};
    CHECK(log[0].headers == headers);
    CHECK(log[0].header("x-trace") == "a  b");
    CHECK_FALSE(log[0].header("Accept").has_value());
    CHECK(log[0].body == body);
    CHECK(log[1].method == "PUT");
    CHECK(log[1].path == "/nowhere%2F");
    CHECK(log[1].query == "");
    CHECK(log[1].body == "abcde");
}

TEST_CASE("stand-in: keep-alive serves several requests on one connection") {
    StandIn server;
    const auto wire = talk(server,
                           "GET /api/health HTTP/1.1\r\nHost: h\r\n\r\n"
                           "GET /api/health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    const auto count = [&](const std::string& text) {
        std::size_t n = 0;
        for (auto at = wire.raw.find(text); at != std::string::npos; at = wire.raw.find(text, at + 1)) ++n;
        return n;
    };
    CHECK(count("HTTP/1.1 200 OK\r\n") == 2);
    CHECK(count("Content-Length: 21\r\n") == 2);
    CHECK(wire.raw.substr(wire.raw.size() - 21) == R"({"status": "healthy"})");
}

TEST_CASE("stand-in: reset restores the seeded state") {
    StandIn server;
    send(server, "POST", "/api/account/", {k_auth, k_json}, R"({"name": "x"})");
    server.script(R"({"method": "GET", "path": "/api/health", "responses": [{"status": 500}]})");
    server.reset();
    CHECK(server.requests().empty());
    CHECK(send(server, "GET", "/api/health").status == 200);
    CHECK(nlohmann::json::parse(send(server, "GET", "/api/account/list?include_hidden=true", {k_auth}).body)
              .size() == 2);
    CHECK(send(server, "POST", "/api/account/", {k_auth, k_json}, R"({"name": "y"})")
              .body.rfind(R"({"id": 3,)", 0) == 0);
}

TEST_CASE("stand-in: malformed requests are answered, and the server carries on") {
    StandIn server;
    CHECK(talk(server, "GARBAGE\r\n\r\n").status == 400);
    CHECK(talk(server, "POST /api/users/login HTTP/1.1\r\nContent-Length: -4\r\n\r\n").status == 400);
    CHECK(
        talk(server, "GET /api/health HTTP/1.1\r\nX-Big: " + std::string(70'000, 'x') + "\r\n\r\n").status ==
        431);
    CHECK(send(server, "POST", "/api/users/login", {k_json}, "{not json").status == 400);
    CHECK(send(server, "GET", "/api/health").status == 200);
}

TEST_CASE("stand-in: StandIn reports a server that cannot start") {
    CHECK_THROWS_AS(StandIn({"--port", "not-a-number"}), std::runtime_error);
}

TEST_CASE("stand-in: harness TempDir is a fresh directory removed with its contents") {
    std::filesystem::path kept;
    {
        const TempDir dir;
        kept = dir.path();
        CHECK(std::filesystem::is_empty(kept));
        std::filesystem::create_directories(kept / "locked" / "deep");
        std::ofstream(kept / "locked" / "deep" / "file") << "x";
        std::filesystem::permissions(kept / "locked",
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    }
    CHECK_FALSE(std::filesystem::exists(kept));
}

TEST_CASE("stand-in: harness run_process captures exit code, stdout and stderr and feeds stdin") {
    const auto result = run({"/bin/sh", "-c", "cat; printf 'oops' >&2; exit 3"}, {}, "typed\ninput");
    CHECK(result.exit_code == 3);
    CHECK(result.out == "typed\ninput");
    CHECK(result.err == "oops");
    CHECK(run({"/usr/bin/env"}, {{"ONLY", "this"}}).out == "ONLY=this\n");
    CHECK(run({"/bin/sh", "-c", "kill -TERM $$"}).exit_code == 128 + 15);
}

TEST_CASE("stand-in: harness run_process copes with big outputs and a child that ignores stdin") {
    const auto big = run(
        {HYPERORU_PYTHON, "-c", "import sys; sys.stdout.write('o' * 300000); sys.stderr.write('e' * 300000)"},
        python_env());
    CHECK(big.out == std::string(300'000, 'o'));
    CHECK(big.err == std::string(300'000, 'e'));
    const auto deaf = run({"/bin/sh", "-c", "echo done"}, {}, std::string(4 << 20, 'x'));
    CHECK(deaf.exit_code == 0);
    CHECK(deaf.out == "done\n");
}

TEST_CASE("stand-in: harness run_process kills a child at the timeout") {
    const auto start = std::chrono::steady_clock::now();
    CHECK(run({"/bin/sleep", "60"}, {}, {}, 500ms).exit_code == 128 + 9);
    // A grandchild holding the pipes open is killed with its session.
    CHECK(run({"/bin/sh", "-c", "/bin/sleep 60 & /bin/sleep 60"}, {}, {}, 500ms).exit_code == 128 + 9);
    CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("stand-in: harness run_in_pty gives the child a terminal and plays the dialogue") {
    auto env = python_env();
    env["TERM"] = "dumb";
    const auto result = run_in_pty({HYPERORU_PYTHON, "-c",
                                    "import os; print('tty', os.isatty(0), os.isatty(1)); name = "
                                    "input('name? '); print('hello', name)"},
                                   env, {{"name? ", "bob\n"}});
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("tty True True") != std::string::npos);
    CHECK(result.output.find("hello bob") != std::string::npos);
}
