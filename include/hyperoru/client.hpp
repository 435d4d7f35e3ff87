#pragma once
/// The typed Hyperoru client.
///
/// Each method is one API call: it builds the request, sends it through the transport with the
/// contract's retry rules, raises a typed error for any non-success answer, and decodes the body.
/// Every method also hands back the raw response, so callers can show the server's data exactly.
/// A Client is not thread-safe; use one per thread.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hyperoru/endpoints.hpp"
#include "hyperoru/http.hpp"
#include "hyperoru/models.hpp"
#include "hyperoru/retry.hpp"

namespace hyperoru {

/// The longest session token login() accepts from a server.
inline constexpr std::size_t k_max_token_bytes = 4096;

/// The production API, used when no base URL is configured.
inline constexpr const char* k_default_base_url = "https://api.production.hyperoru.com";

/// How a Client reaches the API: where, with which token, how it retries, where it logs.
struct ClientOptions {
    std::string base_url = k_default_base_url;  ///< scheme://host[:port][/prefix], no trailing /
    std::optional<std::string> token;           ///< session token for Bearer calls
    RetryPolicy retry;  ///< the contract's retry rules (attempts, backoff, Retry-After budget)
    /// Each call's whole time budget when above zero, measured on the Clock's monotonic time:
    /// every attempt, retry wait and redirect of one call fits in it. An attempt is given what
    /// is left (http::Request::timeout); a retry whose wait would reach the end is not made, and
    /// the call fails as it would with no retries left.
    std::chrono::milliseconds budget{0};
    /// Verbose log for retries and redirects (the HTTP trace itself comes from the transport).
    std::ostream* trace = nullptr;
    /// Called just before the wait of each retry, on the calling thread: the retry's number
    /// (from 1), RetryPolicy::max_retries, the wait, and what failed in a few words for people
    /// ("503 Service Unavailable from api.example.com", "cannot connect to 127.0.0.1:33919
    /// (connection refused)"; see describe_failure). Not called for a retry that is not made.
    std::function<void(int retry, int max_retries, std::chrono::milliseconds delay,
                       const std::string& reason)>
        on_retry;
};

/// A successful (2xx) response as received.
struct RawReply {
    long status = 0;
    std::string content_type;  ///< Content-Type header, empty when absent
    std::string body;          ///< empty for 204 or an empty 200
    int attempts = 1;          ///< requests sent, retries included
    http::Headers headers;     ///< headers of the final response
};

/// True when a Content-Type names JSON (application/json, application/problem+json, ...), or is
/// empty: a server that sends no type is given the benefit of the doubt (§1.11).
bool is_json_content_type(std::string_view content_type);

/// A typed result: the decoded model, and the raw reply it came from (exact JSON, headers).
template <class T>
struct Reply {
    T value;
    RawReply raw;
};

/// What the server said to a logout (§1.2). Every variant is a success for the caller.
enum class LogoutOutcome {
    revoked,          ///< 2xx: the server revoked the token
    unsupported,      ///< 404 or 405: the server has no logout; the token stays valid there
    already_invalid,  ///< 401: the token was already invalid
};

/// What login() sends: an email or a username, and the password (never logged or traced).
struct Credentials {
    enum class By { email, username };
    By by = By::email;
    std::string login;  ///< the email or the username
    std::string password;
};

/// The body of create_account() (POST /api/account/); unset optionals are left out.
struct AccountCreate {
    std::string name;
    std::optional<std::string> description;
    std::optional<std::string> llm_provider;
    std::optional<std::string> llm_model;
    std::optional<std::string> llm_api_key;
    std::optional<std::string> llm_base_url;
    /// Further fields, passed through verbatim: key and valid JSON text (exact).
    std::vector<std::pair<std::string, std::string>> extra_fields;
};

/// One query parameter; the value is percent-encoded by the client.
struct QueryParam {
    std::string name;
    std::string value;
};

/// Everything about one request beyond its method and path.
struct CallOptions {
    std::vector<QueryParam> query;
    std::optional<std::string> body;  ///< JSON text; sent with Content-Type: application/json
    bool authenticated = true;
    http::Headers headers;  ///< extra headers (CR or LF in a name or value: UsageError)
    std::string accept = "application/json";
    /// When set, a 2xx body goes here as it arrives (RawReply::body stays empty). Such a call is
    /// never retried once response headers have arrived (§1.9), unless the sink says it may be
    /// (BodySink::repeatable), and never once part of the body went to it.
    http::BodySink* sink = nullptr;
};

/// The typed Hyperoru API client over one Transport (one connection reused across calls).
/// Every call returns the 2xx reply or throws an Error subclass (ApiError, AuthError,
/// TransportError, DecodeError, Interrupted). Not thread-safe: use one Client per thread.
class Client {
public:
    /// `clock` must outlive the client; it defaults to the real clock.
    Client(ClientOptions options, std::unique_ptr<http::Transport> transport,
           Clock& clock = system_clock_instance());
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    /// The options the client was made with (the base URL without trailing '/'), with the token
    /// last given to set_token().
    const ClientOptions& options() const noexcept { return m_options; }

