// End-to-end: what happens to output that cannot be written. A reader that goes away (`| head`)
// ends the command quietly (SIGPIPE is handled, not fatal); a full disk is an error, not a
// silent success; a full non-blocking pipe loses nothing. And concurrent logins never lose a
// context from the config file.
#include <nlohmann/json.hpp>

#include <signal.h>

#include <set>
#include <sstream>
#include <thread>

#include "e2e/resources.hpp"

using namespace e2e_resources;

namespace {

/// A bash script, with $HYPERORU naming the binary under test.
Result shell(Env& env, const std::string& script) {
    env.set("HYPERORU", HYPERORU_BINARY);
    return run(env, {"/bin/bash", "-c", script}, "", 60s);
}

/// 2 000 seeded accounts: about 1 MB of NDJSON, far more than a pipe holds.
void seed_many(const StandIn& server) {
    seed(server, R"({"kind": "accounts", "count": 2000})");
}

}  // namespace

TEST_CASE("e2e: a full disk is an error, exit 1, not a silent success") {
    StandIn server;
    TokenEnv env;
    env.set("URL", server.base_url());
    const Result version = shell(env, R"("$HYPERORU" --version >/dev/full)");
    CHECK(version.rc == 1);
    CHECK(version.out.empty());
    CHECK(version.err == "hyperoru: error: cannot write to standard output: No space left on device\n");

    const Result list = shell(env, R"("$HYPERORU" --base-url "$URL" account list -o json >/dev/full)");
    CHECK(list.rc == 1);
    CHECK(list.err == "hyperoru: error: cannot write to standard output: No space left on device\n");

    // A command that already failed keeps its own exit code.
    const Result missing =
        shell(env, R"("$HYPERORU" --base-url "$URL" account strategy 999 >/dev/full; echo "rc=$?" >&2)");
    CHECK(missing.err.ends_with("rc=6\n"));
}

TEST_CASE("e2e: a reader that goes away ends the command quietly with exit 0, in every format") {
    StandIn server;
    TokenEnv env;
    env.set("URL", server.base_url());
    seed_many(server);
    for (const std::string format : {"ndjson", "json", "table", "raw"}) {
        INFO(format);
        env.set("FORMAT", format);
        // Without SIGPIPE handled, hyperoru dies of the signal and bash reports 141.
        const Result r =
            shell(env, R"("$HYPERORU" --base-url "$URL" account list --all -o "$FORMAT" | head -c 10;)"
                       R"( echo " rc=${PIPESTATUS[0]}")");
        CHECK(r.rc == 0);
        CHECK(r.out.ends_with(" rc=0\n"));
        CHECK(r.out.size() == 10 + std::string(" rc=0\n").size());
        CHECK(r.err.empty());
    }
}

TEST_CASE("e2e: output to a full pipe loses nothing, blocking or non-blocking") {
    StandIn server;
    TokenEnv env;
    seed_many(server);
    const Result expected = cli(env, at(server, {"account", "list", "--all", "-o", "ndjson"}));
    REQUIRE(expected.rc == 0);
    REQUIRE(expected.out.size() > 512 * 1024);

    // A reader slower than the writer, on a one-page pipe. With O_NONBLOCK set on the pipe (as a
    // parent sharing it may do), every write meets EAGAIN many times.
    const char* const reader = R"PY(
import fcntl, os, subprocess, sys, time
nonblocking = sys.argv[1] == "nonblocking"
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: the smallest pipe
if nonblocking:
    fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
child = subprocess.Popen(sys.argv[2:], stdout=w)
os.close(w)
received = bytearray()
while True:
    chunk = os.read(r, 4096)
    if not chunk:
        break
    received += chunk
    time.sleep(0.0005)  # a slow reader: the writer keeps finding the pipe full
sys.stdout.buffer.write(received)
sys.exit(child.wait())
)PY";
    for (const auto& [name, value] : hyperoru::test::python_env()) env.set(name, value);
    for (const std::string mode : {"blocking", "nonblocking"}) {
        INFO(mode);
        const Result r = run(env,
                             {HYPERORU_PYTHON, "-c", reader, mode, HYPERORU_BINARY, "--base-url",
                              server.base_url(), "account", "list", "--all", "-o", "ndjson"},
                             "", 60s);
        CHECK(r.rc == 0);
        CHECK(r.err.empty());
        CHECK(r.out.size() == expected.out.size());
        CHECK(r.out == expected.out);
    }
}

