// Charts as text (cli/chart.hpp): every expected chart below was checked by eye against its data
// (levels worked out by hand for the first candles of each), not pasted from a run.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cli/chart.hpp"
#include "cli/decimal.hpp"
#include "support/cli_fixture.hpp"

using namespace hyperoru::cli;
using hyperoru::test::k_json;
using hyperoru::test::k_production_url;
using hyperoru::test::LoggedIn;
using hyperoru::test::WsStep;
using Lines = std::vector<std::string>;

// The expected charts are written one line of the chart per line of code (clang-format off around
// them), so that they read as the chart they are.

namespace {

// Six 1h candles as the stand-in sends them (one decimal): up, down, up, down, up, down.
std::vector<Candle> six_candles() {
    return {{"2026-04-01T00:00:00Z", "67000.0", "67300.0", "66800.0", "67200.0"},
            {"2026-04-01T01:00:00Z", "67200.0", "67350.0", "66950.0", "67050.0"},
            {"2026-04-01T02:00:00Z", "67050.0", "67450.0", "66850.0", "67150.0"},
            {"2026-04-01T03:00:00Z", "67150.0", "67250.0", "67000.0", "67100.0"},
            {"2026-04-01T04:00:00Z", "67100.0", "67500.0", "67000.0", "67400.0"},
            {"2026-04-01T05:00:00Z", "67400.0", "67450.0", "67100.0", "67150.0"}};
}

// The stand-in's equity curve of account 1.
std::vector<Point> equity_points() {
    return {{"2026-11-18T00:00:00Z", "10000.0"},
            {"2026-11-21T12:00:00Z", "10012.50"},
            {"2026-11-25T00:00:00Z", "10075.25"}};
}

// six_candles() at 40x12, titled "BTC 1h". 10 plot rows = 20 levels from 66800.0 (0) to 67500.0
// (19). The first candle (up): open 5, close 11, high 14, low 0: ╷ at the top of its wick, ┃ body,
// ╿ where the body ends halfway. Labels: the highest high, the lowest low, and every third row the
// middle of its row.
Lines six_at_40x12() {
    // clang-format off
    return {
        "BTC 1h  ┃ up █ down  close 67150.0      ",
        "    ╷   │ ╷                    ┤ 67500.0",
        "    │   ╽ ▄                    │        ",
        "╷ │ │   ┃ █                    │        ",
        "│ │ │ ╷ ┃ █                    ┤ 67260.5",
        "┃ █ ╽ ▄ ┃ █                    │        ",
        "┃ █ ┃ █ ┃ │                    │        ",
        "┃ ▀ ╿ │ │                      ┤ 67039.5",
        "╿ │ │ ╵ ╵                      │        ",
        "│   │                          │        ",
        "│   ╵                          ┤ 66800.0",
        "04-01 00:00                             ",
    };
    // clang-format on
}

// equity_points() at 40x10, titled "account 1 equity 7d": 8 rows = 16 levels from 10000.00 (0) to
// 10075.25 (15); the points at columns 0, 15 and 29; 10012.50 is level 2.
Lines equity_at_40x10() {
    // clang-format off
    return {
        "account 1 equity 7d  last 10075.25      ",
        "                            ▄▀┤ 10075.25",
        "                          ▄▀  │         ",
        "                        ▄▀    │         ",
        "                     ▄▀▀      ┤ 10042.64",
        "                   ▄▀         │         ",
        "                 ▄▀           │         ",
        "            ▄▄▄▄▀             │         ",
        "▄▄▄▄▀▀▀▀▀▀▀▀                  ┤ 10000.00",
        "11-18 00:00    11-21 12:00   11-25 00:00",
    };
    // clang-format on
}

// The six candles as a klines answer: JSON numbers, one decimal.
const std::string k_six_json =
    R"([{"timestamp":"2026-04-01T00:00:00Z","open":67000.0,"high":67300.0,"low":66800.0,"close":67200.0,"volume":1.0},)"
    R"({"timestamp":"2026-04-01T01:00:00Z","open":67200.0,"high":67350.0,"low":66950.0,"close":67050.0,"volume":1.0},)"
    R"({"timestamp":"2026-04-01T02:00:00Z","open":67050.0,"high":67450.0,"low":66850.0,"close":67150.0,"volume":1.0},)"
    R"({"timestamp":"2026-04-01T03:00:00Z","open":67150.0,"high":67250.0,"low":67000.0,"close":67100.0,"volume":1.0},)"
    R"({"timestamp":"2026-04-01T04:00:00Z","open":67100.0,"high":67500.0,"low":67000.0,"close":67400.0,"volume":1.0},)"
    R"({"timestamp":"2026-04-01T05:00:00Z","open":67400.0,"high":67450.0,"low":67100.0,"close":67150.0,"volume":1.0}])";

// The stand-in's reply to get_asset_curve for account 1.
const std::string k_curve_reply =
    R"({"type":"asset_curve","request_id":"1","data":{"account_id":1,"timeframe":"7d","points":[)"
    R"({"timestamp":"2026-11-18T00:00:00Z","equity":10000.0},{"timestamp":"2026-11-21T12:00:00Z","equity":10012.50},)"
    R"({"timestamp":"2026-11-25T00:00:00Z","equity":10075.25}]}})";

std::string joined(const Lines& lines) {
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return text;
}

}  // namespace

