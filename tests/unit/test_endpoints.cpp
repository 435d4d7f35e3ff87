// The endpoint table: complete, unique, and paths filled safely.
#include <catch2/catch.hpp>

#include <set>

#include "hyperoru/client.hpp"
#include "hyperoru/endpoints.hpp"
#include "hyperoru/errors.hpp"
#include "support/fake_transport.hpp"

using namespace hyperoru;

TEST_CASE("endpoints: all 77 of the contract, names and method+path unique", "[endpoints]") {
    const auto& endpoints = api::all();
    CHECK(endpoints.size() == 77);
    std::set<std::string_view> names;
    std::set<std::string> routes;
    for (const auto* e : endpoints) {
        CHECK(names.insert(e->name).second);
        CHECK(routes.insert(std::string(e->method) + " " + std::string(e->path)).second);
        CHECK(e->path.starts_with("/api/"));
        CHECK(api::find(e->name) == e);
    }
    CHECK(api::find("nope") == nullptr);
    // Only these three are public (§1.2).
    std::vector<std::string_view> public_ones;
    for (const auto* e : endpoints) {
        if (!e->authenticated) public_ones.push_back(e->name);
    }
    CHECK(public_ones == std::vector<std::string_view>{"health", "user.register", "user.login"});
    // Collection routes keep their documented trailing slash (§1.1).
    CHECK(api::account_create.path == "/api/account/");
    CHECK(api::program_signal_pools.path == "/api/programs/signal-pools/");
    CHECK(api::prompt_list.path == "/api/prompts/");
}

TEST_CASE("endpoints: bodyless POSTs send no body (contract 1.3)", "[endpoints]") {
    for (const auto* e : {&api::user_logout, &api::order_execute, &api::order_cancel, &api::order_process_all,
                          &api::prompt_copy}) {
        CHECK(e->method == "POST");
        CHECK_FALSE(e->has_body);
    }
}

TEST_CASE("endpoints: path arguments are percent-encoded segments", "[endpoints]") {
    CHECK(api::expand_path(api::order_cancel, {"42"}) == "/api/orders/cancel/42");
    CHECK(api::expand_path(api::factor_history, {"vol/mom x"}) ==
          "/api/factors/effectiveness/vol%2Fmom%20x/history");
    CHECK(api::expand_path(api::kline_backfill_status, {"../../users"}) ==
          "/api/klines/backfill/status/..%2F..%2Fusers");
    CHECK(api::path_parameters(api::prompt_copy) == std::vector<std::string>{"template_id"});
    CHECK_THROWS_AS(api::expand_path(api::order_cancel, {}), UsageError);
    CHECK_THROWS_AS(api::expand_path(api::order_cancel, {""}), UsageError);
    CHECK_THROWS_AS(api::expand_path(api::health, {"x"}), UsageError);
}

TEST_CASE("endpoints: Client::invoke sends the endpoint's method, path and auth", "[endpoints]") {
    auto server = std::make_shared<test::FakeServer>();
    test::FakeClock clock;
    ClientOptions options;
    options.base_url = "https://h.test";
    options.token = "t";
    Client client(options, test::make_fake_transport(server), clock);
    server->respond(200, R"({"status":"ok"})",
                    {{"Content-Type", "application/json"}, {"X-Request-Id", "req_9"}});
    const auto reply = client.invoke(api::prompt_rename, {"7"}, {}, R"({"name":"v2"})");
    const auto& r = server->requests.at(0);
    CHECK(r.method == "PATCH");
    CHECK(r.url == "https://h.test/api/prompts/7/name");
    CHECK(r.body == R"({"name":"v2"})");
    CHECK(http::find_header(r.headers, "Content-Type") == "application/json");
    CHECK(http::find_header(reply.headers, "x-request-id") == "req_9");
    CHECK_THROWS_AS(client.invoke(api::order_cancel, {"1"}, {}, "{}"), UsageError);
    CHECK(server->requests.size() == 1);
}
