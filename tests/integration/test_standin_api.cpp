// The stand-in's API surface (sandbox/hyperoru_sandbox): every endpoint of the contract with its
// documented example bodies, pagination and the --envelope option, the seed control endpoint, the
// Hyper AI SSE stream and AI-stream polling. Spoken to over raw sockets, never through the
// library under test, so that what is checked is exactly what the server sends.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/standin.hpp"
#include "support/wire.hpp"

namespace {

using hyperoru::test::k_standin_token;
using hyperoru::test::StandIn;
using hyperoru::test::talk;
using hyperoru::test::Wire;

const std::string k_auth = std::string("Authorization: Bearer ") + k_standin_token;
const std::string k_json = "Content-Type: application/json";

/// A request with Host and Connection: close; Content-Length only when there is a body, so a
/// bodyless POST carries neither a body nor a Content-Type, as the client sends it.
Wire send(const StandIn& server, const std::string& method, const std::string& target,
          const std::vector<std::string>& headers = {}, const std::string& body = {}) {
    std::string bytes = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& line : headers) bytes += line + "\r\n";
    if (!body.empty()) bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return talk(server, bytes + "Connection: close\r\n\r\n" + body);
}

/// An authenticated call; a non-empty body is sent as JSON.
Wire call(const StandIn& server, const std::string& method, const std::string& target,
          const std::string& body = {}) {
    if (body.empty()) return send(server, method, target, {k_auth});
    return send(server, method, target, {k_auth, k_json}, body);
}

std::string get(const StandIn& server, const std::string& target) {
    const auto wire = call(server, "GET", target);
    CHECK(wire.status == 200);
    return wire.body;
}

nlohmann::json parse(const std::string& text) {
    return nlohmann::json::parse(text);
}

/// POST /__standin/seed; returns its answer.
nlohmann::json seed(const StandIn& server, const std::string& spec) {
    const auto wire = send(server, "POST", "/__standin/seed", {k_json}, spec);
    REQUIRE(wire.status == 200);
    return parse(wire.body);
}

std::string error_body(const std::string& message, const std::string& code, int id) {
    char request_id[16];
    std::snprintf(request_id, sizeof request_id, "req_%06d", id);
    return R"({"error": ")" + message + R"(", "code": ")" + code + R"(", "request_id": ")" + request_id +
           "\"}";
}

const std::string k_not_found = R"({"detail": "Not Found"})";
const std::string k_main_account =
    R"({"id": 1, "user_id": 1, "name": "Main Account", "model": "gpt-4o", "account_type": "prompt", "initial_capital": 1000.0, "current_cash": 1000.0, "frozen_cash": 0.0, "is_active": true, "show_on_dashboard": true, "hyperliquid_enabled": false, "hyperliquid_environment": "mainnet", "default_leverage": 1, "max_leverage": 3})";
const std::string k_order_body =
    R"({"account_id": 1, "symbol": "BTC", "name": "Long BTC", "side": "buy", "order_type": "market", "quantity": 0.01})";

/// The body of a Transfer-Encoding: chunked response, split into its chunks.
std::vector<std::string> dechunk(const std::string& body) {
    std::vector<std::string> chunks;
    std::size_t at = 0;
    for (;;) {
        const auto line_end = body.find("\r\n", at);
        REQUIRE(line_end != std::string::npos);
        const auto size = std::stoul(body.substr(at, line_end - at), nullptr, 16);
        at = line_end + 2;
        if (size == 0) break;
        REQUIRE(at + size + 2 <= body.size());
        chunks.push_back(body.substr(at, size));
        at += size;
        REQUIRE(body.compare(at, 2, "\r\n") == 0);
        at += 2;
    }
    CHECK(body.substr(at) == "\r\n");
    return chunks;
}

std::string joined(const std::vector<std::string>& chunks) {
    std::string all;
    for (const auto& chunk : chunks) all += chunk;
    return all;
}

bool any_ends_with(const std::vector<std::string>& chunks, const std::string& tail) {
    for (const auto& chunk : chunks) {
        if (chunk.size() >= tail.size() &&
            chunk.compare(chunk.size() - tail.size(), tail.size(), tail) == 0) {
            return true;
        }
    }
    return false;
}

/// The opening of every chat stream: the status event and a keep-alive comment.
std::string status_event(const std::string& conversation_id) {
    return "retry: 15000\r\nid: evt-1\r\nevent: status\r\ndata: {\"conversation_id\": " + conversation_id +
           "}\r\n\r\n: ping\r\n\r\n";
}
// U+1F4C8 (4 bytes), U+2014, U+00E9, U+00EF and U+2713 in UTF-8.
const std::string k_chat_stream =
    status_event("9007199254740993") +
    "event: token\r\ndata: {\"content\": \"Hello\"}\r\n\r\n"
    "event: token\r\ndata: {\"content\":\r\ndata: \" from Hyper AI.\"}\r\n\r\n"
    "event: tool_call\r\ndata: {\"name\": \"get_price\", \"arguments\": {\"symbol\": \"BTC\"}}\r\n\r\n"
    ": ping\r\n\r\n"
    "event: token\r\ndata: {\"content\": \" BTC trades at 67012.50 \xF0\x9F\x93\x88\"}\r\n\r\n"
    "event: token\r\ndata: {\"content\": \" \xE2\x80\x94 caf\xC3\xA9, na\xC3\xAFve \xE2\x9C\x93\"}\r\n\r\n"
    "event: done\r\ndata: [DONE]\r\n\r\n";

}  // namespace

TEST_CASE("stand-in api: users register, update the profile, list, and set the exchange") {
    StandIn server;
    const auto registered =
        send(server, "POST", "/api/users/register", {k_json},
             R"({"email": "you@example.com", "password": "a-strong-password", "username": "your-handle"})");
    CHECK(registered.status == 201);
    CHECK(registered.body ==
          R"({"id": 2, "username": "your-handle", "email": "you@example.com", "is_active": true})");
    const auto taken = send(server, "POST", "/api/users/register", {k_json},
                            R"({"username": "trader1", "email": "x@example.com", "password": "secret"})");
    CHECK(taken.status == 409);
    CHECK(taken.body == error_body("Username already taken", "USERNAME_TAKEN", 1));
    const auto no_password = send(server, "POST", "/api/users/register", {k_json}, R"({"username": "bob"})");
    CHECK(no_password.status == 422);
    CHECK(no_password.body == error_body("password is required", "VALIDATION_ERROR", 2));

    // The new user can log in, and the profile follows the token.
    const auto login = send(server, "POST", "/api/users/login", {k_json},
                            R"({"username": "your-handle", "password": "a-strong-password"})");
    REQUIRE(login.status == 200);
    const auto token = parse(login.body).at("session_token").get<std::string>();
    CHECK(send(server, "GET", "/api/users/profile", {"Authorization: Bearer " + token}).body ==
          R"({"id": 2, "username": "your-handle", "email": "you@example.com", "is_active": true})");

    const auto updated = call(server, "PUT", "/api/users/profile", R"({"email": "newemail@example.com"})");
    CHECK(updated.status == 200);
    CHECK(updated.body ==
          R"({"id": 1, "username": "trader1", "email": "newemail@example.com", "is_active": true})");
    CHECK(call(server, "PUT", "/api/users/profile", R"({"username": "your-handle"})").status == 409);
    CHECK(parse(get(server, "/api/users/")).size() == 2);

    CHECK(get(server, "/api/users/exchange-config") == R"({"selected_exchange": "hyperliquid"})");
    const auto set =
        call(server, "POST", "/api/users/exchange-config", R"({"selected_exchange": "binance"})");
    CHECK(set.status == 200);
    CHECK(set.body == R"({"selected_exchange": "binance"})");
    CHECK(get(server, "/api/users/exchange-config") == R"({"selected_exchange": "binance"})");
    const auto untyped =
        send(server, "POST", "/api/users/exchange-config", {k_auth}, R"({"selected_exchange": "binance"})");
    CHECK(untyped.status == 400);
    CHECK(untyped.body == error_body("Invalid JSON body", "INVALID_JSON", 4));
}