TEST_CASE("chart: candlesticks at 40x12, up hollow (┃) and down filled (█), half a row per level",
          "[chart]") {
    CHECK(candlestick_chart(six_candles(), 40, 12, {.color = false, .title = "BTC 1h"}) == six_at_40x12());
}

TEST_CASE("chart: candlesticks at 80x20 keep one blank column between candles, left aligned", "[chart]") {
    // clang-format off
    const Lines expected{
        "BTC 1h  ┃ up █ down  close 67150.0  range 66800.0–67500.0                       ",
        "        │                                                              ┤ 67500.0",
        "    │   │ │                                                            │        ",
        "    │   ╽ ▄                                                            │        ",
        "  ╷ │   ┃ █                                                            ┤ 67370.0",
        "  │ │   ┃ █                                                            │        ",
        "│ │ │   ┃ █                                                            │        ",
        "│ │ │ │ ┃ █                                                            ┤ 67250.0",
        "╽ ▄ │ │ ┃ █                                                            │        ",
        "┃ █ ╽ ▄ ┃ █                                                            │        ",
        "┃ █ ┃ █ ┃ │                                                            ┤ 67130.0",
        "┃ █ ┃ ▀ ╿ ╵                                                            │        ",
        "┃ ▀ ╿ │ │                                                              │        ",
        "┃ │ │ │ │                                                              ┤ 67010.0",
        "│ │ │                                                                  │        ",
        "│   │                                                                  │        ",
        "│   │                                                                  ┤ 66890.0",
        "│   ╵                                                                  │        ",
        "│                                                                      ┤ 66800.0",
        "04-01 00:00                                                                     ",
    };
    // clang-format on
    const Lines chart = candlestick_chart(six_candles(), 80, 20, {.color = false, .title = "BTC 1h"});
    CHECK(chart == expected);
    for (const auto& line : chart) CHECK(line.find('\x1b') == std::string::npos);
}

TEST_CASE("chart: colour is green for up candles and red for down ones, reset after each", "[chart]") {
    const std::vector<Candle> two{{"2026-04-01T00:00:00Z", "10", "14", "9", "13"},
                                  {"2026-04-01T01:00:00Z", "13", "13", "10", "11"}};
    // clang-format off
    const Lines plain{
        "X  ┃ up █ down      ",
        "╽ ▄             ┤ 14",
        "┃ █             │   ",
        "┃ ▀             │   ",
        "╿ ╵             ┤  9",
        "04-01 00:00         ",
    };
    // clang-format on
    CHECK(candlestick_chart(two, 20, 6, {.color = false, .title = "X"}) == plain);
    // clang-format off
    const Lines coloured{
        "X  \x1b[32m┃\x1b[0m up \x1b[31m█\x1b[0m down      ",
        "\x1b[32m╽\x1b[0m \x1b[31m▄\x1b[0m             ┤ 14",
        "\x1b[32m┃\x1b[0m \x1b[31m█\x1b[0m             │   ",
        "\x1b[32m┃\x1b[0m \x1b[31m▀\x1b[0m             │   ",
        "\x1b[32m╿\x1b[0m \x1b[31m╵\x1b[0m             ┤  9",
        "04-01 00:00         ",
    };
    // clang-format on
    CHECK(candlestick_chart(two, 20, 6, {.color = true, .title = "X"}) == coloured);
}

