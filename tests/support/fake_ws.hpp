#pragma once
// An in-memory WebSocket server for unit tests of the stream session: each connection plays a
// script of steps (messages, silence that advances the fake clock, drops, close frames), and
// everything the client sends is recorded.
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hyperoru/ws.hpp"
#include "support/fake_transport.hpp"

namespace hyperoru::test {

struct WsStep {
    enum class Kind { message, silence, drop, close, pong, binary, set_wall_clock };
    Kind kind = Kind::message;
    std::string text;
    std::chrono::milliseconds duration{0};
    int code = 0;

    static WsStep message(std::string text) { return {Kind::message, std::move(text), {}, 0}; }
    static WsStep silence(std::chrono::milliseconds d) { return {Kind::silence, {}, d, 0}; }
    static WsStep drop() { return {Kind::drop, {}, {}, 0}; }
    static WsStep close(int code, std::string reason) { return {Kind::close, std::move(reason), {}, code}; }
    static WsStep pong() { return {Kind::pong, {}, {}, 0}; }
    static WsStep binary(std::size_t size) { return {Kind::binary, {}, std::chrono::milliseconds(size), 0}; }
    /// Someone sets the system time: the wall clock moves by `by` (back when negative), the
    /// monotonic clock does not.
    static WsStep step_wall_clock(std::chrono::milliseconds by) { return {Kind::set_wall_clock, {}, by, 0}; }
};

struct FakeWsServer {
    FakeClock* clock = nullptr;
    /// One entry per connect(): a failure to return, or the script of a connection that opens.
    struct Attempt {
        std::optional<ws::Failure> failure;
        std::deque<WsStep> script;
    };
    std::deque<Attempt> attempts;
    /// Per opened connection: the frames the client sent, its pings, and its close code (0: none).
    struct Record {
        std::vector<std::string> sent;
        int pings = 0;
        int close_code = 0;
    };
    std::vector<Record> connections;
    int connects = 0;
    std::optional<ws::ConnectOptions> last_options;  ///< what the last connect() was given
    /// A script that runs out behaves like a quiet, open connection.
    void open(std::deque<WsStep> script) { attempts.push_back({std::nullopt, std::move(script)}); }
    void fail(ws::Failure failure) { attempts.push_back({std::move(failure), {}}); }
};

class FakeWsConnection final : public ws::Connection {
public:
    FakeWsConnection(FakeWsServer& server, std::deque<WsStep> script, std::size_t index)
        : m_server(server), m_script(std::move(script)), m_index(index) {}

    std::optional<ws::Failure> send(std::string_view text) override {
        record().sent.emplace_back(text);
        return std::nullopt;
    }

    ws::Next next(std::chrono::milliseconds timeout) override {
        while (!m_script.empty()) {
            WsStep& step = m_script.front();
            switch (step.kind) {
                case WsStep::Kind::message: {
                    ws::Message m{step.text, false, false, step.text.size()};
                    m_script.pop_front();
                    return std::optional(m);
                }
                case WsStep::Kind::binary: {
                    ws::Message m{{}, true, false, static_cast<std::size_t>(step.duration.count())};
                    m_script.pop_front();
                    return std::optional(m);
                }
                case WsStep::Kind::pong:
                    m_script.pop_front();
                    return std::optional(ws::Message{{}, false, true, 0});
                case WsStep::Kind::silence:
                    if (step.duration > timeout) {
                        step.duration -= timeout;
                        m_server.clock->sleep(timeout);
                        return std::optional<ws::Message>();
                    }
                    m_server.clock->sleep(step.duration);
                    m_script.pop_front();
                    continue;
                case WsStep::Kind::set_wall_clock:
                    m_server.clock->current += step.duration;
                    m_script.pop_front();
                    continue;
                case WsStep::Kind::drop:
                    m_script.pop_front();
                    return ws::Failure{ws::Failure::Kind::network, "connection reset by peer", 0, {}};
                case WsStep::Kind::close: {
                    const WsStep close = step;
                    m_script.pop_front();
                    return ws::Failure{ws::Failure::Kind::closed, "closed", close.code, close.text};
                }
            }
        }
        m_server.clock->sleep(timeout);
        return std::optional<ws::Message>();
    }

    std::optional<ws::Failure> ping() override {
        ++record().pings;
        return std::nullopt;
    }
    void close(int code, std::string_view) noexcept override { record().close_code = code; }

private:
    FakeWsServer::Record& record() { return m_server.connections.at(m_index); }
    FakeWsServer& m_server;
    std::deque<WsStep> m_script;
    std::size_t m_index;
};

class FakeWsConnector final : public ws::Connector {
public:
    explicit FakeWsConnector(FakeWsServer& server) : m_server(server) {}
    ws::Opened connect(const ws::ConnectOptions& options) override {
        ++m_server.connects;
        m_server.last_options = options;
        if (m_server.attempts.empty())
            return ws::Failure{ws::Failure::Kind::network, "connection refused", 0, {}};
        FakeWsServer::Attempt attempt = std::move(m_server.attempts.front());
        m_server.attempts.pop_front();
        if (attempt.failure) return *attempt.failure;
        m_server.connections.emplace_back();
        return std::unique_ptr<ws::Connection>(std::make_unique<FakeWsConnection>(
            m_server, std::move(attempt.script), m_server.connections.size() - 1));
    }

private:
    FakeWsServer& m_server;
};

}  // namespace hyperoru::test
