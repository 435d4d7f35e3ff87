// Model decoding (ARCHITECTURE.md: models.hpp/.cpp, decode.hpp). A server body goes through the
// one JSON entry point and into every model, the way the client decodes it: directly, as lists
// (a bare array or an {items|data|results} envelope) and through the typed Client calls.
// Expected: hyperoru::Error subclasses (DecodeError for malformed JSON or a login answer without
// a token). Anything else, a crash, a leak or undefined behaviour, is a finding.
// Property: an id that arrives as a string keeps its content; one that arrives as an integer in
// the 64-bit range keeps its digits (ids are text, never floating point).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "client/decode.hpp"
#include "fuzz/fuzz_check.hpp"
#include "hyperoru/client.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"
#include "hyperoru/models.hpp"
#include "support/fake_transport.hpp"

namespace {

using namespace hyperoru;

/// What a typed call must return for the "id" of `body` (the last "id" member wins, as in
/// nlohmann/json): nullopt when the property says nothing about this body.
std::optional<std::string> expected_id(std::string_view body) {
    if (!json::is_valid(body)) return std::nullopt;
    const json::Value doc = json::parse(body);
    if (!doc.is_object()) return std::nullopt;
    const json::Value* id = nullptr;
    for (const auto& [key, value] : doc.members()) {
        if (key == "id") id = &value;
    }
    if (id == nullptr) return std::nullopt;
    if (id->is_string()) return id->text();
    // Plain non-negative integers up to 19 digits fit nlohmann's 64-bit integers exactly.
    const std::string& text = id->text();
    if (id->is_number() && !text.empty() && text.size() <= 19 &&
        text.find_first_not_of("0123456789") == std::string::npos) {
        return text;
    }
    return std::nullopt;
}

template <class T>
void decode_direct(const nlohmann::json& doc) {
    try {
        (void)doc.get<T>();
    } catch (const Error&) {
    } catch (const nlohmann::json::exception&) {
        // The client's decode() takes a shape the model does not know as "nothing decoded".
    }
}

void decode_all(std::string_view body) {
    nlohmann::json doc;
    try {
        doc = parse_json(body);
    } catch (const DecodeError&) {
        return;
    }
    decode_direct<Order>(doc);
    decode_direct<Kline>(doc);
    decode_direct<Position>(doc);
    decode_direct<Positions>(doc);
    decode_direct<Balance>(doc);
    decode_direct<Backtest>(doc);
    decode_direct<BacktestResult>(doc);
    decode_direct<User>(doc);
    decode_direct<Account>(doc);
    decode_direct<LoginResult>(doc);
    decode_direct<Health>(doc);
    decode_direct<Price>(doc);
    decode_direct<Id>(doc);
}

/// Every typed call of the Client, each answered 200 with `body`.
void client_calls(const std::string& body) {
    static test::FakeClock clock;
    const auto server = std::make_shared<test::FakeServer>();
    ClientOptions options;
    options.base_url = "https://api.example.test";
    options.token = "tok_fuzz";
    Client client(options, test::make_fake_transport(server), clock);
    const auto respond = [&] { server->respond(200, body, {{"Content-Type", "application/json"}}); };
    const auto attempt = [&](auto&& call) {
        respond();
        try {
            call();
        } catch (const Error&) {
        }
    };
    const std::optional<std::string> id = expected_id(body);
    attempt([&] { (void)client.health(); });
    attempt([&] { (void)client.login({Credentials::By::email, "trader@example.com", "pw"}); });
    attempt([&] {
        const auto user = client.profile().value;
        if (id) FUZZ_CHECK(user.id && user.id->text == *id);
    });
    attempt([&] { (void)client.list_accounts(); });
    attempt([&] {
        const auto account = client.create_account({"fuzz", {}, {}, {}, {}, {}, {}}).value;
        if (id) FUZZ_CHECK(account.id && account.id->text == *id);
    });
    attempt([&] { (void)client.price("BTC"); });
    attempt([&] {
        const auto order = client.create_order({"1", "BTC", "Bitcoin", "buy", "market", "0.010", {}}).value;
        if (id) FUZZ_CHECK(order.id && order.id->text == *id);
    });
    attempt([&] { (void)client.account_orders("1"); });
    attempt([&] { (void)client.pending_orders(); });
    attempt([&] { (void)client.klines("BTC", "1h"); });
    attempt([&] { (void)client.positions("1"); });
    attempt([&] { (void)client.balance("1"); });
    attempt([&] { (void)client.program_backtest("{}"); });
    FUZZ_CHECK(server->outcomes.empty());  // every call made exactly one request
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string body(reinterpret_cast<const char*>(data), size);
    decode_all(body);
    client_calls(body);
    return 0;
}
