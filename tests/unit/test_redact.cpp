// Redaction of trace lines: each rule with exact output, and a distinctive secret that must not
// survive in any of the places and encodings a trace can carry it.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "http/failure_text.hpp"
#include "http/redact.hpp"
#include "hyperoru/http.hpp"

using hyperoru::http::redact_line;

namespace {

// Distinctive, and with characters that percent-encoding changes.
const std::string k_token = "tok_SECRET_abc/+=";
const std::vector<std::string> k_secrets = {k_token, "hunter2-pass"};

}  // namespace

TEST_CASE("authorization headers keep the scheme and hide the credentials", "[redact]") {
    CHECK(redact_line("Authorization: Bearer abc") == "Authorization: Bearer <redacted>");
    CHECK(redact_line("authorization: bearer abc\r\n") == "authorization: bearer <redacted>\r\n");
    CHECK(redact_line("AUTHORIZATION:Basic dXNlcjpwYXNz\n") == "AUTHORIZATION:Basic <redacted>\n");
    CHECK(redact_line("Proxy-Authorization: Basic dXNlcjpwYXNz\r\n") ==
          "Proxy-Authorization: Basic <redacted>\r\n");
    CHECK(redact_line("Authorization: Digest username=\"u\", response=\"r\"") == "Authorization: <redacted>");
    CHECK(redact_line("Authorization: Bearer   abc") == "Authorization: Bearer   <redacted>");
    CHECK(redact_line("Authorization: Bearerabc") == "Authorization: <redacted>");
    // A lone word could be the credential itself, so it is hidden too.
    CHECK(redact_line("Authorization: Bearer\r\n") == "Authorization: <redacted>\r\n");
    // Nothing to hide: left as it is.
    CHECK(redact_line("Authorization:\r\n") == "Authorization:\r\n");
    CHECK(redact_line("Authorization:  \r\n") == "Authorization:  \r\n");
}

TEST_CASE("curl's verbose markers in front of a header", "[redact]") {
    CHECK(redact_line("> Authorization: Bearer abc\r\n") == "> Authorization: Bearer <redacted>\r\n");
    CHECK(redact_line("< set-cookie: sid=abc; Path=/; HttpOnly\r\n") == "< set-cookie: <redacted>\r\n");
}

TEST_CASE("cookie headers are hidden whole", "[redact]") {
    CHECK(redact_line("Cookie: session_token=abc; theme=dark\r\n") == "Cookie: <redacted>\r\n");
    CHECK(redact_line("Set-Cookie: sid=abc; Secure\n") == "Set-Cookie: <redacted>\n");
}

TEST_CASE("other headers are untouched", "[redact]") {
    for (const char* line : {"X-Authorization-Hint: none\r\n", "Content-Type: application/json\r\n",
                             "Cookies-Enabled: yes\n", "Authorization-Info: x"}) {
        CHECK(redact_line(line) == line);
    }
}

TEST_CASE("HTTP/2 info lines", "[redact]") {
    CHECK(redact_line("[HTTP/2] [1] [authorization: Bearer abc]") ==
          "[HTTP/2] [1] [authorization: Bearer <redacted>]");
    CHECK(redact_line("* [HTTP/2] [1] [authorization: Bearer abc]\n") ==
          "* [HTTP/2] [1] [authorization: Bearer <redacted>]\n");
    CHECK(redact_line("[HTTP/2] [3] [cookie: a=b; c=d]\r\n") == "[HTTP/2] [3] [cookie: <redacted>]\r\n");
    CHECK(redact_line("[HTTP/2] [1] [:path: /api/ws?session_token=abc&x=1]") ==
          "[HTTP/2] [1] [:path: /api/ws?session_token=<redacted>&x=1]");
    CHECK(redact_line("[HTTP/2] [1] [:method: GET]") == "[HTTP/2] [1] [:method: GET]");
}