TEST_CASE("chart: more candles than columns shows the most recent, one column each", "[chart]") {
    // 40 candles between 99 and 107; the plot has 35 columns (40 - "┤ " - "107").
    std::vector<Candle> candles;
    for (int i = 0; i < 40; ++i) {
        const int open = 100 + i % 7;
        const int close = 100 + (i * 3) % 7;
        char time[32];
        std::snprintf(time, sizeof time, "2026-04-%02dT%02d:00:00Z", 1 + i / 24, i % 24);
        candles.push_back({time, std::to_string(open), std::to_string(std::max(open, close) + 1),
                           std::to_string(std::min(open, close) - 1), std::to_string(close)});
    }
    // The first shown is candle 5 (05:00): open 105, close 101, high 106, low 100 (down).
    // clang-format off
    const Lines expected{
        "ETH  ┃ up █ down  last 35 of 40         ",
        "╷▄  ╽ ╷╷▄  ╽ ╷╷▄  ╽ ╷╷▄  ╽ ╷╷▄  ╽ ╷┤ 107",
        "▄█  ┃ ╽▄█  ┃ ╽▄█  ┃ ╽▄█  ┃ ╽▄█  ┃ ╽│    ",
        "█▀ ╽┃▄╿█▀ ╽┃▄╿█▀ ╽┃▄╿█▀ ╽┃▄╿█▀ ╽┃▄╿│    ",
        "█  ┃┃█ █  ┃┃█ █  ┃┃█ █  ┃┃█ █  ┃┃█ ┤ 102",
        "▀ │╿╵╵ ▀ │╿╵╵ ▀ │╿╵╵ ▀ │╿╵╵ ▀ │╿╵╵ │    ",
        "╵ ╿╵   ╵ ╿╵   ╵ ╿╵   ╵ ╿╵   ╵ ╿╵   ┤  99",
        "04-01 05:00  04-01 18:00  04-02 07:00   ",
    };
    // clang-format on
    CHECK(candlestick_chart(candles, 40, 8, {.color = false, .title = "ETH"}) == expected);
}

TEST_CASE("chart: all prices equal, one candle, and candles that are not numbers", "[chart]") {
    // Flat: every candle on the middle level, the one label on its row; daily dates alone.
    const std::vector<Candle> flat{{"2026-04-01", "5.00", "5.00", "5.00", "5.00"},
                                   {"2026-04-02", "5.00", "5.00", "5.00", "5.00"},
                                   {"2026-04-03", "5.00", "5.00", "5.00", "5.00"}};
    // clang-format off
    const Lines flat_chart{
        "EQ  ┃ up █ down         ",
        "                  │     ",
        "                  │     ",
        "╹ ╹ ╹             ┤ 5.00",
        "                  │     ",
        "04-01                   ",
    };
    // clang-format on
    CHECK(candlestick_chart(flat, 24, 6, {.color = false, .title = "EQ"}) == flat_chart);

    // One down candle with two decimals: body from 66950.75 (level 3) to 67012.50 (level 6).
    const std::vector<Candle> one{{"2026-04-01T00:00:00Z", "67012.50", "67100.00", "66900.25", "66950.75"}};
    // clang-format off
    const Lines one_chart{
        "BTC  ┃ up █ down              ",
        "│                   ┤ 67100.00",
        "│                   │         ",
        "▄                   │         ",
        "█                   ┤ 66981.97",
        "▀                   │         ",
        "│                   ┤ 66900.25",
        "04-01                         ",
    };
    // clang-format on
    CHECK(candlestick_chart(one, 30, 8, {.color = false, .title = "BTC"}) == one_chart);

    // Eight decimals, epoch-second times; the candle that is not numbers is skipped and counted.
    const std::vector<Candle> tiny{{"1775001600", "0.00000012", "0.00000015", "0.00000010", "0.00000014"},
                                   {"1775005200", "0.00000014", "0.00000016", "0.00000011", "0.00000012"},
                                   {"x", "abc", "1", "1", "1"}};
    // clang-format off
    const Lines tiny_chart{
        "PEPE  ┃ up █ down  1 skipped  ",
        "  │               ┤ 0.00000016",
        "│ │               │           ",
        "┃ █               │           ",
        "┃ █               ┤ 0.00000012",
        "│ │               │           ",
        "│                 ┤ 0.00000010",
        "04-01 00:00                   ",
    };
    // clang-format on
    CHECK(candlestick_chart(tiny, 30, 8, {.color = false, .title = "PEPE"}) == tiny_chart);
}

