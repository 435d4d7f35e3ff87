// The tolerant error-body reader (§1.8): every documented shape, and what a proxy or a broken
// server may send instead.
#include <catch2/catch.hpp>

#include <string>

#include "hyperoru/errors.hpp"

using hyperoru::read_error_body;

TEST_CASE("the documented shape: error, code, request_id", "[error_body]") {
    const auto body = read_error_body(
        404, "Not Found",
        R"({ "error": "Account not found", "code": "ACCOUNT_NOT_FOUND", "request_id": "req_01J7X" })");
    CHECK(body.message == "Account not found");
    CHECK(body.code == "ACCOUNT_NOT_FOUND");
    CHECK(body.request_id == "req_01J7X");
    CHECK_FALSE(body.details.has_value());
}

TEST_CASE("the AI chat shape: code, details, message", "[error_body]") {
    const auto body = read_error_body(
        400, "Bad Request",
        R"({"code": "BAD_MODEL", "details": {"model": "x", "allowed": [1, 2.5]}, "message": "unknown model"})");
    CHECK(body.message == "unknown model");
    CHECK(body.code == "BAD_MODEL");
    CHECK_FALSE(body.request_id.has_value());
    CHECK(body.details == R"({"allowed":[1,2.5],"model":"x"})");
}

TEST_CASE("details: empty object kept, null dropped", "[error_body]") {
    CHECK(read_error_body(400, "", R"({"message":"m","details":{}})").details == "{}");
    CHECK_FALSE(read_error_body(400, "", R"({"message":"m","details":null})").details.has_value());
}

TEST_CASE("FastAPI detail as a string", "[error_body]") {
    const auto body = read_error_body(404, "Not Found", R"({"detail": "Not found"})");
    CHECK(body.message == "Not found");
    CHECK_FALSE(body.code.has_value());
    CHECK_FALSE(body.request_id.has_value());
}

TEST_CASE("FastAPI detail as a list of validation items", "[error_body]") {
    const auto body = read_error_body(422, "Unprocessable Entity", R"({"detail": [
        {"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"},
        {"loc": ["body", "orders", 0, "price"], "msg": "must be positive", "type": "value_error"}
    ]})");
    CHECK(body.message == "body.name: field required; body.orders.0.price: must be positive");
}

TEST_CASE("detail items without loc or msg, and lists of strings", "[error_body]") {
    CHECK(read_error_body(422, "", R"({"detail":[{"msg":"bad"}]})").message == "bad");
    CHECK(read_error_body(422, "", R"({"detail":[{"loc":[],"msg":"bad"}]})").message == "bad");
    CHECK(read_error_body(422, "", R"({"detail":[{"loc":"query","msg":"bad"}]})").message == "query: bad");
    CHECK(read_error_body(422, "", R"({"detail":[{"type":"x","loc":["a"]}]})").message ==
          R"({"loc":["a"],"type":"x"})");
    CHECK(read_error_body(422, "", R"({"detail":["first","second"]})").message == "first; second");
    CHECK(read_error_body(422, "", R"({"detail":["first",7]})").message == "first; 7");
}

TEST_CASE("error that is not a string falls through to message, then detail", "[error_body]") {
    CHECK(read_error_body(400, "", R"({"error":{"x":1},"message":"from message"})").message ==
          "from message");
    CHECK(read_error_body(400, "", R"({"error":{"x":1},"detail":"from detail"})").message == "from detail");
    CHECK(read_error_body(400, "", R"({"error":"","message":"empty error skipped"})").message ==
          "empty error skipped");
    CHECK(read_error_body(400, "", R"({"error":"first","message":"second"})").message == "first");
}

TEST_CASE("code as a string or an integer, request_id only as a string", "[error_body]") {
    const auto numeric = read_error_body(400, "", R"({"error":"e","code":4001,"request_id":42})");
    CHECK(numeric.code == "4001");
    CHECK_FALSE(numeric.request_id.has_value());
    CHECK(read_error_body(400, "", R"({"error":"e","code":-7})").code == "-7");
    CHECK_FALSE(read_error_body(400, "", R"({"error":"e","code":true})").code.has_value());
    CHECK_FALSE(read_error_body(400, "", R"({"error":"e","code":null})").code.has_value());
}

TEST_CASE("an HTML page from a proxy becomes one printable line", "[error_body]") {
    const auto body = read_error_body(502, "Bad Gateway",
                                      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                                      "<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n");
    CHECK(body.message ==
          "HTTP 502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> <body> "
          "<center><h1>502 Bad Gateway</h1></center> </body> </html>");
    CHECK_FALSE(body.code.has_value());
    CHECK_FALSE(body.request_id.has_value());
    CHECK_FALSE(body.details.has_value());
}

