#include "cli/context.hpp"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <ostream>
#include <streambuf>

#include "cli/output.hpp"
#include "cli/status.hpp"
#include "cli/table.hpp"
#include "cli/usage.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/http.hpp"
#include "hyperoru/version.hpp"

namespace hyperoru::cli {

const char* to_string(Origin origin) {
    switch (origin) {
        case Origin::flag: return "flag";
        case Origin::environment: return "environment";
        case Origin::config: return "config file";
        case Origin::fallback: return "default";
    }
    return "default";
}

namespace {

/// The -v trace: whole lines to stderr, each passed through sanitize_for_terminal, so header
/// lines and reason phrases from the server (HTTP and WebSocket alike) and anything else a
/// layer traces can never drive the terminal.
class TerminalSafeLines final : public std::streambuf {
public:
    explicit TerminalSafeLines(std::ostream& target) : m_target(target) {}
    ~TerminalSafeLines() override { sync(); }

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        if (traits_type::to_char_type(c) == '\n') {
            m_target << sanitize_for_terminal(m_line) << '\n';
            m_line.clear();
        } else {
            m_line += traits_type::to_char_type(c);
        }
        return c;
    }
    int sync() override {
        m_target.flush();
        return 0;
    }

private:
    std::ostream& m_target;
    std::string m_line;
};

/// Holds the buffer in a base, so it exists before std::ostream is given it.
struct TerminalSafeBuffer {
    explicit TerminalSafeBuffer(std::ostream& target) : buffer(target) {}
    TerminalSafeLines buffer;
};

class TerminalSafeStream final : private TerminalSafeBuffer, public std::ostream {
public:
    explicit TerminalSafeStream(std::ostream& target)
        : TerminalSafeBuffer(target), std::ostream(&this->buffer) {}
};

}  // namespace

namespace {

/// The transport with a spinner around every exchange: drawn once the exchange has taken
/// Io::spinner_after, erased when it ends, or when a streamed body starts to arrive (it is
/// printed as it comes).
class WaitingTransport final : public http::Transport {
public:
    WaitingTransport(std::unique_ptr<http::Transport> inner, Status& status)
        : m_inner(std::move(inner)), m_status(status) {}

    http::Outcome perform(const http::Request& request) override {
        const Spinning spinning(m_status, what(request));
        return m_inner->perform(request);
    }

    http::Outcome stream(const http::Request& request, http::BodySink& sink) override {
        class StopFirst final : public http::BodySink {
        public:
            StopFirst(Status& status, http::BodySink& target) : m_status(status), m_target(target) {}
            bool start(const http::Response& head) override { return m_target.start(head); }
            bool repeatable() const noexcept override { return m_target.repeatable(); }
            bool write(std::string_view chunk) override {
                // Once: a sink that shows a wait of its own (the chat's, for its first token)
                // starts it after this.
                if (!m_stopped) m_status.stop_spinner();
                m_stopped = true;
                return m_target.write(chunk);
            }

        private:
            Status& m_status;
            bool m_stopped = false;
            http::BodySink& m_target;
        } stop_first(m_status, sink);
        const Spinning spinning(m_status, what(request));
        return m_inner->stream(request, stop_first);
    }

private:
    /// "GET /api/account/list": the method and the path, without the query.
    static std::string what(const http::Request& request) {
        std::string_view url = request.url;
        const auto scheme = url.find("://");
        const auto path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
        url = path == std::string_view::npos ? std::string_view("/") : url.substr(path);
        return request.method + " " + std::string(url.substr(0, url.find('?')));
    }

    std::unique_ptr<http::Transport> m_inner;
    Status& m_status;
};

/// "; retrying in 2.1 s (2 of 3)", or "now" for a wait under 50 ms.
std::string retrying_text(int retry, int max_retries, std::chrono::milliseconds delay) {
    char when[48] = "now";
    if (delay.count() >= 50) {
        std::snprintf(when, sizeof when, "in %.1f s", static_cast<double>(delay.count()) / 1000.0);
    }
    return std::string("; retrying ") + when + " (" + std::to_string(retry) + " of " +
           std::to_string(max_retries) + ")";
}

}  // namespace

Context::Context(Io& io, const GlobalOptions& options) : m_io(io), m_options(options) {}

Context::~Context() = default;

Printer& Context::printer() {
    if (!m_printer) {
        const Format f = format();
        m_printer = std::make_unique<Printer>(out(), f, m_io.stdout_is_tty, f == Format::table && colour(),
                                              m_options.fields);
    }
    return *m_printer;
}

Status& Context::status() {
    if (!m_status) {
        Status::Options options;
        options.notices = m_io.stderr_is_tty && !m_options.quiet && !m_quiet_status;
        // A spinner and a progress line redraw their line in place: not between -v trace lines,
        // and not on a terminal that cannot erase a line.
        options.transient = options.notices && !m_options.verbose && m_io.env("TERM") != "dumb";
        options.spinner_after = m_io.spinner_after;
        m_status = std::make_unique<Status>(err(), options);
    }
    return *m_status;
}

