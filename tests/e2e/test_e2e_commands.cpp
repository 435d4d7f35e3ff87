// End-to-end: every command beyond the core (README "Every other endpoint") with the real binary
// against the stand-in, one table row each: the exact request logged and the exact output.
#include "e2e/resources.hpp"

using namespace e2e_resources;

TEST_CASE("e2e: api users, profile, exchange-config, account, order and klines commands") {
    check_rows({
        {{"-o", "json", "users", "list"},
         req("GET", "/api/users/"),
         "[\n  {\n    \"id\": 1,\n    \"username\": \"trader1\",\n    \"email\": \"trader@example.com\",\n"
         "    \"is_active\": true\n  }\n]\n"},
        {{"profile", "update", "--email", "new@example.com"},
         req("PUT", "/api/users/profile", R"({"email":"new@example.com"})"),
         lines({R"({"id":1,"username":"trader1","email":"new@example.com","is_active":true})"})},
        {{"exchange-config"},
         req("GET", "/api/users/exchange-config"),
         "{\"selected_exchange\":\"hyperliquid\"}\n"},
        {{"exchange-config", "get"},
         req("GET", "/api/users/exchange-config"),
         "{\"selected_exchange\":\"hyperliquid\"}\n"},
        {{"exchange-config", "set", "--exchange", "binance"},
         req("POST", "/api/users/exchange-config", R"({"selected_exchange":"binance"})"),
         "{\"selected_exchange\":\"binance\"}\n"},
        {{"account", "overview"},
         req("GET", "/api/account/overview"),
         R"({"account":)" + main_account() + R"(,"positions_value":0.0,"total_assets":1000.0})" + "\n"},
        {{"account", "overview", "1"},
         req("GET", "/api/account/1/overview"),
         lines({R"({"id":1,"name":"Main Account","model":"gpt-4o","trading_enabled":true,)"
                R"("total_trades":42})"})},
        {{"account", "update", "1", "--name", "Renamed", "--set", "max_leverage=5.0"},
         req("PUT", "/api/account/1", R"({"name":"Renamed","max_leverage":5.0})"),
         main_account("Renamed", "5.0") + "\n"},
        {{"account", "delete", "1", "--yes"}, req("DELETE", "/api/account/1"), ""},
        {{"account", "strategy", "2"},
         req("GET", "/api/account/2/strategy"),
         lines(
             {R"({"account_id":2,"strategy_type":"program","program_id":1,"trigger_interval_minutes":60})"})},
        {{"-o", "json", "order", "create", "--account", "1", "--symbol", "BTC", "--side", "buy", "--type",
          "limit", "--quantity", "0.010", "--price", "67000.50"},
         req("POST", "/api/orders/create",
             R"({"account_id":1,"symbol":"BTC","name":"buy BTC","side":"buy","order_type":"limit",)"
             R"("quantity":0.010,"price":67000.50})"),
         "{\n  \"id\": 42,\n  \"account_id\": 1,\n  \"symbol\": \"BTC\",\n  \"side\": \"buy\",\n"
         "  \"order_type\": \"limit\",\n  \"price\": 67000.5,\n  \"quantity\": 0.01,\n  \"status\": "
         "\"pending\"\n}\n"},
        {{"order", "list", "--account", "1"},
         req("GET", "/api/orders/account/1"),
         k_order_42,
         R"({"kind": "orders"})"},
        {{"order", "list", "--user", "1"},
         req("GET", "/api/orders/user/1"),
         k_order_42,
         R"({"kind": "orders"})"},
        {{"order", "list", "--pending"},
         req("GET", "/api/orders/pending"),
         k_order_42,
         R"({"kind": "orders"})"},
        {{"order", "execute", "42"},
         req("POST", "/api/orders/execute/42"),
         lines({R"({"status":"ok","order_id":42,"execution_status":"filled"})"}),
         k_two_orders},
        {{"order", "cancel", "42", "--yes"},
         req("POST", "/api/orders/cancel/42"),
         "{\"status\":\"ok\",\"order_id\":42}\n",
         k_two_orders},
        {{"order", "process-all", "--yes"},
         req("POST", "/api/orders/process-all"),
         "{\"processed\":2,\"succeeded\":2,\"failed\":0}\n",
         k_two_orders},
        {{"klines", "BTC", "--interval", "4h", "--start", "2026-04-01", "--end", "2026-04-01T08:00:00Z"},
         req("GET", "/api/klines/data?symbol=BTC&interval=4h&start=2026-04-01&end=2026-04-01T08%3A00%3A00Z"),
         lines({R"({"timestamp":"2026-04-01T00:00:00Z","open":67000.0,"high":67500.0,"low":66800.0,)"
                R"("close":67200.0,"volume":500.0})",
                R"({"timestamp":"2026-04-01T04:00:00Z","open":67200.0,"high":67500.0,"low":66850.0,)"
                R"("close":67050.0,"volume":420.5})"})},
        {{"klines", "coverage"},
         req("GET", "/api/klines/coverage"),
         lines({R"({"symbol":"BTC","interval":"1h","earliest":"2025-01-01T00:00:00Z",)"
                R"("latest":"2026-04-09T12:00:00Z","total_candles":12000})",
                R"({"symbol":"ETH","interval":"1h","earliest":"2025-01-01T00:00:00Z",)"
                R"("latest":"2026-04-09T12:00:00Z","total_candles":12000})"})},
        {{"klines", "symbols"},
         req("GET", "/api/klines/supported-symbols"),
         "{\"symbols\":[\"BTC\",\"ETH\",\"SOL\",\"ARB\"]}\n"},
        {{"klines", "backfill", "--exchange", "hyperliquid", "--symbol", "BTC", "--interval", "1h", "--start",
          "2026-03-01", "--end", "2026-04-01", "--environment", "testnet"},
         req("POST", "/api/klines/backfill",
             R"({"exchange":"hyperliquid","symbol":"BTC","start":"2026-03-01","end":"2026-04-01",)"
             R"("period":"1h","environment":"testnet"})"),
         lines({R"({"id":123,"status":"running","exchange":"hyperliquid","environment":"testnet",)"
                R"("symbol":"BTC","period":"1h","started_at":"2026-04-09T12:00:00Z","finished_at":null,)"
                R"("rows_written":0})"})},
        {{"klines", "backfill-tasks"},
         req("GET", "/api/klines/backfill-tasks"),
         lines({R"({"id":"bf-001","symbol":"BTC","interval":"1h","status":"completed",)"
                R"("progress_pct":100.0})"})},
        {{"klines", "backfill-status", "bf-001"},
         req("GET", "/api/klines/backfill/status/bf-001"),
         lines({R"({"id":"bf-001","status":"completed","progress_pct":100.0,"rows_written":720})"})},
    });
}

