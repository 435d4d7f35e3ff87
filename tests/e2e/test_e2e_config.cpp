// End-to-end: `context list|use|show|delete` and `config get|set|list|path` with the real binary:
// exact output and exit codes, the config file's content after every write, which server a
// later command reaches with which token, and that no token ever shows in any output.
#include <nlohmann/json.hpp>

#include "e2e/e2e.hpp"

namespace {

using namespace e2e;
using Json = nlohmann::ordered_json;

const std::string k_login_body = R"({"email":"trader@example.com","password":"secret"})";
const std::string k_selfhosted_token = "hs_selfhosted_token_e2e";
const std::string k_env_token = "hs_environment_token_e2e";

/// Every result of a test, checked at the end for any of the tokens it knows.
struct Outputs {
    std::vector<Result> all;
    const Result& add(Result r) {
        all.push_back(std::move(r));
        return all.back();
    }
    void check_no_secret() const {
        for (const auto& r : all) {
            for (const std::string& token : {k_login_token, k_selfhosted_token, k_env_token}) {
                INFO("stdout: " << r.out << "stderr: " << r.err);
                CHECK_FALSE(contains(r.out, token));
                CHECK_FALSE(contains(r.err, token));
            }
        }
    }
};

/// The config file as hyperoru writes it: JSON indented by 2, keys in order, a final newline.
std::string file_text(const Json& doc) {
    return doc.dump(2) + "\n";
}

std::string issued_at_of(const Env& env, const std::string& context) {
    return Json::parse(read_text(env.config_file())).at("contexts").at(context).at("issued_at");
}

/// A context entry as `login` writes it for the stand-in's demo user.
Json logged_in_entry(const StandIn& server, const std::string& token, const std::string& issued_at) {
    return Json{{"base_url", server.base_url()},        {"session_token", token},
                {"email", "trader@example.com"},        {"username", "trader1"},
                {"expires_at", "2027-05-24T00:00:00Z"}, {"issued_at", issued_at}};
}

std::string logged_in(const StandIn& server, const Env& env, const std::string& context) {
    return "Logged in to " + server.base_url() + " as trader1.\nToken saved to " +
           env.config_file().string() + " (context \"" + context + "\").\n";
}

/// A config file written by hand, 0600 like hyperoru's own (a wider one is warned about).
void write_config(const Env& env, const std::string& text) {
    std::ofstream(env.config_file()) << text;
    std::filesystem::permissions(env.config_file(),
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

void check(const Result& r, int rc, const std::string& out, const std::string& err) {
    CHECK(r.rc == rc);
    CHECK(r.out == out);
    CHECK(r.err == err);
}

}  // namespace

TEST_CASE("e2e: config two contexts side by side, switched with context use, then one deleted") {
    StandIn production({"--login-token", k_login_token});
    StandIn selfhosted({"--login-token", k_selfhosted_token});
    const Env env;
    Outputs outputs;

    check(outputs.add(login(production, env)), 0, "", logged_in(production, env, "default"));
    const std::string default_issued = issued_at_of(env, "default");
    const Json default_entry = logged_in_entry(production, k_login_token, default_issued);
    CHECK(read_text(env.config_file()) ==
          file_text(Json{{"current_context", "default"}, {"contexts", {{"default", default_entry}}}}));

    // The second login names its context and server; the default context stays as it was.
    check(outputs.add(login(selfhosted, env, {"--context", "selfhosted"})), 0, "",
          logged_in(selfhosted, env, "selfhosted"));
    const Json selfhosted_entry =
        logged_in_entry(selfhosted, k_selfhosted_token, issued_at_of(env, "selfhosted"));
    Json expected{{"current_context", "default"},
                  {"contexts", {{"default", default_entry}, {"selfhosted", selfhosted_entry}}}};
    CHECK(read_text(env.config_file()) == file_text(expected));

    const auto list_json = [&](bool default_current) {
        return "[\n"
               "  {\n"
               "    \"name\": \"default\",\n"
               "    \"current\": " +
               std::string(default_current ? "true" : "false") +
               ",\n"
               "    \"base_url\": \"" +
               production.base_url() +
               "\",\n"
               "    \"email\": \"trader@example.com\",\n"
               "    \"username\": \"trader1\",\n"
               "    \"logged_in\": true,\n"
               "    \"expires_at\": \"2027-05-24T00:00:00Z\"\n"
               "  },\n"
               "  {\n"
               "    \"name\": \"selfhosted\",\n"
               "    \"current\": " +
               std::string(default_current ? "false" : "true") +
               ",\n"
               "    \"base_url\": \"" +
               selfhosted.base_url() +
               "\",\n"
               "    \"email\": \"trader@example.com\",\n"
               "    \"username\": \"trader1\",\n"
               "    \"logged_in\": true,\n"
               "    \"expires_at\": \"2027-05-24T00:00:00Z\"\n"
               "  }\n"
               "]\n";
    };
    check(outputs.add(cli(env, {"context", "list"})), 0, list_json(true), "");
    // Both stand-ins listen on 127.0.0.1 with ports of the same width, so the columns line up.
    REQUIRE(production.base_url().size() == selfhosted.base_url().size());
    const std::string pad(production.base_url().size() - 8, ' ');
    check(outputs.add(cli(env, {"-o", "table", "context", "list"})), 0,
          "CURRENT  NAME        BASE_URL" + pad + "  USER                LOGGED IN\n" +
              "*        default     " + production.base_url() + "  trader@example.com  yes\n" +
              "         selfhosted  " + selfhosted.base_url() + "  trader@example.com  yes\n",
          "");
    // --context decides which one is in effect for this command.
    check(outputs.add(cli(env, {"--context", "selfhosted", "context", "list"})), 0, list_json(false), "");

    check(outputs.add(cli(env, {"context", "use", "selfhosted"})), 0, "",
          "Switched to context \"selfhosted\".\n");
    expected["current_context"] = "selfhosted";
    CHECK(read_text(env.config_file()) == file_text(expected));
    check(outputs.add(cli(env, {"context", "list"})), 0, list_json(false), "");
    check(outputs.add(cli(env, {"config", "get", "context"})), 0, "selfhosted\n", "");
    check(outputs.add(cli(env, {"config", "get", "base_url"})), 0, selfhosted.base_url() + "\n", "");

    // A plain command now goes to the second server with the second token.
    check(outputs.add(cli(env, {"profile"})), 0, k_profile_json, "");
    CHECK(describe(selfhosted.requests()) ==
          describe({post_json("/api/users/login", std::nullopt, k_login_body),
                    get("/api/users/profile", bearer(k_selfhosted_token))}));
    CHECK(describe(production.requests()) ==
          describe({post_json("/api/users/login", std::nullopt, k_login_body)}));

    // Deleting the current context removes current_context too: back to "default".
    check(outputs.add(cli(env, {"context", "delete", "selfhosted"})), 0, "",
          "Deleted context \"selfhosted\".\n"
          "Its session was not logged out on the server: the token stays valid there until it expires. To "
          "revoke a context's token, run 'hyperoru --context selfhosted logout' before deleting it.\n");
    CHECK(read_text(env.config_file()) == file_text(Json{{"contexts", {{"default", default_entry}}}}));
    check(outputs.add(cli(env, {"profile"})), 0, k_profile_json, "");
    CHECK(describe(production.requests()) ==
          describe({post_json("/api/users/login", std::nullopt, k_login_body),
                    get("/api/users/profile", bearer(k_login_token))}));
    CHECK(selfhosted.requests().size() == 2);  // nothing more: delete sends no request
    outputs.check_no_secret();
}

TEST_CASE("e2e: config context show, and delete of a context without a token") {
    StandIn server({"--login-token", k_login_token});
    Env env;
    Outputs outputs;
    // Nothing in the file: the context in effect is "default", with the default server.
    check(outputs.add(cli(env, {"-o", "table", "context", "show"})), 0,
          "name        default\n"
          "current     true\n"
          "base_url    https://api.production.hyperoru.com\n"
          "email       -\n"
          "username    -\n"
          "logged_in   false\n"
          "expires_at  -\n"
          "issued_at   -\n",
          "");
    CHECK_FALSE(std::filesystem::exists(env.config_file()));

    REQUIRE(login(server, env).rc == 0);
    const std::string issued = issued_at_of(env, "default");
    const std::string shown =
        "{\n"
        "  \"name\": \"default\",\n"
        "  \"current\": true,\n"
        "  \"base_url\": \"" +
        server.base_url() +
        "\",\n"
        "  \"email\": \"trader@example.com\",\n"
        "  \"username\": \"trader1\",\n"
        "  \"logged_in\": true,\n"
        "  \"expires_at\": \"2027-05-24T00:00:00Z\",\n"
        "  \"issued_at\": \"" +
        issued + "\"\n}\n";
    check(outputs.add(cli(env, {"context", "show"})), 0, shown, "");
    check(outputs.add(cli(env, {"context", "show", "default"})), 0, shown, "");
    check(outputs.add(cli(env, {"-o", "ndjson", "context", "show"})), 0,
          R"({"name":"default","current":true,"base_url":")" + server.base_url() +
              R"(","email":"trader@example.com","username":"trader1","logged_in":true,)"
              R"("expires_at":"2027-05-24T00:00:00Z","issued_at":")" +
              issued + "\"}\n",
          "");

    // A context prepared for a server but never logged in to, shown by name from another one.
    check(outputs.add(
              cli(env, {"--context", "staging", "config", "set", "base_url", "https://staging.example"})),
          0, "", "Set base_url of context \"staging\" to https://staging.example.\n");
    check(outputs.add(cli(env, {"-o", "raw", "context", "show", "staging"})), 0,
          R"({"name":"staging","current":false,"base_url":"https://staging.example","email":null,)"
          R"("username":null,"logged_in":false,"expires_at":null,"issued_at":null})"
          "\n",
          "");
    check(outputs.add(cli(env, {"context", "delete", "staging"})), 0, "", "Deleted context \"staging\".\n");
    CHECK(read_text(env.config_file()) ==
          file_text(Json{{"current_context", "default"},
                         {"contexts", {{"default", logged_in_entry(server, k_login_token, issued)}}}}));
    CHECK(server.requests().size() == 1);  // the login only
    outputs.check_no_secret();
}

