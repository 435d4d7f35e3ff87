// Usage errors a person can act on: typos named with the nearest names, help for a command given
// without its subcommand, `hyperoru help`, and, over the whole command tree, every mistake a
// person can make with an option answered by one plain line (never CLI11's wording) and the help
// of the command that failed.
#include <catch2/catch.hpp>

#include <functional>

#include "cli/command_tree.hpp"
#include "cli/usage.hpp"
#include "support/cli_fixture.hpp"

using namespace hyperoru;
using Names = std::vector<std::string>;

TEST_CASE("usage: the nearest names to a typo", "[usage]") {
    const Names commands{"account", "order", "price", "profile", "prompt", "program"};
    CHECK(cli::nearest_names("acount", commands) == Names{"account"});
    CHECK(cli::nearest_names("accuont", commands) == Names{"account"});  // two letters swapped
    CHECK(cli::nearest_names("prce", commands) == Names{"price"});
    CHECK(cli::nearest_names("pro", commands) == Names{"profile", "prompt", "program"});  // a prefix
    CHECK(cli::nearest_names("frobnicate", commands).empty());
    CHECK(cli::nearest_names("--passwrd", {"--password-stdin", "--email", "--username"}) ==
          Names{"--password-stdin"});
}

TEST_CASE("usage: typos are named, with what was probably meant", "[usage]") {
    test::LoggedIn cli;
    const auto check = [&](const Names& args, const std::string& line, const std::string& command) {
        INFO(args.front());
        CHECK(cli.run(args) == 2);
        CHECK(cli.out.empty());
        CHECK(cli.err == "hyperoru: error: " + line + "\nRun '" + command + " --help' for usage.\n");
    };
    check({"acount", "list"}, R"(unknown command "acount" for "hyperoru"; did you mean "account"?)",
          "hyperoru");
    check({"account", "lst"}, R"(unknown command "lst" for "hyperoru account"; did you mean "list"?)",
          "hyperoru account");
    check({"positions", "1"},
          R"(unknown command "positions" for "hyperoru"; did you mean "hyperoru hyperliquid positions"?)",
          "hyperoru");
    // CLI11 listed these back to front ("secret --password") with no hint.
    check({"login", "--password", "secret"},
          R"(unknown flag "--password" for "hyperoru login"; did you mean "--password-stdin"?)",
          "hyperoru login");
    check({"price", "BTC", "--json"},
          R"(unknown flag "--json" for "hyperoru price"; did you mean "-o json"?)", "hyperoru price");
    check({"account", "list", "--limit", "0"}, "--limit must be a whole number from 1, got '0'",
          "hyperoru account list");
    check({"account", "list", "--limit", "-5"}, "--limit must be a whole number from 1, got '-5'",
          "hyperoru account list");
    check({"--timeout", "abc", "health"}, "--timeout expects seconds from 0.001 to 31536000, got 'abc'",
          "hyperoru health");
    check({"--retries", "500", "health"}, "--retries must be a whole number from 0 to 100, got '500'",
          "hyperoru health");
    check({"-o", "xml", "health"}, "--output must be one of auto, json, ndjson, table, raw, got 'xml'",
          "hyperoru health");
    check({"account", "list", "--limit"}, "--limit needs a value (a whole number from 1)",
          "hyperoru account list");
    check({"ai", "chat"}, R"("hyperoru ai chat" needs MESSAGE)", "hyperoru ai chat");
    check({"account", "list", "extra"}, R"(unexpected argument "extra" for "hyperoru account list")",
          "hyperoru account list");
    CHECK(cli.server->requests.empty());
}

TEST_CASE("usage: a bare command prints its help (exit 2); help prints it (exit 0)", "[usage]") {
    test::LoggedIn cli;
    CHECK(cli.run({"account", "--help"}) == 0);
    const std::string account_help = cli.out;
    REQUIRE(account_help.starts_with("AI traders (accounts)"));
    CHECK(cli.run({"account"}) == 2);
    CHECK(cli.out.empty());
    CHECK(cli.err == account_help);
    CHECK(cli.run({"help", "account"}) == 0);
    CHECK(cli.out == account_help);
    CHECK(cli.err.empty());

    CHECK(cli.run({"--help"}) == 0);
    const std::string top_help = cli.out;
    CHECK(cli.run({}) == 2);
    CHECK(cli.err == top_help);
    CHECK(cli.run({"help"}) == 0);
    CHECK(cli.out == top_help);

    CHECK(cli.run({"order", "create", "--help"}) == 0);
    const std::string create_help = cli.out;
    CHECK(cli.run({"help", "order", "create"}) == 0);
    CHECK(cli.out == create_help);

    CHECK(cli.run({"help", "acount"}) == 2);
    CHECK(cli.out.empty());
    CHECK(cli.err ==
          "hyperoru: error: unknown command \"acount\" for \"hyperoru\"; did you mean \"account\"?\n"
          "Run 'hyperoru --help' for usage.\n");
    CHECK(cli.server->requests.empty());
}