Format Context::format() const {
    const std::string& o = m_options.output;
    if (o == "json") return Format::json;
    if (o == "ndjson") return Format::ndjson;
    if (o == "table") return Format::table;
    if (o == "raw") return Format::raw;
    return m_io.stdout_is_tty ? Format::table : Format::json;  // auto
}

bool Context::colour() const {
    if (!m_io.stdout_is_tty || m_options.no_color) return false;
    if (const auto no_color = m_io.env("NO_COLOR"); no_color && !no_color->empty()) return false;
    return m_io.env("TERM") != "dumb";
}

std::optional<std::string> Context::prompt_refusal() const {
    if (m_options.no_input) return "--no-input";
    if (!m_io.stdin_is_tty) return "stdin is not a terminal";
    if (!m_io.stdout_is_tty) return "stdout is not a terminal";
    return std::nullopt;
}

void Context::confirm_or_cancel(const Confirmation& confirmation) {
    if (const auto no_prompt = prompt_refusal()) {
        throw UsageError(confirmation.refusal + " (" + *no_prompt + confirmation.hint + ")");
    }
    const std::string answer = m_io.prompt(confirmation.question + "? [y/N] ", true).value_or("");
    if (answer != "y" && answer != "Y" && answer != "yes")
        throw Cancelled(confirmation.command + ": cancelled");
}

ConfigStore& Context::store() {
    if (!m_store) m_store = std::make_unique<ConfigStore>(config_directory(m_io.env));
    return *m_store;
}