TEST_CASE("e2e: config no contexts: an empty list, and unknown names are exit 6 without a write") {
    Env env;
    check(cli(env, {"context", "list"}), 0, "[]\n", "");
    check(cli(env, {"-o", "table", "context", "list"}), 0,
          "No contexts. Run 'hyperoru login' to create one.\n", "");
    const std::string unknown = "hyperoru: error: no context named \"nope\" (see 'hyperoru context list')\n";
    check(cli(env, {"context", "use", "nope"}), 6, "", unknown);
    check(cli(env, {"context", "show", "nope"}), 6, "", unknown);
    check(cli(env, {"context", "delete", "nope"}), 6, "", unknown);
    check(cli(env, {"config", "set", "context", "nope"}), 6, "", unknown);
    check(cli(env, {"-o", "json", "context", "use", "nope"}), 6, "",
          R"x({"error":"no context named \"nope\" (see 'hyperoru context list')","exit_code":6})x"
          "\n");
    CHECK_FALSE(std::filesystem::exists(env.config_file()));

    // With a file, an unknown name leaves it byte for byte as it was.
    const std::string text =
        "{\"current_context\":\"a\",\"contexts\":{\"a\":{\"base_url\":\"https://a.example\"},"
        "\"b\":{}},\"editor\":\"vi\"}";
    write_config(env, text);
    check(cli(env, {"context", "use", "nope"}), 6, "", unknown);
    check(cli(env, {"context", "delete", "nope"}), 6, "", unknown);
    CHECK(read_text(env.config_file()) == text);
    // A known one is switched to; keys hyperoru does not know stay.
    check(cli(env, {"config", "set", "context", "b"}), 0, "", "Switched to context \"b\".\n");
    CHECK(read_text(env.config_file()) ==
          file_text(Json{{"current_context", "b"},
                         {"contexts", {{"a", {{"base_url", "https://a.example"}}}, {"b", Json::object()}}},
                         {"editor", "vi"}}));
}

