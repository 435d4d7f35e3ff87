// Exact JSON: number text, key order and escapes survive a parse/print round trip; every kind of
// bad input is a DecodeError; masking, NDJSON and the request body writer.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "client/exact_json_detail.hpp"
#include "hyperoru/errors.hpp"
#include "hyperoru/exact_json.hpp"

using hyperoru::DecodeError;
using hyperoru::UsageError;
using namespace hyperoru::json;

namespace {

const PrintOptions k_compact{false, {}};

std::string compact(std::string_view text) {
    return to_string(parse(text), k_compact);
}
std::string pretty(std::string_view text) {
    return to_string(parse(text));
}

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace

TEST_CASE("numbers keep their original text", "[json]") {
    CHECK(compact("0.00000012") == "0.00000012");
    CHECK(compact("67012.50") == "67012.50");
    CHECK(compact("1e400") == "1e400");
    CHECK(compact("-1e400") == "-1e400");
    CHECK(compact("1e-400") == "1e-400");
    CHECK(compact("-0.0") == "-0.0");
    CHECK(compact("-0") == "-0");
    CHECK(compact("1E+2") == "1E+2");
    CHECK(compact("12345678901234567890123") == "12345678901234567890123");
    CHECK(compact("18446744073709551615") == "18446744073709551615");
    CHECK(compact("-9223372036854775808") == "-9223372036854775808");
    // An out-of-range number next to numbers shaped like the internal placeholder.
    CHECK(compact("[0.000, 1e400, 0.00000, {\"k\": -2E-999}, \"1e400\", 0.0000]") ==
          "[0.000,1e400,0.00000,{\"k\":-2E-999},\"1e400\",0.0000]");
    CHECK(pretty("[0.00000012, 1e400]") == "[\n  0.00000012,\n  1e400\n]");
    const Value v = parse("{\"price\": 67012.50}");
    REQUIRE(v.find("price") != nullptr);
    CHECK(v.find("price")->is_number());
    CHECK(v.find("price")->text() == "67012.50");
}

TEST_CASE("key order and duplicate keys are preserved", "[json]") {
    const Value v = parse(R"({"z": 1, "a": 2, "z": 3, "m": {"y": true, "b": null}})");
    CHECK(to_string(v, k_compact) == R"({"z":1,"a":2,"z":3,"m":{"y":true,"b":null}})");
    REQUIRE(v.members().size() == 4);
    CHECK(v.find("z")->text() == "1");  // the first of the duplicates
    CHECK(v.find("nope") == nullptr);
    CHECK(parse("[1]").find("z") == nullptr);
}

TEST_CASE("strings are unescaped on parse and escaped like nlohmann's dump", "[json]") {
    const std::string doc = R"(["é", "日本語", "\u00e9", "\ud83d\ude00", "a\"b\\c\/d", "\b\f\n\r\t", )"
                            R"("\u0001\u001f\u007f\u0080", "\u2028\u202e", "plain", {"k\ney": "v"}])";
    const Value v = parse(doc);
    CHECK(v.items()[2].text() == "é");
    CHECK(v.items()[3].text() == "\xF0\x9F\x98\x80");
    CHECK(v.items()[4].text() == "a\"b\\c/d");
    CHECK(to_string(v, k_compact) == nlohmann::ordered_json::parse(doc).dump());
    CHECK(to_string(v) == nlohmann::ordered_json::parse(doc).dump(2));
    CHECK(to_string(v, k_compact) ==
          "[\"é\",\"日本語\",\"é\",\"\xF0\x9F\x98\x80\",\"a\\\"b\\\\c/d\",\"\\b\\f\\n\\r\\t\","
          "\"\\u0001\\u001f\x7F\xC2\x80\",\"\xE2\x80\xA8\xE2\x80\xAE\",\"plain\",{\"k\\ney\":\"v\"}]");
}

TEST_CASE("pretty output matches nlohmann's dump(2)", "[json]") {
    const std::string doc = R"({"id": "ord_1", "qty": 3, "tags": ["a", "b"], "empty": {},)"
                            R"( "none": [], "nested": {"deep": [[1, [2, {}]], {"x": null}]},)"
                            R"( "ok": true, "bad": false, "neg": -42})";
    CHECK(to_string(parse(doc)) == nlohmann::ordered_json::parse(doc).dump(2));
    CHECK(pretty(R"({"a":1,"b":[1,2]})") == "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    2\n  ]\n}");
    CHECK(pretty(R"({"a":{},"b":[]})") == "{\n  \"a\": {},\n  \"b\": []\n}");
    CHECK(pretty("{}") == "{}");
    CHECK(pretty("[]") == "[]");
    CHECK(pretty(" \"x\" ") == "\"x\"");
    CHECK(compact(R"( { "a" : 1 , "b" : [ 1 , 2 ] } )") == R"({"a":1,"b":[1,2]})");
}

