// The command tree read from the CLI11 app, the help text shared by --help and the man page, and
// the roff the man page is written in. The shells themselves run the completion scripts in
// tests/e2e/test_e2e_completion.cpp; groff, mandoc and man read the page in test_e2e_docs.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cli/command_tree.hpp"
#include "cli/help_text.hpp"
#include "cli/manpage.hpp"

using namespace hyperoru;
using cli::CommandInfo;
using cli::OptionInfo;

namespace {

const CommandInfo& child(const CommandInfo& command, const std::string& name) {
    const auto it = std::find_if(command.subcommands.begin(), command.subcommands.end(),
                                 [&name](const CommandInfo& sub) { return sub.name == name; });
    REQUIRE(it != command.subcommands.end());
    return *it;
}

const OptionInfo& option(const CommandInfo& command, const std::string& name) {
    const auto it =
        std::find_if(command.options.begin(), command.options.end(), [&name](const OptionInfo& o) {
            return std::find(o.names.begin(), o.names.end(), name) != o.names.end();
        });
    REQUIRE(it != command.options.end());
    return *it;
}

using Names = std::vector<std::string>;

Names names_of(const std::vector<OptionInfo>& options) {
    Names names;
    for (const auto& o : options) names.insert(names.end(), o.names.begin(), o.names.end());
    return names;
}

}  // namespace

TEST_CASE("command tree: the global options with their choices and value names, from the app", "[docs]") {
    const CommandInfo root = cli::command_tree();
    CHECK(root.name == "hyperoru");
    CHECK(root.description == "hyperoru: the command-line client for the Hyperoru AI trading API");
    const Names globals{"-h",
                        "--help",
                        "--version",
                        "--base-url",
                        "--context",
                        "-o",
                        "--output",
                        "--timeout",
                        "--connect-timeout",
                        "--retries",
                        "-v",
                        "--verbose",
                        "--cacert",
                        "--insecure",
                        "--allow-http",
                        "--max-response-size",
                        "--fields",
                        "--no-color",
                        "--no-input",
                        "-q",
                        "--quiet"};
    CHECK(names_of(root.options) == globals);
    const OptionInfo& output = option(root, "--output");
    CHECK(output.names == Names{"-o", "--output"});
    CHECK(output.value_name == "FORMAT");
    CHECK(output.choices == Names{"auto", "json", "ndjson", "table", "raw"});
    CHECK(output.takes_value);
    CHECK(output.description ==
          "output format: auto (table on a terminal, else json), json, ndjson, table, raw");
    // Validators that are no list of values leave no choices, and are cut from the value name.
    const OptionInfo& timeout = option(root, "--timeout");
    CHECK(timeout.value_name == "SECONDS");
    CHECK(timeout.choices.empty());
    CHECK(option(root, "--cacert").value_name == "FILE");
    const OptionInfo& verbose = option(root, "-v");
    CHECK_FALSE(verbose.takes_value);
    CHECK(verbose.value_name.empty());
    CHECK(root.positionals.empty());
}

TEST_CASE("command tree: subcommands with their own options and arguments", "[docs]") {
    const CommandInfo root = cli::command_tree();
    const CommandInfo& account = child(root, "account");
    Names subs;
    for (const auto& sub : account.subcommands) subs.push_back(sub.name);
    CHECK(subs == Names{"create", "overview", "list", "update", "delete", "strategy"});

    const CommandInfo& list = child(account, "list");
    CHECK(list.description == "List your AI traders (GET /api/account/list)");
    CHECK(names_of(list.options) == Names{"-h", "--help", "--include-hidden", "--page", "--per-page",
                                          "--limit", "--all", "--max-pages"});
    CHECK_FALSE(option(list, "--include-hidden").takes_value);
    CHECK(option(list, "--page").takes_value);
    CHECK(option(list, "--page").value_name == "INT");
    CHECK(list.subcommands.empty());

    const CommandInfo& create = child(child(root, "order"), "create");
    CHECK(option(create, "--side").choices == Names{"buy", "sell"});
    CHECK(option(create, "--side").required);
    CHECK_FALSE(option(create, "--price").required);

    const CommandInfo& completion = child(root, "completion");
    REQUIRE(completion.positionals.size() == 1);
    CHECK(completion.positionals[0].names == Names{"shell"});
    CHECK(completion.positionals[0].choices == Names{"bash", "zsh", "fish"});
    CHECK(completion.positionals[0].required);
    CHECK(completion.positionals[0].value_name == "SHELL");
}

TEST_CASE("help text: wrap breaks at spaces within the width and keeps long words whole", "[docs]") {
    CHECK(cli::wrap("one two three four", "  ", 11) == "  one two\n  three\n  four\n");
    CHECK(cli::wrap("a  b", "", 80) == "a b\n");
    CHECK(cli::wrap("averyveryverylongword x", "- ", 8) == "- averyveryverylongword\n- x\n");
    CHECK(cli::wrap("", "  ", 10).empty());
}

TEST_CASE("help text: the exit codes are the documented ones, in order", "[docs]") {
    std::vector<int> codes;
    for (const auto& code : cli::exit_codes_doc()) codes.push_back(code.code);
    CHECK(codes == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 130});
}