TEST_CASE("stand-in api: account overviews, strategy, update and soft delete") {
    StandIn server;
    CHECK(get(server, "/api/account/overview") ==
          R"({"account": )" + k_main_account + R"(, "positions_value": 0.0, "total_assets": 1000.0})");
    CHECK(
        get(server, "/api/account/1/overview") ==
        R"({"id": 1, "name": "Main Account", "model": "gpt-4o", "trading_enabled": true, "total_trades": 42})");
    CHECK(get(server, "/api/account/1/strategy") ==
          R"({"account_id": 1, "strategy_type": "prompt", "prompt_id": 1, "trigger_interval_minutes": 60})");

    const auto updated =
        call(server, "PUT", "/api/account/2",
             R"({"name": "BTC Scalper v2", "llm_model": "gpt-4o", "llm_api_key": "sk-secret"})");
    CHECK(updated.status == 200);
    const auto account = parse(updated.body);
    CHECK(account.at("name") == "BTC Scalper v2");
    CHECK(account.at("model") == "gpt-4o");
    CHECK(updated.body.find("sk-secret") == std::string::npos);

    const auto unknown = call(server, "PUT", "/api/account/99", "{}");
    CHECK(unknown.status == 404);
    CHECK(unknown.body == error_body("Account not found", "ACCOUNT_NOT_FOUND", 1));
    CHECK(call(server, "GET", "/api/account/2").status == 405);

    const auto deleted = call(server, "DELETE", "/api/account/2");
    CHECK(deleted.status == 204);
    CHECK(deleted.body.empty());
    const auto all = parse(get(server, "/api/account/list?include_hidden=true"));
    REQUIRE(all.size() == 2);
    CHECK(all[1].at("is_active") == false);
    CHECK(get(server, "/api/account/list") == "[" + k_main_account + "]");
    CHECK(call(server, "DELETE", "/api/account/2").body ==
          error_body("Account not found", "ACCOUNT_NOT_FOUND", 2));
    CHECK(call(server, "GET", "/api/account/2/overview").status == 404);
}

TEST_CASE("stand-in api: orders are created, listed, executed, cancelled and processed") {
    StandIn server;
    const auto created = call(server, "POST", "/api/orders/create", k_order_body);
    CHECK(created.status == 201);
    const std::string order_42 =
        R"({"id": 42, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "market", "quantity": 0.01, "status": "pending"})";
    CHECK(created.body == order_42);
    const auto limit = call(
        server, "POST", "/api/orders/create",
        R"({"account_id": 1, "symbol": "ETH", "name": "Short ETH", "side": "sell", "order_type": "limit", "quantity": 1})");
    CHECK(limit.status == 422);
    CHECK(limit.body == error_body("price is required for limit orders", "VALIDATION_ERROR", 1));
    CHECK(call(server, "POST", "/api/orders/create", R"({"account_id": 1, "symbol": "BTC"})").body ==
          error_body("name is required", "VALIDATION_ERROR", 2));
    const auto no_account = call(
        server, "POST", "/api/orders/create",
        R"({"account_id": 7, "symbol": "BTC", "name": "x", "side": "buy", "order_type": "market", "quantity": 1})");
    CHECK(no_account.body == error_body("Account not found", "ACCOUNT_NOT_FOUND", 3));

    CHECK(get(server, "/api/orders/pending") == "[" + order_42 + "]");
    CHECK(get(server, "/api/orders/user/1") == "[" + order_42 + "]");
    CHECK(get(server, "/api/orders/account/1") == "[" + order_42 + "]");
    CHECK(get(server, "/api/orders/account/2") == "[]");
    CHECK(call(server, "GET", "/api/orders/user/9").body ==
          error_body("User not found", "USER_NOT_FOUND", 4));

    // Bodyless POSTs: no body, no Content-Type, no Content-Length.
    const auto executed = call(server, "POST", "/api/orders/execute/42");
    CHECK(executed.status == 200);
    CHECK(executed.body == R"({"status": "ok", "order_id": 42, "execution_status": "filled"})");
    CHECK(get(server, "/api/orders/account/1").find(R"("status": "executed")") != std::string::npos);
    CHECK(call(server, "POST", "/api/orders/execute/42").body ==
          error_body("Order is not pending", "ORDER_NOT_PENDING", 5));
    CHECK(call(server, "POST", "/api/orders/execute/999").body ==
          error_body("Order not found", "ORDER_NOT_FOUND", 6));

    call(server, "POST", "/api/orders/create", k_order_body);  // 43
    call(
        server, "POST", "/api/orders/create",
        R"({"account_id": 1, "symbol": "BTC", "name": "Dip", "side": "buy", "order_type": "limit", "price": 60000.5, "quantity": 0.02})");
    CHECK(call(server, "POST", "/api/orders/cancel/43").body == R"({"status": "ok", "order_id": 43})");
    CHECK(
        get(server, "/api/orders/pending") ==
        R"([{"id": 44, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "limit", "price": 60000.5, "quantity": 0.02, "status": "pending"}])");
    CHECK(call(server, "POST", "/api/orders/process-all").body ==
          R"({"processed": 1, "succeeded": 1, "failed": 0})");
    CHECK(get(server, "/api/orders/pending") == "[]");
    CHECK(parse(get(server, "/api/account/1/overview")).at("total_trades") == 44);
}

// Demo mode (--demo; the installed hyperoru-sandbox's default): four orders on the two traders,
// one of each status, shaped as the order routes make them.
const std::string k_demo_order_42 =
    R"({"id": 42, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "limit", "price": 66500.0, "quantity": 0.01, "status": "pending"})";
const std::string k_demo_orders_1 =
    k_demo_order_42 + ", " +
    R"({"id": 43, "account_id": 1, "symbol": "ETH", "side": "sell", "order_type": "market", "quantity": 0.5, "status": "executed"})";
const std::string k_demo_orders_2 =
    R"({"id": 44, "account_id": 2, "symbol": "SOL", "side": "buy", "order_type": "limit", "price": 135.5, "quantity": 2.0, "status": "cancelled"}, )"
    R"({"id": 45, "account_id": 2, "symbol": "BTC", "side": "sell", "order_type": "market", "quantity": 0.005, "status": "executed"})";

