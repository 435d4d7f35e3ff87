// The Boost.Beast WebSocket connector against the stand-in's /ws (plain and TLS): the upgrade and
// its trace, messages both ways, timeouts that leave the connection usable, pings and pongs, every
// way a connection ends, and certificate checks. The stand-in's /__standin/ws/* control endpoints
// make the server push, close, drop and reject; they are reached over a raw socket (support/wire).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "hyperoru/ws.hpp"
#include "support/process.hpp"
#include "support/standin.hpp"
#include "support/temp_dir.hpp"
#include "support/tls.hpp"
#include "support/wire.hpp"

namespace {

using namespace hyperoru::ws;
using namespace hyperoru::test;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

const std::string k_agent = "hyperoru-test/1";
const std::string k_token = k_standin_token;

std::string url_of(int port, const std::string& token = k_token, const std::string& scheme = "ws",
                   const std::string& host = "127.0.0.1") {
    return scheme + "://" + host + ":" + std::to_string(port) + "/ws?session_token=" + token;
}

ConnectOptions options_for(std::string url, std::ostream* trace = nullptr) {
    ConnectOptions options;
    options.url = std::move(url);
    options.connect_timeout = 5s;
    options.user_agent = k_agent;
    options.trace = trace;
    options.secrets = {k_token};
    return options;
}

/// POSTs `body` to a stand-in control endpoint and requires a 2xx.
std::string control(const StandIn& server, const std::string& path, const std::string& body = "{}") {
    return server.control("POST", path, body);
}

std::string control_get(const StandIn& server, const std::string& path) {
    return server.control("GET", path);
}

/// A counter of GET /__standin/ws/state, once the server has seen `condition` (e.g. "pongs=4":
/// at least 4; "open=0": exactly 0), or after 10 s.
long ws_state(const StandIn& server, const std::string& condition) {
    const auto state = nlohmann::json::parse(control_get(server, "/__standin/ws/state?" + condition));
    return state.at(condition.substr(0, condition.find('='))).get<long>();
}

/// What a call that should have worked gave: the test fails on a Failure.
void sent(const std::optional<Failure>& failure) {
    if (failure) FAIL("the connection failed: " << failure->message);
}

std::optional<Message> received(Next next) {
    if (auto* failure = std::get_if<Failure>(&next)) FAIL("the connection failed: " << failure->message);
    return std::get<std::optional<Message>>(std::move(next));
}

std::unique_ptr<Connection> open(Connector& connector, const ConnectOptions& options) {
    Opened opened = connector.connect(options);
    if (auto* failure = std::get_if<Failure>(&opened)) FAIL("connect failed: " << failure->message);
    return std::get<std::unique_ptr<Connection>>(std::move(opened));
}

/// The Failure a call that should have failed returned.
Failure expect_failure(const std::optional<Failure>& failure) {
    if (!failure) FAIL("the call did not fail");
    return *failure;
}

template <class Outcome>
Failure expect_failure(const Outcome& outcome) {
    const auto* failure = std::get_if<Failure>(&outcome);
    if (failure == nullptr) FAIL("the call did not fail");
    return *failure;
}

Message expect_message(Connection& connection, std::chrono::milliseconds timeout = 5s) {
    auto message = received(connection.next(timeout));
    REQUIRE(message.has_value());
    return *message;
}

/// The next message that is not a pong.
Message expect_data(Connection& connection) {
    for (;;) {
        const Message message = expect_message(connection);
        if (!message.pong) return message;
    }
}

const char* kind_name(Failure::Kind kind) {
    switch (kind) {
        case Failure::Kind::auth: return "auth";
        case Failure::Kind::tls: return "tls";
        case Failure::Kind::network: return "network";
        case Failure::Kind::closed: return "closed";
        case Failure::Kind::timeout: return "timeout";
        case Failure::Kind::protocol: return "protocol";
    }
    return "?";
}

const std::string k_subscribe =
    R"({"type": "subscribe", "request_id": "1", "data": {"channels": ["trades"]}})";
const std::string k_subscribed =
    R"({"type": "subscribed", "request_id": "1", "data": {"channels": ["trades"]}})";

/// A listening socket on 127.0.0.1 that never accepts: connects complete, nothing is answered.
struct SilentListener {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int port = 0;
    SilentListener() {
        REQUIRE(fd >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd, 4) == 0);
        socklen_t size = sizeof address;
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
        port = ntohs(address.sin_port);
    }
    ~SilentListener() { ::close(fd); }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;
};

}  // namespace

