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

Message expect_message(Connection& connection, std::chrono::milliseconds timeout = 5s) {
    auto message = connection.next(timeout);
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

Error expect_error(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e;
    }
    FAIL("no hyperoru::ws::Error was thrown");
    throw std::logic_error("unreachable");
}

const char* kind_name(Error::Kind kind) {
    switch (kind) {
        case Error::Kind::auth: return "auth";
        case Error::Kind::tls: return "tls";
        case Error::Kind::network: return "network";
        case Error::Kind::closed: return "closed";
        case Error::Kind::timeout: return "timeout";
        case Error::Kind::protocol: return "protocol";
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
    auto connection = connector->connect(options_for(url_of(server.port())));
    connection->send(k_subscribe);
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
    auto connection = make_beast_connector()->connect(options_for(url_of(server.port())));

    const auto start = Steady::now();
    CHECK_FALSE(connection->next(200ms).has_value());
    const auto waited = Steady::now() - start;
    CHECK(waited >= 200ms);
    CHECK(waited < 2s);
    CHECK_FALSE(connection->next(0ms).has_value());

    // The read that timed out is still pending: a send goes out meanwhile and the same read
    // then delivers the reply.
    connection->send(k_subscribe);
    CHECK(expect_message(*connection).text == k_subscribed);
    control(server, "/__standin/ws/push", R"({"messages": ["{\"type\": \"pushed\"}"]})");
    CHECK(expect_message(*connection).text == R"({"type": "pushed"})");
    CHECK(nlohmann::json::parse(control_get(server, "/__standin/ws-log?count=1")).size() == 1);
}

