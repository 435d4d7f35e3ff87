#pragma once
/// Value types of the HTTP layer and the transport interface.
///
/// The transport is the only seam through which the client talks to the network. The libcurl
/// implementation lives in src/http/ (the only code that includes curl); tests use an in-memory
/// fake that records requests.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hyperoru::http {

/// One header field. Names keep the case they were written or received with; compare them with
/// find_header, which ignores ASCII case. Received values have surrounding blanks removed.
struct Header {
    std::string name;
    std::string value;
    bool operator==(const Header&) const = default;  ///< exact: name case counts
};
/// Header fields in order; a name may occur more than once.
using Headers = std::vector<Header>;

/// The value of the first header named `name` (ASCII case-insensitive), if any.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

/// The scheme, host and port of an http(s) URL: what decides where a token may go.
struct Origin {
    std::string scheme;  ///< lower case, "http" or "https"
    std::string host;    ///< lower case; an IPv6 literal keeps its brackets ("[::1]")
    int port = 0;        ///< explicit or the scheme's default
    bool operator==(const Origin&) const = default;
};

/// The origin of an absolute http(s) URL; nullopt for anything else.
std::optional<Origin> origin_of(std::string_view url);

/// Whether the URL's authority carries userinfo (user[:password]@host), which origin_of() ignores.
bool has_userinfo(std::string_view url);

/// Whether `host` (as in Origin::host) is this machine for certain, decided on its text alone:
/// an IPv4 literal in 127.0.0.0/8 (dotted quad, as inet_pton reads it), the IPv6 literal
/// [::1] in any spelling (or an IPv4-mapped 127.x address), or exactly the name "localhost".
/// Any other name is remote, even "127.evil.example" or one that resolves to 127.0.0.1: a
/// check by resolution could be raced by DNS. Plain http and ws are allowed only to these.
bool is_loopback_host(std::string_view host);

/// One HTTP request, as the client hands it to Transport::perform.
struct Request {
    std::string method;               ///< "GET", "POST", ... (case-sensitive, RFC 9110)
    std::string url;                  ///< absolute URL, already percent-encoded
    Headers headers;                  ///< sent as given, in order; an empty value is sent, not dropped
    std::optional<std::string> body;  ///< absent: no body and no Content-Length
    /// This exchange's whole limit when above zero: what is left of a caller's time budget. The
    /// smaller of it and TransportOptions::timeout applies (0 in both: no limit).
    std::chrono::milliseconds timeout{0};
};

/// A complete HTTP response, whatever its status: judging it is the client's job.
struct Response {
    long status = 0;     ///< of the final response (interim 1xx answers are skipped)
    std::string reason;  ///< reason phrase of the status line, may be empty (HTTP/2)
    Headers headers;     ///< headers of the final response only
    std::string body;    ///< empty for a 2xx streamed to a BodySink (Transport::stream)
};

/// Why no HTTP response was received.
enum class FailureKind {
    resolve,      ///< host name could not be resolved
    connect,      ///< TCP connect failed or was refused
    tls,          ///< the TLS handshake failed (may be transient)
    certificate,  ///< the server's certificate failed verification (never transient)
    timeout,      ///< connect or whole-request timeout
    too_large,    ///< the response body exceeded the size cap
    send,         ///< the connection failed while sending the request
    receive,      ///< the connection failed while receiving the response
    aborted,      ///< the transfer was aborted (interrupt)
    protocol,     ///< malformed HTTP, unsupported protocol or URL
    other,
};

/// Stable lower-case name of a failure kind ("tls", "timeout", ...).
const char* to_string(FailureKind kind);

/// No response: what went wrong, as a value (transports never throw for network conditions).
struct Failure {
    FailureKind kind = FailureKind::other;
    std::string message;  ///< for people, e.g. "could not connect: Connection refused"
    /// False when the failure happened before any byte of the request was sent (DNS, TCP
    /// connect, TLS handshake): only then may a non-idempotent request be retried (§1.9).
    bool request_sent = true;
};

/// What one exchange produced: a response (any status), or the reason there was none.
using Outcome = std::variant<Response, Failure>;

