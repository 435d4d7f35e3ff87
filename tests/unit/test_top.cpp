// hyperoru top without a terminal: exact decimals, the fleet fed by literal messages and REST
// bodies, the pages drawn as text at fixed sizes, the keys, and `top --once`.
#include <catch2/catch.hpp>

#include "cli/decimal.hpp"
#include "cli/top/fleet.hpp"
#include "cli/top/view.hpp"
#include "support/cli_fixture.hpp"

using namespace hyperoru;
using namespace std::chrono_literals;
using cli::Decimal;
using cli::top::Fleet;
using cli::top::Key;
using cli::top::Link;
using cli::top::Page;
using cli::top::SortKey;
using cli::top::Time;
using cli::top::Timing;
using cli::top::ViewState;
using hyperoru::test::LoggedIn;
using hyperoru::test::WsStep;

namespace {

const Time t0 = Time{} + 1000s;

std::vector<std::string> text(const std::vector<cli::top::Line>& lines) {
    std::vector<std::string> out;
    for (const auto& line : lines) out.push_back(cli::top::line_text(line));
    return out;
}

Timing at(std::chrono::milliseconds after) {
    Timing timing;
    timing.now = t0 + after;
    timing.refresh = 5s;
    timing.push_interval = 60s;
    return timing;
}

/// Two traders: Main Account (a position, an order, a fill, a decision) and BTC Momentum.
Fleet two_traders() {
    Fleet fleet;
    fleet.on_accounts(R"([{"id": 1, "name": "Main Account", "model": "gpt-4o", "is_active": true,
                           "hyperliquid_enabled": true},
                          {"id": 3, "name": "BTC Momentum", "llm_model": "claude-sonnet-4-20250514",
                           "exchange": "binance", "is_active": false}])");
    fleet.on_link(Link::live, "", t0);
    fleet.on_message(R"({"type": "asset_curve", "data": {"account_id": 1, "timestamp": "2026-01-05T09:30:00Z",
                         "equity": 10000.00, "daily_pnl": 0.00}})",
                     t0);
    fleet.on_message(R"({"type": "asset_curve", "data": {"account_id": 1, "timestamp": "2026-01-05T09:32:00Z",
                         "equity": 10012.50, "daily_pnl": 12.50}})",
                     t0);
    fleet.on_message(
        R"({"type": "asset_curve", "data": {"account_id": 3, "equity": 9990.1, "daily_pnl": -9.9}})", t0);
    fleet.on_message(R"({"type": "position", "data": {"account_id": 1, "symbol": "BTC", "side": "long",
                         "size": 0.010, "entry_price": 67012.50, "mark_price": 67020.00,
                         "unrealized_pnl": 0.08, "leverage": 3, "status": "open"}})",
                     t0);
    fleet.on_pending_orders(
        R"([{"id": 101, "account_id": 1, "symbol": "ETH", "side": "sell", "order_type": "limit",
                         "price": 3500.00, "quantity": 0.50, "status": "pending"},
                        {"id": 99, "account_id": 1, "symbol": "ETH", "side": "buy", "order_type": "market",
                         "quantity": 0.5, "status": "executed"}])",
        t0);
    fleet.on_message(R"({"type": "trade", "data": {"account_id": 1, "order_id": 100, "symbol": "BTC",
                         "side": "buy", "quantity": 0.010, "price": 67012.50, "status": "filled",
                         "timestamp": "2026-01-05T09:31:00Z"}})",
                     t0);
    fleet.on_message(R"({"type": "model_chat", "data": {"account_id": 1, "model": "gpt-4o", "symbol": "BTC",
                         "decision": "buy", "reasoning": "BTC broke above 67000.00 on rising volume; momentum favours a long. Risk 1% of equity with a stop at 66800.00.",
                         "timestamp": "2026-01-05T09:32:00Z"}})",
                     t0);
    return fleet;
}

Key typed(const char* text) {
    return Key{Key::Kind::text, text};
}

}  // namespace

