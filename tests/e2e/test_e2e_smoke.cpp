// End-to-end: the real binary's version, help, health and price against the stand-in, and the
// README's offline demo script.
#include "e2e/e2e.hpp"

namespace {

using namespace e2e;

const std::string k_token = k_standin_token;

const std::string k_btc_json =
    "{\n"
    "  \"symbol\": \"BTC\",\n"
    "  \"price\": 67012.50,\n"
    "  \"timestamp\": \"2026-11-25T12:00:00Z\"\n"
    "}\n";

std::string price_query(const std::string& symbol) {
    return "/api/crypto/price?symbol=" + symbol;
}

}  // namespace

TEST_CASE("e2e: --version prints the version and exits 0") {
    const Env env;
    const auto r = cli(env, {"--version"});
    CHECK(r.rc == 0);
    CHECK(r.out == "hyperoru 0.1.0\n");
    CHECK(r.err.empty());
}

TEST_CASE("e2e: --help lists every command and the exit codes") {
    const Env env;
    const auto r = cli(env, {"--help"});
    CHECK(r.rc == 0);
    CHECK(r.err.empty());
    CHECK(contains(r.out, "Usage: hyperoru [OPTIONS] SUBCOMMAND\n"));
    for (const char* line :
         {"  health                      Check that the API is up (GET /api/health; no login needed)\n",
          "  profile                     Show the logged-in user (GET /api/users/profile)\n",
          "  price                       Current price of one or more coins (GET /api/crypto/price)\n",
          "  login                       Log in and save the session token (POST /api/users/login)\n",
          "  logout                      Revoke the session token on the server and delete it locally\n",
          "  auth                        Show the login state or the token\n",
          "  account                     AI traders (accounts): list, create, update, delete, overview, "
          "strategy\n",
          "  order                       Orders: create, list, execute, cancel, process-all\n"}) {
        CHECK(contains(r.out, line));
    }
    CHECK(contains(r.out,
                   "Exit codes:\n"
                   "  0 success  1 other error  2 usage  3 request rejected (400, 409, 422, other 4xx)\n"
                   "  4 not authenticated (no token, 401)  5 forbidden (403)  6 not found (404)\n"
                   "  7 rate limited (429 after retries)  8 server error (5xx after retries)\n"
                   "  9 network, TLS or timeout  10 invalid response\n"
                   "  11 stopped at a limit (--max-pages, the size cap of --all)  130 interrupted\n"));
}

TEST_CASE("e2e: --help documents the offline sandbox, the environment and the files") {
    const Env env;
    const auto r = cli(env, {"--help"});
    CHECK(r.rc == 0);
    CHECK(r.err.empty());
    CHECK(contains(
        r.out,
        "\n\nExamples:\n"
        "  hyperoru login --email you@example.com\n"
        "  hyperoru account list\n"
        "  hyperoru price BTC --fields price -o ndjson\n"
        "\n"
        "Offline sandbox:\n"
        "  hyperoru-sandbox (installed next to hyperoru; --help lists its options) serves the whole\n"
        "  API on 127.0.0.1 with demo data (a user, two traders, prices, candles, orders, a\n"
        "  WebSocket push every 3 s), for trying commands and scripts without an account or a\n"
        "  network. A context of its own leaves your production login untouched; the password is\n"
        "  secret:\n"
        "    hyperoru-sandbox --port 8080 &\n"
        "    hyperoru --context sandbox --base-url http://127.0.0.1:8080 login --email trader@example.com\n"
        "    hyperoru --context sandbox order list --user 1\n"
        "\n"
        "Environment:\n"
        "  HYPERORU_TOKEN       session token to use instead of the config file's\n"
        "  HYPERORU_BASE_URL    API base URL (default https://api.production.hyperoru.com)\n"
        "  HYPERORU_CONTEXT     context to use (default: the config file's current_context, else "
        "default)\n"
        "  HYPERORU_CONFIG_DIR  directory of config.json (default $XDG_CONFIG_HOME/hyperoru or "
        "~/.config/hyperoru)\n"
        "  NO_COLOR             disables colour\n"
        "  Precedence: flag > environment > config file > default.\n"
        "\n"
        "Files:\n"
        "  ~/.config/hyperoru/config.json\n"
        "      the contexts, each with its base URL, session token and user, written with mode\n"
        "      0600; in $HYPERORU_CONFIG_DIR instead when set, else in $XDG_CONFIG_HOME/hyperoru\n"
        "      when set\n"
        "  ~/.config/hyperoru/config.json.lock\n"
        "      locked while config.json is rewritten, so concurrent logins never corrupt it\n"
        "\n"
        "Exit codes:\n"));
}

