// The Boost.Beast WebSocket connector: the only code in the project that includes Beast/Asio.
//
// Each connection owns a private io_context. The blocking interface drives Beast's asynchronous
// operations by running that io_context until the operation's handler has run or a deadline has
// passed. A timed-out connect, write, ping or close is cancelled (socket closed) and the
// connection is dead. A read is never cancelled: Beast 1.74 cannot resume a websocket read that
// was cancelled halfway through a frame. next() starts one async_read and leaves it outstanding
// across calls until it completes; a timed-out next() just returns and the next call keeps
// waiting for the same read. Writes (send, ping, close) run while that read is pending, which
// Beast allows (one read and one write outstanding), and they also let the read progress.
// Waits run one handler at a time and look at the clock between any two, however fast the server
// sends; a server that floods (control frames, or empty fragments that never end a message) is
// failed with kind protocol, so the caller reconnects instead of spinning on it.
// Every trace line goes through the redactor first: the URL carries the session token.
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
// With optimisation, GCC 12 reports -Wnull-dereference inside Asio's scheduler (inlined into this
// file, so the system-header exemption misses it): silenced for Boost's headers only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/rate_policy.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "http/redact.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/ws.hpp"

namespace hyperoru::ws {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using Steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// Inside this file a failure travels as an exception from where it is found to the public call,
/// which returns it as a value (ws::Failure): no exception leaves the file.
class Error {
public:
    using Kind = Failure::Kind;
    Error(Kind kind, std::string message, int close_code = 0, std::string close_reason = {})
        : m_failure{kind, std::move(message), close_code, std::move(close_reason)} {}
    const Failure& failure() const noexcept { return m_failure; }

private:
    Failure m_failure;
};

/// Runs `action`, returning what it returns, or the Failure it raised.
template <class Result, class Action>
std::variant<Result, Failure> guarded(Action&& action) {
    try {
        return action();
    } catch (const Error& e) {
        return e.failure();
    }
}

/// The same for an action that returns nothing: nullopt when it succeeded.
template <class Action>
std::optional<Failure> guarded_void(Action&& action) {
    try {
        action();
        return std::nullopt;
    } catch (const Error& e) {
        return e.failure();
    }
}

constexpr milliseconds k_write_timeout{10'000};  ///< send(): a peer that takes nothing is gone
constexpr milliseconds k_ping_timeout{5'000};    ///< ping(): writing one small frame
constexpr milliseconds k_close_timeout{500};     ///< close(): our close frame and the server's
constexpr milliseconds k_drain_timeout{1'000};   ///< handlers of cancelled operations
constexpr std::size_t k_max_message = std::size_t{16} << 20;
/// A flooding server is failed (kind protocol) rather than served for ever. Control frames: a
/// real server pings a few times a minute and pongs answer our own pings (one per interval).
constexpr int k_max_control_frames = 100;  ///< within one second
/// Reads that leave the pending message where it was (no payload, not finished) and bring no
/// control frame, in a row, each within k_stall_gap of the previous one: an endless run of empty
/// fragments, which Beast skips without a word (each read takes up to 1536 bytes, 768 of them).
/// A real message grows with nearly every read; the few reads that bring only a frame header or
/// part of a TLS record are followed by one that brings data.
constexpr int k_max_stalled_reads = 200;
constexpr milliseconds k_stall_gap{1'000};
/// Handlers still run once a wait's deadline has passed, so what is ready already counts even
/// with a zero timeout. Bounded: under a flood there always is one more.
constexpr int k_handlers_past_deadline = 64;
constexpr std::size_t k_max_pongs = 16;  ///< pongs kept for next(); one is proof of life enough

/// A ws:// or wss:// URL taken apart.
struct Url {
    bool secure = false;
    std::string host;    ///< without brackets: for resolve, SNI and the certificate check
    std::string port;    ///< explicit or 80/443
    std::string target;  ///< path and query, at least "/"
    std::string host_header;
};

std::optional<Url> parse_url(std::string_view text) {
    Url url;
    if (text.starts_with("wss://")) {
        url.secure = true;
        text.remove_prefix(6);
    } else if (text.starts_with("ws://")) {
        text.remove_prefix(5);
    } else {
        return std::nullopt;
    }
    if (text.find_first_of("\r\n \t") != std::string_view::npos) return std::nullopt;
    text = text.substr(0, text.find('#'));
    const auto authority_end = text.find_first_of("/?");
    std::string_view authority = text.substr(0, authority_end);
    url.target = authority_end == std::string_view::npos ? "/" : std::string(text.substr(authority_end));
    if (url.target.front() == '?') url.target.insert(0, "/");
    if (authority.find('@') != std::string_view::npos) return std::nullopt;  // no user info
    std::string_view port;
    if (authority.starts_with("[")) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        url.host = std::string(authority.substr(1, close - 1));
        const auto rest = authority.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(":")) return std::nullopt;
        if (!rest.empty()) port = rest.substr(1);
    } else {
        const auto colon = authority.rfind(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (url.host.empty()) return std::nullopt;
    if (!std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        port.size() > 5) {
        return std::nullopt;
    }
    const std::string_view default_port = url.secure ? "443" : "80";
    url.port = port.empty() ? std::string(default_port) : std::string(port);
    url.host_header = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    if (url.port != default_port) url.host_header += ":" + url.port;
    return url;
}

/// Codes a close frame must not carry (1005, 1006, 1015, ...; RFC 6455 7.4) become 1000.
int sendable_close_code(int code) {
    const bool valid =
        (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1013) || (code >= 3000 && code <= 4999);
    return valid ? code : 1000;
}

/// OpenSSL's own message for a missing or unusable file is only "asio.ssl error".
void load_ca_bundle(ssl::context& context, const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "r");
    if (file == nullptr) {
        throw Error(Error::Kind::tls, "cannot read CA bundle " + path + ": " + std::strerror(errno));
    }
    std::fclose(file);
    beast::error_code ec;
    context.load_verify_file(path, ec);
    if (ec) throw Error(Error::Kind::tls, "cannot load CA bundle " + path + ": no PEM certificates in it");
}

bool is_ip_address(const std::string& host) {
    beast::error_code ec;
    (void)net::ip::make_address(host, ec);
    return !ec;
}

/// Errors that mean the peer or the path to it went away.
bool is_network_loss(const beast::error_code& ec) {
    return ec == net::error::eof || ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::error::connection_aborted || ec == net::error::not_connected ||
           ec == net::error::operation_aborted || ec == net::error::bad_descriptor ||
           ec == net::ssl::error::stream_truncated || ec == beast::http::error::end_of_stream;
}

/// Beast's rate-policy hook used as a meter, not a limit: whether a handler wrote to the socket.
class WriteCounter {
public:
    std::uint64_t writes() const noexcept { return m_writes; }

private:
    friend class beast::rate_policy_access;
    static std::size_t available_read_bytes() noexcept { return std::numeric_limits<std::size_t>::max(); }
    static std::size_t available_write_bytes() noexcept { return std::numeric_limits<std::size_t>::max(); }
    static void transfer_read_bytes(std::size_t) noexcept {}
    void transfer_write_bytes(std::size_t n) noexcept { m_writes += n > 0 ? 1 : 0; }
    static void on_timer() noexcept {}

    std::uint64_t m_writes = 0;
};

/// beast::tcp_stream with the meter.
using TcpStream = beast::basic_stream<tcp, net::any_io_executor, WriteCounter>;

template <bool Secure>
using NextLayer = std::conditional_t<Secure, beast::ssl_stream<TcpStream>, TcpStream>;

template <bool Secure>
class BeastConnection final : public Connection {
public:
    BeastConnection(const ConnectOptions& options, Url url)
        : m_options(options), m_url(std::move(url)), m_tls(make_tls_context()), m_ws(make_stream()) {}

    ~BeastConnection() override { shut_down(); }

    BeastConnection(const BeastConnection&) = delete;
    BeastConnection& operator=(const BeastConnection&) = delete;

    /// Resolve, TCP connect, TLS handshake, WebSocket upgrade: all within connect_timeout.
    void open() {
        const auto deadline = Steady::now() + m_options.connect_timeout;
        trace("* WebSocket connecting to " + m_options.url);
        tcp::resolver resolver(m_io);
        auto resolved = start<tcp::resolver::results_type>(
            [&](auto done) { resolver.async_resolve(m_url.host, m_url.port, std::move(done)); });
        if (!wait(resolved, deadline, [&] { resolver.cancel(); })) throw timed_out("resolving the host name");
        if (resolved->ec) {
            throw Error(Error::Kind::network, "cannot resolve " + m_url.host + ": " + resolved->ec.message());
        }

        auto connected = start<tcp::endpoint>([&](auto done) {
            beast::get_lowest_layer(m_ws).async_connect(resolved->result, std::move(done));
        });
        if (!wait(connected, deadline, [&] { cancel_socket(); }))
            throw timed_out("opening the TCP connection");
        if (connected->ec) {
            throw Error(Error::Kind::network,
                        "cannot connect to " + m_url.host_header + ": " + connected->ec.message());
        }
        const auto& peer = connected->result;
        trace("* Connected to " + m_url.host + " (" + peer.address().to_string() + ") port " +
              std::to_string(peer.port()));

        if constexpr (Secure) tls_handshake(deadline);
        upgrade(deadline);
        m_open = true;
    }

    std::optional<Failure> send(std::string_view text) override {
        return guarded_void([&] { send_checked(text); });
    }

    Next next(milliseconds timeout) override {
        return guarded<std::optional<Message>>([&] { return next_checked(timeout); });
    }

    std::optional<Failure> ping() override {
        return guarded_void([&] { ping_checked(); });
    }

    void send_checked(std::string_view text) {
        check_usable();
        m_ws.text(true);
        auto sent = start<std::size_t>(
            [&](auto done) { m_ws.async_write(net::buffer(text.data(), text.size()), std::move(done)); });
        finish_write(sent, k_write_timeout, "sending");
    }

    std::optional<Message> next_checked(milliseconds timeout) {
        if (auto pong = take_pong()) return pong;
        check_usable();
        if (!m_read)
            m_read = start<Nothing>([this](auto done) { m_ws.async_read(m_buffer, std::move(done)); });
        const auto deadline = Steady::now() + std::max(timeout, milliseconds{0});
        wait_for([this] { return m_read->finished || !m_pongs.empty() || m_flooded; }, deadline);
        check_usable();
        if (auto pong = take_pong()) return pong;
        if (!m_read->finished) return std::nullopt;
        const auto read = std::exchange(m_read, nullptr);
        if (read->ec) fail(read->ec, "reading");
        Message message;
        message.binary = !m_ws.got_text();
        message.size = m_buffer.size();
        if (!message.binary) message.text = beast::buffers_to_string(m_buffer.data());
        m_buffer.consume(m_buffer.size());
        return message;
    }

    void ping_checked() {
        check_usable();
        auto pinged = start<Nothing>([&](auto done) { m_ws.async_ping({}, std::move(done)); });
        finish_write(pinged, k_ping_timeout, "sending a ping");
    }

    void close(int code, std::string_view reason) noexcept override {
        try {
            // Not after the server's close frame: Beast has answered it already. Not with a server
            // that floods: it would only keep us reading for the whole close timeout.
            if (m_open && !m_failure && !m_flooded && !(m_read && m_read->finished && m_read->ec)) {
                websocket::close_reason why;
                why.code = static_cast<std::uint16_t>(sendable_close_code(code));
                why.reason.assign(reason.data(), std::min(reason.size(), why.reason.max_size()));
                auto closed = start<Nothing>([&](auto done) { m_ws.async_close(why, std::move(done)); });
                if (wait(closed, Steady::now() + k_close_timeout, [this] { cancel_socket(); })) {
                    trace("* WebSocket closed " + std::to_string(code) + " " + std::string(reason));
                } else if (m_flooded) {
                    trace("* WebSocket close abandoned: " + m_flooded->failure().message);
                } else {
                    trace("* WebSocket close timed out; connection dropped");
                }
                m_failure =
                    Error(Error::Kind::closed, "connection closed by the client", code, std::string(reason));
            }
        } catch (...) {  // never throws: close() runs on error paths
        }
        if (!m_failure && m_flooded) m_failure = m_flooded;  // later calls say why it was dropped
        shut_down();
    }

private:
    /// The outcome of one asynchronous operation, filled in by its handler.
    template <class Result>
    struct Pending {
        bool finished = false;
        beast::error_code ec;
        Result result{};
    };
    struct Nothing {};
    using Read = Pending<Nothing>;

    /// Starts an operation whose handler stores its error code and result into a shared Pending:
    /// a handler that runs late (while draining a cancelled operation) still finds live memory.
    template <class Result, class Launch>
    static std::shared_ptr<Pending<Result>> start(Launch launch) {
        auto pending = std::make_shared<Pending<Result>>();
        launch([pending](beast::error_code ec, auto... result) {
            pending->finished = true;
            pending->ec = ec;
            if constexpr (sizeof...(result) == 1 && !std::is_same_v<Result, Nothing>) {
                ((pending->result = std::move(result)), ...);
            }
        });
        return pending;
    }

    /// Runs the io_context until `done()` or `deadline`, one handler at a time, so the clock is
    /// checked between any two handlers however fast the server sends. Returns done().
    template <class Done>
    bool wait_for(Done done, Steady::time_point deadline) {
        for (;;) {
            if (done()) return true;
            if (m_io.stopped()) m_io.restart();
            const auto now = Steady::now();
            if (now >= deadline) break;
            if (m_io.run_one_for(deadline - now) == 0) {
                if (m_io.stopped()) return done();  // no work left
                continue;
            }
            note_read_progress();
        }
        // Not poll(): while a server floods, it would never return.
        for (int i = 0; i < k_handlers_past_deadline && !done(); ++i) {
            if (m_io.stopped()) m_io.restart();
            if (m_io.poll_one() == 0) break;
            note_read_progress();
        }
        return done();
    }

    /// After each handler: did the pending read's message grow or finish? A long run of reads
    /// that did neither is a server sending empty fragments for ever (they do not count towards
    /// the 16 MiB message limit, so nothing else would end the message). A handler that wrote
    /// (a pong Beast sent, our ping) or met a control frame (counted on its own) is no such read.
    void note_read_progress() {
        const auto writes = beast::get_lowest_layer(m_ws).rate_policy().writes();
        const bool other = writes != m_stall_writes || m_control_total != m_stall_controls;
        m_stall_writes = writes;
        m_stall_controls = m_control_total;
        if (!m_read || m_read->finished || m_buffer.size() != m_stall_size) {
            m_stall_size = m_buffer.size();
            m_stalled_reads = 0;
            return;
        }
        if (other) return;
        const auto now = Steady::now();
        if (now - m_last_stall >= k_stall_gap) m_stalled_reads = 0;
        m_last_stall = now;
        if (++m_stalled_reads >= k_max_stalled_reads && !m_flooded) {
            m_flooded = Error(Error::Kind::protocol, "a message made no progress over " +
                                                         std::to_string(k_max_stalled_reads) +
                                                         " reads of empty frames in a row");
        }
    }

    /// Each ping, pong or close frame: a server that sends them faster than any real one does is
    /// flooding (each ping also costs us a pong).
    void note_control_frame() {
        ++m_control_total;
        const auto now = Steady::now();
        if (now - m_control_window >= std::chrono::seconds{1}) {
            m_control_window = now;
            m_control_frames = 0;
        }
        if (++m_control_frames > k_max_control_frames && !m_flooded) {
            m_flooded = Error(Error::Kind::protocol, "the server sent more than " +
                                                         std::to_string(k_max_control_frames) +
                                                         " control frames (pings, pongs) within one second");
        }
    }

    /// Waits for `pending`; past the deadline, or once a flood is found (a flooding server may
    /// never take our write nor answer our close), cancels it and lets its handler run.
    /// false: timed out or flooded.
    template <class P, class Cancel>
    bool wait(const std::shared_ptr<P>& pending, Steady::time_point deadline, Cancel cancel) {
        wait_for([&] { return pending->finished || m_flooded; }, deadline);
        if (pending->finished) return true;
        cancel();
        wait_for([&] { return pending->finished; }, Steady::now() + k_drain_timeout);
        return false;
    }

    template <class P>
    void finish_write(const std::shared_ptr<P>& pending, milliseconds limit, const char* what) {
        if (!wait(pending, Steady::now() + limit, [this] { cancel_socket(); })) {
            if (m_flooded) fail_with(*m_flooded);
            fail_with(
                Error(Error::Kind::network, std::string("timed out ") + what + ": the server takes no data"));
        }
        if (pending->ec) {
            // The read may have seen why (a close frame); its error says more than the write's.
            if (m_read && m_read->finished && m_read->ec) fail(m_read->ec, "reading");
            fail(pending->ec, what);
        }
    }

    std::optional<Message> take_pong() {
        if (m_pongs.empty()) return std::nullopt;
        Message message;
        message.pong = true;
        message.size = m_pongs.front();
        m_pongs.pop_front();
        return message;
    }

    void tls_handshake(Steady::time_point deadline) {
        auto& tls = m_ws.next_layer();
        // SNI only for names (RFC 6066 forbids addresses); the certificate check covers both.
        // SSL_ctrl, because the SSL_set_tlsext_host_name macro is an old-style cast.
        if (!is_ip_address(m_url.host) &&
            SSL_ctrl(tls.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(m_url.host.c_str())) != 1) {
            throw Error(Error::Kind::tls, "cannot set the TLS server name " + m_url.host);
        }
        if (!m_options.insecure) {
            tls.set_verify_callback([check = ssl::host_name_verification(m_url.host)](
                                        bool preverified, ssl::verify_context& context) {
                const bool ok = check(preverified, context);
                // Name the reason, so the error says "hostname mismatch", not just "failed".
                if (preverified && !ok) {
                    X509_STORE_CTX_set_error(context.native_handle(), X509_V_ERR_HOSTNAME_MISMATCH);
                }
                return ok;
            });
        }
        auto shaken = start<Nothing>(
            [&](auto done) { tls.async_handshake(ssl::stream_base::client, std::move(done)); });
        if (!wait(shaken, deadline, [this] { cancel_socket(); })) throw timed_out("in the TLS handshake");
        if (shaken->ec) {
            std::string message = "TLS handshake with " + m_url.host + " failed: " + shaken->ec.message();
            const long verify = SSL_get_verify_result(tls.native_handle());
            if (verify != X509_V_OK)
                message += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
            throw Error(Error::Kind::tls, message);
        }
        trace(std::string("* TLS connection using ") + SSL_get_version(tls.native_handle()) + " / " +
              SSL_get_cipher_name(tls.native_handle()));
    }

    void upgrade(Steady::time_point deadline) {
        // Beast's own timer bounds the handshake; ours bounds the whole connect. Liveness after
        // that is the caller's business (it sends pings): no idle timeout, no automatic pings.
        websocket::stream_base::timeout limits{};
        limits.handshake_timeout = m_options.connect_timeout;
        limits.idle_timeout = websocket::stream_base::none();
        limits.keep_alive_pings = false;
        m_ws.set_option(limits);
        m_ws.read_message_max(k_max_message);
        m_ws.set_option(websocket::stream_base::decorator([this](websocket::request_type& request) {
            if (m_options.user_agent.empty()) {
                request.erase(beast::http::field::user_agent);
            } else {
                request.set(beast::http::field::user_agent, m_options.user_agent);
            }
            trace("> GET " + std::string(request.target()) + " HTTP/1.1");
            for (const auto& field : request) {
                trace("> " + std::string(field.name_string()) + ": " + std::string(field.value()));
            }
        }));
        m_ws.control_callback([this](websocket::frame_type kind, beast::string_view payload) {
            note_control_frame();
            if (kind == websocket::frame_type::pong && m_pongs.size() < k_max_pongs)
                m_pongs.push_back(payload.size());
        });
        beast::get_lowest_layer(m_ws).expires_never();  // the websocket timer takes over

        websocket::response_type response;
        auto upgraded = start<Nothing>([&](auto done) {
            m_ws.async_handshake(response, m_url.host_header, m_url.target, std::move(done));
        });
        if (!wait(upgraded, deadline, [this] { cancel_socket(); }))
            throw timed_out("in the WebSocket upgrade");
        // A response was read (and judged) unless the error is about the transport.
        if (!upgraded->ec ||
            upgraded->ec.category() == make_error_code(websocket::error::closed).category()) {
            trace("< HTTP/" + std::to_string(response.version() / 10) + "." +
                  std::to_string(response.version() % 10) + " " + std::to_string(response.result_int()) +
                  " " + std::string(response.reason()));
            for (const auto& field : response) {
                trace("< " + std::string(field.name_string()) + ": " + std::string(field.value()));
            }
        }
        if (!upgraded->ec) return;
        const auto status = response.result_int();
        if (upgraded->ec == websocket::error::upgrade_declined && status != 0) {
            const auto body = read_error_body(status, std::string(response.reason()), response.body());
            const bool rejected = status == 401 || status == 403;
            std::string message =
                std::string(rejected ? "the server rejected the token" : "WebSocket upgrade refused") +
                " (HTTP " + std::to_string(status) + ")";
            if (body.message.rfind("HTTP ", 0) != 0) message += ": " + body.message;
            throw Error(rejected ? Error::Kind::auth : Error::Kind::protocol, redacted(message));
        }
        if (upgraded->ec == beast::error::timeout) throw timed_out("in the WebSocket upgrade");
        throw classify(upgraded->ec, "in the WebSocket upgrade");
    }

    /// Turns a Beast/Asio error into an Error.
    Error classify(const beast::error_code& ec, const std::string& what) {
        // A close frame came in. The teardown after it may still fail (a TLS peer that drops the
        // TCP connection without close_notify), but the server's close code is what matters.
        if (ec == websocket::error::closed || m_ws.reason().code != websocket::close_code::none) {
            const auto& why = m_ws.reason();
            const int code = static_cast<int>(why.code);
            std::string reason(why.reason.data(), why.reason.size());
            trace("* WebSocket closed " + std::to_string(code) + " " + reason);
            return Error(Error::Kind::closed,
                         redacted("connection closed by the server: " + std::to_string(code) +
                                  (reason.empty() ? "" : " " + reason)),
                         code, reason);
        }
        if (ec == beast::error::timeout) return timed_out(what.c_str());
        if (is_network_loss(ec)) {
            return Error(Error::Kind::network, "connection lost " + what + ": " + ec.message());
        }
        if (ec.category() == net::error::get_ssl_category()) {
            return Error(Error::Kind::tls, "TLS error " + what + ": " + ec.message());
        }
        if (ec.category() == make_error_code(websocket::error::closed).category() ||
            ec.category() == make_error_code(beast::http::error::end_of_stream).category()) {
            return Error(Error::Kind::protocol, "WebSocket protocol error " + what + ": " + ec.message());
        }
        return Error(Error::Kind::network, "network error " + what + ": " + ec.message());
    }

    [[noreturn]] void fail(const beast::error_code& ec, const std::string& what) {
        fail_with(classify(ec, what));
    }

    /// Remembers why the connection ended (later calls fail the same way), drops it and raises.
    [[noreturn]] void fail_with(Error error) {
        m_failure = error;
        shut_down();
        throw error;
    }

    /// Raises why the connection ended; a flood found meanwhile ends it now.
    void check_usable() {
        if (m_failure) throw *m_failure;
        if (m_flooded) fail_with(*m_flooded);
    }

    Error timed_out(const char* stage) const {
        return Error(Error::Kind::timeout, "connecting to " + m_url.host_header + " timed out after " +
                                               std::to_string(m_options.connect_timeout.count()) + " ms (" +
                                               stage + ")");
    }

    void cancel_socket() noexcept {
        beast::error_code ignored;
        beast::get_lowest_layer(m_ws).socket().close(ignored);
    }

    /// Closes the socket and lets the handlers of whatever was pending run; idempotent.
    void shut_down() noexcept {
        try {
            cancel_socket();
            if (m_read && !m_read->finished) {
                wait_for([this] { return m_read->finished; }, Steady::now() + k_drain_timeout);
            }
            m_read.reset();
            m_pongs.clear();  // proof of life no more
            if (!m_failure) m_failure = Error(Error::Kind::network, "connection closed");
        } catch (...) {
        }
    }

    std::string redacted(const std::string& line) const { return http::redact_line(line, m_options.secrets); }

    void trace(const std::string& line) const {
        if (m_options.trace == nullptr) return;
        *m_options.trace << redacted(line) << '\n';
        m_options.trace->flush();
    }

    std::optional<ssl::context> make_tls_context() {
        if constexpr (!Secure) {
            return std::nullopt;
        } else {
            try {
                std::optional<ssl::context> context(std::in_place, ssl::context::tls_client);
                if (m_options.insecure) {
                    context->set_verify_mode(ssl::verify_none);
                } else {
                    context->set_verify_mode(ssl::verify_peer);
                    if (m_options.cacert.empty()) {
                        context->set_default_verify_paths();
                    } else {
                        load_ca_bundle(*context, m_options.cacert);
                    }
                }
                return context;
            } catch (const boost::system::system_error& e) {
                throw Error(Error::Kind::tls, std::string("cannot set up TLS: ") + e.code().message());
            }
        }
    }

    websocket::stream<NextLayer<Secure>> make_stream() {
        if constexpr (Secure) {
            return websocket::stream<NextLayer<Secure>>(m_io, *m_tls);
        } else {
            return websocket::stream<NextLayer<Secure>>(m_io);
        }
    }

    ConnectOptions m_options;
    Url m_url;
    net::io_context m_io;  // before the stream: destroyed after it
    std::optional<ssl::context> m_tls;
    websocket::stream<NextLayer<Secure>> m_ws;
    beast::flat_buffer m_buffer;
    std::shared_ptr<Read> m_read;     ///< the outstanding read, kept across next() calls
    std::deque<std::size_t> m_pongs;  ///< sizes of pongs not yet returned by next(), at most k_max_pongs
    bool m_open = false;
    std::optional<Error> m_failure;  ///< set once the connection is gone
    std::optional<Error> m_flooded;  ///< set by a handler that found a flood; the next check fails
    std::size_t m_stall_size = 0;    ///< m_buffer.size() after the last read that made progress
    int m_stalled_reads = 0;
    Steady::time_point m_last_stall{};
    std::uint64_t m_stall_writes = 0;       ///< socket writes, as of the last handler
    std::uint64_t m_stall_controls = 0;     ///< control frames, as of the last handler
    std::uint64_t m_control_total = 0;      ///< control frames since the connection opened
    Steady::time_point m_control_window{};  ///< start of the current one-second window
    int m_control_frames = 0;               ///< control frames in that window
};

class BeastConnector final : public Connector {
public:
    Opened connect(const ConnectOptions& options) override {
        return guarded<std::unique_ptr<Connection>>([&] { return connect_checked(options); });
    }

private:
    static std::unique_ptr<Connection> connect_checked(const ConnectOptions& options) {
        auto url = parse_url(options.url);
        if (!url) {
            throw Error(Error::Kind::protocol,
                        "not a ws:// or wss:// URL: " + http::redact_line(options.url, options.secrets));
        }
        if (options.user_agent.find_first_of("\r\n") != std::string::npos) {
            throw Error(Error::Kind::protocol, "the User-Agent contains CR or LF");
        }
        if (url->secure) return open<true>(options, std::move(*url));
        return open<false>(options, std::move(*url));
    }

    template <bool Secure>
    static std::unique_ptr<Connection> open(const ConnectOptions& options, Url url) {
        auto connection = std::make_unique<BeastConnection<Secure>>(options, std::move(url));
        connection->open();
        return connection;
    }
};

}  // namespace

std::unique_ptr<Connector> make_beast_connector() {
    return std::make_unique<BeastConnector>();
}

}  // namespace hyperoru::ws
