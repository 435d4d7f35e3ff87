// The typed client: request building, the retry loop (§1.9), redirects (§1.1), typed errors.
#include "hyperoru/client.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <utility>

#include "client/decode.hpp"
#include "http/redact.hpp"
#include "http/url.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

namespace hyperoru {

std::string percent_encode(std::string_view text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 0x0F]);
        }
    }
    return out;
}

std::string authority_of(std::string_view url) {
    const auto origin = http::origin_of(url);
    if (!origin) return std::string(url);
    const int default_port = origin->scheme == "https" ? 443 : 80;
    return origin->port == default_port ? origin->host : origin->host + ":" + std::to_string(origin->port);
}

namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

/// The host of an authority without its port ("[::1]" keeps its brackets).
std::string_view host_only(std::string_view authority) {
    const auto colon = authority.rfind(':');
    if (colon == std::string_view::npos || authority.find(']', colon) != std::string_view::npos ||
        (authority.starts_with('[') && authority.find(']') == std::string_view::npos)) {
        return authority;
    }
    return authority.substr(0, colon);
}

}  // namespace

std::string describe_failure(http::FailureKind kind, std::string_view message, std::string_view authority) {
    switch (kind) {
        case http::FailureKind::resolve: return "cannot resolve host " + std::string(host_only(authority));
        case http::FailureKind::connect: {
            std::string text = "cannot connect to " + std::string(authority);
            constexpr std::string_view k_prefix = "could not connect: ";
            if (!message.starts_with(k_prefix)) return text;
            std::string cause(message.substr(k_prefix.size()));
            // curl's own texts repeat what the summary says (and name a time that is not the wait):
            // only a cause such as "Connection refused" adds something.
            if (cause.empty() || starts_with_ignoring_case(cause, "failed to connect") ||
                starts_with_ignoring_case(cause, "couldn't connect")) {
                return text;
            }
            cause[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(cause[0])));
            return text + " (" + cause + ")";
        }
        case http::FailureKind::timeout: return "no answer from " + std::string(authority) + " (timed out)";
        default: return std::string(message);
    }
}

namespace {

// §1.7 names 200, 201, 202 and 204; any other 2xx is taken as success too (tolerant reader).
bool is_success(long status) {
    return status >= 200 && status < 300;
}

bool has_cr_or_lf(std::string_view s) {
    return s.find_first_of("\r\n") != std::string_view::npos;
}

std::string format_seconds(std::chrono::milliseconds delay) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(delay.count()) / 1000.0);
    return buffer;
}

std::string describe_status(const http::Response& response) {
    std::string text = "HTTP " + std::to_string(response.status);
    if (!response.reason.empty()) text += " " + response.reason;
    return text;
}

/// The start of a body that should not be there, safe to show anywhere: the token redacted
/// first (so a cut cannot leave half of it), then printable ASCII as it is, runs of white space
/// as one space, every other byte as \xNN, at most 60 bytes of the body.
std::string excerpt(std::string_view body, const std::optional<std::string>& token) {
    constexpr std::size_t k_shown = 60;
    const std::string redacted = http::redact_line(
        body.substr(0, 4096), token ? std::vector<std::string>{*token} : std::vector<std::string>{});
    std::string text;
    bool space = false;
    for (const char c : std::string_view(redacted).substr(0, k_shown)) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n') {
            if (!space && !text.empty()) text += ' ';
            space = true;
            continue;
        }
        space = false;
        if (byte > 0x20 && byte < 0x7f) {
            text += c;
        } else {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02X", byte);
            text += hex;
        }
    }
    if (!text.empty() && text.back() == ' ') text.pop_back();
    if (redacted.size() > k_shown) text += " ...";
    return text;
}

/// §1.11 prints a 2xx body that is not JSON as text; an endpoint whose contract documents a JSON
/// body, asked for JSON, is stricter: an answer that says it is something else (a captive
/// portal's HTML, a proxy's page) is not the API's answer. A body without a Content-Type keeps
/// the benefit of the doubt, and an empty one is "no content".
/// Whether a documented endpoint's 2xx with this Content-Type is refused: it names a type, and
/// not JSON (no Content-Type is taken as it is).
bool names_other_than_json(const std::string& content_type) {
    return !content_type.empty() && !is_json_content_type(content_type);
}

