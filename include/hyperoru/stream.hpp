#pragma once
/// A live subscription to the Hyperoru stream that stays up for days (contract §3).
///
/// Stream connects, authenticates, subscribes to channels, optionally switches account and asks
/// for a bootstrap, then hands every server message to a callback in order, marking the replies
/// to those requests (ws::Message::reply) so that a caller can tell them from pushed updates. It pings every
/// ping_interval and takes dead_after without any frame as a dead connection. After a drop it
/// reconnects with full-jitter backoff (base doubling up to cap), and re-sends subscribe,
/// switch_account and bootstrap, because subscriptions belong to one connection. A rejected
/// token ends it at once. Time and randomness come from a Clock, so tests run days in
/// milliseconds; every duration is measured on its monotonic clock, so a system time that steps
/// back or forward changes neither the duration, the pings nor dead-connection detection.
///
/// Example (callback style):
///   auto connector = hyperoru::ws::make_beast_connector();
///   hyperoru::Stream stream(*connector, {.url = hyperoru::ws::stream_url(base, token)}, {}, clock);
///   stream.run([](const hyperoru::ws::Message& m) { std::cout << m.text << '\n'; return true; });
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "hyperoru/retry.hpp"
#include "hyperoru/ws.hpp"

namespace hyperoru {

/// What a Stream subscribes to and how it keeps the connection alive.
struct StreamOptions {
    /// Channels to subscribe to after every (re)connect.
    std::vector<std::string> channels{"trades", "positions", "model_chat", "asset_curve"};
    std::optional<std::string> account;  ///< switch_account to this id after subscribing
    bool bootstrap = false;              ///< ask for a bootstrap after (re)connecting
    /// Older servers: no token in the URL; send {"type":"connect","data":{"session_token":..}}.
    std::optional<std::string> connect_token;
    std::chrono::milliseconds ping_interval{15'000};  ///< a ping after this long without sending
    std::chrono::milliseconds dead_after{45'000};     ///< no frame for this long: the connection is dead
    std::chrono::milliseconds backoff_base{1'000};    ///< first reconnect delay (full jitter), doubling
    std::chrono::milliseconds backoff_cap{30'000};    ///< largest reconnect delay
    /// A connection that stayed up this long was healthy: the backoff starts again from its
    /// base after it drops. One that drops sooner (a server that accepts and closes) keeps
    /// doubling the delay, so it never gets a reconnect storm.
    std::chrono::milliseconds healthy_after{30'000};
    int max_reconnects = -1;                            ///< < 0: no limit
    bool exit_on_disconnect = false;                    ///< end at the first drop instead of reconnecting
    std::optional<std::chrono::milliseconds> duration;  ///< end after this long
};

/// Why Stream::run() returned.
enum class StreamEnd {
    stopped,       ///< the callback returned false, or the duration passed
    disconnected,  ///< dropped and not reconnecting (exit_on_disconnect, max_reconnects, or a TLS failure)
    rejected,      ///< the token was rejected (401/403 on the upgrade, or a close/error saying so)
    interrupted,   ///< interrupt_flag() was set; a close frame was sent
};

/// The live subscription (see the file comment). Not thread-safe; run() blocks.
class Stream {
public:
    using OnMessage = std::function<bool(const ws::Message&)>;  ///< false: stop
    using OnNotice = std::function<void(const std::string&)>;   ///< reconnects, gaps, reasons
    /// Called once the messages that were waiting have all been delivered, before the stream
    /// blocks for more (at most once per burst): where a printer flushes its output, so a live
    /// reader sees each burst at once without a flush per message. false: stop, as on_message.
    using OnIdle = std::function<bool()>;

    /// `connector` and `clock` must outlive the Stream.
    Stream(ws::Connector& connector, ws::ConnectOptions connect, StreamOptions options, Clock& clock);

    /// Runs until an end condition; see StreamEnd. Messages are delivered in the order received.
    StreamEnd run(const OnMessage& on_message, const OnNotice& on_notice = {}, const OnIdle& on_idle = {});

    /// Why the last run ended, for messages ("connection closed: 1011 going away").
    const std::string& reason() const noexcept { return m_reason; }

    /// Number of reconnections made so far.
    int reconnects() const noexcept { return m_reconnects; }

private:
    /// Sends connect, subscribe, switch_account and bootstrap as the options say.
    std::optional<ws::Failure> start(ws::Connection& connection);
    /// Delivers messages, pings and watches for silence until an end, or the connection's failure.
    std::variant<StreamEnd, ws::Failure> serve(ws::Connection& connection, const OnMessage& on_message,
                                               std::chrono::steady_clock::time_point started);
    std::chrono::milliseconds backoff(int attempt);

    ws::Connector& m_connector;
    ws::ConnectOptions m_connect;
    StreamOptions m_options;
    Clock& m_clock;
    std::string m_reason;
    int m_reconnects = 0;
    std::vector<std::string> m_request_ids;  ///< the ids start() sent on the current connection
    OnIdle m_on_idle;                        ///< run()'s, for serve()
};

/// A one-shot request over a fresh connection: sends {type, request_id, data} and returns the
/// reply carrying the same request_id, skipping pushes. Throws StreamError (kind error_reply,
/// message and code per §3.5) for a reply of type "error", StreamError (kind rejected) when the
/// token is rejected, TransportError on timeout or a dropped connection.
ws::Message stream_request(ws::Connector& connector, const ws::ConnectOptions& connect, Clock& clock,
                           const std::string& type, const std::optional<std::string>& data_json,
                           std::chrono::milliseconds timeout,
                           const std::optional<std::string>& connect_token = std::nullopt);

}  // namespace hyperoru