TEST_CASE("ws connector: connects with the token, sends subscribe and receives the reply exactly") {
    StandIn server;
    auto connector = make_beast_connector();
    auto connection = open(*connector, options_for(url_of(server.port())));
    sent(connection->send(k_subscribe));
    const Message reply = expect_message(*connection);
    CHECK(reply.text == k_subscribed);
    CHECK_FALSE(reply.binary);
    CHECK_FALSE(reply.pong);
    CHECK(reply.size == k_subscribed.size());
    connection->close(1000, "done");

    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "GET");
    CHECK(requests[0].path == "/ws");
    CHECK(requests[0].query == "session_token=" + k_token);
    CHECK(requests[0].header("Host") == "127.0.0.1:" + std::to_string(server.port()));
    CHECK(requests[0].header("User-Agent") == k_agent);
    CHECK(requests[0].header("Upgrade") == "websocket");
    CHECK(requests[0].header("Sec-WebSocket-Version") == "13");
}

TEST_CASE("ws connector: a next() that times out returns nothing quickly and the connection still works") {
    StandIn server;
    auto connection = open(*make_beast_connector(), options_for(url_of(server.port())));

    const auto start = Steady::now();
    CHECK_FALSE(received(connection->next(200ms)).has_value());
    const auto waited = Steady::now() - start;
    CHECK(waited >= 200ms);
    CHECK(waited < 2s);
    CHECK_FALSE(received(connection->next(0ms)).has_value());

    // The read that timed out is still pending: a send goes out meanwhile and the same read
    // then delivers the reply.
    sent(connection->send(k_subscribe));
    CHECK(expect_message(*connection).text == k_subscribed);
    control(server, "/__standin/ws/push", R"({"messages": ["{\"type\": \"pushed\"}"]})");
    CHECK(expect_message(*connection).text == R"({"type": "pushed"})");
    CHECK(nlohmann::json::parse(control_get(server, "/__standin/ws-log?count=1")).size() == 1);
}