TEST_CASE("ws connector: a large message read through many short timeouts arrives whole") {
    StandIn server;
    auto connection = make_beast_connector()->connect(options_for(url_of(server.port())));
    const std::size_t size = 4u << 20;
    control(server, "/__standin/ws/push", R"({"messages": [{"large": )" + std::to_string(size) + "}]}");
    std::optional<Message> message;
    const auto deadline = Steady::now() + 20s;
    while (!message && Steady::now() < deadline) message = connection->next(1ms);
    REQUIRE(message.has_value());
    CHECK(message->size == size);
    CHECK(message->text.size() == size);
    CHECK(message->text.starts_with(R"({"type":"large","data":"xxx)"));
    CHECK(message->text.ends_with(R"(xxx"})"));
}

TEST_CASE("ws connector: binary and fragmented frames, with the server's pings answered") {
    StandIn server;
    auto connection = make_beast_connector()->connect(options_for(url_of(server.port())));
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
    auto connection = make_beast_connector()->connect(options_for(url_of(server.port())));
    connection->ping();
    const Message pong = expect_message(*connection);
    CHECK(pong.pong);
    CHECK_FALSE(pong.binary);
    CHECK(pong.text.empty());
    CHECK(ws_state(server, "pings=1") == 1);
    // A silent server sends no pong (it loses it): next() times out and the connection stays
    // usable, so the caller's own ping schedule decides when the server is dead.
    control(server, "/__standin/ws/silence", R"({"on": true})");
    connection->ping();
    CHECK_FALSE(connection->next(300ms).has_value());
    CHECK(ws_state(server, "pings=2") == 2);
    control(server, "/__standin/ws/silence", R"({"on": false})");
    connection->ping();
    CHECK(expect_message(*connection).pong);
}

TEST_CASE("ws connector: a close frame from the server ends the connection with its code and reason") {
    StandIn server;
    std::ostringstream trace;
    auto connection = make_beast_connector()->connect(options_for(url_of(server.port()), &trace));
    control(server, "/__standin/ws/close", R"({"code": 1011, "reason": "going away"})");
    const Error error = expect_error([&] { connection->next(5s); });
    INFO(error.what());
    CHECK(kind_name(error.kind()) == std::string("closed"));
    CHECK(error.close_code() == 1011);
    CHECK(error.close_reason() == "going away");
    CHECK(trace.str().find("* WebSocket closed 1011 going away\n") != std::string::npos);
    // The connection stays ended: later calls throw the same, and close() does not.
    CHECK(expect_error([&] { connection->send(k_subscribe); }).close_code() == 1011);
    CHECK(expect_error([&] { connection->next(10ms); }).close_code() == 1011);
    connection->close();
    CHECK(ws_state(server, "open=0") == 0);
}

TEST_CASE("ws connector: a dropped connection is a network error") {
    StandIn server;
    auto connection = make_beast_connector()->connect(options_for(url_of(server.port())));
    control(server, "/__standin/ws/drop");
    const Error error = expect_error([&] { connection->next(5s); });
    INFO(error.what());
    CHECK(kind_name(error.kind()) == std::string("network"));
    CHECK(expect_error([&] { connection->send(k_subscribe); }).kind() == Error::Kind::network);
}

TEST_CASE("ws connector: close() sends a close frame and waits for the server's") {
    StandIn server;
    std::ostringstream trace;
    auto connection = make_beast_connector()->connect(options_for(url_of(server.port()), &trace));
    connection->send(k_subscribe);
    CHECK(expect_message(*connection).text == k_subscribed);
    CHECK_FALSE(connection->next(50ms).has_value());  // leaves a read pending, as a stream would
    const auto start = Steady::now();
    connection->close(1000, "done");
    CHECK(Steady::now() - start < 1500ms);
    CHECK(trace.str().find("* WebSocket closed 1000 done\n") != std::string::npos);
    CHECK(ws_state(server, "open=0") == 0);
    connection->close();  // a second close is harmless
    CHECK(expect_error([&] { connection->send(k_subscribe); }).kind() == Error::Kind::closed);
}

TEST_CASE("ws connector: an upgrade answered 401 or 403 is an auth error, others a protocol error") {
    StandIn server;
    auto connector = make_beast_connector();
    SECTION("a token the server does not know") {
        const Error error = expect_error(
            [&] { connector->connect(options_for(url_of(server.port(), "hs_wrong_token_42"))); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("auth"));
        CHECK(std::string(error.what()).find("401") != std::string::npos);
        CHECK(std::string(error.what()).find("Invalid or expired session token") != std::string::npos);
        CHECK(std::string(error.what()).find("hs_wrong_token_42") == std::string::npos);
    }
    SECTION("403") {
        control(server, "/__standin/ws/reject", R"({"on": true, "status": 403})");
        const Error error = expect_error([&] { connector->connect(options_for(url_of(server.port()))); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("auth"));
        CHECK(std::string(error.what()).find("403") != std::string::npos);
    }
    SECTION("500") {
        control(server, "/__standin/ws/reject", R"({"on": true, "status": 500})");
        const Error error = expect_error([&] { connector->connect(options_for(url_of(server.port()))); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("protocol"));
        CHECK(std::string(error.what()).find("500") != std::string::npos);
    }
    SECTION("not a WebSocket endpoint") {
        auto options = options_for("ws://127.0.0.1:" + std::to_string(server.port()) + "/api/health");
        const Error error = expect_error([&] { connector->connect(options); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("protocol"));
    }
}

TEST_CASE("ws connector: the trace shows the upgrade but never the token") {
    // A token with characters that get percent-encoded, to catch both of its forms.
    const std::string token = "hs_trace+secret/9f3c&x=1";
    StandIn server({"--token", token});
    std::ostringstream trace;
    auto options = options_for(stream_url(server.base_url(), token), &trace);
    options.secrets = {token};
    auto connection = make_beast_connector()->connect(options);
    connection->send(k_subscribe);
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
        const Error error = expect_error([&] { connector->connect(options); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("timeout"));
        CHECK(Steady::now() - start < 3s);
    }
    SECTION("nothing listening") {
        int port = 0;
        {
            const SilentListener closed_again;
            port = closed_again.port;
        }
        const Error error = expect_error([&] { connector->connect(options_for(url_of(port))); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("network"));
    }
    SECTION("not a ws or wss URL") {
        const Error error = expect_error(
            [&] { connector->connect(options_for("http://127.0.0.1:1/ws?session_token=" + k_token)); });
        CHECK(kind_name(error.kind()) == std::string("protocol"));
        CHECK(std::string(error.what()).find(k_token) == std::string::npos);
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
            auto connection = connector->connect(options);
            connection->send(k_subscribe);
            CHECK(expect_message(*connection).text == k_subscribed);
            connection->close(1000, "done");
            CHECK(trace.str().find("* TLS connection using TLSv1.") != std::string::npos);
            CHECK(trace.str().find(k_token) == std::string::npos);
        }
    }
    SECTION("without it: the system store does not know the test CA") {
        const Error error =
            expect_error([&] { connector->connect(options_for(url_of(server.port(), k_token, "wss"))); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("tls"));
        CHECK(std::string(error.what()).find("certificate verify failed") != std::string::npos);
    }
    SECTION("a CA bundle that does not exist") {
        auto options = options_for(url_of(server.port(), k_token, "wss"));
        options.cacert = certs.ca + ".missing.pem";
        const Error error = expect_error([&] { connector->connect(options); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("tls"));
        CHECK(std::string(error.what()).find("missing.pem") != std::string::npos);
    }
    SECTION("plain ws:// to a TLS port fails without hanging") {
        auto options = options_for(url_of(server.port()));
        options.connect_timeout = 2s;
        const Error error = expect_error([&] { connector->connect(options); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("network"));
    }
}

TEST_CASE("ws connector: a certificate for another host name is refused unless insecure") {
    const auto& certs = pki();
    StandIn server({"--tls-cert", certs.other_cert, "--tls-key", certs.other_key});
    auto connector = make_beast_connector();
    auto options = options_for(url_of(server.port(), k_token, "wss", "localhost"));
    options.cacert = certs.ca;

    SECTION("verified: the name does not match") {
        const Error error = expect_error([&] { connector->connect(options); });
        INFO(error.what());
        CHECK(kind_name(error.kind()) == std::string("tls"));
        CHECK(std::string(error.what()).find("hostname mismatch") != std::string::npos);
    }
    SECTION("insecure: no verification at all, not even of the CA") {
        options.insecure = true;
        options.cacert.clear();
        auto connection = connector->connect(options);
        connection->send(k_subscribe);
        CHECK(expect_message(*connection).text == k_subscribed);
        connection->close(1000, "done");
    }
}