TEST_CASE("Decimal: exact sums, differences and percentages of the server's text", "[top]") {
    CHECK(Decimal::parse("10012.50")->plus(*Decimal::parse("0.08"))->text() == "10012.58");
    CHECK(Decimal::parse("10012.50")->plus(*Decimal::parse("-9.9"))->text() == "10002.60");
    CHECK(Decimal::parse("0.1")->plus(*Decimal::parse("0.2"))->text() ==
          "0.3");  // a double says 0.30000000000000004
    CHECK(Decimal::parse("1e2")->text() == "100");
    CHECK(Decimal::parse("1.5E-3")->text() == "0.0015");
    CHECK(Decimal::parse("-0.00")->text() == "0.00");
    CHECK(Decimal::parse("123456789012345678901234567890")->plus(*Decimal::parse("1"))->text() ==
          "123456789012345678901234567891");
    CHECK_FALSE(Decimal::parse("1234567890123456789012345678901"));  // 31 digits: not taken
    CHECK_FALSE(Decimal::parse(""));
    CHECK_FALSE(Decimal::parse("12a"));
    CHECK_FALSE(Decimal::parse("1e"));
    CHECK_FALSE(Decimal::parse("\"1\""));
    CHECK(Decimal::parse("12.50")->percent_of(*Decimal::parse("10000.00"), 2)->text() == "0.13");  // 0.125 up
    CHECK(Decimal::parse("-9.9")->percent_of(*Decimal::parse("10000.0"), 2)->text() == "-0.10");   // -0.099
    CHECK_FALSE(Decimal::parse("1")->percent_of(*Decimal::parse("0.00"), 2));
    CHECK(Decimal::parse("2.675")->text(2) == "2.68");  // half away from zero, on the decimal text
    CHECK(Decimal::parse("-2.675")->text(2) == "-2.68");
    CHECK(Decimal::parse("12.5")->signed_text() == "+12.5");
    CHECK(Decimal::parse("-3.10")->signed_text() == "-3.10");
    CHECK(Decimal::parse("0.00")->signed_text() == "0.00");
    CHECK(Decimal::parse("67012.50")->compare(*Decimal::parse("67012.5")) == 0);
    CHECK(Decimal::parse("-1")->compare(*Decimal::parse("0.5")) == -1);
    CHECK(cli::decimal_sum({"10012.50", "9990.1", "0.00000012"}) == "20002.60000012");
    CHECK(cli::decimal_sum({"1", "x"}).empty());
}

TEST_CASE("top: numbers aligned on the decimal point, text fitted and wrapped by columns", "[top]") {
    CHECK(cli::top::align_decimals({"10012.50", "9990.1", "5", "-"}) ==
          std::vector<std::string>{"10012.50", " 9990.1 ", "    5   ", "-"});
    CHECK(cli::top::align_decimals({"+0.13%", "-10.5%", "7%"}) ==
          std::vector<std::string>{" +0.13%", "-10.5 %", "  7   %"});
    CHECK(cli::top::fit("Main Account", 12) == "Main Account");
    CHECK(cli::top::fit("Main Account", 8) == "Main Ac…");
    CHECK(cli::top::fit("Main Account", 8, false) == "Main Ac~");
    CHECK(cli::top::fit("日本語のトレーダー", 7) == "日本語…");  // two columns each, never half of one
    CHECK(cli::top::wrap("one two three four", 9) == std::vector<std::string>{"one two", "three", "four"});
    CHECK(cli::top::wrap("a\n\nb", 5) == std::vector<std::string>{"a", "", "b"});
    CHECK(cli::top::wrap("abcdefghij", 4) == std::vector<std::string>{"abcd", "efgh", "ij"});
    CHECK(cli::top::wrap("abcde", 4) == std::vector<std::string>{"abcd", "e"});  // one column over
    CHECK(cli::top::wrap("日本語の", 5) ==
          std::vector<std::string>{"日本", "語の"});  // never half a character
    CHECK(cli::top::clock_time("2026-01-05T09:31:00Z") == "09:31:00");
    CHECK(cli::top::clock_time("yesterday") == "yesterday");
}