    /// Replaces the session token for the calls that follow; std::nullopt (or an empty token)
    /// removes it, and authenticated calls then throw AuthError before sending anything. Made
    /// for logging in and carrying on with the same client, and so the same connection:
    /// `client.set_token(client.login(credentials).value.session_token)`. The transport's
    /// trace redacts the Authorization header whatever its value, but a token given here is
    /// not added to TransportOptions::secrets, so it is not searched for in bodies that do not
    /// name it (a login reply's session_token is redacted by name).
    void set_token(std::optional<std::string> token);

    /// GET /api/health (no token).
    Reply<Health> health();
    /// POST /api/users/login (no token). Throws DecodeError without a non-empty session_token,
    /// or with one that is not printable ASCII (no space, no control character) or is longer
    /// than k_max_token_bytes.
    Reply<LoginResult> login(const Credentials& credentials);
    /// POST /api/users/logout. 404/405/401 are outcomes, not errors.
    LogoutOutcome logout();
    /// GET /api/users/profile.
    Reply<User> profile();
    /// GET /api/account/list[?include_hidden=true]. The list may be empty.
    Reply<std::vector<Account>> list_accounts(bool include_hidden = false);
    /// POST /api/account/ with `name`, the llm_* fields that are set, then extra_fields.
    Reply<Account> create_account(const AccountCreate& request);
    /// GET /api/crypto/price?symbol=SYMBOL.
    Reply<Price> price(std::string_view symbol);
    /// POST /api/orders/create. Throws UsageError for a limit order without a price, or a
    /// quantity/price that is not a JSON number.
    Reply<Order> create_order(const OrderCreate& order);
    /// GET /api/orders/account/{id}.
    Reply<std::vector<Order>> account_orders(std::string_view account_id);
    /// GET /api/orders/pending.
    Reply<std::vector<Order>> pending_orders();
    /// GET /api/klines/data; empty arguments are left out of the query.
    Reply<std::vector<Kline>> klines(std::string_view symbol, std::string_view interval = {},
                                     std::string_view start = {}, std::string_view end = {});
    /// GET /api/hyperliquid/accounts/{id}/positions.
    Reply<Positions> positions(std::string_view account_id);
    /// GET /api/hyperliquid/accounts/{id}/balance.
    Reply<Balance> balance(std::string_view account_id);
    /// POST /api/programs/backtest with `body` (a JSON object) verbatim.
    Reply<BacktestResult> program_backtest(const std::string& body);