TEST_CASE("chart: nothing to draw, or no room to draw it, is one line", "[chart]") {
    const std::vector<Candle> one{{"2026-04-01T00:00:00Z", "67012.50", "67100.00", "66900.25", "66950.75"}};
    CHECK(candlestick_chart({}, 30, 8, {}) == Lines{"no data to chart"});
    CHECK(candlestick_chart({{"t", "a", "b", "c", "d"}}, 30, 8, {}) == Lines{"no data to chart"});
    CHECK(candlestick_chart(one, 19, 8, {}) == Lines{"terminal too small for a chart (needs 20×6)"});
    CHECK(candlestick_chart(one, 30, 5, {}) == Lines{"terminal too small for a chart (needs 20×6)"});
    CHECK(line_chart({}, 30, 8, {}) == Lines{"no data to chart"});
    CHECK(line_chart({{"t", "1"}}, 10, 3, {}) == Lines{"terminal too small for a chart (needs 20×6)"});
    // Labels of 19 characters leave 20 - 2 - 19 columns: fewer than the 4 a plot needs.
    CHECK(line_chart({{"t", "123456789012.345678"}}, 20, 6, {}) ==
          Lines{"terminal too small for a chart (needs 25×6)"});
}

TEST_CASE("chart: a line chart spreads the points over the width and joins them", "[chart]") {
    // At 60x14 the points are at columns 0, 25 and 49.
    CHECK(line_chart(equity_points(), 40, 10, {.color = false, .title = "account 1 equity 7d"}) ==
          equity_at_40x10());
    // clang-format off
    const Lines large{
        "account 1 equity 7d  last 10075.25  range 10000.00–10075.25 ",
        "                                                ▄▀┤ 10075.25",
        "                                             ▄▀▀  │         ",
        "                                           ▄▀     │         ",
        "                                        ▄▀▀       ┤ 10053.98",
        "                                     ▄▄▀          │         ",
        "                                   ▄▀             │         ",
        "                                ▄▄▀               ┤ 10034.35",
        "                              ▄▀                  │         ",
        "                           ▄▄▀                    │         ",
        "                      ▄▄▄▄▀                       ┤ 10014.72",
        "          ▄▄▄▄▄▄▀▀▀▀▀▀                            │         ",
        "▄▄▄▄▀▀▀▀▀▀                                        ┤ 10000.00",
        "11-18 00:00              11-21 12:00             11-25 00:00",
    };
    // clang-format on
    CHECK(line_chart(equity_points(), 60, 14, {.color = false, .title = "account 1 equity 7d"}) == large);
}

TEST_CASE("chart: a flat line sits on the middle level; the last time label ends at the edge", "[chart]") {
    // 6 rows = 12 levels: a flat series on level 5, the upper half of row 3, labelled there. The
    // points are at columns 0, 21 and 41; "11-25 00:00" would run past the end at 41, so it ends
    // at the edge instead (column 39), still clear of the label before it.
    const std::vector<Point> flat{{"2026-11-18T00:00:00Z", "480.25"},
                                  {"2026-11-21T12:00:00Z", "480.25"},
                                  {"2026-11-25T00:00:00Z", "480.25"}};
    // clang-format off
    const Lines expected{
        "account 2 equity 7d  last 480.25                  ",
        "                                          │       ",
        "                                          │       ",
        "                                          │       ",
        "▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀┤ 480.25",
        "                                          │       ",
        "                                          │       ",
        "11-18 00:00          11-21 12:00       11-25 00:00",
    };
    // clang-format on
    CHECK(line_chart(flat, 50, 8, {.color = false, .title = "account 2 equity 7d"}) == expected);
}

