// The typed client against an in-memory transport: exact requests, retry decisions and delays
// (with a fake clock), redirects, and the error each status becomes.
#include <catch2/catch.hpp>

#include "hyperoru/client.hpp"
#include "hyperoru/errors.hpp"
#include "support/fake_transport.hpp"

using namespace hyperoru;
using hyperoru::test::FakeClock;
using hyperoru::test::FakeServer;
using namespace std::chrono_literals;

namespace {

struct Fixture {
    std::shared_ptr<FakeServer> server = std::make_shared<FakeServer>();
    FakeClock clock;
    Client client;

    explicit Fixture(std::optional<std::string> token = std::string("tok_abc"), int retries = 3,
                     std::chrono::milliseconds budget = {})
        : client(make_options(std::move(token), retries, budget), test::make_fake_transport(server), clock) {}

    static ClientOptions make_options(std::optional<std::string> token, int retries,
                                      std::chrono::milliseconds budget) {
        ClientOptions o;
        o.base_url = "https://api.example.test/";
        o.token = std::move(token);
        o.retry.max_retries = retries;
        o.budget = budget;
        return o;
    }
};

http::Headers json_type() {
    return {{"Content-Type", "application/json"}};
}

}  // namespace

TEST_CASE("client: GET sends Accept and Bearer, no body and no Content-Type", "[client]") {
    Fixture f;
    f.server->respond(200, R"({"id": 1, "username": "trader1", "email": "t@example.com", "is_active": true})",
                      json_type());
    const auto reply = f.client.profile();
    REQUIRE(f.server->requests.size() == 1);
    const auto& r = f.server->requests[0];
    CHECK(r.method == "GET");
    CHECK(r.url == "https://api.example.test/api/users/profile");
    CHECK(r.headers == http::Headers{{"Accept", "application/json"}, {"Authorization", "Bearer tok_abc"}});
    CHECK_FALSE(r.body.has_value());
    CHECK(reply.value.id->text == "1");
    CHECK(reply.value.username == "trader1");
    CHECK(reply.value.is_active == true);
}

TEST_CASE("client: login sends exact JSON without a token and requires session_token", "[client]") {
    Fixture f(std::nullopt);
    f.server->respond(
        200, R"({"session_token": "abc123", "expires_at": "2026-05-09T00:00:00Z", "user": {"id": "u-7"}})",
        json_type());
    const auto reply = f.client.login({Credentials::By::username, "trader1", "p\"w"});
    const auto& r = f.server->requests.at(0);
    CHECK(r.method == "POST");
    CHECK(r.url == "https://api.example.test/api/users/login");
    CHECK(r.headers == http::Headers{{"Accept", "application/json"}, {"Content-Type", "application/json"}});
    CHECK(r.body == R"({"username":"trader1","password":"p\"w"})");
    CHECK(reply.value.session_token == "abc123");
    CHECK(reply.value.expires_at == "2026-05-09T00:00:00Z");
    CHECK(reply.value.user->id->text == "u-7");

    f.server->respond(200, R"({"session_token": ""})", json_type());
    CHECK_THROWS_AS(f.client.login({Credentials::By::email, "a@b.c", "x"}), DecodeError);
    f.server->respond(200, "", json_type());
    CHECK_THROWS_AS(f.client.login({Credentials::By::email, "a@b.c", "x"}), DecodeError);
    f.server->respond(200, "{\"session_token\": ", json_type());
    CHECK_THROWS_AS(f.client.login({Credentials::By::email, "a@b.c", "x"}), DecodeError);
}

TEST_CASE("client: authenticated call without a token fails before sending", "[client]") {
    Fixture f(std::nullopt);
    try {
        f.client.profile();
        FAIL("expected AuthError");
    } catch (const AuthError& e) {
        CHECK(e.status() == 0);
    }
    CHECK(f.server->requests.empty());
}

