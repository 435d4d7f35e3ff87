// End-to-end: output niceties with the real binary against the stand-in: --fields in JSON,
// NDJSON and tables (also of an envelope), colour of status words on a terminal and the ways to
// turn it off, no prompt with --no-input, and never a pager.
#include "e2e/resources.hpp"

using namespace e2e_resources;

TEST_CASE("e2e: account list --fields name,id in JSON, NDJSON and a table") {
    StandIn server;
    const TokenEnv env;
    const auto json = cli(env, at(server, {"account", "list", "--fields", "name,id"}));
    CHECK(json.rc == 0);
    CHECK(json.out == "[\n  {\n    \"name\": \"Main Account\",\n    \"id\": 1\n  }\n]\n");
    CHECK(json.err.empty());

    const auto exact = cli(env, at(server, {"--fields", "current_cash,name,initial_capital", "account",
                                            "list", "--include-hidden"}));
    CHECK(exact.rc == 0);
    CHECK(exact.out ==
          "[\n"
          "  {\n    \"current_cash\": 1000.0,\n    \"name\": \"Main Account\",\n    \"initial_capital\": "
          "1000.0\n  },\n"
          "  {\n    \"current_cash\": 480.25,\n    \"name\": \"Hidden Scalper\",\n    \"initial_capital\": "
          "500.0\n"
          "  }\n"
          "]\n");

    const auto ndjson = cli(env, at(server, {"-o", "ndjson", "account", "list", "--include-hidden",
                                             "--fields", "id,current_cash"}));
    CHECK(ndjson.rc == 0);
    CHECK(ndjson.out == "{\"id\":1,\"current_cash\":1000.0}\n{\"id\":2,\"current_cash\":480.25}\n");

    const auto table = cli_pty(env, at(server, {"account", "list", "--fields", "name,id"}));
    CHECK(table.exit_code == 0);
    CHECK(table.output == "NAME          ID\nMain Account  1\n");
    const auto piped_table =
        cli(env, at(server, {"-o", "table", "account", "list", "--include-hidden", "--fields", "name,id"}));
    CHECK(piped_table.rc == 0);
    CHECK(piped_table.out == "NAME            ID\nMain Account    1\nHidden Scalper  2\n");
    // A name no account has is a typo: said, with the names there are, instead of a column of "-".
    const auto typo = cli(env, at(server, {"-o", "table", "account", "list", "--fields", "name,idd"}));
    CHECK(typo.rc == 2);
    CHECK(typo.out.empty());
    CHECK(typo.err.starts_with(
        "hyperoru: error: --fields: no result has \"idd\"; did you mean \"id\"? (fields: id "
        "user_id name "));

    const auto raw = cli(env, at(server, {"-o", "raw", "account", "list", "--fields", "name,id"}));
    CHECK(raw.rc == 2);
    CHECK(raw.out.empty());
    CHECK(raw.err ==
          "hyperoru: error: --fields does not apply to -o raw\n"
          "Run 'hyperoru account list --help' for usage.\n");

    const auto list = req("GET", "/api/account/list");
    const auto hidden = req("GET", "/api/account/list?include_hidden=true");
    CHECK(describe(server.requests()) == describe({list, hidden, hidden, list, hidden, list}));
}

TEST_CASE("e2e: --fields on an envelope keeps it and trims its items") {
    StandIn server({"--envelope"});
    const TokenEnv env;
    const auto r = cli(env, at(server, {"account", "list", "--fields", "id,name"}));
    CHECK(r.rc == 0);
    CHECK(r.out ==
          "{\n"
          "  \"items\": [\n"
          "    {\n"
          "      \"id\": 1,\n"
          "      \"name\": \"Main Account\"\n"
          "    }\n"
          "  ],\n"
          "  \"total\": 1,\n"
          "  \"page\": 1,\n"
          "  \"per_page\": 1,\n"
          "  \"next\": null\n"
          "}\n");
    CHECK(r.err.empty());
}