TEST_CASE("e2e: config list --show-origin says flag, environment, config file or default") {
    StandIn server({"--login-token", k_login_token});
    Env env;
    Outputs outputs;
    const auto with_origins = [](const std::string& context, const std::string& context_origin,
                                 const std::string& base_url, const std::string& base_url_origin,
                                 const std::string& token, const std::string& token_origin) {
        return "{\n"
               "  \"context\": {\n"
               "    \"value\": \"" +
               context + "\",\n    \"origin\": \"" + context_origin +
               "\"\n"
               "  },\n"
               "  \"base_url\": {\n"
               "    \"value\": \"" +
               base_url + "\",\n    \"origin\": \"" + base_url_origin +
               "\"\n"
               "  },\n"
               "  \"token\": {\n"
               "    \"value\": " +
               token + ",\n    \"origin\": \"" + token_origin +
               "\"\n"
               "  }\n"
               "}\n";
    };

    SECTION("default") {
        check(outputs.add(cli(env, {"config", "list", "--show-origin"})), 0,
              with_origins("default", "default", "https://api.production.hyperoru.com", "default", "null",
                           "default"),
              "");
        check(outputs.add(cli(env, {"config", "list"})), 0,
              "{\n"
              "  \"context\": \"default\",\n"
              "  \"base_url\": \"https://api.production.hyperoru.com\",\n"
              "  \"token\": null\n"
              "}\n",
              "");
        check(outputs.add(cli(env, {"-o", "table", "config", "list", "--show-origin"})), 0,
              "KEY       VALUE                                ORIGIN\n"
              "context   default                              default\n"
              "base_url  https://api.production.hyperoru.com  default\n"
              "token     -                                    default\n",
              "");
        check(outputs.add(cli(env, {"config", "get", "base_url"})), 0,
              "https://api.production.hyperoru.com\n", "");
        CHECK_FALSE(std::filesystem::exists(env.config_file()));
    }
    SECTION("config file") {
        REQUIRE(login(server, env).rc == 0);
        check(outputs.add(cli(env, {"config", "list", "--show-origin"})), 0,
              with_origins("default", "config file", server.base_url(), "config file", "\"********\"",
                           "config file"),
              "");
        check(outputs.add(cli(env, {"-o", "table", "config", "list"})), 0,
              "KEY       VALUE\n"
              "context   default\n"
              "base_url  " +
                  server.base_url() +
                  "\n"
                  "token     ********\n",
              "");
        check(outputs.add(cli(env, {"-o", "ndjson", "config", "list"})), 0,
              R"({"context":"default","base_url":")" + server.base_url() +
                  R"(","token":"********"})"
                  "\n",
              "");
        check(outputs.add(cli(env, {"config", "get", "base_url"})), 0, server.base_url() + "\n", "");
    }
    SECTION("environment") {
        REQUIRE(login(server, env).rc == 0);
        env.set("HYPERORU_CONTEXT", "ops")
            .set("HYPERORU_BASE_URL", "https://ops.example/")
            .set("HYPERORU_TOKEN", k_env_token);
        check(outputs.add(cli(env, {"config", "list", "--show-origin"})), 0,
              with_origins("ops", "environment", "https://ops.example", "environment", "\"********\"",
                           "environment"),
              "");
        check(outputs.add(cli(env, {"config", "get", "context"})), 0, "ops\n", "");
        check(outputs.add(cli(env, {"-o", "table", "config", "get", "base_url"})), 0, "https://ops.example\n",
              "");
    }
    SECTION("flag, given on this command line") {
        REQUIRE(login(server, env).rc == 0);
        env.set("HYPERORU_CONTEXT", "ops").set("HYPERORU_BASE_URL", "https://ops.example");
        check(outputs.add(cli(env, {"--context", "default", "--base-url", server.base_url(), "config", "list",
                                    "--show-origin"})),
              0, with_origins("default", "flag", server.base_url(), "flag", "\"********\"", "config file"),
              "");
        check(outputs.add(cli(env, {"--base-url", "https://other.example", "config", "get", "base_url"})), 0,
              "https://other.example\n", "");
        // The stored token belongs to another server than --base-url: it is not in effect.
        check(outputs.add(cli(env, {"--context", "default", "--base-url", "https://other.example", "-o",
                                    "table", "config", "list", "--show-origin"})),
              0,
              "KEY       VALUE                  ORIGIN\n"
              "context   default                flag\n"
              "base_url  https://other.example  flag\n"
              "token     -                      default\n",
              "");
    }
    outputs.check_no_secret();
}

