// The live stream session: (re)connect, subscribe, deliver, ping, detect death, back off.
#include "hyperoru/stream.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"
#include "hyperoru/models.hpp"

namespace hyperoru {

namespace {

using std::chrono::milliseconds;

/// Waits are cut into slices so that Ctrl-C is noticed quickly even while the server is quiet.
constexpr milliseconds k_slice{200};

std::string request(const std::string& type, int id, const std::optional<std::string>& data_json) {
    json::ObjectWriter message;
    message.add_string("type", type);
    message.add_string("request_id", std::to_string(id));
    if (data_json) message.add_json("data", *data_json);
    return message.str();
}

std::string seconds_text(milliseconds d) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(d.count()) / 1000.0);
    return buffer;
}

/// A field of an error message: in `data` first, then at the top level (§3.5).
std::optional<std::string> error_field(const json::Value& message, const char* key) {
    for (const json::Value* scope : {message.find("data"), &message}) {
        if (scope == nullptr || !scope->is_object()) continue;
        if (const json::Value* v = scope->find(key); v != nullptr && v->is_string()) return v->text();
    }
    return std::nullopt;
}

bool is_auth_code(const std::optional<std::string>& code) {
    return code && (*code == "UNAUTHORIZED" || *code == "INVALID_TOKEN" || *code == "TOKEN_EXPIRED" ||
                    *code == "NOT_AUTHENTICATED");
}

/// A close that says the token is not accepted: 4401/4403 (our stand-in and common practice),
/// or a policy violation naming the token.
bool is_auth_close(const ws::Error& e) {
    if (e.kind() == ws::Error::Kind::auth) return true;
    if (e.kind() != ws::Error::Kind::closed) return false;
    std::string reason = e.close_reason();
    for (auto& c : reason) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e.close_code() == 4401 || e.close_code() == 4403 ||
           (e.close_code() == 1008 &&
            (reason.find("token") != std::string::npos || reason.find("auth") != std::string::npos));
}

std::string describe(const ws::Error& e) {
    if (e.kind() == ws::Error::Kind::closed) {
        return "closed by the server (" + std::to_string(e.close_code()) +
               (e.close_reason().empty() ? "" : " " + e.close_reason()) + ")";
    }
    return e.what();
}

}  // namespace

Stream::Stream(ws::Connector& connector, ws::ConnectOptions connect, StreamOptions options, Clock& clock)
    : m_connector(connector), m_connect(std::move(connect)), m_options(std::move(options)), m_clock(clock) {}

milliseconds Stream::backoff(int attempt) {
    // Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^attempt)].
    const double ceiling =
        std::min(static_cast<double>(m_options.backoff_cap.count()),
                 static_cast<double>(m_options.backoff_base.count()) * std::pow(2.0, std::min(attempt, 30)));
    return milliseconds(std::llround(m_clock.random_unit() * ceiling));
}

void Stream::start(ws::Connection& connection, int& next_id) {
    if (m_options.connect_token) {
        connection.send(request("connect", next_id++,
                                "{\"session_token\":" + json::quote(*m_options.connect_token) + "}"));
    }
    std::string channels = "[";
    for (const auto& channel : m_options.channels)
        channels += (channels.size() > 1 ? "," : "") + json::quote(channel);
    connection.send(request("subscribe", next_id++, "{\"channels\":" + channels + "]}"));
    if (m_options.account) {
        connection.send(request("switch_account", next_id++,
                                "{\"account_id\":" + Id{*m_options.account}.json_text() + "}"));
    }
    if (m_options.bootstrap) connection.send(request("bootstrap", next_id++, std::nullopt));
}