TEST_CASE("client: set_token after login makes the next calls carry it, set_token(nullopt) drops it",
          "[client]") {
    Fixture f(std::nullopt);
    f.server->respond(200, R"({"session_token": "hs_new_1234", "user": {"id": 1}})", json_type());
    f.client.set_token(
        f.client.login({Credentials::By::email, "trader@example.com", "pw"}).value.session_token);
    CHECK(f.client.options().token == "hs_new_1234");

    f.server->respond(200, R"({"id": 1})", json_type());
    f.client.profile();
    REQUIRE(f.server->requests.size() == 2);
    CHECK(f.server->requests[1].url == "https://api.example.test/api/users/profile");
    CHECK(f.server->requests[1].headers ==
          http::Headers{{"Accept", "application/json"}, {"Authorization", "Bearer hs_new_1234"}});

    // Another token replaces it.
    f.client.set_token("hs_other_5678");
    f.server->respond(200, R"({"id": 1})", json_type());
    f.client.profile();
    REQUIRE(f.server->requests.size() == 3);
    CHECK(f.server->requests[2].headers ==
          http::Headers{{"Accept", "application/json"}, {"Authorization", "Bearer hs_other_5678"}});

    // Without a token: an authenticated call fails before sending, a public one has no header.
    f.client.set_token(std::nullopt);
    CHECK_FALSE(f.client.options().token.has_value());
    CHECK_THROWS_AS(f.client.profile(), AuthError);
    CHECK(f.server->requests.size() == 3);
    f.server->respond(200, R"({"status": "ok"})", json_type());
    f.client.health();
    REQUIRE(f.server->requests.size() == 4);
    CHECK(f.server->requests[3].headers == http::Headers{{"Accept", "application/json"}});
}

TEST_CASE("client: a token with CR or LF is refused before sending", "[client]") {
    Fixture f(std::string("tok\r\nX-Evil: 1"));
    CHECK_THROWS_AS(f.client.profile(), UsageError);
    CHECK(f.server->requests.empty());
}

TEST_CASE("client: account list query and tolerant decoding", "[client]") {
    Fixture f;
    f.server->respond(200,
                      R"([{"id": 12345678901234567890, "name": "A", "llm_model": "gpt-4o", "model": "old",
                               "initial_capital": "5000.5", "extra": {"x": 1}}, 7, {"account_id": "acc-9"}])",
                      json_type());
    const auto reply = f.client.list_accounts(true);
    CHECK(f.server->requests.at(0).url == "https://api.example.test/api/account/list?include_hidden=true");
    REQUIRE(reply.value.size() == 2);
    CHECK(reply.value[0].id->text == "12345678901234567890");
    CHECK(reply.value[0].model == "gpt-4o");
    CHECK(reply.value[0].initial_capital == Approx(5000.5));
    CHECK(reply.value[1].id->text == "acc-9");

    f.server->respond(200, R"({"items": [{"id": 1}], "total": 1, "next": null})", json_type());
    const auto enveloped = f.client.list_accounts(false);
    CHECK(f.server->requests.at(1).url == "https://api.example.test/api/account/list");
    REQUIRE(enveloped.value.size() == 1);

    f.server->respond(200, "[]", json_type());
    CHECK(f.client.list_accounts().value.empty());
}

TEST_CASE("client: create account body keeps field order and exact extra JSON", "[client]") {
    Fixture f;
    f.server->respond(201, R"({"account_id": 3, "name": "T"})", json_type());
    AccountCreate request;
    request.name = "T";
    request.llm_model = "gpt-4o";
    request.llm_provider = "openai";
    request.extra_fields = {{"initial_capital", "5000.00"}, {"tags", R"([ "a", 1.50 ])"}};
    const auto reply = f.client.create_account(request);
    const auto& r = f.server->requests.at(0);
    CHECK(r.url == "https://api.example.test/api/account/");
    CHECK(
        r.body ==
        R"({"name":"T","llm_provider":"openai","llm_model":"gpt-4o","initial_capital":5000.00,"tags":["a",1.50]})");
    CHECK(reply.value.id->text == "3");
    CHECK(reply.raw.status == 201);

    request.extra_fields = {{"name", "\"again\""}};
    CHECK_THROWS_AS(f.client.create_account(request), UsageError);
    CHECK(f.server->requests.size() == 1);
}

TEST_CASE("client: price percent-encodes the symbol", "[client]") {
    Fixture f;
    f.server->respond(200, R"({"symbol": "A B", "price": "1.5"})", json_type());
    const auto reply = f.client.price("A B&c=d");
    CHECK(f.server->requests.at(0).url == "https://api.example.test/api/crypto/price?symbol=A%20B%26c%3Dd");
    CHECK(reply.value.price == Approx(1.5));
}

