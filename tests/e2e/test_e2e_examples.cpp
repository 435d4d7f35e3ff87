// End-to-end: the examples a reader copies. Every example that `hyperoru ... --help` shows
// (collected from the real binary's help, for every command of the command tree, so a new one is
// found) and the tour in README.md run against the stand-in in demo mode, each checked for what
// its text says it does: the exit code, what it prints, and its effect where it changes
// something.
//
// Where a test must differ from a reader's machine, it says so: the stand-in listens on a port
// the kernel picks (never a fixed port in tests), so http://127.0.0.1:8080 in an example is
// replaced by its real address; the README tour's build/release is replaced by the directory of
// the binary under test; the stand-in pushes asset_curve every 0.2 s instead of every 3 s.
#include <algorithm>
#include <set>

#include "cli/command_tree.hpp"
#include "e2e/e2e.hpp"

namespace {

using namespace e2e;

constexpr const char* k_readme_url = "http://127.0.0.1:8080";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

/// `text` matches `pattern`, where each "..." in the pattern stands for any text (even none).
bool glob_match(std::string_view pattern, std::string_view text) {
    const std::size_t dots = pattern.find("...");
    if (dots == std::string_view::npos) return pattern == text;
    if (text.substr(0, dots) != pattern.substr(0, dots)) return false;
    const std::string_view rest = pattern.substr(dots + 3);
    for (std::size_t skip = dots; skip <= text.size(); ++skip) {
        if (glob_match(rest, text.substr(skip))) return true;
    }
    return false;
}

/// Colour sequences (ESC [ ... m) taken out: jq colours its output on a terminal.
std::string strip_colour(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
            const std::size_t end = text.find('m', i);
            if (end != std::string::npos) {
                i = end;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

std::string shell_quote(const std::string& text) {
    return "'" + replace_all(text, "'", "'\\''") + "'";
}

// ------------------------------------------------------------------------ the --help examples

/// The example lines of one help text: the line after "Example:", the lines of an "Examples:"
/// block (without their "# what it does" comments), and the command lines of "Offline sandbox:".
void examples_in_help(const std::string& help, std::vector<std::string>& found) {
    enum class Block { none, one, many, sandbox } block = Block::none;
    for (const auto& line : split_lines(help)) {
        if (line == "Example:" || line == "Examples:" || line == "Offline sandbox:") {
            block = line == "Example:" ? Block::one : line == "Examples:" ? Block::many : Block::sandbox;
            continue;
        }
        if (block == Block::none) continue;
        if (!line.starts_with("  ")) {
            block = Block::none;
            continue;
        }
        std::string example;
        if (block == Block::sandbox) {
            if (!line.starts_with("    ")) continue;  // the paragraph before the commands
            example = line.substr(4);
        } else {
            example = line.substr(2);
            if (const auto comment = example.find("  # "); comment != std::string::npos) {
                example.erase(example.find_last_not_of(' ', comment) + 1);
            }
        }
        if (block == Block::one) block = Block::none;
        if (std::find(found.begin(), found.end(), example) == found.end()) found.push_back(example);
    }
}

void collect_examples(const Env& env, const hyperoru::cli::CommandInfo& command,
                      std::vector<std::string> words, std::vector<std::string>& found) {
    auto args = words;
    args.emplace_back("--help");
    const auto r = cli(env, args);
    INFO("hyperoru " << Catch::Detail::stringify(words) << " --help");
    REQUIRE(r.rc == 0);
    examples_in_help(r.out, found);
    for (const auto& sub : command.subcommands) {
        auto sub_words = words;
        sub_words.push_back(sub.name);
        collect_examples(env, sub, sub_words, found);
    }
}

/// How one example is run and what shows that it did what it says. In every text, {url} is the
/// stand-in's base URL and {config} the config file.
struct Case {
    std::string example;
    std::vector<std::string> out{};      ///< what stdout shows (each a part of it)
    std::optional<std::string> exact{};  ///< the whole of stdout
    std::vector<std::string> err{};      ///< what stderr shows
    std::string setup{};                 ///< shell commands run first, in the same directory and environment
    std::string after{};                 ///< a shell command run afterwards, to see the effect
    std::string after_out{};             ///< what it prints (stdout and stderr together)
    std::string shell = "/bin/sh";       ///< the shell the example is written for
    std::string then{};                  ///< run in the same shell after the example (what it defined)
    bool terminal = false;               ///< on a pseudo-terminal, answering the password prompt
    std::string skip{};                  ///< why it is not run here, and which test runs it
};

const std::string k_register_you =
    "echo secret | hyperoru register --username newtrader --email you@example.com --password-stdin";
const std::string k_create_account = "hyperoru account create --name Spare";

std::vector<Case> help_cases() {
    return {
        // The root help: examples and the offline sandbox.
        {.example = "hyperoru login --email you@example.com",
         .out = {"Logged in to {url} as newtrader."},
         .setup = k_register_you,
         .after = "hyperoru auth status -o json",
         .after_out = "\"username\": \"newtrader\"",
         .terminal = true},
        {.example = "hyperoru account list",
         .out = {"[\n  {\n    \"id\": 1,\n", "\"name\": \"Main Account\""}},
        {.example = "hyperoru price BTC --fields price -o ndjson", .exact = "{\"price\":67012.50}\n"},
        {.example = "hyperoru-sandbox --port 8080 &",
         .skip = "a fixed port; tests/install/sandbox.sh starts the installed hyperoru-sandbox (on port 0), "
                 "and this test runs the same server (sandbox/hyperoru-sandbox --test-defaults --demo)"},
        {.example =
             "hyperoru --context sandbox --base-url http://127.0.0.1:8080 login --email trader@example.com",
         .out = {"Logged in to {url} as trader1.", "(context \"sandbox\")"},
         .after = "hyperoru context list -o json",
         .after_out = "\"name\": \"sandbox\"",
         .terminal = true},
        {.example = "hyperoru --context sandbox order list --user 1",
         .out = {"\"id\": 42,", "\"id\": 45,"},
         .setup =
             "echo secret | hyperoru --context sandbox --base-url {url} login --email trader@example.com "
             "--password-stdin"},
        // Commands, in the order of the command tree.
        {.example = "hyperoru price BTC ETH --fields symbol,price -o ndjson",
         .exact = "{\"symbol\":\"BTC\",\"price\":67012.50}\n{\"symbol\":\"ETH\",\"price\":3450.25}\n"},
        {.example = "hyperoru health", .exact = "{\n  \"status\": \"healthy\"\n}\n"},
        {.example = "hyperoru profile -o json", .exact = k_profile_json},
        {.example = "hyperoru profile update --email new@example.com",
         .out = {"\"email\": \"new@example.com\""}},
        {.example = "echo \"$PASSWORD\" | hyperoru login --email you@example.com --password-stdin",
         .err = {"Logged in to {url} as newtrader."},
         .setup = k_register_you},
        {.example = "hyperoru logout",
         .exact = "",
         .err = {"The server revoked the token."},
         .after = "hyperoru profile",
         .after_out = "not logged in"},
        {.example = "hyperoru auth status", .out = {"\"logged_in\": true", "\"username\": \"trader1\""}},
        {.example = "hyperoru auth status -o json",
         .out = {"\"logged_in\": true", "\"base_url\": \"{url}\""}},
        {.example = "curl -H \"Authorization: Bearer $(hyperoru auth token)\" \"$(hyperoru config get "
                    "base_url)/api/users/profile\"",
         .out = {"\"username\": \"trader1\""}},
        {.example =
             "hyperoru account create --name \"BTC Trend\" --llm-provider openai --llm-model gpt-4o --set "
             "initial_capital=5000",
         .out = {"\"name\": \"BTC Trend\"", "\"model\": \"gpt-4o\"", "\"initial_capital\": 5000"},
         .after = "hyperoru account list --fields name -o ndjson",
         .after_out = "{\"name\":\"BTC Trend\"}"},
        {.example = "hyperoru account overview 1", .out = {"\"name\": \"Main Account\"", "\"total_trades\""}},
        {.example = "hyperoru account list --include-hidden -o ndjson | jq -r .name",
         .exact = "Main Account\nHidden Scalper\n"},
        {.example = "hyperoru account update 3 --llm-model gpt-4o",
         .out = {"\"id\": 3,", "\"model\": \"gpt-4o\""},
         .setup = k_create_account},
        {.example = "hyperoru account delete 3 --yes",
         .setup = k_create_account,
         .after = "hyperoru account list --fields id -o ndjson",
         .after_out = "{\"id\":1}\n"},
        {.example = "hyperoru account strategy 1", .out = {"\"strategy_type\": \"prompt\""}},
        {.example = "hyperoru order list --pending", .out = {"\"id\": 42,", "\"status\": \"pending\""}},
        {.example = "hyperoru order create --account 1 --symbol BTC --side buy --type market --quantity 0.01",
         .out = {"\"symbol\": \"BTC\"", "\"order_type\": \"market\"", "\"quantity\": 0.01"}},
        {.example = "hyperoru order list --account 1", .out = {"\"id\": 42,", "\"id\": 43,"}},
        {.example = "hyperoru order execute 42 --yes", .out = {"\"execution_status\": \"filled\""}},
        {.example = "hyperoru order cancel 42 --yes",
         .out = {"\"order_id\": 42"},
         .after = "hyperoru order list --pending",
         .after_out = "[]\n"},
        {.example = "hyperoru order process-all --dry-run",
         .out = {"POST {url}/api/orders/process-all\n"},
         .after = "hyperoru order list --pending",
         .after_out = "\"id\": 42,"},
        {.example = "hyperoru factor effectiveness", .out = {"\"factor_name\": \"momentum_1d\""}},
        {.example = "hyperoru factor effectiveness momentum_1d --history",
         .out = {"\"date\": \"2026-04-01\""}},
        {.example = "hyperoru factor list", .out = {"\"name\": \"vol_momentum\""}},
        {.example = "hyperoru factor create --name vol_momentum --expression 'volume_change * momentum_1d'",
         .out = {"\"id\": 2,", "\"expression\": \"volume_change * momentum_1d\""}},
        {.example = "hyperoru factor update 1 --expression 'volume_change * momentum_1d * 1.5'",
         .out = {"\"expression\": \"volume_change * momentum_1d * 1.5\""}},
        {.example = "hyperoru factor delete 1 --yes", .after = "hyperoru factor list", .after_out = "[]\n"},
        {.example = "hyperoru klines BTC --interval 1h --start 7d --end now", .out = {"\"close\": "}},
        {.example = "hyperoru klines BTC --interval 1h --start 2d --chart --width 80 --height 20",
         .out = {"BTC 1h  ┃ up █ down  close ", "  range ", "┤ "}},
        {.example = "hyperoru klines coverage", .out = {"\"total_candles\": "}},
        {.example = "hyperoru klines symbols -o ndjson",
         .exact = "{\"symbols\":[\"BTC\",\"ETH\",\"SOL\",\"ARB\"]}\n"},
        {.example = "hyperoru klines backfill-tasks", .out = {"\"id\": \"bf-001\""}},
        {.example = "hyperoru klines backfill --exchange hyperliquid --symbol BTC --interval 1h --start 30d",
         .out = {"\"status\": \"running\"", "\"period\": \"1h\""}},
        {.example = "hyperoru klines backfill-status bf-001", .out = {"\"rows_written\": 720"}},
        {.example = "hyperoru program list", .out = {"\"name\": \"Grid Bot\""}},
        {.example = "hyperoru program test-run 1 --symbol BTC", .out = {"\"reason\": \"Grid level hit\""}},
        {.example = "hyperoru program dev-guide | jq -r .guide | less",
         .out = {"# Program Development Guide\n"}},
        {.example = "hyperoru program show 1", .out = {"\"code\": \"fn run(ctx) { ... }\""}},
        {.example = "hyperoru program create --name 'Grid Bot' --code-file grid.py",
         .out = {"\"id\": 2,"},
         .after = "hyperoru program show 2",
         .after_out = "\"code\": \"print(\\\"grid\\\")\\n\""},
        {.example = "hyperoru program update 1 --code-file grid.py",
         .out = {"\"code\": \"print(\\\"grid\\\")\\n\""}},
        {.example = "hyperoru program delete 1 --yes", .after = "hyperoru program list", .after_out = "[]\n"},
        {.example = "hyperoru program validate --code-file grid.py", .out = {"\"valid\": true"}},
        {.example = "hyperoru program signal-pools", .out = {"\"name\": \"Momentum Pool\""}},
        {.example = "hyperoru program accounts", .out = {"\"name\": \"Hidden Scalper\""}},
        {.example =
             "hyperoru program backtest --program 1 --symbols BTC,ETH --start 2025-01-01 --end 2025-06-01",
         .out = {"\"program_id\": 1", "\"status\": \"completed\""}},
        {.example = "hyperoru prompt list", .out = {"\"name\": \"BTC Trend Follower\""}},
        {.example = "hyperoru prompt rename 1 'BTC Momentum v2'", .out = {"\"name\": \"BTC Momentum v2\""}},
        {.example = "hyperoru prompt show 1", .out = {"\"content\": \"Analyze BTC price action...\""}},
        {.example = "hyperoru prompt create --name Momentum --content-file momentum.txt",
         .out = {"\"name\": \"Momentum\"", "\"content\": \"Analyze {{symbol}} momentum\\n\""}},
        {.example = "hyperoru prompt update 1 --content-file momentum.txt",
         .out = {"\"content\": \"Analyze {{symbol}} momentum\\n\""}},
        {.example = "hyperoru prompt delete 1 --yes", .after = "hyperoru prompt list", .after_out = "[]\n"},
        {.example = "hyperoru prompt copy 1", .out = {"\"name\": \"BTC Trend Follower (copy)\""}},
        {.example = "hyperoru prompt preview --body preview.json", .out = {"Analyze ETH momentum"}},
        {.example = "hyperoru prompt ai-chat 'Write a BTC momentum prompt'",
         .out = {"\"task_id\": \"task-1\""}},
        {.example = "echo \"$PASSWORD\" | hyperoru register --username newtrader --email you@example.com "
                    "--password-stdin",
         .out = {"\"username\": \"newtrader\"", "\"email\": \"you@example.com\""}},
        {.example = "hyperoru users list", .out = {"\"username\": \"trader1\""}},
        {.example = "hyperoru exchange-config", .out = {"\"selected_exchange\": \"hyperliquid\""}},
        {.example = "hyperoru exchange-config get", .out = {"\"selected_exchange\": \"hyperliquid\""}},
        {.example = "hyperoru exchange-config set --exchange binance",
         .out = {"\"selected_exchange\": \"binance\""}},
        {.example = "hyperoru prompt-backtest create --body task.json", .out = {"\"status\": \"queued\""}},
        {.example = "hyperoru signal list", .out = {"\"name\": \"RSI Oversold\""}},
        {.example = "hyperoru signal definition show 1", .out = {"\"indicator\": \"rsi\""}},
        {.example = "hyperoru signal definition create --name 'RSI Oversold' --type threshold --config "
                    "'{\"indicator\":\"rsi\",\"threshold\":30}'",
         .out = {"\"id\": 2,", "\"type\": \"threshold\""}},
        {.example = "hyperoru signal definition update 1 --config '{\"threshold\":25}'",
         .out = {"\"threshold\": 25"}},
        {.example = "hyperoru signal definition delete 1 --yes",
         .after = "hyperoru signal definition show 1",
         .after_out = "Signal definition not found"},
        {.example = "hyperoru signal pool create --name P --signal-ids 1,2",
         .out = {"\"name\": \"P\""},
         .setup = "hyperoru signal definition create --name Second --type threshold --config '{}'"},
        {.example = "hyperoru signal pool create --name Confluence --signal-ids 1,2 --logic and",
         .out = {"\"name\": \"Confluence\""},
         .setup = "hyperoru signal definition create --name Second --type threshold --config '{}'"},
        {.example = "hyperoru analytics summary --days 7", .out = {"\"total_trades\": "}},
        {.example = "hyperoru analytics by symbol", .out = {"\"symbol\": \"BTC\""}},
        {.example = "hyperoru analytics by strategy", .out = {"\"strategy\": \"prompt\""}},
        {.example = "hyperoru analytics by account", .out = {"\"account_id\": 1"}},
        {.example = "hyperoru analytics by operation", .out = {"\"operation\": \"buy\""}},
        {.example = "hyperoru analytics by trigger-type", .out = {"\"trigger_type\": \"ai_decision\""}},
        {.example = "hyperoru analytics by factor", .out = {"\"factor_name\": \"momentum_1d\""}},
        {.example = "hyperoru hyperliquid positions 1", .out = {"\"mark_price\": 67012.50"}},
        {.example = "hyperoru hyperliquid balance 1", .out = {"\"total_equity\": 12345.67"}},
        {.example = "hyperoru hyperliquid state 1", .out = {"\"balance_total\": 12345.67"}},
        {.example = "hyperoru ai chat 'How did my BTC trader do this week?'",
         .out = {"{\"event\":\"done\""},
         .err = {"conversation: 9007199254740993\n"}},
        {.example = "hyperoru ai chat 'Summarise my open positions' -o ndjson | jq -r .event",
         .exact = "status\ntoken\ntoken\ntool_call\ntoken\ntoken\ndone\n"},
        {.example = "hyperoru ai conversation create --message 'Plan for today'",
         .out = {"\"id\": 9007199254740993"}},
        {.example = "hyperoru ai stream task-1 --follow",
         .out = {"Analyze {{symbol}} momentum on the 1h chart."},
         .setup = "hyperoru prompt ai-chat 'Write a BTC momentum prompt'"},
        {.example = "hyperoru api -X POST /api/orders/create --input order.json",
         .out = {"\"symbol\": \"ETH\"", "\"status\": \"pending\""}},
        {.example = "hyperoru watch asset_curve --count 3",
         .out = {"{\"type\":\"subscribed\"", "\"equity\":10012.50", "\"equity\":10037.50"}},
        {.example = "hyperoru top",
         .skip = "full screen: test_e2e_top.cpp runs it in a terminal of a fixed size"},
        {.example = "hyperoru top --once -o json | jq '.totals'",
         .out = {"\"traders\": 1", "\"open_positions\": 2", "\"open_orders\": 1"}},
        {.example = "hyperoru ws request get_snapshot --data '{\"account_id\": 1}'",
         .out = {"\"equity\": 10000.0"}},
        {.example = "hyperoru ws bootstrap | jq '.accounts[].name'", .exact = "\"Main Account\"\n"},
        {.example = "hyperoru snapshot 1", .out = {"\"equity\": 10000.0"}},
        {.example = "hyperoru asset-curve 1 --timeframe 7d -o ndjson",
         .out = {"{\"account_id\":1,\"timeframe\":\"7d\""}},
        {.example = "hyperoru asset-curve 1 --chart --width 60 --height 12",
         .out = {"account 1 equity 7d  last 10075.25  range 10000.00–10075.25 \n", "┤ 10075.25\n"}},
        {.example = "hyperoru context list", .out = {"\"name\": \"default\""}},
        {.example = "hyperoru context list -o json", .out = {"\"name\": \"default\""}},
        {.example = "hyperoru context use selfhosted",
         .setup = "hyperoru --context selfhosted config set base_url https://hyperoru.example.com",
         .after = "hyperoru config get context",
         .after_out = "selfhosted\n"},
        {.example = "hyperoru context show selfhosted -o json",
         .out = {"\"base_url\": \"https://hyperoru.example.com\""},
         .setup = "hyperoru --context selfhosted config set base_url https://hyperoru.example.com"},
        {.example = "hyperoru --context staging logout && hyperoru context delete staging",
         .err = {"The server revoked the token."},
         .setup =
             "echo secret | hyperoru --context staging --base-url {url} login --email trader@example.com "
             "--password-stdin",
         .after = "hyperoru context show staging",
         .after_out = "no context named \"staging\""},
        {.example = "hyperoru config list --show-origin", .out = {"\"origin\": \"config file\""}},
        {.example = "hyperoru config get base_url", .exact = "{url}\n"},
        {.example = "hyperoru --context selfhosted config set base_url https://hyperoru.example.com",
         .err = {"Set base_url of context \"selfhosted\" to https://hyperoru.example.com."},
         .after = "hyperoru context show selfhosted -o json",
         .after_out = "\"base_url\": \"https://hyperoru.example.com\""},
        {.example = "hyperoru config path", .exact = "{config}\n"},
        // What each shell is told to do with its completion script.
        {.example = "source <(hyperoru completion bash)",
         .exact = "complete -F _hyperoru hyperoru\n",
         .shell = "/bin/bash",
         .then = "complete -p hyperoru"},
        {.example = "hyperoru completion zsh > \"${fpath[1]}/_hyperoru\"",
         .setup = "mkdir -p zsh-functions",
         .after = "head -n 1 zsh-functions/_hyperoru",
         .after_out = "#compdef hyperoru\n",
         .shell = "/usr/bin/zsh"},
        {.example = "hyperoru completion fish > ~/.config/fish/completions/hyperoru.fish",
         .setup = "mkdir -p ~/.config/fish/completions",
         .after = "grep -q '^complete -c hyperoru' ~/.config/fish/completions/hyperoru.fish && echo written",
         .after_out = "written\n",
         .shell = "/usr/bin/fish"},
    };
}

/// The files the examples name, as a reader would have them.
void write_example_files(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "grid.py") << "print(\"grid\")\n";
    std::ofstream(dir / "momentum.txt") << "Analyze {{symbol}} momentum\n";
    std::ofstream(dir / "preview.json")
        << R"({"content": "Analyze {{symbol}} momentum", "variables": {"symbol": "ETH"}})";
    std::ofstream(dir / "task.json") << R"({"account_id": 1, "config": {}})";
    std::ofstream(dir / "order.json")
        << R"({"account_id": 1, "symbol": "ETH", "side": "sell", "order_type": "market", "quantity": 0.5, "name": "sell ETH"})";
}

}  // namespace

TEST_CASE("e2e: every example of --help runs against the sandbox and does what it says") {
    StandIn server({"--demo", "--ws-demo-interval", "0.2"});
    const std::string url = server.base_url();
    const std::filesystem::path binary = HYPERORU_BINARY;

    std::vector<std::string> examples;
    {
        const Env env;
        collect_examples(env, hyperoru::cli::command_tree(), {}, examples);
    }
    const auto cases = help_cases();
    // Each example has its check, and each check an example: a new or changed example fails here
    // until it is given one.
    std::set<std::string> shown(examples.begin(), examples.end());
    std::set<std::string> checked;
    for (const auto& c : cases) checked.insert(c.example);
    for (const auto& example : shown) {
        INFO("an example of --help without a check here: " << example);
        CHECK(checked.count(example) == 1);
    }
    for (const auto& example : checked) {
        INFO("a check here for an example --help no longer shows: " << example);
        CHECK(shown.count(example) == 1);
    }
    REQUIRE(checked.size() == cases.size());

    for (const auto& c : cases) {
        INFO("example: " << c.example);
        if (!c.skip.empty()) {
            INFO("not run: " << c.skip);
            CHECK(c.out.empty());
            continue;
        }
        server.control("POST", "/__standin/reset");
        Env env;
        const auto bin = env.dir() / "bin";
        const auto work = env.dir() / "work";
        std::filesystem::create_directories(bin);
        std::filesystem::create_symlink(binary, bin / "hyperoru");
        write_example_files(work);
        env.set("PATH", bin.string() + ":/usr/bin:/bin")
            .set("PASSWORD", "secret")
            .set("FPATH", (work / "zsh-functions").string())
            .set("LC_ALL", "C.UTF-8");
        const auto fill = [&](const std::string& text) {
            return replace_all(replace_all(text, "{url}", url), "{config}", env.config_file().string());
        };
        const auto in_work = [&](const std::string& command) {
            return "cd " + work.string() + "; " + command;
        };

        REQUIRE(login(server, env).rc == 0);
        if (!c.setup.empty()) {
            const auto r = run(env, {"/bin/sh", "-c", in_work(fill(c.setup))});
            INFO("setup: " << c.setup << "\n" << r.err);
            REQUIRE(r.rc == 0);
        }
        std::string command = replace_all(c.example, k_readme_url, url);
        if (!c.then.empty()) command += "; " + c.then;
        const std::vector<std::string> argv{c.shell, "-c", in_work(command)};
        if (c.terminal) {
            const auto r = hyperoru::test::run_in_pty(argv, env.vars, {{"Password: ", "secret\n"}});
            INFO("terminal:\n" << r.output);
            CHECK(r.exit_code == 0);
            for (const auto& part : c.out) CHECK(contains(r.output, fill(part)));
        } else {
            const auto r = run(env, argv, "", 30s);
            INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
            CHECK(r.rc == 0);
            if (c.exact) CHECK(r.out == fill(*c.exact));
            CHECK((c.exact || !c.out.empty() || !c.err.empty() ||
                   !c.after.empty()));  // every example is checked for something
            for (const auto& part : c.out) CHECK(contains(r.out, fill(part)));
            for (const auto& part : c.err) CHECK(contains(r.err, fill(part)));
        }
        if (!c.after.empty()) {
            const auto r = run(env, {"/bin/sh", "-c", in_work(fill(c.after))});
            INFO("afterwards: " << c.after << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
            CHECK(contains(r.out + r.err, fill(c.after_out)));
        }
    }
}

// ------------------------------------------------------------------------------ README's tour

TEST_CASE("e2e: README's tour prints on a terminal what README shows") {
    const std::string readme = read_text(std::string(HYPERORU_SOURCE_DIR) + "/README.md");
    const auto marker = readme.find("<!-- tour:");
    REQUIRE(marker != std::string::npos);
    const auto open = readme.find("```console\n", marker);
    REQUIRE(open != std::string::npos);
    const auto begin = open + std::string("```console\n").size();
    const auto close = readme.find("```\n", begin);
    REQUIRE(close != std::string::npos);
    const std::string block = readme.substr(begin, close - begin);

    StandIn server({"--demo", "--ws-demo-interval", "0.2"});
    const std::string address = server.base_url();

    // One shell runs the whole block, as a reader types it, each command echoed after "$ " the
    // way README shows it. Only the binary's directory differs (build/dev, not build/release).
    const auto binary_dir = std::filesystem::path(HYPERORU_BINARY).parent_path().string();
    std::string script;
    std::size_t commands = 0;
    for (const auto& line : split_lines(block)) {
        if (!line.starts_with("$ ")) continue;
        ++commands;
        const std::string command = replace_all(line.substr(2), k_readme_url, address);
        script += "printf '%s\\n' " + shell_quote(replace_all(line, k_readme_url, address)) + "\n";
        script += replace_all(command, "$PWD/build/release", binary_dir) + "\n";
    }
    CHECK(commands >= 8);

    Env env;
    env.vars.erase("HYPERORU_CONFIG_DIR");  // the reader's default: ~/.config/hyperoru
    env.set("TZ", "UTC").set("LC_ALL", "C.UTF-8");
    const auto r = hyperoru::test::run_in_pty({"/bin/sh", "-c", script}, env.vars, {}, 60s);
    CHECK(r.exit_code == 0);

    const auto expected = split_lines(replace_all(block, k_readme_url, address));
    const auto actual = split_lines(strip_colour(normalise_newlines(r.output)));
    INFO("terminal:\n" << strip_colour(normalise_newlines(r.output)));
    CHECK(actual.size() == expected.size());
    for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
        INFO("line " << i + 1 << "\n  README:   " << expected[i] << "\n  terminal: " << actual[i]);
        CHECK(glob_match(expected[i], actual[i]));
    }
    CHECK(std::filesystem::exists(env.dir() / ".config/hyperoru/config.json"));
}

TEST_CASE("e2e: README's first lines do what their comments say") {
    const std::string readme = read_text(std::string(HYPERORU_SOURCE_DIR) + "/README.md");
    const auto open = readme.find("```sh\n");
    REQUIRE(open != std::string::npos);
    const auto begin = open + std::string("```sh\n").size();
    const std::string block = readme.substr(begin, readme.find("```\n", begin) - begin);
    std::map<std::string, std::string> comments;  // command -> its comment
    for (const auto& line : split_lines(block)) {
        const auto hash = line.find("  # ");
        REQUIRE(hash != std::string::npos);
        comments[line.substr(0, line.find_last_not_of(' ', hash) + 1)] = line.substr(hash + 4);
    }
    const std::map<std::string, std::string> known{
        {"hyperoru login", "once; the token goes to ~/.config/hyperoru/config.json"},
        {"hyperoru account list", "a table on a terminal, JSON in a pipe"},
        {"hyperoru price BTC --fields price -o ndjson", ""},
    };
    std::set<std::string> commands, checked;
    for (const auto& [command, comment] : comments) commands.insert(command);
    for (const auto& [command, comment] : known) checked.insert(command);
    REQUIRE(commands == checked);  // a changed line needs its check changed here
    CHECK(comments.at("hyperoru login") == known.at("hyperoru login"));
    CHECK(comments.at("hyperoru account list") == known.at("hyperoru account list"));

    // The reader's server is production; here it is the stand-in, through HYPERORU_BASE_URL.
    StandIn server;
    Env env;
    env.vars.erase("HYPERORU_CONFIG_DIR");  // the reader's default: ~/.config/hyperoru
    env.set("HYPERORU_BASE_URL", server.base_url());
    const auto login =
        hyperoru::test::run_in_pty({HYPERORU_BINARY, "login"}, env.vars,
                                   {{"Email: ", "trader@example.com\n"}, {"Password: ", "secret\n"}});
    CHECK(login.exit_code == 0);
    CHECK(contains(read_text(env.dir() / ".config/hyperoru/config.json"), "\"session_token\": \""));

    const auto table = cli_pty(env, {"account", "list"});
    CHECK(table.exit_code == 0);
    CHECK(table.output.starts_with("ID  NAME "));
    const auto json = cli(env, {"account", "list"});
    CHECK(json.rc == 0);
    CHECK(json.out.starts_with("[\n  {\n    \"id\": 1,"));

    // The comment begins with what the command prints.
    const auto price = cli(env, {"price", "BTC", "--fields", "price", "-o", "ndjson"});
    CHECK(price.rc == 0);
    CHECK(price.out == "{\"price\":67012.50}\n");
    CHECK(comments.at("hyperoru price BTC --fields price -o ndjson").starts_with("{\"price\":67012.50}: "));
}