TEST_CASE("write streams the same text as to_string, also past the buffer size", "[json]") {
    std::string doc = "[\"" + std::string(200000, 'x') + "\"";
    for (int i = 0; i < 20000; ++i) doc += ",\"caf\xC3\xA9\\n\",1250";
    doc += "]";
    const Value v = parse(doc);
    for (const bool is_pretty : {true, false}) {
        std::ostringstream out;
        write(out, v, PrintOptions{is_pretty, {}});
        CHECK(out.str() == to_string(v, PrintOptions{is_pretty, {}}));
        CHECK(out.str() == nlohmann::ordered_json::parse(doc, nullptr, true).dump(is_pretty ? 2 : -1));
    }
}

TEST_CASE("values built in code print as JSON", "[json]") {
    const Value v = Value::object({{"n", Value::number("1.10")},
                                   {"s", Value::string("bad \xFF byte")},
                                   {"a", Value::array({Value::boolean(false), Value::null()})}});
    // A byte that is not UTF-8 becomes U+FFFD, so the output stays valid JSON.
    CHECK(to_string(v, k_compact) == "{\"n\":1.10,\"s\":\"bad \xEF\xBF\xBD byte\",\"a\":[false,null]}");
    CHECK(Value().is_null());
    CHECK(Value().text() == "null");
    CHECK(Value::array().text().empty());
}

TEST_CASE("nesting deeper than the limit is a DecodeError, not a crash", "[json]") {
    CHECK_THROWS_WITH(parse(std::string(100000, '[')), Catch::Contains("nested deeper than 512"));
    CHECK_THROWS_AS(parse(repeat("{\"a\":", 100000)), DecodeError);
    CHECK_THROWS_AS(parse(repeat("[", 100000) + repeat("]", 100000)), DecodeError);
    CHECK_FALSE(is_valid(std::string(100000, '[')));

    const Limits limits{3};
    CHECK(to_string(parse("[[[1]]]", limits), k_compact) == "[[[1]]]");
    CHECK(to_string(parse(R"({"a":{"b":[1]}})", limits), k_compact) == R"({"a":{"b":[1]}})");
    CHECK_THROWS_AS(parse("[[[[1]]]]", limits), DecodeError);
    CHECK_THROWS_AS(parse(R"({"a":{"b":{"c":{}}}})", limits), DecodeError);
    CHECK(is_valid("[[[1]]]", limits));
    CHECK_FALSE(is_valid("[[[[1]]]]", limits));

    const std::string at_default = repeat("[", 512) + repeat("]", 512);
    CHECK(to_string(parse(at_default), k_compact) == at_default);
    CHECK_THROWS_AS(parse("[" + at_default + "]"), DecodeError);
}