StreamEnd Stream::run(const OnMessage& on_message, const OnNotice& on_notice) {
    const auto notice = [&](const std::string& text) {
        if (on_notice) on_notice(text);
    };
    const auto started = m_clock.now();
    const auto duration_over = [&] {
        return m_options.duration && m_clock.now() - started >= *m_options.duration;
    };
    int attempt = 0;
    std::optional<std::chrono::system_clock::time_point> lost_at;
    for (;;) {
        std::unique_ptr<ws::Connection> connection;
        try {
            if (interrupt_flag().load()) return StreamEnd::interrupted;
            connection = m_connector.connect(m_connect);
            int next_id = 1;
            start(*connection, next_id);
            attempt = 0;
            if (lost_at) {
                notice("reconnected after " +
                       seconds_text(std::chrono::duration_cast<milliseconds>(m_clock.now() - *lost_at)) +
                       "; subscribed again");
                lost_at.reset();
            }
            auto last_frame = m_clock.now();
            auto last_ping = last_frame;
            for (;;) {
                if (interrupt_flag().load()) {
                    connection->close(1000, "interrupted");
                    m_reason = "interrupted";
                    return StreamEnd::interrupted;
                }
                if (duration_over()) {
                    connection->close(1000, "done");
                    m_reason = "duration reached";
                    return StreamEnd::stopped;
                }
                const auto now = m_clock.now();
                if (now - last_frame >= m_options.dead_after) {
                    throw ws::Error(ws::Error::Kind::network,
                                    "no frame for " + seconds_text(std::chrono::duration_cast<milliseconds>(
                                                          now - last_frame)));
                }
                if (now - last_ping >= m_options.ping_interval) {
                    connection->ping();
                    last_ping = now;
                }
                auto wait = std::min(
                    {m_options.ping_interval - std::chrono::duration_cast<milliseconds>(now - last_ping),
                     m_options.dead_after - std::chrono::duration_cast<milliseconds>(now - last_frame),
                     k_slice});
                if (m_options.duration) {
                    wait = std::min(
                        wait, *m_options.duration - std::chrono::duration_cast<milliseconds>(now - started));
                }
                const auto message = connection->next(std::max(wait, milliseconds{1}));
                if (!message) continue;
                last_frame = m_clock.now();
                if (message->pong) continue;
                bool rejected = false;
                if (!message->binary && json::is_valid(message->text)) {
                    const json::Value value = json::parse(message->text);
                    const json::Value* type = value.find("type");
                    rejected = type != nullptr && type->is_string() && type->text() == "error" &&
                               is_auth_code(error_field(value, "code"));
                    if (rejected)
                        m_reason = error_field(value, "error")
                                       .value_or(error_field(value, "message").value_or("token rejected"));
                }
                if (!on_message(*message)) {
                    connection->close(1000, "done");
                    m_reason = "stopped";
                    return StreamEnd::stopped;
                }
                if (rejected) {
                    connection->close(1000, "token rejected");
                    return StreamEnd::rejected;
                }
            }
        } catch (const ws::Error& e) {
            if (is_auth_close(e)) {
                m_reason = describe(e);
                return StreamEnd::rejected;
            }
            m_reason = describe(e);
            // An untrusted certificate does not fix itself: like HTTP, no retry (exit 9 at once).
            if (e.kind() == ws::Error::Kind::tls) return StreamEnd::disconnected;
            if (connection) connection->close(1001, "reconnecting");
            if (!lost_at) lost_at = m_clock.now();
            if (m_options.exit_on_disconnect) return StreamEnd::disconnected;
            if (m_options.max_reconnects >= 0 && m_reconnects >= m_options.max_reconnects) {
                return StreamEnd::disconnected;
            }
            auto delay = backoff(attempt++);
            if (m_options.duration) {  // never sleep past the end of the run
                const auto left =
                    *m_options.duration - std::chrono::duration_cast<milliseconds>(m_clock.now() - started);
                delay = std::max(milliseconds{0}, std::min(delay, left));
            }
            ++m_reconnects;
            notice("connection lost: " + m_reason + "; reconnecting in " + seconds_text(delay) +
                   " (attempt " + std::to_string(m_reconnects) + ")");
            m_clock.sleep(delay);
            if (duration_over()) {
                m_reason = "duration reached";
                return StreamEnd::stopped;
            }
        }
    }
}

ws::Message stream_request(ws::Connector& connector, const ws::ConnectOptions& connect, Clock& clock,
                           const std::string& type, const std::optional<std::string>& data_json,
                           milliseconds timeout, const std::optional<std::string>& connect_token) {
    std::unique_ptr<ws::Connection> connection;
    try {
        connection = connector.connect(connect);
        int id = 1;
        if (connect_token) {
            connection->send(
                request("connect", id++, "{\"session_token\":" + json::quote(*connect_token) + "}"));
        }
        const std::string request_id = std::to_string(id);
        connection->send(request(type, id, data_json));
        const auto deadline = clock.now() + timeout;
        for (;;) {
            if (interrupt_flag().load()) throw Interrupted();
            const auto left = std::chrono::duration_cast<milliseconds>(deadline - clock.now());
            if (left <= milliseconds{0}) {
                throw TransportError(http::FailureKind::timeout,
                                     "no reply to " + type + " within " + seconds_text(timeout));
            }
            const auto message = connection->next(std::min(left, k_slice));
            if (!message || message->pong || message->binary || !json::is_valid(message->text)) continue;
            const json::Value value = json::parse(message->text);
            const json::Value* id_field = value.find("request_id");
            const json::Value* kind = value.find("type");
            const bool is_error = kind != nullptr && kind->is_string() && kind->text() == "error";
            if (is_error && is_auth_code(error_field(value, "code"))) {
                throw StreamError(StreamError::Kind::rejected,
                                  ErrorBody{error_field(value, "error").value_or("token rejected"),
                                            error_field(value, "code"), std::nullopt, std::nullopt});
            }
            if (id_field == nullptr || id_field->text() != request_id) continue;  // a push
            if (is_error) {
                throw StreamError(
                    StreamError::Kind::error_reply,
                    ErrorBody{
                        error_field(value, "error")
                            .value_or(error_field(value, "message").value_or("the server reported an error")),
                        error_field(value, "code"), std::nullopt, std::nullopt});
            }
            connection->close(1000, "done");
            return *message;
        }
    } catch (const ws::Error& e) {
        if (is_auth_close(e)) {
            throw StreamError(StreamError::Kind::rejected,
                              ErrorBody{describe(e), std::nullopt, std::nullopt, std::nullopt});
        }
        const auto kind = e.kind() == ws::Error::Kind::tls       ? http::FailureKind::tls
                          : e.kind() == ws::Error::Kind::timeout ? http::FailureKind::timeout
                                                                 : http::FailureKind::receive;
        throw TransportError(kind, describe(e));  // the ws layer's texts say what failed
    }
}

}  // namespace hyperoru