TEST_CASE("client: a 2xx body is JSON to a documented endpoint unless empty; call() takes any type",
          "[client]") {
    Fixture f;
    f.server->respond(204);
    CHECK_FALSE(f.client.profile().value.id);
    // A captive portal's page: the token it echoes is redacted, control bytes are escaped.
    f.server->respond(200, "<!DOCTYPE html>\n\n<html>\x1b[2J tok_abc and a long tail of markup</html>",
                      {{"Content-Type", "text/html"}});
    try {
        (void)f.client.health();
        FAIL("no error");
    } catch (const DecodeError& e) {
        CHECK(std::string(e.what()) ==
              "expected JSON, got text/html: <!DOCTYPE html> <html>\\x1B[2J <redacted> and a long tail of ma "
              "...");
    }
    f.server->respond(200, "<html>ok</html>", {{"Content-Type", "text/html"}});
    CHECK(f.client.call("GET", "/api/health", {}, std::nullopt, false).body == "<html>ok</html>");
    f.server->respond(200, "{not json", json_type());
    CHECK_THROWS_AS(f.client.health(), DecodeError);
}

TEST_CASE("client: GET retries 503, 503 then succeeds with exponential delays", "[client][retry]") {
    Fixture f;
    f.clock.random = 0.0;
    f.server->respond(503);
    f.server->respond(503);
    f.server->respond(200, R"({"status": "healthy"})", json_type());
    const auto reply = f.client.health();
    CHECK(f.server->requests.size() == 3);
    CHECK(f.clock.sleeps == std::vector<std::chrono::milliseconds>{1000ms, 2000ms});
    CHECK(reply.raw.attempts == 3);
    CHECK(reply.value.status == "healthy");
}

TEST_CASE("client: retries stop after --retries and report the last status", "[client][retry]") {
    Fixture f(std::string("t"), 2);
    f.clock.random = 0.5;
    for (int i = 0; i < 3; ++i)
        f.server->respond(500, R"({"error": "boom", "code": "INTERNAL"})", json_type());
    try {
        f.client.profile();
        FAIL("expected ApiError");
    } catch (const ApiError& e) {
        CHECK(e.status() == 500);
        CHECK(e.body().message == "boom");
        CHECK(e.attempts() == 3);
    }
    CHECK(f.clock.sleeps == std::vector<std::chrono::milliseconds>{1125ms, 2125ms});
}

TEST_CASE("client: POST is sent once on 500 but retried on 429 and 503", "[client][retry]") {
    Fixture f;
    f.server->respond(500);
    CHECK_THROWS_AS(f.client.create_account({"n", {}, {}, {}, {}, {}, {}}), ApiError);
    CHECK(f.server->requests.size() == 1);

    f.server->respond(429);
    f.server->respond(503);
    f.server->respond(201, "{}", json_type());
    f.client.create_account({"n", {}, {}, {}, {}, {}, {}});
    CHECK(f.server->requests.size() == 4);
}

TEST_CASE("client: 4xx are never retried", "[client][retry]") {
    for (long status : {400L, 401L, 403L, 404L, 405L, 409L, 422L}) {
        Fixture f;
        f.server->respond(status, R"({"error": "no"})", json_type());
        CHECK_THROWS_AS(f.client.profile(), ApiError);
        CHECK(f.server->requests.size() == 1);
        CHECK(f.clock.sleeps.empty());
    }
}

TEST_CASE("client: 401 is an AuthError", "[client]") {
    Fixture f;
    f.server->respond(401, R"({"error": "Invalid token", "code": "UNAUTHORIZED", "request_id": "req_1"})",
                      json_type());
    try {
        f.client.profile();
        FAIL("expected AuthError");
    } catch (const AuthError& e) {
        CHECK(e.status() == 401);
        CHECK(e.body().code == "UNAUTHORIZED");
        CHECK(e.body().request_id == "req_1");
    }
}

TEST_CASE("client: Retry-After seconds and HTTP date replace the backoff", "[client][retry]") {
    Fixture f;
    f.server->respond(429, "", {{"Retry-After", "2"}});
    f.server->respond(503, "", {{"Retry-After", "Wed, 25 Nov 2026 00:00:07 GMT"}});
    f.server->respond(200, "{}", json_type());
    f.client.profile();
    // The fake clock starts at 2026-11-25T00:00:00Z and advances by each sleep: 2 s, then 5 s.
    CHECK(f.clock.sleeps == std::vector<std::chrono::milliseconds>{2000ms, 5000ms});
}