TEST_CASE("invalid input is a DecodeError", "[json]") {
    SECTION("invalid UTF-8") {
        CHECK_THROWS_AS(parse("\"\xFF\""), DecodeError);
        CHECK_THROWS_AS(parse("\"\xC3\""), DecodeError);          // truncated sequence
        CHECK_THROWS_AS(parse("\"\xC0\xAF\""), DecodeError);      // overlong
        CHECK_THROWS_AS(parse("\"\xED\xA0\x80\""), DecodeError);  // encoded surrogate
        CHECK_THROWS_AS(parse("{\"\xFF\": 1}"), DecodeError);
    }
    SECTION("empty or truncated") {
        CHECK_THROWS_AS(parse(""), DecodeError);
        CHECK_THROWS_AS(parse("  \n"), DecodeError);
        CHECK_THROWS_AS(parse(R"({"a": [1, 2)"), DecodeError);
        CHECK_THROWS_AS(parse(R"("abc)"), DecodeError);
        CHECK_THROWS_AS(parse("tru"), DecodeError);
        CHECK_THROWS_AS(parse("1e"), DecodeError);
        CHECK_THROWS_AS(parse(R"({"a":)"), DecodeError);
    }
    SECTION("trailing garbage") {
        CHECK_THROWS_AS(parse("{} x"), DecodeError);
        CHECK_THROWS_AS(parse("[1]]"), DecodeError);
        CHECK_THROWS_AS(parse("1 2"), DecodeError);
        CHECK_THROWS_AS(parse("1e400 x"), DecodeError);
        CHECK_THROWS_AS(parse("[1e400-]"), DecodeError);
    }
    SECTION("not JSON") {
        CHECK_THROWS_AS(parse("[01]"), DecodeError);
        CHECK_THROWS_AS(parse("{'a': 1}"), DecodeError);
        CHECK_THROWS_AS(parse("[1,]"), DecodeError);
        CHECK_THROWS_AS(parse("NaN"), DecodeError);
        CHECK_THROWS_AS(parse("\"tab\there\""), DecodeError);
        CHECK_THROWS_AS(parse("/* c */ 1"), DecodeError);
    }
    SECTION("messages give the position and never echo the input") {
        CHECK_THROWS_WITH(parse("[1,t"),
                          "invalid JSON at byte 5 (line 1, column 5): "
                          "syntax error while parsing value - invalid literal");
        CHECK_THROWS_WITH(parse("{\"a\":\n 1,}"),
                          "invalid JSON at byte 10 (line 2, column 4): syntax error while parsing "
                          "object key - unexpected '}'; expected string literal");
        CHECK_THROWS_WITH(parse("[\"secret-token\" x"), !Catch::Contains("secret-token"));
    }
    CHECK(is_valid(" {\"a\": [1e400, -0]} "));
    CHECK_FALSE(is_valid("{} x"));
    CHECK_FALSE(is_valid(""));
}

TEST_CASE("masking replaces secret string values at any depth", "[json]") {
    const std::string doc =
        R"({"api_key": "k-123", "nested": {"list": [{"session_token": "s-456"}], "llm_api_key": "",)"
        R"( "x": {"api_key": null}}, "other": "api_key", "n": {"api_key": 5}})";
    const PrintOptions masked{false, default_mask_keys()};
    CHECK(to_string(parse(doc), masked) ==
          R"({"api_key":"********","nested":{"list":[{"session_token":"********"}],)"
          R"("llm_api_key":"","x":{"api_key":null}},"other":"api_key","n":{"api_key":5}})");
    CHECK(to_string(parse(R"({"a":{"llm_api_key":"z"}})"), PrintOptions{true, default_mask_keys()}) ==
          "{\n  \"a\": {\n    \"llm_api_key\": \"********\"\n  }\n}");
    CHECK(to_string(parse(R"({"api_key":"k"})")) == "{\n  \"api_key\": \"k\"\n}");  // no mask asked
    CHECK(default_mask_keys() == std::vector<std::string>{"api_key", "llm_api_key", "session_token"});
}

TEST_CASE("NDJSON prints one compact value per line", "[json]") {
    std::ostringstream array;
    write_ndjson(array, parse(R"([{"a": 1, "api_key": "k"}, [2, 3.0], "x", null])"), default_mask_keys());
    CHECK(array.str() == "{\"a\":1,\"api_key\":\"********\"}\n[2,3.0]\n\"x\"\nnull\n");

    std::ostringstream object;
    write_ndjson(object, parse(R"({"b": [1, {"c": 2}]})"));
    CHECK(object.str() == "{\"b\":[1,{\"c\":2}]}\n");

    std::ostringstream empty;
    write_ndjson(empty, parse("[]"));
    CHECK(empty.str().empty());
}

TEST_CASE("a top-level array is handed out one element at a time", "[json]") {
    std::vector<std::string> seen;
    CHECK(for_each_item(R"( [1e400, {"a": [2, 3]}, "x", [], -0] )",
                        [&](Value& item) { seen.push_back(to_string(item, k_compact)); }));
    CHECK(seen == std::vector<std::string>{"1e400", R"({"a":[2,3]})", R"("x")", "[]", "-0"});

    // Not an array: nothing is called, nothing is checked.
    for (const char* other : {R"({"items": [1]})", "7", " \"[\" ", "", "  "}) {
        INFO(other);
        CHECK_FALSE(for_each_item(other, [&](Value&) { FAIL("called"); }));
    }
    // Invalid anywhere: a DecodeError before the first element is handed out.
    for (const char* bad : {"[1, 2, }", R"([{"a": 1}, {"a": 2)", "[1] x", "[\"\xff\"]"}) {
        INFO(bad);
        CHECK_THROWS_AS(for_each_item(bad, [&](Value&) { FAIL("called before the text was checked"); }),
                        DecodeError);
    }
    CHECK_THROWS_AS(for_each_item(std::string(600, '[') + std::string(600, ']'), [](Value&) {}), DecodeError);
}

TEST_CASE("write_text and write_ndjson_items print exactly what parse and write would", "[json]") {
    const PrintOptions masked{true, default_mask_keys()};
    for (const std::string text :
         {R"([{"id": 1, "api_key": "sk-1", "n": 1.50}, [1, [2, {}]], 12345678901234567890])",
          R"([1e400, 0.0000001, -0, "caf\u00e9"])", "[]", "[[]]",
          R"({"items": [{"session_token": "t"}], "next": null})", "  \"text\"  ", "3.14"}) {
        INFO(text);
        for (const auto& options : {masked, k_compact}) {
            std::ostringstream streamed;
            write_text(streamed, text, options);
            CHECK(streamed.str() == to_string(parse(text), options));
        }
        std::ostringstream lines;
        if (write_ndjson_items(lines, text, default_mask_keys())) {
            std::ostringstream expected;
            write_ndjson(expected, parse(text), default_mask_keys());
            CHECK(lines.str() == expected.str());
        } else {
            CHECK(lines.str().empty());
            CHECK_FALSE(parse(text).is_array());
        }
    }
    std::ostringstream out;
    CHECK_THROWS_AS(write_text(out, "[1, 2,", {}), DecodeError);
    CHECK_THROWS_AS(write_ndjson_items(out, "[1, 2,", {}), DecodeError);
    CHECK(out.str().empty());
}

TEST_CASE("quote escapes a string literal", "[json]") {
    CHECK(quote("") == "\"\"");
    CHECK(quote("a\"b\\c\n\x1B[31m é") == "\"a\\\"b\\\\c\\n\\u001b[31m é\"");
    CHECK(quote("\x7F/") == "\"\x7F/\"");
}

TEST_CASE("ObjectWriter builds a body with exact value text", "[json]") {
    ObjectWriter body;
    body.add_string("symbol", "BTC/USD")
        .add_json("qty", "0.00000012")
        .add_json("meta", R"( { "a" : [1, 2.50], "b": "x" } )")
        .add_value("flag", Value::boolean(true));
    CHECK(body.str() == R"({"symbol":"BTC/USD","qty":0.00000012,"meta":{"a":[1,2.50],"b":"x"},"flag":true})");
    CHECK(body.has("qty"));
    CHECK_FALSE(body.has("price"));

    // A key added again replaces the value where the key first appeared.
    body.add_string("symbol", "ETH \"quoted\"").add_json("qty", "1e400");
    CHECK(body.str() ==
          R"({"symbol":"ETH \"quoted\"","qty":1e400,"meta":{"a":[1,2.50],"b":"x"},"flag":true})");

    CHECK_THROWS_AS(body.add_json("price", "{"), UsageError);
    CHECK_THROWS_AS(body.add_json("price", ""), UsageError);
    CHECK_THROWS_AS(body.add_json("price", "1 2"), UsageError);
    CHECK_THROWS_WITH(body.add_json("price", "12,5"),
                      Catch::StartsWith("value of \"price\" is not valid JSON"));
    CHECK_FALSE(body.has("price"));
    CHECK(ObjectWriter().str() == "{}");
}