void expect_json(const RawReply& reply, const std::optional<std::string>& token) {
    if (reply.body.empty() || !names_other_than_json(reply.content_type)) return;
    throw DecodeError("expected JSON, got " + excerpt(reply.content_type, token) + ": " +
                      excerpt(reply.body, token));
}

/// Between the transport and a caller's sink: counts the bytes handed over (a request is never
/// sent again once the caller has some), and for a request that accepts only JSON refuses a 2xx
/// of another type before its first byte reaches the caller, keeping the start of the body so
/// that expect_json words the error exactly as for a collected body.
class SinkGuard final : public http::BodySink {
public:
    SinkGuard(http::BodySink& inner, bool json_only) : m_inner(inner), m_json_only(json_only) {}

    bool start(const http::Response& head) override {
        const std::string type = http::find_header(head.headers, "Content-Type").value_or("");
        if (m_json_only && names_other_than_json(type)) {
            m_refused.emplace();
            m_refused->status = head.status;
            m_refused->content_type = type;
            return true;  // the start of the body is kept for the message
        }
        return m_inner.start(head);
    }
    bool write(std::string_view chunk) override {
        if (m_refused) {
            m_refused->body.append(chunk.substr(0, k_kept - m_refused->body.size()));
            return m_refused->body.size() < k_kept;
        }
        m_bytes += chunk.size();
        return m_inner.write(chunk);
    }
    bool repeatable() const noexcept override { return m_inner.repeatable(); }

    std::size_t bytes() const { return m_bytes; }
    /// The refused answer (its body cut at what the message shows), if any.
    const std::optional<RawReply>& refused() const { return m_refused; }

private:
    static constexpr std::size_t k_kept = 4096;  // excerpt() reads no further
    http::BodySink& m_inner;
    bool m_json_only;
    std::size_t m_bytes = 0;
    std::optional<RawReply> m_refused;
};

/// The error body of `response`, with every text the server wrote passed through the redactor: a
/// server (or a proxy) that echoes the request's Authorization header or the token must not
/// make hyperoru print it.
ErrorBody server_error(const http::Response& response, const std::optional<std::string>& token) {
    ErrorBody body = read_error_body(response.status, response.reason, response.body);
    std::vector<std::string> secrets;
    if (token && !token->empty()) secrets.push_back(*token);
    body.message = http::redact_line(body.message, secrets);
    if (body.code) body.code = http::redact_line(*body.code, secrets);
    if (body.request_id) body.request_id = http::redact_line(*body.request_id, secrets);
    if (body.details) body.details = http::redact_line(*body.details, secrets);
    return body;
}

[[noreturn]] void throw_status(const http::Response& response, int attempts,
                               const std::optional<std::string>& token) {
    ErrorBody body = server_error(response, token);
    if (response.status == 401) throw AuthError(response.status, std::move(body), attempts);
    throw ApiError(response.status, std::move(body), attempts);
}

template <class T>
T decode(const RawReply& raw) {
    // §1.11: an empty 2xx body and a 2xx body that is not JSON are successes with nothing to
    // decode. A body that claims to be JSON but is malformed is a DecodeError.
    if (raw.body.empty() || !is_json_content_type(raw.content_type)) return T{};
    const nlohmann::json document = parse_json(raw.body);
    try {
        return document.get<T>();
    } catch (const nlohmann::json::exception&) {
        return T{};  // a shape the model does not know: the raw body still has everything
    }
}

}  // namespace

Client::Client(ClientOptions options, std::unique_ptr<http::Transport> transport, Clock& clock)
    : m_options(std::move(options)), m_transport(std::move(transport)), m_clock(clock) {
    while (!m_options.base_url.empty() && m_options.base_url.back() == '/') m_options.base_url.pop_back();
}

Client::~Client() = default;

