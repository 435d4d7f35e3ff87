// End-to-end: login, logout, auth status/token and profile with the real binary: what the user
// sees, what reaches the server, what lands in the config file, and what never shows anywhere.
#include <nlohmann/json.hpp>

#include "e2e/e2e.hpp"

namespace {

using namespace e2e;
using nlohmann::json;

const std::string k_login_body = R"({"email":"trader@example.com","password":"secret"})";

std::string logged_in(const StandIn& server, const Env& env, const std::string& context = "default") {
    return "Logged in to " + server.base_url() + " as trader1.\nToken saved to " +
           env.config_file().string() + " (context \"" + context + "\").\n";
}

json config_of(const Env& env) {
    return json::parse(read_text(env.config_file()));
}

/// floor((2027-05-24T00:00:00Z - now) / 1 day), as `auth status` computes days_left.
long days_left_now() {
    using namespace std::chrono;
    const sys_seconds expires = sys_days{year{2027} / May / 24};
    return static_cast<long>(floor<days>(expires - floor<seconds>(system_clock::now())).count());
}

}  // namespace

TEST_CASE("e2e: login --password-stdin saves the token and says where") {
    StandIn server({"--login-token", k_login_token});
    const Env env;
    const std::string before = iso_now();
    const auto r = login(server, env);
    const std::string after = iso_now();
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
    CHECK(r.err == logged_in(server, env));
    CHECK(describe(server.requests()) ==
          describe({post_json("/api/users/login", std::nullopt, k_login_body)}));

    const json config = config_of(env);
    CHECK(config.at("current_context") == "default");
    const json& entry = config.at("contexts").at("default");
    CHECK(entry.at("session_token") == k_login_token);
    CHECK(entry.at("base_url") == server.base_url());
    CHECK(entry.at("email") == "trader@example.com");
    CHECK(entry.at("username") == "trader1");
    CHECK(entry.at("expires_at") == "2027-05-24T00:00:00Z");
    const std::string issued_at = entry.at("issued_at").get<std::string>();
    CHECK(issued_at >= before);  // ISO 8601 UTC strings of one format sort as times
    CHECK(issued_at <= after);
}

TEST_CASE("e2e: login creates a missing config directory 0700 and the file 0600 under umask 000") {
    StandIn server({"--login-token", k_login_token});
    Env env;
    env.set("HYPERORU_CONFIG_DIR", (env.dir() / "nested" / "deeper" / "hyperoru").string());
    const auto r = run(env,
                       {"/bin/sh", "-c", "umask 000; exec \"$0\" \"$@\"", HYPERORU_BINARY, "--base-url",
                        server.base_url(), "login", "--email", "trader@example.com", "--password-stdin"},
                       "secret\n");
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
    CHECK(r.err == logged_in(server, env));
    CHECK(mode_of(env.config_dir()) == 0700u);
    CHECK(mode_of(env.config_file()) == 0600u);
    CHECK(config_of(env).at("contexts").at("default").at("session_token") == k_login_token);
}

TEST_CASE("e2e: login by username") {
    StandIn server({"--login-token", k_login_token});
    const Env env;
    const auto r =
        cli(env, {"--base-url", server.base_url(), "login", "--username", "trader1", "--password-stdin"},
            "secret\n");
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
    CHECK(r.err == logged_in(server, env));
    CHECK(describe(server.requests()) ==
          describe({post_json("/api/users/login", std::nullopt,
                              R"({"username":"trader1","password":"secret"})")}));
    const json entry = config_of(env).at("contexts").at("default");
    CHECK(entry.at("session_token") == k_login_token);
    CHECK(entry.at("username") == "trader1");
    CHECK(entry.at("email") == "trader@example.com");
}

