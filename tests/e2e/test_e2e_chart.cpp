// End-to-end: --chart on the real binary against the stand-in: klines' candles and account 1's
// equity curve, exact text off a terminal, colour on one, and the refusals. The stand-in's candles
// are the same whatever day it is (tests/server/standin.py: candle()), so the charts are exact.
#include <algorithm>

#include "e2e/e2e.hpp"

namespace {

using namespace e2e;

struct TokenEnv : Env {
    explicit TokenEnv(const StandIn& server) {
        set("HYPERORU_TOKEN", k_standin_token).set("HYPERORU_BASE_URL", server.base_url());
    }
};

// BTC's first 24 hourly candles: a zigzag rising 10.0 a cycle of four, between 66800.0 and
// 68000.0 (13 rows = 26 levels). Candle 0 (up) is open 67000.0 = level 4, close 67200.0 = 8, high
// 67500.0 = 15; candle 1 (down) open 67200.0 = 8, close 67050.0 = 5, low 66850.0 = 1.
const std::string k_btc_chart =
    "BTC 1h  ┃ up █ down  close 67600.0  range 66800.0–68000.0   \n"
    "                                        │ │ ╷ ╷    ┤ 68000.0\n"
    "                                │ │ ╷ ╷ │ │ │ │    │        \n"
    "                        │ │ ╷ ╷ │ │ │ │ │ │ │ │    │        \n"
    "                │ │ ╷ ╷ │ │ │ │ │ │ │ │ ┃ █ ╽ ▄    ┤ 67688.0\n"
    "        │ │ ╷ ╷ │ │ │ │ │ │ │ │ ┃ █ ╽ ▄ ┃ █ ┃ ▀    │        \n"
    "│ │ ╷ ╷ │ │ │ │ │ │ │ │ ┃ █ ╽ ▄ ┃ █ ┃ ▀ ╿ │ │ │    │        \n"
    "│ │ │ │ │ │ │ │ ┃ █ │ │ ┃ █ ┃ ▀ ╿ │ │ │ │ │ │ ╵    ┤ 67400.0\n"
    "│ │ │ │ ╽ ▄ │ │ ┃ █ ┃ █ ┃ ▀ ╿ │ │ │ │ │ │ ╵ ╵      │        \n"
    "╽ ▄ │ │ ┃ █ ┃ █ ┃ ▀ ╿ │ │ │ │ │ │ ╵ ╵              │        \n"
    "┃ █ ┃ █ ┃ ▀ ╿ │ │ │ │ │ │ ╵ ╵                      ┤ 67112.0\n"
    "┃ ▀ ╿ │ │ │ │ │ │ ╵ ╵                              │        \n"
    "│ │ │ │ │ ╵ ╵                                      │        \n"
    "│ ╵ ╵                                              ┤ 66800.0\n"
    "04-01 00:00   04-01 07:00   04-01 14:00   04-01 21:00       \n";

// Account 1's three equity points, spread over the width and joined.
const std::string k_equity_60x14 =
    "account 1 equity 7d  last 10075.25  range 10000.00–10075.25 \n"
    "                                                ▄▀┤ 10075.25\n"
    "                                             ▄▀▀  │         \n"
    "                                           ▄▀     │         \n"
    "                                        ▄▀▀       ┤ 10053.98\n"
    "                                     ▄▄▀          │         \n"
    "                                   ▄▀             │         \n"
    "                                ▄▄▀               ┤ 10034.35\n"
    "                              ▄▀                  │         \n"
    "                           ▄▄▀                    │         \n"
    "                      ▄▄▄▄▀                       ┤ 10014.72\n"
    "          ▄▄▄▄▄▄▀▀▀▀▀▀                            │         \n"
    "▄▄▄▄▀▀▀▀▀▀                                        ┤ 10000.00\n"
    "11-18 00:00              11-21 12:00             11-25 00:00\n";

const std::string k_equity_40x10 =
    "account 1 equity 7d  last 10075.25      \n"
    "                            ▄▀┤ 10075.25\n"
    "                          ▄▀  │         \n"
    "                        ▄▀    │         \n"
    "                     ▄▀▀      ┤ 10042.64\n"
    "                   ▄▀         │         \n"
    "                 ▄▀           │         \n"
    "            ▄▄▄▄▀             │         \n"
    "▄▄▄▄▀▀▀▀▀▀▀▀                  ┤ 10000.00\n"
    "11-18 00:00    11-21 12:00   11-25 00:00\n";

std::string strip_colour(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b') {
            i = text.find('m', i);
            if (i == std::string::npos) break;
            continue;
        }
        out += text[i];
    }
    return out;
}

}  // namespace