void Client::set_token(std::optional<std::string> token) {
    // Checked when a request is built (build_request), as a token from ClientOptions is: an
    // empty one is "not logged in", one with CR or LF a UsageError.
    m_options.token = std::move(token);
}

namespace {

/// §1.1: only a 307 or 308 to the same scheme, host and port is followed, and only once.
/// Returns the URL to follow; throws ApiError for any other redirect.
std::string redirect_target(const http::Request& request, const http::Response& response, bool redirected,
                            int attempts) {
    const auto location = http::find_header(response.headers, "Location");
    const std::string target = location ? http::resolve_location(request.url, *location) : std::string();
    const auto target_origin = http::origin_of(target);
    const bool same_origin = target_origin && target_origin == http::origin_of(request.url);
    if ((response.status == 307 || response.status == 308) && same_origin && !redirected) return target;
    ErrorBody error;
    error.message =
        describe_status(response) + (location ? " redirect to " + target : " redirect") + " not followed";
    if (location && !same_origin) error.message += " (another host: the token is never sent there)";
    throw ApiError(response.status, std::move(error), attempts);
}

}  // namespace

http::Request Client::build_request(std::string_view method, std::string_view path,
                                    const CallOptions& options) const {
    const auto& [query, body, authenticated, headers, accept, sink] = options;
    (void)sink;  // used by call(), not needed to build the request
    http::Request request;
    request.method = std::string(method);
    request.url = m_options.base_url + std::string(path);
    char separator = path.find('?') == std::string_view::npos ? '?' : '&';  // `api` paths may carry a query
    for (const auto& param : query) {
        request.url += separator;
        request.url += percent_encode(param.name) + "=" + percent_encode(param.value);
        separator = '&';
    }
    if (has_cr_or_lf(request.url)) throw UsageError("the request URL contains CR or LF");
    request.headers.push_back({"Accept", accept});
    for (const auto& header : headers) {
        if (has_cr_or_lf(header.name) || has_cr_or_lf(header.value) || header.name.empty()) {
            throw UsageError("header '" + header.name + "' is empty or contains CR or LF");
        }
        request.headers.push_back(header);
    }
    if (authenticated) {
        if (!m_options.token || m_options.token->empty()) {
            throw AuthError(0, ErrorBody{"not logged in", std::nullopt, std::nullopt, std::nullopt});
        }
        if (has_cr_or_lf(*m_options.token)) throw UsageError("the session token contains CR or LF");
        request.headers.push_back({"Authorization", "Bearer " + *m_options.token});
    }
    if (body) {
        request.headers.push_back({"Content-Type", "application/json"});
        request.body = *body;
    }
    return request;
}

std::chrono::milliseconds Client::retry_delay(const http::Response& response, int retry, int attempts) {
    const auto header = http::find_header(response.headers, "Retry-After");
    const auto retry_after = header ? parse_retry_after(*header, m_clock.now()) : std::nullopt;
    if (!retry_after) return backoff_delay(m_options.retry, retry, m_clock.random_unit());
    if (*retry_after > m_options.retry.max_retry_after) {
        // §1.9: the server asks for a longer wait than the client is willing to make: stop now.
        ErrorBody error = server_error(response, m_options.token);
        const auto seconds = std::chrono::ceil<std::chrono::seconds>(*retry_after);
        error.message += " (the server asked to retry after " + std::to_string(seconds.count()) +
                         " s, longer than the " + std::to_string(m_options.retry.max_retry_after.count()) +
                         " s the client waits)";
        ApiError e(response.status, std::move(error), attempts);  // only 429 and 5xx get here
        e.refused_retry_after = seconds;
        throw e;
    }
    return *retry_after;
}

void Client::log(const std::string& line) const {
    if (m_options.trace != nullptr) *m_options.trace << "* " << line << '\n' << std::flush;
}

RawReply Client::call(std::string_view method, std::string_view path, const std::vector<QueryParam>& query,
                      const std::optional<std::string>& body, bool authenticated) {
    CallOptions options;
    options.query = query;
    options.body = body;
    options.authenticated = authenticated;
    return call(method, path, options);
}