// ---------------------------------------------------------------------------------------------
// The fast reader (simdjson, exact_json_simd.cpp): every public reader and text printer keeps
// the exactness rules, whole or window by window, and refuses what the reference refuses with
// the reference's message.

namespace {

/// Sets the fast reader's window for one test, and has the fast reader read every text (once
/// opened, it stays open for the process).
class Window {
public:
    explicit Window(std::size_t bytes) : m_saved(hyperoru::json::detail::window_bytes()) {
        hyperoru::json::detail::window_bytes() = bytes;
        hyperoru::json::detail::fast_reader_after() = 0;
        (void)is_valid("[]");
        REQUIRE(hyperoru::json::detail::fast_reader_open());
    }
    ~Window() { hyperoru::json::detail::window_bytes() = m_saved; }
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

private:
    std::size_t m_saved;
};

/// The reference reader alone, whatever the process has read or opened.
class ReferenceOnly {
public:
    ReferenceOnly() { hyperoru::json::detail::fast_reader_enabled() = false; }
    ~ReferenceOnly() { hyperoru::json::detail::fast_reader_enabled() = true; }
    ReferenceOnly(const ReferenceOnly&) = delete;
    ReferenceOnly& operator=(const ReferenceOnly&) = delete;
};

const std::string k_exact_doc =
    R"([0.00000012, 67012.50, 1e400, -0, 123456789012345678901234567890,)"
    R"( {"z": 1, "a": "tab\there \u00e9 \ud83d\ude00 \/", "z": [], "api_key": "sk-1"}, "caf)"
    "\xC3\xA9"
    R"(", true, null, {}])";

/// The reference reader's message for invalid `text` ("" when it accepts the text).
std::string reference_error(std::string_view text) {
    try {
        hyperoru::json::detail::sax_parse(text, Limits{});
    } catch (const DecodeError& e) {
        return e.what();
    }
    return {};
}

std::string text_of(std::string_view text, const PrintOptions& options) {
    std::ostringstream out;
    write_text(out, text, options);
    return out.str();
}

