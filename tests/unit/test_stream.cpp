// The stream session against an in-memory WebSocket server and a fake clock: subscription
// messages, delivery order, pings, dead connections, reconnects with backoff, rejection, ends.
#include <catch2/catch.hpp>

#include "hyperoru/errors.hpp"
#include "hyperoru/stream.hpp"
#include "support/fake_ws.hpp"

using namespace hyperoru;
using namespace std::chrono_literals;
using test::WsStep;

namespace {

ws::ConnectOptions url(std::string u) {
    ws::ConnectOptions o;
    o.url = std::move(u);
    return o;
}

const std::string k_subscribe =
    R"({"type":"subscribe","request_id":"1","data":{"channels":["trades","positions","model_chat","asset_curve"]}})";

struct Fixture {
    test::FakeClock clock;
    test::FakeWsServer server;
    test::FakeWsConnector connector{server};
    std::vector<std::string> received;
    std::vector<std::string> notices;
    Fixture() { server.clock = &clock; }

    StreamEnd run(StreamOptions options, std::size_t stop_after = 0) {
        Stream stream(connector, url("wss://h/ws?session_token=t"), std::move(options), clock);
        return run(stream, stop_after);
    }
    StreamEnd run(Stream& stream, std::size_t stop_after = 0) {
        return stream.run(
            [&](const ws::Message& m) {
                received.push_back(m.binary ? "<binary " + std::to_string(m.size) + ">" : m.text);
                return stop_after == 0 || received.size() < stop_after;
            },
            [&](const std::string& n) { notices.push_back(n); });
    }
};

}  // namespace

TEST_CASE("stream: subscribes, switches account, bootstraps, delivers in order", "[stream]") {
    Fixture f;
    f.server.open({WsStep::message(R"({"type":"trades","seq":1})"), WsStep::binary(7), WsStep::pong(),
                   WsStep::message("not json"), WsStep::message(R"({"type":"trades","seq":2})")});
    StreamOptions options;
    options.account = "5";
    options.bootstrap = true;
    CHECK(f.run(options, 4) == StreamEnd::stopped);
    CHECK(f.received == std::vector<std::string>{R"({"type":"trades","seq":1})", "<binary 7>", "not json",
                                                 R"({"type":"trades","seq":2})"});
    REQUIRE(f.server.connections.size() == 1);
    CHECK(f.server.connections[0].sent ==
          std::vector<std::string>{k_subscribe,
                                   R"({"type":"switch_account","request_id":"2","data":{"account_id":5}})",
                                   R"({"type":"bootstrap","request_id":"3"})"});
    CHECK(f.server.connections[0].close_code == 1000);
}

TEST_CASE("stream: a JSON message comes printed compact and masked from the pass that classified it",
          "[stream]") {
    Fixture f;
    f.server.open({WsStep::message(R"( {"type": "trades", "n": 0.10, "api_key": "sk-1"} )"),
                   WsStep::message("not json"), WsStep::binary(3), WsStep::message(R"([1, 2.50])")});
    std::vector<std::string> lines;
    Stream stream(f.connector, url("wss://h/ws?session_token=t"), StreamOptions{}, f.clock);
    CHECK(stream.run(
              [&](const ws::Message& m) {
                  lines.push_back(m.compact ? *m.compact : "<none>");
                  return lines.size() < 4;
              },
              {}) == StreamEnd::stopped);
    CHECK(lines == std::vector<std::string>{R"({"type":"trades","n":0.10,"api_key":"********"})", "<none>",
                                            "<none>", "[1,2.50]"});
}

TEST_CASE("stream: the older connect message comes first when asked", "[stream]") {
    Fixture f;
    f.server.open({WsStep::message("{}")});
    StreamOptions options;
    options.connect_token = "tok\"1";
    options.channels = {"trades"};
    CHECK(f.run(options, 1) == StreamEnd::stopped);
    CHECK(
        f.server.connections[0].sent ==
        std::vector<std::string>{R"({"type":"connect","request_id":"1","data":{"session_token":"tok\"1"}})",
                                 R"({"type":"subscribe","request_id":"2","data":{"channels":["trades"]}})"});
}