TEST_CASE("e2e: login with a wrong password exits 4 and writes no config") {
    StandIn server;
    const Env env;
    const auto r = cli(
        env, {"--base-url", server.base_url(), "login", "--email", "trader@example.com", "--password-stdin"},
        "wrong\n");
    CHECK(r.rc == 4);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: Invalid credentials; check the email and password (HTTP 401, code "
          "INVALID_CREDENTIALS, "
          "request_id req_000001)\n");
    CHECK(describe(server.requests()) ==
          describe({post_json("/api/users/login", std::nullopt,
                              R"({"email":"trader@example.com","password":"wrong"})")}));
    CHECK_FALSE(std::filesystem::exists(env.config_file()));
}

TEST_CASE("e2e: login off a terminal without --password-stdin is a usage error, not a hang") {
    StandIn server;
    const Env env;
    const auto r =
        cli(env, {"--base-url", server.base_url(), "login", "--email", "trader@example.com"}, "secret\n", 5s);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: no password: pipe it with --password-stdin (stdin is not a terminal)\n"
          "Run 'hyperoru login --help' for usage.\n");
    CHECK(server.requests().empty());
    CHECK_FALSE(std::filesystem::exists(env.config_file()));
}

TEST_CASE("e2e: login on a terminal prompts, reads the password without echo, then profile works") {
    StandIn server({"--login-token", k_login_token});
    const Env env;
    const auto r = cli_pty(env, {"--base-url", server.base_url(), "login"},
                           {{"Email: ", "trader@example.com\n"}, {"Password: ", "secret\n"}});
    CHECK(r.exit_code == 0);
    CHECK(r.output == "Logging in to " + server.base_url() +
                          " (context \"default\")\nEmail: trader@example.com\nPassword: \n" +
                          logged_in(server, env));
    CHECK_FALSE(contains(r.output, "secret"));
    const auto profile = cli(env, {"profile"});
    CHECK(profile.rc == 0);
    CHECK(profile.out == k_profile_json);
    CHECK(profile.err.empty());
    CHECK(describe(server.requests()) == describe({post_json("/api/users/login", std::nullopt, k_login_body),
                                                   get("/api/users/profile", bearer(k_login_token))}));
}

TEST_CASE("e2e: Ctrl-C at a login prompt ends the prompt's line before the error") {
    StandIn server;
    const Env env;
    const std::string announced = "Logging in to " + server.base_url() + " (context \"default\")\n";
    SECTION("at the password prompt (no echo)") {
        const auto r = cli_pty(env, {"--base-url", server.base_url(), "login"},
                               {{"Email: ", "trader@example.com\n"}, {"Password: ", "\x03"}});
        CHECK(r.exit_code == 130);
        CHECK(r.output ==
              announced + "Email: trader@example.com\nPassword: \nhyperoru: error: interrupted\n");
    }
    SECTION("at the email prompt (the terminal echoes ^C)") {
        const auto r = cli_pty(env, {"--base-url", server.base_url(), "login"}, {{"Email: ", "\x03"}});
        CHECK(r.exit_code == 130);
        CHECK(r.output == announced + "Email: ^C\nhyperoru: error: interrupted\n");
    }
    CHECK(server.requests().empty());
    CHECK_FALSE(std::filesystem::exists(env.config_file()));
}

TEST_CASE("e2e: profile after login sends the saved token") {
    StandIn server({"--login-token", k_login_token});
    const Env env;
    REQUIRE(login(server, env).rc == 0);
    const auto r = cli(env, {"profile"});
    CHECK(r.rc == 0);
    CHECK(r.out == k_profile_json);
    CHECK(r.err.empty());
    CHECK(describe(server.requests()) == describe({post_json("/api/users/login", std::nullopt, k_login_body),
                                                   get("/api/users/profile", bearer(k_login_token))}));
}

