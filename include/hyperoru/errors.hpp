#pragma once
/// Typed errors thrown by the hyperoru library.
///
/// The HTTP layer reports failures as values (http::Failure); the client turns them, and every
/// non-success HTTP status, into one of these exceptions. Only the command-line front end catches
/// them and maps each to a documented exit code.
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "hyperoru/http.hpp"

namespace hyperoru {

/// Base class of every error the library throws.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The fields of an error body, read per the contract's tolerant reader (§1.8).
struct ErrorBody {
    std::string message;                    ///< human-readable text; never empty
    std::optional<std::string> code;        ///< machine code, e.g. ACCOUNT_NOT_FOUND
    std::optional<std::string> request_id;  ///< server trace id
    std::optional<std::string> details;     ///< compact JSON of `details`, for verbose output
};

/// The contract's tolerant error-body reader (§1.8), for HTTP error answers, SSE error events and
/// WebSocket error messages alike.
/// message: `error` if a string; else `message` if a string; else `detail` (a string as is; a
/// list of {loc, msg, type} items as "loc.joined.by.dots: msg", items joined with "; ").
/// code: `code` if a string (a number is kept as its text). request_id: `request_id` if a
/// string. details: compact JSON of `details` when present and not null.
/// When the body is not a JSON object or has none of the message fields: message is
/// "HTTP <status> <reason>" followed by ": " and the body made printable (control characters
/// and newlines collapsed to single spaces, trimmed, cut to 300 bytes at a UTF-8 boundary with
/// "..." appended when longer); an empty body gives just "HTTP <status> <reason>" (the reason
/// omitted when empty). code/request_id are still taken from a JSON object when present.
/// `status` 0 means the error came without HTTP (SSE, a task object): the fallback then starts
/// "the server reported an error" instead of inventing "HTTP 0".
ErrorBody read_error_body(long status, std::string_view reason, std::string_view body);

/// The server answered with a status that is not a success (and retries, if any, ran out).
class ApiError : public Error {
public:
    ApiError(long status, ErrorBody body, int attempts = 1);

    long status() const noexcept { return m_status; }
    const ErrorBody& body() const noexcept { return m_body; }
    /// How many requests were sent in total, retries included.
    int attempts() const noexcept { return m_attempts; }
    /// Set when the server asked to wait longer than the client is willing to (§1.9).
    std::optional<std::chrono::seconds> refused_retry_after;

private:
    long m_status;
    ErrorBody m_body;
    int m_attempts;
};

/// No token is available, or the server answered 401.
/// status() is 401 for a server answer and 0 when the client had no token to send.
class AuthError : public ApiError {
public:
    using ApiError::ApiError;
};

/// No HTTP response was received: DNS, connect, TLS, timeout, size cap, aborted transfer.
class TransportError : public Error {
public:
    TransportError(http::FailureKind kind, const std::string& message, int attempts = 1);
    http::FailureKind kind() const noexcept { return m_kind; }
    int attempts() const noexcept { return m_attempts; }
    /// The server of the failed call as host[:port], the port only when not the scheme's default
    /// ("127.0.0.1:33919", "api.example.com"); empty when unknown (the live stream).
    std::string authority;
    /// From the call's first attempt to this failure, retry waits included, on the Clock's
    /// monotonic time; zero when unknown.
    std::chrono::milliseconds elapsed{0};

private:
    http::FailureKind m_kind;
    int m_attempts;
};

/// The response was received but its body is not what the call needs (e.g. malformed JSON,
/// a login answer without a session token, nesting deeper than the parser allows).
class DecodeError : public Error {
public:
    using Error::Error;
};

/// The live stream (WebSocket, §3) said no: it rejected the token (the upgrade answered 401 or
/// 403, or an error message or close frame said so), or it answered a request with an error
/// message. No HTTP status is involved; body() holds the server's message and code (§3.5).
class StreamError : public Error {
public:
    enum class Kind {
        rejected,     ///< the token was not accepted: log in again
        error_reply,  ///< a request was answered with {"type": "error", ...}
    };
    StreamError(Kind kind, ErrorBody body);
    Kind kind() const noexcept { return m_kind; }
    const ErrorBody& body() const noexcept { return m_body; }

private:
    Kind m_kind;
    ErrorBody m_body;
};

/// A caller supplied an argument the library refuses before sending anything
/// (a header value with CR or LF, a limit order without a price, ...).
class UsageError : public Error {
public:
    using Error::Error;
};

/// The config file is unreadable, corrupt or could not be written. The message names the path.
class ConfigError : public Error {
public:
    using Error::Error;
};

/// The operation was interrupted by the user (SIGINT).
class Interrupted : public Error {
public:
    Interrupted() : Error("interrupted") {}
};

}  // namespace hyperoru
