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

struct Header {
    std::string name;
    std::string value;
    bool operator==(const Header&) const = default;
};
using Headers = std::vector<Header>;

/// The value of the first header named `name` (ASCII case-insensitive), if any.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

struct Request {
    std::string method;               ///< "GET", "POST", ...
    std::string url;                  ///< absolute URL, already percent-encoded
    Headers headers;                  ///< sent as given, in order
    std::optional<std::string> body;  ///< absent: no body and no Content-Length
};

struct Response {
    long status = 0;
    std::string reason;  ///< reason phrase of the status line, may be empty (HTTP/2)
    Headers headers;     ///< headers of the final response only
    std::string body;
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

struct Failure {
    FailureKind kind = FailureKind::other;
    std::string message;
    /// False when the failure happened before any byte of the request was sent (DNS, TCP
    /// connect, TLS handshake): only then may a non-idempotent request be retried (§1.9).
    bool request_sent = true;
};

using Outcome = std::variant<Response, Failure>;

/// Receives the body of a success (2xx) response piece by piece, as it arrives (streams).
class BodySink {
public:
    virtual ~BodySink() = default;
    /// Returns false to stop the transfer (the outcome is then a Failure of kind aborted).
    virtual bool write(std::string_view chunk) = 0;
};

/// Performs one HTTP exchange. Implementations never follow redirects and never throw for
/// network conditions; they return a Failure instead. Not thread-safe: one per thread.
class Transport {
public:
    virtual ~Transport() = default;
    virtual Outcome perform(const Request& request) = 0;
    /// Like perform, but a 2xx body goes to `sink` as it arrives and Response::body stays empty;
    /// other bodies are collected as usual (for the error reader). The default hands the whole
    /// body over at once, after perform.
    virtual Outcome stream(const Request& request, BodySink& sink);
};

struct TransportOptions {
    std::chrono::milliseconds timeout{30'000};  ///< whole request
    std::chrono::milliseconds connect_timeout{10'000};
    std::string cacert;     ///< CA bundle file; empty: system store
    bool insecure = false;  ///< skip peer and host verification
    std::size_t max_response_bytes = 64u * 1024u * 1024u;
    std::string user_agent;
    /// Verbose trace sink (request and response lines); nullptr disables tracing.
    /// Every line is redacted before it is written.
    std::ostream* trace = nullptr;
    /// Values that must never appear in the trace (token, password), in any encoding.
    std::vector<std::string> secrets;
    /// When set and true, the transfer in progress is aborted (FailureKind::aborted).
    const std::atomic<bool>* interrupted = nullptr;
};

/// Process-wide libcurl setup (curl_global_init / curl_global_cleanup). Create exactly one,
/// in main or the test runner, before any transport and before other threads start.
class GlobalInit {
public:
    GlobalInit();
    ~GlobalInit();
    GlobalInit(const GlobalInit&) = delete;
    GlobalInit& operator=(const GlobalInit&) = delete;
};

/// The libcurl transport. One easy handle is reused for every request of the process, so
/// connections are kept alive. curl_global_init must have been called.
std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options);

}  // namespace hyperoru::http
