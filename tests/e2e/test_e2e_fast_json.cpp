// End-to-end: large answers in the real binary. A small answer is read without opening the
// simdjson library (a one-shot command does not pay its loading); a large one opens it and
// prints every number, key and escape exactly, as JSON and as NDJSON. -o raw streams the body
// to stdout as it arrives: retried after a 503, refused whole when it is not JSON, and in flat
// memory.
#include <fstream>

#include "e2e/e2e.hpp"
#include "hyperoru/exact_json.hpp"

namespace {

using namespace e2e;

/// The dynamic loader's trace of the files a process opens (glibc's LD_DEBUG, on stderr).
bool opened_simdjson(const std::string& err) {
    return err.find("file=libsimdjson.so") != std::string::npos;
}

/// Peak resident memory of `args` in kilobytes, and its result, through GNU time.
std::pair<long, Result> peak_kb(const Env& env, std::vector<std::string> args) {
    const auto report = env.dir() / "time.txt";
    args.insert(args.begin(), {"/usr/bin/time", "-f", "%M", "-o", report.string(), HYPERORU_BINARY});
    Result result = run(env, std::move(args));
    std::ifstream in(report);
    long kb = 0;
    in >> kb;
    return {kb, result};
}

}  // namespace

TEST_CASE("e2e: simdjson is opened for a large answer only, and the large answer prints exactly") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_standin_token).set("LD_DEBUG", "files");

    const auto small = cli(env, {"--base-url", server.base_url(), "price", "BTC"});
    CHECK(small.rc == 0);
    CHECK(small.out.find("\"price\"") != std::string::npos);
    CHECK_FALSE(opened_simdjson(small.err));

    // About 400 KB: past the 64 KiB after which the library is opened.
    std::string body = "[";
    std::string pretty = "[";
    std::string lines;
    for (int i = 0; i < 3000; ++i) {
        const std::string id = std::to_string(i);
        body += std::string(i ? ", " : "") + R"({"id": )" + id +
                R"(, "price": 67012.50, "qty": 0.00000012, "big": 123456789012345678901234567890,)"
                R"( "zero": -0, "huge": 1e400, "s": "caf\u00e9 \"q\" \/", "api_key": "sk-)" +
                id + R"(", "z": 1, "z": []})";
        pretty +=
            std::string(i ? "," : "") + "\n  {\n    \"id\": " + id +
            ",\n    \"price\": 67012.50,\n    \"qty\": 0.00000012,\n    \"big\": "
            "123456789012345678901234567890,\n    \"zero\": -0,\n    \"huge\": 1e400,\n    \"s\": "
            "\"caf\xC3\xA9 \\\"q\\\" /\",\n    \"api_key\": \"********\",\n    \"z\": 1,\n    \"z\": []\n  }";
        lines += R"({"id":)" + id +
                 R"(,"price":67012.50,"qty":0.00000012,"big":123456789012345678901234567890,"zero":-0,)"
                 R"("huge":1e400,"s":"caf)"
                 "\xC3\xA9"
                 R"( \"q\" /","api_key":"********","z":1,"z":[]})"
                 "\n";
    }
    body += "]";
    pretty += "\n]\n";
    REQUIRE(body.size() > 300000);
    const std::string response =
        R"({"headers": {"Content-Type": "application/json"}, "body": )" + hyperoru::json::quote(body) + "}";
    server.script(R"({"method": "GET", "path": "/api/account/list", "responses": [)" + response + "," +
                  response + "]}");

    const auto json = cli(env, {"--base-url", server.base_url(), "-o", "json", "account", "list"});
    CHECK(json.rc == 0);
    CHECK(json.out == pretty);
    CHECK(opened_simdjson(json.err));

    const auto ndjson = cli(env, {"--base-url", server.base_url(), "-o", "ndjson", "account", "list"});
    CHECK(ndjson.rc == 0);
    CHECK(ndjson.out == lines);
    CHECK(opened_simdjson(ndjson.err));
}

TEST_CASE("e2e: -o raw streams a large answer in flat memory, retried after a 503, refused if not JSON") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_standin_token);
    std::string body = "[";
    while (body.size() < 16'000'000) body += R"({"id": 1, "price": 67012.50, "qty": 0.00000012},)";
    body += "1]";
    const std::string busy = R"({"status": 503, "headers": {"Retry-After": "0"}, "body": "busy"})";
    const std::string big =
        R"({"headers": {"Content-Type": "application/json"}, "body": )" + hyperoru::json::quote(body) + "}";
    const std::string small = R"({"json": [1]})";
    server.script(R"({"method": "GET", "path": "/api/account/list", "responses": [)" + small + "," + busy +
                  "," + big + "]}");
    const std::vector<std::string> args{"--base-url", server.base_url(), "-o", "raw", "account", "list"};

    const auto [small_kb, small_run] = peak_kb(env, args);
    CHECK(small_run.rc == 0);
    CHECK(small_run.out == "[1]");
    const auto [big_kb, big_run] = peak_kb(env, args);
    CHECK(big_run.rc == 0);
    CHECK(big_run.err.empty());
    CHECK(big_run.out == body);  // once: the 503's body was never printed, the retry's in full
    // Held whole, the body alone would add 16 MB; streamed, the peak barely moves.
    INFO("peak " << small_kb << " kB for [1], " << big_kb << " kB for 16 MB");
    CHECK(big_kb - small_kb < 4000);
    CHECK(server.requests().size() == 3);  // [1], the 503, its retry

    server.script(R"({"method": "GET", "path": "/api/account/list", "responses": [)"
                  R"({"headers": {"Content-Type": "text/html"}, "body": "<html>portal</html>"}]})");
    const auto page = cli(env, args);
    CHECK(page.rc == 10);
    CHECK(page.out.empty());
    CHECK(page.err ==
          "hyperoru: error: invalid response: expected JSON, got text/html: <html>portal</html>\n");
}

TEST_CASE("e2e: -o raw is never sent again once part of the body was printed; a collected body is") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_standin_token);
    const std::string body = R"([{"id": 1, "price": 67012.50}, {"id": 2, "price": 0.00000012}, {"id": 3}])";
    const std::string cut =
        R"({"headers": {"Content-Type": "application/json"}, "action": "close_mid_body", "body": )" +
        hyperoru::json::quote(body) + "}";
    const std::string whole = R"({"json": [9]})";
    server.script(R"({"method": "GET", "path": "/api/account/list", "responses": [)" + cut + "]}");
    const std::vector<std::string> base{"--base-url", server.base_url(), "account", "list"};

    std::vector<std::string> raw_args{"-o", "raw"};
    raw_args.insert(raw_args.end(), base.begin(), base.end());
    const auto raw = cli(env, raw_args);
    CHECK(raw.rc == 9);
    CHECK(raw.out == body.substr(0, body.size() / 2));  // what came, once
    CHECK(server.requests().size() == 1);

    server.script(R"({"method": "GET", "path": "/api/account/list", "responses": [)" + cut + "," + whole +
                  "]}");
    std::vector<std::string> json_args{"-o", "json"};
    json_args.insert(json_args.end(), base.begin(), base.end());
    const auto json = cli(env, json_args);
    CHECK(json.rc == 0);
    CHECK(json.out == "[\n  9\n]\n");
    CHECK(server.requests().size() == 3);  // the cut answer, then its retry
}
