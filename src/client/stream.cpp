// The live stream session: (re)connect, subscribe, deliver, ping, detect death, back off.
#include "hyperoru/stream.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "http/redact.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"
#include "hyperoru/models.hpp"

namespace hyperoru {

namespace {

using std::chrono::milliseconds;

/// Waits are cut into slices so that Ctrl-C and the end of --duration are noticed within 100 ms,
/// whether the server is quiet or busy (the connection returns within each slice however fast it sends).
constexpr milliseconds k_slice{100};

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
bool is_auth_close(const ws::Failure& e) {
    if (e.kind == ws::Failure::Kind::auth) return true;
    if (e.kind != ws::Failure::Kind::closed) return false;
    std::string reason = e.close_reason;
    for (auto& c : reason) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return e.close_code == 4401 || e.close_code == 4403 ||
           (e.close_code == 1008 &&
            (reason.find("token") != std::string::npos || reason.find("auth") != std::string::npos));
}

/// Why a connection ended, for a notice or an error. The close reason is server text: it passes
/// the redactor with the session token, like every message built from what a server sent.
std::string describe(const ws::Failure& e, const std::vector<std::string>& secrets) {
    if (e.kind == ws::Failure::Kind::closed) {
        return "closed by the server (" + std::to_string(e.close_code) +
               (e.close_reason.empty() ? "" : " " + http::redact_line(e.close_reason, secrets)) + ")";
    }
    return http::redact_line(e.message, secrets);
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

std::optional<ws::Failure> Stream::start(ws::Connection& connection) {
    int next_id = 1;
    std::vector<std::string> messages;
    if (m_options.connect_token) {
        messages.push_back(request("connect", next_id++,
                                   "{\"session_token\":" + json::quote(*m_options.connect_token) + "}"));
    }
    std::string channels = "[";
    for (const auto& channel : m_options.channels)
        channels += (channels.size() > 1 ? "," : "") + json::quote(channel);
    messages.push_back(request("subscribe", next_id++, "{\"channels\":" + channels + "]}"));
    if (m_options.account) {
        messages.push_back(request("switch_account", next_id++,
                                   "{\"account_id\":" + Id{*m_options.account}.json_text() + "}"));
    }
    if (m_options.bootstrap) messages.push_back(request("bootstrap", next_id++, std::nullopt));
    m_request_ids.clear();  // request ids are per connection (§3.2): "1", "2", ...
    for (int id = 1; id < next_id; ++id) m_request_ids.push_back(std::to_string(id));
    for (const auto& message : messages) {
        if (auto failure = connection.send(message)) return failure;
    }
    return std::nullopt;
}

std::variant<StreamEnd, ws::Failure> Stream::serve(ws::Connection& connection, const OnMessage& on_message,
                                                   std::chrono::steady_clock::time_point started) {
    const auto duration_over = [&] {
        return m_options.duration && m_clock.monotonic() - started >= *m_options.duration;
    };
    auto last_frame = m_clock.monotonic();
    auto last_ping = last_frame;
    bool delivered = false;  // a message went to on_message since on_idle last ran
    for (;;) {
        if (interrupt_flag().load()) {
            connection.close(1000, "interrupted");
            m_reason = "interrupted";
            return StreamEnd::interrupted;
        }
        if (duration_over()) {
            connection.close(1000, "done");
            m_reason = "duration reached";
            return StreamEnd::stopped;
        }
        const auto now = m_clock.monotonic();
        if (now - last_frame >= m_options.dead_after) {
            ws::Failure silent;  // kind network
            silent.message =
                "no frame for " + seconds_text(std::chrono::duration_cast<milliseconds>(now - last_frame));
            return silent;
        }
        if (now - last_ping >= m_options.ping_interval) {
            if (auto failure = connection.ping()) return *failure;
            last_ping = now;
        }
        auto wait = std::min(
            {m_options.ping_interval - std::chrono::duration_cast<milliseconds>(now - last_ping),
             m_options.dead_after - std::chrono::duration_cast<milliseconds>(now - last_frame), k_slice});
        if (m_options.duration) {
            wait =
                std::min(wait, *m_options.duration - std::chrono::duration_cast<milliseconds>(now - started));
        }
        // After a delivery, first look without waiting: nothing there means the burst is over,
        // and on_idle runs before the stream blocks.
        const bool look = m_on_idle && delivered;
        ws::Next next = connection.next(look ? milliseconds{0} : std::max(wait, milliseconds{1}));
        if (auto* failure = std::get_if<ws::Failure>(&next)) return *failure;
        auto& message = std::get<std::optional<ws::Message>>(next);
        if (!message && look) {
            delivered = false;
            if (!m_on_idle()) {
                connection.close(1000, "done");
                m_reason = "stopped";
                return StreamEnd::stopped;
            }
        }
        if (!message) continue;
        last_frame = m_clock.monotonic();
        if (message->pong) continue;
        bool rejected = false;
        // A cheap look-up of the two members that classify a message, in the pass that prints it
        // compact (no document model); only an error message is read whole, for its code and text.
        std::optional<std::vector<json::Value>> read;
        if (!message->binary) {
            std::string line;
            line.reserve(message->text.size() + 16);  // compact is seldom longer: one allocation
            read = json::read_message(message->text, {"request_id", "type"}, json::default_mask_keys(), line);
            if (read) message->compact = std::move(line);
        }
        static const std::vector<json::Value> k_none;
        const std::vector<json::Value>& found = read ? *read : k_none;
        if (!found.empty()) {
            // §3.5: a reply is matched to its request through the echoed request_id.
            const json::Value& id = found[0];
            message->reply =
                (id.is_string() || id.is_number()) &&
                std::find(m_request_ids.begin(), m_request_ids.end(), id.text()) != m_request_ids.end();
            if (found[1].is_string() && found[1].text() == "error") {
                try {
                    const json::Value value = json::parse(message->text);
                    rejected = is_auth_code(error_field(value, "code"));
                    if (rejected)
                        m_reason = http::redact_line(
                            error_field(value, "error")
                                .value_or(error_field(value, "message").value_or("token rejected")),
                            m_connect.secrets);
                } catch (const DecodeError&) {  // not JSON after all: an ordinary message
                }
            }
        }
        delivered = true;
        if (!on_message(*message)) {
            connection.close(1000, "done");
            m_reason = "stopped";
            return StreamEnd::stopped;
        }
        if (rejected) {
            connection.close(1000, "token rejected");
            return StreamEnd::rejected;
        }
    }
}

StreamEnd Stream::run(const OnMessage& on_message, const OnNotice& on_notice, const OnIdle& on_idle) {
    m_on_idle = on_idle;
    const auto notice = [&](const std::string& text) {
        if (on_notice) on_notice(text);
    };
    const auto started = m_clock.monotonic();
    const auto duration_over = [&] {
        return m_options.duration && m_clock.monotonic() - started >= *m_options.duration;
    };
    int attempt = 0;
    std::optional<std::chrono::steady_clock::time_point> lost_at;
    for (;;) {
        if (interrupt_flag().load()) return StreamEnd::interrupted;
        std::optional<std::chrono::steady_clock::time_point> connected_at;
        ws::Opened opened = m_connector.connect(m_connect);
        std::unique_ptr<ws::Connection> connection;
        ws::Failure failure;
        if (auto* refused = std::get_if<ws::Failure>(&opened)) {
            failure = std::move(*refused);
        } else {
            connection = std::move(std::get<std::unique_ptr<ws::Connection>>(opened));
            if (auto unsent = start(*connection)) {
                failure = std::move(*unsent);
            } else {
                connected_at = m_clock.monotonic();
                if (lost_at) {
                    notice("reconnected after " +
                           seconds_text(
                               std::chrono::duration_cast<milliseconds>(m_clock.monotonic() - *lost_at)) +
                           "; subscribed again");
                    lost_at.reset();
                }
                auto served = serve(*connection, on_message, started);
                if (auto* end = std::get_if<StreamEnd>(&served)) return *end;
                failure = std::move(std::get<ws::Failure>(served));
                // What was delivered before the loss is shown before any wait to reconnect.
                if (m_on_idle && !m_on_idle()) {
                    m_reason = "stopped";
                    return StreamEnd::stopped;
                }
            }
        }
        m_reason = describe(failure, m_connect.secrets);
        if (is_auth_close(failure)) return StreamEnd::rejected;
        // An untrusted certificate does not fix itself: like HTTP, no retry (exit 9 at once).
        if (failure.kind == ws::Failure::Kind::tls) return StreamEnd::disconnected;
        if (connection) connection->close(1001, "reconnecting");
        if (!lost_at) lost_at = m_clock.monotonic();
        if (m_options.exit_on_disconnect) return StreamEnd::disconnected;
        if (m_options.max_reconnects >= 0 && m_reconnects >= m_options.max_reconnects) {
            return StreamEnd::disconnected;
        }
        if (connected_at && m_clock.monotonic() - *connected_at >= m_options.healthy_after) attempt = 0;
        auto delay = backoff(attempt++);
        if (m_options.duration) {  // never sleep past the end of the run
            const auto left =
                *m_options.duration - std::chrono::duration_cast<milliseconds>(m_clock.monotonic() - started);
            delay = std::max(milliseconds{0}, std::min(delay, left));
        }
        ++m_reconnects;
        notice("connection lost: " + m_reason + "; reconnecting in " + seconds_text(delay) + " (attempt " +
               std::to_string(m_reconnects) + ")");
        m_clock.sleep(delay);
        if (duration_over()) {
            m_reason = "duration reached";
            return StreamEnd::stopped;
        }
    }
}

namespace {

/// What a failed connection means to a one-shot request: a rejected token, or no answer.
[[noreturn]] void throw_for(const ws::Failure& failure, const std::vector<std::string>& secrets) {
    if (is_auth_close(failure)) {
        throw StreamError(StreamError::Kind::rejected,
                          ErrorBody{describe(failure, secrets), std::nullopt, std::nullopt, std::nullopt});
    }
    const auto kind = failure.kind == ws::Failure::Kind::tls       ? http::FailureKind::tls
                      : failure.kind == ws::Failure::Kind::timeout ? http::FailureKind::timeout
                                                                   : http::FailureKind::receive;
    throw TransportError(kind, describe(failure, secrets));  // the ws layer's texts say what failed
}

}  // namespace

ws::Message stream_request(ws::Connector& connector, const ws::ConnectOptions& connect, Clock& clock,
                           const std::string& type, const std::optional<std::string>& data_json,
                           milliseconds timeout, const std::optional<std::string>& connect_token) {
    ws::Opened opened = connector.connect(connect);
    if (auto* failure = std::get_if<ws::Failure>(&opened)) throw_for(*failure, connect.secrets);
    auto connection = std::move(std::get<std::unique_ptr<ws::Connection>>(opened));
    int id = 1;
    if (connect_token) {
        if (auto failure = connection->send(
                request("connect", id++, "{\"session_token\":" + json::quote(*connect_token) + "}")))
            throw_for(*failure, connect.secrets);
    }
    const std::string request_id = std::to_string(id);
    if (auto failure = connection->send(request(type, id, data_json))) throw_for(*failure, connect.secrets);
    const auto deadline = clock.monotonic() + timeout;
    for (;;) {
        if (interrupt_flag().load()) throw Interrupted();
        const auto left = std::chrono::duration_cast<milliseconds>(deadline - clock.monotonic());
        if (left <= milliseconds{0}) {
            throw TransportError(http::FailureKind::timeout,
                                 "no reply to " + type + " within " + seconds_text(timeout));
        }
        ws::Next next = connection->next(std::min(left, k_slice));
        if (auto* failure = std::get_if<ws::Failure>(&next)) throw_for(*failure, connect.secrets);
        const auto& message = std::get<std::optional<ws::Message>>(next);
        if (!message || message->pong || message->binary || !json::is_valid(message->text)) continue;
        const json::Value value = json::parse(message->text);
        const json::Value* id_field = value.find("request_id");
        const json::Value* kind = value.find("type");
        const bool is_error = kind != nullptr && kind->is_string() && kind->text() == "error";
        if (is_error && is_auth_code(error_field(value, "code"))) {
            throw StreamError(
                StreamError::Kind::rejected,
                ErrorBody{http::redact_line(error_field(value, "error").value_or("token rejected"),
                                            connect.secrets),
                          error_field(value, "code"), std::nullopt, std::nullopt});
        }
        if (id_field == nullptr || id_field->text() != request_id) continue;  // a push
        if (is_error) {
            throw StreamError(
                StreamError::Kind::error_reply,
                ErrorBody{
                    http::redact_line(
                        error_field(value, "error")
                            .value_or(error_field(value, "message").value_or("the server reported an error")),
                        connect.secrets),
                    error_field(value, "code"), std::nullopt, std::nullopt});
        }
        ws::Message reply = *message;
        connection->close(1000, "done");
        return reply;
    }
}

}  // namespace hyperoru