RawReply Client::call(std::string_view method, std::string_view path, const CallOptions& options) {
    return exchange(build_request(method, path, options), options.sink);  // any type: the generic path
}

RawReply Client::exchange(http::Request request, http::BodySink* caller_sink, bool json_only) {
    std::optional<SinkGuard> guard;
    if (caller_sink != nullptr) guard.emplace(*caller_sink, json_only);
    http::BodySink* const sink = guard ? &*guard : nullptr;
    const int max_retries = m_options.retry.max_retries;
    const auto budget = m_options.budget;
    const auto started = m_clock.monotonic();
    const auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.monotonic() - started);
    };
    int retries = 0;
    bool redirected = false;
    // A retry is made while retries are left and, with a budget, its wait ends inside it.
    // `reason` goes to the -v log, `for_people` to ClientOptions::on_retry.
    const auto retried = [&](std::chrono::milliseconds delay, const std::string& reason,
                             const std::string& for_people) {
        if (budget.count() > 0 && elapsed() + delay >= budget) {
            log("no retry: waiting " + format_seconds(delay) + " s would pass the time budget of " +
                format_seconds(budget) + " s");
            return false;
        }
        ++retries;
        log("retry " + std::to_string(retries) + " of " + std::to_string(max_retries) + " in " +
            format_seconds(delay) + " s: " + reason);
        if (m_options.on_retry) m_options.on_retry(retries, max_retries, delay, for_people);
        m_clock.sleep(delay);
        return true;
    };
    const auto transport_error = [&](http::FailureKind kind, const std::string& message, int attempts) {
        TransportError error(kind, message, attempts);
        error.authority = authority_of(request.url);
        error.elapsed = elapsed();
        return error;
    };
    for (int attempts = 1;; ++attempts) {
        if (budget.count() > 0) {
            request.timeout = budget - elapsed();
            if (request.timeout.count() <= 0) {  // only after redirects: a retry never starts late
                throw transport_error(
                    http::FailureKind::timeout,
                    "timed out: the time budget of " + format_seconds(budget) + " s is spent", attempts - 1);
            }
        }
        http::Outcome outcome =
            sink != nullptr ? m_transport->stream(request, *sink) : m_transport->perform(request);
        if (guard && guard->refused()) expect_json(*guard->refused(), m_options.token);
        if (auto* failure = std::get_if<http::Failure>(&outcome)) {
            if (failure->kind == http::FailureKind::aborted && interrupt_flag().load()) throw Interrupted();
            // Never again once the caller has part of the body: it would get it twice.
            if (retries < max_retries && (!guard || guard->bytes() == 0) &&
                is_retryable_failure(request.method, *failure) &&
                retried(backoff_delay(m_options.retry, retries + 1, m_clock.random_unit()), failure->message,
                        describe_failure(failure->kind, failure->message, authority_of(request.url)))) {
                continue;
            }
            throw transport_error(failure->kind, failure->message, attempts);
        }
        auto& response = std::get<http::Response>(outcome);
        if (is_success(response.status)) {
            RawReply reply;
            reply.status = response.status;
            reply.content_type = http::find_header(response.headers, "Content-Type").value_or("");
            reply.body = std::move(response.body);
            reply.attempts = attempts;
            reply.headers = std::move(response.headers);
            return reply;
        }
        if (response.status >= 300 && response.status < 400) {
            request.url = redirect_target(request, response, redirected, attempts);
            redirected = true;
            log("following " + describe_status(response) + " to " + request.url);
            continue;
        }
        // A stream is never retried once response headers have arrived (§1.9); a download
        // that says it may be is, as its sink has had nothing (a status's body never goes there).
        if ((sink == nullptr || sink->repeatable()) && retries < max_retries &&
            is_retryable_status(request.method, response.status)) {
            const auto retry_after = http::find_header(response.headers, "Retry-After");
            const std::string status_text =
                std::to_string(response.status) + (response.reason.empty() ? "" : " " + response.reason);
            if (retried(
                    retry_delay(response, retries + 1, attempts),
                    describe_status(response) + (retry_after ? " (Retry-After: " + *retry_after + ")" : ""),
                    status_text + " from " + authority_of(request.url))) {
                continue;
            }
        }
        throw_status(response, attempts, m_options.token);
    }
}

