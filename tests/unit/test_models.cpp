// Tolerant model decoding (§5): ids, numeric strings, nulls, older field names.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "client/decode.hpp"
#include "hyperoru/client.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/models.hpp"

using namespace hyperoru;

TEST_CASE("models: ids are integers or strings kept as exact text", "[models]") {
    CHECK(parse_json(R"(18446744073709551615)").get<Id>().text == "18446744073709551615");
    CHECK(parse_json(R"(-5)").get<Id>().text == "-5");
    CHECK(parse_json(R"("bf-001")").get<Id>().text == "bf-001");
    CHECK_THROWS_AS(parse_json("true").get<Id>(), DecodeError);
    CHECK(Id{"42"}.is_numeric());
    CHECK_FALSE(Id{"042"}.is_numeric());
    CHECK_FALSE(Id{"bf-1"}.is_numeric());
    CHECK_FALSE(Id{""}.is_numeric());
    CHECK(Id{"0"}.is_numeric());
}

TEST_CASE("models: account reads current and older names, null as absent", "[models]") {
    const auto a = parse_json(R"({"account_id": 9, "model": "old", "base_url": "https://x", "name": null,
                                  "max_leverage": "3", "is_active": "yes", "unknown": [1]})")
                       .get<Account>();
    CHECK(a.id->text == "9");
    CHECK(a.model == "old");
    CHECK(a.base_url == "https://x");
    CHECK_FALSE(a.name);
    CHECK(a.max_leverage == Approx(3.0));
    CHECK_FALSE(a.is_active);  // a string where a boolean belongs is ignored, not an error
}

TEST_CASE("models: price accepts a number or a numeric string", "[models]") {
    CHECK(parse_json(R"({"price": 67012.50})").get<Price>().price == Approx(67012.5));
    CHECK(parse_json(R"({"price": "0.00000012", "symbol": "PEPE"})").get<Price>().price == Approx(1.2e-7));
    CHECK_FALSE(parse_json(R"({"price": "n/a"})").get<Price>().price);
}

TEST_CASE("models: the JSON entry point caps depth and reports invalid JSON", "[models]") {
    CHECK_THROWS_AS(parse_json(std::string(100000, '[')), DecodeError);
    CHECK_THROWS_AS(parse_json(std::string(600, '[') + std::string(600, ']')), DecodeError);
    CHECK_NOTHROW(parse_json(std::string(500, '[') + std::string(500, ']')));
    CHECK_THROWS_WITH(parse_json("{\"a\": }"), Catch::StartsWith("invalid JSON at byte"));
}

TEST_CASE("models: JSON content types", "[models]") {
    CHECK(is_json_content_type("application/json"));
    CHECK(is_json_content_type("application/problem+json; charset=utf-8"));
    CHECK(is_json_content_type("Application/JSON"));
    CHECK(is_json_content_type(""));
    CHECK_FALSE(is_json_content_type("text/html; charset=utf-8"));
    CHECK_FALSE(is_json_content_type("text/plain; note=json"));
}
