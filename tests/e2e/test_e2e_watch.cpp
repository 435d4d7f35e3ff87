// End-to-end: `hyperoru watch` and the one-shot stream commands, the real binary against the
// stand-in's /ws. The child runs on its own thread while the test drives the server through its
// control endpoints; every wait is server-side (ws/state?open=N), never a sleep.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "e2e/e2e.hpp"

using namespace e2e;

namespace {

/// An environment with the seeded token and the stand-in as base URL.
struct TokenEnv : Env {
    explicit TokenEnv(const StandIn& server) {
        set("HYPERORU_TOKEN", k_standin_token).set("HYPERORU_BASE_URL", server.base_url());
    }
};

/// Runs the command on a thread; join() gives its result.
class Background {
public:
    /// `env` must outlive join().
    Background(const Env& env, std::vector<std::string> argv)
        : m_thread([this, &env, argv = std::move(argv)] { m_result = run(env, argv, "", 60s); }) {}
    Result join() {
        m_thread.join();
        return m_result;
    }

private:
    Result m_result;
    std::thread m_thread;
};

std::vector<std::string> ws_log_texts(const StandIn& server) {
    std::vector<std::string> texts;
    for (const auto& entry : nlohmann::json::parse(server.control("GET", "/__standin/ws-log"))) {
        if (entry.contains("text")) texts.push_back(entry.at("text").get<std::string>());
    }
    return texts;
}

/// The stand-in's reply to the default subscription as watch prints it off a terminal, like every
/// server message: one line of compact JSON (the stand-in sends it with spaces after ':' and ',').
/// It is printed first, but as a reply to our own subscribe it is not one of the updates that
/// --count counts.
const std::string k_subscribed =
    R"({"type":"subscribed","request_id":"1","data":{"channels":["trades","positions","model_chat","asset_curve"]}})";

const std::string k_subscribe_all =
    R"({"type":"subscribe","request_id":"1","data":{"channels":["trades","positions","model_chat","asset_curve"]}})";

using Steady = std::chrono::steady_clock;

/// The kinds of POST /__standin/ws/flood.
const std::vector<std::string> k_flood_kinds{"empty-fragments", "pings", "pongs"};

/// Floods every connection, and each one accepted meanwhile, for `seconds`.
void flood(const StandIn& server, const std::string& kind, int seconds) {
    server.control("POST", "/__standin/ws/flood",
                   R"({"kind": ")" + kind + R"(", "seconds": )" + std::to_string(seconds) + "}");
}

/// What watch reports when it drops a connection for that kind of flood.
std::string flood_notice(const std::string& kind) {
    return "hyperoru: connection lost: " +
           std::string(kind == "empty-fragments"
                           ? "a message made no progress over 200 reads of empty frames in a row"
                           : "the server sent more than 100 control frames");
}

}  // namespace

TEST_CASE("e2e: watch prints each pushed message as one line of compact JSON, numbers and text exact") {
    StandIn server;
    const TokenEnv env(server);
    Background watch(env, {HYPERORU_BINARY, "watch", "--count", "3"});
    server.control("GET", "/__standin/ws-log?count=1");
    server.control(
        "POST", "/__standin/ws/push",
        R"({"messages": ["{\"type\":  \"trades\",\n \"price\": 67012.50}", "{\"type\":\"x\",\"t\":\"caf\u00e9\"}", "plain text"]})");
    const Result r = watch.join();
    CHECK(r.rc == 0);
    CHECK(
        r.out ==
        k_subscribed +
            "\n{\"type\":\"trades\",\"price\":67012.50}\n{\"type\":\"x\",\"t\":\"café\"}\n\"plain text\"\n");
    CHECK(r.err.empty());
    CHECK(ws_log_texts(server) == std::vector<std::string>{k_subscribe_all});
    const auto upgrades = server.requests();
    REQUIRE(upgrades.size() == 1);
    CHECK(upgrades[0].path == "/ws");
    CHECK(upgrades[0].query == std::string("session_token=") + k_standin_token);
}

TEST_CASE("e2e: watch keeps the order of 10 000 messages") {
    StandIn server;
    const TokenEnv env(server);
    Background watch(env, {HYPERORU_BINARY, "watch", "trades", "--count", "10000"});
    server.control("GET", "/__standin/ws-log?count=1");
    server.control("POST", "/__standin/ws/push-many", R"({"count": 10000, "type": "trades"})");
    const Result r = watch.join();
    REQUIRE(r.rc == 0);
    std::istringstream lines(r.out);
    std::string line;
    REQUIRE(std::getline(lines, line));  // the reply to subscribe comes first (not counted)
    CHECK(line == R"({"type":"subscribed","request_id":"1","data":{"channels":["trades"]}})");
    int expected = 0;
    while (std::getline(lines, line)) {
        ++expected;
        const auto message = nlohmann::json::parse(line);
        if (message.at("seq") != expected) {
            FAIL("message " << expected << " out of order: " << line);
        }
    }
    CHECK(expected == 10000);
}