TEST_CASE("stream: pings every 15 s and takes 45 s without a frame as dead", "[stream]") {
    Fixture f;
    f.clock.random = 0.5;
    // First connection: quiet for ever. Second: one message after the reconnect.
    f.server.open({});
    f.server.open({WsStep::message(R"({"after":"reconnect"})")});
    StreamOptions options;
    CHECK(f.run(options, 1) == StreamEnd::stopped);
    CHECK(f.server.connections[0].pings == 2);  // at 15 s and 30 s; dead at 45 s
    CHECK(f.server.connections[0].close_code == 1001);
    CHECK(f.server.connections[1].sent == std::vector<std::string>{k_subscribe});
    CHECK(f.received == std::vector<std::string>{R"({"after":"reconnect"})"});
    REQUIRE(f.notices.size() == 2);
    CHECK(f.notices[0] == "connection lost: no frame for 45.0 s; reconnecting in 0.5 s (attempt 1)");
    CHECK(f.notices[1] == "reconnected after 0.5 s; subscribed again");
}

TEST_CASE("stream: pongs keep a quiet connection alive", "[stream]") {
    Fixture f;
    std::deque<WsStep> script;
    for (int i = 0; i < 20; ++i) {  // 20 x 30 s of quiet with a pong in between: 10 minutes alive
        script.push_back(WsStep::silence(30s));
        script.push_back(WsStep::pong());
    }
    script.push_back(WsStep::message("last"));
    f.server.open(std::move(script));
    CHECK(f.run({}, 1) == StreamEnd::stopped);
    CHECK(f.server.connects == 1);
    CHECK(f.received == std::vector<std::string>{"last"});
}

namespace {

/// Runs the stream at the top of each jitter window until its first message; returns every sleep
/// it made (the reconnect delays, and the waits for frames of a quiet connection).
std::vector<std::chrono::milliseconds> sleeps_until_first_message(Fixture& f) {
    f.clock.random = 1.0 - 1e-9;
    const auto before = f.clock.sleeps.size();
    CHECK(f.run({}, 1) == StreamEnd::stopped);
    return {f.clock.sleeps.begin() + static_cast<long>(before), f.clock.sleeps.end()};
}

}  // namespace

TEST_CASE("stream: reconnects with full-jitter backoff doubling to the cap", "[stream]") {
    Fixture f;
    SECTION("connection refused") {
        for (int i = 0; i < 7; ++i)
            f.server.fail(ws::Failure{ws::Failure::Kind::network, "connection refused", 0, {}});
    }
    SECTION("a server that accepts and closes at once: the same backoff, not a storm") {
        for (int i = 0; i < 7; ++i) f.server.open({WsStep::close(1011, "bye")});
    }
    f.server.open({WsStep::message("back")});
    CHECK(sleeps_until_first_message(f) ==
          std::vector<std::chrono::milliseconds>{1000ms, 2000ms, 4000ms, 8000ms, 16000ms, 30000ms, 30000ms});
    CHECK(f.server.connects == 8);
}

TEST_CASE("stream: after a connection that stayed up 30 s, the backoff starts again from 1 s", "[stream]") {
    Fixture f;
    f.server.open({WsStep::close(1011, "bye")});
    f.server.open({WsStep::close(1011, "bye")});
    f.server.open({WsStep::silence(31s), WsStep::pong(), WsStep::close(1011, "bye")});  // up 31 s
    f.server.open({WsStep::message("back")});
    std::vector<std::chrono::milliseconds> delays;
    for (const auto sleep : sleeps_until_first_message(f)) {
        if (sleep >= 1000ms)
            delays.push_back(sleep);  // the reconnect delays, not the 200 ms waits for frames
    }
    // 1 s and 2 s after the two quick drops; then 1 s again: the third connection was healthy.
    CHECK(delays == std::vector<std::chrono::milliseconds>{1000ms, 2000ms, 1000ms});
}