TEST_CASE("top: the fleet page at 80x10, with exact totals and the day's %", "[top]") {
    const Fleet fleet = two_traders();
    ViewState state;
    CHECK(text(cli::top::render(fleet, state, at(2s), 80, 10)) ==
          std::vector<std::string>{
              "hyperoru top · 2 traders · sort name ↑",
              " TRADER        TRADING    EQUITY  DAY PNL   DAY %  POS  LAST DECISION     AGE",
              " BTC Momentum  off       9990.1     -9.9   -0.10%    0  -                 2s",
              " Main Account  on       10012.50   +12.50  +0.13%    1  09:32:00 buy BTC  2s",
              " TOTAL (2)              20002.60    +2.60  +0.01%    1", "", "", "",
              "live · data 2s old · last push 2s ago",
              "↑↓/jk move  Enter open  s sort  / filter  c chart  r refresh  ? help  q quit"});
    const auto lines = cli::top::render(fleet, state, at(2s), 80, 10);
    CHECK(lines[2].selected);  // the cursor is on the first row
    CHECK_FALSE(lines[3].selected);
    // Colour is a style, never the only carrier: the PnL keeps its sign.
    CHECK(lines[3].spans[7].text == " +12.50");
    CHECK(lines[3].spans[7].style == cli::top::Style::gain);
    CHECK(lines[2].spans[7].style == cli::top::Style::loss);
}

TEST_CASE("top: a wide terminal shows the model and the exchange; a narrow one leaves them out first",
          "[top]") {
    const Fleet fleet = two_traders();
    ViewState state;
    const auto wide = text(cli::top::render(fleet, state, at(2s), 120, 7));
    CHECK(
        wide[1] ==
        " TRADER        MODEL                     EXCHANGE     TRADING    EQUITY  DAY PNL   DAY %  POS  LAST "
        "DECISION     AGE");
    CHECK(wide[3] ==
          " Main Account  gpt-4o                    hyperliquid  on       10012.50   +12.50  +0.13%    1  "
          "09:32:00 "
          "buy BTC  2s");
    // A little short: the model is cut (as little as needed) before any column is left out.
    const auto cut = text(cli::top::render(fleet, state, at(2s), 110, 7));
    CHECK(cut[2] ==
          " BTC Momentum  claude-sonnet-4-2…  binance      off       9990.1     -9.9   -0.10%    0  -        "
          "         2s");
    const auto narrow = text(cli::top::render(fleet, state, at(2s), 40, 7));
    CHECK(narrow == std::vector<std::string>{
                        "hyperoru top · 2 traders · sort name ↑", " TRADER          EQUITY  DAY PNL   DAY %",
                        " BTC Momentum   9990.1     -9.9   -0.10%",
                        " Main Account  10012.50   +12.50  +0.13%",
                        " TOTAL (2)     20002.60    +2.60  +0.01%", "live · data 2s old · last push 2s ago",
                        "↑↓/jk move  Enter open  s sort  / filter"});
    // Fewer lines than rows: the rows scroll under the header, the totals stay.
    const auto short_screen = text(cli::top::render(fleet, state, at(2s), 40, 6));
    CHECK(short_screen[2] == " BTC Momentum   9990.1     -9.9   -0.10%");
    CHECK(short_screen[3] == " TOTAL (2)     20002.60    +2.60  +0.01%");
}

TEST_CASE("top: data older than twice its interval is marked stale, on the row and the status line",
          "[top]") {
    Fleet fleet = two_traders();
    ViewState state;
    const auto lines = text(cli::top::render(fleet, state, at(121s), 80, 6));
    CHECK(lines[2] == " BTC Momentum  off       9990.1     -9.9   -0.10%    0  -                 stale");
    CHECK(lines[4] == "live · data 2m01s old · no push for 2m01s (stale)");
    // A REST round 20 s ago with a 5 s refresh: stale; one that failed says why.
    fleet.on_rest_ok(t0 + 101s);
    CHECK(text(cli::top::render(fleet, state, at(121s), 80, 6))[4] ==
          "live · data 2m01s old · REST stale (20s) · no push for 2m01s (stale)");
    fleet.on_rest_error("connection refused");
    CHECK(text(cli::top::render(fleet, state, at(121s), 80, 6))[4] ==
          "live · data 2m01s old · REST: connection refused · no push for 2m01s (stale)");
    fleet.on_link(Link::reconnecting, "reconnecting in 4 s (attempt 3)", t0 + 121s);
    CHECK(text(cli::top::render(fleet, state, at(121s), 80, 6))[4] ==
          "reconnecting in 4 s (attempt 3) · data 2m01s old · REST: connection refused");
    fleet.on_link(Link::rejected, "", t0 + 121s);
    CHECK(text(cli::top::render(fleet, state, at(121s), 80, 6))[4].rfind("token rejected: run hyperoru login",
                                                                         0) == 0);
}