TEST_CASE("chart: a line chart is green when it ends at or above its start, red below", "[chart]") {
    // clang-format off
    const Lines up{
        "account 1 equity 7d  last 10075.25      ",
        "                            \x1b[32m▄▀\x1b[0m┤ 10075.25",
        "                          \x1b[32m▄▀\x1b[0m  │         ",
        "                        \x1b[32m▄▀\x1b[0m    │         ",
        "                     \x1b[32m▄▀▀\x1b[0m      ┤ 10042.64",
        "                   \x1b[32m▄▀\x1b[0m         │         ",
        "                 \x1b[32m▄▀\x1b[0m           │         ",
        "            \x1b[32m▄▄▄▄▀\x1b[0m             │         ",
        "\x1b[32m▄▄▄▄▀▀▀▀▀▀▀▀\x1b[0m                  ┤ 10000.00",
        "11-18 00:00    11-21 12:00   11-25 00:00",
    };
    // clang-format on
    CHECK(line_chart(equity_points(), 40, 10, {.color = true, .title = "account 1 equity 7d"}) == up);
    // clang-format off
    const Lines down{
        "down  last 1        ",
        "\x1b[31m▀▀▄▄\x1b[0m             ┤ 3",
        "    \x1b[31m▀▀▄▄▄\x1b[0m        │  ",
        "         \x1b[31m▀▀▄▄\x1b[0m    │  ",
        "             \x1b[31m▀▀▄▄\x1b[0m┤ 1",
        "a               b   ",
    };
    // clang-format on
    CHECK(line_chart({{"a", "3"}, {"b", "1"}}, 20, 6, {.color = true, .title = "down"}) == down);
}

TEST_CASE("chart: sparkline of the last values, lowest ▁ to highest █", "[chart]") {
    CHECK(sparkline({"1", "2", "3", "4", "5", "6", "7", "8", "x"}, 10) == "▁▂▃▄▅▆▇█  ");
    CHECK(sparkline({"0", "10", "5"}, 2) == "█▁");  // the last two: 10 highest, 5 lowest
    CHECK(sparkline({"2.5", "2.50"}, 3) == "▄▄ ");
    CHECK(sparkline({}, 3) == "   ");
    CHECK(sparkline({"1"}, 0).empty());
}

TEST_CASE("chart: decimal text read exactly, at a common scale in 64 bits", "[chart]") {
    const auto at = [](std::string_view text, int scale) -> std::optional<std::int64_t> {
        const auto d = Decimal::parse(text);
        if (!d) return std::nullopt;
        return d->units_at(scale);
    };
    CHECK(at("67012.50", 2) == 6701250);
    CHECK(at("67000.0", 2) == 6700000);
    CHECK(at("0.00000012", 8) == 12);
    CHECK(at("1.2e-7", 8) == 12);
    CHECK(at("-0.05", 2) == -5);
    CHECK(at("1E3", 0) == 1000);
    CHECK(at("123456789012345678", 0) == 123456789012345678);
    CHECK_FALSE(at("12345678901234567890", 0));  // beyond 64 bits
    CHECK_FALSE(at("67012.50", 1));              // would lose a digit
    CHECK_FALSE(Decimal::parse("1e400"));
    CHECK_FALSE(Decimal::parse("NaN"));
    CHECK_FALSE(Decimal::parse("1.2.3"));
    CHECK(Decimal::from_units(6701250, 2).text() == "67012.50");
    CHECK(Decimal::from_units(12, 8).text() == "0.00000012");
    CHECK(Decimal::from_units(-5, 2).text() == "-0.05");
    CHECK(Decimal::from_units(INT64_MIN, 0).text() == "-9223372036854775808");
}

TEST_CASE("chart: time labels from ISO 8601, dates and epoch times", "[chart]") {
    CHECK(time_label("2026-04-01T13:45:00Z") == "04-01 13:45");
    CHECK(time_label("2026-04-01 13:45:00+00:00") == "04-01 13:45");
    CHECK(time_label("2026-04-01") == "04-01");
    CHECK(time_label("1775001600") == "04-01 00:00");
    CHECK(time_label("1775001600000") == "04-01 00:00");
    CHECK(time_label("yesterday\x1b[2J") == "yesterday?[2J");
    CHECK(time_label("a very long time label indeed") == "a very long time");
}

// ------------------------------------------------------------------------- --chart on commands