TEST_CASE("ws connector: a large message read through many short timeouts arrives whole") {
    StandIn server;
    auto connection = open(*make_beast_connector(), options_for(url_of(server.port())));
    const std::size_t size = 4u << 20;
    control(server, "/__standin/ws/push", R"({"messages": [{"large": )" + std::to_string(size) + "}]}");
    std::optional<Message> message;
    const auto deadline = Steady::now() + 20s;
    while (!message && Steady::now() < deadline) message = received(connection->next(1ms));
    REQUIRE(message.has_value());
    CHECK(message->size == size);
    CHECK(message->text.size() == size);
    CHECK(message->text.starts_with(R"({"type":"large","data":"xxx)"));
    CHECK(message->text.ends_with(R"(xxx"})"));
}

TEST_CASE("ws connector: binary and fragmented frames, with the server's pings answered") {
    StandIn server;
    auto connection = open(*make_beast_connector(), options_for(url_of(server.port())));
    control(server, "/__standin/ws/push",
            R"({"messages": [{"binary": 1000}, {"fragmented": "{\"type\": \"f\", \"text\": \"caf\u00e9\"}",)"
            R"( "pieces": 5, "ping_between": true}, {"binary": 0}]})");
    const Message binary = expect_data(*connection);
    CHECK(binary.binary);
    CHECK(binary.size == 1000);
    CHECK(binary.text.empty());
    const Message fragmented = expect_data(*connection);
    CHECK_FALSE(fragmented.binary);
    CHECK(fragmented.text == "{\"type\": \"f\", \"text\": \"caf\xc3\xa9\"}");
    const Message empty = expect_data(*connection);
    CHECK(empty.binary);
    CHECK(empty.size == 0);
    // Four pings came between the fragments; Beast answered each while reading.
    CHECK(ws_state(server, "pongs=4") == 4);
}

TEST_CASE("ws connector: a ping is answered by a pong that next() returns as such") {
    StandIn server;
    auto connection = open(*make_beast_connector(), options_for(url_of(server.port())));
    sent(connection->ping());
    const Message pong = expect_message(*connection);
    CHECK(pong.pong);
    CHECK_FALSE(pong.binary);
    CHECK(pong.text.empty());
    CHECK(ws_state(server, "pings=1") == 1);
    // A silent server sends no pong (it loses it): next() times out and the connection stays
    // usable, so the caller's own ping schedule decides when the server is dead.
    control(server, "/__standin/ws/silence", R"({"on": true})");
    sent(connection->ping());
    CHECK_FALSE(received(connection->next(300ms)).has_value());
    CHECK(ws_state(server, "pings=2") == 2);
    control(server, "/__standin/ws/silence", R"({"on": false})");
    sent(connection->ping());
    CHECK(expect_message(*connection).pong);
}

TEST_CASE("ws connector: a close frame from the server ends the connection with its code and reason") {
    StandIn server;
    std::ostringstream trace;
    auto connection = open(*make_beast_connector(), options_for(url_of(server.port()), &trace));
    control(server, "/__standin/ws/close", R"({"code": 1011, "reason": "going away"})");
    const Failure error = expect_failure(connection->next(5s));
    INFO(error.message);
    CHECK(kind_name(error.kind) == std::string("closed"));
    CHECK(error.close_code == 1011);
    CHECK(error.close_reason == "going away");
    CHECK(trace.str().find("* WebSocket closed 1011 going away\n") != std::string::npos);
    // The connection stays ended: later calls throw the same, and close() does not.
    CHECK(expect_failure(connection->send(k_subscribe)).close_code == 1011);
    CHECK(expect_failure(connection->next(10ms)).close_code == 1011);
    connection->close();
    CHECK(ws_state(server, "open=0") == 0);
}

TEST_CASE("ws connector: a dropped connection is a network error") {
    StandIn server;
    auto connection = open(*make_beast_connector(), options_for(url_of(server.port())));
    control(server, "/__standin/ws/drop");
    const Failure error = expect_failure(connection->next(5s));
    INFO(error.message);
    CHECK(kind_name(error.kind) == std::string("network"));
    CHECK(expect_failure(connection->send(k_subscribe)).kind == Failure::Kind::network);
}

TEST_CASE("ws connector: close() sends a close frame and waits for the server's") {
    StandIn server;
    std::ostringstream trace;
    auto connection = open(*make_beast_connector(), options_for(url_of(server.port()), &trace));
    sent(connection->send(k_subscribe));
    CHECK(expect_message(*connection).text == k_subscribed);
    CHECK_FALSE(received(connection->next(50ms)).has_value());  // leaves a read pending, as a stream would
    const auto start = Steady::now();
    connection->close(1000, "done");
    CHECK(Steady::now() - start < 1500ms);
    CHECK(trace.str().find("* WebSocket closed 1000 done\n") != std::string::npos);
    CHECK(ws_state(server, "open=0") == 0);
    connection->close();  // a second close is harmless
    CHECK(expect_failure(connection->send(k_subscribe)).kind == Failure::Kind::closed);
}

// The stand-in floods for 10 s: only a connector that keeps each next() within its timeout and
// recognises the flood gets through the loop below in time.
TEST_CASE("ws connector: a flooding server is dropped with a protocol error, next() keeping its timeout") {
    for (const std::string kind : {"empty-fragments", "pings", "pongs"}) {
        DYNAMIC_SECTION(kind) {
            StandIn server;
            auto connection = open(*make_beast_connector(), options_for(url_of(server.port())));
            control(server, "/__standin/ws/flood", R"({"kind": ")" + kind + R"(", "seconds": 10})");
            std::optional<Failure> failure;
            const auto start = Steady::now();
            while (!failure && Steady::now() - start < 3s) {
                const auto call = Steady::now();
                Next next = connection->next(20ms);
                CHECK(Steady::now() - call < 500ms);
                if (auto* ended = std::get_if<Failure>(&next)) failure = *ended;
            }
            REQUIRE(failure.has_value());
            INFO(failure->message);
            CHECK(kind_name(failure->kind) == std::string("protocol"));
            CHECK(failure->message.find(kind == "empty-fragments"
                                            ? "no progress over 200 reads"
                                            : "more than 100 control frames") != std::string::npos);
            CHECK(expect_failure(connection->next(10ms)).message == failure->message);
            CHECK(ws_state(server, "open=0") == 0);  // dropped, not left open
        }
    }
}

TEST_CASE("ws connector: an upgrade answered 401 or 403 is an auth error, others a protocol error") {
    StandIn server;
    auto connector = make_beast_connector();
    SECTION("a token the server does not know") {
        const Failure error =
            expect_failure(connector->connect(options_for(url_of(server.port(), "hs_wrong_token_42"))));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("auth"));
        CHECK(std::string(error.message).find("401") != std::string::npos);
        CHECK(std::string(error.message).find("Invalid or expired session token") != std::string::npos);
        CHECK(std::string(error.message).find("hs_wrong_token_42") == std::string::npos);
    }
    SECTION("403") {
        control(server, "/__standin/ws/reject", R"({"on": true, "status": 403})");
        const Failure error = expect_failure(connector->connect(options_for(url_of(server.port()))));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("auth"));
        CHECK(std::string(error.message).find("403") != std::string::npos);
    }
    SECTION("500") {
        control(server, "/__standin/ws/reject", R"({"on": true, "status": 500})");
        const Failure error = expect_failure(connector->connect(options_for(url_of(server.port()))));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("protocol"));
        CHECK(std::string(error.message).find("500") != std::string::npos);
    }
    SECTION("not a WebSocket endpoint") {
        auto options = options_for("ws://127.0.0.1:" + std::to_string(server.port()) + "/api/health");
        const Failure error = expect_failure(connector->connect(options));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("protocol"));
    }
}