TEST_CASE("e2e: watch reconnects after a drop and subscribes again") {
    StandIn server;
    const TokenEnv env(server);
    Background watch(env, {HYPERORU_BINARY, "watch", "--account", "1", "--count", "2"});
    server.control("GET", "/__standin/ws-log?count=2");
    server.control("POST", "/__standin/ws/push", R"({"messages": ["{\"n\":1}"]})");
    server.control("POST", "/__standin/ws/drop", "{}");
    server.control("GET", "/__standin/ws/state?accepted=2");
    server.control("GET", "/__standin/ws-log?count=4");
    server.control("POST", "/__standin/ws/push", R"({"messages": ["{\"n\":2}"]})");
    const Result r = watch.join();
    CHECK(r.rc == 0);
    const std::string switched = R"({"type":"account_switched","request_id":"2","data":{"account_id":1}})";
    CHECK(r.out == k_subscribed + "\n" + switched + "\n{\"n\":1}\n" + k_subscribed + "\n" + switched +
                       "\n{\"n\":2}\n");
    CHECK(contains(r.err, "hyperoru: connection lost: "));
    CHECK(contains(r.err, "hyperoru: reconnected after "));
    const std::string switch_account =
        R"({"type":"switch_account","request_id":"2","data":{"account_id":1}})";
    const auto log = ws_log_texts(server);
    CHECK(log == std::vector<std::string>{k_subscribe_all, switch_account, k_subscribe_all, switch_account});
}

TEST_CASE("e2e: watch with a rejected token exits 4 after one attempt") {
    StandIn server;
    TokenEnv env(server);
    env.set("HYPERORU_TOKEN", "hs_wrong");
    const Result r = cli(env, {"watch"});
    CHECK(r.rc == 4);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "hyperoru: error: the stream rejected the token ("));
    CHECK(!contains(r.err, "hs_wrong"));
    CHECK(server.requests().size() == 1);
}

TEST_CASE("e2e: watch ends quietly with exit 0 when stdout closes") {
    StandIn server;
    TokenEnv env(server);
    env.set("HYPERORU", HYPERORU_BINARY);
    Background pipeline(env,
                        {"/bin/bash", "-c", R"("$HYPERORU" watch | head -1; echo "rc=${PIPESTATUS[0]}")"});
    server.control("GET", "/__standin/ws-log?count=1");
    // More than a pipe buffer: writes must fail once head has gone.
    server.control("POST", "/__standin/ws/push-many", R"({"count": 2000, "type": "trades"})");
    const Result r = pipeline.join();
    CHECK(r.rc == 0);
    CHECK(r.out == k_subscribed + "\nrc=0\n");
    CHECK(r.err.empty());
}

TEST_CASE("e2e: Ctrl-C sends a close frame and exits 130") {
    StandIn server;
    TokenEnv env(server);
    const auto pid_file = env.dir() / "pid";
    env.set("HYPERORU", HYPERORU_BINARY).set("PID_FILE", pid_file.string());
    Background shell(
        env, {"/bin/bash", "-c", R"("$HYPERORU" watch & echo $! > "$PID_FILE"; wait $!; echo "rc=$?")"});
    server.control("GET", "/__standin/ws/state?open=1");
    const pid_t pid = std::stoi(read_text(pid_file));
    REQUIRE(::kill(pid, SIGINT) == 0);
    const Result r = shell.join();
    // The reply to subscribe may or may not have been printed before the signal.
    CHECK(r.out.ends_with("rc=130\n"));
    // The client closed the connection properly: the server has none open.
    CHECK(server.control("GET", "/__standin/ws/state?open=0").find("\"open\": 0") != std::string::npos);
}

// A server that floods (empty fragments that never end a message, pings, pongs) used to keep
// watch busy until it stopped: --duration and Ctrl-C were ignored meanwhile. The floods last far
// longer than the limits checked here, so only a client that keeps its deadlines passes.
TEST_CASE("e2e: watch --duration ends on time while the server floods, dropping each flooding connection") {
    for (const auto& kind : k_flood_kinds) {
        DYNAMIC_SECTION(kind) {
            StandIn server;
            const TokenEnv env(server);
            flood(server, kind, 10);  // the connection is flooded from its first frame on
            const auto start = Steady::now();
            const Result r = cli(env, {"watch", "--duration", "1"});
            const auto elapsed = Steady::now() - start;
            CHECK(r.rc == 0);
            CHECK(elapsed >= 1s);
            CHECK(elapsed < 2500ms);
            INFO(r.err);
            CHECK(contains(r.err, flood_notice(kind)));
        }
    }
}