TEST_CASE("client: a Retry-After beyond 60 s gives up at once", "[client][retry]") {
    Fixture f;
    f.server->respond(429, R"({"error": "slow down"})",
                      {{"Retry-After", "120"}, {"Content-Type", "application/json"}});
    try {
        f.client.profile();
        FAIL("expected ApiError");
    } catch (const ApiError& e) {
        CHECK(e.status() == 429);
        CHECK(e.refused_retry_after == std::chrono::seconds{120});
        CHECK(e.body().message ==
              "slow down (the server asked to retry after 120 s, longer than the 60 s the client waits)");
    }
    CHECK(f.server->requests.size() == 1);
    CHECK(f.clock.sleeps.empty());
}

TEST_CASE("client: network failures: GET retried, POST only before sending", "[client][retry]") {
    Fixture f;
    f.server->fail(http::FailureKind::connect, false);
    f.server->respond(200, "{}", json_type());
    f.client.profile();
    CHECK(f.server->requests.size() == 2);

    f.server->fail(http::FailureKind::connect, false);
    f.server->respond(201, "{}", json_type());
    f.client.create_account({"n", {}, {}, {}, {}, {}, {}});
    CHECK(f.server->requests.size() == 4);

    f.server->fail(http::FailureKind::receive, true, "reset");
    try {
        f.client.create_account({"n", {}, {}, {}, {}, {}, {}});
        FAIL("expected TransportError");
    } catch (const TransportError& e) {
        CHECK(e.kind() == http::FailureKind::receive);
        CHECK(std::string(e.what()) == "reset");
    }
    CHECK(f.server->requests.size() == 5);
}

TEST_CASE("client: the time budget covers every attempt and wait; no retry starts past it",
          "[client][retry]") {
    Fixture f(std::string("tok_abc"), 3, 10s);
    f.server->clock = &f.clock;
    SECTION("each attempt gets what is left; the third would start after the end") {
        f.server->exchange_time = 4s;  // each attempt stalls 4 s, then times out
        f.server->fail(http::FailureKind::timeout, true, "timed out: no data for 4 s");
        f.server->fail(http::FailureKind::timeout, true, "timed out: no data for 4 s");
        try {
            (void)f.client.profile();
            FAIL("no error");
        } catch (const TransportError& e) {
            CHECK(e.kind() == http::FailureKind::timeout);
            CHECK(e.attempts() == 2);
        }
        REQUIRE(f.server->requests.size() == 2);
        CHECK(f.server->requests[0].timeout == 10s);
        CHECK(f.server->requests[1].timeout == 4875ms);  // 10 s - 4 s - 1.125 s
        CHECK(f.clock.sleeps ==
              std::vector<std::chrono::milliseconds>{1125ms});  // the 2.125 s wait: not made
    }
    SECTION("a Retry-After that ends past the budget is not waited for") {
        f.server->respond(503, "{}", {{"Retry-After", "12"}});
        try {
            (void)f.client.profile();
            FAIL("no error");
        } catch (const ApiError& e) {
            CHECK(e.status() == 503);
            CHECK(e.attempts() == 1);
        }
        CHECK(f.clock.sleeps.empty());
        CHECK(f.server->requests.size() == 1);
    }
    SECTION("a silent server: the single attempt is cut at the budget") {
        f.server->exchange_time = 1h;
        f.server->fail(http::FailureKind::timeout, true, "timed out");
        CHECK_THROWS_AS(f.client.profile(), TransportError);
        CHECK(f.clock.steady - std::chrono::steady_clock::time_point{1000h} == 10s);
    }
}

TEST_CASE("client: --retries 0 disables retries", "[client][retry]") {
    Fixture f(std::string("t"), 0);
    f.server->respond(503);
    CHECK_THROWS_AS(f.client.profile(), ApiError);
    CHECK(f.server->requests.size() == 1);
}

TEST_CASE("client: 307 to the same origin is followed once with method, body and token", "[client]") {
    Fixture f;
    f.server->respond(307, "", {{"Location", "/api/account/v2/"}});
    f.server->respond(201, "{}", json_type());
    f.client.create_account({"n", {}, {}, {}, {}, {}, {}});
    REQUIRE(f.server->requests.size() == 2);
    CHECK(f.server->requests[1].method == "POST");
    CHECK(f.server->requests[1].url == "https://api.example.test/api/account/v2/");
    CHECK(f.server->requests[1].body == R"({"name":"n"})");
    CHECK(f.server->requests[1].headers == f.server->requests[0].headers);
}