TEST_CASE("e2e: status words are coloured on a terminal, not with NO_COLOR or --no-color") {
    StandIn server;
    TokenEnv env;
    seed(server, R"({"kind": "orders", "count": 1})");
    seed(server, R"({"kind": "orders", "count": 1, "fields": {"status": "cancelled"}})");
    seed(server, R"({"kind": "orders", "count": 1, "fields": {"status": "executed"}})");
    env.set("TERM", "xterm");
    const std::vector<std::string> orders = at(server, {"order", "list", "--account", "1"});
    const std::string header = "ID  ACCOUNT  SYMBOL  SIDE  TYPE    QUANTITY  PRICE  STATUS\n";
    const auto coloured = cli_pty(env, orders);
    CHECK(coloured.exit_code == 0);
    CHECK(coloured.output ==
          header +
              "42  1        BTC     buy   market  0.01      -      \x1b[33mpending\x1b[0m\n"
              "43  1        ETH     sell  market  0.01      -      \x1b[31mcancelled\x1b[0m\n"
              "44  1        SOL     buy   market  0.01      -      \x1b[32mexecuted\x1b[0m\n");
    const std::string plain = header +
                              "42  1        BTC     buy   market  0.01      -      pending\n"
                              "43  1        ETH     sell  market  0.01      -      cancelled\n"
                              "44  1        SOL     buy   market  0.01      -      executed\n";
    auto no_color_flag = orders;
    no_color_flag.emplace_back("--no-color");
    const auto flag = cli_pty(env, no_color_flag);
    CHECK(flag.exit_code == 0);
    CHECK(flag.output == plain);

    const auto health = cli_pty(env, at(server, {"health"}));
    CHECK(health.exit_code == 0);
    CHECK(health.output == "status  \x1b[32mhealthy\x1b[0m\n");

    env.set("NO_COLOR", "1");
    const auto variable = cli_pty(env, orders);
    CHECK(variable.exit_code == 0);
    CHECK(variable.output == plain);
    const auto health_plain = cli_pty(env, at(server, {"health"}));
    CHECK(health_plain.output == "status  healthy\n");
}

TEST_CASE("e2e: --no-input on a terminal: login and a destructive command ask nothing") {
    StandIn server;
    const TokenEnv env;
    const auto login = cli_pty(Env{}, at(server, {"--no-input", "login"}));
    CHECK(login.exit_code == 2);
    CHECK(login.output ==
          "hyperoru: error: --email or --username is required (--no-input)\n"
          "Run 'hyperoru login --help' for usage.\n");
    const auto password =
        cli_pty(Env{}, at(server, {"login", "--email", "trader@example.com", "--no-input"}));
    CHECK(password.exit_code == 2);
    CHECK(password.output ==
          "hyperoru: error: no password: pipe it with --password-stdin (--no-input)\n"
          "Run 'hyperoru login --help' for usage.\n");

    seed(server, R"({"kind": "orders", "count": 1})");
    const auto cancel = cli_pty(env, at(server, {"order", "cancel", "42", "--no-input"}));
    CHECK(cancel.exit_code == 2);
    CHECK(cancel.output ==
          "hyperoru: error: refusing to run 'order cancel' without --yes (--no-input; --dry-run shows the "
          "request)\n"
          "Run 'hyperoru order cancel --help' for usage.\n");
    CHECK(server.requests().empty());
}

TEST_CASE("e2e: no pager ever: a list longer than the terminal goes straight to it") {
    StandIn server;
    TokenEnv env;
    seed(server, R"({"kind": "orders", "count": 60})");
    // Every variable a pager-using tool would read points at a script that leaves a mark and
    // swallows the output; the terminal is 24 rows high, the table 61 lines.
    const auto mark = env.dir() / "pager-ran";
    const auto pager = env.dir() / "pager.sh";
    std::ofstream(pager) << "#!/bin/sh\ntouch '" << mark.string() << "'\ncat >/dev/null\n";
    std::filesystem::permissions(pager, std::filesystem::perms::owner_all);
    for (const char* name : {"PAGER", "HYPERORU_PAGER", "GH_PAGER", "AWS_PAGER", "MANPAGER"})
        env.set(name, pager);
    env.set("TERM", "xterm");

    const auto r = cli_pty(env, at(server, {"--no-color", "order", "list", "--account", "1"}));
    CHECK(r.exit_code == 0);
    std::istringstream lines(r.output);
    std::vector<std::string> rows;
    for (std::string line; std::getline(lines, line);) rows.push_back(line);
    REQUIRE(rows.size() == 61);
    CHECK(rows.front() == "ID   ACCOUNT  SYMBOL  SIDE  TYPE    QUANTITY  PRICE  STATUS");
    CHECK(rows[1] == "42   1        BTC     buy   market  0.01      -      pending");
    CHECK(rows.back().rfind("101  1 ", 0) == 0);
    CHECK_FALSE(std::filesystem::exists(mark));
}