TEST_CASE("man page: roff escapes for backslashes, leading dots and quotes, and non-ASCII", "[docs]") {
    CHECK(cli::roff_text("a \\ b") == "a \\e b");
    CHECK(cli::roff_text(".hidden") == "\\&.hidden");
    CHECK(cli::roff_text("'quoted") == "\\&'quoted");
    CHECK(cli::roff_text("mid.dle 'x' -y") == "mid.dle 'x' -y");
    CHECK(cli::roff_text("caf\xc3\xa9 \xe2\x80\xa6 \xf0\x9f\x93\x88") == "caf\\[u00E9] \\[u2026] \\[u1F4C8]");
    CHECK(cli::roff_text("bad \xc3 byte") == "bad \\[uFFFD] byte");
}

TEST_CASE("man page: a command's path, description, arguments and options, escaped", "[docs]") {
    CommandInfo root;
    root.name = "hyperoru";
    root.options.push_back({{"-h", "--help"}, "", {}, "Print this help message and exit", false, false});
    root.options.push_back({{"--base-url"}, "URL", {}, "API base URL", true, false});
    CommandInfo sub;
    sub.name = "x-y";
    sub.description = ".starts with a dot \\ and more";
    sub.options.push_back({{"-h", "--help"}, "", {}, "Print this help message and exit", false, false});
    sub.options.push_back({{"-f", "--out-format"}, "F", {"a", "b-c"}, "'quoted", true, true});
    sub.positionals.push_back({{"name"}, "TEXT", {}, "the name", true, true});
    root.subcommands.push_back(sub);

    const std::string page = cli::man_page(root, "9.8.7", "2030-01-02");
    CHECK(
        page.starts_with(".\\\" hyperoru(1), generated from the command tree of hyperoru; do not edit.\n"
                         ".TH HYPERORU 1 2030-01-02 \"hyperoru 9.8.7\" \"User Commands\"\n"
                         ".SH NAME\n"
                         "hyperoru \\- the command-line client for the Hyperoru AI trading API\n"));
    // The subcommand's own --help is left out: the global options list it once.
    CHECK_THAT(page, Catch::Contains(".SH COMMANDS\n"
                                     ".SS \"hyperoru x\\-y\"\n"
                                     "\\&.starts with a dot \\e and more\n"
                                     ".TP\n"
                                     "\\fIname\\fR\n"
                                     "the name (required)\n"
                                     ".TP\n"
                                     "\\fB\\-f\\fR, \\fB\\-\\-out\\-format\\fR \\fIa\\fR|\\fIb\\-c\\fR\n"
                                     "\\&'quoted (required)\n"
                                     ".SH GLOBAL OPTIONS\n"
                                     ".TP\n"
                                     "\\fB\\-h\\fR, \\fB\\-\\-help\\fR\n"
                                     "Print this help message and exit\n"
                                     ".TP\n"
                                     "\\fB\\-\\-base\\-url\\fR \\fIURL\\fR\n"
                                     "API base URL\n"
                                     ".SH ENVIRONMENT\n"));
    // Every environment variable, file and exit code of the shared help text is in its section.
    for (const auto& variable : cli::environment_doc()) {
        CHECK_THAT(page, Catch::Contains(".TP\n.B " + std::string(variable.name) + "\n" +
                                         cli::roff_text(variable.text) + "\n"));
    }
    for (const auto& code : cli::exit_codes_doc()) {
        CHECK_THAT(page, Catch::Contains(".TP\n.B " + std::to_string(code.code) + "\n" +
                                         cli::roff_text(code.text) + "\n"));
    }
    CHECK_THAT(page, Catch::Contains(".TP\n.I ~/.config/hyperoru/config.json\n"));
    CHECK_THAT(page, Catch::Contains(".SS \"Offline sandbox\"\n"));
    CHECK_THAT(page, Catch::Contains("\n.nf\nhyperoru\\-sandbox \\-\\-port 8080 &\n"));
}

TEST_CASE("docs: .ci/run installs the packages of README's two apt-get lines, build first", "[docs]") {
    const auto read = [](const std::string& name) {
        std::ifstream file(std::string(HYPERORU_SOURCE_DIR) + "/" + name);
        std::ostringstream text;
        text << file.rdbuf();
        return text.str();
    };
    const auto words = [](const std::string& text) {
        std::istringstream in(text);
        Names out;
        for (std::string word; in >> word;) out.push_back(word);
        return out;
    };
    // README: the build dependencies, then the test and benchmark tools, one line each.
    std::vector<Names> lines;
    std::istringstream readme(read("README.md"));
    const std::string install = "sudo apt-get install ";
    for (std::string line; std::getline(readme, line);) {
        if (line.starts_with(install)) lines.push_back(words(line.substr(install.size())));
    }
    REQUIRE(lines.size() == 2);
    CHECK(std::find(lines[0].begin(), lines[0].end(), "g++") != lines[0].end());
    CHECK(std::find(lines[0].begin(), lines[0].end(), "clang-format") == lines[0].end());

    const std::string ci = read(".ci/run");
    const auto start = ci.find("\npackages=(");
    REQUIRE(start != std::string::npos);
    const auto open = ci.find('(', start) + 1;
    Names both = lines[0];
    both.insert(both.end(), lines[1].begin(), lines[1].end());
    CHECK(words(ci.substr(open, ci.find(')', open) - open)) == both);
}