TEST_CASE("e2e: config set base_url prepares a context before its login, and never moves a token") {
    StandIn production({"--login-token", k_login_token});
    StandIn selfhosted({"--login-token", k_selfhosted_token});
    Env env;
    Outputs outputs;

    // Prepared before login: the login then needs no --base-url.
    check(outputs.add(cli(
              env, {"--context", "selfhosted", "config", "set", "base_url", selfhosted.base_url() + "/"})),
          0, "", "Set base_url of context \"selfhosted\" to " + selfhosted.base_url() + ".\n");
    CHECK(read_text(env.config_file()) ==
          file_text(Json{{"contexts", {{"selfhosted", {{"base_url", selfhosted.base_url()}}}}}}));
    check(outputs.add(cli(
              env, {"--context", "selfhosted", "login", "--email", "trader@example.com", "--password-stdin"},
              "secret\n")),
          0, "", logged_in(selfhosted, env, "selfhosted"));
    CHECK(describe(selfhosted.requests()) ==
          describe({post_json("/api/users/login", std::nullopt, k_login_body)}));

    // The selfhosted token is never pointed at another server.
    const std::string before = read_text(env.config_file());
    check(outputs.add(
              cli(env, {"--context", "selfhosted", "config", "set", "base_url", production.base_url()})),
          2, "",
          "hyperoru: error: context \"selfhosted\" holds a token issued by " + selfhosted.base_url() +
              ", which would then be sent to " + production.base_url() +
              "; run 'hyperoru logout' first, or use another context (--context NAME)\n"
              "Run 'hyperoru config set --help' for usage.\n");
    CHECK(read_text(env.config_file()) == before);
    // The same server with a path prefix is fine: the token stays with its origin.
    check(outputs.add(cli(
              env, {"--context", "selfhosted", "config", "set", "base_url", selfhosted.base_url() + "/"})),
          0, "", "Set base_url of context \"selfhosted\" to " + selfhosted.base_url() + ".\n");
    CHECK(read_text(env.config_file()) == before);

    // After logout the context may move.
    REQUIRE(cli(env, {"--context", "selfhosted", "logout"}).rc == 0);
    check(outputs.add(
              cli(env, {"--context", "selfhosted", "config", "set", "base_url", production.base_url()})),
          0, "", "Set base_url of context \"selfhosted\" to " + production.base_url() + ".\n");
    const Json config = Json::parse(read_text(env.config_file()));
    CHECK(config.at("contexts").at("selfhosted") == Json{{"base_url", production.base_url()},
                                                         {"email", "trader@example.com"},
                                                         {"username", "trader1"}});
    CHECK(production.requests().empty());

    // HYPERORU_BASE_URL still wins over what was stored: said once, on stderr.
    env.set("HYPERORU_BASE_URL", "https://ops.example");
    check(outputs.add(cli(env, {"config", "set", "base_url", "https://h.example"})), 0, "",
          "Set base_url of context \"default\" to https://h.example.\n"
          "hyperoru: warning: HYPERORU_BASE_URL is set and takes precedence over the base URL stored in the "
          "config file\n");
    env.vars.erase("HYPERORU_BASE_URL");
    outputs.check_no_secret();
}

