// The stand-in's WebSocket endpoint /ws (sandbox/hyperoru_sandbox, contract section 3): the upgrade
// and its refusals, every message type's exact reply, the connect-message authentication, the
// WebSocket log and the /__standin/ws/ control endpoints, and TLS (HTTPS and WSS). Spoken to with
// a minimal RFC 6455 client written here over a plain loopback socket, never through the library
// under test, so that every byte and every frame boundary is the server's own. Nothing sleeps:
// the order of events comes from reading the client side, and where a test must know what the
// server has received it asks a control endpoint that waits for it (?count=N, ?pings=N).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/standin.hpp"
#include "support/temp_dir.hpp"
#include "support/tls.hpp"
#include "support/wire.hpp"

namespace {

namespace fs = std::filesystem;
using hyperoru::test::k_standin_token;
using hyperoru::test::ProcessOptions;
using hyperoru::test::run_process;
using hyperoru::test::StandIn;
using hyperoru::test::talk;
using hyperoru::test::TempDir;
using hyperoru::test::Wire;

// The handshake example of RFC 6455 section 1.3: this key must be answered with that accept value.
constexpr const char* k_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr const char* k_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

constexpr int k_continuation = 0x0;
constexpr int k_text = 0x1;
constexpr int k_binary = 0x2;
constexpr int k_close = 0x8;
constexpr int k_ping = 0x9;
constexpr int k_pong = 0xA;

const std::string k_ws = std::string("/ws?session_token=") + k_standin_token;
const std::string k_not_authenticated =
    R"({"type": "error", "data": {"error": "not authenticated", "code": "UNAUTHORIZED"}})";

struct Frame {
    bool fin = false;
    int opcode = -1;
    std::string payload;
};

/// The payload of a close frame: the code in network byte order, then the reason.
std::string close_payload(int code, const std::string& reason) {
    return std::string{static_cast<char>((code >> 8) & 0xFF), static_cast<char>(code & 0xFF)} + reason;
}

/// A minimal WebSocket client: the upgrade request, masked frames out, frames in as they come.
/// Every read fails the test after 20 s instead of hanging it.
class WsClient {
public:
    WsClient(const StandIn& server, const std::string& target) {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0) throw std::runtime_error("socket");
        const timeval limit{20, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
        ::setsockopt(m_fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(static_cast<std::uint16_t>(server.port()));
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
            throw std::runtime_error("connect to the stand-in");
        }
        write("GET " + target +
              " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: " +
              k_key + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
        std::size_t end = std::string::npos;
        while ((end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
            if (!receive()) throw std::runtime_error("no response to the upgrade request");
        }
        m_head = m_buffer.substr(0, end + 2);
        m_buffer.erase(0, end + 4);
        m_status = std::stoi(m_head.substr(9, 3));
    }
    ~WsClient() { ::close(m_fd); }
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    int status() const noexcept { return m_status; }

    /// First header `name` (exact case) of the response head.
    std::optional<std::string> header(const std::string& name) const {
        const auto at = m_head.find("\r\n" + name + ": ");
        if (at == std::string::npos) return std::nullopt;
        const auto begin = at + name.size() + 4;
        return m_head.substr(begin, m_head.find("\r\n", begin) - begin);
    }

    /// The body of a refused upgrade (it has a Content-Length).
    std::string body() {
        const auto size = std::stoul(header("Content-Length").value_or("0"));
        while (m_buffer.size() < size) {
            if (!receive()) throw std::runtime_error("the response body ended early");
        }
        return m_buffer.substr(0, size);
    }

    void send_frame(int opcode, const std::string& payload, bool fin = true, bool masked = true) {
        std::string frame(1, static_cast<char>((fin ? 0x80 : 0) | opcode));
        const char mask_bit = masked ? '\x80' : '\0';
        const auto size = payload.size();
        if (size < 126) {
            frame += static_cast<char>(mask_bit | static_cast<char>(size));
        } else if (size < 65536) {
            frame += static_cast<char>(mask_bit | 126);
            for (int shift = 8; shift >= 0; shift -= 8) frame += static_cast<char>((size >> shift) & 0xFF);
        } else {
            frame += static_cast<char>(mask_bit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((size >> shift) & 0xFF);
        }
        if (!masked) {
            write(frame + payload);
            return;
        }
        // A different key per frame, as a real client draws them.
        const std::string key{static_cast<char>(0x37 + m_frames), '\xfa', '\x21',
                              static_cast<char>(m_frames)};
        ++m_frames;
        frame += key;
        for (std::size_t i = 0; i < size; ++i) frame += static_cast<char>(payload[i] ^ key[i % 4]);
        write(frame);
    }

    void send_text(const std::string& text) { send_frame(k_text, text); }

    /// The next frame; throws at end of stream or after 20 s without one.
    Frame read_frame() {
        fill(2);
        Frame frame;
        const auto first = static_cast<unsigned char>(m_buffer[0]);
        const auto second = static_cast<unsigned char>(m_buffer[1]);
        frame.fin = (first & 0x80u) != 0;
        frame.opcode = first & 0x0F;
        if ((second & 0x80u) != 0) throw std::runtime_error("the server masked a frame");
        std::uint64_t size = second & 0x7Fu;
        std::size_t at = 2;
        if (size >= 126) {
            const std::size_t bytes = size == 126 ? 2 : 8;
            fill(2 + bytes);
            size = 0;
            for (std::size_t i = 0; i < bytes; ++i)
                size = (size << 8) | static_cast<unsigned char>(m_buffer[2 + i]);
            at += bytes;
        }
        fill(at + size);
        frame.payload = m_buffer.substr(at, size);
        m_buffer.erase(0, at + size);
        return frame;
    }

    /// The next frame, which must be one whole text message.
    std::string read_text() {
        const auto frame = read_frame();
        CHECK(frame.fin);
        CHECK(frame.opcode == k_text);
        return frame.payload;
    }

    /// Sends one text message and returns the single text frame that follows.
    std::string ask(const std::string& text) {
        send_text(text);
        return read_text();
    }

    /// Ends the client's side of the TCP connection (no close frame).
    void hang_up() { ::shutdown(m_fd, SHUT_WR); }

    /// True when the server has closed the TCP connection and sent nothing more before that.
    bool at_eof() {
        while (m_buffer.empty()) {
            if (!receive()) return true;
        }
        return false;
    }

private:
    void write(const std::string& data) {
        std::size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::send(m_fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) throw std::runtime_error("send to the stand-in failed");
            sent += static_cast<std::size_t>(n);
        }
    }

    /// Appends what arrives; false at end of stream. Throws after 20 s of nothing.
    bool receive() {
        char chunk[65536];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n < 0) throw std::runtime_error("recv from the stand-in failed or timed out");
        m_buffer.append(chunk, static_cast<std::size_t>(n));
        return n > 0;
    }

    void fill(std::size_t size) {
        while (m_buffer.size() < size) {
            if (!receive()) throw std::runtime_error("the connection ended inside a frame");
        }
    }

    int m_fd = -1;
    int m_status = 0;
    int m_frames = 0;
    std::string m_head;
    std::string m_buffer;
};

/// A control request; returns the whole exchange.
Wire control_wire(const StandIn& server, const std::string& method, const std::string& path,
                  const std::string& body = {}) {
    return talk(server,
                method + " " + path +
                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

/// A control request that must succeed; returns the body.
std::string control(const StandIn& server, const std::string& method, const std::string& path,
                    const std::string& body = {}) {
    const auto wire = control_wire(server, method, path, body);
    CHECK(wire.status == 200);
    return wire.body;
}

std::string state_json(int open, int accepted, int pongs, int pings) {
    return R"({"open": )" + std::to_string(open) + R"(, "accepted": )" + std::to_string(accepted) +
           R"(, "pongs": )" + std::to_string(pongs) + R"(, "pings": )" + std::to_string(pings) + "}";
}

/// The exact text of the n-th message of POST /__standin/ws/push-many.
std::string pushed_trade(int seq) {
    const auto n = std::to_string(seq);
    return R"({"type": "trades", "seq": )" + n + R"(, "data": {"id": )" + n +
           R"(, "account_id": 1, "symbol": "BTC", "side": "buy", "price": 67012.50, "quantity": 0.01}})";
}

}  // namespace

TEST_CASE("stand-in ws: an upgrade with a valid token gets 101 and the exact Sec-WebSocket-Accept") {
    StandIn server;
    WsClient ws(server, k_ws);
    CHECK(ws.status() == 101);
    CHECK(ws.header("Sec-WebSocket-Accept") == std::string(k_accept));
    CHECK(ws.header("Upgrade") == "websocket");
    CHECK(ws.header("Connection") == "Upgrade");
    CHECK(control(server, "GET", "/__standin/ws/state") == state_json(1, 1, 0, 0));

    // The HTTP request log holds the upgrade request, the token as it was sent.
    const auto log = server.requests();
    REQUIRE(log.size() == 1);
    CHECK(log[0].method == "GET");
    CHECK(log[0].path == "/ws");
    CHECK(log[0].query == std::string("session_token=") + k_standin_token);
    CHECK(log[0].header("Upgrade") == "websocket");
    CHECK(log[0].header("Sec-WebSocket-Key") == std::string(k_key));
    CHECK(log[0].header("Sec-WebSocket-Version") == "13");
}

TEST_CASE("stand-in ws: the session_token parameter is percent-decoded, a plus included") {
    StandIn server({"--token", "hs_a+b/c=d"});
    WsClient ws(server, "/ws?session_token=hs_a%2Bb%2Fc%3Dd");
    CHECK(ws.status() == 101);
    CHECK(ws.ask(R"({"type": "bootstrap", "request_id": "1"})").rfind(R"({"type": "bootstrap")", 0) == 0);
    CHECK(server.requests().at(0).query == "session_token=hs_a%2Bb%2Fc%3Dd");
}

TEST_CASE("stand-in ws: a bad token is refused with 401 and the documented error body") {
    StandIn server;
    WsClient ws(server, "/ws?session_token=hs_wrong");
    CHECK(ws.status() == 401);
    CHECK(ws.header("Content-Type") == "application/json");
    CHECK(ws.header("Sec-WebSocket-Accept") == std::nullopt);
    CHECK(
        ws.body() ==
        R"({"error": "Invalid or expired session token", "code": "UNAUTHORIZED", "request_id": "req_000001"})");
    CHECK(control(server, "GET", "/__standin/ws/state") == state_json(0, 0, 0, 0));
    REQUIRE(server.requests().size() == 1);
    CHECK(server.requests()[0].query == "session_token=hs_wrong");

    WsClient empty(server, "/ws?session_token=");
    CHECK(empty.status() == 401);
}

TEST_CASE("stand-in ws: each request type gets its exact reply with the echoed request_id") {
    StandIn server;
    WsClient ws(server, k_ws);
    REQUIRE(ws.status() == 101);
    CHECK(ws.ask(
              R"({"type": "subscribe", "request_id": "1", "data": {"channels": ["trades", "positions"]}})") ==
          R"({"type": "subscribed", "request_id": "1", "data": {"channels": ["trades", "positions"]}})");
    // Repeated subscriptions add to the set.
    CHECK(
        ws.ask(
            R"({"type": "subscribe", "request_id": "2", "data": {"channels": ["positions", "model_chat"]}})") ==
        R"({"type": "subscribed", "request_id": "2", "data": {"channels": ["trades", "positions", "model_chat"]}})");
    CHECK(
        ws.ask(R"({"type": "bootstrap", "request_id": "3"})") ==
        R"({"type": "bootstrap", "request_id": "3", "data": {"accounts": [{"id": 1, "name": "Main Account"}], "positions": [], "active_orders": []}})");
    CHECK(
        ws.ask(R"({"type": "get_snapshot", "request_id": "6", "data": {"account_id": 1}})") ==
        R"({"type": "snapshot", "request_id": "6", "data": {"equity": 10000.0, "positions": [{"symbol": "BTC", "side": "long", "size": 0.05, "unrealized_pnl": 75.0}]}})");
    CHECK(
        ws.ask(R"({"type": "get_snapshot", "request_id": "7", "data": {"account_id": 99}})") ==
        R"({"type": "error", "request_id": "7", "data": {"error": "Account not found", "code": "ACCOUNT_NOT_FOUND"}})");
    CHECK(
        ws.ask(
            R"({"type": "get_asset_curve", "request_id": "8", "data": {"account_id": 1, "timeframe": "7d"}})") ==
        R"({"type": "asset_curve", "request_id": "8", "data": {"account_id": 1, "timeframe": "7d", "points": [{"timestamp": "2026-11-18T00:00:00Z", "equity": 10000.0}, {"timestamp": "2026-11-21T12:00:00Z", "equity": 10012.50}, {"timestamp": "2026-11-25T00:00:00Z", "equity": 10075.25}]}})");
    CHECK(ws.ask(R"({"type": "switch_account", "request_id": "9", "data": {"account_id": 1}})") ==
          R"({"type": "account_switched", "request_id": "9", "data": {"account_id": 1}})");
    CHECK(ws.ask(R"({"type": "switch_user", "request_id": "10", "data": {"user_id": 1}})") ==
          R"({"type": "user_switched", "request_id": "10", "data": {"user_id": 1}})");
    CHECK(
        ws.ask(R"({"type": "teleport", "request_id": "11"})") ==
        R"({"type": "error", "request_id": "11", "data": {"error": "unknown message type: teleport", "code": "UNKNOWN_TYPE"}})");
    CHECK(
        ws.ask(R"({"type": "subscribe", "request_id": "12"})") ==
        R"({"type": "error", "request_id": "12", "data": {"error": "channels is required", "code": "VALIDATION_ERROR"}})");
    CHECK(ws.ask("not json") ==
          R"({"type": "error", "data": {"error": "invalid JSON", "code": "INVALID_JSON"}})");
    CHECK(
        ws.ask(R"(["bootstrap"])") ==
        R"({"type": "error", "data": {"error": "message must be a JSON object", "code": "INVALID_MESSAGE"}})");
    // Without request_id the reply has none either.
    CHECK(ws.ask(R"({"type": "switch_account", "data": {"account_id": 1}})") ==
          R"({"type": "account_switched", "data": {"account_id": 1}})");
    CHECK(
        ws.ask(
            R"({"type": "place_order", "request_id": "13", "data": {"account_id": 1, "symbol": "BTC", "name": "Long BTC", "side": "buy", "order_type": "market", "quantity": 0.01}})") ==
        R"({"type": "order_placed", "request_id": "13", "data": {"id": 42, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "market", "quantity": 0.01, "status": "pending"}})");
}

/// A demo push with its timestamp (the current UTC time) replaced by "T", once it has the form.
std::string timestamp_elided(const std::string& text) {
    static const std::regex stamp(R"("timestamp": "\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")");
    return std::regex_replace(text, stamp, R"("timestamp": "T")");
}

TEST_CASE("stand-in ws: --demo pushes asset_curve to subscribed connections and bootstraps the open order") {
    StandIn server({"--demo", "--ws-demo-interval", "0.05"});
    WsClient other(server, k_ws);  // subscribed to trades only: it gets no asset_curve push
    REQUIRE(other.status() == 101);
    CHECK(other.ask(R"({"type": "subscribe", "request_id": "1", "data": {"channels": ["trades"]}})") ==
          R"({"type": "subscribed", "request_id": "1", "data": {"channels": ["trades"]}})");

    WsClient ws(server, k_ws);
    REQUIRE(ws.status() == 101);
    // Not subscribed yet, so the reply is the next frame.
    CHECK(
        ws.ask(R"({"type": "bootstrap", "request_id": "1"})") ==
        R"({"type": "bootstrap", "request_id": "1", "data": {"accounts": [{"id": 1, "name": "Main Account"}], "positions": [], "active_orders": [{"id": 42, "account_id": 1, "symbol": "BTC", "side": "buy", "order_type": "limit", "price": 66500.0, "quantity": 0.01, "status": "pending"}]}})");
    CHECK(ws.ask(R"({"type": "subscribe", "request_id": "2", "data": {"channels": ["asset_curve"]}})") ==
          R"({"type": "subscribed", "request_id": "2", "data": {"channels": ["asset_curve"]}})");
    // Pushes carry no request_id; equity and daily PnL grow by 12.50 per push to this connection.
    CHECK(
        timestamp_elided(ws.read_text()) ==
        R"({"type": "asset_curve", "data": {"account_id": 1, "timestamp": "T", "equity": 10012.50, "daily_pnl": 12.50}})");
    CHECK(
        timestamp_elided(ws.read_text()) ==
        R"({"type": "asset_curve", "data": {"account_id": 1, "timestamp": "T", "equity": 10025.00, "daily_pnl": 25.00}})");
    CHECK(other.ask(R"({"type": "bootstrap", "request_id": "2"})")
              .rfind(R"({"type": "bootstrap", "request_id": "2")", 0) == 0);

    // After switch_account the pushes are for that trader: its cash (480.25) plus the PnL.
    ws.send_text(R"({"type": "switch_account", "request_id": "3", "data": {"account_id": 2}})");
    std::string text;
    while ((text = ws.read_text()).find(R"("type": "asset_curve")") != std::string::npos) {
    }
    CHECK(text == R"({"type": "account_switched", "request_id": "3", "data": {"account_id": 2}})");
    const auto push = nlohmann::json::parse(ws.read_text());
    CHECK(push.at("type") == "asset_curve");
    CHECK(push.at("data").at("account_id") == 2);
    CHECK(push.at("data").at("equity").get<double>() - push.at("data").at("daily_pnl").get<double>() ==
          Approx(480.25));
}

TEST_CASE("stand-in ws: without a token in the URL the connect message authenticates") {
    StandIn server;
    WsClient ws(server, "/ws");
    REQUIRE(ws.status() == 101);

    SECTION("any other message first is refused and the server closes with 4401") {
        CHECK(ws.ask(R"({"type": "bootstrap", "request_id": "1"})") == k_not_authenticated);
        const auto close = ws.read_frame();
        CHECK(close.opcode == k_close);
        CHECK(close.payload == close_payload(4401, "unauthorized"));
        ws.send_frame(k_close, close_payload(4401, ""));
        CHECK(ws.at_eof());
    }
    SECTION("a connect with a bad token is refused the same way") {
        CHECK(ws.ask(R"({"type": "connect", "request_id": "1", "data": {"session_token": "hs_wrong"}})") ==
              k_not_authenticated);
        const auto close = ws.read_frame();
        CHECK(close.opcode == k_close);
        CHECK(close.payload == close_payload(4401, "unauthorized"));
        ws.send_frame(k_close, close_payload(4401, ""));
        CHECK(ws.at_eof());
    }
    SECTION("a connect with a good token is answered connected, then requests work") {
        CHECK(ws.ask(std::string(R"({"type": "connect", "request_id": "1", "data": {"session_token": ")") +
                     k_standin_token + "\"}}") ==
              R"({"type": "connected", "request_id": "1", "data": {"user_id": 1}})");
        CHECK(ws.ask(R"({"type": "switch_account", "request_id": "2", "data": {"account_id": 1}})") ==
              R"({"type": "account_switched", "request_id": "2", "data": {"account_id": 1}})");
    }
    CHECK(server.requests().at(0).query.empty());
}

TEST_CASE("stand-in ws: the WebSocket log records every received message per connection") {
    StandIn server;
    WsClient first(server, k_ws);
    WsClient second(server, k_ws);
    REQUIRE(first.status() == 101);
    REQUIRE(second.status() == 101);
    const std::string subscribe =
        R"({"type": "subscribe", "request_id": "1", "data": {"channels": ["trades"]}})";
    const std::string bootstrap = R"({"type": "bootstrap", "request_id": "1"})";
    first.ask(subscribe);
    second.ask(bootstrap);
    first.ask("not json");
    first.send_frame(k_binary, std::string("\x00\xff", 2));  // no reply: the log request waits for it
    const auto log = control(server, "GET", "/__standin/ws-log?count=4");
    CHECK(nlohmann::json::parse(log) == nlohmann::json::array({
                                            {{"connection", 1}, {"text", subscribe}},
                                            {{"connection", 2}, {"text", bootstrap}},
                                            {{"connection", 1}, {"text", "not json"}},
                                            {{"connection", 1}, {"binary", std::string("\x00\xc3\xbf", 3)}},
                                        }));
    CHECK(log.find(R"({"connection": 1, "text": "{\"type\": \"subscribe\")") == 1);
    // Both upgrades are in the HTTP request log; the WebSocket messages are not.
    CHECK(server.requests().size() == 2);

    // A reset is a fresh server: log and counters cleared, open connections dropped.
    server.reset();
    CHECK(control(server, "GET", "/__standin/ws-log") == "[]");
    CHECK(control(server, "GET", "/__standin/ws/state") == state_json(0, 0, 0, 0));
    CHECK(first.at_eof());
    CHECK(second.at_eof());
    WsClient third(server, k_ws);
    third.ask(bootstrap);
    CHECK(control(server, "GET", "/__standin/ws-log") ==
          R"([{"connection": 1, "text": )" + nlohmann::json(bootstrap).dump() + "}]");
}

TEST_CASE("stand-in ws: a message sent right before the client hangs up is still logged") {
    StandIn server;
    {
        WsClient ws(server, k_ws);
        ws.send_text(R"({"type": "bootstrap", "request_id": "1"})");
        ws.hang_up();
        CHECK(ws.at_eof() == false);  // the reply was still sent
    }
    CHECK(control(server, "GET", "/__standin/ws/state?open=0") == state_json(0, 1, 0, 0));
    CHECK(control(server, "GET", "/__standin/ws-log?count=1") ==
          R"([{"connection": 1, "text": "{\"type\": \"bootstrap\", \"request_id\": \"1\"}"}])");
}

TEST_CASE("stand-in ws: pushed text, binary, fragmented and large frames arrive as specified") {
    StandIn server;
    WsClient ws(server, k_ws);
    REQUIRE(ws.status() == 101);
    // U+00E9 and U+00F6 (two bytes each in UTF-8): seven pieces of 13 bytes cut inside them.
    const std::string fragmented = "h\xC3\xA9llo w\xC3\xB6rld";
    CHECK(control(
              server, "POST", "/__standin/ws/push",
              R"({"connection": 1, "messages": ["{\"type\": \"trades\", \"data\": {\"price\": 67012.50}}", )"
              R"({"binary": 300}, {"fragmented": "h\u00e9llo w\u00f6rld", "pieces": 7}, {"large": 1000}, )"
              R"({"large": 70000}, "not json at all"]})") == R"({"ok": true, "connections": [1]})");

    CHECK(ws.read_text() == R"({"type": "trades", "data": {"price": 67012.50}})");

    const auto binary = ws.read_frame();
    CHECK(binary.fin);
    CHECK(binary.opcode == k_binary);
    REQUIRE(binary.payload.size() == 300);
    bool bytes_match = true;
    for (std::size_t i = 0; i < binary.payload.size(); ++i) {
        bytes_match =
            bytes_match && static_cast<std::size_t>(static_cast<unsigned char>(binary.payload[i])) == i % 256;
    }
    CHECK(bytes_match);

    std::string assembled;
    for (int piece = 0; piece < 7; ++piece) {
        const auto frame = ws.read_frame();
        CHECK(frame.opcode == (piece == 0 ? k_text : k_continuation));
        CHECK(frame.fin == (piece == 6));
        CHECK(!frame.payload.empty());
        assembled += frame.payload;
    }
    CHECK(assembled == fragmented);

    for (const std::size_t size : {std::size_t{1000}, std::size_t{70000}}) {  // 16- and 64-bit lengths
        const auto large = ws.read_text();
        CHECK(large.size() == size);
        const auto parsed = nlohmann::json::parse(large);
        CHECK(parsed.at("type") == "large");
        CHECK(parsed.at("data").get<std::string>() == std::string(size - 26, 'x'));
    }
    CHECK(ws.read_text() == "not json at all");

    // An unknown connection, a bad entry: 400, and nothing is sent.
    CHECK(control_wire(server, "POST", "/__standin/ws/push", R"({"connection": 5, "messages": ["x"]})")
              .status == 400);
    CHECK(control_wire(server, "POST", "/__standin/ws/push", R"({"messages": ["x", {"bogus": 1}]})").status ==
          400);
    CHECK(ws.ask(R"({"type": "switch_account", "request_id": "1", "data": {"account_id": 1}})") ==
          R"({"type": "account_switched", "request_id": "1", "data": {"account_id": 1}})");
}

TEST_CASE("stand-in ws: a fragmented push may carry a ping between its pieces") {
    StandIn server;
    WsClient ws(server, k_ws);
    control(server, "POST", "/__standin/ws/push",
            R"({"messages": [{"fragmented": "abcdef", "pieces": 3, "ping_between": true}]})");
    const std::vector<std::pair<int, std::string>> expected{{k_text, "ab"},
                                                            {k_ping, "between"},
                                                            {k_continuation, "cd"},
                                                            {k_ping, "between"},
                                                            {k_continuation, "ef"}};
    for (const auto& [opcode, payload] : expected) {
        const auto frame = ws.read_frame();
        CHECK(frame.opcode == opcode);
        CHECK(frame.payload == payload);
    }
}

TEST_CASE("stand-in ws: push-many delivers 10000 messages in order") {
    StandIn server;
    WsClient ws(server, k_ws);
    REQUIRE(ws.status() == 101);
    CHECK(control(server, "POST", "/__standin/ws/push-many", R"({"count": 10000, "type": "trades"})") ==
          R"({"ok": true, "connections": [1], "count": 10000})");
    int wrong = 0;
    int first_wrong = 0;
    for (int seq = 1; seq <= 10000; ++seq) {
        const auto frame = ws.read_frame();
        if (frame.opcode != k_text || !frame.fin || frame.payload != pushed_trade(seq)) {
            ++wrong;
            if (first_wrong == 0) first_wrong = seq;
        }
    }
    CHECK(wrong == 0);
    CHECK(first_wrong == 0);
    // The socket is still in step: the next frame is the reply to the next request.
    CHECK(ws.ask(R"({"type": "switch_account", "request_id": "1", "data": {"account_id": 1}})") ==
          R"({"type": "account_switched", "request_id": "1", "data": {"account_id": 1}})");
}

TEST_CASE("stand-in ws: drop ends the TCP connection without a close frame") {
    StandIn server;
    WsClient kept(server, k_ws);
    WsClient dropped(server, k_ws);
    CHECK(control(server, "POST", "/__standin/ws/drop", R"({"connection": 2})") ==
          R"({"ok": true, "connections": [2]})");
    CHECK(dropped.at_eof());
    CHECK(control(server, "GET", "/__standin/ws/state?open=1") == state_json(1, 2, 0, 0));
    CHECK(kept.ask(R"({"type": "switch_account", "request_id": "1", "data": {"account_id": 1}})") ==
          R"({"type": "account_switched", "request_id": "1", "data": {"account_id": 1}})");
    // Without "connection": every open one.
    CHECK(control(server, "POST", "/__standin/ws/drop") == R"({"ok": true, "connections": [1]})");
    CHECK(kept.at_eof());
    CHECK(control(server, "GET", "/__standin/ws/state?open=0") == state_json(0, 2, 0, 0));
}

TEST_CASE("stand-in ws: close sends a close frame with the given code and reason") {
    StandIn server;
    WsClient ws(server, k_ws);
    CHECK(control(server, "POST", "/__standin/ws/close", R"({"code": 1011, "reason": "going away"})") ==
          R"({"ok": true, "connections": [1]})");
    const auto close = ws.read_frame();
    CHECK(close.fin);
    CHECK(close.opcode == k_close);
    CHECK(close.payload == close_payload(1011, "going away"));
    ws.send_frame(k_close, close_payload(1011, ""));
    CHECK(ws.at_eof());
    CHECK(control(server, "GET", "/__standin/ws/state?open=0") == state_json(0, 1, 0, 0));
}

TEST_CASE("stand-in ws: a client close is echoed, then the server ends the connection") {
    StandIn server;
    WsClient ws(server, k_ws);
    ws.send_frame(k_close, close_payload(1000, "bye"));
    const auto close = ws.read_frame();
    CHECK(close.opcode == k_close);
    CHECK(close.payload == close_payload(1000, ""));
    CHECK(ws.at_eof());
}

TEST_CASE("stand-in ws: client pings are answered, and a fragmented message may enclose one") {
    StandIn server;
    WsClient ws(server, k_ws);
    ws.send_frame(k_ping, "abc");
    const auto pong = ws.read_frame();
    CHECK(pong.opcode == k_pong);
    CHECK(pong.payload == "abc");

    ws.send_frame(k_text, R"({"type": "boot)", false);
    ws.send_frame(k_ping, "between");
    ws.send_frame(k_continuation, R"(strap", "request_)", false);
    ws.send_frame(k_continuation, R"(id": "9"})");
    const auto between = ws.read_frame();
    CHECK(between.opcode == k_pong);
    CHECK(between.payload == "between");
    CHECK(ws.read_text().rfind(R"({"type": "bootstrap", "request_id": "9", "data": )", 0) == 0);
    CHECK(control(server, "GET", "/__standin/ws/state") == state_json(1, 1, 0, 2));
    CHECK(control(server, "GET", "/__standin/ws-log") ==
          R"([{"connection": 1, "text": "{\"type\": \"bootstrap\", \"request_id\": \"9\"}"}])");
}

TEST_CASE("stand-in ws: silence suppresses pong replies and answers until it ends") {
    StandIn server;
    WsClient ws(server, k_ws);
    CHECK(control(server, "POST", "/__standin/ws/silence", R"({"on": true})") ==
          R"({"ok": true, "silent": true})");
    ws.send_text(R"({"type": "bootstrap", "request_id": "1"})");
    ws.send_frame(k_ping, "first");
    // Wait until the server has taken both in (it says nothing back), then lift the silence.
    CHECK(control(server, "GET", "/__standin/ws/state?pings=1") == state_json(1, 1, 0, 1));
    CHECK(control(server, "GET", "/__standin/ws-log?count=1").find("bootstrap") != std::string::npos);
    CHECK(control(server, "POST", "/__standin/ws/silence", R"({"on": false})") ==
          R"({"ok": true, "silent": false})");
    ws.send_frame(k_ping, "second");
    // The first frame to arrive answers the second ping: nothing from the silence was kept.
    const auto pong = ws.read_frame();
    CHECK(pong.opcode == k_pong);
    CHECK(pong.payload == "second");
}

TEST_CASE("stand-in ws: a server ping arrives and the client's pong is counted") {
    StandIn server;
    WsClient ws(server, k_ws);
    CHECK(control(server, "POST", "/__standin/ws/ping", R"({"payload": "hello"})") ==
          R"({"ok": true, "connections": [1]})");
    const auto ping = ws.read_frame();
    CHECK(ping.fin);
    CHECK(ping.opcode == k_ping);
    CHECK(ping.payload == "hello");
    ws.send_frame(k_pong, ping.payload);
    CHECK(control(server, "GET", "/__standin/ws/state?pongs=1") == state_json(1, 1, 1, 0));

    CHECK(control(server, "POST", "/__standin/ws/ping") == R"({"ok": true, "connections": [1]})");
    const auto empty = ws.read_frame();
    CHECK(empty.opcode == k_ping);
    CHECK(empty.payload.empty());
}

TEST_CASE("stand-in ws: reject answers further upgrades with the given status until turned off") {
    StandIn server;
    CHECK(control(server, "POST", "/__standin/ws/reject", R"({"on": true, "status": 403})") ==
          R"({"ok": true, "reject": 403})");
    {
        WsClient ws(server, k_ws);
        CHECK(ws.status() == 403);
        CHECK(ws.body() == R"({"error": "Forbidden", "code": "FORBIDDEN", "request_id": "req_000001"})");
    }
    control(server, "POST", "/__standin/ws/reject", R"({"on": true, "status": 500})");
    {
        WsClient ws(server, k_ws);
        CHECK(ws.status() == 500);
        CHECK(ws.body() ==
              R"({"error": "Internal server error", "code": "INTERNAL_ERROR", "request_id": "req_000002"})");
    }
    control(server, "POST", "/__standin/ws/reject", R"({"on": true})");
    {
        WsClient ws(server, k_ws);
        CHECK(ws.status() == 401);
        CHECK(
            ws.body() ==
            R"({"error": "Invalid or expired session token", "code": "UNAUTHORIZED", "request_id": "req_000003"})");
    }
    CHECK(control(server, "POST", "/__standin/ws/reject", R"({"on": false})") ==
          R"({"ok": true, "reject": null})");
    WsClient ws(server, k_ws);
    CHECK(ws.status() == 101);
    CHECK(control(server, "GET", "/__standin/ws/state") == state_json(1, 1, 0, 0));
    CHECK(control_wire(server, "POST", "/__standin/ws/reject", R"({"on": true, "status": 200})").status ==
          400);
}

TEST_CASE("stand-in ws: protocol errors fail the connection with 1002 or 1007") {
    StandIn server;
    WsClient ws(server, k_ws);
    SECTION("an unmasked client frame") {
        ws.send_frame(k_text, R"({"type": "bootstrap"})", true, false);
        const auto close = ws.read_frame();
        CHECK(close.opcode == k_close);
        CHECK(close.payload == close_payload(1002, "client frames must be masked"));
    }
    SECTION("a text message that is not UTF-8") {
        ws.send_text("\xC3\x28");
        const auto close = ws.read_frame();
        CHECK(close.opcode == k_close);
        CHECK(close.payload == close_payload(1007, "text message is not UTF-8"));
    }
    SECTION("a continuation without a message") {
        ws.send_frame(k_continuation, "x");
        const auto close = ws.read_frame();
        CHECK(close.opcode == k_close);
        CHECK(close.payload == close_payload(1002, "continuation frame without a message"));
    }
    CHECK(ws.at_eof());
}

TEST_CASE("stand-in ws: an upgrade without a proper handshake is refused") {
    StandIn server;
    const auto no_key =
        talk(server,
             "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Version: 13\r\n\r\n");
    CHECK(no_key.status == 400);
    CHECK(no_key.body == R"({"detail": "Missing or invalid Sec-WebSocket-Key"})");
    const auto old_version =
        talk(server, std::string("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                 "Connection: Upgrade\r\nSec-WebSocket-Key: ") +
                         k_key + "\r\nSec-WebSocket-Version: 8\r\n\r\n");
    CHECK(old_version.status == 426);
    CHECK(old_version.header("Sec-WebSocket-Version") == "13");
    // A plain GET of /ws is no upgrade: an unknown route.
    CHECK(talk(server, "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").status == 404);
}

TEST_CASE("stand-in ws: with --tls-cert and --tls-key it serves HTTPS and WSS") {
    const auto& pki = hyperoru::test::test_pki();  // made with the openssl CLI (.ci/run installs it)

    StandIn server({"--tls-cert", pki.server_cert, "--tls-key", pki.server_key});
    const auto port = std::to_string(server.port());
    const auto python = [](std::vector<std::string> args) {
        ProcessOptions options;
        options.argv = {HYPERORU_PYTHON, "-c"};
        options.argv.insert(options.argv.end(), args.begin(), args.end());
        options.env = hyperoru::test::python_env();
        return run_process(options);
    };
    const std::string https_get =
        "import ssl, sys, urllib.request as u\n"
        "context = ssl.create_default_context(cafile=sys.argv[1]) if sys.argv[1] else None\n"
        "print(u.urlopen(sys.argv[2], context=context, timeout=20).read().decode())\n";

    for (const auto& host : {"127.0.0.1", "localhost"}) {
        const auto result =
            python({https_get, pki.ca, "https://" + std::string(host) + ":" + port + "/api/health"});
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out == "{\"status\": \"healthy\"}\n");
    }
    // A client that does not trust the CA gives up; the server carries on.
    const auto distrust = python({https_get, "", "https://127.0.0.1:" + port + "/api/health"});
    CHECK(distrust.exit_code != 0);
    CHECK(distrust.err.find("CERTIFICATE_VERIFY_FAILED") != std::string::npos);
    // So does a client that speaks plain HTTP to the TLS port.
    CHECK(talk(server, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").status !=
          200);
    CHECK(python({https_get, pki.ca, "https://127.0.0.1:" + port + "/api/health"}).out ==
          "{\"status\": \"healthy\"}\n");

    // WSS: the upgrade, a request and its reply, then a pushed 1 MB message (a 64-bit length
    // written in many TLS records).
    const std::string wss_client = R"(import json, os, socket, ssl, sys, urllib.request as u
cafile, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
context = ssl.create_default_context(cafile=cafile)
sock = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20), server_hostname="localhost")
sock.sendall(("GET /ws?session_token=%s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
              "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n\r\n" % token).encode())
data = b""
def need(n):
    global data
    while len(data) < n:
        chunk = sock.recv(65536)
        if not chunk:
            sys.exit("end of stream")
        data += chunk
def frame():
    global data
    need(2)
    size, at = data[1] & 0x7F, 2
    if size >= 126:
        width = 2 if size == 126 else 8
        need(2 + width)
        size, at = int.from_bytes(data[2:2 + width], "big"), 2 + width
    need(at + size)
    payload, data = data[at:at + size], data[at + size:]
    return payload
while b"\r\n\r\n" not in data:
    need(len(data) + 1)
head, _, data = data.partition(b"\r\n\r\n")
print(head.split(b"\r\n")[0].decode())
message = b'{"type": "bootstrap", "request_id": "1"}'
key = os.urandom(4)
sock.sendall(bytes([0x81, 0x80 | len(message)]) + key + bytes(b ^ key[i % 4] for i, b in enumerate(message)))
print(frame().decode())
push = u.Request("https://127.0.0.1:%d/__standin/ws/push" % port, data=b'{"messages": [{"large": 1000000}]}')
print(u.urlopen(push, context=context, timeout=20).read().decode())
large = json.loads(frame())
print(large["type"], len(large["data"]))
)";
    const auto wss = python({wss_client, pki.ca, port, k_standin_token});
    INFO(wss.err);
    CHECK(wss.exit_code == 0);
    CHECK(
        wss.out ==
        "HTTP/1.1 101 Switching Protocols\n"
        R"({"type": "bootstrap", "request_id": "1", "data": {"accounts": [{"id": 1, "name": "Main Account"}], "positions": [], "active_orders": []}})"
        "\n"
        R"({"ok": true, "connections": [1]})"
        "\nlarge 999974\n");
}
