// End-to-end: the fast JSON reader in the real binary. A small answer is read without opening
// the simdjson library (a one-shot command does not pay its loading); a large one opens it and
// prints every number, key and escape exactly, as JSON and as NDJSON.
#include "e2e/e2e.hpp"
#include "hyperoru/exact_json.hpp"

namespace {

using namespace e2e;

/// The dynamic loader's trace of the files a process opens (glibc's LD_DEBUG, on stderr).
bool opened_simdjson(const std::string& err) {
    return err.find("file=libsimdjson.so") != std::string::npos;
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