TEST_CASE("e2e: config usage errors are exit 2 and leave the file alone") {
    StandIn server({"--login-token", k_login_token});
    Env env;
    Outputs outputs;
    REQUIRE(login(server, env).rc == 0);
    const std::string before = read_text(env.config_file());
    check(outputs.add(cli(env, {"config", "get", "token"})), 2, "",
          "hyperoru: error: the token is never printed by config; use 'hyperoru auth token'\n"
          "Run 'hyperoru config get --help' for usage.\n");
    check(outputs.add(cli(env, {"-o", "raw", "config", "get", "token"})), 2, "",
          "hyperoru: error: the token is never printed by config; use 'hyperoru auth token'\n"
          "Run 'hyperoru config get --help' for usage.\n");
    check(outputs.add(cli(env, {"config", "set", "token", "abc"})), 2, "",
          "hyperoru: error: the token cannot be set by config; use 'hyperoru login'\n"
          "Run 'hyperoru config set --help' for usage.\n");
    const std::string unknown_key =
        "hyperoru: error: unknown key \"editor\": expected context, base_url or token\n";
    check(outputs.add(cli(env, {"config", "get", "editor"})), 2, "",
          unknown_key + "Run 'hyperoru config get --help' for usage.\n");
    check(outputs.add(cli(env, {"config", "set", "editor", "vi"})), 2, "",
          unknown_key + "Run 'hyperoru config set --help' for usage.\n");
    check(outputs.add(cli(env, {"--context", "new", "config", "set", "base_url", "api.example.com"})), 2, "",
          "hyperoru: error: invalid base URL 'api.example.com': expected https://host[:port]\n"
          "Run 'hyperoru config set --help' for usage.\n");
    check(outputs.add(cli(env, {"--context", "new", "config", "set", "base_url", "http://api.example.com"})),
          2, "",
          "hyperoru: error: refusing plain http to api.example.com: the token would travel unencrypted (use "
          "https, or --allow-http)\n"
          "Run 'hyperoru config set --help' for usage.\n");
    check(
        outputs.add(cli(env, {"config", "get"})), 2, "",
        "hyperoru: error: \"hyperoru config get\" needs KEY\nRun 'hyperoru config get --help' for usage.\n");
    CHECK(read_text(env.config_file()) == before);
    outputs.check_no_secret();
}