TEST_CASE("ws connector: the trace shows the upgrade but never the token") {
    // A token with characters that get percent-encoded, to catch both of its forms.
    const std::string token = "hs_trace+secret/9f3c&x=1";
    StandIn server({"--token", token});
    std::ostringstream trace;
    auto options = options_for(stream_url(server.base_url(), token), &trace);
    options.secrets = {token};
    auto connection = open(*make_beast_connector(), options);
    sent(connection->send(k_subscribe));
    CHECK(expect_message(*connection).text == k_subscribed);
    connection->close(1000, "done");

    const std::string text = trace.str();
    INFO(text);
    const std::string port = std::to_string(server.port());
    CHECK(text.starts_with("* WebSocket connecting to ws://127.0.0.1:" + port +
                           "/ws?session_token=<redacted>\n* Connected to 127.0.0.1 (127.0.0.1) port " + port +
                           "\n> GET /ws?session_token=<redacted> HTTP/1.1\n> Host: 127.0.0.1:" + port +
                           "\n"));
    CHECK(text.find("> User-Agent: " + k_agent + "\n") != std::string::npos);
    CHECK(text.find("\n< HTTP/1.1 101 Switching Protocols\n") != std::string::npos);
    CHECK(text.find("\n< Upgrade: websocket\n") != std::string::npos);
    CHECK(text.ends_with("* WebSocket closed 1000 done\n"));
    CHECK(text.find("hs_trace") == std::string::npos);
    CHECK(text.find("secret") == std::string::npos);
}