TEST_CASE("chart: klines --chart draws the same request's candles, off a terminal without colour",
          "[chart]") {
    LoggedIn cli;
    cli.server->respond(200, k_six_json, k_json);
    CHECK(cli.run({"klines", "BTC", "--interval", "1h", "--chart", "--width", "40", "--height", "12"}) == 0);
    CHECK(cli.out == joined(six_at_40x12()));
    CHECK(cli.err.empty());
    REQUIRE(cli.server->requests.size() == 1);
    CHECK(cli.request().method == "GET");
    CHECK(cli.request().url == k_production_url + "/api/klines/data?symbol=BTC&interval=1h");

    // Without --width/--height: COLUMNS and LINES (less the prompt's line) when stdout is no terminal.
    cli.env["COLUMNS"] = "40";
    cli.env["LINES"] = "13";
    cli.server->respond(200, k_six_json, k_json);
    CHECK(cli.run({"klines", "BTC", "--interval", "1h", "--chart"}) == 0);
    CHECK(cli.out == joined(six_at_40x12()));
    CHECK(cli.out.find('\x1b') == std::string::npos);
}

TEST_CASE("chart: klines --chart on a terminal fits it and colours, unless NO_COLOR or --no-color",
          "[chart]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    cli.terminal_size = TerminalSize{40, 13};
    cli.env["COLUMNS"] = "100";  // the terminal's own size wins
    cli.server->respond(200, k_six_json, k_json);
    CHECK(cli.run({"klines", "BTC", "--interval", "1h", "--chart"}) == 0);
    CHECK(cli.err.empty());
    Lines coloured = six_at_40x12();
    coloured[0] = "BTC 1h  \x1b[32m┃\x1b[0m up \x1b[31m█\x1b[0m down  close 67150.0      ";
    coloured[1] = "    \x1b[32m╷   │\x1b[0m \x1b[31m╷\x1b[0m                    ┤ 67500.0";
    const std::string out = cli.out;
    CHECK(out.starts_with(coloured[0] + "\n" + coloured[1] + "\n"));
    CHECK(out == joined(candlestick_chart(six_candles(), 40, 12, {.color = true, .title = "BTC 1h"})));

    cli.server->respond(200, k_six_json, k_json);
    CHECK(cli.run({"klines", "BTC", "--interval", "1h", "--chart", "--no-color"}) == 0);
    CHECK(cli.out == joined(six_at_40x12()));
    cli.env["NO_COLOR"] = "1";
    cli.server->respond(200, k_six_json, k_json);
    CHECK(cli.run({"klines", "BTC", "--interval", "1h", "--chart"}) == 0);
    CHECK(cli.out == joined(six_at_40x12()));
}