std::string ndjson_of(std::string_view text) {
    std::ostringstream out;
    CHECK(write_ndjson_items(out, text, default_mask_keys()));
    return out.str();
}

}  // namespace

TEST_CASE("the fast reader keeps numbers, key order and escapes on every path", "[json][simd]") {
    const std::string pretty_expected =
        "[\n  0.00000012,\n  67012.50,\n  1e400,\n  -0,\n  123456789012345678901234567890,\n  {\n"
        "    \"z\": 1,\n    \"a\": \"tab\\there \xC3\xA9 \xF0\x9F\x98\x80 /\",\n    \"z\": [],\n"
        "    \"api_key\": \"********\"\n  },\n  \"caf\xC3\xA9\",\n  true,\n  null,\n  {}\n]";
    const std::string compact_expected =
        "[0.00000012,67012.50,1e400,-0,123456789012345678901234567890,{\"z\":1,\"a\":\"tab\\there "
        "\xC3\xA9 \xF0\x9F\x98\x80 /\",\"z\":[],\"api_key\":\"sk-1\"},\"caf\xC3\xA9\",true,null,{}]";
    const std::string ndjson_expected =
        "0.00000012\n67012.50\n1e400\n-0\n123456789012345678901234567890\n{\"z\":1,\"a\":\"tab\\there "
        "\xC3\xA9 \xF0\x9F\x98\x80 /\",\"z\":[],\"api_key\":\"********\"}\n\"caf\xC3\xA9\"\ntrue\nnull\n{}\n";
    // Whole (one window) and cut at nearly every comma (a window of 1 byte).
    for (const std::size_t window : {std::size_t{1} << 20, std::size_t{1}, std::size_t{7}}) {
        INFO("window " << window);
        const Window scope(window);
        CHECK(text_of(k_exact_doc, PrintOptions{true, default_mask_keys()}) == pretty_expected);
        CHECK(text_of(k_exact_doc, k_compact) == compact_expected);
        CHECK(ndjson_of(k_exact_doc) == ndjson_expected);
        CHECK(to_string(parse(k_exact_doc), k_compact) == compact_expected);
        std::string items;
        CHECK(for_each_item(k_exact_doc, [&](Value& item) { items += to_string(item, k_compact) + "|"; }));
        CHECK(items ==
              "0.00000012|67012.50|1e400|-0|123456789012345678901234567890|{\"z\":1,\"a\":\"tab\\there "
              "\xC3\xA9 \xF0\x9F\x98\x80 /\",\"z\":[],\"api_key\":\"sk-1\"}|\"caf\xC3\xA9\"|true|null|{}|");
        std::string line;
        CHECK(compact(k_exact_doc, line));
        CHECK(line == compact_expected);
    }
}

TEST_CASE("the fast reader refuses with the reference's message, before any output", "[json][simd]") {
    const std::string two_windows = "[" + repeat("{\"n\": 1.50},", 200000) + "1,]";  // about 2.4 MB
    const std::string late_garbage = "[" + repeat("1,", 700000) + "2] x";
    const std::string unclosed = "[" + repeat("\"a\",", 300000) + "\"b\"";
    for (const std::size_t window : {std::size_t{1} << 20, std::size_t{3}}) {
        INFO("window " << window);
        const Window scope(window);
        for (const std::string& bad :
             {two_windows, late_garbage, unclosed, std::string("[1,,2]"), std::string("[1,2,]"),
              std::string("[\"\\ud800\"]"), std::string("[\"\\udc00 x\"]"), std::string("{\"a\" 1}"),
              std::string("[nul]"), std::string("[1.]"), std::string("[-]"), std::string("[01]"),
              std::string("[\"\\x\"]")}) {
            INFO(bad.substr(0, 40));
            const std::string reference = reference_error(bad);
            REQUIRE_FALSE(reference.empty());
            CHECK_FALSE(is_valid(bad));
            CHECK_THROWS_WITH(parse(bad), reference);
            std::ostringstream out;
            CHECK_THROWS_WITH(write_text(out, bad, {}), reference);
            if (bad.front() == '[') {
                CHECK_THROWS_WITH(write_ndjson_items(out, bad, {}), reference);
                CHECK_THROWS_WITH(
                    for_each_item(bad, [](Value&) { FAIL("called before the text was checked"); }),
                    reference);
            } else {  // not an array: nothing printed or called, nothing checked (as documented)
                CHECK_FALSE(write_ndjson_items(out, bad, {}));
                CHECK_FALSE(for_each_item(bad, [](Value&) { FAIL("called"); }));
            }
            CHECK(out.str().empty());
            std::string line = "kept";
            CHECK_FALSE(compact(bad, line));
            CHECK(line == "kept");
        }
    }
    CHECK_THROWS_WITH(parse("[1,t"),
                      "invalid JSON at byte 5 (line 1, column 5): "
                      "syntax error while parsing value - invalid literal");
}

