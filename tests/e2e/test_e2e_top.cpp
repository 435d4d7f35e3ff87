// hyperoru top in a real terminal of a fixed size (tmux) against the stand-in: the screen as a
// person sees it, keys, resizes, a dropped socket, a quiet stream, and `top --once`.
#include "e2e.hpp"
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

}  // namespace

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

TEST_CASE("e2e top: off a terminal it refuses with exit 2; --once prints the fleet", "[e2e][top]") {
    StandIn server({"--demo"});
    TokenEnv env(server);
    const auto refused = cli(env, {"top"});
    CHECK(refused.rc == 2);
    CHECK(refused.out.empty());
    CHECK(contains(refused.err, "top needs a terminal"));
    const auto table = cli(env, {"top", "--once", "-o", "table"});
    CHECK(table.rc == 0);
    CHECK(table.err.empty());
    CHECK(table.out.rfind(" TRADER        MODEL   EXCHANGE     TRADING", 0) == 0);
}
