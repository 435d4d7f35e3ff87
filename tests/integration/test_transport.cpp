// The libcurl transport against the local stand-in: what goes on the wire (exact headers and
// bodies), keep-alive, the redacted verbose trace, and every way a transfer can fail.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <catch2/catch.hpp>

#include "hyperoru/http.hpp"
#include "support/standin.hpp"

namespace {

using namespace hyperoru::http;
using namespace hyperoru::test;
using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

const std::string k_agent = "hyperoru-test/1";
const std::string k_token = k_standin_token;

TransportOptions options_with(std::ostream* trace = nullptr) {
    TransportOptions options;
    options.user_agent = k_agent;
    options.timeout = 10s;
    options.connect_timeout = 5s;
    options.trace = trace;
    return options;
}

Request request(std::string method, std::string url, Headers headers = {},
                std::optional<std::string> body = std::nullopt) {
    Request r;
    r.method = std::move(method);
    r.url = std::move(url);
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
}

Response expect_response(const Outcome& outcome) {
    if (const auto* failure = std::get_if<Failure>(&outcome)) {
        FAIL("unexpected failure " << to_string(failure->kind) << ": " << failure->message);
    }
    return std::get<Response>(outcome);
}

Failure expect_failure(const Outcome& outcome) {
    if (const auto* response = std::get_if<Response>(&outcome)) {
        FAIL("unexpected response " << response->status << ": " << response->body);
    }
    return std::get<Failure>(outcome);
}

/// "Name: value" lines of the headers the stand-in received.
std::vector<std::string> received(const LoggedRequest& logged) {
    std::vector<std::string> lines;
    for (const auto& [name, value] : logged.headers) lines.push_back(name + ": " + value);
    return lines;
}

/// The header lines every request carries (Host, User-Agent), then `extra` in order.
std::vector<std::string> wire_headers(const StandIn& server, const std::vector<std::string>& extra) {
    std::vector<std::string> all{"Host: 127.0.0.1:" + std::to_string(server.port()),
                                 "User-Agent: " + k_agent};
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

/// A trace sink that raises `flag` once `trigger` has been written: the transport flushes the
/// trace after every callback, so the flag goes up exactly when that trace line arrives.
class Tripwire : public std::stringbuf {
public:
    Tripwire(std::atomic<bool>& flag, std::string trigger) : m_flag(flag), m_trigger(std::move(trigger)) {}

protected:
    int sync() override {
        if (str().find(m_trigger) != std::string::npos) m_flag = true;
        return 0;
    }

private:
    std::atomic<bool>& m_flag;
    std::string m_trigger;
};

}  // namespace

TEST_CASE("transport: a GET sends exactly the given headers and returns status, headers and body") {
    StandIn server;
    auto transport = make_curl_transport(options_with());
    const auto response =
        expect_response(transport->perform(request("GET", server.base_url() + "/api/health?probe=1",
                                                   {{"Accept", "application/json"}, {"X-Trace", "a  b"}})));
    CHECK(response.status == 200);
    CHECK(response.reason == "OK");
    CHECK(response.body == R"({"status": "healthy"})");
    std::vector<std::string> names;
    for (const auto& header : response.headers) names.push_back(header.name);
    CHECK(names == std::vector<std::string>{"Server", "Date", "Content-Type", "Content-Length"});
    CHECK(find_header(response.headers, "content-type") == "application/json");
    CHECK(find_header(response.headers, "CONTENT-LENGTH") == "21");
    CHECK_FALSE(find_header(response.headers, "Location").has_value());

    const auto log = server.requests();
    REQUIRE(log.size() == 1);
    CHECK(log[0].method == "GET");
    CHECK(log[0].path == "/api/health");
    CHECK(log[0].query == "probe=1");
    // No Content-Type, Content-Length, Expect or Accept-Encoding of libcurl's own.
    CHECK(received(log[0]) == wire_headers(server, {"Accept: application/json", "X-Trace: a  b"}));
    CHECK(log[0].body == "");
}

TEST_CASE("transport: bodies are sent byte for byte, with the right method and framing") {
    StandIn server;
    auto transport = make_curl_transport(options_with());
    const std::string url = server.base_url() + "/api/account/";
    static constexpr char k_raw[] = "{\"name\": \"caf\xC3\xA9\", \"raw\": \"a\0b\"}\r\n";  // UTF-8, NUL, CRLF
    const std::string body(k_raw, sizeof k_raw - 1);
    SECTION("POST with a body: its Content-Type, and Content-Length") {
        const auto response = expect_response(transport->perform(
            request("POST", url,
                    {{"Authorization", "Bearer " + k_token}, {"Content-Type", "application/json"}}, body)));
        CHECK(response.status == 400);  // the stand-in's JSON check refuses the NUL; the bytes matter here
        const auto log = server.requests();
        REQUIRE(log.size() == 1);
        CHECK(log[0].method == "POST");
        CHECK(received(log[0]) == wire_headers(server, {"Accept: */*", "Authorization: Bearer " + k_token,
                                                        "Content-Type: application/json",
                                                        "Content-Length: " + std::to_string(body.size())}));
        CHECK(log[0].body == body);
    }
    SECTION("POST without a body: Content-Length 0 and no Content-Type") {
        expect_response(transport->perform(request("POST", url)));
        const auto log = server.requests();
        REQUIRE(log.size() == 1);
        CHECK(log[0].method == "POST");
        CHECK(received(log[0]) == wire_headers(server, {"Accept: */*", "Content-Length: 0"}));
        CHECK(log[0].body == "");
    }
    SECTION("PUT with a body but no type, DELETE without, then a GET on the same handle") {
        expect_response(transport->perform(request("PUT", url, {}, "put-body")));
        expect_response(transport->perform(request("DELETE", url)));
        expect_response(transport->perform(request("GET", url)));
        const auto log = server.requests();
        REQUIRE(log.size() == 3);
        CHECK(log[0].method == "PUT");
        CHECK(received(log[0]) == wire_headers(server, {"Accept: */*", "Content-Length: 8"}));
        CHECK(log[0].body == "put-body");
        CHECK(log[1].method == "DELETE");
        CHECK(received(log[1]) == wire_headers(server, {"Accept: */*"}));
        CHECK(log[2].method == "GET");
        CHECK(received(log[2]) == wire_headers(server, {"Accept: */*"}));
        CHECK(log[2].body == "");
    }
}

TEST_CASE("transport: idempotent requests reuse one connection, a POST gets its own") {
    StandIn server;
    std::ostringstream trace;
    auto transport = make_curl_transport(options_with(&trace));
    expect_response(transport->perform(request("GET", server.base_url() + "/api/health")));
    const std::string first = trace.str();
    CHECK(count_of(first, "* Connected to 127.0.0.1 (127.0.0.1) port " + std::to_string(server.port())) == 1);
    CHECK(count_of(first, "* Connection #0 to host 127.0.0.1 left intact") == 1);
    trace.str("");
    expect_response(transport->perform(request("GET", server.base_url() + "/api/health")));
    const std::string second = trace.str();
    CHECK(count_of(second, "* Re-using existing connection #0 with host 127.0.0.1") == 1);
    CHECK(count_of(second, "Connected to") == 0);
    CHECK(count_of(second, "Trying") == 0);
    // libcurl would silently re-send a request whose reused connection died; a POST must never
    // be sent twice, so it always opens a fresh connection.
    trace.str("");
    expect_response(transport->perform(request("POST", server.base_url() + "/api/users/logout")));
    const std::string third = trace.str();
    CHECK(count_of(third, "Re-using existing connection") == 0);
    CHECK(count_of(third, "* Connected to 127.0.0.1 (127.0.0.1) port " + std::to_string(server.port())) == 1);
    const auto log = server.requests();
    REQUIRE(log.size() == 3);
    CHECK(log[2].method == "POST");
}

// §1.9: a POST that may have reached the server is never sent again. libcurl on its own re-sends
// a request whose reused connection dies before any response byte ("Connection died, retrying a
// fresh connect"); the transport must not let that happen to a POST.
TEST_CASE("transport: a POST whose reused connection dies is not sent a second time") {
    StandIn server;
    auto transport = make_curl_transport(options_with());
    expect_response(transport->perform(request("GET", server.base_url() + "/api/health")));
    server.script(R"({"method": "POST", "path": "/api/account/", "responses": [{"action": "close"}]})");
    const auto outcome = transport->perform(
        request("POST", server.base_url() + "/api/account/",
                {{"Authorization", "Bearer " + k_token}, {"Content-Type", "application/json"}},
                R"({"name": "once"})"));
    std::vector<std::string> methods;
    for (const auto& logged : server.requests()) methods.push_back(logged.method + " " + logged.path);
    CHECK(methods == std::vector<std::string>{"GET /api/health", "POST /api/account/"});
    const auto failure = expect_failure(outcome);
    CHECK(failure.kind == FailureKind::receive);
    CHECK(failure.request_sent);
}

TEST_CASE("transport: a header with an empty value is sent, not dropped") {
    StandIn server;
    auto transport = make_curl_transport(options_with());
    expect_response(transport->perform(
        request("GET", server.base_url() + "/api/health", {{"Accept", ""}, {"X-Empty", ""}})));
    const auto log = server.requests();
    REQUIRE(log.size() == 1);
    CHECK(received(log[0]) == wire_headers(server, {"Accept: ", "X-Empty: "}));
}

TEST_CASE("transport: the verbose trace is prefixed line by line and never shows a secret") {
    StandIn server;
    std::ostringstream trace;
    auto options = options_with(&trace);
    const std::string secret = "s3cret value/42";
    options.secrets = {secret};
    auto transport = make_curl_transport(options);
    const auto response = expect_response(transport->perform(request(
        "POST", server.base_url() + "/api/users/login?q=s3cret%20value%2F42",
        {{"Authorization", "Bearer " + k_token}, {"X-Custom", secret}, {"Content-Type", "application/json"}},
        R"({"email": "trader@example.com", "password": "secret"})")));
    CHECK(response.status == 200);
    const std::string text = trace.str();
    const auto lines = lines_of(text);
    REQUIRE(lines.size() > 10);
    for (const auto& line : lines) {
        CAPTURE(line);
        CHECK((line.starts_with("* ") || line.starts_with("> ") || line.starts_with("< ")));
    }
    CHECK(std::count(lines.begin(), lines.end(), "> POST /api/users/login?q=<redacted> HTTP/1.1") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "> Authorization: Bearer <redacted>") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "> X-Custom: <redacted>") == 1);
    CHECK(std::count(lines.begin(), lines.end(), "< HTTP/1.1 200 OK") == 1);
    for (const std::string& leak :
         {k_token, std::string("0123456789abcdef"), secret, std::string("s3cret%20value"),
          std::string("secret\""), std::string("session_token"), std::string("hs_")}) {
        CAPTURE(leak);
        CHECK(text.find(leak) == std::string::npos);
    }
}