namespace {

/// Phrases of CLI11's own messages, none of which may reach a user.
const Names k_cli11_wording{"not in range",
                            "not expected",
                            "is required",
                            "Could not convert",
                            "not an allowed value",
                            " required ",
                            "Expected",
                            "subcommand",
                            "1797",
                            "Requires",
                            "INI",
                            "Value "};

/// Calls `visit(path, command)` for every command of the tree, the root included.
void walk(const cli::CommandInfo& command, const Names& path,
          const std::function<void(const Names&, const cli::CommandInfo&)>& visit) {
    visit(path, command);
    for (const auto& sub : command.subcommands) {
        Names deeper = path;
        deeper.push_back(sub.name);
        walk(sub, deeper, visit);
    }
}

/// A value the option's type refuses, if there is one (free text has none).
std::optional<std::string> bad_value(const cli::OptionInfo& option) {
    if (!option.choices.empty()) return "nope";
    for (const char* numeric : {"INT", "UINT", "FLOAT", "N", "SECONDS", "SIZE"}) {
        if (option.value_name == numeric) return "abc";
    }
    if (option.value_name == "FILE" && option.names.front() == "--cacert") return "/nonexistent/ca.pem";
    return std::nullopt;
}

}  // namespace

TEST_CASE("usage: every mistake with every option of every command is one plain line", "[usage]") {
    test::LoggedIn cli;
    const cli::CommandInfo tree = cli::command_tree();
    std::size_t checked = 0;
    const auto check = [&](Names args, const std::string& command) {
        std::string shown;
        for (const auto& arg : args) shown += arg + " ";
        INFO(shown);
        CHECK(cli.run(args) == 2);
        CHECK(cli.out.empty());
        const auto newline = cli.err.find('\n');
        REQUIRE(newline != std::string::npos);
        const std::string line = cli.err.substr(0, newline);
        CHECK(line.starts_with("hyperoru: error: "));
        CHECK(line.size() <= 200);
        for (const auto& phrase : k_cli11_wording) CHECK(line.find(phrase) == std::string::npos);
        CHECK(cli.err.substr(newline + 1) == "Run '" + command + " --help' for usage.\n");
        ++checked;
    };
    walk(tree, {}, [&](const Names& path, const cli::CommandInfo& command) {
        std::string name = "hyperoru";
        for (const auto& word : path) name += " " + word;
        // At the root the global options come before a command that needs nothing: health.
        const Names target = path.empty() ? Names{"health"} : path;
        const std::string target_name = path.empty() ? "hyperoru health" : name;
        const auto with = [&](Names extra) {
            Names args = path;
            args.insert(args.end(), extra.begin(), extra.end());
            if (path.empty()) args.push_back("health");
            return args;
        };
        if (!command.subcommands.empty() && command.positionals.empty()) {  // a noun: a subcommand is due
            Names args = path;
            args.push_back("zzzz");
            check(args, name);
            return;
        }
        check(with({"--no-such-flag"}), target_name);
        for (const auto& option : command.options) {
            if (!option.takes_value) continue;
            Names missing = target;  // the flag last, without its value
            missing.push_back(option.names.back());
            if (path.empty()) missing = {"health", option.names.back()};
            check(missing, target_name);
            if (const auto value = bad_value(option)) check(with({option.names.back(), *value}), target_name);
        }
        const bool needs_argument = std::any_of(command.positionals.begin(), command.positionals.end(),
                                                [](const cli::OptionInfo& p) { return p.required; });
        if (needs_argument) check(path, name);
    });
    CHECK(checked > 300);  // the tree has over a hundred commands
    CHECK(cli.server->requests.empty());
}
