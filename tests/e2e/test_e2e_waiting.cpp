// End-to-end: what the real binary shows on a terminal while a person waits: a notice for each
// retry, a spinner for a slow call, and a final network error that says what was tried and what
// to check. Off a terminal, none of the notices.
#include <regex>

#include "e2e/e2e.hpp"

namespace {

using namespace e2e;

/// Queues `responses` (a JSON array text) for GET `path` on the stand-in.
void script_get(StandIn& server, const std::string& path, const std::string& responses) {
    server.script(R"({"method": "GET", "path": ")" + path + R"(", "responses": )" + responses + "}");
}

const std::string k_healthy = "{\n  \"status\": \"healthy\"\n}\n";

}  // namespace

TEST_CASE("e2e: waiting a 503 then the answer: one retry notice on a terminal, none in a pipe") {
    StandIn server;
    const std::string flaky =
        R"([{"status": 503, "headers": {"Retry-After": "0"}}, {"json": {"status": "healthy"}}])";
    const std::vector<std::string> args{"--base-url", server.base_url(), "-o", "json", "health"};
    script_get(server, "/api/health", flaky);
    const auto terminal = cli_pty(Env{}, args);
    CHECK(terminal.exit_code == 0);
    CHECK(terminal.output == "hyperoru: 503 Service Unavailable from 127.0.0.1:" +
                                 std::to_string(server.port()) + "; retrying now (1 of 3)\n" + k_healthy);

    script_get(server, "/api/health", flaky);
    const auto piped = cli(Env{}, args);
    CHECK(piped.rc == 0);
    CHECK(piped.out == k_healthy);
    CHECK(piped.err == "");
}

TEST_CASE("e2e: waiting a slow call shows a spinner saying what it waits for, erased before the answer") {
    StandIn server;
    script_get(server, "/api/health", R"([{"delay": 2, "json": {"status": "healthy"}}])");
    Env env;
    env.set("TERM", "xterm");  // a terminal that can erase a line
    const auto r = cli_pty(env, {"--base-url", server.base_url(), "-o", "json", "health"});
    CHECK(r.exit_code == 0);
    // Frames "\r<frame> GET /api/health ...\033[K", redrawn in place, then "\r\033[K" and the answer.
    CHECK(r.output.starts_with("\r⠋ GET /api/health ...\033[K\r⠙ GET /api/health ...\033[K"));
    const std::string end = "\033[K\r\033[K" + k_healthy;
    CHECK(r.output.ends_with(end));
    const std::string frames = r.output.substr(0, r.output.size() - k_healthy.size() - 4);
    CHECK(
        std::regex_match(frames, std::regex("(\r(⠋|⠙|⠹|⠸|⠼|⠴|⠦|⠧|⠇|⠏) GET /api/health \\.\\.\\.\033\\[K)+")));
}

TEST_CASE("e2e: waiting connection refused: a notice per retry, then what was tried and what to check") {
    int closed_port = 0;
    {
        const StandIn gone;
        closed_port = gone.port();
    }
    const std::string where = "127\\.0\\.0\\.1:" + std::to_string(closed_port);
    const auto r = cli_pty(
        Env{}, {"--base-url", "http://127.0.0.1:" + std::to_string(closed_port), "--retries", "1", "health"});
    CHECK(r.exit_code == 9);
    // The wait is 1 s plus up to 250 ms of jitter.
    INFO(r.output);
    CHECK(std::regex_match(
        r.output, std::regex("hyperoru: cannot connect to " + where +
                             " \\(connection refused\\); retrying in 1\\.[0-3] s \\(1 of 1\\)\n"
                             "hyperoru: error: cannot connect to " +
                             where +
                             " \\(connection refused\\) after 2 attempts in 1\\.[0-4] s; is the server "
                             "running\\? check --base-url\n")));
}