TEST_CASE("e2e: price --help shows an example") {
    const Env env;
    const auto r = cli(env, {"price", "--help"});
    CHECK(r.rc == 0);
    CHECK(r.err.empty());
    CHECK(contains(r.out, "Usage: hyperoru price [OPTIONS] symbols...\n"));
    CHECK(contains(r.out, "\nExample:\n  hyperoru price BTC ETH --fields symbol,price -o ndjson\n"));
}

TEST_CASE("e2e: health prints the body as indented JSON and sends no token") {
    StandIn server;
    const Env env;
    const auto r = cli(env, {"--base-url", server.base_url(), "health"});
    CHECK(r.rc == 0);
    CHECK(r.out == "{\n  \"status\": \"healthy\"\n}\n");
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) == describe({get("/api/health")}));
}

TEST_CASE("e2e: health takes the base URL from HYPERORU_BASE_URL") {
    StandIn server;
    Env env;
    env.set("HYPERORU_BASE_URL", server.base_url());
    const auto r = cli(env, {"health"});
    CHECK(r.rc == 0);
    CHECK(r.out == "{\n  \"status\": \"healthy\"\n}\n");
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) == describe({get("/api/health")}));
}

TEST_CASE("e2e: price BTC keeps the number text exactly") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_token);
    const auto r = cli(env, {"--base-url", server.base_url(), "price", "BTC"});
    CHECK(r.rc == 0);
    CHECK(r.out == k_btc_json);
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) == describe({get(price_query("BTC"), bearer(k_token))}));
}

TEST_CASE("e2e: price uses the token and base URL of a logged-in config") {
    StandIn server({"--login-token", k_login_token});
    const Env env;
    REQUIRE(login(server, env).rc == 0);
    const auto r = cli(env, {"price", "BTC"});
    CHECK(r.rc == 0);
    CHECK(r.out == k_btc_json);
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) ==
          describe({post_json("/api/users/login", std::nullopt,
                              R"({"email":"trader@example.com","password":"secret"})"),
                    get(price_query("BTC"), bearer(k_login_token))}));
}

TEST_CASE("e2e: price of several symbols is one JSON array in order, numbers exact") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_token);
    const auto r = cli(env, {"--base-url", server.base_url(), "price", "BTC", "ETH", "PEPE", "ARB"});
    CHECK(r.rc == 0);
    CHECK(r.out ==
          "[\n"
          "  {\n"
          "    \"symbol\": \"BTC\",\n"
          "    \"price\": 67012.50,\n"
          "    \"timestamp\": \"2026-11-25T12:00:00Z\"\n"
          "  },\n"
          "  {\n"
          "    \"symbol\": \"ETH\",\n"
          "    \"price\": 3450.25,\n"
          "    \"timestamp\": \"2026-11-25T12:00:00Z\"\n"
          "  },\n"
          "  {\n"
          "    \"symbol\": \"PEPE\",\n"
          "    \"price\": 0.00000012,\n"
          "    \"timestamp\": \"2026-11-25T12:00:00Z\"\n"
          "  },\n"
          "  {\n"
          "    \"symbol\": \"ARB\",\n"
          "    \"price\": \"0.8125\",\n"
          "    \"timestamp\": \"2026-11-25T12:00:00Z\"\n"
          "  }\n"
          "]\n");
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) ==
          describe({get(price_query("BTC"), bearer(k_token)), get(price_query("ETH"), bearer(k_token)),
                    get(price_query("PEPE"), bearer(k_token)), get(price_query("ARB"), bearer(k_token))}));
}