TEST_CASE("client: redirects elsewhere, repeated or of another kind are errors", "[client]") {
    SECTION("another host") {
        Fixture f;
        f.server->respond(307, "", {{"Location", "https://evil.example/api/users/profile"}});
        CHECK_THROWS_WITH(f.client.profile(),
                          Catch::Contains("not followed") && Catch::Contains("another host"));
        CHECK(f.server->requests.size() == 1);
    }
    SECTION("another port") {
        Fixture f;
        f.server->respond(308, "", {{"Location", "https://api.example.test:8443/x"}});
        CHECK_THROWS_AS(f.client.profile(), ApiError);
        CHECK(f.server->requests.size() == 1);
    }
    SECTION("302") {
        Fixture f;
        f.server->respond(302, "", {{"Location", "/api/x"}});
        CHECK_THROWS_AS(f.client.profile(), ApiError);
        CHECK(f.server->requests.size() == 1);
    }
    SECTION("second redirect") {
        Fixture f;
        f.server->respond(307, "", {{"Location", "/a"}});
        f.server->respond(307, "", {{"Location", "/b"}});
        CHECK_THROWS_AS(f.client.profile(), ApiError);
        CHECK(f.server->requests.size() == 2);
    }
}

TEST_CASE("client: logout outcomes", "[client]") {
    Fixture f;
    f.server->respond(200);
    CHECK(f.client.logout() == LogoutOutcome::revoked);
    f.server->respond(404);
    CHECK(f.client.logout() == LogoutOutcome::unsupported);
    f.server->respond(405);
    CHECK(f.client.logout() == LogoutOutcome::unsupported);
    f.server->respond(401);
    CHECK(f.client.logout() == LogoutOutcome::already_invalid);
    f.server->respond(403);
    CHECK_THROWS_AS(f.client.logout(), ApiError);
    const auto& r = f.server->requests.at(0);
    CHECK(r.url == "https://api.example.test/api/users/logout");
    CHECK_FALSE(r.body.has_value());
    CHECK(r.headers == http::Headers{{"Accept", "application/json"}, {"Authorization", "Bearer tok_abc"}});
}

TEST_CASE("client: percent_encode keeps only unreserved characters", "[client]") {
    CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
    CHECK(percent_encode("a/b c%é") == "a%2Fb%20c%25%C3%A9");
}

TEST_CASE("client: typed orders, klines, positions, balance and backtest", "[client]") {
    Fixture f;
    f.server->respond(201,
                      R"({"id": 42, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "limit",
                               "quantity": 0.01, "price": "67000.5", "status": "pending"})",
                      json_type());
    const auto order = f.client.create_order({"1", "BTC", "Long BTC", "buy", "limit", "0.010", "67000.50"});
    CHECK(f.server->requests.at(0).url == "https://api.example.test/api/orders/create");
    CHECK(
        f.server->requests.at(0).body ==
        R"({"account_id":1,"symbol":"BTC","name":"Long BTC","side":"buy","order_type":"limit","quantity":0.010,"price":67000.50})");
    CHECK(order.value.id->text == "42");
    CHECK(order.value.price == Approx(67000.5));
    CHECK(order.value.status == "pending");
    CHECK_THROWS_AS(f.client.create_order({"1", "BTC", "n", "buy", "limit", "1", std::nullopt}), UsageError);
    CHECK_THROWS_AS(f.client.create_order({"1", "BTC", "n", "buy", "market", "lots", std::nullopt}),
                    UsageError);
    CHECK(f.server->requests.size() == 1);

    f.server->respond(200, R"({"items": [{"id": 1, "status": "executed"}], "next": null})", json_type());
    const auto orders = f.client.account_orders("acc/1");
    CHECK(f.server->requests.at(1).url == "https://api.example.test/api/orders/account/acc%2F1");
    REQUIRE(orders.value.size() == 1);
    CHECK(orders.value[0].status == "executed");

    f.server->respond(200, R"([{"timestamp": "2026-04-01T00:00:00Z", "open": 67000.0, "close": "67200.0"}])",
                      json_type());
    const auto candles = f.client.klines("BTC", "1h", "2026-04-01");
    CHECK(f.server->requests.at(2).url ==
          "https://api.example.test/api/klines/data?symbol=BTC&interval=1h&start=2026-04-01");
    REQUIRE(candles.value.size() == 1);
    CHECK(candles.value[0].close == Approx(67200.0));

    f.server->respond(
        200, R"({"positions": [{"symbol": "BTC", "side": "long", "size": 0.05, "liquidation_price": null}],
                               "total_count": 1, "total_unrealized_pnl": 75.0})",
        json_type());
    const auto positions = f.client.positions("1");
    REQUIRE(positions.value.positions.size() == 1);
    CHECK_FALSE(positions.value.positions[0].liquidation_price);
    CHECK(positions.value.total_count == 1);

    f.server->respond(
        200,
        R"({"available": 9876.54, "total_equity": 12345.67, "exchange": "hyperliquid", "environment": "mainnet"})",
        json_type());
    CHECK(f.client.balance("1").value.total_equity == Approx(12345.67));
    CHECK(f.server->requests.at(4).url == "https://api.example.test/api/hyperliquid/accounts/1/balance");

    f.server->respond(
        200,
        R"({"backtest": {"id": 9, "total_trades": 12, "win_rate": 0.5}, "metrics": {"sharpe": 1.25}, "trades": [{"pnl": 1.50}]})",
        json_type());
    const auto result = f.client.program_backtest(R"({"program_id":1})");
    CHECK(f.server->requests.at(5).body == R"({"program_id":1})");
    CHECK(result.value.backtest.total_trades == 12);
    CHECK(result.value.metrics == R"({"sharpe":1.25})");
    CHECK(result.value.trades.size() == 1);
}

