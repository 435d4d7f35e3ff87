#pragma once
// Shared by the end-to-end tests of the commands beyond the core: request expectations with the
// seeded token, seeding, and a table-driven checker for command rows.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "e2e/e2e.hpp"

namespace e2e_resources {

using namespace e2e;

inline const std::string k_auth = bearer(k_standin_token);

/// A request with the seeded token; a body (and so a Content-Type) only when `body` is given.
inline Expect req(std::string method, std::string target, std::string body = {}) {
    std::optional<std::string> type;
    if (!body.empty()) type = "application/json";
    return {std::move(method), std::move(target), k_auth, std::move(type), std::move(body)};
}

inline std::vector<std::string> at(const StandIn& server, std::vector<std::string> args) {
    args.insert(args.begin(), {"--base-url", server.base_url()});
    return args;
}

inline std::string joined(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& arg : args) text += (text.empty() ? "" : " ") + arg;
    return text;
}

struct TokenEnv : Env {
    TokenEnv() { set("HYPERORU_TOKEN", k_standin_token); }
};

/// POST /__standin/seed `spec`, through Python's urllib (not through hyperoru).
inline void seed(const StandIn& server, const std::string& spec) {
    const auto r =
        run(Env{}, {HYPERORU_PYTHON, "-c",
                    "import sys, urllib.request as u\n"
                    "u.urlopen(u.Request(sys.argv[1], sys.argv[2].encode(), method='POST')).read()",
                    server.base_url() + "/__standin/seed", spec});
    REQUIRE(r.rc == 0);
}

inline const std::string k_two_orders = R"({"kind": "orders", "count": 2})";
inline const std::string k_order_42 =
    R"({"id":42,"account_id":1,"symbol":"BTC","side":"buy","order_type":"market","quantity":0.01,)"
    R"("status":"pending"})"
    "\n";

/// The seeded visible account as one ndjson line, with its name and max_leverage.
inline std::string main_account(const std::string& name = "Main Account", const std::string& leverage = "3") {
    return R"({"id":1,"user_id":1,"name":")" + name +
           R"(","model":"gpt-4o","account_type":"prompt","initial_capital":1000.0,"current_cash":1000.0,)"
           R"("frozen_cash":0.0,"is_active":true,"show_on_dashboard":true,"hyperliquid_enabled":false,)"
           R"("hyperliquid_environment":"mainnet","default_leverage":1,"max_leverage":)" +
           leverage + "}";
}

/// Each text followed by a newline: the lines of an ndjson output.
inline std::string lines(std::initializer_list<std::string> items) {
    std::string text;
    for (const auto& item : items) text += item + "\n";
    return text;
}

/// One command against the seeded state: its exact request and exact stdout (ndjson unless the
/// args choose -o). `seed` is sent to /__standin/seed first; `input` is the command's stdin.
struct Row {
    std::vector<std::string> args;
    Expect request;
    std::optional<std::string> out;  ///< nullopt: not compared
    std::string seed = {};
    std::string input = {};
};

inline void check_rows(const std::vector<Row>& rows) {
    StandIn server;
    const TokenEnv env;
    for (const auto& row : rows) {
        INFO("hyperoru " + joined(row.args));
        server.reset();
        if (!row.seed.empty()) seed(server, row.seed);
        auto args = row.args;
        if (args.front() != "-o") args.insert(args.begin(), {"-o", "ndjson"});
        const auto r = cli(env, at(server, args), row.input);
        CHECK(r.rc == 0);
        if (row.out) CHECK(r.out == *row.out);
        CHECK(r.err.empty());  // mutations too: the stand-in never sends a request_id on success
        CHECK(describe(server.requests()) == describe({row.request}));
    }
}

}  // namespace e2e_resources