TEST_CASE("transport: a header or URL with CR or LF is refused before anything is sent") {
    StandIn server;
    auto transport = make_curl_transport(options_with());
    const std::string url = server.base_url() + "/api/health";
    const Request bad_requests[] = {
        request("GET", url, {{"X-Evil", "a\r\nX-Injected: 1"}}),
        request("GET", url, {{"X-Evil\n", "a"}}),
        request("GET", url, {{"X-Evil", "line\nfeed"}}),
        request("GET", url + "\r\nX-Injected: 1"),
    };
    for (const auto& bad : bad_requests) {
        const auto failure = expect_failure(transport->perform(bad));
        CHECK(failure.kind == FailureKind::protocol);
        CHECK_FALSE(failure.request_sent);
    }
    CHECK(server.requests().empty());
    expect_response(transport->perform(request("GET", url)));  // the transport is still usable
    CHECK(server.requests().size() == 1);
}

TEST_CASE("transport: a response over the size cap is a too_large failure") {
    StandIn server;
    auto options = options_with();
    options.max_response_bytes = 1000;
    auto transport = make_curl_transport(options);
    const std::string url = server.base_url() + "/api/health";
    const std::string big = std::string(5000, 'x');
    SECTION("announced by Content-Length") {
        server.script(R"({"method": "GET", "path": "/api/health", "responses": [{"body": ")" + big +
                      R"("}]})");
    }
    SECTION("without Content-Length") {
        server.script(R"({"method": "GET", "path": "/api/health", "responses": [{"body": ")" + big +
                      R"(", "action": "no_content_length"}]})");
    }
    const auto failure = expect_failure(transport->perform(request("GET", url)));
    CHECK(failure.kind == FailureKind::too_large);
    CHECK(failure.message == "response too large: more than 1000 bytes");
    server.script(R"({"method": "GET", "path": "/api/health", "responses": [{"body": ")" +
                  std::string(1000, 'y') + R"("}]})");
    CHECK(expect_response(transport->perform(request("GET", url))).body == std::string(1000, 'y'));
}