/// Receives the body of a success (2xx) response piece by piece, as it arrives (streams).
/// Called on the thread that runs Transport::stream, while it runs.
class BodySink {
public:
    virtual ~BodySink() = default;
    /// One piece of the body, of any size (pieces follow network reads, not message
    /// boundaries); valid only during the call. Returns false to stop the transfer (the outcome
    /// is then a Failure of kind aborted).
    virtual bool write(std::string_view chunk) = 0;
    /// Called once before the first piece with the 2xx response's status, reason and headers
    /// (its body empty); not called for an empty body. Returns false to stop the transfer
    /// before any piece (the outcome is then a Failure of kind aborted). Default: true.
    virtual bool start(const Response& head);
    /// Whether the request may be sent again after an answer that gave this sink nothing: a
    /// retryable status (its body never comes here) or a failure before the first piece. A
    /// download to a file or a pipe may; a stream may not (§1.9). Default: false.
    virtual bool repeatable() const noexcept { return false; }
};

/// Performs one HTTP exchange. Implementations never follow redirects and never throw for
/// network conditions; they return a Failure instead. Not thread-safe: one per thread.
class Transport {
public:
    virtual ~Transport() = default;
    /// Sends `request` and waits for the whole response: a Response for any status (3xx
    /// included, never followed), or a Failure.
    virtual Outcome perform(const Request& request) = 0;
    /// Like perform, but a 2xx body goes to `sink` as it arrives and Response::body stays empty;
    /// other bodies are collected as usual (for the error reader). The default hands the whole
    /// body over at once, after perform.
    virtual Outcome stream(const Request& request, BodySink& sink);
};

/// Settings of make_curl_transport(). The pointers are borrowed: what they point to must
/// outlive the transport.
struct TransportOptions {
    std::chrono::milliseconds timeout{30'000};          ///< whole request; 0: no limit
    std::chrono::milliseconds connect_timeout{10'000};  ///< DNS, TCP and TLS handshake
    /// An exchange that receives no byte for this long (rounded up to whole seconds) fails with
    /// kind timeout, while waiting for the answer or in the middle of a body; 0: no such limit.
    std::chrono::milliseconds stall_timeout{0};
    std::string cacert;     ///< CA bundle file; empty: system store
    bool insecure = false;  ///< skip peer and host verification
    /// Cap on a collected body: a larger one is a Failure of kind too_large. A 2xx body streamed
    /// to a BodySink is not collected, so only a Content-Length above the cap stops it.
    std::size_t max_response_bytes = 64u * 1024u * 1024u;
    std::string user_agent;  ///< User-Agent header; empty: none is sent
    /// Verbose trace sink (request and response lines, never bodies); nullptr disables tracing.
    /// Every line is redacted before it is written, and the stream is flushed as it goes.
    std::ostream* trace = nullptr;
    /// Values that must never appear in the trace (token, password), in any encoding.
    std::vector<std::string> secrets;
    /// When set and true, the transfer in progress is aborted (FailureKind::aborted).
    const std::atomic<bool>* interrupted = nullptr;
};

/// Process-wide libcurl setup (curl_global_init / curl_global_cleanup). Create exactly one,
/// in main or the test runner, before any transport and before other threads start; destroy it
/// after the last transport. Throws std::runtime_error when libcurl cannot initialise.
class GlobalInit {
public:
    GlobalInit();
    ~GlobalInit();
    GlobalInit(const GlobalInit&) = delete;
    GlobalInit& operator=(const GlobalInit&) = delete;
};

/// The libcurl transport. One easy handle is reused for every request made through it, so
/// connections are kept alive, except that a non-idempotent request (POST, PATCH, ...) always
/// gets a fresh connection: libcurl would otherwise re-send it silently when a reused
/// connection turns out dead (§1.9: an order is sent once). Only http:// and https:// URLs;
/// a CR or LF in the URL or in a header is a Failure of kind protocol, before anything is
/// sent. A GlobalInit must exist. Throws std::runtime_error when libcurl cannot make a handle.
/// Not thread-safe: one transport per thread.
std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options);

}  // namespace hyperoru::http