TEST_CASE("stream: max-reconnects and exit-on-disconnect bound the retries", "[stream]") {
    SECTION("max reconnects") {
        Fixture f;
        for (int i = 0; i < 5; ++i) f.server.open({WsStep::drop()});
        StreamOptions options;
        options.max_reconnects = 2;
        Stream stream(f.connector, url("ws://h/ws"), options, f.clock);
        CHECK(f.run(stream) == StreamEnd::disconnected);
        CHECK(f.server.connects == 3);
        CHECK(stream.reconnects() == 2);
        CHECK(stream.reason() == "connection reset by peer");
    }
    SECTION("exit on disconnect") {
        Fixture f;
        f.server.open({WsStep::message("one"), WsStep::close(1011, "going away")});
        StreamOptions options;
        options.exit_on_disconnect = true;
        Stream stream(f.connector, url("ws://h/ws"), options, f.clock);
        CHECK(f.run(stream) == StreamEnd::disconnected);
        CHECK(f.server.connects == 1);
        CHECK(stream.reason() == "closed by the server (1011 going away)");
        CHECK(f.received == std::vector<std::string>{"one"});
    }
}

TEST_CASE("stream: a rejected token ends at once, without retrying", "[stream]") {
    SECTION("401 on the upgrade") {
        Fixture f;
        f.server.fail(ws::Failure{ws::Failure::Kind::auth, "HTTP 401", 0, {}});
        CHECK(f.run({}) == StreamEnd::rejected);
        CHECK(f.server.connects == 1);
    }
    SECTION("a close saying so") {
        Fixture f;
        f.server.open({WsStep::close(4401, "unauthorized")});
        CHECK(f.run({}) == StreamEnd::rejected);
        CHECK(f.server.connects == 1);
    }
    SECTION("an error message with an auth code, printed first") {
        Fixture f;
        const std::string error =
            R"({"type":"error","data":{"error":"session expired","code":"UNAUTHORIZED"}})";
        f.server.open({WsStep::message(error)});
        Stream stream(f.connector, url("ws://h/ws"), {}, f.clock);
        CHECK(f.run(stream) == StreamEnd::rejected);
        CHECK(f.received == std::vector<std::string>{error});
        CHECK(stream.reason() == "session expired");
    }
}

TEST_CASE("stream: duration ends the run, reconnect waits included", "[stream]") {
    Fixture f;
    f.server.open({WsStep::silence(10s), WsStep::message("a"), WsStep::silence(100s)});
    StreamOptions options;
    options.duration = 60s;
    CHECK(f.run(options) == StreamEnd::stopped);
    CHECK(f.received == std::vector<std::string>{"a"});
    CHECK(f.clock.current - std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} >= 60s);
    CHECK(f.clock.current - std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} < 61s);
}

TEST_CASE("stream: the system time stepping back an hour changes neither pings nor dead detection",
          "[stream]") {
    Fixture f;
    // Quiet after the step; the drop at 70 s only ends the test if the step had fooled the stream.
    f.server.open({WsStep::silence(10s), WsStep::step_wall_clock(-1h), WsStep::silence(60s), WsStep::drop()});
    f.server.open({WsStep::message("back")});
    CHECK(f.run({}, 1) == StreamEnd::stopped);
    CHECK(f.server.connections[0].pings == 2);  // at 15 s and 30 s
    REQUIRE(f.notices.size() == 2);
    CHECK(f.notices[0] == "connection lost: no frame for 45.0 s; reconnecting in 0.5 s (attempt 1)");
}

TEST_CASE("stream: the system time stepping forward does not end --duration early", "[stream]") {
    Fixture f;
    f.server.open({WsStep::silence(4s), WsStep::step_wall_clock(1h), WsStep::message("a"), WsStep::pong(),
                   WsStep::silence(10s), WsStep::pong(), WsStep::silence(10s), WsStep::pong()});
    StreamOptions options;
    options.duration = 20s;
    const auto started = f.clock.steady;
    CHECK(f.run(options) == StreamEnd::stopped);
    CHECK(f.received == std::vector<std::string>{"a"});
    CHECK(f.clock.steady - started == 20s);
}

