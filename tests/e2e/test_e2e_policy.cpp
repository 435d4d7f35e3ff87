// End-to-end: each guarantee on every path that could forget it. One rule lives in one place
// (Context::connection, the Printer, Client::prepare); these tests hold every command to it:
//  - plain http refused × {REST, watch, snapshot, ws request, ai chat}, loopback decided on the
//    literal host;
//  - terminal safety on a pseudo-terminal × {table, text body, dev-guide, SSE data that is not
//    JSON, watch, error line, -v header line and reason phrase};
//  - --dry-run prints the very request the stand-in logs when the command runs with --yes, for
//    every command that has --dry-run.
#include <netdb.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "e2e/resources.hpp"

using namespace e2e_resources;

namespace {

std::string refusal(const std::string& host) {
    return "hyperoru: error: refusing plain http to " + host +
           ": the token would travel unencrypted (use https, or --allow-http)\n";
}

/// One command per transport: REST, the stream (watch and the one-shot requests), SSE.
const std::vector<std::vector<std::string>> k_every_transport = {
    {"price", "BTC"},        {"watch", "--count", "1"},
    {"snapshot", "1"},       {"ws", "request", "get_snapshot", "--data", R"({"account_id": 1})"},
    {"ai", "chat", "hello"},
};

/// The line that ends a usage error of the command `args` runs: its words before the first
/// argument that is not a command name (these commands have one or two).
std::string help_line(const std::vector<std::string>& args) {
    const bool two = args[0] == "ws" || args[0] == "ai";
    return "Run 'hyperoru " + args[0] + (two ? " " + args[1] : "") + " --help' for usage.\n";
}

/// This machine's name, when it resolves to an IPv4 loopback address (as /etc/hosts makes it
/// on Debian); the test requires it.
std::string loopback_host_name() {
    char name[256] = {};
    REQUIRE(::gethostname(name, sizeof name - 1) == 0);
    addrinfo hints{};
    hints.ai_family = AF_INET;
    addrinfo* found = nullptr;
    REQUIRE(::getaddrinfo(name, nullptr, &hints, &found) == 0);
    const auto* address = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
    const bool loopback = (ntohl(address->sin_addr.s_addr) >> 24) == 127;
    ::freeaddrinfo(found);
    REQUIRE(loopback);
    REQUIRE(std::string(name) != "localhost");
    return name;
}

void script(const StandIn& server, const std::string& method, const std::string& path,
            const nlohmann::json& response) {
    const nlohmann::json spec = {{"method", method}, {"path", path}, {"responses", {response}}};
    server.control("POST", "/__standin/script", spec.dump());
}

/// The terminal saw none of the escape sequences the server sent, and their neutralised form.
void check_neutralised(const PtyResult& result, const std::string& shown) {
    INFO(result.output);
    CHECK(result.output.find('\x1b') == std::string::npos);
    CHECK(result.output.find('\x07') == std::string::npos);
    CHECK(contains(result.output, shown));
}

}  // namespace

TEST_CASE("e2e: plain http to a remote host is refused on every transport, before any connection") {
    const TokenEnv env;
    for (const auto& args : k_every_transport) {
        INFO("hyperoru " + joined(args));
        std::vector<std::string> line = {"--base-url", "http://remote.example:8080"};
        line.insert(line.end(), args.begin(), args.end());
        const auto r = cli(env, line);
        CHECK(r.rc == 2);
        CHECK(r.out.empty());
        CHECK(r.err == refusal("remote.example") + help_line(args));
    }
}

TEST_CASE("e2e: loopback is decided on the literal host, never on a name that looks or resolves local") {
    StandIn server;
    const TokenEnv env;
    const std::string port = server.base_url().substr(server.base_url().rfind(':'));
    const std::string resolving = loopback_host_name();
    for (const std::string& host : {std::string("127.evil.example"), resolving}) {
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"price", "BTC"}, std::vector<std::string>{"watch", "--count", "1"}}) {
            INFO(host + ": hyperoru " + joined(args));
            std::vector<std::string> line = {"--base-url", "http://" + host + port};
            line.insert(line.end(), args.begin(), args.end());
            const auto r = cli(env, line);
            CHECK(r.rc == 2);
            CHECK(r.out.empty());
            CHECK(r.err == refusal(host) + help_line(args));
        }
    }
    CHECK(server.requests().empty());

    // The name does reach this machine: with --allow-http the same request is served, with a warning.
    const auto allowed =
        cli(env, {"--base-url", "http://" + resolving + port, "--allow-http", "price", "BTC"});
    CHECK(allowed.rc == 0);
    CHECK(allowed.err ==
          "hyperoru: warning: --allow-http: requests to " + resolving + " are not encrypted\n");
    CHECK(server.requests().size() == 1);

    // IP literals and the exact name localhost are loopback: no refusal, no warning.
    for (const std::string& host : {std::string("127.0.0.1"), std::string("localhost")}) {
        const auto r = cli(env, {"--base-url", "http://" + host + port, "price", "BTC"});
        CHECK(r.rc == 0);
        CHECK(r.err.empty());
    }
}