TEST_CASE("stand-in api: --demo seeds orders on both traders, and reset brings them back") {
    StandIn server({"--demo"});
    CHECK(get(server, "/api/orders/user/1") == "[" + k_demo_orders_1 + ", " + k_demo_orders_2 + "]");
    CHECK(get(server, "/api/orders/account/1") == "[" + k_demo_orders_1 + "]");
    CHECK(get(server, "/api/orders/account/2") == "[" + k_demo_orders_2 + "]");
    CHECK(get(server, "/api/orders/pending") == "[" + k_demo_order_42 + "]");
    // The executed ones count as trades.
    CHECK(parse(get(server, "/api/account/1/overview")).at("total_trades") == 43);
    CHECK(parse(get(server, "/api/account/2/overview")).at("total_trades") == 1);
    // Only the pending one can be cancelled; new orders continue after the demo ids.
    CHECK(call(server, "POST", "/api/orders/cancel/44").body ==
          error_body("Order is not pending", "ORDER_NOT_PENDING", 1));
    CHECK(call(server, "POST", "/api/orders/cancel/42").body == R"({"status": "ok", "order_id": 42})");
    CHECK(
        call(server, "POST", "/api/orders/create", k_order_body).body ==
        R"({"id": 46, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "market", "quantity": 0.01, "status": "pending"})");
    CHECK(get(server, "/api/orders/pending").find(R"("id": 42)") == std::string::npos);

    server.reset();
    CHECK(get(server, "/api/orders/user/1") == "[" + k_demo_orders_1 + ", " + k_demo_orders_2 + "]");
    CHECK(get(server, "/api/orders/pending") == "[" + k_demo_order_42 + "]");
}

TEST_CASE("stand-in api: without demo mode (the tests' --test-defaults, or --no-demo) there are no orders") {
    for (const auto& args : {std::vector<std::string>{}, std::vector<std::string>{"--no-demo"}}) {
        StandIn server(args);
        CHECK(get(server, "/api/orders/user/1") == "[]");
        CHECK(get(server, "/api/orders/pending") == "[]");
        CHECK(parse(get(server, "/api/account/1/overview")).at("total_trades") == 42);
        server.reset();
        CHECK(get(server, "/api/orders/user/1") == "[]");
    }
}

TEST_CASE("stand-in api: klines are deterministic literal numbers, backfills complete") {
    StandIn server;
    const auto week =
        parse(get(server, "/api/klines/data?symbol=BTC&interval=1h&start=2026-04-01&end=2026-04-09"));
    CHECK(week.size() == 192);
    CHECK(
        get(server, "/api/klines/data?symbol=BTC&interval=1h&start=2026-04-01&end=2026-04-09&limit=1") ==
        R"([{"timestamp": "2026-04-01T00:00:00Z", "open": 67000.0, "high": 67500.0, "low": 66800.0, "close": 67200.0, "volume": 500.0}])");
    CHECK(
        get(server,
            "/api/klines/data?symbol=SOL&interval=4h&start=2026-04-01T00:00:00Z&end=2026-04-01T08:00:00Z") ==
        R"([{"timestamp": "2026-04-01T00:00:00Z", "open": 142.70, "high": 147.70, "low": 140.70, "close": 144.70, "volume": 20000.0}, )"
        R"({"timestamp": "2026-04-01T04:00:00Z", "open": 144.70, "high": 147.70, "low": 141.20, "close": 143.20, "volume": 16820.0}])");
    // Without a range: five candles from 2026-04-01, the same ones a range gives.
    const auto few = parse(get(server, "/api/klines/data?symbol=BTC"));
    REQUIRE(few.size() == 5);
    CHECK(few[4] == week[4]);
    CHECK(call(server, "GET", "/api/klines/data").body ==
          error_body("symbol is required", "VALIDATION_ERROR", 1));
    CHECK(call(server, "GET", "/api/klines/data?symbol=DOGE").body ==
          error_body("Unknown symbol: DOGE", "SYMBOL_NOT_FOUND", 2));
    CHECK(call(server, "GET", "/api/klines/data?symbol=BTC&interval=2h").status == 422);

    CHECK(
        get(server, "/api/klines/coverage") ==
        R"([{"symbol": "BTC", "interval": "1h", "earliest": "2025-01-01T00:00:00Z", "latest": "2026-04-09T12:00:00Z", "total_candles": 12000}, )"
        R"({"symbol": "ETH", "interval": "1h", "earliest": "2025-01-01T00:00:00Z", "latest": "2026-04-09T12:00:00Z", "total_candles": 12000}])");
    CHECK(get(server, "/api/klines/supported-symbols") == R"({"symbols": ["BTC", "ETH", "SOL", "ARB"]})");
    const std::string bf_001 =
        R"({"id": "bf-001", "symbol": "BTC", "interval": "1h", "status": "completed", "progress_pct": 100.0})";
    CHECK(get(server, "/api/klines/backfill-tasks") == "[" + bf_001 + "]");

    const auto started =
        call(server, "POST", "/api/klines/backfill",
             R"({"exchange": "hyperliquid", "symbol": "BTC", "period": "1h", "start": "2026-03-01"})");
    CHECK(started.status == 202);
    CHECK(
        started.body ==
        R"({"id": 123, "status": "running", "exchange": "hyperliquid", "environment": "mainnet", "symbol": "BTC", "period": "1h", "started_at": "2026-04-09T12:00:00Z", "finished_at": null, "rows_written": 0})");
    CHECK(get(server, "/api/klines/backfill/status/123") ==
          R"({"id": 123, "status": "completed", "progress_pct": 100.0, "rows_written": 720})");
    CHECK(get(server, "/api/klines/backfill/status/bf-001") ==
          R"({"id": "bf-001", "status": "completed", "progress_pct": 100.0, "rows_written": 720})");
    CHECK(parse(get(server, "/api/klines/backfill-tasks")).size() == 2);
    CHECK(call(server, "GET", "/api/klines/backfill/status/bf-404").body ==
          error_body("Backfill task not found", "TASK_NOT_FOUND", 4));
    CHECK(call(server, "POST", "/api/klines/backfill", R"({"symbol": "BTC"})").body ==
          error_body("exchange is required", "VALIDATION_ERROR", 5));
}