RawReply Client::send(http::Request request, http::BodySink* sink) {
    const bool wants_json = http::find_header(request.headers, "Accept") == "application/json";
    RawReply reply = exchange(std::move(request), sink, wants_json);
    if (wants_json && sink == nullptr) expect_json(reply, m_options.token);
    return reply;
}

http::Request Client::prepare(const api::Endpoint& endpoint, const std::vector<std::string>& path_args,
                              const CallOptions& options) const {
    if (options.body && !endpoint.has_body) {
        throw UsageError(std::string(endpoint.name) + " takes no request body");
    }
    CallOptions exact = options;
    exact.authenticated = endpoint.authenticated;
    return build_request(endpoint.method, api::expand_path(endpoint, path_args), exact);
}

RawReply Client::invoke(const api::Endpoint& endpoint, const std::vector<std::string>& path_args,
                        const CallOptions& options) {
    return send(prepare(endpoint, path_args, options), options.sink);
}

RawReply Client::invoke(const api::Endpoint& endpoint, const std::vector<std::string>& path_args,
                        const std::vector<QueryParam>& query, const std::optional<std::string>& body) {
    CallOptions options;
    options.query = query;
    options.body = body;
    return invoke(endpoint, path_args, options);
}

Reply<Health> Client::health() {
    RawReply raw = invoke(api::health);
    return {decode<Health>(raw), std::move(raw)};
}

Reply<LoginResult> Client::login(const Credentials& credentials) {
    json::ObjectWriter body;
    body.add_string(credentials.by == Credentials::By::email ? "email" : "username", credentials.login);
    body.add_string("password", credentials.password);
    RawReply raw = invoke(api::user_login, {}, {}, body.str());
    // The token is required (§5.2): unlike other calls, an undecodable answer is an error.
    if (raw.body.empty()) throw DecodeError("the login response is empty: no session_token");
    LoginResult result = parse_json(raw.body).get<LoginResult>();
    // The token goes into a header of every later request and into the config file: one with a
    // control character, a space or a non-ASCII byte (or of absurd length) could only break
    // every later command, or smuggle a header. Refused before it is saved.
    const std::string& token = result.session_token;
    const bool printable =
        std::all_of(token.begin(), token.end(), [](char c) { return c > ' ' && c < 0x7F; });
    if (!printable || token.size() > k_max_token_bytes) {
        throw DecodeError("the login response's session_token is not a usable token (" +
                          std::string(printable
                                          ? "longer than " + std::to_string(k_max_token_bytes) + " bytes"
                                          : "not printable ASCII") +
                          "); nothing was saved");
    }
    return {std::move(result), std::move(raw)};
}

LogoutOutcome Client::logout() {
    try {
        invoke(api::user_logout);
        return LogoutOutcome::revoked;
    } catch (const AuthError& e) {
        if (e.status() == 401) return LogoutOutcome::already_invalid;
        throw;
    } catch (const ApiError& e) {
        if (e.status() == 404 || e.status() == 405) return LogoutOutcome::unsupported;
        throw;
    }
}

Reply<User> Client::profile() {
    RawReply raw = invoke(api::profile_get);
    return {decode<User>(raw), std::move(raw)};
}

namespace {
/// A list of T from a bare array or an envelope (§1.10).
template <class T>
struct ListOf {
    std::vector<T> items;
};
template <class T>
void from_json(const nlohmann::json& j, ListOf<T>& list) {
    const nlohmann::json* items = &j;
    if (j.is_object()) {
        items = nullptr;
        for (const char* key : {"items", "data", "results"}) {
            const auto it = j.find(key);
            if (it != j.end() && it->is_array()) {
                items = &*it;
                break;
            }
        }
    }
    if (items == nullptr || !items->is_array()) return;
    for (const auto& item : *items) {
        if (item.is_object()) list.items.push_back(item.get<T>());
    }
}

}  // namespace