    /// Any endpoint of the contract (hyperoru/endpoints.hpp), e.g.
    /// `invoke(api::order_cancel, {"42"})`. `path_args` fill the path's {placeholders} in order,
    /// percent-encoded; `body` (JSON text) is only allowed for endpoints that take one. The
    /// Bearer token is sent unless the endpoint is public.
    RawReply invoke(const api::Endpoint& endpoint, const std::vector<std::string>& path_args = {},
                    const std::vector<QueryParam>& query = {},
                    const std::optional<std::string>& body = std::nullopt);
    /// The same with every per-request option (Accept, extra headers, a streaming sink);
    /// CallOptions::authenticated is ignored: the endpoint says whether it is public.
    RawReply invoke(const api::Endpoint& endpoint, const std::vector<std::string>& path_args,
                    const CallOptions& options);

    /// The exact request a call of `endpoint` sends first (before any retry or redirect): what
    /// invoke() sends and what a dry run shows, so the two cannot differ. Throws UsageError for a
    /// body on an endpoint without one, CR or LF in a header; AuthError when the endpoint needs
    /// the token and there is none.
    http::Request prepare(const api::Endpoint& endpoint, const std::vector<std::string>& path_args,
                          const CallOptions& options) const;

    /// Sends a prepared request with the contract's retries (§1.9) and redirect rule (§1.1);
    /// with `sink`, a 2xx body goes there as it arrives (see CallOptions::sink for retries).
    /// A request that accepts only application/json (every documented endpoint: invoke() and the
    /// typed calls) throws DecodeError for a 2xx body whose Content-Type names something else
    /// ("expected JSON, got text/html: <!DOCTYPE html> ..."); an empty body, or one without a
    /// Content-Type, is taken as it is.
    RawReply send(http::Request request, http::BodySink* sink = nullptr);

    /// Any call: `path` starts with '/', is appended to the base URL and must already be
    /// percent-encoded (see encode_path_segment). `body` is JSON text; when present the request
    /// carries Content-Type: application/json. `authenticated` adds the Bearer token and throws
    /// AuthError when there is none. Non-2xx answers throw; retries follow the contract. A 2xx
    /// body of any content type is returned as it came (§1.11): the generic path, like curl.
    RawReply call(std::string_view method, std::string_view path, const std::vector<QueryParam>& query = {},
                  const std::optional<std::string>& body = std::nullopt, bool authenticated = true);
    /// The same, with every per-request option (query, body, headers, Accept, a streaming sink).
    RawReply call(std::string_view method, std::string_view path, const CallOptions& options);

private:
    /// send() without the content-type check: retries, redirects, typed errors.
    /// With `sink` and `json_only`, a 2xx of another type is refused (DecodeError) before its
    /// first byte reaches the sink.
    RawReply exchange(http::Request request, http::BodySink* sink, bool json_only = false);
    http::Request build_request(std::string_view method, std::string_view path,
                                const CallOptions& options) const;
    /// Delay before retry number `retry` of a retryable status: Retry-After when given, else the
    /// backoff. Throws ApiError when Retry-After exceeds the policy's maximum.
    std::chrono::milliseconds retry_delay(const http::Response& response, int retry, int attempts);
    void log(const std::string& line) const;

    ClientOptions m_options;
    std::unique_ptr<http::Transport> m_transport;
    Clock& m_clock;
};

/// The server of `url` as people name it: host[:port], the port only when it is not the
/// scheme's default ("127.0.0.1:33919", "api.example.com"); the URL itself when it is no
/// http(s) URL.
std::string authority_of(std::string_view url);

/// A transport failure in a few words, naming the server (`authority`, see authority_of):
/// "cannot resolve host api.example.test", "cannot connect to 127.0.0.1:33919 (connection
/// refused)" (the cause taken from a `message` of the form "could not connect: <cause>"),
/// "no answer from api.example.com (timed out)"; any other kind: `message` as it is.
std::string describe_failure(http::FailureKind kind, std::string_view message, std::string_view authority);

/// RFC 3986 percent-encoding of one path segment or query value (unreserved characters kept).
std::string percent_encode(std::string_view text);

}  // namespace hyperoru