TEST_CASE("secret query parameters", "[redact]") {
    CHECK(redact_line("GET /api/users/profile?session_token=abc HTTP/1.1\r\n") ==
          "GET /api/users/profile?session_token=<redacted> HTTP/1.1\r\n");
    CHECK(redact_line("https://h/x?a=1&TOKEN=abc#frag") == "https://h/x?a=1&TOKEN=<redacted>#frag");
    CHECK(redact_line("username=u&password=p%20q&api_key=k") ==
          "username=u&password=<redacted>&api_key=<redacted>");
    CHECK(redact_line(R"({"url":"https://h/?token=abc"})") == R"({"url":"https://h/?token=<redacted>"})");
    // Only whole parameter names: these are different parameters.
    CHECK(redact_line("https://h/x?csrf_token=abc&mytoken=def") == "https://h/x?csrf_token=abc&mytoken=def");
    CHECK(redact_line("https://h/x?token=&b=1") == "https://h/x?token=&b=1");
}

TEST_CASE("secret JSON members", "[redact]") {
    CHECK(redact_line(R"({"email": "you@example.com", "password": "a-strong-password"})") ==
          R"({"email": "you@example.com", "password": "<redacted>"})");
    CHECK(redact_line(R"({"session_token":"abc","user":{"id":1}})") ==
          R"({"session_token":"<redacted>","user":{"id":1}})");
    CHECK(redact_line(R"({"llm_api_key" : "sk-x","api_key":"k","token":"t"})") ==
          R"({"llm_api_key" : "<redacted>","api_key":"<redacted>","token":"<redacted>"})");
    CHECK(redact_line(R"({"password":"a\"b\\","next":"n"})") == R"({"password":"<redacted>","next":"n"})");
    // A line cut in the middle of the value.
    CHECK(redact_line(R"({"password":"abcdef)") == R"({"password":"<redacted>)");
    // Not strings, or not a member name: left alone.
    CHECK(redact_line(R"({"password":null,"token":12})") == R"({"password":null,"token":12})");
    CHECK(redact_line(R"({"type":"token","text":"hi"})") == R"({"type":"token","text":"hi"})");
    CHECK(redact_line(R"({"password_hint":"pet"})") == R"({"password_hint":"pet"})");
}

TEST_CASE("known secrets in every encoding", "[redact]") {
    CHECK(redact_line("echo tok_SECRET_abc/+= done", k_secrets) == "echo <redacted> done");
    CHECK(redact_line("q=tok_SECRET_abc%2F%2B%3D&x", k_secrets) == "q=<redacted>&x");
    CHECK(redact_line("q=tok_SECRET_abc%2f%2b%3d&x", k_secrets) == "q=<redacted>&x");
    CHECK(redact_line("wss://h/ws?session_token=tok_SECRET_abc%2F%2B%3D", k_secrets) ==
          "wss://h/ws?session_token=<redacted>");
    CHECK(redact_line("* [HTTP/2] [1] [authorization: Bearer tok_SECRET_abc/+=]", k_secrets) ==
          "* [HTTP/2] [1] [authorization: Bearer <redacted>]");
    CHECK(redact_line("Cookie: sid=tok_SECRET_abc/+=\r\n", k_secrets) == "Cookie: <redacted>\r\n");
    CHECK(redact_line("a tok_SECRET_abc/+=tok_SECRET_abc/+= b\n", k_secrets) == "a <redacted><redacted> b\n");
    CHECK(redact_line("login as hunter2-pass", k_secrets) == "login as <redacted>");
}

TEST_CASE("a secret containing quotes or backslashes, JSON-escaped", "[redact]") {
    const std::vector<std::string> secrets = {R"(pa"ss\word)"};
    CHECK(redact_line(R"({"note":"pa\"ss\\word"})", secrets) == R"({"note":"<redacted>"})");
    CHECK(redact_line(R"(raw pa"ss\word)", secrets) == "raw <redacted>");
    CHECK(redact_line("enc pa%22ss%5Cword", secrets) == "enc <redacted>");
}

TEST_CASE("a secret with control characters, JSON-escaped", "[redact]") {
    const std::vector<std::string> secrets = {"line1\nline2\tb\x01"};
    CHECK(redact_line(R"({"note":"line1\nline2\tb\u0001"})", secrets) == R"({"note":"<redacted>"})");
    CHECK(redact_line("q=line1%0Aline2%09b%01", secrets) == "q=<redacted>");
}

TEST_CASE("a secret containing another is replaced whole", "[redact]") {
    CHECK(redact_line("x abcd-efgh y", {"abcd", "abcd-efgh"}) == "x <redacted> y");
}

TEST_CASE("secrets shorter than 4 characters are not searched for", "[redact]") {
    CHECK(redact_line("a cat sat on a mat", {"at", "", "cat"}) == "a cat sat on a mat");
    CHECK(redact_line("a cat sat on a mat", {"at", "mat!", " mat"}) == "a cat sat on a<redacted>");
}

TEST_CASE("the token never survives any of the trace forms", "[redact]") {
    const std::vector<std::string> lines = {
        "> Authorization: Bearer tok_SECRET_abc/+=\r\n",
        "* [HTTP/2] [1] [authorization: Bearer tok_SECRET_abc/+=]\n",
        "> GET /ws?session_token=tok_SECRET_abc%2F%2B%3D HTTP/1.1\r\n",
        "* Connecting to wss://h/ws?session_token=tok_SECRET_abc%2f%2b%3d\n",
        "> Cookie: session_token=tok_SECRET_abc/+=\r\n",
        R"({"session_token":"tok_SECRET_abc/+=","expires_at":null})",
        "text tok_SECRET_abc/+= text",
    };
    for (const auto& line : lines) {
        const std::string out = redact_line(line, k_secrets);
        INFO(line << " -> " << out);
        CHECK(out.find("SECRET") == std::string::npos);
        CHECK(out.find("<redacted>") != std::string::npos);
    }
}

TEST_CASE("lines without secrets are unchanged byte for byte", "[redact]") {
    for (const char* line : {
             "GET /api/health HTTP/1.1\r\n",
             "Host: api.production.hyperoru.com\r\n",
             "HTTP/1.1 200 OK\n",
             "[HTTP/2] [1] [:scheme: https]",
             R"({"status": "healthy", "count": 3})",
             "\r\n",
             "\n",
             "",
             "trailing spaces   \r\n",
             "caf\xc3\xa9 \xff\xfe binary\r\n",
         }) {
        CHECK(redact_line(line, k_secrets) == line);
    }
}

TEST_CASE("a multi-line header block is redacted line by line", "[redact]") {
    CHECK(redact_line("GET / HTTP/1.1\r\nAuthorization: Bearer abc\r\nAccept: */*\r\n\r\n") ==
          "GET / HTTP/1.1\r\nAuthorization: Bearer <redacted>\r\nAccept: */*\r\n\r\n");
}

TEST_CASE("failure text: the summary, then the detail, never the same words twice") {
    CHECK(hyperoru::http::summarised("could not resolve host", "Could not resolve host: api.example") ==
          "could not resolve host: api.example");
    CHECK(hyperoru::http::summarised("could not connect", "Failed to connect to 127.0.0.1 port 1") ==
          "could not connect: Failed to connect to 127.0.0.1 port 1");
    CHECK(hyperoru::http::summarised("timed out", "") == "timed out");
}

TEST_CASE("url: userinfo is found in the authority only; loopback is decided on the literal host") {
    using hyperoru::http::has_userinfo;
    using hyperoru::http::is_loopback_host;
    CHECK(has_userinfo("https://trader:hunter2@api.example.test"));
    CHECK(has_userinfo("http://user@127.0.0.1:8080/prefix"));
    CHECK_FALSE(has_userinfo("https://api.example.test/users/a@b"));
    CHECK_FALSE(has_userinfo("https://api.example.test?email=a@b"));
    CHECK_FALSE(has_userinfo("not a url @ all"));

    for (const char* host : {"127.0.0.1", "127.255.0.9", "localhost", "LOCALHOST", "[::1]",
                             "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]"}) {
        INFO(host);
        CHECK(is_loopback_host(host));
    }
    for (const char* host : {"127.evil.example", "127.0.0.1.evil.example", "localhost.", "localhost.example",
                             "10.0.0.1", "[::2]", "[::ffff:10.0.0.1]", "127.1", "0x7f.0.0.1", ""}) {
        INFO(host);
        CHECK_FALSE(is_loopback_host(host));
    }
}
