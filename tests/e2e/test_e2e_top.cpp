// hyperoru top in a real terminal of a fixed size (tmux) against the stand-in: the screen as a
// person sees it, keys, resizes, a dropped socket, a quiet stream, and `top --once`.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "e2e.hpp"
#include "hyperoru/exact_json.hpp"
#include "tmux.hpp"

using namespace e2e;

namespace {

struct TokenEnv : Env {
    explicit TokenEnv(const StandIn& server) {
        set("HYPERORU_TOKEN", k_standin_token).set("HYPERORU_BASE_URL", server.base_url());
    }
};

/// A row of the screen that starts with `prefix`, or "" when none does.
std::string row(const Tmux& tmux, const std::string& prefix) {
    for (const auto& line : tmux.lines()) {
        if (line.rfind(prefix, 0) == 0) return line;
    }
    return "";
}

/// Hundredths from the market's money text ("9999.80", "-0.20"): it always has two decimals.
long long cents(const std::string& text) {
    REQUIRE(text.size() > 3);
    REQUIRE(text[text.size() - 3] == '.');
    std::string digits = text;
    digits.erase(digits.size() - 3, 1);
    return std::stoll(digits);
}

/// Hundredths as text with a sign when positive, as top shows a PnL: "+12.50", "-0.20", "0.00".
std::string signed_cents(long long value) {
    const long long magnitude = value < 0 ? -value : value;
    std::string text = std::to_string(magnitude / 100) + "." + (magnitude % 100 < 10 ? "0" : "") +
                       std::to_string(magnitude % 100);
    return (value < 0 ? "-" : value > 0 ? "+" : "") + text;
}

/// The day's % as top should show it: 100 × pnl / (equity − pnl), two decimals, half away from 0.
std::string day_pct(long long equity, long long pnl) {
    const long long base = equity - pnl;
    const long long scaled = pnl * 10000;
    long long q = scaled / base;
    if (2 * std::llabs(scaled % base) >= std::llabs(base)) q += (scaled < 0) != (base < 0) ? -1 : 1;
    return signed_cents(q) + "%";
}

/// A screen row holding `tokens` in order, separated by spaces only (adjacent columns).
bool has_row(const Tmux& tmux, const std::vector<std::string>& tokens) {
    std::string pattern;
    for (const auto& token : tokens) {
        if (!pattern.empty()) pattern += " +";
        pattern += std::regex_replace(token, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
    }
    const std::regex row_pattern(pattern);
    for (const auto& line : tmux.lines()) {
        if (std::regex_search(line, row_pattern)) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("e2e top: the market on screen: rows, totals, a position's PnL, the latest reasoning",
          "[e2e][top]") {
    StandIn server({"--market", "--seed", "7", "--market-interval", "0"});
    TokenEnv env(server);
    server.control("POST", "/__standin/market/tick", R"({"count": 5})");
    Tmux tmux(env, {"top", "--refresh", "60"}, 130, 40);
    REQUIRE(tmux.wait_for(" TOTAL (3)"));
    REQUIRE(tmux.wait_for("\nlive · "));
    // Three ticks more, pushed to top as they happen; what the market said is the expectation.
    const auto tick = hyperoru::json::parse(
        server.control("POST", "/__standin/market/tick", R"({"count": 3, "pushes": true})"));
    std::map<std::string, std::pair<std::string, std::string>> curve;  // account -> equity, daily pnl
    std::map<std::string, hyperoru::json::Value> positions;            // "account symbol" -> data
    std::string reasoning;
    for (const auto& push : tick.find("pushes")->items()) {
        const auto& data = *push.find("data");
        const std::string type = push.find("type")->text();
        const std::string account = data.find("account_id")->text();
        if (type == "asset_curve")
            curve[account] = {data.find("equity")->text(), data.find("daily_pnl")->text()};
        if (type == "position") positions[account + " " + data.find("symbol")->text()] = data;
        if (type == "model_chat" && account == "1") reasoning = data.find("reasoning")->text();
    }
    REQUIRE(curve.size() == 3);
    REQUIRE_FALSE(reasoning.empty());
    const std::map<std::string, std::vector<std::string>> names = {
        {"1", {"Main Account", "gpt-4o", "hyperliquid"}},
        {"3", {"BTC Momentum", "claude-sonnet-4-20250514", "binance"}},
        {"4", {"ETH Swing", "deepseek-chat", "hyperliquid"}}};
    std::vector<std::vector<std::string>> rows;
    long long total_equity = 0, total_pnl = 0;
    for (const auto& [account, row_start] : names) {
        const auto& [equity, pnl] = curve[account];
        std::vector<std::string> tokens = row_start;
        tokens.insert(tokens.end(),
                      {"on", equity, signed_cents(cents(pnl)), day_pct(cents(equity), cents(pnl))});
        rows.push_back(tokens);
        total_equity += cents(equity);
        total_pnl += cents(pnl);
    }
    const std::string total = std::to_string(total_equity / 100) + "." +
                              (total_equity % 100 < 10 ? "0" : "") + std::to_string(total_equity % 100);
    rows.push_back({"TOTAL (3)", total, signed_cents(total_pnl), day_pct(total_equity, total_pnl)});
    // The last push of the burst drawn: every row as the market left it.
    tmux.wait([&](const std::string&) {
        return std::all_of(rows.begin(), rows.end(),
                           [&](const auto& tokens) { return has_row(tmux, tokens); });
    });
    for (const auto& tokens : rows) {
        INFO(tokens.front() << "\n" << tmux.screen());
        CHECK(has_row(tmux, tokens));
    }

    // Main Account's page: each open position with the PnL the market pushed, and the reasoning
    // of its latest decision, wrapped to the window.
    tmux.keys({"j", "j", "Enter"});
    REQUIRE(tmux.wait_for("hyperoru top › Main Account"));
    int shown = 0;
    for (const auto& [key, data] : positions) {
        if (key.rfind("1 ", 0) != 0 || data.find("status")->text() != "open") continue;
        ++shown;
        CHECK(has_row(
            tmux, {data.find("symbol")->text(), data.find("side")->text(), data.find("size")->text(),
                   data.find("entry_price")->text(), data.find("mark_price")->text(),
                   signed_cents(cents(data.find("unrealized_pnl")->text())), data.find("leverage")->text()}));
    }
    CHECK(shown > 0);
    std::string wrapped;
    bool in_decision = false;
    for (const auto& line : tmux.lines()) {
        if (line.rfind("DECISION ", 0) == 0) {
            in_decision = true;
            continue;
        }
        if (in_decision && line.rfind(" ", 0) == 0) wrapped += (wrapped.empty() ? "" : " ") + line.substr(1);
        if (in_decision && line.empty()) break;
    }
    CHECK(wrapped == reasoning);
    tmux.keys({"q"});
    REQUIRE(tmux.wait_for("[exit 0]"));
}

TEST_CASE("e2e top --account: only the traders asked for; the market paused is marked stale", "[e2e][top]") {
    StandIn server({"--market", "--seed", "7", "--market-interval", "0.05"});
    TokenEnv env(server);
    Tmux tmux(env, {"top", "--account", "4", "--account", "1", "--push-interval", "0.2"}, 120, 20);
    REQUIRE(tmux.wait_for(" TOTAL (2)"));
    REQUIRE(tmux.wait_for("last push"));
    CHECK(contains(tmux.screen(), " ETH Swing "));
    CHECK(contains(tmux.screen(), " Main Account "));
    CHECK_FALSE(contains(tmux.screen(), "BTC Momentum"));
    server.control("POST", "/__standin/market/pause");
    REQUIRE(tmux.wait_for("(stale)"));
    server.control("POST", "/__standin/market/resume");
    REQUIRE(tmux.wait_for("last push"));
    tmux.keys({"q"});
    REQUIRE(tmux.wait_for("[exit 0]"));
}

TEST_CASE("e2e top: the fleet on a terminal; q quits with exit 0 and gives the terminal back", "[e2e][top]") {
    StandIn server({"--demo", "--ws-demo-interval", "0.2"});
    TokenEnv env(server);
    Tmux tmux(env, {"top", "--refresh", "1"}, 100, 24);
    REQUIRE(tmux.wait_for(" Main Account"));
    REQUIRE(tmux.wait_for("last push"));
    const auto lines = tmux.lines();
    CHECK(lines[0] == "hyperoru top · 1 trader · sort name ↑");
    CHECK(lines[1] ==
          " TRADER        MODEL   EXCHANGE     TRADING    EQUITY  DAY PNL   DAY %  POS  LAST DECISION  AGE");
    CHECK(lines[23] == "↑↓/jk move  Enter open  s sort  / filter  c chart  r refresh  ? help  q quit");
    CHECK(lines[22].rfind("live · data ", 0) == 0);
    CHECK(row(tmux, " Main Account").find("gpt-4o") != std::string::npos);
    tmux.keys({"q"});
    REQUIRE(tmux.wait_for("[exit 0]"));
    CHECK_FALSE(contains(tmux.screen(), "hyperoru top ·"));  // the screen was given back
}

TEST_CASE("e2e top: Enter opens a trader, Esc goes back, s sorts, / filters", "[e2e][top]") {
    StandIn server({"--demo"});
    TokenEnv env(server);
    Tmux tmux(env, {"top"}, 100, 24);
    REQUIRE(tmux.wait_for(" Main Account"));
    tmux.keys({"Enter"});
    REQUIRE(tmux.wait_for("hyperoru top › Main Account"));
    CHECK(tmux.wait_for("POSITIONS (2)"));  // the stand-in's account 1 holds BTC and ETH
    CHECK(contains(tmux.screen(), "OPEN ORDERS (1)"));
    tmux.keys({"Escape"});
    REQUIRE(tmux.wait_for("hyperoru top · 1 trader · sort name ↑"));
    tmux.keys({"s"});
    REQUIRE(tmux.wait_for("hyperoru top · 1 trader · sort equity ↓"));
    tmux.keys({"/"});
    tmux.type("zzz");
    REQUIRE(tmux.wait_for("filter: zzz_"));
    tmux.keys({"Enter"});
    REQUIRE(tmux.wait_for(" no trader matches the filter"));
    CHECK(tmux.lines()[0] == "hyperoru top · 0 traders · sort equity ↓ · filter \"zzz\"");
    tmux.keys({"Escape"});
    REQUIRE(tmux.wait_for("hyperoru top · 1 trader · sort equity ↓"));
    tmux.keys({"?"});
    REQUIRE(tmux.wait_for("KEYS"));
    tmux.keys({"q"});
    REQUIRE(tmux.wait_for("[exit 0]"));
}

TEST_CASE("e2e top: resizing to 60x20 and 200x60 redraws the whole screen, nothing left over", "[e2e][top]") {
    StandIn server({"--demo"});
    TokenEnv env(server);
    Tmux tmux(env, {"top"}, 100, 24);
    REQUIRE(tmux.wait_for(" Main Account"));
    const auto check_screen = [&](int width, int height) {
        REQUIRE(tmux.wait([&](const std::string&) {
            const auto lines = tmux.lines();
            // tmux keeps the old rows until the program draws again: wait for top's own redraw.
            return static_cast<int>(lines.size()) == height && lines.back().rfind("↑↓/jk move", 0) == 0 &&
                   lines.front() == "hyperoru top · 1 trader · sort name ↑";
        }));
        const auto lines = tmux.lines();
        CHECK(lines[0] == "hyperoru top · 1 trader · sort name ↑");
        CHECK(lines[1].rfind(" TRADER", 0) == 0);
        CHECK(lines[2].rfind(" Main Account", 0) == 0);
        CHECK(lines[3].rfind(" TOTAL (1)", 0) == 0);
        for (int y = 4; y < height - 2; ++y) CHECK(lines[static_cast<std::size_t>(y)].empty());
        CHECK(lines[static_cast<std::size_t>(height - 2)].rfind("live · data ", 0) == 0);
        for (const auto& line : lines) {
            // Columns, not bytes: the arrows and "·" take one column each.
            std::size_t columns = 0;
            for (const char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
            CHECK(columns <= static_cast<std::size_t>(width));
        }
    };
    tmux.resize(60, 20);
    check_screen(60, 20);
    // What fits in 60 columns: the model, the exchange and the last decision are left out.
    CHECK(contains(tmux.lines()[1], "EQUITY  DAY PNL"));
    CHECK_FALSE(contains(tmux.lines()[1], "MODEL"));
    CHECK_FALSE(contains(tmux.lines()[1], "LAST DECISION"));
    tmux.resize(200, 60);
    check_screen(200, 60);
    CHECK(tmux.lines()[1].rfind(" TRADER        MODEL   EXCHANGE     TRADING    EQUITY  DAY PNL", 0) == 0);
    CHECK(contains(tmux.lines()[1], "POS  LAST DECISION  AGE"));
    tmux.keys({"q"});
    REQUIRE(tmux.wait_for("[exit 0]"));
}

TEST_CASE("e2e top: a dropped socket shows reconnecting, then live again; a quiet stream is marked stale",
          "[e2e][top]") {
    StandIn server({"--demo", "--ws-demo-interval", "0.1"});
    TokenEnv env(server);
    Tmux tmux(env, {"top", "--push-interval", "0.5"}, 100, 24);
    REQUIRE(tmux.wait_for("last push"));
    server.control("POST", "/__standin/ws/reject", R"({"on": true, "status": 503})");
    server.control("POST", "/__standin/ws/drop", "{}");
    REQUIRE(tmux.wait_for("reconnecting in "));
    CHECK(contains(row(tmux, "reconnecting in "), "(attempt "));
    server.control("POST", "/__standin/ws/reject", R"({"on": false})");
    REQUIRE(tmux.wait(
        [](const std::string& s) { return contains(s, "\nlive · data ") && contains(s, "last push"); }, 40s));
    // The socket stays open but nothing comes: after twice the promised interval, stale.
    server.control("POST", "/__standin/ws/silence", R"({"on": true})");
    REQUIRE(tmux.wait_for("(stale)"));
    CHECK(contains(row(tmux, "live · data "), "no push for "));
    server.control("POST", "/__standin/ws/silence", R"({"on": false})");
    REQUIRE(tmux.wait_for("last push"));
    tmux.keys({"q"});
    REQUIRE(tmux.wait_for("[exit 0]"));
}

TEST_CASE("e2e top: gains in green and losses in red; NO_COLOR and --no-color leave the signs alone",
          "[e2e][top]") {
    StandIn server({"--market", "--seed", "7", "--market-interval", "0"});
    server.control("POST", "/__standin/market/tick", R"({"count": 8})");
    const auto colours = [&](const std::vector<std::string>& args, const std::string& variable) {
        TokenEnv env(server);
        if (!variable.empty()) env.set(variable, "1");
        Tmux tmux(env, args, 120, 12);
        // Every row's day PnL is in (from the curves) and the stream is up.
        const std::regex pnl(R"( [+-]?\d+\.\d\d +[+-]?\d+\.\d\d%)");
        REQUIRE(tmux.wait([&](const std::string& screen) {
            const auto rows = std::distance(std::sregex_iterator(screen.begin(), screen.end(), pnl),
                                            std::sregex_iterator());
            return rows == 4 && contains(screen, "\nlive · ");
        }));
        const std::string screen = tmux.screen_with_attributes();
        tmux.keys({"q"});
        REQUIRE(tmux.wait_for("[exit 0]"));
        return screen;
    };
    const std::string coloured = colours({"top"}, "");
    CHECK(contains(coloured, "\x1b[32m"));  // green: a gain, "on", "live"
    CHECK(contains(coloured, "\x1b[31m"));  // red: a loss
    for (const auto& plain : {colours({"top"}, "NO_COLOR"), colours({"--no-color", "top"}, "")}) {
        CHECK_FALSE(contains(plain, "\x1b[32m"));
        CHECK_FALSE(contains(plain, "\x1b[31m"));
        CHECK(contains(plain, "live · "));
        // The signs carry the meaning: every day's PnL is +, - or exactly zero.
        CHECK(std::regex_search(plain, std::regex(R"( [+-]\d+\.\d\d +[+-]?\d+\.\d\d%)")));
    }
}

TEST_CASE("e2e top: a rejected token says so on the status line; Ctrl-C exits 130", "[e2e][top]") {
    StandIn server({"--demo"});
    Env env;
    env.set("HYPERORU_TOKEN", "hs_not_a_valid_token").set("HYPERORU_BASE_URL", server.base_url());
    Tmux tmux(env, {"top"}, 100, 12);
    REQUIRE(tmux.wait_for("token rejected: run hyperoru login"));
    CHECK(contains(tmux.screen(), "REST: "));
    tmux.keys({"C-c"});
    REQUIRE(tmux.wait_for("[exit 130]"));
}

TEST_CASE("e2e top: off a terminal it refuses with exit 2; --once prints the fleet", "[e2e][top]") {
    StandIn server({"--demo"});
    TokenEnv env(server);
    const auto refused = cli(env, {"top"});
    CHECK(refused.rc == 2);
    CHECK(refused.out.empty());
    CHECK(contains(refused.err, "top needs a terminal"));
    // A terminal that cannot move the cursor is refused before the screen is taken.
    const auto dumb = cli_pty(env, {"top"}, {});
    CHECK(dumb.exit_code == 2);
    CHECK(contains(dumb.output, "top needs a terminal that can move the cursor (TERM is 'dumb')"));
    TokenEnv unknown(server);
    unknown.set("TERM", "no-such-terminal");
    const auto unknown_term = cli_pty(unknown, {"top"}, {});
    CHECK(unknown_term.exit_code == 1);
    CHECK(contains(unknown_term.output, "top cannot draw on this terminal (TERM=no-such-terminal)"));
    Env logged_out;
    logged_out.set("HYPERORU_BASE_URL", server.base_url()).set("TERM", "xterm");
    const auto nobody = cli_pty(logged_out, {"top"}, {});
    CHECK(nobody.exit_code == 4);
    CHECK(contains(nobody.output, "not logged in"));
    const auto table = cli(env, {"top", "--once", "-o", "table"});
    CHECK(table.rc == 0);
    CHECK(table.err.empty());
    CHECK(table.out.rfind(" TRADER        MODEL   EXCHANGE     TRADING", 0) == 0);
}

namespace {

/// Resident memory of a process in KiB (VmRSS), 0 when it has ended.
long rss_kib(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

/// CPU time a process has used (user + system), in seconds.
double cpu_seconds(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (name) "
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14 || i == 15) ticks += std::stod(field);  // utime, stime
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long long market_sent(const StandIn& server) {
    const auto state = hyperoru::json::parse(server.control("GET", "/__standin/market"));
    return std::stoll(state.find("sent")->text());
}

}  // namespace

// Run on its own by ctest ("e2e: top under load", RUN_SERIAL): the key times are only meaningful
// on a machine that is not running other tests at the same time.
TEST_CASE("e2e top: 1,000 pushes a second for a minute: keys answered within 100 ms, memory flat",
          "[e2e][top][load]") {
    // 100 ticks a second; each tick pushes a fill or two, the positions, the decisions and three
    // equity updates: about a thousand messages a second.
    StandIn server({"--market", "--seed", "7", "--market-interval", "0.01"});
    TokenEnv env(server);
#ifdef __SANITIZE_ADDRESS__
    // AddressSanitizer's own memory grows beside top's: freed blocks wait in quarantines (256 MiB
    // by default) to catch a use after free, and the stack of every allocation is kept. Measured
    // with both (1 MiB of quarantine): +1.1 MiB in 50 s, slowing down; without them: +0.1 MiB.
    // The memory measure is top's; the sanitizer still checks every access.
    env.set("ASAN_OPTIONS", "quarantine_size_mb=0:thread_local_quarantine_size_kb=0:malloc_context_size=0");
#endif
    Tmux tmux(env, {"top"}, 120, 30);
    REQUIRE(tmux.wait_for(" TOTAL (3)"));
    REQUIRE(tmux.wait_for("last push"));
    const int pid = tmux.pid();
    REQUIRE(pid > 0);
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const long long sent_at_start = market_sent(server);
    const double cpu_at_start = cpu_seconds(pid);
    const std::vector<std::string> keys = {"equity ↓",    "pnl ↓",      "pnl% ↓",
                                           "positions ↓", "decision ↓", "name ↑"};
    std::vector<double> latencies;
    long rss_early = 0;
    for (std::size_t round = 0; Clock::now() - start < 60s; ++round) {
        const std::string title = "hyperoru top · 3 traders · sort " + keys[round % keys.size()];
        const auto pressed = Clock::now();
        tmux.keys({"s"});
        REQUIRE(tmux.wait([&](const std::string&) { return tmux.lines().front() == title; }, 5s));
        latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - pressed).count());
        if (rss_early == 0 && Clock::now() - start >= 10s) rss_early = rss_kib(pid);
        std::this_thread::sleep_until(pressed + 2s);  // the pace of the keys, not a synchronisation
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const long long sent = market_sent(server) - sent_at_start;
    const long rss_late = rss_kib(pid);
    const double cpu = (cpu_seconds(pid) - cpu_at_start) / seconds * 100;
    std::sort(latencies.begin(), latencies.end());
    const double rate = static_cast<double>(sent) / seconds;
    std::printf(
        "top under load: %.0f messages/s for %.0f s (%lld); %zu keys answered in %.0f ms median, %.0f ms "
        "at most; RSS %ld KiB at 10 s, %ld KiB at the end; CPU %.1f%% of one core\n",
        rate, seconds, sent, latencies.size(), latencies[latencies.size() / 2], latencies.back(), rss_early,
        rss_late, cpu);
    CHECK(rate >= 900);
    CHECK(latencies.back() < 100);
    CHECK(rss_early > 0);
    CHECK(rss_late - rss_early < 1024);  // flat: under 1 MiB more after 50 more seconds of pushes
    tmux.keys({"q"});
    REQUIRE(tmux.wait_for("[exit 0]"));
}