TEST_CASE("e2e: api program, prompt and prompt-backtest commands") {
    const TempDir dir;
    const auto write = [&](const char* name, const std::string& text) {
        std::ofstream(dir.path() / name, std::ios::binary) << text;
        return (dir.path() / name).string();
    };
    const std::string code = "fn run(ctx) {\n  buy(\"BTC\", 0.010)\n}\n";
    const std::string code_json = R"("fn run(ctx) {\n  buy(\"BTC\", 0.010)\n}\n")";
    const auto code_file = write("grid.txt", code);
    const auto content_file = write("prompt.txt", "Trade {{symbol}} on momentum.\n");
    const auto preview = write("preview.json", R"({"content": "Buy {{symbol}} at {price}",)"
                                               R"( "variables": {"price": 67012.50}})");
    const auto task = write("task.json", R"({"prompt_id": 1, "config": {"symbols": ["BTC"],)"
                                         R"( "start_date": "2026-04-01", "end_date": "2026-04-02"}})");
    const std::string grid =
        R"({"id":1,"name":"Grid Bot","enabled":true,"created_at":"2026-04-01T00:00:00Z"})";
    const std::string prompt =
        R"({"id":1,"name":"BTC Trend Follower","content":"Analyze BTC price action...")";
    check_rows({
        {{"program", "list"}, req("GET", "/api/programs/"), grid + "\n"},
        {{"program", "show", "1"},
         req("GET", "/api/programs/1"),
         lines({R"({"id":1,"name":"Grid Bot","code":"fn run(ctx) { ... }","enabled":true,)"
                R"("created_at":"2026-04-01T00:00:00Z"})"})},
        {{"program", "create", "--name", "Grid v2", "--code-file", code_file, "--description", "grid",
          "--enabled", "false"},
         req("POST", "/api/programs/",
             R"({"name":"Grid v2","code":)" + code_json + R"(,"description":"grid","enabled":false})"),
         lines({R"({"id":2,"name":"Grid v2","created_at":"2026-04-09T12:00:00Z"})"})},
        {{"program", "update", "1", "--name", "Grid Bot 2", "--enabled", "false"},
         req("PUT", "/api/programs/1", R"({"name":"Grid Bot 2","enabled":false})"),
         lines({R"({"id":1,"name":"Grid Bot 2","code":"fn run(ctx) { ... }","enabled":false,)"
                R"("created_at":"2026-04-01T00:00:00Z"})"})},
        {{"program", "delete", "1", "--yes"}, req("DELETE", "/api/programs/1"), ""},
        {{"program", "validate", "--code-file", "-"},
         req("POST", "/api/programs/validate", R"({"code":)" + code_json + "}"),
         lines({R"({"valid":true,"errors":[]})"}),
         {},
         code},
        {{"program", "test-run", "1", "--symbol", "BTC"},
         req("POST", "/api/programs/test-run", R"({"program_id":1,"symbol":"BTC"})"),
         lines({R"({"status":"ok","result":{"action":"buy","quantity":0.01,"reason":"Grid level hit"}})"})},
        {{"program", "dev-guide"},
         req("GET", "/api/programs/dev-guide"),
         lines({R"({"guide":"# Program Development Guide\n\n## Context Object\n..."})"})},
        {{"program", "signal-pools"},
         req("GET", "/api/programs/signal-pools/"),
         lines({R"({"id":1,"name":"Momentum Pool","signals_count":3})"})},
        {{"program", "accounts"},
         req("GET", "/api/programs/accounts/"),
         lines({R"({"id":1,"name":"Main Account","account_type":"prompt"})",
                R"({"id":2,"name":"Hidden Scalper","account_type":"program"})"})},
        {{"program",           "backtest",   "--program",      "1",          "--symbols",       "BTC,ETH",
          "--start",           "2025-01-01", "--end",          "2025-02-01", "--interval",      "4h",
          "--initial-balance", "5000.00",    "--slippage-pct", "0.05",       "--maker-fee-pct", "0.02",
          "--taker-fee-pct",   "0.045"},
         req("POST", "/api/programs/backtest",
             R"({"program_id":1,"config":{"symbols":["BTC","ETH"],"start_date":"2025-01-01",)"
             R"("end_date":"2025-02-01","interval":"4h","initial_balance":5000.00,"slippage_pct":0.05,)"
             R"("maker_fee_pct":0.02,"taker_fee_pct":0.045}})"),
         std::nullopt},
        {{"prompt", "list"},
         req("GET", "/api/prompts/"),
         prompt + R"(,"created_at":"2026-04-01T00:00:00Z"})"
                  "\n"},
        {{"prompt", "show", "1"},
         req("GET", "/api/prompts/1"),
         prompt + R"(,"created_at":"2026-04-01T00:00:00Z"})"
                  "\n"},
        {{"prompt", "create", "--name", "Momentum", "--content-file", content_file},
         req("POST", "/api/prompts/", R"({"name":"Momentum","content":"Trade {{symbol}} on momentum.\n"})"),
         lines({R"({"id":2,"name":"Momentum","content":"Trade {{symbol}} on momentum.\n",)"
                R"("created_at":"2026-04-09T12:00:00Z"})"})},
        {{"prompt", "update", "1", "--name", "BTC v2"},
         req("PUT", "/api/prompts/1", R"({"name":"BTC v2"})"),
         lines({R"({"id":1,"name":"BTC v2","content":"Analyze BTC price action..."})"})},
        {{"prompt", "delete", "1", "--yes"}, req("DELETE", "/api/prompts/1"), lines({R"({"status":"ok"})"})},
        {{"prompt", "copy", "1"},
         req("POST", "/api/prompts/1/copy"),
         lines({R"x({"id":2,"name":"BTC Trend Follower (copy)","content":"Analyze BTC price action..."})x"})},
        {{"prompt", "rename", "1", "BTC Momentum v2"},
         req("PATCH", "/api/prompts/1/name", R"({"name":"BTC Momentum v2"})"),
         lines({R"({"id":1,"name":"BTC Momentum v2","content":"Analyze BTC price action..."})"})},
        {{"prompt", "preview", "--body", preview},
         req("POST", "/api/prompts/preview",
             R"({"content":"Buy {{symbol}} at {price}","variables":{"price":67012.50}})"),
         lines({R"({"rendered":"Buy BTC at 67012.5","length":18})"})},
        {{"prompt-backtest", "create", "--body", task},
         req("POST", "/api/prompt-backtest/tasks",
             R"({"prompt_id":1,"config":{"symbols":["BTC"],"start_date":"2026-04-01",)"
             R"("end_date":"2026-04-02"}})"),
         lines({R"({"id":1,"status":"queued","account_id":null,"started_at":null,"finished_at":null,)"
                R"("progress":0.0,"sample_count":24})"})},
    });
}

TEST_CASE("e2e: api signal, factor, analytics, hyperliquid and register commands") {
    const std::string signals =
        R"({"definitions":[{"id":1,"name":"RSI Oversold","type":"threshold",)"
        R"("enabled":true}],"pools":[{"id":1,"name":"Momentum Pool","signals_count":3}]})";
    check_rows({
        {{"signal", "list"}, req("GET", "/api/signals/"), signals + "\n"},
        {{"signal", "definition", "create", "--name", "MACD", "--type", "crossover", "--config",
          R"({"fast":12,"weight":0.50})"},
         req("POST", "/api/signals/definitions",
             R"({"name":"MACD","type":"crossover","config":{"fast":12,"weight":0.50}})"),
         lines({R"({"id":2,"name":"MACD","type":"crossover","enabled":true})"})},
        {{"signal", "definition", "show", "1"},
         req("GET", "/api/signals/definitions/1"),
         lines({R"({"id":1,"name":"RSI Oversold","type":"threshold",)"
                R"("config":{"indicator":"rsi","threshold":30,"direction":"below"}})"})},
        {{"signal", "definition", "update", "1", "--name", "RSI 25", "--config", R"({"threshold":25})"},
         req("PUT", "/api/signals/definitions/1", R"({"name":"RSI 25","config":{"threshold":25}})"),
         lines({R"({"id":1,"name":"RSI 25","config":{"threshold":25}})"})},
        {{"signal", "definition", "delete", "1", "--yes"}, req("DELETE", "/api/signals/definitions/1"), ""},
        {{"signal", "pool", "create", "--name", "Confluence", "--signal-ids", "1", "--logic", "or"},
         req("POST", "/api/signals/pools", R"({"name":"Confluence","signal_ids":[1],"logic":"or"})"),
         lines({R"({"id":2,"name":"Confluence","signals_count":1,"logic":"or","signal_ids":[1]})"})},
        {{"factor", "list"},
         req("GET", "/api/factors/custom"),
         lines({R"({"id":1,"name":"vol_momentum","expression":"volume_change * momentum_1d",)"
                R"("created_at":"2026-04-01T00:00:00Z"})"})},
        {{"factor", "create", "--name", "vm2", "--expression", "volume * 1.50", "--description", "d"},
         req("POST", "/api/factors/custom",
             R"({"name":"vm2","expression":"volume * 1.50","description":"d"})"),
         lines({R"({"id":2,"name":"vm2","expression":"volume * 1.50"})"})},
        {{"factor", "update", "1", "--expression", "x * 2"},
         req("PUT", "/api/factors/custom/1", R"({"expression":"x * 2"})"),
         lines({R"({"id":1,"expression":"x * 2"})"})},
        {{"factor", "delete", "1", "--yes"},
         req("DELETE", "/api/factors/custom/1"),
         lines({R"({"status":"ok"})"})},
        {{"factor", "effectiveness"},
         req("GET", "/api/factors/effectiveness"),
         lines({R"({"factor_name":"momentum_1d","ic":0.12,"rank_ic":0.15,"win_rate":0.58})",
                R"({"factor_name":"funding_rate","ic":-0.04,"rank_ic":-0.02,"win_rate":0.47})",
                R"({"factor_name":"btc/eth ratio","ic":0.07,"rank_ic":0.09,"win_rate":0.53})",
                R"({"factor_name":"vol_momentum","ic":0.05,"rank_ic":0.06,"win_rate":0.51})"})},
        {{"factor", "effectiveness", "btc/eth ratio", "--history"},
         req("GET", "/api/factors/effectiveness/btc%2Feth%20ratio/history"),
         lines({R"({"date":"2026-04-01","ic":0.05})", R"({"date":"2026-04-08","ic":0.09})"})},
        {{"factor", "effectiveness", "momentum_1d", "--by-window"},
         req("GET", "/api/factors/effectiveness/momentum_1d/by-window"),
         lines({R"({"factor_name":"momentum_1d","window":"1d","ic":0.12,"rank_ic":0.15,"win_rate":0.58})",
                R"({"factor_name":"momentum_1d","window":"7d","ic":0.14,"rank_ic":0.17,"win_rate":0.58})",
                R"({"factor_name":"momentum_1d","window":"30d","ic":0.09,"rank_ic":0.12,"win_rate":0.58})"})},
        {{"analytics", "summary", "--days", "7"},
         req("GET", "/api/analytics/summary?days=7"),
         lines({R"({"total_trades":35,"win_rate":0.62,"total_pnl":746.67,"avg_return_pct":1.8})"})},
        {{"analytics", "by", "strategy"},
         req("GET", "/api/analytics/by-strategy"),
         lines({R"({"strategy":"prompt","trades":100,"win_rate":0.65,"pnl":2500.0})",
                R"({"strategy":"program","trades":50,"win_rate":0.56,"pnl":700.0})"})},
        {{"analytics", "by", "account"},
         req("GET", "/api/analytics/by-account"),
         lines({R"({"account_id":1,"account_name":"Main","trades":80,"pnl":2000.0})"})},
        {{"analytics", "by", "symbol"},
         req("GET", "/api/analytics/by-symbol"),
         lines({R"({"symbol":"BTC","trades":60,"win_rate":0.68,"pnl":1800.0})",
                R"({"symbol":"ETH","trades":40,"win_rate":0.55,"pnl":500.0})"})},
        {{"analytics", "by", "operation"},
         req("GET", "/api/analytics/by-operation"),
         lines({R"({"operation":"buy","trades":90,"win_rate":0.64,"pnl":2200.0})",
                R"({"operation":"sell","trades":60,"win_rate":0.58,"pnl":1000.0})"})},
        {{"analytics", "by", "trigger-type"},
         req("GET", "/api/analytics/by-trigger-type"),
         lines({R"({"trigger_type":"ai_decision","trades":100,"pnl":2500.0})",
                R"({"trigger_type":"signal","trades":30,"pnl":400.0})",
                R"({"trigger_type":"manual","trades":20,"pnl":300.0})"})},
        {{"analytics", "by", "factor"},
         req("GET", "/api/analytics/by-factor"),
         lines({R"({"factor_name":"momentum_1d","trades":70,"win_rate":0.61,"pnl":1900.0})",
                R"({"factor_name":"funding_rate","trades":30,"win_rate":0.5,"pnl":250.0})"})},
        {{"hyperliquid", "positions", "1"},
         req("GET", "/api/hyperliquid/accounts/1/positions"),
         lines({R"({"positions":[{"symbol":"BTC","side":"long","size":0.05,"entry_price":65500.0,)"
                R"("mark_price":67012.50,"leverage":3,"liquidation_price":45210.75,"unrealized_pnl":75.625},)"
                R"({"symbol":"ETH","side":"short","size":1.2,"entry_price":3500.25,"mark_price":3450.25,)"
                R"("leverage":2,"liquidation_price":null,"unrealized_pnl":60.0}],"total_count":2,)"
                R"("total_unrealized_pnl":135.625})"})},
        {{"hyperliquid", "balance", "1"},
         req("GET", "/api/hyperliquid/accounts/1/balance"),
         lines({R"({"available":9876.54,"environment":"mainnet","exchange":"hyperliquid",)"
                R"("total_equity":12345.67,"margin_used":1500,"unrealized_pnl":0.05})"})},
        {{"hyperliquid", "state", "2"},
         req("GET", "/api/hyperliquid/account/2/state"),
         lines({R"({"id":1002,"account_id":2,"environment":"mainnet","balance_available":480.25,)"
                R"("balance_total":480.25,"margin_used":0.0,"unrealized_pnl":0.0,)"
                R"("taken_at":"2026-04-09T12:00:00Z"})"})},
        // No Authorization on register, although HYPERORU_TOKEN is set.
        {{"register", "--username", "trader2", "--email", "t2@example.com", "--password-stdin"},
         {"POST", "/api/users/register", std::nullopt, "application/json",
          R"({"username":"trader2","email":"t2@example.com","password":"pw-123"})"},
         lines({R"({"id":2,"username":"trader2","email":"t2@example.com","is_active":true})"}),
         {},
         "pw-123\n"},
    });
}
