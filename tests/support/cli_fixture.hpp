#pragma once
// The CLI run in-process for unit tests: string streams for I/O, a fake transport for the network,
// a fake clock for time, scripted answers for terminal prompts, and a temporary config directory.
#include <cerrno>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/app.hpp"
#include "hyperoru/config.hpp"
#include "support/fake_transport.hpp"
#include "support/fake_ws.hpp"
#include "support/temp_dir.hpp"

namespace hyperoru::test {

inline const http::Headers k_json{{"Content-Type", "application/json"}};

/// Standard output whose reader goes away after `capacity` bytes: later writes fail (EPIPE).
class ClosingOutput final : public std::stringbuf {
public:
    explicit ClosingOutput(std::size_t capacity) : m_capacity(capacity) {}

protected:
    std::streamsize xsputn(const char* data, std::streamsize size) override {
        if (str().size() + static_cast<std::size_t>(size) > m_capacity) return 0;
        return std::stringbuf::xsputn(data, size);
    }
    int_type overflow(int_type ch) override {
        if (str().size() >= m_capacity) return traits_type::eof();
        return std::stringbuf::overflow(ch);
    }

private:
    std::size_t m_capacity;
};

struct Cli {
    std::shared_ptr<FakeServer> server = std::make_shared<FakeServer>();
    FakeClock clock;
    FakeWsServer ws;  ///< the WebSocket server the stream commands talk to
    TempDir dir;
    std::map<std::string, std::string> env;
    bool stdin_tty = false;
    bool stdout_tty = false;
    bool stderr_tty = false;
    /// Io::spinner_after: none by default, so stderr is exact whatever the test machine's speed.
    std::optional<std::chrono::milliseconds> spinner_after;
    std::deque<std::string> answers;                    // what the "user" types at prompts
    std::vector<std::pair<std::string, bool>> prompts;  // prompt text, echo
    std::optional<http::TransportOptions> transport_options;
    std::optional<std::size_t> out_capacity;         ///< the reader of stdout leaves after this many bytes
    std::optional<cli::TerminalSize> terminal_size;  ///< Io::terminal_size: none by default
    std::string out, err;

    Cli() { env["HYPERORU_CONFIG_DIR"] = dir.path().string(); }

    int run(std::vector<std::string> args, const std::string& stdin_text = "") {
        std::istringstream in(stdin_text);
        std::ostringstream err_stream;
        ClosingOutput closing(out_capacity.value_or(0));
        std::stringbuf unlimited;
        std::ostream out_stream(out_capacity ? static_cast<std::stringbuf*>(&closing) : &unlimited);
        cli::Io io;
        io.in = &in;
        io.out = &out_stream;
        if (out_capacity) io.out_error = [] { return EPIPE; };
        io.err = &err_stream;
        io.stdin_is_tty = stdin_tty;
        io.stdout_is_tty = stdout_tty;
        io.stderr_is_tty = stderr_tty;
        io.spinner_after = spinner_after;
        io.env = [this](const char* name) -> std::optional<std::string> {
            const auto it = env.find(name);
            if (it == env.end()) return std::nullopt;
            return it->second;
        };
        io.prompt = [this](const std::string& text, bool echo) -> std::optional<std::string> {
            prompts.emplace_back(text, echo);
            if (answers.empty()) return std::nullopt;
            std::string answer = answers.front();
            answers.pop_front();
            return answer;
        };
        io.make_transport = [this](const http::TransportOptions& options) {
            transport_options = options;
            return make_fake_transport(server);
        };
        io.clock = &clock;
        io.terminal_size = [this] { return terminal_size; };
        ws.clock = &clock;
        io.make_connector = [this] { return std::make_unique<FakeWsConnector>(ws); };
        const int code = cli::run(args, io);
        out = out_capacity ? closing.str() : unlimited.str();
        err = err_stream.str();
        return code;
    }

    void login_state(const std::string& base_url = "https://api.production.hyperoru.com",
                     std::optional<std::string> expires_at = std::string("2027-05-24T00:00:00Z")) {
        ConfigStore(dir.path()).update([&](Config& c) {
            c.current_context = "default";
            auto& ctx = c.contexts["default"];
            ctx.base_url = base_url;
            ctx.session_token = "tok_stored";
            ctx.email = "trader@example.com";
            ctx.username = "trader1";
            ctx.expires_at = expires_at;
            ctx.issued_at = "2026-11-20T00:00:00Z";
        });
    }

    Config config() const { return ConfigStore(dir.path()).load(); }
    const http::Request& request(std::size_t i = 0) const { return server->requests.at(i); }
};

/// The default base URL, which login_state() stores by default.
inline const std::string k_production_url = "https://api.production.hyperoru.com";

/// A Cli with a stored token for the production URL.
struct LoggedIn : Cli {
    LoggedIn() { login_state(); }
};

}  // namespace hyperoru::test