TEST_CASE("ws connector: connect failures: timeout, refused, bad URL") {
    auto connector = make_beast_connector();
    SECTION("a server that never answers the upgrade") {
        const SilentListener silent;
        auto options = options_for(url_of(silent.port));
        options.connect_timeout = 300ms;
        const auto start = Steady::now();
        const Failure error = expect_failure(connector->connect(options));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("timeout"));
        CHECK(Steady::now() - start < 3s);
    }
    SECTION("nothing listening") {
        int port = 0;
        {
            const SilentListener closed_again;
            port = closed_again.port;
        }
        const Failure error = expect_failure(connector->connect(options_for(url_of(port))));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("network"));
    }
    SECTION("not a ws or wss URL") {
        const Failure error =
            expect_failure(connector->connect(options_for("http://127.0.0.1:1/ws?session_token=" + k_token)));
        CHECK(kind_name(error.kind) == std::string("protocol"));
        CHECK(std::string(error.message).find(k_token) == std::string::npos);
    }
}

// -- TLS -----------------------------------------------------------------------------------------

namespace {

/// The shared test certificates (tests/support/tls.hpp).
const hyperoru::test::TestPki& pki() {
    return hyperoru::test::test_pki();
}

}  // namespace

TEST_CASE("ws connector: wss verifies the server certificate against the CA bundle") {
    const auto& certs = pki();
    StandIn server({"--tls-cert", certs.server_cert, "--tls-key", certs.server_key});
    auto connector = make_beast_connector();

    SECTION("by IP address and by name, with the CA bundle") {
        for (const std::string host : {"127.0.0.1", "localhost"}) {
            INFO(host);
            std::ostringstream trace;
            auto options = options_for(url_of(server.port(), k_token, "wss", host), &trace);
            options.cacert = certs.ca;
            auto connection = open(*connector, options);
            sent(connection->send(k_subscribe));
            CHECK(expect_message(*connection).text == k_subscribed);
            connection->close(1000, "done");
            CHECK(trace.str().find("* TLS connection using TLSv1.") != std::string::npos);
            CHECK(trace.str().find(k_token) == std::string::npos);
        }
    }
    SECTION("without it: the system store does not know the test CA") {
        const Failure error =
            expect_failure(connector->connect(options_for(url_of(server.port(), k_token, "wss"))));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("tls"));
        CHECK(std::string(error.message).find("certificate verify failed") != std::string::npos);
    }
    SECTION("a CA bundle that does not exist") {
        auto options = options_for(url_of(server.port(), k_token, "wss"));
        options.cacert = certs.ca + ".missing.pem";
        const Failure error = expect_failure(connector->connect(options));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("tls"));
        CHECK(std::string(error.message).find("missing.pem") != std::string::npos);
    }
    SECTION("plain ws:// to a TLS port fails without hanging") {
        auto options = options_for(url_of(server.port()));
        options.connect_timeout = 2s;
        const Failure error = expect_failure(connector->connect(options));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("network"));
    }
}

TEST_CASE("ws connector: a certificate for another host name is refused unless insecure") {
    const auto& certs = pki();
    StandIn server({"--tls-cert", certs.other_cert, "--tls-key", certs.other_key});
    auto connector = make_beast_connector();
    auto options = options_for(url_of(server.port(), k_token, "wss", "localhost"));
    options.cacert = certs.ca;

    SECTION("verified: the name does not match") {
        const Failure error = expect_failure(connector->connect(options));
        INFO(error.message);
        CHECK(kind_name(error.kind) == std::string("tls"));
        CHECK(std::string(error.message).find("hostname mismatch") != std::string::npos);
    }
    SECTION("insecure: no verification at all, not even of the CA") {
        options.insecure = true;
        options.cacert.clear();
        auto connection = open(*connector, options);
        sent(connection->send(k_subscribe));
        CHECK(expect_message(*connection).text == k_subscribed);
        connection->close(1000, "done");
    }
}