TEST_CASE("chart: --chart refuses -o, --fields, --all and sizes below the minimum, sending nothing",
          "[chart]") {
    LoggedIn cli;
    CHECK(cli.run({"klines", "BTC", "--chart", "-o", "json"}) == 2);
    CHECK(cli.out.empty());
    CHECK(cli.err ==
          "{\"error\":\"--chart prints a chart, not -o json; leave out one of them\",\"exit_code\":2}\n");
    CHECK(cli.run({"klines", "BTC", "--chart", "-o", "table"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --chart prints a chart, not -o table; leave out one of them\n"
          "Run 'hyperoru klines --help' for usage.\n");
    CHECK(cli.run({"klines", "BTC", "--chart", "--fields", "close"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --chart prints a chart, not --fields; leave out one of them\n"
          "Run 'hyperoru klines --help' for usage.\n");
    CHECK(cli.run({"klines", "BTC", "--chart", "--all"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --chart draws one answer; leave out --all (--limit picks how many)\n"
          "Run 'hyperoru klines --help' for usage.\n");
    CHECK(cli.run({"klines", "BTC", "--chart", "--width", "10"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --width must be at least 20, got 10\n"
          "Run 'hyperoru klines --help' for usage.\n");
    CHECK(cli.run({"klines", "BTC", "--chart", "--height", "wide"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --height expects a number of character cells, got 'wide'\n"
          "Run 'hyperoru klines --help' for usage.\n");
    CHECK(cli.run({"klines", "BTC", "--width", "60"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --width and --height size a chart: add --chart\n"
          "Run 'hyperoru klines --help' for usage.\n");
    cli.env["COLUMNS"] = "15";
    CHECK(cli.run({"klines", "BTC", "--chart"}) == 1);
    CHECK(cli.err ==
          "hyperoru: error: terminal too small for a chart (needs 20×6); --width and --height set another "
          "size\n");
    CHECK(cli.server->requests.empty());
    CHECK(cli.run({"asset-curve", "1", "--chart", "-o", "ndjson"}) == 2);
    CHECK(cli.err ==
          "{\"error\":\"--chart prints a chart, not -o ndjson; leave out one of them\",\"exit_code\":2}\n");
    CHECK(cli.ws.connections.empty());
}

TEST_CASE("chart: klines --chart with no candles, an error or an answer that is no list", "[chart]") {
    LoggedIn cli;
    cli.server->respond(200, "[]", k_json);
    CHECK(cli.run({"klines", "BTC", "--chart", "--width", "40", "--height", "12"}) == 0);
    CHECK(cli.out == "no data to chart\n");
    CHECK(cli.err.empty());

    cli.server->respond(404, R"({"error":"Unknown symbol: DOGE","code":"SYMBOL_NOT_FOUND"})", k_json);
    CHECK(cli.run({"klines", "DOGE", "--chart", "--width", "40", "--height", "12"}) == 6);
    CHECK(cli.out.empty());
    CHECK(cli.err == "hyperoru: error: Unknown symbol: DOGE (HTTP 404, code SYMBOL_NOT_FOUND)\n");

    cli.server->respond(200, R"({"status":"ok"})", k_json);
    CHECK(cli.run({"klines", "BTC", "--chart", "--width", "40", "--height", "12"}) == 10);
    CHECK(cli.out.empty());
    CHECK(cli.err == "hyperoru: error: invalid response: expected a list of candles\n");

    // An envelope's items, other member names (o/h/l/c, epoch milliseconds), a candle skipped.
    cli.server->respond(
        200,
        R"({"items":[{"open_time":1775001600000,"o":"1.5","h":"2.0","l":"1.0","c":"1.75"},)"
        R"({"open_time":1775005200000,"o":"1.75","h":null,"l":"1.0","c":"1.5"}],"next":null})",
        k_json);
    CHECK(cli.run({"klines", "ARB", "--chart", "--width", "40", "--height", "6"}) == 0);
    // 4 rows = 8 levels from 1.00 (0) to 2.00 (7): open 1.50 is level 4 (3.5 rounded up), close
    // 1.75 level 5, so the body fills row 1; the only time is midnight, shown as its date.
    CHECK(cli.out ==
          "ARB  ┃ up █ down  close 1.75  1 skipped \n"
          "│                                 ┤ 2.00\n"
          "┃                                 │     \n"
          "│                                 │     \n"
          "│                                 ┤ 1.00\n"
          "04-01                                   \n");
}

TEST_CASE("chart: asset-curve --chart draws the equity points at the size asked", "[chart]") {
    LoggedIn cli;
    cli.ws.open({WsStep::message(k_curve_reply)});
    CHECK(cli.run({"asset-curve", "1", "--chart", "--width", "40", "--height", "10"}) == 0);
    CHECK(cli.out == joined(equity_at_40x10()));
    CHECK(cli.err.empty());
    REQUIRE(cli.ws.connections.size() == 1);
    CHECK(cli.ws.connections[0].sent ==
          std::vector<std::string>{
              R"({"type":"get_asset_curve","request_id":"1","data":{"account_id":1,"timeframe":"7d"}})"});

    cli.ws.open({WsStep::message(
        R"({"type":"asset_curve","request_id":"1","data":{"account_id":1,"timeframe":"7d","points":[]}})")});
    CHECK(cli.run({"asset-curve", "1", "--chart", "--width", "40", "--height", "10"}) == 0);
    CHECK(cli.out == "no data to chart\n");

    cli.ws.open({WsStep::message(R"({"type":"asset_curve","request_id":"1","data":{"account_id":1}})")});
    CHECK(cli.run({"asset-curve", "1", "--chart", "--width", "40", "--height", "10"}) == 10);
    CHECK(cli.err == "hyperoru: error: invalid response: expected the equity points of an asset curve\n");

    CHECK(cli.run({"asset-curve", "1", "--chart", "--width", "10"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --width must be at least 20, got 10\n"
          "Run 'hyperoru asset-curve --help' for usage.\n");
}