namespace {
std::optional<std::string> non_empty(std::optional<std::string> value) {
    if (value && value->empty()) return std::nullopt;
    return value;
}

std::string strip_trailing_slashes(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

}  // namespace

const Settings& Context::settings() {
    if (m_settings) return *m_settings;
    Settings s;
    const Config config = store().load();
    s.config_file = store().file();
    // The file holds tokens that can trade: say so when others can read it. The next write
    // (login, logout) replaces it with a 0600 file.
    struct stat info {};
    if (::stat(s.config_file.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        err() << "hyperoru: warning: " << s.config_file.string() << " is readable by other users (mode "
              << mode << ") and holds your token; run 'chmod 600 " << s.config_file.string()
              << "' (the next login fixes it too)\n";
    }

    if (m_options.context) {
        s.context = *m_options.context;
        s.context_origin = Origin::flag;
    } else if (auto env = non_empty(m_io.env("HYPERORU_CONTEXT"))) {
        s.context = *env;
        s.context_origin = Origin::environment;
    } else if (config.current_context && !config.current_context->empty()) {
        s.context = *config.current_context;
        s.context_origin = Origin::config;
    } else {
        s.context = "default";
    }
    if (const auto it = config.contexts.find(s.context); it != config.contexts.end()) {
        s.stored = it->second;
        s.context_exists = true;
    }

    if (m_options.base_url) {
        s.base_url = *m_options.base_url;
        s.base_url_origin = Origin::flag;
    } else if (auto env = non_empty(m_io.env("HYPERORU_BASE_URL"))) {
        s.base_url = *env;
        s.base_url_origin = Origin::environment;
    } else if (s.stored.base_url && !s.stored.base_url->empty()) {
        s.base_url = *s.stored.base_url;
        s.base_url_origin = Origin::config;
    } else {
        s.base_url = k_default_base_url;
    }
    s.base_url = strip_trailing_slashes(s.base_url);

    if (auto env = non_empty(m_io.env("HYPERORU_TOKEN"))) {
        s.token = env;
        s.token_origin = Origin::environment;
    } else if (s.stored.session_token && !s.stored.session_token->empty()) {
        // A stored token belongs to the server it was issued by: it is never sent elsewhere,
        // even when --base-url or HYPERORU_BASE_URL points somewhere else for this run.
        const std::string owner = token_issuer(s.stored);
        if (http::origin_of(owner) == http::origin_of(s.base_url) && http::origin_of(owner)) {
            s.token = s.stored.session_token;
            s.token_origin = Origin::config;
        } else {
            s.token_for_other_server = owner;
        }
    }
    const bool named = s.context_origin == Origin::flag || s.context_origin == Origin::environment;
    // A context named on the command line or in the environment that the file does not have is a
    // typo, unless this run takes nothing from it (base URL and token both from flags or the
    // environment: a label in CI) or is the command that creates it.
    const auto outside = [](Origin o) { return o == Origin::flag || o == Origin::environment; };
    const bool uses_file = !outside(s.base_url_origin) || !outside(s.token_origin);
    if (named && uses_file && !s.context_exists && s.context != "default" && !m_allow_new_context) {
        std::vector<std::string> known;
        for (const auto& [name, entry] : config.contexts) known.push_back(name);
        std::string message = "unknown context \"" + s.context + "\"";
        if (s.context_origin == Origin::environment) message += " (HYPERORU_CONTEXT)";
        if (const auto near = nearest_names(s.context, known); !near.empty())
            message += "; did you mean \"" + near.front() + "\"?";
        if (known.empty()) {
            message += "; there are none yet: 'hyperoru --context " + s.context +
                       " --base-url URL login' creates it";
        } else {
            message += " (known:";
            for (const auto& name : known) message += " " + name;
            message += ")";
        }
        throw UsageError(message);
    }
    m_settings = std::move(s);
    return *m_settings;
}

std::string token_issuer(const ContextConfig& entry) {
    const bool stored = entry.base_url && !entry.base_url->empty();
    return strip_trailing_slashes(stored ? *entry.base_url : std::string(k_default_base_url));
}

std::string checked_base_url(const std::string& url, bool allow_http) {
    std::string stripped = strip_trailing_slashes(url);
    // user:password@ would be sent as Basic auth and shown wherever the URL is: never taken, and
    // never echoed (the message does not quote the URL).
    if (http::has_userinfo(stripped)) {
        throw UsageError(
            "the base URL carries a user name or password (user:password@host); hyperoru never "
            "sends one: drop it from the URL and run 'hyperoru login'");
    }
    const auto origin = http::origin_of(stripped);
    if (!origin) throw UsageError("invalid base URL '" + stripped + "': expected https://host[:port]");
    if (origin->scheme == "http" && !http::is_loopback_host(origin->host) && !allow_http) {
        throw UsageError("refusing plain http to " + origin->host +
                         ": the token would travel unencrypted (use https, or --allow-http)");
    }
    return stripped;
}

namespace {

/// What both transports take alike from the settings: one list, so neither can miss an item.
template <class Options>
Options common_options(const ConnectionSettings& c) {
    Options options;
    options.connect_timeout = c.connect_timeout;
    options.cacert = c.cacert;
    options.insecure = c.insecure;
    options.user_agent = c.user_agent;
    options.trace = c.trace;
    options.secrets = c.secrets;
    return options;
}

}  // namespace

http::TransportOptions ConnectionSettings::transport() const {
    auto options = common_options<http::TransportOptions>(*this);
    options.timeout = timeout;
    options.stall_timeout = stall_timeout;
    options.max_response_bytes = max_response_bytes;
    options.interrupted = &interrupt_flag();
    return options;
}

ws::ConnectOptions ConnectionSettings::stream(bool token_in_url) const {
    auto options = common_options<ws::ConnectOptions>(*this);
    options.url = ws::stream_url(base_url, token_in_url ? token : std::nullopt);
    return options;
}

const ConnectionSettings& Context::connection(const std::vector<std::string>& secrets) {
    if (m_connection) return *m_connection;
    const Settings& s = settings();
    ConnectionSettings c;
    c.base_url = checked_base_url(s.base_url, m_options.allow_http);
    if (const auto origin = http::origin_of(c.base_url);
        origin->scheme == "http" && !http::is_loopback_host(origin->host)) {
        err() << "hyperoru: warning: --allow-http: requests to " << origin->host << " are not encrypted\n";
    }
    if (m_options.insecure) {
        err() << "hyperoru: warning: --insecure: TLS certificates are not verified; anyone on the "
                 "network path can read the token\n";
    }
    c.token = s.token;
    c.timeout = std::chrono::milliseconds(std::llround(m_options.timeout_seconds * 1000));
    c.connect_timeout = std::chrono::milliseconds(std::llround(m_options.connect_timeout_seconds * 1000));
    c.cacert = m_options.cacert;
    c.insecure = m_options.insecure;
    c.max_response_bytes = m_options.max_response_bytes;
    c.user_agent = std::string("hyperoru/") + k_version;
    if (m_options.verbose) {
        m_trace = std::make_unique<TerminalSafeStream>(err());
        c.trace = m_trace.get();
    }
    c.secrets = secrets;
    if (s.token) c.secrets.push_back(*s.token);
    m_connection = std::move(c);
    return *m_connection;
}

Client& Context::client(const std::vector<std::string>& secrets) {
    if (m_client) return *m_client;
    const ConnectionSettings& c = connection(secrets);
    ClientOptions options;
    options.base_url = c.base_url;
    options.token = c.token;
    options.retry.max_retries = m_options.retries;
    options.budget = c.timeout;
    options.trace = c.trace;
    Status& waiting = status();
    options.on_retry = [&waiting](int retry, int max_retries, std::chrono::milliseconds delay,
                                  const std::string& reason) {
        waiting.notice(reason + retrying_text(retry, max_retries, delay));
    };
    m_client = std::make_unique<Client>(
        std::move(options), std::make_unique<WaitingTransport>(m_io.make_transport(c.transport()), waiting),
        *m_io.clock);
    return *m_client;
}

}  // namespace hyperoru::cli
