#pragma once
// What every command gets: the global options, the resolved settings (flag > environment >
// config file > default), the config store, a client built on demand, and the output format.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "hyperoru/client.hpp"
#include "hyperoru/config.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/http.hpp"
#include "hyperoru/ws.hpp"

namespace hyperoru::cli {

enum class Format { json, ndjson, table, raw };

class Printer;
class Status;

/// The answer to a confirmation was not yes: a usage error (exit 2), but not a mistake in the
/// command line, so no pointer to --help follows it.
class Cancelled : public UsageError {
public:
    using UsageError::UsageError;
};

/// Global options as parsed from the command line (unset optionals: not given).
struct GlobalOptions {
    std::optional<std::string> base_url;
    std::optional<std::string> context;
    std::string output = "auto";
    double timeout_seconds = 30;
    double connect_timeout_seconds = 10;
    int retries = 3;
    bool verbose = false;
    std::string cacert;
    bool insecure = false;
    bool allow_http = false;
    std::size_t max_response_bytes = 64u * 1024u * 1024u;
    /// --fields: the member names to keep, in this order (checked: none empty, none repeated);
    /// empty when not given.
    std::vector<std::string> fields;
    bool no_color = false;
    bool no_input = false;
    /// -q: no retry notices, spinner or progress on stderr (errors and warnings still show).
    bool quiet = false;
};

/// Where a setting came from, for messages and `auth status`.
enum class Origin { flag, environment, config, fallback };

struct Settings {
    std::filesystem::path config_file;
    std::string context;
    Origin context_origin = Origin::fallback;
    std::string base_url;
    Origin base_url_origin = Origin::fallback;
    ContextConfig stored;              ///< the context's entry in the config file (may be empty)
    std::optional<std::string> token;  ///< the token to send, if any
    Origin token_origin = Origin::fallback;
    /// Set when the config holds a token for another server than base_url: it is not sent.
    std::optional<std::string> token_for_other_server;
    bool context_exists = false;  ///< the config file has an entry for `context`
};

/// How this invocation reaches the server, resolved once for every transport: the base URL after
/// its check (checked_base_url), the token, TLS, timeouts, user agent, trace and the secrets the
/// trace must never show. The HTTP transport and the WebSocket connection are both derived from
/// it, so no command can reach the server by another rule.
struct ConnectionSettings {
    std::string base_url;  ///< checked: https, or plain http only to loopback or with --allow-http
    std::optional<std::string> token;  ///< the session token to send, if any
    /// --timeout: each call's whole budget, retries and their waits included.
    std::chrono::milliseconds timeout{30'000};
    std::chrono::milliseconds connect_timeout{10'000};
    /// An attempt that receives nothing for this long is abandoned (and retried while the budget
    /// lasts), so one stalled connection cannot use up the whole budget.
    std::chrono::milliseconds stall_timeout{15'000};
    std::string cacert;
    bool insecure = false;
    std::size_t max_response_bytes = 0;
    std::string user_agent;
    std::ostream* trace = nullptr;     ///< -v: redacted trace lines
    std::vector<std::string> secrets;  ///< never shown in a trace (the token is always among them)

    /// The libcurl transport's options.
    http::TransportOptions transport() const;
    /// The WebSocket connection's options: ws:// or wss:// for the base URL's scheme, the token
    /// in the URL unless `token_in_url` is false (--auth-message sends it in a message instead).
    ws::ConnectOptions stream(bool token_in_url) const;
};

class Context {
public:
    Context(Io& io, const GlobalOptions& options);
    ~Context();

    Io& io() noexcept { return m_io; }
    std::ostream& out() noexcept { return *m_io.out; }
    std::ostream& err() noexcept { return *m_io.err; }
    const GlobalOptions& options() const noexcept { return m_options; }
    /// The output format in effect (auto: table on a terminal, else json). Only the printer and
    /// the error reporter look at it.
    Format format() const;

    /// The one printer of this invocation's results (cli/output.hpp), created on first use.
    Printer& printer();

    /// Whether tables may colour status words: stdout is a terminal, TERM is not "dumb", and
    /// neither --no-color nor a non-empty NO_COLOR (no-color.org) turns colour off.
    bool colour() const;

    /// Why hyperoru may not ask anything (login prompts, confirmations): "--no-input", "stdin is
    /// not a terminal" or "stdout is not a terminal"; nullopt when it may. A prompt needs both
    /// ends on a terminal: with stdout piped, the question would be lost in the pipe or mix
    /// with the data, and a script must never hang on a question it cannot see.
    std::optional<std::string> prompt_refusal() const;

    /// What a y/N confirmation says (confirm_or_cancel).
    struct Confirmation {
        std::string question;  ///< "Cancel order 42 (BTC buy 0.01 @ 60000)"; "? [y/N] " is added
        std::string command;   ///< "order cancel": an answer other than yes says "order cancel: cancelled"
        /// The usage error when no prompt is possible, before " (<why><hint>)": "refusing to run
        /// 'order cancel' without --yes".
        std::string refusal;
        std::string hint{};  ///< "; --dry-run shows the request"
    };
    /// The one y/N confirmation: asks on the terminal and returns when the answer is y, Y or
    /// yes; throws UsageError otherwise, and when no prompt is possible (prompt_refusal()).
    void confirm_or_cancel(const Confirmation& confirmation);

    /// The waiting messages on stderr (retry notices, spinner, --all progress), created on first
    /// use: shown only when stderr is a terminal and -q is not given (cli/status.hpp).
    Status& status();
    /// Makes status() say nothing on stderr (a full-screen command owns the terminal); before
    /// the first status() or client() call.
    void quiet_status() noexcept { m_quiet_status = true; }

    /// Reads the config file on first use. Throws ConfigError for a corrupt file, and UsageError
    /// for a context named by --context or HYPERORU_CONTEXT that the file does not have (a typo
    /// would otherwise run on an empty context, or send a login to the default server), unless
    /// allow_new_context() was called first.
    const Settings& settings();
    /// For the commands that create a context (login, config set base_url) or only show what is
    /// in effect (config get/list, context list/show): a context not in the file is no error.
    void allow_new_context() noexcept { m_allow_new_context = true; }
    ConfigStore& store();

    /// The connection policy for this invocation, resolved on first use (see ConnectionSettings):
    /// throws UsageError for a base URL that is not allowed, and prints the --allow-http and
    /// --insecure warnings once. `secrets` (read from stdin, say) join the token among the values
    /// the trace never shows; only the first call's count.
    const ConnectionSettings& connection(const std::vector<std::string>& secrets = {});

    /// The client for this invocation, created on first use over connection(secrets).
    Client& client(const std::vector<std::string>& secrets = {});

    std::chrono::system_clock::time_point now() { return m_io.clock->now(); }

private:
    Io& m_io;
    const GlobalOptions& m_options;
    std::optional<Settings> m_settings;
    bool m_allow_new_context = false;
    bool m_quiet_status = false;
    std::unique_ptr<ConfigStore> m_store;
    std::optional<ConnectionSettings> m_connection;
    /// Before the client, whose transport and retry hook use it.
    std::unique_ptr<Status> m_status;
    /// -v: stderr through the terminal-safe line filter. Declared before the client, which
    /// traces until it is destroyed.
    std::unique_ptr<std::ostream> m_trace;
    std::unique_ptr<Client> m_client;
    std::unique_ptr<Printer> m_printer;
};

/// The server that issued `entry`'s token, which is the only one it is ever sent to: the stored
/// base URL without trailing slashes, or the default URL when none is stored (as for requests).
std::string token_issuer(const ContextConfig& entry);

/// `url` without trailing slashes, checked as every request and every stream checks it: an
/// absolute http(s) URL, plain http only to a loopback host (http::is_loopback_host: an IP
/// literal or exactly "localhost", never a name that merely looks local) unless `allow_http`.
/// Throws UsageError otherwise.
std::string checked_base_url(const std::string& url, bool allow_http);

/// "flag", "environment", "config file", "default".
const char* to_string(Origin origin);

}  // namespace hyperoru::cli