TEST_CASE("e2e: Ctrl-C ends watch within a second while the server floods, watch reconnecting meanwhile") {
    for (const auto& kind : k_flood_kinds) {
        DYNAMIC_SECTION(kind) {
            StandIn server;
            TokenEnv env(server);
            const auto pid_file = env.dir() / "pid";
            env.set("HYPERORU", HYPERORU_BINARY).set("PID_FILE", pid_file.string());
            Background shell(env, {"/bin/bash", "-c",
                                   R"("$HYPERORU" watch & echo $! > "$PID_FILE"; wait $!; echo "rc=$?")"});
            server.control("GET", "/__standin/ws-log?count=1");
            flood(server, kind, 20);
            // The flooding connection is dropped and another one made (and flooded in turn).
            const auto state = nlohmann::json::parse(server.control("GET", "/__standin/ws/state?accepted=2"));
            CHECK(state.at("accepted").get<int>() >= 2);
            const pid_t pid = std::stoi(read_text(pid_file));
            const auto start = Steady::now();
            REQUIRE(::kill(pid, SIGINT) == 0);
            const Result r = shell.join();
            const auto elapsed = Steady::now() - start;
            CHECK(r.out.ends_with("rc=130\n"));
            CHECK(elapsed < 1500ms);
            INFO(r.err);
            CHECK(contains(r.err, flood_notice(kind)));
        }
    }
}

TEST_CASE("e2e: snapshot, asset-curve, ws bootstrap and ws request") {
    StandIn server;
    const TokenEnv env(server);
    Result r = cli(env, {"snapshot", "1"});
    CHECK(r.rc == 0);
    CHECK(r.out ==
          "{\n  \"equity\": 10000.0,\n  \"positions\": [\n    {\n      \"symbol\": \"BTC\",\n      \"side\": "
          "\"long\",\n      \"size\": 0.05,\n      \"unrealized_pnl\": 75.0\n    }\n  ]\n}\n");
    r = cli(env, {"ws", "bootstrap", "-o", "ndjson"});
    CHECK(r.rc == 0);
    CHECK(r.out ==
          "{\"accounts\":[{\"id\":1,\"name\":\"Main Account\"}],\"positions\":[],\"active_orders\":[]}\n");
    r = cli(env, {"asset-curve", "1", "-o", "raw"});
    CHECK(r.rc == 0);
    CHECK(contains(r.out, R"("type": "asset_curve", "request_id": "1")"));
    CHECK(contains(r.out, "10012.50"));
    r = cli(env, {"snapshot", "99"});
    CHECK(r.rc == 1);
    CHECK(r.err == "hyperoru: error: Account not found (code ACCOUNT_NOT_FOUND)\n");
    r = cli(env, {"ws", "request", "nope"});
    CHECK(r.rc == 1);
    CHECK(r.err == "hyperoru: error: unknown message type: nope (code UNKNOWN_TYPE)\n");
    CHECK(ws_log_texts(server) ==
          std::vector<std::string>{
              R"({"type":"get_snapshot","request_id":"1","data":{"account_id":1}})",
              R"({"type":"bootstrap","request_id":"1"})",
              R"({"type":"get_asset_curve","request_id":"1","data":{"account_id":1,"timeframe":"7d"}})",
              R"({"type":"get_snapshot","request_id":"1","data":{"account_id":99}})",
              R"({"type":"nope","request_id":"1"})"});
}

TEST_CASE("e2e: watch -v never shows the token, even in the WebSocket URL") {
    StandIn server;
    const TokenEnv env(server);
    Background watch(env, {HYPERORU_BINARY, "-v", "watch", "--count", "1"});
    server.control("GET", "/__standin/ws-log?count=1");
    server.control("POST", "/__standin/ws/push", R"({"messages": ["{\"n\":1}"]})");
    const Result r = watch.join();
    CHECK(r.rc == 0);
    CHECK(r.out == k_subscribed + "\n{\"n\":1}\n");
    CHECK(contains(r.err, "session_token=<redacted>"));
    CHECK(!contains(r.err, k_standin_token));
    CHECK(!contains(r.out, k_standin_token));
}

TEST_CASE("e2e: watch against a server that accepts and closes at once backs off, never a storm") {
    StandIn server;
    server.control("POST", "/__standin/ws/flap", R"({"on": true})");
    const TokenEnv env(server);
    const Result r = cli(env, {"watch", "--duration", "15s"}, "", 30s);
    CHECK(r.rc == 0);
    const auto accepted = nlohmann::json::parse(server.control("GET", "/__standin/ws/state")).at("accepted");
    INFO(r.err);
    // A backoff that restarted at every upgrade would reconnect within 1 s each time: 15 or more
    // connections in 15 s. Growing (full jitter up to 1, 2, 4, 8, 16, then 30 s), it leaves room
    // for about 7; 12 would need eleven draws summing under 15 s, six of them from [0, 30 s].
    CHECK(accepted.get<int>() >= 2);
    CHECK(accepted.get<int>() < 12);
}