TEST_CASE("stream: a close reason or error that echoes the token is redacted", "[stream]") {
    SECTION("a close reason in the reconnect notice") {
        Fixture f;
        f.server.open({WsStep::close(1011, "bad session tok-SECRET-123")});
        f.server.open({WsStep::message("back")});
        ws::ConnectOptions connect = url("ws://h/ws");
        connect.secrets = {"tok-SECRET-123"};
        Stream stream(f.connector, connect, {}, f.clock);
        CHECK(f.run(stream, 1) == StreamEnd::stopped);
        REQUIRE(!f.notices.empty());
        CHECK(f.notices[0].find("tok-SECRET-123") == std::string::npos);
        CHECK(f.notices[0].starts_with("connection lost: closed by the server (1011 bad session "));
    }
    SECTION("an error reply to a one-shot request") {
        Fixture f;
        f.server.open({WsStep::message(
            R"({"type":"error","request_id":"1","data":{"error":"no such token tok-SECRET-123","code":"X"}})")});
        ws::ConnectOptions connect = url("ws://h/ws");
        connect.secrets = {"tok-SECRET-123"};
        try {
            (void)stream_request(f.connector, connect, f.clock, "get_snapshot", std::nullopt, 10s);
            FAIL("no error");
        } catch (const StreamError& e) {
            CHECK(e.body().message.find("tok-SECRET-123") == std::string::npos);
            CHECK(e.body().message.starts_with("no such token "));
        }
    }
}

TEST_CASE("stream: an interrupt sends a close frame", "[stream]") {
    Fixture f;
    f.server.open({WsStep::message("a")});
    Stream stream(f.connector, url("ws://h/ws"), {}, f.clock);
    const StreamEnd end = stream.run([&](const ws::Message&) {
        interrupt_flag().store(true);
        return true;
    });
    interrupt_flag().store(false);
    CHECK(end == StreamEnd::interrupted);
    CHECK(f.server.connections[0].close_code == 1000);
}

TEST_CASE("stream: an hour of drops loses nothing sent after each reconnect", "[stream]") {
    Fixture f;
    int sent = 0;
    for (int round = 0; round < 12; ++round) {  // a drop every ~5 minutes for an hour
        std::deque<WsStep> script;
        for (int i = 0; i < 50; ++i) {
            script.push_back(WsStep::message(R"({"type":"trades","seq":)" + std::to_string(++sent) + "}"));
            script.push_back(WsStep::silence(6s));
        }
        script.push_back(WsStep::drop());
        f.server.open(std::move(script));
    }
    f.server.open({WsStep::message("end")});
    CHECK(f.run({}, static_cast<std::size_t>(sent) + 1) == StreamEnd::stopped);
    REQUIRE(f.received.size() == static_cast<std::size_t>(sent) + 1);
    for (int i = 0; i < sent; ++i)
        CHECK(f.received[static_cast<std::size_t>(i)] ==
              R"({"type":"trades","seq":)" + std::to_string(i + 1) + "}");
    CHECK(f.server.connects == 13);
    for (const auto& connection : f.server.connections) CHECK(connection.sent.front() == k_subscribe);
    CHECK(f.clock.current - std::chrono::sys_days{std::chrono::year{2026} / 11 / 25} >= 60min);
}

TEST_CASE("stream: one-shot requests skip pushes and match request_id", "[stream]") {
    Fixture f;
    const std::string reply = R"({"type":"snapshot","request_id":"1","data":{"equity":10000.0}})";
    f.server.open({WsStep::message(R"({"type":"trades","seq":1})"),
                   WsStep::message(R"({"type":"x","request_id":"9"})"), WsStep::message(reply)});
    const auto message =
        stream_request(f.connector, url("ws://h/ws"), f.clock, "get_snapshot", R"({"account_id":1})", 10s);
    CHECK(message.text == reply);
    CHECK(f.server.connections[0].sent ==
          std::vector<std::string>{R"({"type":"get_snapshot","request_id":"1","data":{"account_id":1}})"});

    f.server.open({WsStep::message(
        R"({"type":"error","request_id":"1","data":{"error":"Account not found","code":"ACCOUNT_NOT_FOUND"}})")});
    try {
        stream_request(f.connector, url("ws://h/ws"), f.clock, "get_snapshot", R"({"account_id":9})", 10s);
        FAIL("expected StreamError");
    } catch (const StreamError& e) {
        CHECK(e.kind() == StreamError::Kind::error_reply);
        CHECK(std::string(e.what()) == "Account not found");
        CHECK(e.body().message == "Account not found");
        CHECK(e.body().code == "ACCOUNT_NOT_FOUND");
    }
    f.server.open({WsStep::silence(60s)});
    CHECK_THROWS_AS(stream_request(f.connector, url("ws://h/ws"), f.clock, "bootstrap", std::nullopt, 5s),
                    TransportError);
    f.server.fail(ws::Failure{ws::Failure::Kind::auth, "HTTP 401", 0, {}});
    try {
        stream_request(f.connector, url("ws://h/ws"), f.clock, "bootstrap", std::nullopt, 5s);
        FAIL("expected StreamError");
    } catch (const StreamError& e) {
        CHECK(e.kind() == StreamError::Kind::rejected);
        CHECK(std::string(e.what()) == "HTTP 401");
    }
    // A refused upgrade is a TransportError whose text is the ws layer's, said once.
    f.server.fail(
        ws::Failure{ws::Failure::Kind::protocol, "WebSocket upgrade refused: HTTP 404 Not Found", 0, {}});
    try {
        stream_request(f.connector, url("ws://h/ws"), f.clock, "bootstrap", std::nullopt, 5s);
        FAIL("expected TransportError");
    } catch (const TransportError& e) {
        CHECK(std::string(e.what()) == "WebSocket upgrade refused: HTTP 404 Not Found");
    }
}