TEST_CASE("top: a trader's page at 60x20: positions, open orders, fills and the reasoning wrapped", "[top]") {
    const Fleet fleet = two_traders();
    ViewState state;
    state.page = Page::trader;
    state.open_id = "1";
    CHECK(text(cli::top::render(fleet, state, at(2s), 60, 20)) ==
          std::vector<std::string>{"hyperoru top › Main Account",
                                   "Main Account  #1 · gpt-4o · hyperliquid · trading on",
                                   "equity 10012.50   day +12.50 (+0.13%)   upnl +0.08",
                                   "curve    ▁█",
                                   "",
                                   "POSITIONS (1)",
                                   " SYMBOL  SIDE   SIZE     ENTRY      MARK   UPNL  LEV",
                                   " BTC     long  0.010  67012.50  67020.00  +0.08    3",
                                   "OPEN ORDERS (1)",
                                   " ID   SYMBOL  SIDE  TYPE     PRICE   QTY",
                                   " 101  ETH     sell  limit  3500.00  0.50",
                                   "FILLS",
                                   " 09:31:00  BTC buy 0.010 @ 67012.50  filled",
                                   "DECISION 09:32:00 buy BTC · gpt-4o",
                                   " BTC broke above 67000.00 on rising volume; momentum favours",
                                   " a long. Risk 1% of equity with a stop at 66800.00.",
                                   "",
                                   "",
                                   "live · data 2s old · last push 2s ago",
                                   "↑↓/jk position  Esc back  c chart  r refresh  ? help  q quit"});
}

TEST_CASE("top: a trader's page lists the decisions before the latest, newest first", "[top]") {
    Fleet fleet;
    fleet.on_accounts(R"([{"id": 1, "name": "Main Account"}])");
    for (const char* message :
         {R"({"type": "model_chat", "data": {"account_id": 1, "symbol": "ETH", "decision": "hold",
             "reasoning": "ETH is ranging; no edge.", "timestamp": "2026-01-05T09:30:00Z"}})",
          R"({"type": "model_chat", "data": {"account_id": 1, "symbol": "SOL", "decision": "sell",
             "reasoning": "SOL lost 142.50.\nShort it.", "timestamp": "2026-01-05T09:31:00Z"}})",
          R"({"type": "model_chat", "data": {"account_id": 1, "symbol": "BTC", "decision": "buy",
             "reasoning": "Momentum.", "timestamp": "2026-01-05T09:32:00Z"}})"}) {
        fleet.on_message(message, t0);
    }
    ViewState state;
    state.page = Page::trader;
    state.open_id = "1";
    const auto lines = text(cli::top::render(fleet, state, at(2s), 60, 20));
    CHECK(std::vector<std::string>(lines.begin() + 11, lines.begin() + 16) ==
          std::vector<std::string>{"DECISION 09:32:00 buy BTC", " Momentum.", "EARLIER DECISIONS",
                                   " 09:31:00  sell SOL  SOL lost 142.50.",
                                   " 09:30:00  hold ETH  ETH is ranging; no edge."});
}