TEST_CASE("e2e: on a terminal, no server text can drive it, whatever path it takes") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_standin_token).set("HYPERORU_BASE_URL", server.base_url());
    const std::string evil = "A\x1b[2J\x1b]0;pwned\x07Z";
    const std::string shown = "A\\x1B[2J\\x1B]0;pwned\\x07Z";

    SECTION("table") {
        script(server, "GET", "/api/account/list", {{"json", {{{"id", 1}, {"name", evil}}}}});
        check_neutralised(cli_pty(env, {"account", "list"}), shown);
    }
    SECTION("a text body") {
        script(server, "GET", "/api/health",
               {{"body", evil + "\n"}, {"headers", {{"Content-Type", "text/plain"}}}});
        check_neutralised(cli_pty(env, {"api", "/api/health"}), shown);
    }
    SECTION("the developer guide") {
        script(server, "GET", "/api/programs/dev-guide", {{"json", {{"guide", "# Guide\n" + evil + "\n"}}}});
        const auto r = cli_pty(env, {"program", "dev-guide"});
        check_neutralised(r, "# Guide\n" + shown + "\n");
    }
    SECTION("SSE token data that is not JSON") {
        script(server, "POST", "/api/hyper-ai/chat",
               {{"body", "event: token\ndata: " + evil + "\n\nevent: done\ndata: [DONE]\n\n"},
                {"headers", {{"Content-Type", "text/event-stream"}}}});
        check_neutralised(cli_pty(env, {"ai", "chat", "hello"}), shown);
    }
    SECTION("a watch line") {
        std::thread pusher([&] {
            server.control("GET", "/__standin/ws-log?count=1");
            server.control(
                "POST", "/__standin/ws/push",
                nlohmann::json{{"messages", {evil, nlohmann::json{{"type", evil}}.dump()}}}.dump());
        });
        const auto r =
            cli_pty(env, {"watch", "--count", "2"});  // the two pushes; the reply to subscribe is not counted
        pusher.join();
        check_neutralised(r, "?  " + shown);
        CHECK(contains(r.output, "  " + shown + "\n"));
    }
    SECTION("an error line") {
        script(server, "GET", "/api/users/profile", {{"status", 500}, {"json", {{"error", evil}}}});
        const auto r = cli_pty(env, {"--retries", "0", "profile"});
        CHECK(r.exit_code == 8);
        check_neutralised(r, "hyperoru: error: " + shown);
    }
    SECTION("-v: the server's header lines and reason phrase") {
        script(server, "GET", "/api/health",
               {{"reason", "OK " + evil}, {"headers", {{"X-Evil", evil}}}, {"json", {{"status", "ok"}}}});
        const auto r = cli_pty(env, {"-v", "health"});
        CHECK(r.exit_code == 0);
        check_neutralised(r, "< X-Evil: " + shown);
        CHECK(contains(r.output, "200 OK " + shown));
    }
}

TEST_CASE("e2e: --dry-run shows the very request the command sends, for every command that has it") {
    // Arguments for each command with --dry-run. A command that gains --dry-run without a row
    // here fails the test: every one of them is held to the rule.
    const std::map<std::string, std::vector<std::string>> rows = {
        {"order create",
         {"--account", "1", "--symbol", "BTC", "--side", "buy", "--type", "limit", "--quantity", "0.010",
          "--price", "65000.50"}},
        {"order execute", {"42"}},
        {"order cancel", {"42"}},
        {"order process-all", {}},
        {"account delete", {"1"}},
        {"program delete", {"1"}},
        {"prompt delete", {"1"}},
        {"signal definition delete", {"1"}},
        {"factor delete", {"a/b"}},
    };
    std::set<std::string> with_dry_run;
    for (const std::string& path : hyperoru::cli::command_paths()) {
        std::vector<std::string> args;
        std::istringstream words(path);
        for (std::string word; words >> word;) args.push_back(word);
        args.emplace_back("--help");
        const auto help = cli(Env{}, args);
        if (contains(help.out, "--dry-run")) with_dry_run.insert(path);
    }
    std::set<std::string> covered;
    for (const auto& [path, args] : rows) covered.insert(path);
    CHECK(with_dry_run == covered);

    for (const auto& [path, extra] : rows) {
        INFO("hyperoru " + path);
        StandIn server;
        seed(server, k_two_orders);
        const TokenEnv env;
        std::vector<std::string> args = at(server, {});
        std::istringstream words(path);
        for (std::string word; words >> word;) args.push_back(word);
        args.insert(args.end(), extra.begin(), extra.end());

        auto dry = args;
        dry.emplace_back("--dry-run");
        const auto shown = cli(env, dry);
        REQUIRE(shown.rc == 0);
        CHECK(server.requests().empty());
        auto yes = args;
        yes.emplace_back("--yes");
        cli(env, yes);  // whatever the server answers, the request is in its log
        const auto sent = server.requests();
        REQUIRE(sent.size() == 1);

        // The dry run as the log would show it: the token stands where it printed <redacted>.
        const LoggedRequest& r = sent.front();
        std::string expected =
            r.method + " " + server.base_url() + r.path + (r.query.empty() ? "" : "?" + r.query) + "\n";
        for (const char* name : {"Accept", "Authorization", "Content-Type"}) {
            if (const auto value = r.header(name)) {
                expected +=
                    std::string(name) + ": " +
                    (std::string(name) == "Authorization" ? std::string("Bearer <redacted>") : *value) + "\n";
            }
        }
        CHECK(r.header("Authorization") == k_auth);
        if (!r.body.empty()) expected += "\n" + r.body + "\n";
        CHECK(shown.out == expected);
    }
}