TEST_CASE("stream: the URL is derived from the base URL, token percent-encoded", "[stream]") {
    CHECK(ws::stream_url("https://api.production.hyperoru.com/", std::string("a+b/c")) ==
          "wss://api.production.hyperoru.com/ws?session_token=a%2Bb%2Fc");
    CHECK(ws::stream_url("http://127.0.0.1:8080", std::nullopt) == "ws://127.0.0.1:8080/ws");
}

TEST_CASE("stream: a TLS failure is not retried", "[stream]") {
    Fixture f;
    f.server.fail(ws::Failure{ws::Failure::Kind::tls, "certificate verify failed", 0, {}});
    f.server.open({WsStep::message("never")});
    Stream stream(f.connector, url("wss://h/ws"), {}, f.clock);
    CHECK(f.run(stream) == StreamEnd::disconnected);
    CHECK(f.server.connects == 1);
    CHECK(stream.reason() == "certificate verify failed");
}

TEST_CASE("stream: on_idle runs once a burst is delivered, before the stream waits or reconnects",
          "[stream]") {
    Fixture f;
    const auto m = [](int n) {
        return WsStep::message(R"({"type":"trades","seq":)" + std::to_string(n) + "}");
    };
    f.server.open({m(1), m(2), m(3), WsStep::silence(5s), m(4), WsStep::pong(), WsStep::silence(2s), m(5),
                   WsStep::drop()});
    f.server.open({m(6)});
    std::vector<std::string> events;
    Stream stream(f.connector, url("wss://h/ws?session_token=t"), StreamOptions{}, f.clock);
    const StreamEnd end = stream.run(
        [&](const ws::Message& message) {
            events.push_back(message.text.substr(message.text.size() - 2, 1));
            return message.text.find("\"seq\":6") == std::string::npos;  // stop at seq 6
        },
        [&](const std::string&) { events.emplace_back("notice"); },
        [&] {
            events.emplace_back("idle");
            return true;
        });
    CHECK(end == StreamEnd::stopped);
    // One idle per burst (a pong is no delivery), and one before the notice of the reconnect.
    // (The second notice says the stream is back.)
    CHECK(events ==
          std::vector<std::string>{"1", "2", "3", "idle", "4", "idle", "5", "idle", "notice", "notice", "6"});
}

TEST_CASE("stream: on_idle returning false stops the stream with a normal close", "[stream]") {
    Fixture f;
    f.server.open({WsStep::message("{}"), WsStep::silence(5s), WsStep::message("{}")});
    int delivered = 0;
    Stream stream(f.connector, url("wss://h/ws?session_token=t"), StreamOptions{}, f.clock);
    CHECK(stream.run([&](const ws::Message&) { return ++delivered > 0; }, {}, [] { return false; }) ==
          StreamEnd::stopped);
    CHECK(delivered == 1);
    CHECK(f.server.connections.at(0).close_code == 1000);
}