TEST_CASE("top: the keys move, open, sort, filter, chart and quit", "[top]") {
    const Fleet fleet = two_traders();
    ViewState state;
    using Kind = cli::top::Command::Kind;
    CHECK(cli::top::press(state, fleet, Key{Key::Kind::down, ""}).kind == Kind::none);
    CHECK(state.selected == 1);
    cli::top::press(state, fleet, Key{Key::Kind::down, ""});
    CHECK(state.selected == 1);  // the last row stays chosen
    cli::top::press(state, fleet, typed("k"));
    CHECK(state.selected == 0);
    cli::top::press(state, fleet, Key{Key::Kind::enter, ""});
    CHECK(state.page == Page::trader);
    CHECK(state.open_id == "3");  // BTC Momentum sorts first by name
    cli::top::press(state, fleet, Key{Key::Kind::escape, ""});
    CHECK(state.page == Page::fleet);

    cli::top::press(state, fleet, typed("s"));  // name -> equity, largest first
    CHECK(state.sort == SortKey::equity);
    CHECK(text(cli::top::render(fleet, state, at(2s), 80, 5))[2].rfind(" Main Account", 0) == 0);
    CHECK(text(cli::top::render(fleet, state, at(2s), 80, 5))[0] ==
          "hyperoru top · 2 traders · sort equity ↓");
    cli::top::press(state, fleet, typed("S"));
    CHECK_FALSE(state.descending);

    cli::top::press(state, fleet, typed("/"));
    cli::top::press(state, fleet, typed("b"));
    cli::top::press(state, fleet, typed("i"));
    cli::top::press(state, fleet, typed("n"));
    CHECK(text(cli::top::render(fleet, state, at(2s), 80, 5))[4] == "filter: bin_   Enter apply  Esc cancel");
    cli::top::press(state, fleet, Key{Key::Kind::backspace, ""});
    cli::top::press(state, fleet, Key{Key::Kind::enter, ""});
    CHECK(state.filter == "bi");
    const auto filtered = text(cli::top::render(fleet, state, at(2s), 80, 6));
    CHECK(filtered[0] == "hyperoru top · 1 trader · sort equity ↑ · filter \"bi\"");
    CHECK(filtered[2].rfind(" BTC Momentum", 0) == 0);  // its exchange is binance
    CHECK(filtered[3].rfind(" TOTAL (1)", 0) == 0);
    cli::top::press(state, fleet, Key{Key::Kind::escape, ""});
    CHECK(state.filter.empty());

    // c: BTC Momentum has no position; Main Account's BTC is charted.
    state.sort = SortKey::name;
    state.descending = false;
    state.selected = 0;
    CHECK(cli::top::press(state, fleet, typed("c")).kind == Kind::none);
    CHECK(state.notice == "no open position to chart");
    state.selected = 1;
    const auto chart = cli::top::press(state, fleet, typed("c"));
    CHECK(chart.kind == Kind::chart);
    CHECK(chart.symbol == "BTC");
    CHECK(state.page == Page::chart);
    cli::top::press(state, fleet, Key{Key::Kind::escape, ""});
    CHECK(state.page == Page::fleet);

    cli::top::press(state, fleet, typed("?"));
    CHECK(state.page == Page::help);
    CHECK(text(cli::top::render(fleet, state, at(2s), 80, 12))[1] == "KEYS");
    cli::top::press(state, fleet, Key{Key::Kind::escape, ""});
    CHECK(state.page == Page::fleet);
    CHECK(cli::top::press(state, fleet, typed("r")).kind == Kind::refresh);
    CHECK(cli::top::press(state, fleet, typed("q")).kind == Kind::quit);
}

TEST_CASE("top: a bootstrap names the traders and shares out their positions and open orders", "[top]") {
    Fleet fleet;
    fleet.on_message(R"({"type": "bootstrap", "request_id": "2", "data": {
        "accounts": [{"id": 1, "name": "Main Account", "model": "gpt-4o"}, {"id": 3, "name": "BTC Momentum"}],
        "positions": [{"account_id": 1, "symbol": "BTC", "side": "long", "size": 0.010},
                      {"account_id": 3, "symbol": "SOL", "side": "short", "size": 10.00},
                      {"account_id": 1, "symbol": "ETH", "side": "long", "size": 0, "status": "closed"},
                      {"account_id": 1, "symbol": "SOL", "side": "long", "size": 1.5}],
        "active_orders": [{"id": 42, "account_id": 3, "symbol": "BTC", "status": "pending"},
                          {"id": 43, "account_id": 3, "symbol": "ETH", "status": "executed"}]}})",
                     t0);
    REQUIRE(fleet.ids() == std::vector<std::string>{"1", "3"});
    const auto* main = fleet.find("1");
    const auto* momentum = fleet.find("3");
    REQUIRE(main != nullptr);
    REQUIRE(momentum != nullptr);
    CHECK(main->name == "Main Account");
    CHECK(main->model == "gpt-4o");
    REQUIRE(main->positions.size() == 2);  // the closed ETH is left out
    CHECK(main->positions[0].symbol == "BTC");
    CHECK(main->positions[0].size == "0.010");
    CHECK(main->positions[1].symbol == "SOL");
    REQUIRE(momentum->positions.size() == 1);
    REQUIRE(momentum->orders.size() == 1);  // the executed one is not open
    CHECK(momentum->orders[0].id == "42");
    CHECK(main->orders.empty());
    CHECK(fleet.pushes() == 0);  // a reply, not a push
}