TEST_CASE("e2e: 20 concurrent logins to 20 contexts leave one valid file holding all 20") {
    StandIn server;
    Env env;
    env.set("URL", server.base_url());
    const Result r = shell(env, R"(
        for i in $(seq 1 20); do
            "$HYPERORU" --context "c$i" --base-url "$URL" login --email trader@example.com --password-stdin \
                <<<"secret" >/dev/null 2>&1 &
        done
        failed=0
        for job in $(jobs -p); do wait "$job" || failed=$((failed + 1)); done
        echo "failed=$failed")");
    CHECK(r.out == "failed=0\n");

    const auto config = nlohmann::json::parse(read_text(env.config_file()));
    std::set<std::string> tokens;
    for (int i = 1; i <= 20; ++i) {
        const std::string name = "c" + std::to_string(i);
        INFO(name);
        REQUIRE(config.at("contexts").contains(name));
        tokens.insert(config.at("contexts").at(name).at("session_token").get<std::string>());
    }
    CHECK(tokens.size() == 20);  // each process wrote its own token, none was overwritten
    CHECK(mode_of(env.config_file()) == 0600);
    for (const auto& entry : std::filesystem::directory_iterator(env.config_dir())) {
        const std::string name = entry.path().filename().string();
        CHECK_FALSE(contains(name, ".tmp"));  // no temp file left behind
    }
    // Every stored token works.
    const Result who = cli(env, {"--context", "c7", "profile"});
    CHECK(who.rc == 0);
}

TEST_CASE("e2e: a closed stdout is exit 1, never output into another file; a closed stderr takes no trace") {
    StandIn server;
    TokenEnv env;
    env.set("URL", server.base_url());
    const Result closed = shell(env, R"("$HYPERORU" --base-url "$URL" -o json health >&-)");
    CHECK(closed.rc == 1);
    CHECK(closed.err == "hyperoru: error: standard output is closed\n");
    CHECK(server.requests().size() == 1);

    // With stderr closed, the -v trace goes nowhere (not into the connection's socket): the
    // request the server sees is the plain one, and stdout is exact.
    const Result quiet = shell(env, R"("$HYPERORU" --base-url "$URL" -v -o json health 2>&-)");
    CHECK(quiet.rc == 0);
    CHECK(quiet.out == "{\n  \"status\": \"healthy\"\n}\n");
    CHECK(server.requests().size() == 2);
}

TEST_CASE("e2e: no core dump: the process runs with a core size limit of 0") {
    StandIn server;
    TokenEnv env;
    const auto pid_file = env.dir() / "pid";
    env.set("URL", server.base_url()).set("PID_FILE", pid_file.string());
    // Core dumps allowed (as far as the hard limit goes) before hyperoru starts: it must turn them
    // off itself.
    const std::string script =
        R"sh(ulimit -S -c "$(ulimit -H -c)"; "$HYPERORU" --base-url "$URL" watch & echo $! > "$PID_FILE"; wait $!)sh";
    std::thread watcher([&] { shell(env, script); });
    server.control("GET", "/__standin/ws/state?open=1");
    const std::string pid = read_text(pid_file);
    const std::string limits = read_text("/proc/" + pid.substr(0, pid.find('\n')) + "/limits");
    ::kill(std::stoi(pid), SIGINT);
    watcher.join();
    std::istringstream lines(limits);
    std::string core;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("Max core file size")) core = line;
    }
    INFO(limits);
    CHECK(core.find("Max core file size") == 0);
    std::istringstream fields(core.substr(std::string("Max core file size").size()));
    std::string soft, hard;
    fields >> soft >> hard;
    CHECK(soft == "0");
    CHECK(hard == "0");
    // The shell itself allowed them: the limit of 0 is hyperoru's own doing.
    const Result shell_limit = shell(env, R"sh(ulimit -S -c "$(ulimit -H -c)"; ulimit -S -c)sh");
    CHECK(shell_limit.out != "0\n");
}