TEST_CASE("a list of several windows prints element by element, exactly", "[json][simd]") {
    // 120 000 elements of about 40 bytes: more than four default windows.
    std::string text = "[";
    std::string pretty_expected = "[";
    std::string ndjson_expected;
    for (int i = 0; i < 120000; ++i) {
        const std::string n = std::to_string(i);
        text += (i ? ", " : "") + std::string("{\"id\": ") + n + ", \"p\": 0.000000" + n + ", \"k\": \"v" +
                n + "\"}";
        pretty_expected += std::string(i ? "," : "") + "\n  {\n    \"id\": " + n + ",\n    \"p\": 0.000000" +
                           n + ",\n    \"k\": \"v" + n + "\"\n  }";
        ndjson_expected += "{\"id\":" + n + ",\"p\":0.000000" + n + ",\"k\":\"v" + n + "\"}\n";
    }
    text += "]\n";
    pretty_expected += "\n]";
    const Window scope(std::size_t{1} << 20);
    REQUIRE(text.size() > 4 * hyperoru::json::detail::window_bytes());
    CHECK(text_of(text, PrintOptions{true, {}}) == pretty_expected);
    CHECK(ndjson_of(text) == ndjson_expected);
    std::size_t count = 0;
    CHECK(for_each_item(text, [&](Value& item) {
        CHECK(item.find("id")->text() == std::to_string(count));
        ++count;
    }));
    CHECK(count == 120000);
    CHECK(parse(text).items().size() == 120000);
}

TEST_CASE("what the fast reader declines but the reference accepts is printed by the reference",
          "[json][simd]") {
    // A byte order mark: simdjson refuses it, nlohmann/json skips it.
    const std::string bom = "\xEF\xBB\xBF[1, 2.50]";
    CHECK(is_valid(bom));
    CHECK(text_of(bom, PrintOptions{true, {}}) == "[\n  1,\n  2.50\n]");
    std::ostringstream lines;  // as the reference: not an array to write_ndjson_items
    CHECK_FALSE(write_ndjson_items(lines, bom, {}));
    CHECK(lines.str().empty());
    std::string line;
    CHECK(compact(bom, line));
    CHECK(line == "[1,2.50]");
    // nlohmann/json ends its input at a NUL byte: an array followed by one is valid to it, so its
    // elements are printed (a case the fuzz target found).
    const std::string nul = std::string("[1, \"a\"]\0", 9) + "x}";
    CHECK(is_valid(nul));
    CHECK(ndjson_of(nul) == "1\n\"a\"\n");
    CHECK(text_of(nul, k_compact) == "[1,\"a\"]");
}

TEST_CASE("read_message classifies a stream message in the pass that prints it", "[json][simd]") {
    const auto check_reader = [] {
        std::string line = "> ";
        const auto found = read_message(
            R"({"type": "trade", "data": {"type": "x", "api_key": "k"}, "request_id": 7, "type": "later"})",
            {"request_id", "type", "absent"}, default_mask_keys(), line);
        REQUIRE(found);
        REQUIRE(found->size() == 3);
        CHECK((*found)[0].is_number());
        CHECK((*found)[0].text() == "7");
        CHECK((*found)[1].is_string());
        CHECK((*found)[1].text() == "trade");  // the first member of a name, as Value::find
        CHECK((*found)[2].is_null());
        CHECK(line ==
              R"(> {"type":"trade","data":{"type":"x","api_key":"********"},"request_id":7,"type":"later"})");
        line.clear();
        const auto escaped =
            read_message(R"({"type": "error", "request_id": {"x": 1}})", {"type", "request_id"}, {}, line);
        REQUIRE(escaped);
        REQUIRE(escaped->size() == 2);
        CHECK((*escaped)[0].text() == "error");
        CHECK((*escaped)[1].is_null());  // neither a string nor a number
        CHECK(line == R"({"type":"error","request_id":{"x":1}})");
        line.clear();
        const auto first_counts =
            read_message(R"({"request_id": null, "request_id": 7})", {"request_id"}, {}, line);
        REQUIRE(first_counts);
        CHECK((*first_counts)[0].is_null());  // the first member of the name, though null
        line.clear();
        const auto array = read_message("[1, 2.50]", {"type"}, {}, line);
        REQUIRE(array);
        CHECK(array->empty());  // JSON, not an object
        CHECK(line == "[1,2.50]");
        line = "kept";
        CHECK_FALSE(read_message(R"({"type": "trade", )", {"type"}, {}, line));  // checked whole
        CHECK_FALSE(read_message("not json", {"type"}, {}, line));
        CHECK_FALSE(read_message("", {"type"}, {}, line));
        CHECK(line == "kept");
    };
    SECTION("the reference reader") {
        const ReferenceOnly scope;
        check_reader();
    }
    SECTION("the fast reader") {
        const Window scope(std::size_t{1} << 20);
        check_reader();
    }
}