TEST_CASE("control characters, tabs and C1 controls collapse to spaces", "[error_body]") {
    CHECK(read_error_body(500, "Internal Server Error",
                          "  a\t\x1b[31m b\x7f\xc2\x9b"
                          "c \n")
              .message == "HTTP 500 Internal Server Error: a [31m b c");
}

TEST_CASE("an empty body gives the status line alone", "[error_body]") {
    CHECK(read_error_body(503, "Service Unavailable", "").message == "HTTP 503 Service Unavailable");
    CHECK(read_error_body(503, "", "").message == "HTTP 503");
    CHECK(read_error_body(503, "", " \r\n ").message == "HTTP 503");
    CHECK(read_error_body(500, "", "oops").message == "HTTP 500: oops");
}

TEST_CASE("JSON that is not an object is shown raw", "[error_body]") {
    CHECK(read_error_body(400, "Bad Request", R"(["error", "x"])").message ==
          R"(HTTP 400 Bad Request: ["error", "x"])");
    CHECK(read_error_body(400, "Bad Request", R"("just a string")").message ==
          R"(HTTP 400 Bad Request: "just a string")");
    CHECK(read_error_body(400, "Bad Request", R"({"error": "x")").message ==
          R"(HTTP 400 Bad Request: {"error": "x")");
}

TEST_CASE("an object without message fields falls back but keeps its ids", "[error_body]") {
    const auto body = read_error_body(404, "Not Found", R"({"request_id": "req_9", "code": "GONE"})");
    CHECK(body.message == R"(HTTP 404 Not Found: {"request_id": "req_9", "code": "GONE"})");
    CHECK(body.request_id == "req_9");
    CHECK(body.code == "GONE");
    CHECK(read_error_body(422, "", R"({"detail":[]})").message == R"(HTTP 422: {"detail":[]})");
}

TEST_CASE("a long body is cut to 300 bytes", "[error_body]") {
    const std::string prefix = "HTTP 500 Internal Server Error: ";
    CHECK(read_error_body(500, "Internal Server Error", std::string(1000, 'x')).message ==
          prefix + std::string(300, 'x') + "...");
    CHECK(read_error_body(500, "Internal Server Error", std::string(300, 'x')).message ==
          prefix + std::string(300, 'x'));
    // Trailing whitespace beyond the limit is trimmed, not counted as more text.
    CHECK(read_error_body(500, "Internal Server Error", std::string(300, 'x') + " \n").message ==
          prefix + std::string(300, 'x'));
}

TEST_CASE("the cut never splits a UTF-8 sequence", "[error_body]") {
    const std::string prefix = "HTTP 500 Internal Server Error: ";
    // "é" (2 bytes) occupies bytes 299 and 300: it does not fit, so 299 bytes are shown.
    CHECK(read_error_body(500, "Internal Server Error", std::string(299, 'a') + "\xc3\xa9" + "zz").message ==
          prefix + std::string(299, 'a') + "...");
    // "€" (3 bytes) at bytes 298..300.
    CHECK(
        read_error_body(500, "Internal Server Error", std::string(298, 'a') + "\xe2\x82\xac" + "z").message ==
        prefix + std::string(298, 'a') + "...");
    // A multibyte character that ends exactly at byte 300 is kept.
    CHECK(read_error_body(500, "Internal Server Error", std::string(298, 'a') + "\xc3\xa9" + "z").message ==
          prefix + std::string(298, 'a') + "\xc3\xa9...");
}

TEST_CASE("invalid UTF-8 in a raw body becomes '?' per bad byte", "[error_body]") {
    CHECK(read_error_body(500, "",
                          "a\xff"
                          "b\xc3(c\xed\xa0\x80"
                          "d\xf0\x9f\x98\x80")
              .message == "HTTP 500: a?b?(c???d\xf0\x9f\x98\x80");
    CHECK(read_error_body(500, "", "\xc0\xaf\xe2\x82").message == "HTTP 500: ????");
}

TEST_CASE("absurdly deep JSON is read as text, not recursed into", "[error_body]") {
    const std::string deep =
        R"({"error":"e","details":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    const auto body = read_error_body(500, "", deep);
    CHECK(body.message == "HTTP 500: " + deep.substr(0, 300) + "...");
    CHECK_FALSE(body.details.has_value());
}

TEST_CASE("error body: status 0 (an SSE event, a task object) never invents an HTTP status") {
    CHECK(read_error_body(0, "", "").message == "the server reported an error");
    CHECK(read_error_body(0, "", R"({"code":"LLM_TIMEOUT"})").message ==
          R"(the server reported an error: {"code":"LLM_TIMEOUT"})");
    CHECK(read_error_body(0, "", R"({"code":"LLM_TIMEOUT"})").code == "LLM_TIMEOUT");
    CHECK(read_error_body(0, "", "upstream \x1b[2J gone").message ==
          "the server reported an error: upstream [2J gone");
}