TEST_CASE("transport: a slow answer times out, a closed port fails to connect") {
    SECTION("timeout") {
        StandIn server;
        server.script(R"({"method": "GET", "path": "/api/health", "responses": [{"delay": 3}]})");
        auto options = options_with();
        options.timeout = 500ms;
        auto transport = make_curl_transport(options);
        const auto start = Steady::now();
        const auto failure =
            expect_failure(transport->perform(request("GET", server.base_url() + "/api/health")));
        CHECK(Steady::now() - start < 1500ms);
        CHECK(failure.kind == FailureKind::timeout);
        CHECK(failure.message.starts_with("timed out: "));
        CHECK(failure.request_sent);
        CHECK(server.requests().size() == 1);
    }
    SECTION("connection refused") {
        std::string url;
        {
            const StandIn gone;
            url = gone.base_url() + "/api/health";
        }
        auto transport = make_curl_transport(options_with());
        const auto failure = expect_failure(transport->perform(request("GET", url)));
        CHECK(failure.kind == FailureKind::connect);
        CHECK(failure.message.starts_with("could not connect: "));
        CHECK_FALSE(failure.request_sent);
    }
}

TEST_CASE("transport: a request's own timeout and the stall limit cut an exchange short") {
    StandIn server;
    auto options = options_with();  // 10 s for the whole exchange
    SECTION("no byte for the stall limit, after the headers") {
        server.script(R"({"method": "GET", "path": "/api/health", "responses": [
            {"status": 200, "body": "late", "action": "stall_after_headers", "stall": 4}]})");
        options.stall_timeout = 1s;
    }
    SECTION("no answer within the request's timeout, shorter than the transport's") {
        server.script(R"({"method": "GET", "path": "/api/health", "responses": [{"delay": 4}]})");
    }
    auto transport = make_curl_transport(options);
    auto req = request("GET", server.base_url() + "/api/health");
    if (options.stall_timeout.count() == 0) req.timeout = 1s;
    const auto start = Steady::now();
    const auto failure = expect_failure(transport->perform(req));
    CHECK(Steady::now() - start < 3s);  // the server alone would take 4 s
    CHECK(failure.kind == FailureKind::timeout);
    CHECK(failure.request_sent);
}