TEST_CASE("e2e: price -o ndjson prints one compact object per line") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_token);
    const auto r =
        cli(env, {"--base-url", server.base_url(), "-o", "ndjson", "price", "BTC", "ETH", "PEPE", "ARB"});
    CHECK(r.rc == 0);
    CHECK(r.out ==
          "{\"symbol\":\"BTC\",\"price\":67012.50,\"timestamp\":\"2026-11-25T12:00:00Z\"}\n"
          "{\"symbol\":\"ETH\",\"price\":3450.25,\"timestamp\":\"2026-11-25T12:00:00Z\"}\n"
          "{\"symbol\":\"PEPE\",\"price\":0.00000012,\"timestamp\":\"2026-11-25T12:00:00Z\"}\n"
          "{\"symbol\":\"ARB\",\"price\":\"0.8125\",\"timestamp\":\"2026-11-25T12:00:00Z\"}\n");
    CHECK(r.err.empty());
    CHECK(server.requests().size() == 4);
}

TEST_CASE("e2e: price -o raw prints the response bytes unchanged") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_token);
    const auto r = cli(env, {"--base-url", server.base_url(), "-o", "raw", "price", "PEPE"});
    CHECK(r.rc == 0);
    CHECK(r.out == R"({"symbol": "PEPE", "price": 0.00000012, "timestamp": "2026-11-25T12:00:00Z"})");
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) == describe({get(price_query("PEPE"), bearer(k_token))}));
}

TEST_CASE("e2e: price of an unknown symbol exits 6 with one error line") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_token);
    const auto r = cli(env, {"--base-url", server.base_url(), "price", "XYZ"});
    CHECK(r.rc == 6);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: Unknown symbol: XYZ (HTTP 404, code SYMBOL_NOT_FOUND, request_id req_000001)\n");
    CHECK(describe(server.requests()) == describe({get(price_query("XYZ"), bearer(k_token))}));
}

TEST_CASE("e2e: price stops at the first failure with nothing on stdout") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_token);
    const auto r = cli(env, {"--base-url", server.base_url(), "price", "BTC", "XYZ", "ETH"});
    CHECK(r.rc == 6);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: Unknown symbol: XYZ (HTTP 404, code SYMBOL_NOT_FOUND, request_id req_000001)\n");
    CHECK(describe(server.requests()) ==
          describe({get(price_query("BTC"), bearer(k_token)), get(price_query("XYZ"), bearer(k_token))}));
}

TEST_CASE("e2e: price on a terminal prints a table") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_token);
    const auto r = cli_pty(env, {"--base-url", server.base_url(), "price", "BTC"});
    CHECK(r.exit_code == 0);
    CHECK(r.output ==
          "SYMBOL  PRICE     TIMESTAMP\n"
          "BTC     67012.50  2026-11-25T12:00:00Z\n");
    CHECK(describe(server.requests()) == describe({get(price_query("BTC"), bearer(k_token))}));
}

TEST_CASE("e2e: the README demo script runs offline") {
    Env env;
    // The script needs python3 and jq from the runner's PATH (python3 may be a pyenv shim).
    if (const char* path = std::getenv("PATH")) env.set("PATH", path);
    for (const char* name : {"PYENV_ROOT", "PYENV_VERSION"}) {
        if (const char* value = std::getenv(name)) env.set(name, value);
    }
    env.set("HYPERORU_BIN", HYPERORU_BINARY);
    const auto r = run(env, {"/bin/bash", std::string(HYPERORU_SOURCE_DIR) + "/scripts/demo.sh"}, "", 60s);
    CHECK(r.rc == 0);
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    // The last step, price BTC off a terminal: the server's JSON, the price's number text kept.
    CHECK(r.out.ends_with("\n  \"price\": 67012.50,\n  \"timestamp\": \"2026-11-25T12:00:00Z\"\n}\n"));
    CHECK(contains(r.out, "\"id\": 3,"));  // the created account, as JSON in the pipe
    CHECK(contains(r.err, "Logged in to http://127.0.0.1:"));
}