TEST_CASE("top: whatever the server pushes, the fleet is never broken", "[top]") {
    Fleet fleet = two_traders();
    const auto before = text(cli::top::render(fleet, ViewState{}, at(2s), 80, 10));
    for (const char* message :
         {"not json", "[1,2]", "{}", R"({"type": 7})", R"({"type": "position"})",
          R"({"type": "position", "data": 5})", R"({"type": "trade", "data": {"account_id": {"x": 1}}})",
          R"({"type": "model_chat", "data": {"account_id": 99}})",
          R"({"type": "asset_curve", "data": {"account_id": 1, "equity": "lots"}})",
          R"({"type": "bootstrap", "data": {"accounts": 5, "positions": [1, null], "active_orders": {}}})",
          R"({"type": "something_new", "data": {"account_id": 1}})"}) {
        fleet.on_message(message, t0);
    }
    // An unknown account appears as a row of its own (the stream says it exists); text the
    // server sends for a number is shown as text, and never summed.
    const auto after = text(cli::top::render(fleet, ViewState{}, at(2s), 80, 10));
    CHECK(after[2] == " #99           -             -        -       -    0  -                 2s");
    CHECK(after[4] == " Main Account  on         lots   +12.50       -    1  09:32:00 buy BTC  2s");
    CHECK(after[5] == " TOTAL (3)                   -        -       -    1");
    CHECK(fleet.ignored() == 8);
    (void)before;
}

/// What the server answers to one round of `top --once`: one trader, its balance, a position, the
/// user's pending orders (one of another trader), and the trader's equity curve.
void script_once(LoggedIn& cli) {
    cli.server->respond(200, R"([{"id": 1, "name": "Main Account", "model": "gpt-4o", "is_active": true}])",
                        hyperoru::test::k_json);
    cli.server->respond(200, R"({"available": 9000.00, "total_equity": 10012.50, "exchange": "hyperliquid",
                                 "environment": "mainnet"})",
                        hyperoru::test::k_json);
    cli.server->respond(200, R"({"positions": [{"symbol": "BTC", "side": "long", "size": 0.010,
                                 "entry_price": 67012.50, "mark_price": 67020.00, "leverage": 3,
                                 "liquidation_price": null, "unrealized_pnl": 0.08}], "total_count": 1})",
                        hyperoru::test::k_json);
    cli.server->respond(200,
                        R"([{"id": 7, "account_id": 1, "symbol": "ETH", "side": "sell", "order_type": "limit",
                                  "price": 3500.00, "quantity": 0.50, "status": "pending"},
                                 {"id": 8, "account_id": 2, "symbol": "BTC", "side": "buy", "order_type": "limit",
                                  "price": 60000, "quantity": 0.01, "status": "pending"}])",
                        hyperoru::test::k_json);
    cli.ws.open({WsStep::message(R"({"type": "asset_curve", "request_id": "1", "data": {"account_id": 1,
        "timeframe": "7d", "points": [{"timestamp": "2026-01-04T23:59:00Z", "equity": 9950.00},
        {"timestamp": "2026-01-05T00:00:00Z", "equity": 10000.00},
        {"timestamp": "2026-01-05T09:32:00Z", "equity": 10012.50}]}})")});
}

TEST_CASE("top --once -o json: one snapshot of the fleet with the server's digits", "[top]") {
    LoggedIn cli;
    script_once(cli);
    REQUIRE(cli.run({"top", "--once", "-o", "json"}) == 0);
    CHECK(cli.err.empty());
    CHECK(cli.out == R"({
  "traders": [
    {
      "id": 1,
      "name": "Main Account",
      "model": "gpt-4o",
      "exchange": "hyperliquid",
      "trading": true,
      "equity": 10012.50,
      "daily_pnl": 12.50,
      "daily_pnl_pct": 0.13,
      "open_positions": 1,
      "open_orders": 1,
      "positions": [
        {
          "symbol": "BTC",
          "side": "long",
          "size": 0.010,
          "entry_price": 67012.50,
          "mark_price": 67020.00,
          "unrealized_pnl": 0.08,
          "leverage": 3
        }
      ],
      "orders": [
        {
          "id": 7,
          "symbol": "ETH",
          "side": "sell",
          "order_type": "limit",
          "price": 3500.00,
          "quantity": 0.50
        }
      ]
    }
  ],
  "totals": {
    "traders": 1,
    "equity": 10012.50,
    "daily_pnl": 12.50,
    "daily_pnl_pct": 0.13,
    "open_positions": 1,
    "open_orders": 1
  }
}
)");
    CHECK(cli.ws.connections[0].sent ==
          std::vector<std::string>{
              R"({"type":"get_asset_curve","request_id":"1","data":{"account_id":1,"timeframe":"7d"}})"});
    const auto& requests = cli.server->requests;
    REQUIRE(requests.size() == 4);
    CHECK(requests[0].url == "https://api.production.hyperoru.com/api/account/list");
    CHECK(requests[1].url == "https://api.production.hyperoru.com/api/hyperliquid/accounts/1/balance");
    CHECK(requests[2].url == "https://api.production.hyperoru.com/api/hyperliquid/accounts/1/positions");
    CHECK(requests[3].url == "https://api.production.hyperoru.com/api/orders/pending");
}

