#pragma once
/// WebSocket access to the Hyperoru stream (/ws, contract §3).
///
/// A small blocking interface: connect, send, wait for the next message with a timeout, ping,
/// close. The Boost.Beast implementation (src/ws/, the only code that includes Beast) runs
/// Beast's asynchronous operations on a private io_context behind it. Tests use a fake.
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hyperoru::ws {

/// One frame from the server. Text frames carry their bytes exactly as received.
struct Message {
    std::string text;      ///< payload of a text frame (empty for binary)
    bool binary = false;   ///< a binary frame: only its size is kept (§3.5)
    bool pong = false;     ///< a pong answering our ping: proof of life, never shown to users
    std::size_t size = 0;  ///< payload size in bytes
};

/// Why a connection ended or could not be made.
class Error : public std::runtime_error {
public:
    enum class Kind {
        auth,      ///< the upgrade was answered 401 or 403: the token is rejected
        tls,       ///< TLS handshake or certificate verification failed
        network,   ///< resolve, connect, read or write failed; the peer vanished
        closed,    ///< the server sent a close frame (code and reason set)
        timeout,   ///< the handshake did not finish in time
        protocol,  ///< not a WebSocket server, or a malformed frame
    };
    Error(Kind kind, const std::string& message, int close_code = 0, std::string close_reason = {})
        : std::runtime_error(message),
          m_kind(kind),
          m_close_code(close_code),
          m_close_reason(std::move(close_reason)) {}
    Kind kind() const noexcept { return m_kind; }
    int close_code() const noexcept { return m_close_code; }
    const std::string& close_reason() const noexcept { return m_close_reason; }

private:
    Kind m_kind;
    int m_close_code;
    std::string m_close_reason;
};

struct ConnectOptions {
    std::string url;                                    ///< ws:// or wss://host[:port]/ws[?session_token=...]
    std::chrono::milliseconds connect_timeout{10'000};  ///< TCP + TLS + upgrade
    std::string cacert;                                 ///< CA bundle; empty: the system store
    bool insecure = false;                              ///< no peer verification (warned by the CLI)
    std::string user_agent;
    std::ostream* trace = nullptr;     ///< verbose lines, redacted
    std::vector<std::string> secrets;  ///< never shown in the trace (the token)
};

/// An open connection. Not thread-safe; one thread uses it.
class Connection {
public:
    virtual ~Connection() = default;
    /// Sends one text frame. Throws Error when the connection is gone.
    virtual void send(std::string_view text) = 0;
    /// Waits up to `timeout` for the next message: nullopt when none came in time (the
    /// connection stays usable). Pings from the server are answered automatically and not
    /// returned; a pong is returned as a Message with pong=true, so the caller can count it as
    /// life. Throws Error when the connection ends.
    virtual std::optional<Message> next(std::chrono::milliseconds timeout) = 0;
    /// Sends a protocol-level ping (RFC 6455).
    virtual void ping() = 0;
    /// Sends a close frame and waits briefly for the server's; never throws.
    virtual void close(int code = 1000, std::string_view reason = {}) noexcept = 0;
};

/// Opens connections. Throws Error (kind auth for 401/403 on the upgrade).
class Connector {
public:
    virtual ~Connector() = default;
    virtual std::unique_ptr<Connection> connect(const ConnectOptions& options) = 0;
};

/// The Boost.Beast connector: TLS with peer verification, SNI and host-name check.
std::unique_ptr<Connector> make_beast_connector();

/// The WebSocket URL for a REST base URL (§1.1): https→wss, http→ws, path /ws. With a token, it is
/// percent-encoded into the session_token query parameter (§3.1).
std::string stream_url(std::string_view base_url, const std::optional<std::string>& token);

}  // namespace hyperoru::ws