TEST_CASE("e2e: auth status and auth token read the config only") {
    StandIn server({"--login-token", k_login_token});
    const Env env;
    REQUIRE(login(server, env).rc == 0);
    const long days_before = days_left_now();
    const auto status = cli(env, {"auth", "status"});
    const long days_after = days_left_now();
    const auto expected = [&](long days) {
        return "{\n"
               "  \"context\": \"default\",\n"
               "  \"base_url\": \"" +
               server.base_url() +
               "\",\n"
               "  \"logged_in\": true,\n"
               "  \"username\": \"trader1\",\n"
               "  \"email\": \"trader@example.com\",\n"
               "  \"token_source\": \"config\",\n"
               "  \"token_location\": \"" +
               env.config_file().string() +
               "\",\n"
               "  \"expires_at\": \"2027-05-24T00:00:00Z\",\n"
               "  \"expires_source\": \"server\",\n"
               "  \"days_left\": " +
               std::to_string(days) +
               "\n"
               "}\n";
    };
    INFO("stdout: " << status.out << "stderr: " << status.err);
    CHECK((status.out == expected(days_before) || status.out == expected(days_after)));
    // The stand-in's expiry date is fixed: as it nears, a warning is due, and after it exit 4.
    const long days = status.out == expected(days_before) ? days_before : days_after;
    CHECK(status.rc == (days < 0 ? 4 : 0));
    CHECK(status.err ==
          (days < 0    ? "hyperoru: error: the token expired on 2027-05-24T00:00:00Z; run 'hyperoru login'\n"
           : days < 14 ? "hyperoru: warning: the token expires in " + std::to_string(days) +
                             " days; run 'hyperoru login' to renew it\n"
                       : std::string()));
    const auto token = cli(env, {"auth", "token"});
    CHECK(token.rc == 0);
    CHECK(token.out == k_login_token + "\n");
    CHECK(token.err.empty());
    CHECK(server.requests().size() == 1);  // the login; status and token send nothing
}

TEST_CASE("e2e: auth status when not logged in exits 4") {
    const Env env;
    const auto r = cli(env, {"auth", "status"});
    CHECK(r.rc == 4);
    CHECK(r.out.empty());
    CHECK(
        r.err ==
        "hyperoru: error: not logged in (context \"default\"); run 'hyperoru login' or set HYPERORU_TOKEN\n");
    const auto token = cli(env, {"auth", "token"});
    CHECK(token.rc == 4);
    CHECK(token.out.empty());
    CHECK(token.err == r.err);
}

TEST_CASE("e2e: logout revokes the token, removes it locally, and is idempotent") {
    StandIn server({"--login-token", k_login_token});
    Env env;
    REQUIRE(login(server, env).rc == 0);
    const auto r = cli(env, {"logout"});
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
    CHECK(r.err == "The server revoked the token.\nRemoved the token from " + env.config_file().string() +
                       " (context \"default\").\n");
    CHECK(describe(server.requests()) == describe({post_json("/api/users/login", std::nullopt, k_login_body),
                                                   post_empty("/api/users/logout", bearer(k_login_token))}));
    CHECK_FALSE(config_of(env).at("contexts").at("default").contains("session_token"));

    // The server really revoked it (no reset in between: a reset would forget it too).
    env.set("HYPERORU_TOKEN", k_login_token);
    const auto revoked = cli(env, {"profile"});
    CHECK(revoked.rc == 4);
    CHECK(revoked.out.empty());
    CHECK(revoked.err ==
          "hyperoru: error: Invalid or expired session token; run 'hyperoru login' (HTTP 401, code "
          "UNAUTHORIZED, request_id req_000001)\n");
    env.vars.erase("HYPERORU_TOKEN");

    const auto again = cli(env, {"logout"});
    CHECK(again.rc == 0);
    CHECK(again.out.empty());
    CHECK(again.err == "Not logged in (context \"default\"): nothing to do.\n");
    CHECK(describe(server.requests()) == describe({post_json("/api/users/login", std::nullopt, k_login_body),
                                                   post_empty("/api/users/logout", bearer(k_login_token)),
                                                   get("/api/users/profile", bearer(k_login_token))}));
}

