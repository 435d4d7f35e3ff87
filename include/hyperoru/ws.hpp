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
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hyperoru::ws {

/// One message from the server (a fragmented message arrives whole), or a pong. Text messages
/// carry their bytes exactly as received.
struct Message {
    std::string text;      ///< payload of a text frame (empty for binary)
    bool binary = false;   ///< a binary frame: only its size is kept (§3.5)
    bool pong = false;     ///< a pong answering our ping: proof of life, never shown to users
    std::size_t size = 0;  ///< payload size in bytes
    /// Set by Stream: the message echoes the request_id of a request it sent on this connection
    /// (subscribe, switch_account, bootstrap, connect), so it is a reply to the client, not an
    /// update the server pushed (contract §3.5).
    bool reply = false;
    /// Set by Stream for a text frame that is JSON: the text as one line of compact JSON, exact,
    /// with json::default_mask_keys() masked (what `watch` prints off a terminal), made in the
    /// same pass that classified the message.
    std::optional<std::string> compact{};
};

/// Why a connection ended or could not be made: a value, like http::Failure. Connector::connect
/// and every Connection call return one instead of throwing; once a Connection has failed, it is
/// gone and every later call returns the same Failure. The URL and server texts quoted in
/// `message` are redacted, so it never shows the token.
struct Failure {
    enum class Kind {
        auth,      ///< the upgrade was answered 401 or 403: the token is rejected
        tls,       ///< TLS handshake or certificate verification failed
        network,   ///< resolve, connect, read or write failed; the peer vanished
        closed,    ///< a close frame ended it: the server's, or Connection::close() (code, reason)
        timeout,   ///< the handshake did not finish in time
        protocol,  ///< not a ws:// or wss:// URL, a User-Agent with CR or LF, not a WebSocket
                   ///< server, a malformed frame, a message over 16 MiB, or a server that
                   ///< floods: more than 100 control frames (pings, pongs) within one second,
                   ///< or 200 reads in a row that add nothing to the message (empty fragments)
    };
    Kind kind = Kind::network;
    std::string message;
    /// Kind closed: the code of the server's close frame (or, after Connection::close(), the code
    /// passed to it). 0 for the other kinds.
    int close_code = 0;
    /// Kind closed: the close frame's reason text, as received; may be empty.
    std::string close_reason;
};

/// How Connector::connect reaches the stream. See stream_url() for the URL of a base URL.
struct ConnectOptions {
    std::string url;  ///< ws:// or wss://host[:port]/ws[?session_token=...]
    /// The whole opening: name resolution, TCP, TLS handshake and upgrade together.
    std::chrono::milliseconds connect_timeout{10'000};
    std::string cacert;             ///< CA bundle; empty: the system store
    bool insecure = false;          ///< no peer verification (warned by the CLI)
    std::string user_agent;         ///< User-Agent of the upgrade request; empty: none is sent
    std::ostream* trace = nullptr;  ///< verbose lines, redacted; must outlive the connection
    /// Never shown in the trace or in an Error's message (the token), in any encoding; the
    /// session_token query parameter of the URL is redacted by name as well.
    std::vector<std::string> secrets;
};

class Connection;

/// What Connection::next() gives: a message, nothing in time (an empty optional), or the end.
using Next = std::variant<std::optional<Message>, Failure>;
/// What Connector::connect() gives: the open connection, or why there is none.
using Opened = std::variant<std::unique_ptr<Connection>, Failure>;

/// An open connection. Not thread-safe; one thread uses it. Destroying it drops the TCP
/// connection without a close frame; call close() first for a clean end. No call throws.
class Connection {
public:
    virtual ~Connection() = default;
    /// Sends one text message: nullopt when sent, else the Failure that ended the connection
    /// (kind network when the server takes no data for 10 s).
    virtual std::optional<Failure> send(std::string_view text) = 0;
    /// Waits up to `timeout` for the next message: an empty optional when none came in time
    /// (the connection stays usable). Pings from the server are answered automatically and not
    /// returned; a pong is returned as a Message with pong=true, so the caller can count it as
    /// life. A Failure when the connection ends. It returns within about `timeout` however fast
    /// the server sends.
    virtual Next next(std::chrono::milliseconds timeout) = 0;
    /// Sends a protocol-level ping (RFC 6455) with an empty payload; its pong comes back
    /// through next(). A Failure when the connection is gone or the frame cannot be written
    /// within 5 s.
    virtual std::optional<Failure> ping() = 0;
    /// Sends a close frame with `code` (one a close frame may not carry, such as 1005 or 1006,
    /// is sent as 1000) and `reason` (cut to the 123 bytes a close frame holds), waits up to 0.5 s
    /// for the server's, then drops the connection; later calls fail (kind closed). After the
    /// connection has already ended, or with a server found flooding, it only releases it.
    virtual void close(int code = 1000, std::string_view reason = {}) noexcept = 0;
};

/// Opens connections. connect() blocks until the upgrade is answered or
/// ConnectOptions::connect_timeout has passed, and fails with kind auth when the upgrade is
/// answered 401 or 403, protocol for another refusal or a URL that is not ws:// or wss://,
/// timeout, tls (certificate or handshake) or network (resolve, connect) otherwise. The
/// connection returned is independent of the connector. It never throws.
class Connector {
public:
    virtual ~Connector() = default;
    virtual Opened connect(const ConnectOptions& options) = 0;
};

/// The Boost.Beast connector: TLS with peer verification (unless insecure), SNI and host-name
/// check. It keeps no state: each connection runs on its own private io_context, driven by the
/// calling thread inside each call (no background threads).
std::unique_ptr<Connector> make_beast_connector();

/// The WebSocket URL for a REST base URL (§1.1): trailing slashes dropped, https→wss, http→ws
/// (another scheme is kept as it is), then /ws after any path prefix of the base URL. With a
/// token, it is percent-encoded into the session_token query parameter (§3.1).
std::string stream_url(std::string_view base_url, const std::optional<std::string>& token);

}  // namespace hyperoru::ws