TEST_CASE("stand-in api: programs") {
    StandIn server;
    CHECK(get(server, "/api/programs/") ==
          R"([{"id": 1, "name": "Grid Bot", "enabled": true, "created_at": "2026-04-01T00:00:00Z"}])");
    CHECK(
        get(server, "/api/programs/1") ==
        R"({"id": 1, "name": "Grid Bot", "code": "fn run(ctx) { ... }", "enabled": true, "created_at": "2026-04-01T00:00:00Z"})");
    const auto created = call(
        server, "POST", "/api/programs/",
        R"({"name": "Grid Bot", "code": "fn run(ctx) { ... }", "description": "Grid trading strategy"})");
    CHECK(created.status == 201);
    CHECK(created.body == R"({"id": 2, "name": "Grid Bot", "created_at": "2026-04-09T12:00:00Z"})");
    CHECK(
        call(server, "PUT", "/api/programs/2", R"({"enabled": false, "name": "Grid Bot v2"})").body ==
        R"({"id": 2, "name": "Grid Bot v2", "code": "fn run(ctx) { ... }", "description": "Grid trading strategy", "enabled": false, "created_at": "2026-04-09T12:00:00Z"})");
    CHECK(call(server, "POST", "/api/programs/", R"({"name": "No code"})").body ==
          error_body("code is required", "VALIDATION_ERROR", 1));
    CHECK(call(server, "DELETE", "/api/programs/2").status == 204);
    CHECK(call(server, "GET", "/api/programs/2").body ==
          error_body("Program not found", "PROGRAM_NOT_FOUND", 2));

    CHECK(call(server, "POST", "/api/programs/test-run", R"({"program_id": 1, "symbol": "BTC"})").body ==
          R"({"status": "ok", "result": {"action": "buy", "quantity": 0.01, "reason": "Grid level hit"}})");
    CHECK(call(server, "POST", "/api/programs/test-run", R"({"program_id": "7"})").status == 404);
    CHECK(get(server, "/api/programs/dev-guide") ==
          R"({"guide": "# Program Development Guide\n\n## Context Object\n..."})");
    CHECK(get(server, "/api/programs/signal-pools/") ==
          R"([{"id": 1, "name": "Momentum Pool", "signals_count": 3}])");
    CHECK(
        get(server, "/api/programs/accounts/") ==
        R"([{"id": 1, "name": "Main Account", "account_type": "prompt"}, {"id": 2, "name": "Hidden Scalper", "account_type": "program"}])");
    CHECK(call(server, "POST", "/api/programs/validate", R"({"code": "fn run(ctx) { }"})").body ==
          R"({"valid": true, "errors": []})");
    CHECK(call(server, "POST", "/api/programs/validate", R"({"code": "fn run(ctx) {\n"})").body ==
          R"({"valid": false, "errors": [{"line": 2, "message": "missing '}'"}]})");
    const auto backtest = parse(call(server, "POST", "/api/programs/backtest", R"({"program_id": 1})").body);
    CHECK(backtest.at("backtest").at("id") == 1);
    CHECK(backtest.at("backtest").at("program_id") == 1);
    CHECK(backtest.at("metrics").is_object());
    CHECK(backtest.at("trades").size() == 3);
}

TEST_CASE("stand-in api: prompts, prompt AI chat and prompt backtest") {
    StandIn server;
    CHECK(
        get(server, "/api/prompts/") ==
        R"([{"id": 1, "name": "BTC Trend Follower", "content": "Analyze BTC price action...", "created_at": "2026-04-01T00:00:00Z"}])");
    const auto created =
        call(server, "POST", "/api/prompts/",
             R"({"name": "Momentum Strategy", "content": "Analyze {{symbol}} momentum..."})");
    CHECK(created.status == 201);
    CHECK(
        created.body ==
        R"({"id": 2, "name": "Momentum Strategy", "content": "Analyze {{symbol}} momentum...", "created_at": "2026-04-09T12:00:00Z"})");
    const auto copied = call(server, "POST", "/api/prompts/1/copy");  // bodyless
    CHECK(copied.status == 201);
    CHECK(
        copied.body ==
        R"json({"id": 3, "name": "BTC Trend Follower (copy)", "content": "Analyze BTC price action..."})json");
    CHECK(
        call(server, "PUT", "/api/prompts/1",
             R"({"content": "Analyze BTC price action with RSI and MACD..."})")
            .body ==
        R"({"id": 1, "name": "BTC Trend Follower", "content": "Analyze BTC price action with RSI and MACD..."})");
    CHECK(call(server, "PATCH", "/api/prompts/3/name", R"({"name": "BTC Momentum v2"})").body ==
          R"({"id": 3, "name": "BTC Momentum v2", "content": "Analyze BTC price action..."})");
    CHECK(call(server, "POST", "/api/prompts/preview", R"({"prompt_id": 2, "variables": {"symbol": "ETH"}})")
              .body == R"({"rendered": "Analyze ETH momentum...", "length": 23})");
    CHECK(call(server, "DELETE", "/api/prompts/2").body == R"({"status": "ok"})");
    CHECK(call(server, "GET", "/api/prompts/2").body ==
          error_body("Prompt not found", "PROMPT_NOT_FOUND", 1));
    CHECK(call(server, "POST", "/api/prompts/9/copy").status == 404);

    const auto chat =
        call(server, "POST", "/api/prompts/ai-chat-stream", R"({"context": {}, "message": "write one"})");
    CHECK(chat.status == 200);
    CHECK(chat.body == R"({"status": "queued", "task_id": "task-1"})");
    CHECK(call(server, "POST", "/api/prompts/ai-chat-stream", R"({"message": "no context"})").body ==
          error_body("context is required", "VALIDATION_ERROR", 3));

    const auto task = call(
        server, "POST", "/api/prompt-backtest/tasks",
        R"({"prompt_id": "prompt-uuid", "trader_id": "trader-uuid", "config": {"symbols": ["BTC"], "start_date": "2025-03-01T00:00:00Z", "end_date": "2025-04-01T00:00:00Z", "interval": "4h", "initial_balance": 10000.0}})");
    CHECK(task.status == 202);
    CHECK(
        task.body ==
        R"({"id": 1, "status": "queued", "account_id": "trader-uuid", "started_at": null, "finished_at": null, "progress": 0.0, "sample_count": 186})");
}

TEST_CASE("stand-in api: signals and pools") {
    StandIn server;
    CHECK(
        get(server, "/api/signals/") ==
        R"({"definitions": [{"id": 1, "name": "RSI Oversold", "type": "threshold", "enabled": true}], "pools": [{"id": 1, "name": "Momentum Pool", "signals_count": 3}]})");
    const auto created = call(
        server, "POST", "/api/signals/definitions",
        R"({"name": "RSI Oversold", "type": "threshold", "config": {"indicator": "rsi", "threshold": 30, "direction": "below"}})");
    CHECK(created.status == 201);
    CHECK(created.body == R"({"id": 2, "name": "RSI Oversold", "type": "threshold", "enabled": true})");
    CHECK(
        get(server, "/api/signals/definitions/1") ==
        R"({"id": 1, "name": "RSI Oversold", "type": "threshold", "config": {"indicator": "rsi", "threshold": 30, "direction": "below"}})");
    CHECK(
        call(server, "PUT", "/api/signals/definitions/1",
             R"({"config": {"indicator": "rsi", "threshold": 25, "direction": "below"}})")
            .body ==
        R"({"id": 1, "name": "RSI Oversold", "config": {"indicator": "rsi", "threshold": 25, "direction": "below"}})");
    CHECK(call(server, "POST", "/api/signals/definitions", R"({"name": "x", "type": "threshold"})").body ==
          error_body("config is required", "VALIDATION_ERROR", 1));
    const auto removed = call(server, "DELETE", "/api/signals/definitions/2");
    CHECK(removed.status == 204);
    CHECK(removed.body.empty());
    CHECK(call(server, "GET", "/api/signals/definitions/2").body ==
          error_body("Signal definition not found", "SIGNAL_NOT_FOUND", 2));

    const auto pool = call(
        server, "POST", "/api/signals/pools",
        R"({"name": "Bullish Confluence", "signal_ids": [1], "logic": "or", "symbols": ["BTC", "ETH"]})");
    CHECK(pool.status == 201);
    CHECK(
        pool.body ==
        R"({"id": 2, "name": "Bullish Confluence", "signals_count": 1, "logic": "or", "signal_ids": [1], "symbols": ["BTC", "ETH"]})");
    CHECK(call(server, "POST", "/api/signals/pools", R"({"name": "x", "signal_ids": [5]})").status == 404);
    CHECK(call(server, "POST", "/api/signals/pools", R"({"name": "x", "logic": "xor"})").status == 422);
    CHECK(parse(get(server, "/api/signals/")).at("pools").size() == 2);
}

TEST_CASE("stand-in api: factors, with percent-decoded factor names") {
    StandIn server;
    CHECK(
        get(server, "/api/factors/custom") ==
        R"([{"id": 1, "name": "vol_momentum", "expression": "volume_change * momentum_1d", "created_at": "2026-04-01T00:00:00Z"}])");
    const auto created = call(
        server, "POST", "/api/factors/custom",
        R"({"name": "vol momentum/2", "expression": "volume_change * momentum_1d", "description": "x"})");
    CHECK(created.status == 201);
    CHECK(created.body ==
          R"({"id": 2, "name": "vol momentum/2", "expression": "volume_change * momentum_1d"})");
    CHECK(
        call(server, "PUT", "/api/factors/custom/1", R"({"expression": "volume_change * momentum_1d * 1.5"})")
            .body == R"({"id": 1, "expression": "volume_change * momentum_1d * 1.5"})");

    CHECK(parse(get(server, "/api/factors/effectiveness")).size() == 5);  // built-in and custom
    const std::string effectiveness = get(server, "/api/factors/effectiveness");
    CHECK(effectiveness.rfind(
              R"([{"factor_name": "momentum_1d", "ic": 0.12, "rank_ic": 0.15, "win_rate": 0.58}, )", 0) == 0);
    CHECK(parse(effectiveness)[2].at("factor_name") == "btc/eth ratio");
    CHECK(get(server, "/api/factors/effectiveness/momentum_1d/history") ==
          R"([{"date": "2026-04-01", "ic": 0.10}, {"date": "2026-04-08", "ic": 0.14}])");
    // "btc/eth ratio" only resolves when its slash and space arrive encoded and are decoded.
    CHECK(get(server, "/api/factors/effectiveness/btc%2Feth%20ratio/history") ==
          R"([{"date": "2026-04-01", "ic": 0.05}, {"date": "2026-04-08", "ic": 0.09}])");
    CHECK(call(server, "GET", "/api/factors/effectiveness/btc/eth%20ratio/history").status == 404);
    CHECK(parse(get(server, "/api/factors/effectiveness/vol%20momentum%2F2/by-window"))[0].at(
              "factor_name") == "vol momentum/2");
    CHECK(
        get(server, "/api/factors/effectiveness/momentum_1d/by-window") ==
        R"([{"factor_name": "momentum_1d", "window": "1d", "ic": 0.12, "rank_ic": 0.15, "win_rate": 0.58}, )"
        R"({"factor_name": "momentum_1d", "window": "7d", "ic": 0.14, "rank_ic": 0.17, "win_rate": 0.58}, )"
        R"({"factor_name": "momentum_1d", "window": "30d", "ic": 0.09, "rank_ic": 0.12, "win_rate": 0.58}])");
    CHECK(call(server, "GET", "/api/factors/effectiveness/no%20such%2Ffactor/history").body ==
          error_body("Factor not found: no such/factor", "FACTOR_NOT_FOUND", 1));
    CHECK(call(server, "DELETE", "/api/factors/custom/2").body == R"({"status": "ok"})");
    CHECK(call(server, "DELETE", "/api/factors/custom/2").body ==
          error_body("Factor not found", "FACTOR_NOT_FOUND", 2));
}

TEST_CASE("stand-in api: analytics summary honours days, breakdowns are the documented ones") {
    StandIn server;
    CHECK(get(server, "/api/analytics/summary") ==
          R"({"total_trades": 150, "win_rate": 0.62, "total_pnl": 3200.0, "avg_return_pct": 1.8})");
    CHECK(get(server, "/api/analytics/summary?days=7") ==
          R"({"total_trades": 35, "win_rate": 0.62, "total_pnl": 746.67, "avg_return_pct": 1.8})");
    const auto bad = call(server, "GET", "/api/analytics/summary?days=0");
    CHECK(bad.status == 422);
    CHECK(parse(bad.body).at("detail")[0].at("loc") == nlohmann::json::array({"query", "days"}));
    CHECK(
        get(server, "/api/analytics/by-strategy") ==
        R"([{"strategy": "prompt", "trades": 100, "win_rate": 0.65, "pnl": 2500.0}, {"strategy": "program", "trades": 50, "win_rate": 0.56, "pnl": 700.0}])");
    CHECK(get(server, "/api/analytics/by-account") ==
          R"([{"account_id": 1, "account_name": "Main", "trades": 80, "pnl": 2000.0}])");
    CHECK(
        get(server, "/api/analytics/by-symbol") ==
        R"([{"symbol": "BTC", "trades": 60, "win_rate": 0.68, "pnl": 1800.0}, {"symbol": "ETH", "trades": 40, "win_rate": 0.55, "pnl": 500.0}])");
    CHECK(
        get(server, "/api/analytics/by-operation") ==
        R"([{"operation": "buy", "trades": 90, "win_rate": 0.64, "pnl": 2200.0}, {"operation": "sell", "trades": 60, "win_rate": 0.58, "pnl": 1000.0}])");
    CHECK(
        get(server, "/api/analytics/by-trigger-type") ==
        R"([{"trigger_type": "ai_decision", "trades": 100, "pnl": 2500.0}, {"trigger_type": "signal", "trades": 30, "pnl": 400.0}, {"trigger_type": "manual", "trades": 20, "pnl": 300.0}])");
    CHECK(parse(get(server, "/api/analytics/by-factor")).size() == 2);
}

TEST_CASE("stand-in api: hyperliquid positions, balance and state") {
    StandIn server;
    CHECK(
        get(server, "/api/hyperliquid/accounts/1/positions") ==
        R"({"positions": [{"symbol": "BTC", "side": "long", "size": 0.05, "entry_price": 65500.0, "mark_price": 67012.50, "leverage": 3, "liquidation_price": 45210.75, "unrealized_pnl": 75.625}, )"
        R"({"symbol": "ETH", "side": "short", "size": 1.2, "entry_price": 3500.25, "mark_price": 3450.25, "leverage": 2, "liquidation_price": null, "unrealized_pnl": 60.0}], "total_count": 2, "total_unrealized_pnl": 135.625})");
    CHECK(
        get(server, "/api/hyperliquid/accounts/1/balance") ==
        R"({"available": 9876.54, "environment": "mainnet", "exchange": "hyperliquid", "total_equity": 12345.67, "margin_used": 1500, "unrealized_pnl": 0.05})");
    CHECK(
        get(server, "/api/hyperliquid/account/1/state") ==
        R"({"id": 1001, "account_id": 1, "environment": "mainnet", "balance_available": 9876.54, "balance_total": 12345.67, "margin_used": 1500, "unrealized_pnl": 0.05, "taken_at": "2026-04-09T12:00:00Z"})");
    CHECK(get(server, "/api/hyperliquid/accounts/2/positions") ==
          R"({"positions": [], "total_count": 0, "total_unrealized_pnl": 0.0})");
    CHECK(call(server, "GET", "/api/hyperliquid/accounts/9/balance").body ==
          error_body("Account not found", "ACCOUNT_NOT_FOUND", 1));
    // The singular/plural path nouns are as documented; the other spelling is no route.
    CHECK(call(server, "GET", "/api/hyperliquid/account/1/positions").body == k_not_found);
}

TEST_CASE("stand-in api: conversations have ids above 2^53") {
    StandIn server;
    const auto created =
        call(server, "POST", "/api/hyper-ai/conversations", R"({"context": {}, "message": "hi"})");
    CHECK(created.status == 201);
    CHECK(
        created.body ==
        R"({"id": 9007199254740993, "title": null, "message_count": 0, "created_at": "2026-04-09T12:00:00Z", "updated_at": "2026-04-09T12:00:00Z"})");
    CHECK(
        parse(call(server, "POST", "/api/hyper-ai/conversations", R"({"context": {}, "message": "x"})").body)
            .at("id")
            .dump() == "9007199254740994");
    const auto invalid = call(server, "POST", "/api/hyper-ai/conversations", R"({"context": {}})");
    CHECK(invalid.status == 422);
    CHECK(invalid.body ==
          R"({"code": "VALIDATION_ERROR", "details": {"loc": ["body"]}, "message": "message is required"})");
}

TEST_CASE("stand-in api: the chat stream arrives in awkward chunks") {
    StandIn server;
    const auto wire =
        call(server, "POST", "/api/hyper-ai/chat", R"({"context": {}, "message": "How is BTC?"})");
    CHECK(wire.status == 200);
    CHECK(wire.header("Content-Type") == "text/event-stream");
    CHECK(wire.header("Transfer-Encoding") == "chunked");
    CHECK_FALSE(wire.header("Content-Length").has_value());
    const auto chunks = dechunk(wire.body);
    CHECK(joined(chunks) == k_chat_stream);
    CHECK(chunks.size() >= 10);
    CHECK(any_ends_with(chunks, "event: status\r"));    // CR and LF in different chunks
    CHECK(any_ends_with(chunks, "}\r\n\r"));            // so too for a blank line
    CHECK(any_ends_with(chunks, "67012.50 \xF0\x9F"));  // inside a 4-byte UTF-8 sequence
    CHECK(any_ends_with(chunks, "caf\xC3"));            // inside a 2-byte one
    CHECK(any_ends_with(chunks, "ret"));                // inside a field name
    CHECK(wire.reads >= 2);                             // flushed apart, not in one segment

    // The turn went to a new conversation; naming it continues it.
    const auto again = call(server, "POST", "/api/hyper-ai/chat",
                            R"({"context": {}, "message": "more", "conversation_id": 9007199254740993})");
    CHECK(joined(dechunk(again.body)).find(R"({"conversation_id": 9007199254740993})") != std::string::npos);
    const auto unknown = call(server, "POST", "/api/hyper-ai/chat",
                              R"({"context": {}, "message": "x", "conversation_id": 5})");
    CHECK(unknown.status == 404);
    CHECK(unknown.body == error_body("Conversation not found", "CONVERSATION_NOT_FOUND", 1));
}

TEST_CASE("stand-in api: chat streams that fail or are cut short") {
    StandIn server;
    const auto failed =
        call(server, "POST", "/api/hyper-ai/chat", R"({"context": {}, "message": "please fail now"})");
    CHECK(failed.status == 200);
    CHECK(joined(dechunk(failed.body)) ==
          status_event("9007199254740993") +
              "event: token\r\ndata: {\"content\": \"Let me check\"}\r\n\r\n"
              "event: error\r\ndata: {\"message\": \"model unavailable\", \"code\": \"MODEL_ERROR\"}\r\n\r\n"
              "event: done\r\ndata: [DONE]\r\n\r\n");
    const auto cut = call(server, "POST", "/api/hyper-ai/chat", R"({"context": {}, "message": "cut it"})");
    CHECK(joined(dechunk(cut.body)) == status_event("9007199254740994") +
                                           "event: token\r\ndata: {\"content\": \"Partial answer\"}\r\n\r\n"
                                           "event: token\r\ndata: {\"content\": \" and mo");
    // "execute" holds "cut" but not as a word.
    const auto word = call(server, "POST", "/api/hyper-ai/chat", R"({"context": {}, "message": "execute"})");
    CHECK(joined(dechunk(word.body)).find("[DONE]") != std::string::npos);
}

TEST_CASE("stand-in api: --sse-framing close sends the stream without a length, then closes") {
    StandIn server({"--sse-framing", "close", "--sse-delay", "0"});
    const auto wire = call(server, "POST", "/api/hyper-ai/chat", R"({"context": {}, "message": "hello"})");
    CHECK(wire.status == 200);
    CHECK(wire.header("Connection") == "close");
    CHECK_FALSE(wire.header("Transfer-Encoding").has_value());
    CHECK_FALSE(wire.header("Content-Length").has_value());
    CHECK(wire.body == k_chat_stream);
}

TEST_CASE("stand-in api: ai-stream polls page through the chunks") {
    StandIn server;
    CHECK(
        call(server, "POST", "/api/prompts/ai-chat-stream", R"({"context": {}, "message": "draft"})").body ==
        R"({"status": "queued", "task_id": "task-1"})");
    CHECK(
        get(server, "/api/ai-stream/task-1") ==
        R"({"task_id": "task-1", "status": "running", "chunks": [{"index": 0, "kind": "text", "metadata": {}, "content": "Here is a momentum prompt: "}, )"
        R"({"index": 1, "kind": "text", "metadata": {}, "content": "Analyze {{symbol}} momentum on the 1h chart."}], "is_done": false, "next_cursor": 2})");
    CHECK(
        get(server, "/api/ai-stream/task-1?since=2") ==
        R"({"task_id": "task-1", "status": "completed", "chunks": [{"index": 2, "kind": "text", "metadata": {}, "content": " Done \u2713"}], "is_done": true, "next_cursor": 3})");
    CHECK(parse(get(server, "/api/ai-stream/task-1?since=3")).at("chunks").empty());
    CHECK(call(server, "GET", "/api/ai-stream/task-9").body ==
          error_body("Task not found", "TASK_NOT_FOUND", 1));
    CHECK(call(server, "GET", "/api/ai-stream/task-1?since=-1").status == 422);

    call(server, "POST", "/api/prompts/ai-chat-stream", R"({"context": {}, "message": "fail please"})");
    CHECK(
        get(server, "/api/ai-stream/task-2") ==
        R"({"task_id": "task-2", "status": "failed", "chunks": [{"index": 0, "kind": "text", "metadata": {}, "content": "Here is a momentum prompt: "}], "is_done": true, "next_cursor": 1, "error": {"message": "model unavailable", "code": "MODEL_ERROR"}})");
}

TEST_CASE("stand-in api: seed adds generated items with continuing ids") {
    StandIn server;
    CHECK(seed(server, R"({"kind": "accounts", "count": 250})") ==
          parse(R"({"kind": "accounts", "added": 250, "first_id": 3, "last_id": 252, "total": 252})"));
    const auto accounts = parse(get(server, "/api/account/list"));
    REQUIRE(accounts.size() == 251);  // the hidden seeded account stays hidden
    CHECK(accounts[1].at("name") == "Trader 0001");
    CHECK(accounts[250].at("name") == "Trader 0250");
    CHECK(accounts[250].at("id") == 252);

    CHECK(seed(server, R"({"kind": "orders", "count": 3, "fields": {"account_id": 2}})").at("first_id") ==
          42);
    CHECK(parse(get(server, "/api/orders/account/2")).size() == 3);
    CHECK(call(server, "POST", "/api/orders/create", k_order_body).body.rfind(R"({"id": 45,)", 0) == 0);

    seed(server, R"({"kind": "users", "count": 2})");
    const auto login = send(server, "POST", "/api/users/login", {k_json},
                            R"({"email": "trader0002@example.com", "password": "secret"})");
    CHECK(login.status == 200);
    for (const char* kind : {"programs", "prompts", "factors", "signals", "backfill-tasks"}) {
        CHECK(seed(server, std::string(R"({"kind": ")") + kind + R"(", "count": 2})").at("added") == 2);
    }
    CHECK(parse(get(server, "/api/programs/"))[2].at("name") == "Program 0002");

    CHECK(send(server, "POST", "/__standin/seed", {k_json}, R"({"kind": "planets", "count": 1})").status ==
          400);
    CHECK(send(server, "POST", "/__standin/seed", {k_json}, R"({"kind": "orders", "count": -1})").status ==
          400);
    server.reset();
    CHECK(seed(server, R"({"kind": "accounts", "count": 1})").at("first_id") == 3);
    CHECK(parse(get(server, "/api/account/list"))[1].at("name") == "Trader 0001");
    CHECK(server.requests().size() == 1);  // control requests are not logged
}

TEST_CASE("stand-in api: page, per_page and limit slice the lists") {
    StandIn server;
    seed(server, R"({"kind": "accounts", "count": 250})");
    const auto page_2 = parse(get(server, "/api/account/list?page=2&per_page=100"));
    REQUIRE(page_2.size() == 100);
    CHECK(page_2[0].at("id") == 102);
    CHECK(page_2[0].at("name") == "Trader 0100");
    CHECK(page_2[99].at("id") == 201);
    const auto page_3 = parse(get(server, "/api/account/list?page=3&per_page=100"));
    REQUIRE(page_3.size() == 51);
    CHECK(page_3[50].at("name") == "Trader 0250");
    CHECK(get(server, "/api/account/list?page=4&per_page=100") == "[]");
    CHECK(parse(get(server, "/api/account/list?limit=5")).size() == 5);
    CHECK(parse(get(server, "/api/account/list?page=2&per_page=100&limit=10"))[9].at("id") == 111);
    CHECK(parse(get(server, "/api/account/list?include_hidden=true&per_page=2"))[1].at("id") == 2);
    CHECK(get(server, "/api/account/list?page=2") == "[]");  // per_page defaults to everything

    const auto zero = call(server, "GET", "/api/account/list?page=0");
    CHECK(zero.status == 422);
    CHECK(
        zero.body ==
        R"({"detail": [{"loc": ["query", "page"], "msg": "ensure this value is greater than or equal to 1", "type": "value_error.number.not_ge", "ctx": {"limit_value": 1}}]})");
    CHECK(
        call(server, "GET", "/api/account/list?per_page=ten").body ==
        R"({"detail": [{"loc": ["query", "per_page"], "msg": "value is not a valid integer", "type": "type_error.integer"}]})");

    seed(server, R"({"kind": "orders", "count": 30})");
    CHECK(parse(get(server, "/api/orders/pending?page=3&per_page=10"))[0].at("id") == 62);
    CHECK(parse(get(server, "/api/users/?per_page=1")).size() == 1);
    CHECK(parse(get(
              server,
              "/api/klines/data?symbol=ETH&interval=1d&start=2026-04-01&end=2026-05-01&page=2&per_page=7"))[0]
              .at("timestamp") == "2026-04-08T00:00:00Z");
}

TEST_CASE("stand-in api: --envelope wraps every list") {
    StandIn server({"--envelope"});
    seed(server, R"({"kind": "accounts", "count": 250})");
    const auto first = parse(get(server, "/api/account/list?per_page=100"));
    CHECK(first.at("items").size() == 100);
    CHECK(first.at("total") == 251);
    CHECK(first.at("page") == 1);
    CHECK(first.at("per_page") == 100);
    CHECK(first.at("next") == 2);
    const auto last = parse(get(server, "/api/account/list?per_page=100&page=3"));
    CHECK(last.at("items").size() == 51);
    CHECK(last.at("next").is_null());
    const auto whole = parse(get(server, "/api/account/list"));
    CHECK(whole.at("per_page") == 251);
    CHECK(whole.at("next").is_null());

    CHECK(get(server, "/api/orders/pending") ==
          R"({"items": [], "total": 0, "page": 1, "per_page": 0, "next": null})");
    CHECK(
        get(server,
            "/api/klines/"
            "data?symbol=SOL&interval=4h&start=2026-04-01T00:00:00Z&end=2026-04-01T08:00:00Z&per_page=1") ==
        R"({"items": [{"timestamp": "2026-04-01T00:00:00Z", "open": 142.70, "high": 147.70, "low": 140.70, "close": 144.70, "volume": 20000.0}], "total": 2, "page": 1, "per_page": 1, "next": 2})");
    for (const char* list : {"/api/users/", "/api/orders/user/1", "/api/orders/account/1", "/api/programs/",
                             "/api/prompts/", "/api/factors/custom", "/api/klines/backfill-tasks"}) {
        INFO(list);
        CHECK(parse(get(server, list)).at("items").is_array());
    }
    // Objects with documented array fields are not lists.
    CHECK(parse(get(server, "/api/signals/")).contains("definitions"));
    CHECK(parse(get(server, "/api/klines/supported-symbols")).contains("symbols"));
}

TEST_CASE("stand-in api: trailing-slash routes exist only with the slash") {
    StandIn server;
    for (const char* path : {"/api/users", "/api/programs", "/api/prompts", "/api/signals"}) {
        INFO(path);
        const auto wire = call(server, "GET", path);
        CHECK(wire.status == 404);
        CHECK(wire.body == k_not_found);
        CHECK(call(server, "GET", std::string(path) + "/").status == 200);
    }
    CHECK(call(server, "POST", "/api/programs", R"({"name": "x", "code": "y"})").body == k_not_found);
    CHECK(call(server, "POST", "/api/prompts", R"({"name": "x", "content": "y"})").body == k_not_found);
    // Without their slash these read as a program id.
    CHECK(call(server, "GET", "/api/programs/signal-pools").status == 404);
    CHECK(call(server, "GET", "/api/programs/accounts").status == 404);
    CHECK(call(server, "GET", "/api/programs/signal-pools/").status == 200);
    CHECK(call(server, "GET", "/api/programs/accounts/").status == 200);
}

TEST_CASE("stand-in api: tokens, JSON bodies and methods are checked on the new routes") {
    StandIn server;
    const auto anonymous = send(server, "GET", "/api/orders/pending");
    CHECK(anonymous.status == 401);
    CHECK(anonymous.body == error_body("Invalid or expired session token", "UNAUTHORIZED", 1));
    CHECK(send(server, "GET", "/api/klines/coverage", {"Authorization: Bearer hs_wrong"}).status == 401);
    CHECK(send(server, "POST", "/api/users/register", {k_json}, R"({"username": "u", "password": "p"})")
              .status == 201);

    const auto untyped = send(server, "POST", "/api/orders/create", {k_auth}, k_order_body);
    CHECK(untyped.status == 400);
    CHECK(untyped.body == error_body("Invalid JSON body", "INVALID_JSON", 3));
    CHECK(call(server, "POST", "/api/programs/", "[1]").status == 400);
    CHECK(call(server, "PUT", "/api/prompts/1", "{oops").status == 400);
    CHECK(call(server, "POST", "/api/prompts/preview").status == 400);  // a body is required
    CHECK(call(server, "POST", "/api/orders/process-all").status == 200);

    CHECK(call(server, "DELETE", "/api/klines/coverage").body == R"({"detail": "Method Not Allowed"})");
    CHECK(call(server, "PATCH", "/api/prompts/1").status == 405);
    CHECK(call(server, "GET", "/api/orders/create").status == 405);
    CHECK(call(server, "PUT", "/api/signals/").status == 405);
    CHECK(call(server, "GET", "/api/nothing/here").status == 404);
}

TEST_CASE("stand-in api: every contract endpoint is served") {
    StandIn server;
    seed(server, R"({"kind": "orders", "count": 2})");  // orders 42 and 43
    struct Row {
        const char* method;
        const char* target;
        const char* body;
        int status;
    };
    const std::vector<Row> rows{
        {"GET", "/api/health", "", 200},
        {"POST", "/api/users/register", R"({"username": "alice", "password": "pw"})", 201},
        {"POST", "/api/users/login", R"({"username": "trader1", "password": "secret"})", 200},
        {"GET", "/api/users/profile", "", 200},
        {"PUT", "/api/users/profile", R"({"email": "t@example.com"})", 200},
        {"GET", "/api/users/", "", 200},
        {"GET", "/api/users/exchange-config", "", 200},
        {"POST", "/api/users/exchange-config", R"({"selected_exchange": "binance"})", 200},
        {"GET", "/api/account/list", "", 200},
        {"GET", "/api/account/overview", "", 200},
        {"POST", "/api/account/", R"({"name": "X"})", 201},
        {"PUT", "/api/account/3", R"({"name": "Y"})", 200},
        {"GET", "/api/account/1/overview", "", 200},
        {"GET", "/api/account/1/strategy", "", 200},
        {"GET", "/api/crypto/price?symbol=BTC", "", 200},
        {"POST", "/api/orders/create", k_order_body.c_str(), 201},
        {"GET", "/api/orders/pending", "", 200},
        {"GET", "/api/orders/user/1", "", 200},
        {"GET", "/api/orders/account/1", "", 200},
        {"POST", "/api/orders/execute/42", "", 200},
        {"POST", "/api/orders/cancel/43", "", 200},
        {"POST", "/api/orders/process-all", "", 200},
        {"GET", "/api/klines/data?symbol=BTC&interval=1h&start=2026-04-01&end=2026-04-09", "", 200},
        {"GET", "/api/klines/coverage", "", 200},
        {"GET", "/api/klines/supported-symbols", "", 200},
        {"GET", "/api/klines/backfill-tasks", "", 200},
        {"POST", "/api/klines/backfill", R"({"exchange": "hyperliquid", "symbol": "BTC"})", 202},
        {"GET", "/api/klines/backfill/status/123", "", 200},
        {"GET", "/api/programs/", "", 200},
        {"POST", "/api/programs/", R"({"name": "P", "code": "x"})", 201},
        {"GET", "/api/programs/1", "", 200},
        {"PUT", "/api/programs/2", R"({"enabled": false})", 200},
        {"POST", "/api/programs/test-run", R"({"program_id": 1})", 200},
        {"GET", "/api/programs/dev-guide", "", 200},
        {"GET", "/api/programs/signal-pools/", "", 200},
        {"GET", "/api/programs/accounts/", "", 200},
        {"POST", "/api/programs/validate", R"({"code": "fn run(ctx) { }"})", 200},
        {"POST", "/api/programs/backtest", "{}", 200},
        {"DELETE", "/api/programs/2", "", 204},
        {"GET", "/api/prompts/", "", 200},
        {"POST", "/api/prompts/", R"({"name": "N", "content": "C"})", 201},
        {"GET", "/api/prompts/1", "", 200},
        {"PUT", "/api/prompts/1", R"({"content": "C2"})", 200},
        {"POST", "/api/prompts/1/copy", "", 201},
        {"PATCH", "/api/prompts/3/name", R"({"name": "R"})", 200},
        {"POST", "/api/prompts/preview", R"({"content": "Analyze {symbol}"})", 200},
        {"POST", "/api/prompts/ai-chat-stream", R"({"context": {}, "message": "m"})", 200},
        {"DELETE", "/api/prompts/2", "", 200},
        {"POST", "/api/prompt-backtest/tasks", "{}", 202},
        {"GET", "/api/signals/", "", 200},
        {"POST", "/api/signals/definitions", R"({"name": "S", "type": "threshold", "config": {}})", 201},
        {"GET", "/api/signals/definitions/1", "", 200},
        {"PUT", "/api/signals/definitions/1", R"({"name": "S2"})", 200},
        {"DELETE", "/api/signals/definitions/2", "", 204},
        {"POST", "/api/signals/pools", R"({"name": "Pool", "signal_ids": [1], "logic": "or"})", 201},
        {"GET", "/api/factors/custom", "", 200},
        {"POST", "/api/factors/custom", R"({"name": "f", "expression": "a * b"})", 201},
        {"PUT", "/api/factors/custom/2", R"({"expression": "a * b * 2"})", 200},
        {"DELETE", "/api/factors/custom/2", "", 200},
        {"GET", "/api/factors/effectiveness", "", 200},
        {"GET", "/api/factors/effectiveness/momentum_1d/history", "", 200},
        {"GET", "/api/factors/effectiveness/momentum_1d/by-window", "", 200},
        {"GET", "/api/analytics/summary?days=30", "", 200},
        {"GET", "/api/analytics/by-strategy", "", 200},
        {"GET", "/api/analytics/by-account", "", 200},
        {"GET", "/api/analytics/by-symbol", "", 200},
        {"GET", "/api/analytics/by-operation", "", 200},
        {"GET", "/api/analytics/by-trigger-type", "", 200},
        {"GET", "/api/analytics/by-factor", "", 200},
        {"GET", "/api/hyperliquid/accounts/1/positions", "", 200},
        {"GET", "/api/hyperliquid/accounts/1/balance", "", 200},
        {"GET", "/api/hyperliquid/account/1/state", "", 200},
        {"POST", "/api/hyper-ai/chat", R"({"context": {}, "message": "hi"})", 200},
        {"POST", "/api/hyper-ai/conversations", R"({"context": {}, "message": "hi"})", 201},
        {"GET", "/api/ai-stream/task-1", "", 200},
        {"DELETE", "/api/account/3", "", 204},
        {"POST", "/api/users/logout", "", 200},  // last: it revokes the token
    };
    CHECK(rows.size() == 77);
    for (const auto& row : rows) {
        INFO(row.method << " " << row.target << " " << row.body);
        CHECK(call(server, row.method, row.target, row.body).status == row.status);
    }
    CHECK(server.requests().size() == 77);
}