TEST_CASE("compact prints one line, masked, or says the text is not JSON", "[json][simd]") {
    const Window scope(std::size_t{1} << 20);
    std::string line = "> ";
    CHECK(
        compact(" {\"session_token\": \"t-1\", \"n\": 1.10, \"s\": \"a\\nb\"} ", line, default_mask_keys()));
    CHECK(line == "> {\"session_token\":\"********\",\"n\":1.10,\"s\":\"a\\nb\"}");
    line.clear();
    CHECK(compact("\"x\"", line));
    CHECK(line == "\"x\"");
    CHECK_FALSE(compact("{\"a\": 1} {", line));
    CHECK(line == "\"x\"");
}

namespace {

const std::vector<std::string> k_list_keys = {"items", "data", "results"};
constexpr std::size_t k_all = static_cast<std::size_t>(-1);

}  // namespace

TEST_CASE("read_list prints a page's elements as the gathered array prints, with ids and next",
          "[json][simd]") {
    const std::string bare =
        R"([{"id": 1, "n": 0.00000012, "big": 123456789012345678901234567890, "p": 67012.50,)"
        R"( "api_key": "k"}, {"x": "no id", "id": null}, )"
        R"({"id": "a\u00e9", "id": 2}])";
    const std::string envelope =
        R"({"data": [9], "items": [{"id": {"k": [1, 2]}}, 1e400], "next": null, "next": 3})";
    const std::string pretty_expected =
        "[\n  {\n    \"id\": 1,\n    \"n\": 0.00000012,\n    \"big\": 123456789012345678901234567890,\n    "
        "\"p\": 67012.50,\n    \"api_key\": \"********\"\n  },\n  {\n    \"x\": "
        "\"no id\",\n    \"id\": null\n  },\n  {\n    \"id\": \"a\xC3\xA9\",\n    \"id\": 2\n  },\n  {\n    "
        "\"id\": {\n      \"k\": [\n        1,\n        2\n      ]\n    }\n  },\n  1e400\n]";
    const std::string ndjson_expected =
        "{\"id\":1,\"n\":0.00000012,\"big\":123456789012345678901234567890,\"p\":67012.50,\"api_key\":"
        "\"********\"}\n{\"x\":\"no id\",\"id\":null}\n"
        "{\"id\":\"a\xC3\xA9\",\"id\":2}\n{\"id\":{\"k\":[1,2]}}\n1e400\n";
    const PrintOptions pretty{true, default_mask_keys()};
    const PrintOptions lines{false, default_mask_keys()};
    const auto check_pages = [&] {
        std::string out;
        ListPage first = read_list(bare, k_list_keys, pretty, 0, k_all, out);
        CHECK(first.list);
        CHECK(first.count == 3);
        CHECK(first.first_id == "1");
        CHECK(first.last_id == "\"a\xC3\xA9\"");  // the first `id` of an element, as Value::find
        CHECK_FALSE(first.next_null);
        // "items" comes before "data" in the keys; the first `next` counts.
        ListPage second = read_list(envelope, k_list_keys, pretty, 3, k_all, out);
        CHECK(second.list);
        CHECK(second.count == 2);
        CHECK(second.first_id == "{\"k\":[1,2]}");
        CHECK(second.last_id.empty());  // not an object
        CHECK(second.next_null);
        close_list(out, 5);
        CHECK(out == pretty_expected);
        // What write() prints of the same elements gathered in one array.
        CHECK(out ==
              to_string(parse("[" + bare.substr(1, bare.size() - 2) + R"(, {"id": {"k": [1, 2]}}, 1e400])"),
                        pretty));

        std::string ndjson;
        CHECK(read_list(bare, k_list_keys, lines, 0, k_all, ndjson).count == 3);
        CHECK(read_list(envelope, k_list_keys, lines, 3, k_all, ndjson).count == 2);
        CHECK(ndjson == ndjson_expected);

        // --limit: all counted, the first ones printed.
        std::string limited;
        const ListPage capped = read_list(bare, k_list_keys, pretty, 0, 1, limited);
        CHECK(capped.count == 3);
        CHECK(capped.last_id == "\"a\xC3\xA9\"");
        CHECK(limited ==
              "[\n  {\n    \"id\": 1,\n    \"n\": 0.00000012,\n    \"big\": "
              "123456789012345678901234567890,\n    \"p\": 67012.50,\n    \"api_key\": \"********\"\n  }");
        std::string none;
        CHECK(read_list(bare, k_list_keys, pretty, 0, 0, none).count == 3);
        CHECK(none.empty());
        close_list(none, 0);
        CHECK(none == "[]");

        // The view's own key first; the first member of a name decides.
        std::string out2;
        CHECK(
            read_list(R"({"items": [1], "rows": [2, 3]})", {"rows", "items"}, lines, 0, k_all, out2).count ==
            2);
        CHECK(read_list(R"({"items": 5, "items": [1], "data": [4]})", k_list_keys, lines, 0, k_all, out2)
                  .count == 1);
        CHECK(out2 == "2\n3\n4\n");
        CHECK(read_list(R"({"items": []})", k_list_keys, lines, 0, k_all, out2).list);

        // No list: nothing printed.
        std::string kept = "kept";
        CHECK_FALSE(read_list(R"({"a": [1], "next": null})", k_list_keys, pretty, 0, k_all, kept).list);
        CHECK_FALSE(read_list(R"("text")", k_list_keys, pretty, 0, k_all, kept).list);
        CHECK(kept == "kept");
    };
    SECTION("the reference reader") {
        const ReferenceOnly scope;
        check_pages();
    }
    for (const std::size_t window : {std::size_t{1} << 20, std::size_t{1}}) {
        SECTION("the fast reader, window " + std::to_string(window)) {
            const Window scope(window);
            check_pages();
        }
    }
}