namespace {

/// A sink that records what it is given; `repeatable` as a download (true) or a stream.
class RecordingSink final : public http::BodySink {
public:
    explicit RecordingSink(bool repeatable) : m_repeatable(repeatable) {}
    bool start(const http::Response& head) override {
        ++starts;
        content_type = http::find_header(head.headers, "Content-Type").value_or("");
        return true;
    }
    bool write(std::string_view chunk) override {
        text += chunk;
        return true;
    }
    bool repeatable() const noexcept override { return m_repeatable; }

    int starts = 0;
    std::string content_type;
    std::string text;

private:
    bool m_repeatable;
};

}  // namespace

TEST_CASE("client: a download sink is retried after a 503 and gets the body once", "[client][retry]") {
    Fixture f;
    f.clock.random = 0.0;
    f.server->respond(503, "busy, busy", {{"Retry-After", "0"}});
    f.server->respond(200, R"([{"id": 1, "n": 67012.50}])", json_type());
    RecordingSink download(true);
    const http::Request request = f.client.prepare(hyperoru::api::account_list, {}, {});
    const RawReply reply = f.client.send(request, &download);
    CHECK(f.server->requests.size() == 2);
    CHECK(download.starts == 1);
    CHECK(download.content_type == "application/json");
    CHECK(download.text == R"([{"id": 1, "n": 67012.50}])");
    CHECK(reply.status == 200);
    CHECK(reply.body.empty());
}

TEST_CASE("client: a stream sink is not retried after a 503 (§1.9)", "[client][retry]") {
    Fixture f;
    f.server->respond(503, "busy", {{"Retry-After", "0"}});
    RecordingSink stream(false);
    const http::Request request = f.client.prepare(hyperoru::api::account_list, {}, {});
    CHECK_THROWS_AS(f.client.send(request, &stream), ApiError);
    CHECK(f.server->requests.size() == 1);
    CHECK(stream.starts == 0);
    CHECK(stream.text.empty());
}

TEST_CASE("client: a sink never sees a documented endpoint's non-JSON answer; the error is the same",
          "[client]") {
    Fixture f;
    const std::string page = "<!DOCTYPE html>\n\n<html>\x1b[2J tok_abc and a long tail of markup</html>";
    f.server->respond(200, page, {{"Content-Type", "text/html"}});
    f.server->respond(200, page, {{"Content-Type", "text/html"}});
    const http::Request request = f.client.prepare(hyperoru::api::account_list, {}, {});
    std::string collected;
    try {
        (void)f.client.send(request);
        FAIL("no error");
    } catch (const DecodeError& e) {
        collected = e.what();
    }
    RecordingSink download(true);
    try {
        (void)f.client.send(request, &download);
        FAIL("no error");
    } catch (const DecodeError& e) {
        CHECK(std::string(e.what()) == collected);
    }
    CHECK(collected.starts_with("expected JSON, got text/html: <!DOCTYPE html> <html>\\x1B[2J <redacted>"));
    CHECK(download.starts == 0);
    CHECK(download.text.empty());
}