Reply<std::vector<Account>> Client::list_accounts(bool include_hidden) {
    std::vector<QueryParam> query;
    if (include_hidden) query.push_back({"include_hidden", "true"});
    RawReply raw = invoke(api::account_list, {}, query);
    return {decode<ListOf<Account>>(raw).items, std::move(raw)};
}

Reply<Account> Client::create_account(const AccountCreate& request) {
    if (request.name.empty()) throw UsageError("an account needs a name");
    json::ObjectWriter body;
    body.add_string("name", request.name);
    const std::pair<const char*, const std::optional<std::string>*> fields[] = {
        {"description", &request.description},
        {"llm_provider", &request.llm_provider},
        {"llm_model", &request.llm_model},
        {"llm_api_key", &request.llm_api_key},
        {"llm_base_url", &request.llm_base_url}};
    for (const auto& [key, value] : fields) {
        if (*value) body.add_string(key, **value);
    }
    for (const auto& [key, json_text] : request.extra_fields) {
        if (body.has(key)) throw UsageError("field '" + key + "' is given twice");
        body.add_json(key, json_text);
    }
    RawReply raw = invoke(api::account_create, {}, {}, body.str());
    return {decode<Account>(raw), std::move(raw)};
}

Reply<Order> Client::create_order(const OrderCreate& order) {
    if (order.order_type == "limit" && !order.price) throw UsageError("a limit order needs a price");
    const auto number = [](const std::string& text, const char* what) {
        if (!json::is_valid(text) || !json::parse(text).is_number()) {
            throw UsageError(std::string(what) + " must be a number, got '" + text + "'");
        }
        return text;
    };
    json::ObjectWriter body;
    body.add_json("account_id", Id{order.account_id}.json_text());
    body.add_string("symbol", order.symbol);
    body.add_string("name", order.name);
    body.add_string("side", order.side);
    body.add_string("order_type", order.order_type);
    body.add_json("quantity", number(order.quantity, "quantity"));
    if (order.price) body.add_json("price", number(*order.price, "price"));
    RawReply raw = invoke(api::order_create, {}, {}, body.str());
    return {decode<Order>(raw), std::move(raw)};
}

Reply<std::vector<Order>> Client::account_orders(std::string_view account_id) {
    RawReply raw = invoke(api::order_by_account, {std::string(account_id)});
    return {decode<ListOf<Order>>(raw).items, std::move(raw)};
}

Reply<std::vector<Order>> Client::pending_orders() {
    RawReply raw = invoke(api::order_pending);
    return {decode<ListOf<Order>>(raw).items, std::move(raw)};
}

Reply<std::vector<Kline>> Client::klines(std::string_view symbol, std::string_view interval,
                                         std::string_view start, std::string_view end) {
    std::vector<QueryParam> query{{"symbol", std::string(symbol)}};
    if (!interval.empty()) query.push_back({"interval", std::string(interval)});
    if (!start.empty()) query.push_back({"start", std::string(start)});
    if (!end.empty()) query.push_back({"end", std::string(end)});
    RawReply raw = invoke(api::kline_data, {}, query);
    return {decode<ListOf<Kline>>(raw).items, std::move(raw)};
}

Reply<Positions> Client::positions(std::string_view account_id) {
    RawReply raw = invoke(api::hyperliquid_positions, {std::string(account_id)});
    return {decode<Positions>(raw), std::move(raw)};
}

Reply<Balance> Client::balance(std::string_view account_id) {
    RawReply raw = invoke(api::hyperliquid_balance, {std::string(account_id)});
    return {decode<Balance>(raw), std::move(raw)};
}

Reply<BacktestResult> Client::program_backtest(const std::string& body) {
    RawReply raw = invoke(api::program_backtest, {}, {}, body);
    return {decode<BacktestResult>(raw), std::move(raw)};
}

Reply<Price> Client::price(std::string_view symbol) {
    if (symbol.empty()) throw UsageError("a symbol is required");
    RawReply raw = invoke(api::price, {}, {{"symbol", std::string(symbol)}});
    return {decode<Price>(raw), std::move(raw)};
}

}  // namespace hyperoru