TEST_CASE("e2e: logout from a server without logout still removes the local token") {
    StandIn server({"--login-token", k_login_token, "--no-logout"});
    Env env;
    REQUIRE(login(server, env).rc == 0);
    const auto r = cli(env, {"logout"});
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
    CHECK(
        r.err ==
        "This server has no logout: the token stays valid on the server until it expires or the password is "
        "changed.\nRemoved the token from " +
            env.config_file().string() + " (context \"default\").\n");
    CHECK(describe(server.requests()) == describe({post_json("/api/users/login", std::nullopt, k_login_body),
                                                   post_empty("/api/users/logout", bearer(k_login_token))}));
    CHECK(cli(env, {"auth", "status"}).rc == 4);
    env.set("HYPERORU_TOKEN", k_login_token);  // as the message says, the server still takes it
    CHECK(cli(env, {"profile"}).rc == 0);
}

TEST_CASE("e2e: -v redacts the token on stderr") {
    StandIn server;
    Env env;
    env.set("HYPERORU_TOKEN", k_standin_token);
    const auto r = cli(env, {"-v", "--base-url", server.base_url(), "profile"});
    CHECK(r.rc == 0);
    CHECK(r.out == k_profile_json);
    CHECK(contains(r.err, "Authorization: Bearer <redacted>"));
    CHECK(contains(r.err, "GET /api/users/profile HTTP/1.1"));
    CHECK_FALSE(contains(r.err, k_standin_token));
    CHECK_FALSE(contains(r.err, "0123456789abcdef"));
    CHECK(describe(server.requests()) == describe({get("/api/users/profile", bearer(k_standin_token))}));
}

TEST_CASE("e2e: -v login shows neither the password nor the issued token") {
    StandIn server({"--login-token", k_login_token});
    const Env env;
    const auto r = login(server, env, {"-v"});
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
    CHECK(contains(r.err, "POST /api/users/login HTTP/1.1"));
    CHECK(contains(r.err, logged_in(server, env)));
    CHECK_FALSE(contains(r.err, "secret"));
    CHECK_FALSE(contains(r.err, k_login_token));
    CHECK(config_of(env).at("contexts").at("default").at("session_token") == k_login_token);
}

TEST_CASE("e2e: a named context keeps its own server and token") {
    StandIn main_server({"--login-token", k_login_token});
    StandIn staging({"--login-token", "hs_staging_token_e2e"});
    const Env env;
    REQUIRE(login(main_server, env).rc == 0);
    const json default_entry = config_of(env).at("contexts").at("default");

    const auto r = login(staging, env, {"--context", "staging"});
    CHECK(r.rc == 0);
    CHECK(r.err == logged_in(staging, env, "staging"));
    const json config = config_of(env);
    CHECK(config.at("current_context") == "default");
    CHECK(config.at("contexts").at("default") == default_entry);
    CHECK(config.at("contexts").at("staging").at("base_url") == staging.base_url());
    CHECK(config.at("contexts").at("staging").at("session_token") == "hs_staging_token_e2e");

    const auto on_staging = cli(env, {"--context", "staging", "profile"});
    CHECK(on_staging.rc == 0);
    CHECK(on_staging.out == k_profile_json);
    CHECK(on_staging.err.empty());
    const auto on_default = cli(env, {"profile"});
    CHECK(on_default.rc == 0);
    CHECK(on_default.out == k_profile_json);
    CHECK(describe(staging.requests()) ==
          describe({post_json("/api/users/login", std::nullopt, k_login_body),
                    get("/api/users/profile", bearer("hs_staging_token_e2e"))}));
    CHECK(describe(main_server.requests()) ==
          describe({post_json("/api/users/login", std::nullopt, k_login_body),
                    get("/api/users/profile", bearer(k_login_token))}));
}

TEST_CASE("e2e: a stored token is never sent to another server") {
    StandIn issuer({"--login-token", k_login_token});
    StandIn other;
    const Env env;
    REQUIRE(login(issuer, env).rc == 0);
    const auto r = cli(env, {"--base-url", other.base_url(), "profile"});
    CHECK(r.rc == 4);
    CHECK(r.out.empty());
    CHECK(r.err == "hyperoru: error: the token of context \"default\" was issued by " + issuer.base_url() +
                       " and is never sent to " + other.base_url() +
                       "; run 'hyperoru login' for this server or use --context\n");
    CHECK(other.requests().empty());
    CHECK(issuer.requests().size() == 1);  // the login only
}