TEST_CASE("e2e: klines --chart draws the stand-in's candles, plain text in a pipe") {
    StandIn server;
    const TokenEnv env(server);
    const auto r = cli(env, {"klines", "BTC", "--interval", "1h", "--start", "2026-04-01", "--end",
                             "2026-04-02", "--chart", "--width", "60", "--height", "15"});
    CHECK(r.rc == 0);
    CHECK(r.out == k_btc_chart);
    CHECK(r.err.empty());
    CHECK(r.out.find('\x1b') == std::string::npos);
    const auto log = server.requests();
    REQUIRE(log.size() == 1);
    CHECK(log[0].method == "GET");
    CHECK(log[0].path == "/api/klines/data");
    CHECK(log[0].query == "symbol=BTC&interval=1h&start=2026-04-01&end=2026-04-02");
}

TEST_CASE("e2e: klines --chart on a terminal fills it (80x24, less the prompt's line), coloured") {
    StandIn server;
    TokenEnv env(server);
    // The terminal's own size wins over COLUMNS and LINES.
    env.set("TERM", "xterm").set("COLUMNS", "60").set("LINES", "16");
    const std::vector<std::string> args{"klines",  "BTC",        "--interval", "1h",
                                        "--start", "2026-04-01", "--end",      "2026-04-02"};
    auto chart = args;
    chart.emplace_back("--chart");
    const auto r = cli_pty(env, chart);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("\x1b[32m┃") != std::string::npos);
    CHECK(r.output.find("\x1b[31m█") != std::string::npos);
    auto sized = chart;
    for (const char* arg : {"--width", "80", "--height", "23"}) sized.emplace_back(arg);
    const auto piped = cli(env, sized);
    CHECK(piped.rc == 0);
    CHECK(std::count(piped.out.begin(), piped.out.end(), '\n') == 23);
    CHECK(strip_colour(r.output) == piped.out);

    env.set("NO_COLOR", "1");
    for (const char* arg : {"--width", "60", "--height", "15"}) chart.emplace_back(arg);
    const auto plain = cli_pty(env, chart);
    CHECK(plain.exit_code == 0);
    CHECK(plain.output == k_btc_chart);
}

TEST_CASE("e2e: asset-curve --chart at two sizes, and 80x23 in a pipe without a size") {
    StandIn server;
    const TokenEnv env(server);
    auto r = cli(env, {"asset-curve", "1", "--chart", "--width", "60", "--height", "14"});
    CHECK(r.rc == 0);
    CHECK(r.out == k_equity_60x14);
    CHECK(r.err.empty());
    r = cli(env, {"asset-curve", "1", "--chart", "--width", "40", "--height", "10"});
    CHECK(r.rc == 0);
    CHECK(r.out == k_equity_40x10);
    CHECK(r.err.empty());

    r = cli(env, {"asset-curve", "1", "--chart"});
    CHECK(r.rc == 0);
    CHECK(r.err.empty());
    CHECK(r.out.find('\x1b') == std::string::npos);
    std::istringstream lines(r.out);
    int count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        INFO("line " << count << ": " << line);
        CHECK(line.size() >= 80);  // 80 columns; a glyph takes three bytes
    }
    CHECK(count == 23);
}

TEST_CASE("e2e: --chart with -o json is a usage error that sends nothing") {
    StandIn server;
    const TokenEnv env(server);
    auto r = cli(env, {"klines", "BTC", "--chart", "-o", "json"});
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "{\"error\":\"--chart prints a chart, not -o json; leave out one of them\",\"exit_code\":2}\n");
    r = cli(env, {"asset-curve", "1", "--chart", "-o", "raw"});
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "hyperoru: error: --chart prints a chart, not -o raw; leave out one of them\n"
          "Run 'hyperoru asset-curve --help' for usage.\n");
    CHECK(server.requests().empty());
}
