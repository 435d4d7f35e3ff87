#pragma once
// The CLI run in-process for unit tests: string streams for I/O, a fake transport for the network,
// a fake clock for time, scripted answers for terminal prompts, and a temporary config directory.
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

struct Cli {
    std::shared_ptr<FakeServer> server = std::make_shared<FakeServer>();
    FakeClock clock;
    FakeWsServer ws;  ///< the WebSocket server the stream commands talk to
    TempDir dir;
    std::map<std::string, std::string> env;
    bool stdin_tty = false;
    bool stdout_tty = false;
    std::deque<std::string> answers;                    // what the "user" types at prompts
    std::vector<std::pair<std::string, bool>> prompts;  // prompt text, echo
    std::optional<http::TransportOptions> transport_options;
    std::string out, err;

    Cli() { env["HYPERORU_CONFIG_DIR"] = dir.path().string(); }

    int run(std::vector<std::string> args, const std::string& stdin_text = "") {
        std::istringstream in(stdin_text);
        std::ostringstream out_stream, err_stream;
        cli::Io io;
        io.in = &in;
        io.out = &out_stream;
        io.err = &err_stream;
        io.stdin_is_tty = stdin_tty;
        io.stdout_is_tty = stdout_tty;
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
        ws.clock = &clock;
        io.make_connector = [this] { return std::make_unique<FakeWsConnector>(ws); };
        const int code = cli::run(args, io);
        out = out_stream.str();
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

}  // namespace hyperoru::test