TEST_CASE("transport: a redirect is returned, never followed") {
    StandIn server;
    server.script(R"({"method": "GET", "path": "/api/users/profile", "responses": [
        {"status": 307, "headers": {"Location": "/api/health"}}]})");
    auto transport = make_curl_transport(options_with());
    const auto response =
        expect_response(transport->perform(request("GET", server.base_url() + "/api/users/profile")));
    CHECK(response.status == 307);
    CHECK(response.reason == "Temporary Redirect");
    CHECK(find_header(response.headers, "location") == "/api/health");
    CHECK(response.body == "");
    CHECK(server.requests().size() == 1);
}

TEST_CASE("transport: a flag raised by another thread ends an idle transfer within 150 ms") {
    StandIn server;
    server.script(R"({"method": "GET", "path": "/api/health", "responses": [{"delay": 5}]})");
    std::atomic<bool> interrupted{false};
    auto options = options_with();
    options.interrupted = &interrupted;
    auto transport = make_curl_transport(options);
    Steady::time_point raised;
    std::thread raiser([&] {
        server.control("GET", "/__standin/requests?count=1");  // the server holds it: curl is idle
        raised = Steady::now();
        interrupted = true;
    });
    const auto failure =
        expect_failure(transport->perform(request("GET", server.base_url() + "/api/health")));
    const auto ended = Steady::now();
    raiser.join();
    // The transport wakes every 50 ms; libcurl's own loop alone takes about 200 ms to notice.
    CHECK(ended - raised < 150ms);
    CHECK(failure.kind == FailureKind::aborted);
}

TEST_CASE("transport: the interrupted flag aborts a stalled transfer") {
    StandIn server;
    server.script(R"({"method": "GET", "path": "/api/health", "responses": [
        {"status": 200, "body": "late", "action": "stall_after_headers", "stall": 3}]})");
    std::atomic<bool> interrupted{false};
    auto options = options_with();
    SECTION("set before the transfer starts") {
        interrupted = true;
        options.interrupted = &interrupted;
        auto transport = make_curl_transport(options);
        const auto start = Steady::now();
        const auto failure =
            expect_failure(transport->perform(request("GET", server.base_url() + "/api/health")));
        CHECK(Steady::now() - start < 1s);
        CHECK(failure.kind == FailureKind::aborted);
    }
    SECTION("set while the server stalls after the headers") {
        Tripwire tripwire(interrupted, "< HTTP/1.1 200 OK");
        std::ostream trace(&tripwire);
        options.trace = &trace;
        options.interrupted = &interrupted;
        auto transport = make_curl_transport(options);
        const auto start = Steady::now();
        const auto failure =
            expect_failure(transport->perform(request("GET", server.base_url() + "/api/health")));
        CHECK(Steady::now() - start < 2s);  // the stall alone lasts 3 s
        CHECK(failure.kind == FailureKind::aborted);
        CHECK(failure.request_sent);
        CHECK(server.requests().size() == 1);
    }
}