TEST_CASE("e2e: config a corrupt file is reported and left as it is, and config path still answers") {
    Env env;
    write_config(env, "{\"contexts\": [");
    const std::string reported =
        "hyperoru: error: config file " + env.config_file().string() + " is corrupt: ";
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"context", "list"},
                                               {"context", "use", "default"},
                                               {"context", "show"},
                                               {"context", "delete", "default"},
                                               {"config", "get", "base_url"},
                                               {"config", "set", "base_url", "https://a.example"},
                                               {"config", "list"}}) {
        INFO(args.front() << " " << args.at(1));
        const auto r = cli(env, args);
        CHECK(r.rc == 1);
        CHECK(r.out.empty());
        CHECK(r.err.starts_with(reported));
        CHECK(r.err.ends_with("; fix or remove it\n"));
    }
    CHECK(read_text(env.config_file()) == "{\"contexts\": [");
    check(cli(env, {"-o", "json", "config", "path"}), 0, env.config_file().string() + "\n", "");
    env.set("HYPERORU_CONFIG_DIR", (env.dir() / "not" / "yet").string());
    check(cli(env, {"config", "path"}), 0, (env.dir() / "not" / "yet" / "config.json").string() + "\n", "");
}

TEST_CASE("e2e: config context use under HYPERORU_CONTEXT says the variable still wins") {
    Env env;
    write_config(env, R"({"contexts":{"a":{},"b":{}}})");
    env.set("HYPERORU_CONTEXT", "a");
    check(
        cli(env, {"context", "use", "b"}), 0, "",
        "Switched to context \"b\".\n"
        "hyperoru: warning: HYPERORU_CONTEXT is set and takes precedence over the current context stored in "
        "the config file\n");
    check(cli(env, {"config", "get", "context"}), 0, "a\n", "");
    env.vars.erase("HYPERORU_CONTEXT");
    check(cli(env, {"config", "get", "context"}), 0, "b\n", "");
}