TEST_CASE("top --once: a call that fails for one trader is skipped; a rejected token ends it", "[top]") {
    LoggedIn cli;
    cli.server->respond(200, R"([{"id": 3, "name": "BTC Momentum", "exchange": "binance"}])",
                        hyperoru::test::k_json);
    cli.server->respond(404, R"({"error": "not a Hyperliquid account", "code": "NOT_FOUND"})",
                        hyperoru::test::k_json);
    cli.server->respond(200, R"({"positions": []})", hyperoru::test::k_json);
    cli.server->respond(200, "not json", hyperoru::test::k_json);
    REQUIRE(cli.run({"top", "--once", "-o", "ndjson"}) == 0);
    CHECK(cli.err.empty());
    CHECK(cli.out.find(
              R"("name":"BTC Momentum","model":null,"exchange":"binance","trading":null,"equity":null)") !=
          std::string::npos);
    CHECK(cli.server->requests.size() == 4);
    cli.server->respond(200, R"([{"id": 3}])", hyperoru::test::k_json);
    cli.server->respond(401, R"({"error": "Invalid or expired session token", "code": "UNAUTHORIZED"})",
                        hyperoru::test::k_json);
    CHECK(cli.run({"top", "--once"}) == 4);
    CHECK(cli.out.empty());
    CHECK(cli.server->requests.size() == 6);  // nothing after the rejected balance
}

TEST_CASE("top --once on a terminal: the table fitted to the terminal's width", "[top]") {
    LoggedIn cli;
    cli.stdout_tty = true;
    cli.env["COLUMNS"] = "40";
    script_once(cli);
    REQUIRE(cli.run({"top", "--once"}) == 0);
    CHECK(cli.out ==
          " TRADER          EQUITY  DAY PNL   DAY %\n"
          " Main Account  10012.50   +12.50  +0.13%\n"
          " TOTAL (1)     10012.50   +12.50  +0.13%\n");
    script_once(cli);
    cli.terminal_size = cli::TerminalSize{60, 20};  // the terminal's own size comes first
    REQUIRE(cli.run({"top", "--once"}) == 0);
    CHECK(cli.out.rfind(" TRADER        TRADING    EQUITY  DAY PNL   DAY %  POS  AGE\n", 0) == 0);
}

TEST_CASE("top: off a terminal the live screen refuses and points to watch and --once", "[top]") {
    LoggedIn cli;
    CHECK(cli.run({"top"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: top needs a terminal (stdin and stdout); for a stream of updates use 'hyperoru "
          "watch', "
          "for one snapshot of the fleet 'hyperoru top --once -o json'\nRun 'hyperoru top --help' for "
          "usage.\n");
    CHECK(cli.server->requests.empty());
    CHECK(cli.run({"top", "--refresh", "0.01"}) == 2);
    CHECK(cli.err ==
          "hyperoru: error: --refresh expects seconds from 0.2 to 3600, got 0.01\nRun 'hyperoru top --help' "
          "for "
          "usage.\n");
    CHECK(cli.run({"top", "--push-interval", "0", "--once"}) == 2);
    CHECK(cli.err.find("--push-interval expects seconds from 0.1 to 86400, got 0") != std::string::npos);
    CHECK(cli.server->requests.empty());
    CHECK(cli.run({"top", "--sort", "size", "--once"}) == 2);
    CHECK(cli.err.find("--sort expects name, equity, pnl, pnl%, positions or decision, got 'size'") !=
          std::string::npos);
}