TEST_CASE("read_list refuses invalid text with the reference's message, printing nothing", "[json][simd]") {
    const Window scope(std::size_t{7});
    for (const std::string bad : {"[1,,2]", "[{\"id\": 1}, {\"id\": 2]", "{\"items\": [1, 2,]}",
                                  "{\"items\": [1]} x", "", "[\"\\ud800\"]"}) {
        INFO(bad);
        const std::string reference = reference_error(bad);
        REQUIRE_FALSE(reference.empty());
        std::string out = "kept";
        CHECK_THROWS_WITH(read_list(bad, k_list_keys, PrintOptions{}, 0, k_all, out), reference);
        CHECK(out == "kept");
    }
}

TEST_CASE("for_each_row hands a table only the members it shows, as text", "[json][simd]") {
    const std::string text =
        R"([{"id": 7, "name": "a\tb\u00e9", "skip": {"deep": [1]}, "api_key": "sk", "api_key": "",)"
        R"( "cfg": {"api_key": "x", "n": 1.50}, "id": 8, "nul": null}, "str", 12.50,)"
        R"( [1, {"session_token": "y"}], {}, null])";
    const std::vector<std::string> keys = {"id", "name", "api_key", "cfg", "nul"};
    const std::string expected =
        "object id=number:7 name=string:a\tb\xC3\xA9 api_key=string:******** api_key=string: "
        "cfg=object:{\"api_key\":\"********\",\"n\":1.50} id=number:8 nul=null:null\n"
        "value =string:str\n"
        "value =number:12.50\n"
        "value =array:[1,{\"session_token\":\"********\"}]\n"
        "object\n"
        "value =null:null\n";
    const auto rows_of = [&](const std::string& body) {
        std::string rows;
        CHECK(for_each_row(body, keys, default_mask_keys(), [&](const Row& row) {
            static const char* const kinds[] = {"null", "boolean", "number", "string", "array", "object"};
            rows += row.object ? "object" : "value";
            for (const Row::Field& f : row.fields)
                rows += " " + f.key + "=" + kinds[static_cast<int>(f.kind)] + ":" + f.text;
            rows += "\n";
        }));
        return rows;
    };
    SECTION("the reference reader") {
        const ReferenceOnly scope;
        CHECK(rows_of(text) == expected);
    }
    for (const std::size_t window : {std::size_t{1} << 20, std::size_t{3}}) {
        SECTION("the fast reader, window " + std::to_string(window)) {
            const Window scope(window);
            CHECK(rows_of(text) == expected);
            CHECK_FALSE(for_each_row(R"({"id": 1})", keys, {}, [](const Row&) { FAIL("called"); }));
            CHECK_THROWS_WITH(
                for_each_row("[{\"id\": 1}, {\"id\" 2}]", keys, {},
                             [](const Row&) { FAIL("called before the text was checked"); }),
                "invalid JSON at byte 19 (line 1, column 19): syntax error while parsing object "
                "separator - unexpected number literal; expected ':'");
        }
    }
}
