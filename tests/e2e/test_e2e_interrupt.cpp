// End-to-end: Ctrl-C ends the real binary within a second, exit 130, on every path that can wait
// on a server: a request it never answers, an SSE chat that stalls, the wait between the polls
// of `ai stream --follow`. The signal goes out once the stand-in has logged the request (a
// server-side wait, never a sleep); the time is measured from the signal to the exit.
#include <signal.h>

#include <thread>

#include "e2e/resources.hpp"

using namespace e2e_resources;

namespace {

struct Stopped {
    Result result;                           ///< out ends with "rc=<exit code>\n"
    std::chrono::milliseconds after_signal;  ///< from kill() to the exit
};

/// Runs `hyperoru args...` in the background, waits until the stand-in has logged `requests`
/// requests (or, with `ws_open`, until that many WebSockets are open), sends SIGINT and waits for
/// the exit.
Stopped interrupt_after(StandIn& server, const std::vector<std::string>& args, std::size_t requests,
                        bool ws_open = false) {
    TokenEnv env;
    const auto pid_file = env.dir() / "pid";
    env.set("HYPERORU", HYPERORU_BINARY).set("PID_FILE", pid_file.string());
    std::string command = R"("$HYPERORU")";
    for (const auto& arg : at(server, args)) command += " '" + arg + "'";
    Result result;
    std::thread shell([&] {
        result = run(env, {"/bin/bash", "-c", command + R"( & echo $! > "$PID_FILE"; wait $!; echo "rc=$?")"},
                     "", 30s);
    });
    server.control("GET", ws_open ? "/__standin/ws/state?open=" + std::to_string(requests)
                                  : "/__standin/requests?count=" + std::to_string(requests));
    const pid_t pid = std::stoi(read_text(pid_file));
    const auto signalled = std::chrono::steady_clock::now();
    REQUIRE(::kill(pid, SIGINT) == 0);
    shell.join();
    return {result, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                          signalled)};
}

void script(StandIn& server, const std::string& method, const std::string& path,
            const std::string& response) {
    server.script(R"({"method": ")" + method + R"(", "path": ")" + path + R"(", "responses": [)" + response +
                  "]}");
}

}  // namespace

TEST_CASE("e2e: Ctrl-C ends a command within a second with exit 130, whatever it waits for") {
    StandIn server;
    std::vector<std::string> args;
    SECTION("a request the server never answers") {
        script(server, "GET", "/api/health", R"({"delay": 20})");
        args = {"health"};
    }
    SECTION("an SSE chat that stalls after its first event") {
        script(server, "POST", "/api/hyper-ai/chat",
               R"({"headers": {"Content-Type": "text/event-stream"}, "body": "event: done\ndata: [DONE]\n\n",
                   "action": "stall_after_headers", "stall": 20})");
        args = {"ai", "chat", "hello"};
    }
    SECTION("the wait between two polls of ai stream --follow") {
        script(server, "GET", "/api/ai-stream/task-1",
               R"({"json": {"task_id": "task-1", "chunks": [], "is_done": false, "next_cursor": 0}})");
        args = {"ai", "stream", "task-1", "--follow", "--interval", "20"};
    }
    const Stopped stopped = interrupt_after(server, args, 1);
    INFO(stopped.result.err);
    CHECK(stopped.result.out.ends_with("rc=130\n"));
    CHECK(stopped.after_signal < 1s);
}

TEST_CASE("e2e: Ctrl-C ends watch within a second when the server never answers the close frame") {
    StandIn server;
    server.control("POST", "/__standin/ws/silence", R"({"on": true})");  // no reply, no close, nothing
    const Stopped stopped = interrupt_after(server, {"watch"}, 1, true);
    INFO(stopped.result.err);
    CHECK(stopped.result.out.ends_with("rc=130\n"));
    CHECK(stopped.after_signal < 1s);  // the close handshake is given 0.5 s
}
